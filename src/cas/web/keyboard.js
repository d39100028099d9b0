// The keyboard: `j`/`k` open the next or previous message (across pages),
// `/` goes to the search box, Escape closes the message. (Tab, Up and Down
// along the list are the list's own: list.js.)
import { $ } from "./dom.js";
import { keyOf, pageCount } from "./list.js";
import { navigate } from "./router.js";
import { app } from "./state.js";

// j/k went past the page's end: which message of the next page to open.
let openAfterPaging = "";

function focusHit(key) {
  const li = $("hits").querySelector("li[data-key=\"" + key + "\"]");
  if (li) { li.scrollIntoView({ block: "nearest" }); li.querySelector("a.open").focus({ preventScroll: true }); }
}

// The message after or before the open one in the list (j/k).
function step(delta) {
  const keys = app.results.hits.map(keyOf);
  if (!keys.length) return;
  const i = keys.indexOf(app.openKey);
  const page = Number(app.view.p);
  // Past the last message of a page: the first of the next one (and back).
  if (i >= 0 && i + delta >= keys.length && page < pageCount()) {
    openAfterPaging = "first";
    navigate({ p: String(page + 1), m: "" });
    return;
  }
  if (i >= 0 && i + delta < 0 && page > 1) {
    openAfterPaging = "last";
    navigate({ p: String(page - 1), m: "" });
    return;
  }
  // Nothing open: the first message (or the one with the focus).
  const focused = document.activeElement && document.activeElement.closest && document.activeElement.closest("li.hit");
  const from = focused ? keys.indexOf(focused.dataset.key) : 0;
  const next = i < 0 ? from : Math.min(keys.length - 1, Math.max(0, i + delta));
  navigate({ m: keys[next] });
  focusHit(keys[next]);
}

// After j/k changed the page: opens its first or last message (true), or
// nothing to do (false).
export function openAfterPage() {
  const which = openAfterPaging;
  openAfterPaging = "";
  if (!which || !app.results.hits.length) return false;
  const keys = app.results.hits.map(keyOf);
  const key = which === "first" ? keys[0] : keys[keys.length - 1];
  navigate({ m: key }, true);
  focusHit(key);
  return true;
}

export function wireKeyboard() {
  document.addEventListener("keydown", (ev) => {
    if (!app.user || app.page !== "archive" || ev.ctrlKey || ev.metaKey || ev.altKey || document.querySelector("dialog[open]")) return;
    const typing = ev.target.closest && ev.target.closest("input, select, textarea, [contenteditable]");
    if (typing) {
      if (ev.key === "Escape" && ev.target.id === "query") ev.target.blur();
      return;
    }
    if (ev.key === "/") { ev.preventDefault(); $("query").focus(); $("query").select(); }
    else if (ev.key === "j") { ev.preventDefault(); step(1); }
    else if (ev.key === "k") { ev.preventDefault(); step(-1); }
    else if (ev.key === "Escape" && app.openKey) { navigate({ m: "" }); }
  });
}
