// An instance's Overview, free of the DOM: the configuration form
// (GetInstanceConfiguration -> form -> the object SetInstanceConfiguration
// gets: only what changed, keys left out keep their value), the checks made
// as typed (the server's rules), when a change takes effect, and the
// statistics of GetInstanceStatistics as rows to show.
import { aliasProblem } from "./instances.js";

/** The fields of the form and when a change of each takes effect (docs/instances.md, docs/api.md):
 *  now: when the call returns (aliases are routed by every CAS by then);
 *  supervision: how the host treats the instance from now on (no start or stop now);
 *  restart: at the process's next start; stopped: may change only while the instance is stopped;
 *  stored: kept for the product's clients, without effect on this platform. */
export const FIELDS = {
  displayName: "now",
  alias: "now",
  startMode: "supervision",
  instanceHost: "stopped",
  baseDirectory: "stopped",
  debugLogEnabled: "restart",
  imapServerConnectionLogEnabled: "stored",
  vssWriterEnabled: "stored",
  vssWriterExcludeIndexes: "stored",
};

const BOOLEANS = ["debugLogEnabled", "imapServerConnectionLogEnabled", "vssWriterEnabled", "vssWriterExcludeIndexes"];

/** The form's values from GetInstanceConfiguration's answer (strings and booleans, never null). */
export function formOf(config) {
  const c = config || {};
  const form = {};
  for (const k of Object.keys(FIELDS)) {
    form[k] = BOOLEANS.includes(k) ? c[k] === true : typeof c[k] === "string" ? c[k] : "";
  }
  if (!form.startMode) form.startMode = "manual";
  return form;
}

/** The fields whose value differs between the form and the configuration it came from. */
export function changedFields(config, form) {
  const before = formOf(config);
  return Object.keys(FIELDS).filter((k) => (BOOLEANS.includes(k) ? before[k] !== form[k] : before[k] !== form[k].trim()));
}

/** SetInstanceConfiguration's `config`: the instanceID and the changed keys; null when nothing changed. */
export function configToSave(config, form) {
  const changed = changedFields(config, form);
  if (!changed.length) return null;
  const out = { instanceID: config.instanceID };
  for (const k of changed) out[k] = BOOLEANS.includes(k) ? form[k] : form[k].trim();
  return out;
}

const utf8Length = (s) => new TextEncoder().encode(s).length;

/**
 * What is wrong with the form, per field, as catalogue keys (none: {}):
 * the alias (the server's rule, not another instance's ID or alias), the
 * display name (256 bytes), the base directory (absolute or ~/..., 1024;
 * empty: <host base directory>/<ID>),
 * the host (one must be chosen).
 */
export function formProblems(form, id, instances = []) {
  const p = {};
  const others = instances.filter((i) => i.instanceID !== id);
  const alias = aliasProblem(form.alias.trim(), id, others);
  if (alias) p.alias = alias;
  if (utf8Length(form.displayName.trim()) > 256) p.displayName = "displayNameTooLong";
  const base = form.baseDirectory.trim();
  if (base && !/^[/~]/.test(base)) p.baseDirectory = "baseDirectoryAbsolute";
  else if (base.length > 1024) p.baseDirectory = "baseDirectoryTooLong";
  if (!form.instanceHost.trim()) p.instanceHost = "chooseHost";
  return p;
}

/** Whether no process of the instance runs (the host and base directory may change then). */
export function isStopped(instance) {
  return !!instance && (instance.status === "stopped" || instance.status === "standby" ||
    (instance.status === "error" && !instance.processID));
}

/** Of the fields saved, those that wait for the next start of a running instance. */
export function needRestart(saved, instance) {
  return instance && instance.status === "running" ? saved.filter((k) => FIELDS[k] === "restart") : [];
}

/** GetInstanceStatistics' known fields, in the order shown; sizes are in MB (MiB) there. */
export const STATISTICS = [
  ["numberOfMessages", "count"],
  ["totalSizeMB", "mb"],
  ["databaseFileSizeMB", "mb"],
  ["contentFileSizeMB", "mb"],
  ["indexFileSizeMB", "mb"],
];

/**
 * The statistics as rows {field, kind, value}: the known fields first
 * ("count", "mb": a size in MiB, value in bytes), then any other field the
 * server returns as it is ("other"), so a new figure shows up unlabelled
 * rather than not at all.
 */
export function statisticsRows(stats) {
  if (!stats || typeof stats !== "object") return [];
  const rows = [];
  for (const [field, kind] of STATISTICS) {
    if (!(field in stats)) continue;
    const v = stats[field];
    if (typeof v !== "number" || !Number.isFinite(v)) rows.push({ field, kind: "other", value: v });
    else rows.push({ field, kind, value: kind === "mb" ? Math.round(v * 1024 * 1024) : v });
  }
  const known = new Set(STATISTICS.map(([f]) => f));
  for (const field of Object.keys(stats).sort()) {
    if (!known.has(field)) rows.push({ field, kind: "other", value: stats[field] });
  }
  return rows;
}
