// Web Access: the single-page application the CAS serves at
// https://<cas>/<instance ID or alias>/. It talks JSON to ./api/<op> (the
// CAS passes every request to the instance); the session is an HttpOnly
// cookie, and every request but login carries the CSRF token the instance
// gave at login in the X-CSRF-Token header.
//
// The address holds the state of the view after '#' (folder, search, sort,
// page, open message), so reload, Back/Forward and links to a message
// work: every change goes through navigate(), which writes the address,
// and show() draws what the address says. The strings are in i18n.js.
"use strict";

const base = location.pathname.replace(/\/+$/, "") + "/";  // /<instance>/
const $ = (id) => document.getElementById(id);
const PAGE_SIZES = [50, 100, 200];
const SLOW_MS = 200;  // requests longer than this show the loading indicator
const ARCHIVE_ADMIN = "$archiveadmin";

let csrf = "";
let user = "";
let archives = [];        // the folders answer's tree
let folderInfo = new Map(); // path -> {archive, name, sent, hasChildren, root}
let view = null;          // the state show() drew last
let results = { hits: [], total: 0, estimate: false, terms: [] };
let listSeq = 0, messageSeq = 0;
let selection = new Map();  // "store.message" -> {storeID, messageID}
let allResultsSelected = false;
let selectionScope = "";     // the search the selection was made in
let openKey = "";
let pendingLink = "";

// ---- Strings ----------------------------------------------------------

const CATALOGUE = window.SPE_I18N;
let lang = "en";

function chooseLanguage() {
  const saved = localStorage.getItem("spe-lang");
  if (saved && CATALOGUE[saved]) return saved;
  for (const l of navigator.languages || [navigator.language || "en"]) {
    const short = String(l).toLowerCase().split("-")[0];
    if (CATALOGUE[short]) return short;
  }
  return "en";
}

// The string `key` in the chosen language with {name} replaced; a plural
// entry ({one, other}) is chosen by vars.n.
function t(key, vars = {}) {
  let s = CATALOGUE[lang][key];
  if (s === undefined) s = CATALOGUE.en[key];
  if (s === undefined) return key;
  if (Array.isArray(s)) return s;
  if (typeof s === "object") {
    const rule = new Intl.PluralRules(lang).select(vars.n ?? 0);
    s = s[rule] ?? s.other;
  }
  return String(s).replace(/\{(\w+)\}/g, (m, k) => (vars[k] !== undefined ? fmtNumber(vars[k]) : m));
}

function fmtNumber(v) { return typeof v === "number" ? new Intl.NumberFormat(lang).format(v) : v; }

function applyLanguage() {
  document.documentElement.lang = lang;
  $("lang").value = lang;
  for (const el of document.querySelectorAll("[data-i18n]")) el.textContent = t(el.dataset.i18n);
  for (const el of document.querySelectorAll("[data-i18n-placeholder]")) el.placeholder = t(el.dataset.i18nPlaceholder);
  for (const el of document.querySelectorAll("[data-i18n-aria-label]")) el.setAttribute("aria-label", t(el.dataset.i18nAriaLabel));
  for (const el of document.querySelectorAll("[data-i18n-title]")) el.title = t(el.dataset.i18nTitle);
  const rows = $("help-rows");
  rows.replaceChildren();
  for (const [syntax, meaning] of t("helpRows")) {
    const tr = el("tr");
    tr.append(el("td", "", el("code", "", syntax)), el("td", "", meaning));
    rows.append(tr);
  }
}

// ---- Small helpers ----------------------------------------------------

function el(tag, cls = "", ...children) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  for (const c of children) if (c !== null && c !== undefined) e.append(c);
  return e;
}

function fmtDate(epoch, long = false) {
  if (!epoch) return "";
  const d = new Date(epoch * 1000);
  if (long) return d.toLocaleString(lang, { dateStyle: "full", timeStyle: "short" });
  const now = new Date();
  if (d.toDateString() === now.toDateString()) return d.toLocaleTimeString(lang, { hour: "2-digit", minute: "2-digit" });
  if (d.getFullYear() === now.getFullYear()) return d.toLocaleDateString(lang, { day: "numeric", month: "short" });
  return d.toLocaleDateString(lang, { day: "numeric", month: "short", year: "numeric" });
}

function fmtSize(n) {
  const nf = (v, digits) => new Intl.NumberFormat(lang, { maximumFractionDigits: digits }).format(v);
  if (n < 1024) return nf(n, 0) + " B";
  if (n < 1024 * 1024) return nf(Math.round(n / 1024), 0) + " KB";
  return nf(n / 1024 / 1024, 1) + " MB";
}

