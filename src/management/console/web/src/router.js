// The console's address: #/<page>[/<param>][?key=value&...], so reload,
// Back/Forward and links keep the page, the Developer page's function and
// the Instances page's search, filters and page.

export const PAGES = ["dashboard", "instances", "license", "instance-hosts", "client-access-servers",
                      "branding", "administrators", "smtp", "settings", "developer"];

/** {page, param, query} of a location hash; an unknown page is the dashboard. */
export function parseHash(hash) {
  const h = String(hash || "").replace(/^#\/?/, "");
  const q = h.indexOf("?");
  const path = q < 0 ? h : h.slice(0, q);
  const query = Object.fromEntries(new URLSearchParams(q < 0 ? "" : h.slice(q + 1)));
  const [first = "", ...rest] = path.split("/");
  let page = "";
  try { page = decodeURIComponent(first); } catch { page = ""; }
  if (!PAGES.includes(page)) return { page: "dashboard", param: "", query: {} };
  let param = "";
  try { param = decodeURIComponent(rest.join("/")); } catch { param = ""; }
  return { page, param, query };
}

/** The hash for a page; empty query values are left out. */
export function formatHash(page, param = "", query = {}) {
  let h = "#/" + page + (param ? "/" + encodeURIComponent(param) : "");
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== "" && v !== undefined && v !== null) p.set(k, String(v));
  const qs = p.toString();
  return qs ? h + "?" + qs : h;
}
