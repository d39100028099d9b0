// An instance's Folders tab: the archive's folder tree, one user archive
// per top-level folder (GetChildFolders, read one level at a time as
// folders are opened), each folder's messages and size with the folders
// below it (GetFolderStatistics: one pass over every store's messages, so
// it is read once when the tab opens and again after each change or on
// Refresh, never per folder), Move or rename a folder (MoveFolder: a
// dialog with the new path checked as typed, then asked) and Delete empty
// folders (DeleteEmptyFolders) in every archive, in a user's archive or
// below a folder, asked first. The parts are in folders/: the tree
// (tree.jsx, keyboard: arrow keys as in a tree) and the dialogs (dialogs.jsx).
import { useEffect, useState } from "preact/hooks";
import "./folders.css";
import { ancestorsOf, renamePaths, statsIndex } from "../../archive_folders.js";
import { ErrorNote, Notice, useApp, useCall, useLoad } from "../../ui.jsx";
import { DeleteEmptyDialog, MoveDialog } from "./folders/dialogs.jsx";
import { FolderTree, useFolderTree } from "./folders/tree.jsx";

export function FoldersTab({ id, instance }) {
  const { t, fmt, hasFn } = useApp();
  const call = useCall();
  const up = instance.status === "running";
  const tree = useFolderTree(id, up && hasFn("GetChildFolders"));
  const stats = useLoad(() => (up && hasFn("GetFolderStatistics")
    ? call("GetFolderStatistics", { instanceID: id }).then(statsIndex) : null), [id, up]);
  const users = useLoad(() => (up && hasFn("GetUsers")
    ? call("GetUsers", { instanceID: id }).then((l) => (l || []).map((u) => u.userName)) : null), [id, up]);
  const [dialog, setDialog] = useState(null);   // {type: "move" | "delete", folder}
  const [notice, setNotice] = useState(null);
  const [moved, setMoved] = useState(null);     // the folder a move just made: marked and focused

  const refresh = (open = tree.open) => {
    tree.reload(open);
    stats.reload();
  };
  const afterMove = (from, to) => {
    setDialog(null);
    setNotice(t("fldMoved", { from, to }));
    setMoved(to);
    refresh([...new Set([...renamePaths(tree.open, from, to), ...ancestorsOf(to)])]);
  };
  const afterDelete = (n) => {
    setDialog(null);
    setMoved(null);
    setNotice(n ? t("fldDeleted", { n }) : t("fldDeletedNone"));
    refresh();
  };
  useEffect(() => { if (!moved) return undefined; const timer = setTimeout(() => setMoved(null), 8000); return () => clearTimeout(timer); }, [moved]);

  if (!up) {
    return (
      <div class="fld">
        <h2 class="sr-only">{t("tabFolders")}</h2>
        <Notice kind="warn">{t("fldNotRunning")}</Notice>
      </div>
    );
  }
  const archives = tree.children[""]?.items || null;
  const sum = stats.data && archives ? archives.reduce((a, f) => {
    const s = stats.data.get(f.folder);
    return { messages: a.messages + (s ? s.totalCount : 0), size: a.size + (s ? s.totalSize : 0) };
  }, { messages: 0, size: 0 }) : null;
  return (
    <div class="fld">
      <div class="fld-head">
        <div class="fld-title">
          <h2>{t("fldTitle")}</h2>
          <p class="muted small" id="fld-summary" aria-live="polite">
            {archives && sum ? t("fldSummary", { n: archives.length, messages: fmt.number(sum.messages), size: fmt.bytes(sum.size) })
              : stats.loading ? t("fldCounting") : archives ? t("fldArchives", { n: archives.length }) : ""}
          </p>
        </div>
        <div class="page-actions">
          <button type="button" class="ghost" id="fld-refresh" onClick={() => { setMoved(null); refresh(); }}
                  disabled={stats.loading || tree.busy}>{t("refresh")}</button>
          {hasFn("DeleteEmptyFolders") && (
            <button type="button" class="ghost" id="fld-delete-all" onClick={() => setDialog({ type: "delete", folder: "" })}>
              {t("fldDeleteAll")}</button>
          )}
        </div>
      </div>
      <Notice onDismiss={() => setNotice(null)}>{notice}</Notice>
      <ErrorNote error={stats.error} />
      <ErrorNote error={users.error} />
      <FolderTree tree={tree} stats={stats.data} statsLoading={stats.loading} users={users.data} moved={moved}
                  onMove={(folder) => setDialog({ type: "move", folder })}
                  onDeleteEmpty={(folder) => setDialog({ type: "delete", folder })} />

      {dialog && dialog.type === "move" && (
        <MoveDialog id={id} folder={dialog.folder} stats={stats.data} users={users.data} children={tree.listed}
                    onClose={() => setDialog(null)} onMoved={afterMove} />
      )}
      {dialog && dialog.type === "delete" && (
        <DeleteEmptyDialog id={id} folder={dialog.folder} stats={stats.data}
                           onClose={() => setDialog(null)} onDeleted={afterDelete} />
      )}
    </div>
  );
}
