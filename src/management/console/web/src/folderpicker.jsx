// The folder browser for directories on an Instance Host: a dialog that
// walks the host's folders from its base directory
// (GetDirectoriesOnInstanceHost), with a breadcrumb, Up, a filter for long
// folders, New folder (CreateDirectoryOnInstanceHost) and, when the caller
// wants a folder, "Choose this folder". Keyboard: the arrow keys move
// through the folders, Enter or → opens one, Backspace or ← goes up.
//
//   <FolderPicker serverName="ih1" initial="/srv/spe/acme" base={configuredBase}
//                 onChoose={(path, {relative, absolute}) => ...} onClose={() => ...} />
//
// Without onChoose it only browses (the Instance Hosts page's "Directories").
// `initial` is absolute or relative to the base; `base` (the host's configured
// base directory, may be null) names the base until the first listing tells
// its real path. The host itself refuses anything outside its base directory.
import { useEffect, useId, useLayoutEffect, useRef, useState } from "preact/hooks";
import "./folderpicker.css";
import { absoluteOf, baseFromListing, crumbsOf, filterEntries, folderNameProblem, joinRel, relativeTo,
         upOf } from "./folders.js";
import { Dialog, ErrorNote, Loading, Notice, useApp, useCall } from "./ui.jsx";

const SHOWN = 500;          // folders drawn at once; the filter finds the others
const FILTER_FROM = 9;      // the filter appears for folders with more subfolders than this

function FolderIcon() {
  return (
    <svg class="fp-icon" viewBox="0 0 20 16" aria-hidden="true" focusable="false">
      <path d="M1 3.5A1.5 1.5 0 0 1 2.5 2h5l2 2h8A1.5 1.5 0 0 1 19 5.5v8a1.5 1.5 0 0 1-1.5 1.5h-15A1.5 1.5 0 0 1 1 13.5z" />
    </svg>
  );
}

