// What the Archiving tab lists, free of the DOM: the profiles (where each
// reads from and archives to, the search), lengths of time in words, the
// worker results of a time range (GetWorkerResults) with their order and
// badges, the time zone they are shown in (GetTimeZones), and the reading
// of a worker result's report.
import { connectorOf, textOf } from "./connectors.js";
import { validDate } from "./profile_checks.js";

// ---- the list of profiles ---------------------------------------------------

const collator = new Intl.Collator("en", { numeric: true, sensitivity: "base" });

/** Where a profile reads from, in a line: the path, or user@host:port. */
export function sourceOf(p) {
  const d = (p && p.details) || {};
  const c = connectorOf(p && p.connector);
  if (!c || c.source === "files") return textOf(d.path);
  const port = textOf(d.port);
  return `${d.userName ? textOf(d.userName) + "@" : ""}${textOf(d.host)}${port && port !== "0" ? ":" + port : ""}`;
}

/** Where its mail goes: the target folder, or (multidrop) the recipients' archives. */
export function targetOf(p) {
  const d = (p && p.details) || {};
  return textOf(d.targetUserFolder);
}

/** The profiles matching every word of `q` (name, connector, owner, source, target), sorted by name. */
export function filterProfiles(list, q) {
  const words = String(q || "").toLowerCase().split(/\s+/).filter(Boolean);
  return (list || [])
    .filter((p) => {
      if (!words.length) return true;
      const hay = [p.name, p.connector, p.owner, sourceOf(p), targetOf(p)].map(textOf).join("\n").toLowerCase();
      return words.every((w) => hay.includes(w));
    })
    .slice()
    .sort((a, b) => collator.compare(textOf(a.name), textOf(b.name)) || (a.id || 0) - (b.id || 0));
}

/** A length of time in words: {key, vars} (seconds, minutes, hours, days). */
export function durationText(seconds) {
  const s = Math.max(0, Math.round(Number(seconds) || 0));
  if (s < 60) return { key: "arcDurSeconds", vars: { n: s } };
  if (s < 3600) {
    const m = Math.floor(s / 60), r = s % 60;
    return r ? { key: "arcDurMinutesSeconds", vars: { m, s: r } } : { key: "arcDurMinutes", vars: { n: m } };
  }
  if (s < 86400) {
    const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60);
    return m ? { key: "arcDurHoursMinutes", vars: { h, m } } : { key: "arcDurHours", vars: { n: h } };
  }
  return { key: "arcDurDays", vars: { n: Math.round((s / 86400) * 10) / 10 } };
}

// ---- worker results -----------------------------------------------------------

export const RANGES = [
  { id: "24h", hours: 24, key: "arcRange24h" },
  { id: "7d", hours: 24 * 7, key: "arcRange7d" },
  { id: "30d", hours: 24 * 30, key: "arcRange30d" },
  { id: "365d", hours: 24 * 365, key: "arcRange365d" },
  { id: "custom", hours: 0, key: "arcRangeCustom" },
];

const pad = (n) => String(n).padStart(2, "0");
/** A moment as GetWorkerResults takes it in timeZoneID "UTC": YYYY-MM-DDTHH:MM:SS (not before 1970). */
export function utcText(date) {
  const d = date.getTime() < 0 ? new Date(0) : date;
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T` +
         `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}

/** What is wrong with a custom range (local days from and to, both included), or null. */
export function rangeProblem(range, from, to) {
  if (range !== "custom") return null;
  if (!validDate(from || "") || !validDate(to || "")) return { key: "arcRangeDates" };
  if (to < from) return { key: "arcRangeOrder" };
  if (from < "1970-01-02") return { key: "arcRangeDates" };
  return null;
}

/** The day after a day (YYYY-MM-DD). */
function nextDay(s) {
  const [y, m, d] = s.split("-").map(Number);
  const x = new Date(Date.UTC(y, m - 1, d + 1));
  return `${x.getUTCFullYear()}-${pad(x.getUTCMonth() + 1)}-${pad(x.getUTCDate())}`;
}

/**
 * The arguments of GetWorkerResults for a range: a preset counts back from
 * `now` (and a minute ahead, so a run that starts now is in); a custom one
 * runs from the start of its first day to the end of its last, in the
 * browser's time zone, or with `zoneId` (an ID GetTimeZones lists) in that
 * zone, which the instance then resolves. Presets and the browser's days go
 * as UTC. null when the custom range is wrong.
 */
export function rangeArgs(range, { from = "", to = "" } = {}, now = new Date(), zoneId = null) {
  const preset = RANGES.find((r) => r.id === range && r.hours);
  if (preset) {
    return { fromIncluding: utcText(new Date(now.getTime() - preset.hours * 3600e3)),
             toExcluding: utcText(new Date(now.getTime() + 60e3)), timeZoneID: "UTC" };
  }
  if (rangeProblem("custom", from, to)) return null;
  if (zoneId) return { fromIncluding: from + "T00:00:00", toExcluding: nextDay(to) + "T00:00:00", timeZoneID: zoneId };
  const day = (s, plus) => {
    const [y, m, d] = s.split("-").map(Number);
    return new Date(y, m - 1, d + plus);  // local midnight
  };
  return { fromIncluding: utcText(day(from, 0)), toExcluding: utcText(day(to, 1)), timeZoneID: "UTC" };
}

