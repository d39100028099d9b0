// The list: the search the address describes, its results drawn as rows
// (sender or recipients, date, subject with the words marked, size, the
// snippet, the folder), the scope line above it, the pager below it, and
// what an empty or failed search says instead.
import { api } from "./api.js";
import { formatDay } from "./dates.js";
import { $, el, names } from "./dom.js";
import { announce, withLoading } from "./feedback.js";
import { folderLabel } from "./folders.js";
import { fmtDate, fmtNumber, fmtSize, t } from "./i18n.js";
import { appendMarked, termPattern } from "./marking.js";
import { addressOf, navigate } from "./router.js";
import { hasWords, searchBody } from "./search_form.js";
import { drawSelection, isSelected, keepSelectionFor, selectOne } from "./selection.js";
import { ARCHIVE_ADMIN, app } from "./state.js";

let listSeq = 0;
const noResults = (failed) => ({ hits: [], total: 0, estimate: false, terms: [], ...(failed ? { failed } : {}) });

export function keyOf(h) { return h.storeID + "." + h.messageID; }

export function pageCount() { return Math.max(1, Math.ceil(app.results.total / Number(app.view.n))); }

export function setListStatus(kind, message, detail) {
  const box = $("list-status");
  box.replaceChildren();
  box.className = "list-status " + kind;
  box.hidden = !message;
  box.removeAttribute("role");
  if (!message) return;
  if (kind === "error") box.setAttribute("role", "alert");
  box.append(el("p", "status-title", message));
  if (detail) box.append(el("p", "status-detail", detail));
}

export async function runSearch(state) {
  const seq = ++listSeq;
  const list = $("hits");
  drawScope(state);
  if (app.user === ARCHIVE_ADMIN) {
    list.replaceChildren();
    app.results = noResults();
    setListStatus("empty", t("adminCannotRead"), t("adminCannotReadDetail"));
    drawPager(state);
    announce(t("adminCannotRead"));
    return;
  }
  const info = app.folderInfo.get(state.f);
  if (!info && !hasWords(state)) {
    list.replaceChildren();
    app.results = noResults();
    setListStatus("empty", t("archiveEmpty"), t("archiveEmptyDetail"));
    drawPager(state);
    return;
  }
  try {
    const r = await withLoading(api("search", { ...searchBody(state), snippets: true }), list);
    if (seq !== listSeq) return;  // a newer search is under way
    app.results = { hits: r.hits, total: r.total, estimate: r.totalIsEstimate, terms: r.terms || [] };
    keepSelectionFor(state);
    drawHits(state);
    list.scrollTop = 0;  // a new page starts at its top
    const words = hasWords(state) || state.from || state.to || state.att || state.after || state.until;
    if (!r.total) {
      if (words) setListStatus("empty", t("noMatches"), t("noMatchesDetail"));
      else if (info && info.root && info.empty) setListStatus("empty", t("archiveEmpty"), t("archiveEmptyDetail"));
      else setListStatus("empty", t("folderEmpty"), info && info.hasChildren && state.s !== "1" ? t("folderEmptySub") : "");
    } else {
      setListStatus("", "");
    }
    if (r.warnings && r.warnings.length) setListStatus("warning", r.warnings.join(" "));
    announce(r.total ? t("resultsAnnounced", { n: r.total, scope: folderLabel(state.f) }) : t("noMatches"));
  } catch (e) {
    if (seq !== listSeq) return;
    // Errors replace what was shown: old results must not pass for new ones.
    app.results = noResults(true);
    list.replaceChildren();
    setListStatus("error", e.message);
    const again = el("button", "ghost", t("tryAgain"));
    again.type = "button";
    again.addEventListener("click", () => runSearch(app.view));
    $("list-status").append(again);
    announce(e.message);
  }
  drawPager(state);
  drawSelection();
  list.dataset.drawn = String(seq);  // which search the list shows (tests wait for it)
}