export function FolderPicker({ serverName, initial = "", base = null, onChoose, onClose, title, chooseLabel }) {
  const { t, hasFn } = useApp();
  const call = useCall();
  const [baseAbs, setBaseAbs] = useState(base || null);
  const [rel, setRel] = useState(null);               // the folder shown, relative to the base; null while starting
  const [listing, setListing] = useState({ entries: null, error: null, loading: true });
  const [filter, setFilter] = useState("");
  const [note, setNote] = useState(null);
  const [newFolder, setNewFolder] = useState(null);   // {name, touched, busy, error} while the form is open
  const seq = useRef(0);
  const focusNext = useRef("first");                  // after a listing: "first" entry, a name, or "none"
  const listRef = useRef(null);
  const hereRef = useRef(null);
  const newNameRef = useRef(null);
  const ids = useId();

  const list = async (path) => {
    const mine = ++seq.current;
    setListing((l) => ({ entries: l.entries, error: null, loading: true }));
    try {
      const entries = await call("GetDirectoriesOnInstanceHost", { serverName, path: path || undefined });
      if (mine !== seq.current) return null;
      const sorted = Array.isArray(entries) ? entries : [];
      setListing({ entries: sorted, error: null, loading: false });
      return sorted;
    } catch (error) {
      if (mine === seq.current) setListing({ entries: null, error, loading: false });
      return null;
    }
  };

  const go = (to, focus = "first") => {
    focusNext.current = focus;
    setFilter("");
    setNote(null);
    setRel(to);
    list(to);
  };

  // Start: the base (which tells its absolute path), then the initial folder inside it.
  useEffect(() => {
    (async () => {
      const top = await list("");
      const known = baseFromListing(top, base);
      setBaseAbs(known);
      const start = relativeTo(known, initial);
      if (initial && start === null) setNote(t("fpInitialOutside", { path: initial }));
      if (start) go(start); else setRel("");
    })();
    return () => { seq.current += 1; };
  }, [serverName]);  // eslint-disable-line react-hooks/exhaustive-deps

  // After a listing: the keyboard continues in the list (or on the folder's name when it is empty),
  // in the same task as the new list is drawn, so no key press falls on the page in between.
  useLayoutEffect(() => {
    if (listing.loading || focusNext.current === "none") return;
    const want = focusNext.current;
    focusNext.current = "none";
    const buttons = listRef.current ? [...listRef.current.querySelectorAll("button.fp-entry")] : [];
    const target = (typeof want === "string" && want !== "first" && buttons.find((b) => b.dataset.name === want)) ||
                   buttons[0] || hereRef.current;
    if (target) target.focus();
  }, [listing]);

  const formOpen = newFolder !== null;
  useEffect(() => { if (formOpen && newNameRef.current) newNameRef.current.focus(); }, [formOpen]);

  const entries = listing.entries || [];
  const shown = filterEntries(entries, filter);
  const here = rel === null ? null : absoluteOf(baseAbs, rel);
  const up = rel === null ? null : upOf(rel);
  const canCreate = hasFn("CreateDirectoryOnInstanceHost");

  // Keys anywhere in the browser but in a text field: Backspace and ← go up;
  // in the list: ↑ ↓ Home End move, → opens (Enter is the button's own).
  const onKey = (e) => {
    if (e.altKey || e.ctrlKey || e.metaKey || /^(INPUT|TEXTAREA|SELECT)$/.test(e.target.tagName)) return;
    if ((e.key === "Backspace" || e.key === "ArrowLeft") && up !== null) { e.preventDefault(); goUp(); return; }
    const buttons = listRef.current ? [...listRef.current.querySelectorAll("button.fp-entry")] : [];
    const i = buttons.indexOf(e.target);
    if (i < 0) return;
    const move = (j) => { e.preventDefault(); if (buttons[j]) buttons[j].focus(); };
    if (e.key === "ArrowDown") move(Math.min(i + 1, buttons.length - 1));
    else if (e.key === "ArrowUp") move(Math.max(i - 1, 0));
    else if (e.key === "Home") move(0);
    else if (e.key === "End") move(buttons.length - 1);
    else if (e.key === "ArrowRight") { e.preventDefault(); buttons[i].click(); }
  };
  const goUp = () => {
    if (up === null) return;
    const from = rel.slice(rel.lastIndexOf("/") + 1);
    go(up, from);  // back in the parent, on the folder we came from
  };

  const problemOf = (v) => folderNameProblem(v.name, entries);
  const create = async (e) => {
    e.preventDefault();
    const problem = problemOf(newFolder);
    if (problem) { setNewFolder({ ...newFolder, touched: true }); newNameRef.current && newNameRef.current.focus(); return; }
    setNewFolder({ ...newFolder, touched: true, busy: true, error: null });
    const name = newFolder.name;
    try {
      await call("CreateDirectoryOnInstanceHost", { serverName, path: joinRel(rel, name) });
      setNewFolder(null);
      go(joinRel(rel, name));
      setNote(t("fpCreated", { name }));
    } catch (error) {
      setNewFolder((v) => ({ ...v, busy: false, error }));
    }
  };
  const newProblem = newFolder && newFolder.touched ? problemOf(newFolder) : null;

  const choose = () => onChoose(here || rel, { relative: rel, absolute: here });
  const footer = onChoose ? (
    <>
      <button type="button" class="ghost" onClick={onClose}>{t("cancel")}</button>
      <button type="button" class="primary" id="fp-choose" onClick={choose} disabled={rel === null || listing.error !== null}>
        {chooseLabel || t("fpChoose")}
      </button>
    </>
  ) : <button type="button" class="primary" onClick={onClose}>{t("close")}</button>;

  return (
    <Dialog title={title || t("fpTitle", { server: serverName })} onClose={onClose} wide className="folder-picker" footer={footer}>
      <div class="fp" onKeyDown={onKey}>
        <nav class="fp-path" aria-label={t("fpPathLabel")}>
          <ol class="fp-crumbs">
            {crumbsOf(rel || "").map((c, i, all) => (
              <li key={c.rel}>
                {i === all.length - 1
                  ? <span class="fp-crumb current" aria-current="location">{c.name || t("fpBase")}</span>
                  : <button type="button" class="link fp-crumb" onClick={() => go(c.rel)}>{c.name || t("fpBase")}</button>}
              </li>
            ))}
          </ol>
        </nav>
        <div class="fp-bar">
          <button type="button" class="ghost small" id="fp-up" onClick={goUp} disabled={up === null}
                  aria-label={t("fpUpLabel")}><span aria-hidden="true">↑ </span>{t("fpUp")}</button>
          <code class="fp-here" ref={hereRef} tabIndex={-1} id={ids + "-here"}
                title={here || undefined}>{here || (rel ? rel : baseAbs || t("fpBase"))}</code>
          {canCreate && !newFolder && rel !== null && (
            <button type="button" class="ghost small" id="fp-new"
                    onClick={() => setNewFolder({ name: "", touched: false, busy: false, error: null })}>{t("fpNewFolder")}</button>
          )}
        </div>
        {newFolder && (
          <form class="fp-new" onSubmit={create} noValidate
                onKeyDown={(e) => { if (e.key === "Escape") { e.preventDefault(); e.stopPropagation(); setNewFolder(null); } }}>
            <div class="field">
              <label for={ids + "-name"}>{t("fpNewFolderName", { path: here || rel || t("fpBase") })}</label>
              <div class="fp-new-row">
                <input id={ids + "-name"} ref={newNameRef} value={newFolder.name} autocomplete="off" spellcheck={false}
                       aria-invalid={newProblem ? "true" : undefined}
                       aria-describedby={newProblem ? ids + "-problem" : undefined}
                       onInput={(e) => setNewFolder({ ...newFolder, name: e.currentTarget.value })} />
                <button type="submit" class="primary small" disabled={newFolder.busy}>
                  {newFolder.busy ? t("working") : t("fpCreate")}</button>
                <button type="button" class="ghost small" onClick={() => setNewFolder(null)} disabled={newFolder.busy}>
                  {t("cancel")}</button>
              </div>
              {newProblem && <p id={ids + "-problem"} class="problem">{t(newProblem.key)}</p>}
            </div>
            <ErrorNote error={newFolder.error} />
          </form>
        )}
        <Notice onDismiss={() => setNote(null)}>{note}</Notice>
        <ErrorNote error={listing.error} />
        {entries.length >= FILTER_FROM && (
          <div class="field fp-filter">
            <label for={ids + "-filter"}>{t("fpFilter")}</label>
            <input id={ids + "-filter"} type="search" value={filter} autocomplete="off"
                   onInput={(e) => setFilter(e.currentTarget.value)} />
          </div>
        )}
        <div class="fp-listing" aria-busy={listing.loading ? "true" : "false"}>
          {listing.loading && !listing.entries ? <Loading /> : !listing.error && (
            shown.length === 0 ? (
              <p class="fp-empty muted">{entries.length ? t("fpNoMatch") : t("fpNoSubfolders")}</p>
            ) : (
              <ul class="fp-list" ref={listRef} aria-label={t("fpSubfolders", { n: shown.length })}>
                {shown.slice(0, SHOWN).map((e) => (
                  <li key={e.path || e.name}>
                    <button type="button" class="fp-entry" data-name={e.name} title={e.path}
                            onClick={() => go(joinRel(rel || "", e.name))}>
                      <FolderIcon /><span class="fp-name">{e.name}</span>
                    </button>
                  </li>
                ))}
              </ul>
            )
          )}
          {shown.length > SHOWN && <p class="hint">{t("fpShownOf", { shown: SHOWN, n: shown.length })}</p>}
        </div>
        <p class="hint fp-keys">{t("fpKeys")}</p>
      </div>
    </Dialog>
  );
}
