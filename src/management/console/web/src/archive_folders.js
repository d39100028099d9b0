// The Folders tab's logic, free of the DOM (pages/instance/folders.jsx):
// the archive's folder paths as the instance reads them
// (store::ArchiveStore::normaliseFolder), MoveFolder's checks
// (api/folder_functions.cpp), GetFolderStatistics' list with each folder's
// totals below it, what DeleteEmptyFolders would find, and the paths the
// tree keeps open when a folder moves.
//
// The tree (docs/archive.md "Folders"): '/' separates the parts; the top
// level is one folder per user archive; GetChildFolders lists the union of
// every loaded store's folders (with the parents they imply) plus one
// folder per user. GetFolderStatistics counts the messages directly in
// each folder, in one pass over every store's messages.
//
// The checks return a problem code; the page shows its text.

import { ARCHIVE_ADMIN, sameName, utf8Length } from "./users.js";

/** A folder path's limit in bytes of UTF-8 (normaliseFolder; the argument's limit is 1,000 characters). */
export const MAX_FOLDER_BYTES = 1000;
/** Folders drawn below one parent at a time; "Show more" draws the next ones (1,000 user archives stay quick). */
export const SHOWN_STEP = 200;

/**
 * A path as the instance keeps it: '/'-separated, spaces around each part
 * and empty parts dropped; no control character; at most 1,000 bytes.
 * {path} or {problem: "folderEmpty" | "folderCharacters" | "folderTooLong"}.
 */
export function normaliseFolder(text) {
  const parts = [];
  for (const raw of String(text ?? "").split("/")) {
    const part = raw.replace(/^ +| +$/g, "");
    if (!part) continue;
    if (/[\u0000-\u001f\u007f]/.test(part)) return { problem: "folderCharacters" };
    // A lone surrogate cannot be sent as UTF-8.
    if (/[\ud800-\udfff]/.test(part.replace(/[\ud800-\udbff][\udc00-\udfff]/g, ""))) return { problem: "folderCharacters" };
    parts.push(part);
  }
  if (!parts.length) return { problem: "folderEmpty" };
  const path = parts.join("/");
  if (utf8Length(path) > MAX_FOLDER_BYTES) return { problem: "folderTooLong" };
  return { path };
}

export const nameOf = (path) => String(path).slice(String(path).lastIndexOf("/") + 1);
export const parentOf = (path) => {
  const i = String(path).lastIndexOf("/");
  return i < 0 ? "" : String(path).slice(0, i);
};
/** The user archive a folder is in (its top-level part). */
export const archiveOf = (path) => String(path).split("/")[0];
export const isTopLevel = (path) => !String(path).includes("/");
/** Whether `path` lies below `parent` ("" is the root: everything lies below it). */
export const isBelow = (path, parent) => parent === "" || String(path).startsWith(parent + "/");

/** The folders above a path, outermost first ("a/b/c" -> ["a", "a/b"]). */
export function ancestorsOf(path) {
  const parts = String(path).split("/");
  const out = [];
  for (let i = 1; i < parts.length; i++) out.push(parts.slice(0, i).join("/"));
  return out;
}

/**
 * MoveFolder's checks before it is sent: the source is not a user archive
 * (rename the user for that), the target is inside the archive of a user
 * (not $archiveadmin) and is neither the source nor inside it. `users`:
 * the instance's user names (GetUsers), or null when unknown (then the
 * server checks the owner). {target} is the path the folder gets (the
 * archive in its user's spelling, as the instance stores it), else {problem}
 * and, for "moveNoUser", the archive named.
 */
export function moveCheck(from, to, users) {
  if (isTopLevel(from)) return { problem: "moveFromArchive" };
  const n = normaliseFolder(to);
  if (n.problem) return { problem: n.problem };
  const path = n.path;
  if (isTopLevel(path)) return { problem: "moveTopLevel" };
  if (path === from) return { problem: "moveSame" };
  if (isBelow(path, from)) return { problem: "moveInside" };
  let target = path;
  if (Array.isArray(users)) {
    const archive = archiveOf(path);
    const owner = users.find((u) => u !== ARCHIVE_ADMIN && sameName(u, archive));
    if (!owner) return { problem: "moveNoUser", archive };
    target = owner + path.slice(archive.length);
  }
  if (target === from) return { problem: "moveSame" };
  if (isBelow(target, from)) return { problem: "moveInside" };
  return { target };
}

