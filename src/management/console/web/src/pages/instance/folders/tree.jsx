// The Folders tab's tree: nested lists, one level read at a time
// (GetChildFolders {folder, maxLevels: 1}) when a folder is opened, each
// row with the folder's messages and size (with those below it) and its
// actions. A folder with subfolders opens and closes with its button
// (aria-expanded). Keyboard: Tab goes through the buttons; in the tree
// ↑ ↓ move from folder to folder, → opens a folder (or goes to its first
// subfolder), ← closes it (or goes to its parent), Home and End go to the
// first and last folder. Up to 200 subfolders of a folder are drawn, "Show
// more" draws the next ones; the archives can be filtered by name.
import { useCallback, useEffect, useId, useRef, useState } from "preact/hooks";
import { SHOWN_STEP, emptyFolders, filterFolders, hasOwner, isTopLevel, parentOf, sortFolders } from "../../../archive_folders.js";
import { ErrorNote, Loading, useApp, useCall } from "../../../ui.jsx";

const FILTER_FROM = 10;   // the archives get a filter when there are more than this

/**
 * The tree's state: children (parent path, "" for the archives -> {items,
 * error, loading}), the open folders, toggle(path, open), reload(open)
 * (the archives and every open folder read again; a folder that went is
 * closed) and listed (parent -> items, for MoveDialog).
 */
export function useFolderTree(id, enabled) {
  const call = useCall();
  const [children, setChildren] = useState({});
  const [open, setOpen] = useState(() => new Set());
  const seq = useRef({});
  const load = useCallback(async (parent, quiet = false) => {
    const mine = (seq.current[parent] || 0) + 1;
    seq.current[parent] = mine;
    setChildren((c) => ({ ...c, [parent]: { items: c[parent]?.items || null, error: null, loading: true } }));
    try {
      const list = await call("GetChildFolders", { instanceID: id, folder: parent || undefined, maxLevels: 1 });
      if (seq.current[parent] !== mine) return;
      setChildren((c) => ({ ...c, [parent]: { items: sortFolders(list), error: null, loading: false } }));
    } catch (error) {
      if (seq.current[parent] !== mine) return;
      if (quiet && parent && error.code === "failed") {
        // Read again after a change and refused: the folder went (moved or deleted), so it closes.
        setChildren((c) => { const n = { ...c }; delete n[parent]; return n; });
        setOpen((s) => { const n = new Set(s); n.delete(parent); return n; });
        return;
      }
      setChildren((c) => ({ ...c, [parent]: { items: c[parent]?.items || null, error, loading: false } }));
    }
  }, [id]);  // eslint-disable-line react-hooks/exhaustive-deps

  useEffect(() => {
    if (enabled) load("");
  }, [enabled, load]);

  const toggle = (path, on) => {
    setOpen((s) => {
      const n = new Set(s);
      if (on) n.add(path); else n.delete(path);
      return n;
    });
    if (on && !children[path]?.items && !children[path]?.loading) load(path);
  };
  const reload = (paths) => {
    const list = [...paths];
    setOpen(new Set(list));
    load("");
    for (const p of list) load(p, true);
  };
  const listed = {};
  for (const [k, v] of Object.entries(children)) if (v.items) listed[k] = v.items;
  const busy = Object.values(children).some((v) => v.loading);
  return { children, open, toggle, reload, listed, busy, enabled };
}

function FolderIcon() {
  return (
    <svg class="fld-icon" viewBox="0 0 20 16" aria-hidden="true" focusable="false">
      <path d="M1 3.5A1.5 1.5 0 0 1 2.5 2h5l2 2h8A1.5 1.5 0 0 1 19 5.5v8a1.5 1.5 0 0 1-1.5 1.5h-15A1.5 1.5 0 0 1 1 13.5z" />
    </svg>
  );
}

// The element of a row the arrow keys go to: its open/close button, else its name.
const primaryOf = (row) => row && row.querySelector(".fld-toggle, .fld-leaf");

