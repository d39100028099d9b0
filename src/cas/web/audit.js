// The audit log page (#audit, the header's "Audit log"): the instance's own
// tamper-evident log for its archive administrator ($archiveadmin) only; for
// anyone else the address shows the archive and the header has no link.
// Filters (dates in the chosen language's format as in the search form, who,
// event, object), 50 entries a page newest first with "Newer"/"Older"
// (audit_table.js draws them), the key's fingerprint, and "Verify the log"
// (auditVerify: signs what is there, then checks it all). The back end's
// operations: auditLog and auditVerify (docs/end-user-access.md).
import { api } from "./api.js";
import { PAGE, drawEntries } from "./audit_table.js";
import { datePattern, formatDay, formatMoment, parseDay, wireDatePicker } from "./dates.js";
import { $, el } from "./dom.js";
import { withLoading } from "./feedback.js";
import { t } from "./i18n.js";
import { ARCHIVE_ADMIN, app } from "./state.js";

const DATES = { from: "audit-from", to: "audit-to" };
const TEXTS = { actor: "audit-actor", object: "audit-object" };
const NO_FILTERS = { from: "", to: "", actor: "", event: "", object: "" };
let filters = { ...NO_FILTERS };  // what the page shows (ISO days, exact texts)
let offset = 0;
let answer = null;   // the last auditLog answer
let report = null;   // the last auditVerify answer
let seq = 0;         // the newest request; older answers are dropped

export function isAuditAddress() { return location.hash === "#audit" && app.user === ARCHIVE_ADMIN; }

// The header's link: for the archive administrator only.
export function drawAuditLink() { $("audit-link").hidden = app.user !== ARCHIVE_ADMIN; }

export async function showAudit() {
  const entering = app.page !== "audit";
  app.page = "audit";
  $("app-view").hidden = $("menu").hidden = true;
  $("audit-view").hidden = false;
  $("audit-link").setAttribute("aria-current", "page");
  $("audit-back").href = app.listHash || "#";
  if (entering) {
    filters = { ...NO_FILTERS };
    offset = 0;
    report = null;
    fillFilters();
    drawReport();
    $("audit-title").focus();
  }
  await load();
}

export function leaveAudit() {
  if (app.page !== "audit") return;
  app.page = "archive";
  $("audit-view").hidden = true;
  $("app-view").hidden = $("menu").hidden = false;
  $("audit-link").removeAttribute("aria-current");
}

// At logout or when the session ends: nothing of the page stays.
export function resetAudit() {
  $("audit-view").hidden = $("audit-link").hidden = true;
  $("audit-link").removeAttribute("aria-current");
  if (app.page === "audit") app.page = "archive";
  answer = report = null;
  $("audit-rows").replaceChildren();
}

// 00:00 of an ISO day in the user's time zone, as the UTC time the back end
// takes ("2026-12-06T23:00:00Z" for 7 December in Berlin); `days` later.
function startOfDay(iso, days = 0) {
  const [y, m, d] = iso.split("-").map(Number);
  return new Date(y, m - 1, d + days).toISOString().replace(/\.\d{3}Z$/, "Z");
}

function request() {
  const body = { offset, limit: PAGE, newestFirst: true };
  if (filters.from) body.fromIncluding = startOfDay(filters.from);
  if (filters.to) body.toExcluding = startOfDay(filters.to, 1);  // "to" takes its whole day
  for (const k of ["actor", "event", "object"]) if (filters[k]) body[k] = filters[k];
  return body;
}

function filtered() { return Object.values(filters).some(Boolean); }

async function load() {
  const mine = ++seq;
  setStatus("");
  let r;
  try {
    r = await withLoading(api("auditLog", request()), $("audit-results"));
  } catch (e) {
    if (mine !== seq) return;
    answer = null;
    $("audit-rows").replaceChildren();
    $("audit-table").hidden = $("audit-pager").hidden = $("audit-none").hidden = true;
    setStatus(e.message);
    say(e.message);
    $("audit-results").dataset.drawn = String(mine);
    return;
  }
  if (mine !== seq) return;
  answer = r;
  drawAudit();
  const n = Array.isArray(r.entries) ? r.entries.length : 0;
  say(n ? t("auditShown", { n }) : $("audit-none").textContent);
  $("audit-results").dataset.drawn = String(mine);  // which request the table shows (tests wait for it)
}

function setStatus(message) {
  const box = $("audit-status");
  box.hidden = !message;
  box.textContent = message || "";
}

// The page's own live region (the archive's is hidden with the archive).
function say(message) {
  const box = $("audit-announce");
  box.textContent = "";
  setTimeout(() => { box.textContent = message; }, 50);
}