/**
 * Whether `path` is a folder the tree has listed: true, false, or null
 * when its parent's children were not read. `children`: parent path ->
 * GetChildFolders' list of it.
 */
export function knownFolder(children, path) {
  const list = children[parentOf(path)];
  if (!Array.isArray(list)) return null;
  return list.some((f) => f.folder === path);
}

const count = (v) => (typeof v === "number" && Number.isFinite(v) && v > 0 ? v : 0);

/**
 * GetFolderStatistics' list ([{folder, count, size}], the messages directly
 * in each folder and their raw bytes) as a Map folder -> {count, size,
 * totalCount, totalSize}, the totals with every folder below it.
 */
export function statsIndex(list) {
  const map = new Map();
  for (const s of Array.isArray(list) ? list : []) {
    if (!s || typeof s.folder !== "string" || !s.folder) continue;
    const own = map.get(s.folder) || { count: 0, size: 0, totalCount: 0, totalSize: 0 };
    own.count += count(s.count);
    own.size += count(s.size);
    map.set(s.folder, own);
  }
  for (const [path, s] of map) {
    for (const p of [...ancestorsOf(path), path]) {
      const up = map.get(p);
      if (!up) continue;
      up.totalCount += s.count;
      up.totalSize += s.size;
    }
  }
  return map;
}

/**
 * The folders GetFolderStatistics shows without a message in them or below
 * them inside `scope` ("" every archive; a folder: it and those below), the
 * user archives left out: what DeleteEmptyFolders would remove at most
 * (the parents a path only implies are counted too; the server's answer
 * says how many it removed).
 */
export function emptyFolders(stats, scope) {
  const out = [];
  for (const [path, s] of stats) {
    if (isTopLevel(path) || s.totalCount > 0) continue;
    if (scope === "" || path === scope || isBelow(path, scope)) out.push(path);
  }
  return out.sort();
}

/** What DeleteEmptyFolders is asked for: "all" (no folder), "archive" (a user archive) or "folder". */
export function deleteScope(folder) {
  if (!folder) return "all";
  return isTopLevel(folder) ? "archive" : "folder";
}

const collator = new Intl.Collator("en", { numeric: true, sensitivity: "base" });

/** GetChildFolders' list, checked and sorted by name (any case, numbers in order). */
export function sortFolders(list) {
  return (Array.isArray(list) ? list : [])
    .filter((f) => f && typeof f.folder === "string" && f.folder)
    .map((f) => ({ folder: f.folder, name: typeof f.name === "string" && f.name ? f.name : nameOf(f.folder),
                   hasChildren: f.hasChildren === true }))
    .sort((a, b) => collator.compare(a.name, b.name) || (a.folder < b.folder ? -1 : a.folder > b.folder ? 1 : 0));
}

/** The folders whose name contains every word of `q` (any case). */
export function filterFolders(list, q) {
  const words = String(q || "").toLowerCase().split(/\s+/).filter(Boolean);
  if (!words.length) return list;
  return list.filter((f) => words.every((w) => f.name.toLowerCase().includes(w)));
}

/**
 * Paths after `from` moved to `to`: `from` and what lies below it renamed,
 * the others as they were (the tree keeps its open folders open).
 */
export function renamePaths(paths, from, to) {
  return [...paths].map((p) => (p === from ? to : isBelow(p, from) ? to + p.slice(from.length) : p));
}

/** Whether a user archive belongs to a user of the instance (an archive stays when its user is deleted). */
export function hasOwner(archive, users) {
  if (!Array.isArray(users)) return true;
  return users.some((u) => sameName(u, archive));
}

export { ARCHIVE_ADMIN };
