// The search form (the box, the fields, the list's sort, page size and
// subfolders choice) and the search request it makes.
import { fillDates, readDates, wireDates } from "./dates.js";
import { $, el } from "./dom.js";
import { t } from "./i18n.js";
import { navigate } from "./router.js";
import { app } from "./state.js";

// The text fields and their keys in the address; the dates are in dates.js.
const FORM = { q: "query", from: "f-from", to: "f-to", subj: "f-subject" };

export function fillForm(state) {
  for (const [k, id] of Object.entries(FORM)) if ($(id).value !== state[k]) $(id).value = state[k];
  fillDates(state);
  $("f-att").checked = state.att === "1";
  $("page-size").value = state.n;
  const info = app.folderInfo.get(state.f) || {};
  $("subfolders-wrap").hidden = !(info.hasChildren && !info.root);
  $("subfolders").checked = state.s === "1";
  drawSortOptions(state);
  const active = ["from", "to", "subj", "after", "until", "att"].filter((k) => state[k]).length;
  $("fields-toggle").textContent = active ? t("fieldsActive", { n: active }) : t("fields");
}

function drawSortOptions(state) {
  const sel = $("sort");
  const sender = sentScope(state) ? "recipient" : "sender";
  const options = [["date-desc", t("sortNewest")], ["date-asc", t("sortOldest")],
                   [sender + "-asc", t(sender === "sender" ? "sortSenderAZ" : "sortRecipientAZ")],
                   [sender + "-desc", t(sender === "sender" ? "sortSenderZA" : "sortRecipientZA")],
                   ["subject-asc", t("sortSubjectAZ")], ["subject-desc", t("sortSubjectZA")],
                   ["size-desc", t("sortLargest")], ["size-asc", t("sortSmallest")]];
  if (hasWords(state)) options.push(["relevance", t("sortRelevance")]);
  let value = state.sort.replace(/^(sender|recipient)-/, sender + "-");
  if (!options.some(([v]) => v === value)) value = "date-desc";
  sel.replaceChildren(...options.map(([v, label]) => { const o = el("option", "", label); o.value = v; return o; }));
  sel.value = value;
}

export function hasWords(state) { return !!(state.q || state.subj); }

// What the form asks for, or null when a date is not valid (said at its field).
function formChanges() {
  const dates = readDates();
  if (!dates) return null;
  const changes = { p: "1", m: "", att: $("f-att").checked ? "1" : "", ...dates };
  for (const [k, id] of Object.entries(FORM)) changes[k] = $(id).value.trim();
  return changes;
}

// Sorting "by sender" in a folder of sent mail sorts by the recipients the
// list shows there.
export function sentScope(state) { const i = app.folderInfo.get(state.f); return !!(i && i.sent); }

// The search request of a state (the list's; an export of all results).
export function searchBody(state) {
  let [field, direction] = state.sort === "relevance" ? ["relevance", "desc"] : state.sort.split("-");
  if (field === "sender" || field === "recipient") field = sentScope(state) ? "recipient" : "sender";
  const size = Number(state.n);
  return {
    query: state.q, from: state.from, to: state.to, subject: state.subj, hasAttachment: state.att === "1",
    after: state.after, until: state.until, folder: state.f,
    subfolders: state.s === "1" || !!(app.folderInfo.get(state.f) || {}).root,  // a root is all of its folders
    sort: field, ascending: direction === "asc", offset: (Number(state.p) - 1) * size, limit: size,
    zoneOffsetSeconds: -new Date().getTimezoneOffset() * 60,
  };
}

export function wireSearchForm() {
  wireDates();
  $("search").addEventListener("submit", (ev) => {
    ev.preventDefault();
    const changes = formChanges();
    if (!changes) return;
    const next = { ...app.view, ...changes };
    if (next.sort === "relevance" && !hasWords(next)) changes.sort = "date-desc";
    navigate(changes);
  });
  $("clear").addEventListener("click", () => {
    navigate({ q: "", from: "", to: "", subj: "", att: "", after: "", until: "", p: "1", m: "" });
    $("query").focus();
  });
  $("fields-toggle").addEventListener("click", () => {
    const open = $("fields").classList.toggle("shown");
    $("fields-toggle").setAttribute("aria-expanded", String(open));
  });
  $("sort").addEventListener("change", () => navigate({ sort: $("sort").value, p: "1" }));
  $("page-size").addEventListener("change", () => navigate({ n: $("page-size").value, p: "1" }));
  $("subfolders").addEventListener("change", () => navigate({ s: $("subfolders").checked ? "1" : "0", p: "1" }));
  $("help-link").addEventListener("click", () => $("help").showModal());
}