// Draws the last answers in the chosen language (also after a switch).
export function drawAudit() {
  if (app.page !== "audit") return;
  fillFilters();
  drawReport();
  if (!answer) return;
  const key = String(answer.fingerprint || "");
  $("audit-key").hidden = !key;
  $("audit-fingerprint").textContent = key.replace(/(.{4})(?=.)/g, "$1 ");
  $("audit-fingerprint").title = String(answer.publicKey || "");
  drawEvents(Array.isArray(answer.events) ? answer.events : []);
  drawEntries(answer, filtered());
}

function drawEvents(names) {
  const sel = $("audit-event");
  const any = el("option", "", t("auditAnyEvent"));
  any.value = "";
  const list = names.includes(filters.event) || !filters.event ? names : [...names, filters.event];
  sel.replaceChildren(any, ...list.map((n) => { const o = el("option", "", n); o.value = n; return o; }));
  sel.value = filters.event;
}

// The fields show the filters (the days in today's format).
function fillFilters() {
  for (const [k, id] of Object.entries(DATES)) {
    $(id).placeholder = datePattern();
    $(id).value = formatDay(filters[k]);
  }
  for (const [k, id] of Object.entries(TEXTS)) $(id).value = filters[k];
  if ($("audit-event").options.length) $("audit-event").value = filters.event;
  showDateError(null, "");
}

function showDateError(id, message) {
  for (const f of Object.values(DATES)) $(f).toggleAttribute("aria-invalid", f === id);
  const box = $("audit-date-error");
  box.hidden = !message;
  box.textContent = message;
  if (id) $(id).focus();
}

// The form's filters, or null (said at the field) when a date is wrong.
function readFilters() {
  const days = {};
  for (const [k, id] of Object.entries(DATES)) {
    days[k] = parseDay($(id).value);
    if (days[k] === null) {
      const example = formatDay(`${new Date().getFullYear()}-01-31`);
      showDateError(id, t("dateInvalid", { format: datePattern(), example }));
      return null;
    }
  }
  if (days.from && days.to && days.to < days.from) {
    showDateError(DATES.to, t("auditDatesReversed"));
    return null;
  }
  showDateError(null, "");
  const out = { ...days, event: $("audit-event").value };
  for (const [k, id] of Object.entries(TEXTS)) out[k] = $(id).value.trim();
  return out;
}

function drawReport() {
  const box = $("audit-verify-status");
  box.replaceChildren();
  if (!report) return;
  const entries = t("auditEntriesN", { n: Number(report.entries) || 0 });
  const checkpoints = t("auditCheckpointsN", { n: Number(report.checkpoints) || 0 });
  const last = report.lastCheckpoint && report.lastCheckpoint.time;
  const p = el("p", "notice " + (report.intact ? "ok" : "bad"));
  if (report.intact) {
    p.append(last ? t("auditIntact", { entries, checkpoints, time: formatMoment(last) })
                  : t("auditIntactUnsigned", { entries, checkpoints }));
  } else {
    const sign = el("span", "audit-sign", "\u2715");
    sign.setAttribute("aria-hidden", "true");
    p.append(sign, t("auditBroken", { problem: String(report.problem || "") }));
    if (report.firstBadEntry) p.append(" " + t("auditFirstBad", { n: report.firstBadEntry }));
  }
  box.append(p);
  if (report.note) box.append(el("p", "muted small", String(report.note)));
}

async function verify() {
  const button = $("audit-verify");
  button.disabled = true;
  report = null;
  drawReport();
  try {
    report = await withLoading(api("auditVerify"), $("audit-verify-status"));
    drawReport();
  } catch (e) {
    $("audit-verify-status").append(el("p", "error", e.message));
  } finally {
    button.disabled = false;
  }
}

// The calendar buttons, as in the search form (dates.js).
function wireCalendars() {
  for (const id of Object.values(DATES)) {
    wireDatePicker(id, () => { if ($(id).hasAttribute("aria-invalid")) showDateError(null, ""); });
  }
}

export function wireAudit() {
  wireCalendars();
  $("audit-filters").addEventListener("submit", (ev) => {
    ev.preventDefault();
    const next = readFilters();
    if (!next) return;
    filters = next;
    offset = 0;
    load();
  });
  $("audit-reset").addEventListener("click", () => {
    filters = { ...NO_FILTERS };
    offset = 0;
    fillFilters();
    load();
    $("audit-from").focus();
  });
  const page = (delta) => {
    offset = Math.max(0, offset + delta * PAGE);
    load().then(() => $("audit-table-title").focus());
  };
  $("audit-newer").addEventListener("click", () => page(-1));
  $("audit-older").addEventListener("click", () => page(1));
  $("audit-verify").addEventListener("click", verify);
}
