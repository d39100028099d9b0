// The Archive Stores tab's texts built from the catalogue: the requested
// states, each command's label (a verb) and explanation, and what the
// confirmation of a command that rewrites or drops data says.

/** The label of a requested state. */
export function stateLabel(t, state) {
  return { current: t("stoStateCurrent"), normal: t("stoStateNormal"), writeProtected: t("stoStateWriteProtected"),
           disabled: t("stoStateDisabled") }[state] || state;
}

export function stateHelp(t, state) {
  return { current: t("stoStateHelpCurrent"), normal: t("stoStateHelpNormal"), writeProtected: t("stoStateHelpWriteProtected"),
           disabled: t("stoStateHelpDisabled") }[state] || "";
}

// The label (a verb) and the explanation of each command.
export function commandTexts(t) {
  return {
    rename: [t("stoCmdRename"), t("stoHelpRename")],
    state: [t("stoCmdState"), t("stoHelpState")],
    path: [t("stoCmdPath"), t("stoHelpPath")],
    verify: [t("stoCmdVerify"), t("stoHelpVerify")],
    compact: [t("stoCmdCompact"), t("stoHelpCompact")],
    repair: [t("stoCmdRepair"), t("stoHelpRepair")],
    recreate: [t("stoCmdRecreate"), t("stoHelpRecreate")],
    upgrade: [t("stoCmdUpgrade"), t("stoHelpUpgrade")],
    unlock: [t("stoCmdUnlock"), t("stoHelpUnlock")],
    recover: [t("stoCmdRecover"), t("stoHelpRecover")],
    merge: [t("stoCmdMerge"), t("stoHelpMerge")],
    detach: [t("stoCmdDetach"), t("stoHelpDetach")],
    verifyAll: [t("stoCmdVerifyAll"), t("stoHelpVerifyAll")],
    upgradeAll: [t("stoCmdUpgradeAll"), t("stoHelpUpgradeAll")],
    refreshStatistics: [t("stoCmdRefreshStatistics"), t("stoHelpRefreshStatistics")],
    retryOpen: [t("stoCmdRetryOpen"), t("stoHelpRetryOpen")],
    maintainDatabases: [t("stoCmdMaintain"), t("stoHelpMaintain")],
  };
}

// What a confirmation says happens (commands that rewrite or drop data).
export function confirmTexts(t) {
  return {
    compact: t("stoConfirmCompact"),
    repair: t("stoConfirmRepair"),
    recreate: t("stoConfirmRecreate"),
    upgrade: t("stoConfirmUpgrade"),
    detach: t("stoConfirmDetach"),
    upgradeAll: t("stoConfirmUpgradeAll"),
    maintainDatabases: t("stoConfirmMaintain"),
  };
}
