// The folder browser's logic (folderpicker.jsx), free of the DOM: where a
// path lies relative to an Instance Host's base directory, the breadcrumb,
// and the rules for a new folder's name.
//
// GetDirectoriesOnInstanceHost takes a path that is absolute or relative to
// the host's base directory and answers [{name, path}] with absolute paths
// (hidden folders and links left out); the host refuses anything outside
// its base directory (docs/api.md). The browser walks by relative paths
// ("" is the base directory), so it never needs to know the base before the
// first answer; the base's absolute path is learnt from the first listing.

/** The parent folder of an absolute path ("/a/b" -> "/a", "/a" -> "/"). */
export function parentOf(path) {
  const p = String(path || "").replace(/\/+$/, "");
  const i = p.lastIndexOf("/");
  return i <= 0 ? "/" : p.slice(0, i);
}

/** The relative path of `name` inside the relative path `rel` ("" is the base). */
export function joinRel(rel, name) {
  return rel ? rel + "/" + name : name;
}

/** The base directory's absolute path from a listing of it, else `fallback` (e.g. the host's configured one). */
export function baseFromListing(entries, fallback = null) {
  if (Array.isArray(entries) && entries.length && typeof entries[0].path === "string" && entries[0].path.startsWith("/")) {
    return parentOf(entries[0].path);
  }
  return fallback || null;
}

/**
 * The relative path of `path` inside `base`: "" for the base itself,
 * "a/b" below it, null when it lies elsewhere (or is unknown). A relative
 * `path` is taken as it is (without "." and ".." steps, which are refused).
 */
export function relativeTo(base, path) {
  const p = String(path || "").trim();
  if (!p) return "";
  if (!p.startsWith("/")) {
    const parts = p.split("/").filter(Boolean);
    return parts.some((s) => s === "." || s === "..") ? null : parts.join("/");
  }
  if (!base) return null;
  const b = base.replace(/\/+$/, "") || "/";
  const clean = "/" + p.split("/").filter(Boolean).join("/");
  if (clean === b) return "";
  const prefix = b === "/" ? "/" : b + "/";
  if (!clean.startsWith(prefix)) return null;
  const rest = clean.slice(prefix.length);
  return rest.split("/").some((s) => s === "." || s === "..") ? null : rest;
}

/** The absolute path of a relative one, when the base is known; else null. */
export function absoluteOf(base, rel) {
  if (!base) return null;
  if (!rel) return base;
  return (base === "/" ? "" : base.replace(/\/+$/, "")) + "/" + rel;
}

/** The breadcrumb: the base, then one step per folder: [{name, rel}] (the base's name is ""). */
export function crumbsOf(rel) {
  const out = [{ name: "", rel: "" }];
  let at = "";
  for (const part of String(rel || "").split("/").filter(Boolean)) {
    at = joinRel(at, part);
    out.push({ name: part, rel: at });
  }
  return out;
}

/** The relative path one folder up, or null at the base. */
export function upOf(rel) {
  if (!rel) return null;
  const i = rel.lastIndexOf("/");
  return i < 0 ? "" : rel.slice(0, i);
}

/** The entries whose name contains every word of `q` (any case), in their order. */
export function filterEntries(entries, q) {
  const words = String(q || "").toLowerCase().split(/\s+/).filter(Boolean);
  if (!words.length) return entries || [];
  return (entries || []).filter((e) => words.every((w) => String(e.name).toLowerCase().includes(w)));
}

/**
 * What is wrong with a new folder's name, as {key} of the catalogue, or
 * null: one plain name (the host creates missing parents, but one step at a
 * time is what the browser shows), not hidden (the listing would not show
 * it), not taken.
 */
export function folderNameProblem(name, existing = []) {
  const n = String(name || "");
  if (!n.trim()) return { key: "fpNameEmpty" };
  if (n !== n.trim()) return { key: "fpNameSpaces" };
  if (/[/\\\u0000-\u001f\u007f]/.test(n)) return { key: "fpNameCharacters" };
  if (n.startsWith(".")) return { key: "fpNameHidden" };
  if (new TextEncoder().encode(n).length > 255) return { key: "fpNameTooLong" };
  if (existing.some((e) => e.name === n)) return { key: "fpNameTaken" };
  return null;
}
