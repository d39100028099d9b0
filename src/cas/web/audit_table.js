// The audit log's table (audit.js asks, this draws): one row per entry with
// its time in the user's time zone, who (the actor and the kind of actor),
// the event, the object, the details, where it came from and the outcome (a
// failure marked by a sign and a word, and the row's edge, not by colour
// alone); on a phone each row is a card whose cells carry their column's
// name (data-label). Below it the range shown and "Newer"/"Older".
import { formatMoment } from "./dates.js";
import { $, el } from "./dom.js";
import { t } from "./i18n.js";

export const PAGE = 50;  // entries a page (the back end takes 1..200)

// The kinds of actor (audit_format.cpp actorKindName) and their strings.
const KINDS = { user: "actorUser", administrator: "actorAdministrator", $archiveadmin: "actorArchiveAdmin",
                job: "actorJob", system: "actorSystem" };

function cell(label, ...content) {
  const td = el("td", "", ...content);
  td.dataset.label = label;  // the column's name, shown beside the value on a phone
  return td;
}

// The entry's moment: shown as the app writes moments, exact in `datetime`.
function moment(e) {
  const at = new Date(Math.floor(Number(e.timeMicroseconds) / 1000));
  const iso = Number.isNaN(at.getTime()) ? String(e.time || "") : at.toISOString();
  const time = el("time", "", formatMoment(iso));
  time.dateTime = String(e.time || iso);
  return time;
}

function outcome(e) {
  const failed = e.outcome !== "success";
  const mark = el("span", "audit-sign", failed ? "\u2715" : "\u2713");
  mark.setAttribute("aria-hidden", "true");
  return el("span", "audit-outcome " + (failed ? "failure" : "success"), mark, t(failed ? "auditFailure" : "auditSuccess"));
}

function row(e) {
  const kind = KINDS[e.actorKind] ? t(KINDS[e.actorKind]) : String(e.actorKind || "");
  const who = el("span", "audit-actor", e.actor || "\u2014");
  const tr = el("tr", e.outcome === "success" ? "" : "failed",
    cell(t("auditTime"), moment(e)),
    cell(t("auditWho"), who, el("span", "audit-kind muted", kind)),
    cell(t("auditEvent"), el("span", "audit-event", e.event || "")),
    cell(t("auditObject"), e.object || ""),
    cell(t("auditDetails"), e.details || ""),
    cell(t("auditSource"), e.source || ""),
    cell(t("auditOutcome"), outcome(e)));
  tr.dataset.sequence = String(e.sequence);
  return tr;
}

// Draws an auditLog answer's page; `filtered` says whether filters are set
// (for what an empty page says).
export function drawEntries(answer, filtered) {
  const entries = Array.isArray(answer.entries) ? answer.entries : [];
  $("audit-rows").replaceChildren(...entries.map(row));
  $("audit-table").hidden = !entries.length;
  $("audit-none").hidden = !!entries.length;
  $("audit-none").textContent = entries.length ? "" : t(filtered || answer.offset ? "auditNone" : "auditEmpty");
  drawPager(answer, entries.length);
}

function drawPager(answer, count) {
  const offset = Number(answer.offset) || 0;
  $("audit-range").textContent = count ? t("auditRange", { first: offset + 1, last: offset + count }) : "";
  $("audit-newer").disabled = offset <= 0;
  $("audit-older").disabled = !answer.more;
  $("audit-pager").hidden = !count && offset <= 0;
}