// A list of addresses ("Anna <a@x>, b@y") as names, for the list.
function names(list) {
  if (!list) return "";
  return list.split(/,(?=(?:[^"]*"[^"]*")*[^"]*$)/).map((a) => {
    const m = a.match(/^\s*"?([^"<]*?)"?\s*<([^>]*)>/);
    return m ? (m[1].trim() || m[2]) : a.trim();
  }).filter(Boolean).join(", ");
}

function announce(message) {
  const a = $("announce");
  a.textContent = "";
  setTimeout(() => { a.textContent = message; }, 50);  // a change screen readers notice
}

// Shows the loading indicator when `promise` takes longer than SLOW_MS.
async function withLoading(promise, target) {
  const timer = setTimeout(() => {
    $("progress").hidden = false;
    if (target) target.setAttribute("aria-busy", "true");
  }, SLOW_MS);
  try {
    return await promise;
  } finally {
    clearTimeout(timer);
    $("progress").hidden = true;
    if (target) target.removeAttribute("aria-busy");
  }
}

async function api(op, body = {}) {
  let res;
  try {
    res = await fetch(base + "api/" + op, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
      body: JSON.stringify(body),
    });
  } catch (e) {
    throw new Error(t("networkError"));
  }
  let data = {};
  try { data = await res.json(); } catch (e) { data = { error: t("unreadableAnswer") }; }
  if (res.status === 401 && op !== "login" && op !== "session") showLogin(t("sessionEnded"));
  if (!res.ok) {
    const err = new Error(data.error || t("requestFailed", { status: res.status }));
    err.status = res.status;
    throw err;
  }
  return data;
}

function downloadUrl(op, params) {
  return base + "api/" + op + "?" + new URLSearchParams({ ...params, csrf }).toString();
}

// ---- The address --------------------------------------------------------

const DEFAULTS = { f: "", s: "0", q: "", from: "", to: "", subj: "", att: "", after: "", until: "",
                   sort: "date-desc", n: "50", p: "1", m: "" };
const LIST_KEYS = ["f", "s", "q", "from", "to", "subj", "att", "after", "until", "sort", "n", "p"];

function readAddress() {
  const params = new URLSearchParams(location.hash.replace(/^#/, ""));
  const state = { ...DEFAULTS };
  for (const k of Object.keys(DEFAULTS)) if (params.has(k)) state[k] = params.get(k);
  if (!PAGE_SIZES.includes(Number(state.n))) state.n = "50";
  if (!(Number(state.p) >= 1)) state.p = "1";
  return state;
}

function addressOf(state) {
  const params = new URLSearchParams();
  for (const k of Object.keys(DEFAULTS)) if (state[k] !== DEFAULTS[k] && state[k] !== "") params.set(k, state[k]);
  return "#" + params.toString();
}

// Goes to the state with `changes`: a new history entry (or the current
// one replaced), then drawn.
function navigate(changes, replace = false) {
  const next = { ...(view || readAddress()), ...changes };
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
async function show() {
  if (!user) return;
  const state = readAddress();
  if (!state.f || !folderInfo.has(state.f)) {
    const fallback = defaultFolder();
    if (fallback && state.f !== fallback) {
      state.f = fallback;
      history.replaceState(null, "", addressOf(state));
    }
  }
  const previous = view;
  view = state;
  fillForm(state);
  drawFolders();
  if (!sameList(previous, state)) await runSearch(state);
  if (openAfterPage()) return;
  if (state.m !== openKey) {
    if (state.m) await openMessage(state.m);
    else closeMessage();
  }
}

// ---- Login and start ---------------------------------------------------

function showLogin(message) {
  csrf = "";
  user = "";
  view = null;
  openKey = "";
  $("app-view").hidden = true;
  $("login-view").hidden = false;
  $("who").hidden = $("logout").hidden = $("menu").hidden = true;
  const err = $("login-error");
  err.hidden = !message;
  err.textContent = message || "";
  $("user").focus();
}

async function showApp(name) {
  user = name;
  $("login-view").hidden = true;
  $("app-view").hidden = false;
  $("who").hidden = $("logout").hidden = $("menu").hidden = false;
  $("who").textContent = name === ARCHIVE_ADMIN ? t("archiveAdmin") : name;
  // The archive administrator sees the folders, not the tools for messages.
  $("app-view").classList.toggle("admin", name === ARCHIVE_ADMIN);
  try {
    const answer = await withLoading(api("folders"), $("folders"));
    archives = answer.archives || [];
  } catch (e) {
    archives = [];
    setListStatus("error", e.message);
  }
  folderInfo = new Map();
  for (const a of archives) {
    folderInfo.set(a.archive, { archive: a.archive, name: a.archive, root: true, hasChildren: a.folders.length > 0,
                                sent: false, own: a.own, empty: a.folders.length === 0 });
    for (const f of a.folders) folderInfo.set(f.path, { ...f, archive: a.archive, own: a.own });
  }
  view = null;
  await show();
}

function defaultFolder() {
  const own = archives.find((a) => a.own) || archives[0];
  if (!own) return "";
  const inbox = own.folders.find((f) => f.depth === 1 && f.name.toLowerCase() === "inbox");
  return inbox ? inbox.path : own.archive;
}

// ---- Folders -----------------------------------------------------------

function archiveLabel(a) { return a.own ? t("myArchive") : a.archive; }

function drawFolders() {
  const tree = $("folder-tree");
  tree.replaceChildren();
  if (!archives.length) {
    tree.append(el("p", "muted pad", t("noArchives")));
    return;
  }
  let othersShown = false;
  for (const a of archives) {
    if (!a.own && !othersShown) {
      tree.append(el("p", "group", archives.some((x) => x.own) ? t("otherArchives") : t("archives")));
      othersShown = true;
    } else if (a.own) {
      tree.append(el("p", "group", t("myArchive")));
    }
    const list = el("ul", "tree");
    list.setAttribute("aria-label", archiveLabel(a));
    list.append(folderItem(a.archive, a.own ? t("allFolders") : t("allFoldersOf", { archive: a.archive }), 0, true));
    for (const f of a.folders) list.append(folderItem(f.path, f.name, f.depth, false, f));
    tree.append(list);
  }
}

function folderItem(path, label, depth, root, f = {}) {
  const a = el("a", "folder" + (root ? " root" : "") + (f.sent ? " sent" : ""), label);
  // A folder shows its own messages; the archive's root, and a folder that
  // only holds others, those of the folders below too.
  a.href = addressOf({ ...view, f: path, p: "1", m: "", s: root || !f.hasMessages ? "1" : "0" });
  a.style.setProperty("--depth", depth);
  a.title = path;
  if (view && view.f === path) a.setAttribute("aria-current", "true");
  a.addEventListener("click", () => {
    $("folders").classList.remove("shown");
    $("menu").setAttribute("aria-expanded", "false");
  });
  return el("li", "", a);
}

// "Inbox › Projects" for a folder path, without the archive.
function folderLabel(path) {
  const info = folderInfo.get(path);
  if (!info) return path;
  if (info.root) return info.own ? t("allFolders") : t("allFoldersOf", { archive: info.archive });
  return path.split("/").slice(1).join(" \u203a ");
}

// ---- The search form -----------------------------------------------------

const FORM = { q: "query", from: "f-from", to: "f-to", subj: "f-subject", after: "f-after", until: "f-until" };

function fillForm(state) {
  for (const [k, id] of Object.entries(FORM)) if ($(id).value !== state[k]) $(id).value = state[k];
  $("f-att").checked = state.att === "1";
  $("page-size").value = state.n;
  const info = folderInfo.get(state.f) || {};
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

function hasWords(state) { return !!(state.q || state.subj); }

function formChanges() {
  const changes = { p: "1", m: "", att: $("f-att").checked ? "1" : "" };
  for (const [k, id] of Object.entries(FORM)) changes[k] = $(id).value.trim();
  return changes;
}

// ---- The list ----------------------------------------------------------

// Sorting "by sender" in a folder of sent mail sorts by the recipients the
// list shows there.
function sentScope(state) { const i = folderInfo.get(state.f); return !!(i && i.sent); }

function searchBody(state) {
  let [field, direction] = state.sort === "relevance" ? ["relevance", "desc"] : state.sort.split("-");
  if (field === "sender" || field === "recipient") field = sentScope(state) ? "recipient" : "sender";
  const size = Number(state.n);
  return {
    query: state.q, from: state.from, to: state.to, subject: state.subj, hasAttachment: state.att === "1",
    after: state.after, until: state.until, folder: state.f,
    subfolders: state.s === "1" || !!(folderInfo.get(state.f) || {}).root,  // a root is all of its folders
    sort: field, ascending: direction === "asc", offset: (Number(state.p) - 1) * size, limit: size,
    zoneOffsetSeconds: -new Date().getTimezoneOffset() * 60,
  };
}

function setListStatus(kind, message, detail) {
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

async function runSearch(state) {
  const seq = ++listSeq;
  const list = $("hits");
  drawScope(state);
  if (user === ARCHIVE_ADMIN) {
    list.replaceChildren();
    results = { hits: [], total: 0, estimate: false, terms: [] };
    setListStatus("empty", t("adminCannotRead"), t("adminCannotReadDetail"));
    drawPager(state);
    announce(t("adminCannotRead"));
    return;
  }
  const info = folderInfo.get(state.f);
  if (!info && !hasWords(state)) {
    list.replaceChildren();
    results = { hits: [], total: 0, estimate: false, terms: [] };
    setListStatus("empty", t("archiveEmpty"), t("archiveEmptyDetail"));
    drawPager(state);
    return;
  }
  try {
    const r = await withLoading(api("search", { ...searchBody(state), snippets: true }), list);
    if (seq !== listSeq) return;  // a newer search is under way
    results = { hits: r.hits, total: r.total, estimate: r.totalIsEstimate, terms: r.terms || [] };
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
    results = { hits: [], total: 0, estimate: false, terms: [], failed: true };
    list.replaceChildren();
    setListStatus("error", e.message);
    const again = el("button", "ghost", t("tryAgain"));
    again.type = "button";
    again.addEventListener("click", () => runSearch(view));
    $("list-status").append(again);
    announce(e.message);
  }
  drawPager(state);
  drawSelection();
  list.dataset.drawn = String(seq);  // which search the list shows (tests wait for it)
}

function drawScope(state) {
  const info = folderInfo.get(state.f);
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
  if (state.after) filters.push(t("dateFrom") + " " + state.after);
  if (state.until) filters.push(t("dateTo") + " " + state.until);
  if (filters.length) parts.push(t("resultsFor", { what: filters.join(", ") }));
  $("scope-detail").textContent = parts.join(" \u00b7 ");
}

function drawHits(state) {
  const list = $("hits");
  list.replaceChildren();
  const manyFolders = (folderInfo.get(state.f) || {}).root || state.s === "1";
  for (const h of results.hits) list.append(hitItem(h, state, manyFolders));
  markOpen();
}

function keyOf(h) { return h.storeID + "." + h.messageID; }

function hitItem(h, state, manyFolders) {
  const key = keyOf(h);
  const li = el("li", "hit");
  li.dataset.message = h.messageID;
  li.dataset.key = key;
  const pick = el("input", "pick");
  pick.type = "checkbox";
  pick.checked = allResultsSelected || selection.has(key);
  pick.setAttribute("aria-label", t("selectThis", { subject: h.subject || t("noSubject") }));
  pick.addEventListener("change", () => {
    allResultsSelected = false;
    if (pick.checked) selection.set(key, { storeID: h.storeID, messageID: h.messageID });
    else selection.delete(key);
    drawSelection();
  });
  const link = el("a", "open");
  link.href = addressOf({ ...state, m: key });
  const who = h.sent ? t("toNames", { names: names(h.to) || t("noRecipient") }) : (names(h.from) || t("noSender"));
  const top = el("span", "row1", el("span", "who" + (h.sent ? " sent" : ""), who), el("span", "date", fmtDate(h.date)));
  const subject = el("span", "subject");
  appendMarked(document, subject, h.subject || t("noSubject"), termPattern(results.terms));
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

function markOpen() {
  for (const li of $("hits").children) {
    const open = li.dataset.key === openKey;
    li.classList.toggle("active", open);
    const a = li.querySelector("a.open");
    if (a) { if (open) a.setAttribute("aria-current", "true"); else a.removeAttribute("aria-current"); }
  }
}

function pageCount() { return Math.max(1, Math.ceil(results.total / Number(view.n))); }

function drawPager(state) {
  const size = Number(state.n);
  const page = Number(state.p);
  const first = (page - 1) * size + 1;
  const last = first + results.hits.length - 1;
  const total = results.estimate ? t("aboutN", { n: results.total }) : fmtNumber(results.total);
  $("range").textContent = results.hits.length ? t("range", { first, last, total })
                                                : (results.total || results.failed ? "" : t("zeroMessages"));
  $("first").disabled = $("prev").disabled = page <= 1;
  $("next").disabled = $("last").disabled = last >= results.total || !results.hits.length;
}

// ---- Selection and export ----------------------------------------------

// A selection holds across pages, sorts and page sizes of one search; another
// folder or search starts without one (it must not be exported unseen).
function keepSelectionFor(state) {
  const scope = JSON.stringify(LIST_KEYS.filter((k) => !["p", "sort", "n"].includes(k)).map((k) => state[k]));
  if (scope !== selectionScope) {
    selection.clear();
    allResultsSelected = false;
    selectionScope = scope;
  }
}

function drawSelection() {
  const n = allResultsSelected ? results.total : selection.size;
  $("selected-count").textContent = n ? t("selectedN", { n }) : "";
  $("export").disabled = n === 0 || user === ARCHIVE_ADMIN;
  const onPage = results.hits.map(keyOf);
  const pageAll = onPage.length > 0 && (allResultsSelected || onPage.every((k) => selection.has(k)));
  $("select-page").checked = pageAll;
  $("select-page").disabled = !onPage.length;
  const all = $("select-all");
  all.hidden = !(pageAll && results.total > onPage.length) || allResultsSelected;
  all.textContent = t("selectAllResults", { n: results.total });
  $("clear-selection").hidden = n === 0;
  for (const li of $("hits").children) {
    const pick = li.querySelector("input.pick");
    if (pick) pick.checked = allResultsSelected || selection.has(li.dataset.key);
  }
}

async function startExport(format) {
  closeExportMenu();
  const status = $("export-status");
  const body = allResultsSelected ? { format, search: searchBody(view) } : { format, messages: [...selection.values()] };
  status.hidden = false;
  status.textContent = t("exportPreparing");
  try {
    const r = await withLoading(api("export", body), status);
    status.textContent = t("exportRunning", { n: r.count });
    const a = el("a");
    a.href = downloadUrl("exportDownload", { exportID: r.exportID });
    a.download = "";
    document.body.append(a);
    a.click();
    a.remove();
    announce(status.textContent);
  } catch (e) {
    status.textContent = e.message;
    announce(e.message);
  }
}

function closeExportMenu() {
  $("export-menu").hidden = true;
  $("export").setAttribute("aria-expanded", "false");
}

// ---- The message -------------------------------------------------------

// A pattern that marks the search's words as the search finds them (the
// start of a word; short words whole; Chinese and Japanese anywhere).
function termPattern(terms) {
  if (!terms || !terms.length) return null;
  const cjk = /[\u2E80-\u9FFF\uA000-\uA4CF\uAC00-\uD7AF\uF900-\uFAFF\uFF00-\uFFEF]/u;
  const parts = terms.map((term) => {
    const esc = term.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    if (cjk.test(term)) return esc;
    return "(?<![\\p{L}\\p{N}])" + esc + ([...term].length < 3 ? "(?![\\p{L}\\p{N}])" : "");
  });
  return new RegExp(parts.join("|"), "giu");
}

// `text` as nodes with the pattern's places in <mark> and web addresses
// as links that ask first.
function markedText(doc, text, pattern) {
  const frag = doc.createDocumentFragment();
  const url = /\bhttps?:\/\/[^\s<>"')\]]+[^\s<>"')\].,;:!?]/g;
  let at = 0;
  for (const m of text.matchAll(url)) {
    appendMarked(doc, frag, text.slice(at, m.index), pattern);
    const a = doc.createElement("a");
    a.href = m[0];
    a.className = "ext";
    appendMarked(doc, a, m[0], pattern);
    frag.append(a);
    at = m.index + m[0].length;
  }
  appendMarked(doc, frag, text.slice(at), pattern);
  return frag;
}

function appendMarked(doc, parent, text, pattern) {
  if (!pattern) { parent.append(text); return; }
  let at = 0;
  for (const m of text.matchAll(pattern)) {
    if (!m[0]) continue;
    parent.append(text.slice(at, m.index));
    const mark = doc.createElement("mark");
    mark.textContent = m[0];
    parent.append(mark);
    at = m.index + m[0].length;
  }
  parent.append(text.slice(at));
}

// Plain text in a proportional font; quoted lines ("> ...") as quotes, one
// level in another.
function renderPlain(text, pattern) {
  const root = el("div");
  const stack = [root];
  let buffer = [];
  const flush = () => {
    if (!buffer.length) return;
    stack[stack.length - 1].append(markedText(document, buffer.join("\n") + "\n", pattern));
    buffer = [];
  };
  for (const line of text.replace(/\r\n?/g, "\n").replace(/\n$/, "").split("\n")) {
    const m = line.match(/^((?:\s?>)+)\s?/);
    const depth = m ? (m[1].match(/>/g) || []).length : 0;
    if (depth !== stack.length - 1) {
      flush();
      while (stack.length - 1 > depth) stack.pop();
      while (stack.length - 1 < depth) {
        const q = el("blockquote", "quote");
        stack[stack.length - 1].append(q);
        stack.push(q);
      }
    }
    buffer.push(m ? line.slice(m[0].length) : line);
  }
  flush();
  return root;
}

function closeMessage() {
  openKey = "";
  ++messageSeq;
  $("message").hidden = true;
  $("message-status").hidden = true;
  $("placeholder").hidden = false;
  $("app-view").classList.remove("reading");
  markOpen();
}

async function openMessage(key, remoteImages = false) {
  const [storeID, messageID] = key.split(".").map(Number);
  if (!(storeID >= 0 && messageID >= 0)) { closeMessage(); return; }
  const seq = ++messageSeq;
  openKey = key;
  markOpen();
  $("app-view").classList.add("reading");
  $("placeholder").hidden = true;
  const status = $("message-status");
  try {
    const m = await withLoading(api("message", { storeID, messageID, remoteImages }), $("reader"));
    if (seq !== messageSeq) return;
    status.hidden = true;
    drawMessage(m, storeID, messageID);
    $("reader").scrollTop = 0;
    if (window.matchMedia("(max-width: 900px)").matches) $("m-subject").focus({ preventScroll: true });
    announce(t("messageOpened", { subject: m.subject || t("noSubject") }));
    loadConversation(storeID, messageID, seq);
  } catch (e) {
    if (seq !== messageSeq) return;
    $("message").hidden = true;
    status.hidden = false;
    status.className = "list-status error";
    status.setAttribute("role", "alert");
    status.textContent = e.message;
  }
}

function drawMessage(m, storeID, messageID) {
  $("message").hidden = false;
  $("m-subject").textContent = m.subject || t("noSubject");
  $("m-from").textContent = m.from;
  $("m-to").textContent = m.to;
  $("m-cc").textContent = m.cc;
  for (const x of document.querySelectorAll(".cc")) x.hidden = !m.cc;
  $("m-date").textContent = fmtDate(m.date, true);
  $("m-folder").textContent = m.folder;
  $("download").href = downloadUrl("download", { storeID, messageID });
  const atts = $("m-attachments");
  atts.replaceChildren();
  for (const a of m.attachments) {
    const link = el("a", "", a.name + " (" + fmtSize(a.size) + ")");
    link.href = downloadUrl("attachment", { storeID, messageID, index: a.index });
    atts.append(el("li", "", link));
  }
  atts.hidden = !m.attachments.length;
  const removed = m.remoteContentRemoved || 0;
  $("m-remote").hidden = !removed;
  $("m-remote-text").textContent = t("remoteRemoved", { n: removed });
  $("remote-images").hidden = !removed;
  const pattern = termPattern(results.terms);
  const frame = $("m-html");
  const plain = $("m-text");
  if (m.html) {
    // Sanitised by the server; shown in a sandbox without scripts and under
    // a policy that loads nothing remote. The frame shares the page's
    // origin (no scripts run in it) so that this page marks the search's
    // words in it and asks before a link opens.
    const images = m.remoteImagesShown ? "img-src data: 'self'" : "img-src data:";
    const head = "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; " + images +
                 "; style-src 'unsafe-inline'\"><base target=\"_blank\"><style>body{font:15px/1.5 system-ui,sans-serif;" +
                 "color:#1d2733;margin:8px;overflow-wrap:anywhere}mark{background:#ffe58a;color:inherit}</style>";
    frame.onload = () => prepareFrame(frame, pattern);
    frame.srcdoc = head + m.html;
    frame.hidden = false;
    plain.hidden = true;
  } else {
    frame.onload = null;
    frame.hidden = true;
    frame.srcdoc = "";
    plain.hidden = false;
    plain.replaceChildren(renderPlain(m.text || "", pattern));
    for (const a of plain.querySelectorAll("a.ext")) a.addEventListener("click", linkClick);
  }
  $("conversation").hidden = true;
}

function prepareFrame(frame, pattern) {
  const doc = frame.contentDocument;
  if (!doc || !doc.body) return;
  if (pattern) {
    const walker = doc.createTreeWalker(doc.body, NodeFilter.SHOW_TEXT);
    const nodes = [];
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      pattern.lastIndex = 0;
      if (pattern.test(n.data)) nodes.push(n);
    }
    for (const n of nodes) {
      const span = doc.createDocumentFragment();
      appendMarked(doc, span, n.data, pattern);
      n.replaceWith(span);
    }
  }
  doc.addEventListener("click", linkClick, true);
  doc.addEventListener("auxclick", linkClick, true);  // the middle button too
  const fit = () => { frame.style.height = Math.max(160, doc.documentElement.scrollHeight + 4) + "px"; };
  fit();
  setTimeout(fit, 300);
}

// A link in a message: never followed in the message's frame; the real
// target is shown first, then opened in a new tab.
function linkClick(ev) {
  const a = ev.target.closest && ev.target.closest("a[href]");
  if (!a) return;
  ev.preventDefault();
  ev.stopPropagation();
  const href = a.getAttribute("href") || "";
  let target;
  try { target = new URL(href, location.href); } catch (e) { target = null; }
  if (!target || !["http:", "https:", "mailto:", "ftp:"].includes(target.protocol) || href.startsWith("#")) return;
  pendingLink = target.href;
  $("link-target").textContent = target.href;
  const shown = a.textContent.trim();
  $("link-text-wrap").hidden = !shown || shown === target.href || shown === href;
  $("link-text").textContent = shown;
  $("link-dialog").showModal();
  $("link-open").focus();
}

async function loadConversation(storeID, messageID, seq) {
  try {
    const r = await withLoading(api("thread", { storeID, messageID }), $("conversation"));
    if (seq !== messageSeq || !r.messages || r.messages.length < 2) return;
    $("conversation-title").textContent = t("conversationN", { n: r.messages.length });
    const list = $("conversation-list");
    list.replaceChildren();
    for (const c of r.messages) {
      const key = keyOf(c);
      const who = c.sent ? t("toNames", { names: names(c.to) }) : names(c.from) || t("noSender");
      const a = el("a", "", el("span", "who", who), el("span", "date", fmtDate(c.date)),
                   el("span", "subject", c.subject || t("noSubject")));
      a.href = addressOf({ ...view, m: key });
      if (c.current) a.setAttribute("aria-current", "true");
      list.append(el("li", c.current ? "current" : "", a));
    }
    $("conversation").hidden = false;
  } catch (e) {
    /* the message is shown; its conversation is not essential */
  }
}

// The message after or before the open one in the list (j/k).
// j/k went past the page's end: which message of the next page to open.
let openAfterPaging = "";

function focusHit(key) {
  const li = $("hits").querySelector("li[data-key=\"" + key + "\"]");
  if (li) { li.scrollIntoView({ block: "nearest" }); li.querySelector("a.open").focus({ preventScroll: true }); }
}

function step(delta) {
  const keys = results.hits.map(keyOf);
  if (!keys.length) return;
  const i = keys.indexOf(openKey);
  const page = Number(view.p);
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

// After j/k changed the page: opens its first or last message.
function openAfterPage() {
  const which = openAfterPaging;
  openAfterPaging = "";
  if (!which || !results.hits.length) return false;
  const keys = results.hits.map(keyOf);
  const key = which === "first" ? keys[0] : keys[keys.length - 1];
  navigate({ m: key }, true);
  focusHit(key);
  return true;
}

// ---- Events ------------------------------------------------------------

function wire() {
  $("lang").addEventListener("change", () => {
    lang = $("lang").value;
    localStorage.setItem("spe-lang", lang);
    applyLanguage();
    if (user && view) {
      // Everything drawn again in the new language (the list asked again:
      // its notes are made with it).
      $("who").textContent = user === ARCHIVE_ADMIN ? t("archiveAdmin") : user;
      fillForm(view);
      drawFolders();
      runSearch(view);
      if (openKey) openMessage(openKey);
    }
  });

  $("login").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const button = $("login-button");
    button.disabled = true;
    try {
      const r = await withLoading(api("login", { userName: $("user").value, password: $("password").value }));
      csrf = r.csrfToken;
      $("password").value = "";
      await showApp(r.userName);
    } catch (e) {
      showLogin(e.message);
    } finally {
      button.disabled = false;
    }
  });

  $("search").addEventListener("submit", (ev) => {
    ev.preventDefault();
    const changes = formChanges();
    const next = { ...view, ...changes };
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
  const page = (p) => navigate({ p: String(p) });
  $("first").addEventListener("click", () => page(1));
  $("prev").addEventListener("click", () => page(Math.max(1, Number(view.p) - 1)));
  $("next").addEventListener("click", () => page(Math.min(pageCount(), Number(view.p) + 1)));
  $("last").addEventListener("click", () => page(pageCount()));
  $("back").addEventListener("click", () => {
    navigate({ m: "" });
    const li = $("hits").querySelector("li.active a.open") || $("hits").querySelector("a.open");
    if (li) li.focus();
  });
  $("menu").addEventListener("click", () => {
    const open = $("folders").classList.toggle("shown");
    $("menu").setAttribute("aria-expanded", String(open));
    if (open) { const a = $("folders").querySelector("a[aria-current]") || $("folders").querySelector("a"); if (a) a.focus(); }
  });
  $("logout").addEventListener("click", async () => {
    try { await api("logout"); } catch (e) { /* the session is gone either way */ }
    history.replaceState(null, "", location.pathname);
    showLogin("");
  });
  $("help-link").addEventListener("click", () => $("help").showModal());
  $("link-cancel").addEventListener("click", () => $("link-dialog").close());
  $("link-open").addEventListener("click", () => {
    $("link-dialog").close();
    if (pendingLink) window.open(pendingLink, "_blank", "noopener,noreferrer");
  });
  $("remote-images").addEventListener("click", () => { if (openKey) openMessage(openKey, true); });

  $("select-page").addEventListener("change", () => {
    const on = $("select-page").checked;
    if (!on) allResultsSelected = false;
    for (const h of results.hits) {
      if (on) selection.set(keyOf(h), { storeID: h.storeID, messageID: h.messageID });
      else selection.delete(keyOf(h));
    }
    drawSelection();
  });
  $("select-all").addEventListener("click", () => {
    allResultsSelected = true;
    drawSelection();
  });
  $("clear-selection").addEventListener("click", () => {
    allResultsSelected = false;
    selection.clear();
    drawSelection();
  });
  document.addEventListener("click", (ev) => {
    if (!$("export-menu").hidden && !ev.target.closest(".menu-wrap")) closeExportMenu();
  });
  $("export").addEventListener("click", () => {
    const menu = $("export-menu");
    menu.hidden = !menu.hidden;
    $("export").setAttribute("aria-expanded", String(!menu.hidden));
    if (!menu.hidden) menu.querySelector("button").focus();
  });
  for (const b of $("export-menu").querySelectorAll("button")) {
    b.addEventListener("click", () => startExport(b.dataset.format));
  }
  $("export-menu").addEventListener("keydown", (ev) => {
    const items = [...$("export-menu").querySelectorAll("button")];
    const i = items.indexOf(document.activeElement);
    if (ev.key === "Escape") { closeExportMenu(); $("export").focus(); }
    if (ev.key === "ArrowDown") { ev.preventDefault(); items[(i + 1) % items.length].focus(); }
    if (ev.key === "ArrowUp") { ev.preventDefault(); items[(i + items.length - 1) % items.length].focus(); }
  });

  window.addEventListener("hashchange", () => show());
  window.addEventListener("resize", () => {
    const frame = $("m-html");
    if (!frame.hidden && frame.contentDocument) frame.style.height = frame.contentDocument.documentElement.scrollHeight + 4 + "px";
  });
  document.addEventListener("keydown", (ev) => {
    if (!user || ev.ctrlKey || ev.metaKey || ev.altKey || document.querySelector("dialog[open]")) return;
    const typing = ev.target.closest && ev.target.closest("input, select, textarea, [contenteditable]");
    if (typing) {
      if (ev.key === "Escape" && ev.target.id === "query") ev.target.blur();
      return;
    }
    if (ev.key === "/") { ev.preventDefault(); $("query").focus(); $("query").select(); }
    else if (ev.key === "j") { ev.preventDefault(); step(1); }
    else if (ev.key === "k") { ev.preventDefault(); step(-1); }
    else if (ev.key === "Escape" && openKey) { navigate({ m: "" }); }
  });
}

// ---- Start -----------------------------------------------------------

lang = chooseLanguage();
applyLanguage();
wire();

(async () => {
  // A one-time link for the archive administrator: #archiveadmin=<password>.
  const otp = location.hash.match(/^#archiveadmin=([0-9a-f]+)$/);
  if (otp) {
    history.replaceState(null, "", location.pathname);  // the password leaves the address bar at once
    try {
      const r = await api("login", { oneTimePassword: otp[1] });
      csrf = r.csrfToken;
      await showApp(r.userName);
    } catch (e) {
      showLogin(e.message);
    }
    return;
  }
  try {
    const r = await api("session");
    csrf = r.csrfToken;
    await showApp(r.userName);
  } catch (e) {
    showLogin(e.status >= 500 ? e.message : "");  // e.g. 503 "This archive is stopped. Ask your provider."
  }
})();
