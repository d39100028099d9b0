// What the Archiving and Export tabs share around their profile lists: the
// runs (useProfileRuns: RunProfile and RunTemporaryProfile in the task
// window), the outcome of a run above the list (RunOutcome), the cells every
// profile row has (ProfileNameCell, AutomationCell, ProfileActions) and the
// dialogs every profile has (ProfileSideDialogs: automatic runs, delete asked
// first, a run's report). `prefix` keeps their element ids apart ("arc",
// "exp"); `texts` names the tab's catalogue keys: {runFailed} for the
// outcome, {deleteTitle, deleted, deleteText} for the dialogs, {runTask,
// onceTask} for the task window.
import { useState } from "preact/hooks";
import { resultOf } from "../../../api.js";
import { durationText, flagOf } from "../../../profiles.js";
import { Badge, ConfirmDialog, ErrorNote, useApp, useCall } from "../../../ui.jsx";
import { AutomationDialog } from "./automation.jsx";
import { ReportDialog } from "./report.jsx";

export function RunOutcome({ prefix, texts, outcome, onDismiss, onReport }) {
  const { t } = useApp();
  if (!outcome) return null;
  if (outcome.kind === "error") {
    return (
      <div class="arc-outcome" id={`${prefix}-outcome`} data-kind="error">
        {outcome.name && <p class="arc-outcome-name">{t(texts.runFailed, { name: outcome.name })}</p>}
        <ErrorNote error={outcome.error} />
      </div>
    );
  }
  return (
    <div class="note ok arc-outcome" id={`${prefix}-outcome`} data-kind="ok" role="status">
      <span class="note-text">{outcome.text}</span>
      {outcome.resultId && (
        <button type="button" class="ghost small" id={`${prefix}-outcome-report`}
                onClick={() => onReport(outcome.resultId)}>
          {t("arcOpenReport")}</button>
      )}
      <button type="button" class="note-close" onClick={onDismiss} aria-label={t("dismiss")}>×</button>
    </div>
  );
}

// The open dialog of `dialog` ({type: "automation"|"delete", profile} or
// {type: "report", resultId}); none for other types.
export function ProfileSideDialogs({ texts, instanceID, dialog, onClose, onSaved }) {
  const { t } = useApp();
  const call = useCall();
  if (!dialog) return null;
  if (dialog.type === "automation") {
    return <AutomationDialog profile={dialog.profile} instanceID={instanceID} onClose={onClose}
                             onSaved={(text) => onSaved({ text })} />;
  }
  if (dialog.type === "delete") {
    return (
      <ConfirmDialog title={t(texts.deleteTitle, { name: dialog.profile.name })} confirmLabel={t("delete")} danger
                     onClose={onClose}
                     onConfirm={async () => {
                       await call("DeleteProfile", { instanceID, id: dialog.profile.id });
                       onSaved({ text: t(texts.deleted, { name: dialog.profile.name }) });
                     }}>
        <p>{t(texts.deleteText)}</p>
      </ConfirmDialog>
    );
  }
  if (dialog.type === "report") return <ReportDialog instanceID={instanceID} resultId={dialog.resultId} onClose={onClose} />;
  return null;
}

// Runs of the instance's profiles in the task window (listed even when they
// end at once, so each run's log and end are found in one place), the outcome
// above the list when one ends (the page may have changed meanwhile):
// `doneText(name, result)` says it; `onEnd` after each run. runOnce leaves
// the password out of what the task window keeps.
export function useProfileRuns({ instanceID, texts, setOutcome, doneText, onEnd }) {
  const { t, run } = useApp();
  const [runningIds, setRunningIds] = useState(() => new Set());
  const mark = (key, on) => setRunningIds((s) => {
    const n = new Set(s);
    if (on) n.add(key); else n.delete(key);
    return n;
  });
  const start = async (fn, args, shown, name, label, key) => {
    mark(key, true);
    setOutcome(null);
    try {
      const r = resultOf(await run(fn, { instanceID, ...args }, { label, listed: true, taskArgs: { instanceID, ...shown } }));
      setOutcome({ kind: "ok", resultId: r && r.workerResultId, text: doneText(name, r || {}) });
    } catch (e) {
      setOutcome({ kind: "error", error: e, name });
    } finally {
      mark(key, false);
      onEnd();
    }
  };
  const runNow = (p) => start("RunProfile", { id: p.id }, { id: p.id }, p.name,
                              t(texts.runTask, { name: p.name, id: instanceID }), p.id);
  const runOnce = (properties) => {
    const { password, ...details } = properties.details;  // eslint-disable-line no-unused-vars
    start("RunTemporaryProfile", { properties, raw: true }, { properties: { ...properties, details }, raw: true },
          properties.name, t(texts.onceTask, { name: properties.name, id: instanceID }), "once:" + Date.now());
  };
  return { runningIds, runNow, runOnce };
}

// A profile's name, with its connector's name and its owner.
export function ProfileNameCell({ profile, connector }) {
  const { t } = useApp();
  return (
    <td data-label={t("arcName")} class="arc-name-cell">
      <strong class="arc-profile-name">{profile.name}</strong>
      <span class="arc-sub muted">{connector ? t(connector.key) : profile.connector} · {profile.owner}</span>
    </td>
  );
}

// Whether a profile runs by itself, how often, and when not.
export function AutomationCell({ profile }) {
  const { t } = useApp();
  const s = profile.serverSideExecution || {};
  const auto = flagOf(s.automatic, false);
  const pause = durationText(Number(s.automaticPauseBetweenExecutions ?? 300));
  return (
    <td data-label={t("arcAutomation")} class="arc-auto">
      {auto ? <Badge kind="active">{t("arcEvery", { duration: t(pause.key, pause.vars) })}</Badge>
            : <Badge kind="off">{t("arcManual")}</Badge>}
      {auto && s.automaticMaintenanceWindows &&
        <span class="arc-sub muted">{t("arcNotDuring", { windows: s.automaticMaintenanceWindows })}</span>}
    </td>
  );
}

// Run now, (Edit,) Automation and Delete of a profile, as far as the API offers them.
export function ProfileActions({ profile: p, busy, onRun, onDialog, editable = false }) {
  const { t, hasFn } = useApp();
  return (
    <td class="row-actions">
      {hasFn("RunProfile") && (
        <button type="button" class="primary small" data-action="run" disabled={busy} onClick={() => onRun(p)}
                aria-label={t("arcRunNamed", { name: p.name })}>{busy ? t("arcRunning") : t("arcRunNow")}</button>
      )}
      {editable && hasFn("CreateProfile") && hasFn("DeleteProfile") && (
        <button type="button" class="ghost small" data-action="edit" disabled={busy} onClick={() => onDialog("edit", p)}
                aria-label={t("editNamed", { name: p.name })}>{t("edit")}</button>
      )}
      {hasFn("SetProfileServerSideExecution") && (
        <button type="button" class="ghost small" data-action="automation" onClick={() => onDialog("automation", p)}
                aria-label={t("arcAutomationNamed", { name: p.name })}>{t("arcAutomationButton")}</button>
      )}
      {hasFn("DeleteProfile") && (
        <button type="button" class="ghost small danger-text" data-action="delete" disabled={busy}
                onClick={() => onDialog("delete", p)} aria-label={t("deleteNamed", { name: p.name })}>{t("delete")}</button>
      )}
    </td>
  );
}