function drawScope(state) {
  const info = app.folderInfo.get(state.f);
  const archive = info ? (info.own ? t("myArchive") : info.archive) : "";
  $("scope-title").textContent = info ? folderLabel(state.f) : t("search");
  const parts = [];
  if (archive) parts.push(archive);
  if (info && !info.root && info.hasChildren) parts.push(state.s === "1" ? t("withSubfolders") : t("withoutSubfolders"));
  const filters = [];
  if (state.q) filters.push("\u201c" + state.q + "\u201d");
  if (state.from) filters.push(t("from") + ": " + state.from);
  if (state.to) filters.push(t("to") + ": " + state.to);
  if (state.subj) filters.push(t("subject") + ": " + state.subj);
  if (state.att === "1") filters.push(t("hasAttachment"));
  if (state.after) filters.push(t("dateFrom") + " " + formatDay(state.after));
  if (state.until) filters.push(t("dateTo") + " " + formatDay(state.until));
  if (filters.length) parts.push(t("resultsFor", { what: filters.join(", ") }));
  $("scope-detail").textContent = parts.join(" \u00b7 ");
}

function drawHits(state) {
  const list = $("hits");
  list.replaceChildren();
  const manyFolders = (app.folderInfo.get(state.f) || {}).root || state.s === "1";
  for (const h of app.results.hits) list.append(hitItem(h, state, manyFolders));
  markOpen();
}

function hitItem(h, state, manyFolders) {
  const key = keyOf(h);
  const li = el("li", "hit");
  li.dataset.message = h.messageID;
  li.dataset.key = key;
  const pick = el("input", "pick");
  pick.type = "checkbox";
  pick.checked = isSelected(key);
  pick.setAttribute("aria-label", t("selectThis", { subject: h.subject || t("noSubject") }));
  pick.addEventListener("change", () => selectOne(h, pick.checked));
  const link = el("a", "open");
  link.href = addressOf({ ...state, m: key });
  const who = h.sent ? t("toNames", { names: names(h.to) || t("noRecipient") }) : (names(h.from) || t("noSender"));
  const top = el("span", "row1", el("span", "who" + (h.sent ? " sent" : ""), who), el("span", "date", fmtDate(h.date)));
  const subject = el("span", "subject");
  appendMarked(document, subject, h.subject || t("noSubject"), termPattern(app.results.terms));
  const meta = el("span", "meta");
  if (h.hasAttachments) meta.append(el("span", "clip", el("span", "sr-only", t("hasAttachment"))));
  meta.append(fmtSize(h.size));
  const second = el("span", "row2", subject, meta);
  link.append(top, second);
  if (h.snippet && h.snippet.length) {
    const snip = el("span", "snippet");
    for (const piece of h.snippet) snip.append(piece.hit ? el("mark", "", piece.text) : piece.text);
    link.append(snip);
  }
  if (manyFolders) link.append(el("span", "where", folderLabel(h.folder)));
  link.addEventListener("keydown", (ev) => {
    if (ev.key === "ArrowDown" || ev.key === "ArrowUp") {
      ev.preventDefault();
      const sibling = ev.key === "ArrowDown" ? li.nextElementSibling : li.previousElementSibling;
      if (sibling) sibling.querySelector("a.open").focus();
    }
  });
  li.append(pick, link);
  return li;
}

// Marks the open message's row.
export function markOpen() {
  for (const li of $("hits").children) {
    const open = li.dataset.key === app.openKey;
    li.classList.toggle("active", open);
    const a = li.querySelector("a.open");
    if (a) { if (open) a.setAttribute("aria-current", "true"); else a.removeAttribute("aria-current"); }
  }
}

function drawPager(state) {
  const size = Number(state.n);
  const page = Number(state.p);
  const first = (page - 1) * size + 1;
  const r = app.results;
  const last = first + r.hits.length - 1;
  const total = r.estimate ? t("aboutN", { n: r.total }) : fmtNumber(r.total);
  $("range").textContent = r.hits.length ? t("range", { first, last, total }) : (r.total || r.failed ? "" : t("zeroMessages"));
  $("first").disabled = $("prev").disabled = page <= 1;
  $("next").disabled = $("last").disabled = last >= r.total || !r.hits.length;
}

export function wirePager() {
  const page = (p) => navigate({ p: String(p) });
  $("first").addEventListener("click", () => page(1));
  $("prev").addEventListener("click", () => page(Math.max(1, Number(app.view.p) - 1)));
  $("next").addEventListener("click", () => page(Math.min(pageCount(), Number(app.view.p) + 1)));
  $("last").addEventListener("click", () => page(pageCount()));
}
