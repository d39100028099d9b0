// The Users tab's texts built from the catalogue: the names and
// explanations of the privileges, login privileges, folder privileges and
// ways of signing in, and the text of a problem code of users.js.

// The names and explanations of the product's privileges (PRODUCT-SPEC §2).
export function privilegeTexts(t) {
  return {
    admin: [t("usrPrivAdmin"), t("usrPrivAdminHelp")],
    login: [t("usrPrivLogin"), t("usrPrivLoginHelp")],
    changePassword: [t("usrPrivChangePassword"), t("usrPrivChangePasswordHelp")],
    archive: [t("usrPrivArchive"), t("usrPrivArchiveHelp")],
    modifyArchiveProfiles: [t("usrPrivModifyArchiveProfiles"), t("usrPrivModifyArchiveProfilesHelp")],
    export: [t("usrPrivExport"), t("usrPrivExportHelp")],
    modifyExportProfiles: [t("usrPrivModifyExportProfiles"), t("usrPrivModifyExportProfilesHelp")],
    delete: [t("usrPrivDelete"), t("usrPrivDeleteHelp")],
  };
}

export function loginTexts(t) {
  return {
    windows: [t("usrLoginWindows"), t("usrLoginWindowsHelp")],
    web: [t("usrLoginWeb"), t("usrLoginWebHelp")],
    outlook: [t("usrLoginOutlook"), t("usrLoginOutlookHelp")],
    windowsCmd: [t("usrLoginWindowsCmd"), t("usrLoginWindowsCmdHelp")],
    imap: [t("usrLoginImap"), t("usrLoginImapHelp")],
    api: [t("usrLoginApi"), t("usrLoginApiHelp")],
  };
}

export function folderTexts(t) {
  return { read: t("usrFolderRead"), write: t("usrFolderWrite"), delete: t("usrFolderDelete") };
}

export function authTexts(t) {
  return {
    integrated: [t("usrAuthIntegrated"), t("usrAuthIntegratedHelp")],
    directoryServices: [t("usrAuthDirectory"), t("usrAuthDirectoryHelp")],
  };
}

/** A problem code of users.js in the user's language (null stays null). */
export const problemText = (t, code) => (code ? t("usrProblem_" + code) : null);