export function FolderTree({ tree, stats, statsLoading, users, moved, onMove, onDeleteEmpty }) {
  const { t } = useApp();
  const ref = useRef(null);
  const [filter, setFilter] = useState("");
  const [limits, setLimits] = useState({});   // parent -> subfolders drawn
  const focusMoved = useRef(null);
  const root = tree.children[""];

  // The folder a move made takes the focus once it is drawn.
  useEffect(() => { focusMoved.current = moved; }, [moved]);
  useEffect(() => {
    if (!focusMoved.current || !ref.current) return;
    const row = [...ref.current.querySelectorAll(".fld-row[data-folder]")].find((r) => r.dataset.folder === focusMoved.current);
    if (!row) return;
    focusMoved.current = null;
    primaryOf(row)?.focus();
    row.scrollIntoView({ block: "nearest" });
  }, [tree.children, moved]);

  const onKey = (e) => {
    if (e.altKey || e.ctrlKey || e.metaKey || e.shiftKey) return;
    if (!["ArrowUp", "ArrowDown", "ArrowLeft", "ArrowRight", "Home", "End"].includes(e.key)) return;
    const row = e.target.closest && e.target.closest(".fld-row[data-folder]");
    if (!row || !ref.current) return;
    const rows = [...ref.current.querySelectorAll(".fld-row[data-folder]")];
    const i = rows.indexOf(row);
    const go = (r) => { e.preventDefault(); const p = primaryOf(r); if (p) p.focus(); };
    const path = row.dataset.folder;
    const isOpen = tree.open.has(path);
    const toggle = row.querySelector(".fld-toggle");
    switch (e.key) {
      case "ArrowDown": if (rows[i + 1]) go(rows[i + 1]); else e.preventDefault(); break;
      case "ArrowUp": if (rows[i - 1]) go(rows[i - 1]); else e.preventDefault(); break;
      case "Home": go(rows[0]); break;
      case "End": go(rows[rows.length - 1]); break;
      case "ArrowRight":
        e.preventDefault();
        if (!toggle) break;
        if (!isOpen) tree.toggle(path, true);
        else if (rows[i + 1] && parentOf(rows[i + 1].dataset.folder) === path) go(rows[i + 1]);
        break;
      case "ArrowLeft": {
        e.preventDefault();
        if (toggle && isOpen) { tree.toggle(path, false); toggle.focus(); break; }
        const up = rows.find((r) => r.dataset.folder === parentOf(path));
        if (up) go(up);
        break;
      }
      default:
    }
  };

  if (!tree.enabled) return null;
  if (!root || (root.loading && !root.items)) return <Loading />;
  const archives = root.items || [];
  const shownArchives = filterFolders(archives, filter);
  const orphans = users && archives.some((f) => !hasOwner(f.folder, users));
  const row = { tree, stats, statsLoading, users, moved, onMove, onDeleteEmpty, limits, setLimits };
  return (
    <div class="fld-tree-wrap">
      <ErrorNote error={root.error} />
      <p class="hint fld-hint">{t("fldHint")} <span class="fld-keys">{t("fldKeys")}</span>{orphans ? " " + t("fldOrphanHint") : ""}</p>
      {archives.length > FILTER_FROM && (
        <div class="field fld-filter">
          <label for="fld-filter">{t("fldFilterLabel")}</label>
          <input id="fld-filter" type="search" value={filter} spellcheck={false} autocomplete="off"
                 onInput={(e) => setFilter(e.currentTarget.value)} />
          {filter && <p class="muted small" role="status">{t("fldFilterMatches", { n: shownArchives.length })}</p>}
        </div>
      )}
      <div class="fld-tree" ref={ref} onKeyDown={onKey} aria-busy={tree.busy ? "true" : undefined}>
        <div class="fld-row fld-headings" aria-hidden="true">
          <span class="fld-name">{t("fldFolder")}</span>
          <span class="fld-count num">{t("fldMessages")}</span>
          <span class="fld-size num">{t("fldSize")}</span>
          <span class="fld-actions"></span>
        </div>
        {archives.length === 0 ? <p class="muted fld-none">{t("fldNone")}</p>
          : shownArchives.length === 0 ? <p class="muted fld-none">{t("fldNoMatch")}</p>
            : <FolderList parent="" items={shownArchives} label={t("fldTreeLabel")} {...row} />}
      </div>
    </div>
  );
}

