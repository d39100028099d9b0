// The address holds the state of the view after '#' (folder, search, sort,
// page, open message), so reload, Back/Forward and links to a message work:
// every change goes through navigate(), which writes the address, and show()
// draws what the address says. "#settings" is the Settings page instead
// (settings.js), and "#audit" the archive administrator's audit log (audit.js).
import { drawAuditLink, isAuditAddress, leaveAudit, showAudit } from "./audit.js";
import { defaultFolder, drawFolders } from "./folders.js";
import { openAfterPage } from "./keyboard.js";
import { runSearch } from "./list.js";
import { closeMessage, openMessage } from "./message.js";
import { fillForm } from "./search_form.js";
import { isSettingsAddress, leaveSettings, showSettings } from "./settings.js";
import { app } from "./state.js";

export const PAGE_SIZES = [50, 100, 200];
const DEFAULTS = { f: "", s: "0", q: "", from: "", to: "", subj: "", att: "", after: "", until: "",
                   sort: "date-desc", n: "50", p: "1", m: "" };
// What the list depends on (all but the open message).
export const LIST_KEYS = ["f", "s", "q", "from", "to", "subj", "att", "after", "until", "sort", "n", "p"];

export function readAddress() {
  const params = new URLSearchParams(location.hash.replace(/^#/, ""));
  const state = { ...DEFAULTS };
  for (const k of Object.keys(DEFAULTS)) if (params.has(k)) state[k] = params.get(k);
  if (!PAGE_SIZES.includes(Number(state.n))) state.n = "50";
  if (!(Number(state.p) >= 1)) state.p = "1";
  return state;
}

export function addressOf(state) {
  const params = new URLSearchParams();
  for (const k of Object.keys(DEFAULTS)) if (state[k] !== DEFAULTS[k] && state[k] !== "") params.set(k, state[k]);
  return "#" + params.toString();
}

// Goes to the state with `changes`: a new history entry (or the current
// one replaced), then drawn.
export function navigate(changes, replace = false) {
  const next = { ...(app.view || readAddress()), ...changes };
  const hash = addressOf(next);
  if (replace || hash === location.hash) {
    history.replaceState(null, "", hash);
    show();
  } else {
    location.hash = hash;  // hashchange draws it
  }
}

function sameList(a, b) { return a && b && LIST_KEYS.every((k) => a[k] === b[k]); }

// Draws what the address says: the list (searched again when it changed)
// and the open message.
export async function show() {
  if (!app.user) return;
  drawAuditLink();
  if (isSettingsAddress()) {
    leaveAudit();
    await showSettings();
    return;
  }
  leaveSettings();
  if (isAuditAddress()) {
    await showAudit();
    return;
  }
  leaveAudit();
  const state = readAddress();
  if (!state.f || !app.folderInfo.has(state.f)) {
    const fallback = defaultFolder();
    if (fallback && state.f !== fallback) {
      state.f = fallback;
      history.replaceState(null, "", addressOf(state));
    }
  }
  const previous = app.view;
  app.view = state;
  app.listHash = location.hash;
  fillForm(state);
  drawFolders();
  if (!sameList(previous, state)) await runSearch(state);
  if (openAfterPage()) return;
  if (state.m !== app.openKey) {
    if (state.m) await openMessage(state.m);
    else closeMessage();
  }
}

export function wireRouter() {
  window.addEventListener("hashchange", () => show());
}
