// Small helpers for the page: elements by id, new elements, and a list of
// addresses written as names.
export const $ = (id) => document.getElementById(id);

export function el(tag, cls = "", ...children) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  for (const c of children) if (c !== null && c !== undefined) e.append(c);
  return e;
}

// A list of addresses ("Anna <a@x>, b@y") as names, for the list.
export function names(list) {
  if (!list) return "";
  return list.split(/,(?=(?:[^"]*"[^"]*")*[^"]*$)/).map((a) => {
    const m = a.match(/^\s*"?([^"<]*?)"?\s*<([^>]*)>/);
    return m ? (m[1].trim() || m[2]) : a.trim();
  }).filter(Boolean).join(", ");
}