function FolderList({ parent, items, label, labelledBy, id, ...row }) {
  const { t } = useApp();
  const { limits, setLimits } = row;
  const limit = limits[parent] || SHOWN_STEP;
  const shown = items.slice(0, limit);
  return (
    <>
      <ul class="fld-list" id={id} aria-label={label} aria-labelledby={labelledBy}>
        {shown.map((f) => <FolderItem key={f.folder} f={f} {...row} />)}
      </ul>
      {items.length > limit && (
        <button type="button" class="link small fld-more" onClick={() => setLimits((l) => ({ ...l, [parent]: limit + SHOWN_STEP }))}>
          {t("fldShowMore", { n: items.length - limit })}</button>
      )}
    </>
  );
}

function FolderItem({ f, ...row }) {
  const { t, fmt, hasFn } = useApp();
  const { tree, stats, statsLoading, users, moved, onMove, onDeleteEmpty } = row;
  const uid = useId();
  const isOpen = tree.open.has(f.folder);
  const node = tree.children[f.folder];
  const top = isTopLevel(f.folder);
  const s = stats ? stats.get(f.folder) : null;
  const nameId = uid + "-name";
  const listId = uid + "-list";
  // Delete empty folders can do something in an archive, a folder with subfolders or an empty one.
  const mayHaveEmpty = top || f.hasChildren || !s || s.totalCount === 0 || (stats && emptyFolders(stats, f.folder).length > 0);
  return (
    <li class="fld-item">
      <div class={"fld-row" + (moved === f.folder ? " fld-moved" : "")} data-folder={f.folder}>
        <span class="fld-name">
          {f.hasChildren ? (
            <button type="button" class="fld-toggle" id={nameId} aria-expanded={isOpen ? "true" : "false"}
                    aria-controls={isOpen && node && node.items ? listId : undefined}
                    onClick={() => tree.toggle(f.folder, !isOpen)}>
              <svg class={"fld-caret" + (isOpen ? " open" : "")} viewBox="0 0 12 12" aria-hidden="true" focusable="false">
                <path d="M4 2.5 7.5 6 4 9.5" />
              </svg>
              <FolderIcon />
              <span class="fld-label">{f.name}</span>
            </button>
          ) : (
            <span class="fld-leaf" id={nameId} tabIndex={-1}>
              <span class="fld-caret" aria-hidden="true"></span>
              <FolderIcon />
              <span class="fld-label">{f.name}</span>
            </span>
          )}
          {top && users && !hasOwner(f.folder, users) && <span class="fld-mark">{t("fldNoUser")}</span>}
          {!top && s && s.totalCount === 0 && <span class="fld-mark">{t("fldEmpty")}</span>}
        </span>
        <span class="fld-count num">
          <span class="fld-cell-label">{t("fldMessages")}: </span>
          {s ? fmt.number(s.totalCount) : <span class="muted">{statsLoading ? "…" : "—"}</span>}
          {s && s.count > 0 && s.count < s.totalCount && <span class="fld-here">{t("fldHere", { count: fmt.number(s.count) })}</span>}
        </span>
        <span class="fld-size num">
          <span class="fld-cell-label">{t("fldSize")}: </span>
          {s ? fmt.bytes(s.totalSize) : <span class="muted">{statsLoading ? "…" : "—"}</span>}
        </span>
        <span class="fld-actions">
          {!top && hasFn("MoveFolder") && (
            <button type="button" class="ghost small" data-action="move" onClick={() => onMove(f.folder)}
                    aria-label={t("fldMoveNamed", { folder: f.folder })}>{t("fldMove")}</button>
          )}
          {hasFn("DeleteEmptyFolders") && mayHaveEmpty && (
            <button type="button" class="ghost small" data-action="delete-empty" onClick={() => onDeleteEmpty(f.folder)}
                    aria-label={t("fldDeleteEmptyNamed", { folder: f.folder })}>{t("fldDeleteEmpty")}</button>
          )}
        </span>
      </div>
      {isOpen && node && (
        <div class="fld-sub">
          {node.loading && !node.items && <Loading />}
          <ErrorNote error={node.error} />
          {node.items && (node.items.length === 0 ? <p class="muted fld-none">{t("fldNoSubfolders")}</p>
            : <FolderList parent={f.folder} items={node.items} id={listId} labelledBy={nameId} {...row} />)}
        </div>
      )}
    </li>
  );
}
