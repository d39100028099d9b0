// What Web Access's modules share: who is logged in, the folder tree, the
// view the address described last, the list's results and the open message.
// One object, so that every module sees each change.
export const ARCHIVE_ADMIN = "$archiveadmin";

export const app = {
  csrf: "",
  user: "",
  archives: [],           // the folders answer's tree
  folderInfo: new Map(),  // path -> {archive, name, sent, hasChildren, root, own, empty}
  view: null,             // the state show() drew last (router.js)
  results: { hits: [], total: 0, estimate: false, terms: [] },
  openKey: "",            // "store.message" of the open message
  page: "archive",        // "archive" or "settings" (#settings)
  listHash: "",           // the archive's last address, for "Back to the archive"
};