// ---- the time zone the results are shown in ------------------------------------

/** Where the chosen zone is remembered ({id, iana} as JSON in localStorage). */
export const ZONE_STORAGE_KEY = "spe-console-results-zone";

/**
 * The IANA name of a zone GetTimeZones lists ({id, displayName}): its id,
 * and for $Local (the instance's server) the name its displayName gives,
 * "(Local) Europe/Berlin"; null when there is none.
 */
export function zoneIana(zone) {
  if (!zone || typeof zone.id !== "string" || !zone.id) return null;
  if (zone.id !== "$Local") return zone.id;
  const m = /^\(Local\)\s*(\S+)/.exec(typeof zone.displayName === "string" ? zone.displayName : "");
  return m ? m[1] : null;
}

/** A remembered choice read back: {id, iana}, or null (none, or not readable). */
export function parseZoneChoice(text) {
  try {
    const v = JSON.parse(text || "null");
    return v && typeof v.id === "string" && v.id && (v.iana === null || typeof v.iana === "string") ? { id: v.id, iana: v.iana } : null;
  } catch {
    return null;
  }
}

/**
 * Formats moments in the IANA zone `iana` for the language; null when no
 * zone is given or the browser does not know it (then the browser's zone).
 */
export function zoneFormatter(lang, iana) {
  if (!iana) return null;
  try {
    const f = new Intl.DateTimeFormat(lang === "de" ? "de-DE" : "en-US", { dateStyle: "medium", timeStyle: "short", timeZone: iana });
    return (d) => f.format(d);
  } catch {
    return null;
  }
}

const timeOf = (s) => {
  const n = Date.parse(s || "");
  return Number.isFinite(n) ? n : 0;
};

/** Newest first (start time, then id). */
export function sortResults(list) {
  return (list || []).slice().sort((a, b) => timeOf(b.startTime) - timeOf(a.startTime) || (b.id || 0) - (a.id || 0));
}

/** The results GetWorkerResults names (model/profiles.h RunResult), with their catalogue key and badge. */
export const RESULTS = [
  { id: "succeeded", key: "arcResultSucceeded", badge: "succeeded" },
  { id: "completedWithWarnings", key: "arcResultWarnings", badge: "warning" },
  { id: "completedWithErrors", key: "arcResultErrors", badge: "error" },
  { id: "failed", key: "arcResultFailed", badge: "failed" },
  { id: "cancelled", key: "arcResultCancelled", badge: "stopped" },
  { id: "threadAbort", key: "arcResultAborted", badge: "error" },
  { id: "running", key: "arcResultRunning", badge: "starting" },
];

/** A result's entry; one this console does not know keeps its name and a neutral badge. */
export function resultInfo(name) {
  return RESULTS.find((r) => r.id === name) || { id: String(name || ""), key: null, badge: "off" };
}

/** Seconds from start to completion, or null while running. */
export function runSeconds(r) {
  if (!r || !r.completeTime) return null;
  const s = (timeOf(r.completeTime) - timeOf(r.startTime)) / 1000;
  return s >= 0 ? s : null;
}

// ---- a worker result's report ---------------------------------------------------

const count = (v) => (typeof v === "number" && Number.isFinite(v) ? v : 0);

/**
 * A report (GetWorkerResultReport's `report`) to show: the counts (of an
 * archiving run, or with `export` true of an export run), the
 * folders sorted by path, the warnings and errors as lists of text (each
 * list may hold 50,000 entries; the last may say how many more there were).
 */
export function readReport(report) {
  const r = report && typeof report === "object" ? report : {};
  const list = (v) => (Array.isArray(v) ? v.map((x) => (typeof x === "string" ? x : JSON.stringify(x))) : []);
  const folders = r.folders && typeof r.folders === "object" && !Array.isArray(r.folders)
    ? Object.entries(r.folders).map(([path, v]) => ({
      path, archived: count(v && v.archived), duplicates: count(v && v.duplicates), failed: count(v && v.failed) }))
      .sort((a, b) => collator.compare(a.path, b.path))
    : [];
  // An export run's report (docs/export.md) counts exported / exportedBefore / selected and says
  // whether it resumed a run that ended early; its folders count exported messages as "archived".
  const exported = typeof r.exported === "number" || typeof r.exportedBefore === "number";
  return {
    export: exported,
    exported: count(r.exported), exportedBefore: count(r.exportedBefore), selected: count(r.selected), resumed: r.resumed === true,
    archived: count(r.archived), duplicates: count(r.duplicates), skipped: count(r.skipped), failed: count(r.failed),
    seconds: typeof r.seconds === "number" ? r.seconds : null,
    error: typeof r.error === "string" && r.error ? r.error : null,
    folders, warnings: list(r.warnings), errors: list(r.errors),
  };
}

/** The entries of a list (texts, or folders by path) that contain every word of `q`, any case; indexes kept. */
export function searchLines(list, q, textOfItem = (x) => x) {
  const words = String(q || "").toLowerCase().split(/\s+/).filter(Boolean);
  const out = [];
  list.forEach((item, index) => {
    if (!words.length) { out.push({ item, index }); return; }
    const hay = String(textOfItem(item)).toLowerCase();
    if (words.every((w) => hay.includes(w))) out.push({ item, index });
  });
  return out;
}
