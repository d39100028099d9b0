// The Instances page's own logic, free of the DOM: search and filters over
// GetInstances' list, sorting, paging, the instanceFilter for a selection,
// and the rules of a new instance's ID and alias (the server's, from
// src/management/instance_filter.cpp isValidInstanceId and
// functions/instance_functions.cpp checkAlias/checkNames).

/** The statuses an instance reports (instance_supervisor.h), in the order the filter lists them. */
export const STATUSES = ["running", "starting", "stopping", "standby", "stopped", "error"];
export const START_MODES = ["automatic", "onDemand", "manual", "disabled"];

/** Whether an instance matches every word of the search (ID, alias, display name, host). */
export function matchesSearch(instance, query) {
  const words = String(query || "").toLowerCase().split(/\s+/).filter(Boolean);
  if (!words.length) return true;
  const hay = [instance.instanceID, instance.alias, instance.displayName, instance.instanceHost]
    .filter((x) => typeof x === "string").join("\n").toLowerCase();
  return words.every((w) => hay.includes(w));
}

/**
 * The instances that pass the search and the filters.
 * filters: {q, host, status, startMode}; an empty value does not filter.
 * status also takes "frozen" and "safeMode" (flags GetInstances reports).
 */
export function filterInstances(list, { q = "", host = "", status = "", startMode = "" } = {}) {
  return list.filter((i) => {
    if (host && i.instanceHost !== host) return false;
    if (startMode && i.startMode !== startMode) return false;
    if (status === "frozen") { if (!i.frozen) return false; }
    else if (status === "safeMode") { if (!i.safeMode) return false; }
    else if (status && i.status !== status) return false;
    return matchesSearch(i, q);
  });
}

const collator = new Intl.Collator("en", { numeric: true, sensitivity: "base" });

/** Sorted by a column ("instanceID", "displayName", "instanceHost", "status", "startMode"); stable. */
export function sortInstances(list, key = "instanceID", dir = "asc") {
  const sign = dir === "desc" ? -1 : 1;
  return list
    .map((x, i) => [x, i])
    .sort(([a, ia], [b, ib]) => sign * collator.compare(String(a[key] ?? ""), String(b[key] ?? "")) || ia - ib)
    .map(([x]) => x);
}

/** One page of a list: {items, page, pages, from, to, total}; page is 1-based and clamped. */
export function pageOf(list, page, size) {
  const total = list.length;
  const pages = Math.max(1, Math.ceil(total / size));
  const p = Math.min(Math.max(1, Math.floor(Number(page) || 1)), pages);
  const start = (p - 1) * size;
  const items = list.slice(start, start + size);
  return { items, page: p, pages, total, from: total ? start + 1 : 0, to: start + items.length };
}

/** The hosts and start modes that occur, for the filters' choices. */
export function distinct(list, key) {
  return [...new Set(list.map((i) => i[key]).filter((x) => typeof x === "string" && x))].sort(collator.compare);
}

/** The instanceFilter naming exactly these instances (IDs separated by spaces). */
export function instanceFilterFor(ids) {
  return [...ids].join(" ");
}

export const ACTIONS = ["start", "safeMode", "stop", "restart", "freeze", "thaw", "remove"];

// standby: an on-demand instance without a process (docs/instances.md).
const isStopped = (i) => i.status === "stopped" || i.status === "standby" || (i.status === "error" && !i.processID);

/**
 * The instances of a selection an action applies to (the rest are left
 * alone, so one stopped instance in a selection does not make "Stop" fail):
 * start/safeMode: stopped and not disabled; stop: not stopped; restart,
 * freeze: running (freeze: not frozen yet); thaw: frozen; remove: stopped
 * (the server refuses to delete a running instance).
 */
export function targetsOf(action, selected) {
  switch (action) {
    case "start":
    case "safeMode": return selected.filter((i) => isStopped(i) && i.startMode !== "disabled");
    case "stop": return selected.filter((i) => !isStopped(i));
    case "restart": return selected.filter((i) => i.status === "running");
    case "freeze": return selected.filter((i) => i.status === "running" && !i.frozen);
    case "thaw": return selected.filter((i) => i.frozen);
    case "remove": return selected.filter(isStopped);
    default: return [];
  }
}

/** The API function and extra arguments of an action. */
export function actionCall(action, ids) {
  const instanceFilter = instanceFilterFor(ids);
  switch (action) {
    case "start": return { fn: "StartInstances", args: { instanceFilter } };
    case "safeMode": return { fn: "StartInstances", args: { instanceFilter, safeMode: true } };
    case "stop": return { fn: "StopInstances", args: { instanceFilter } };
    case "restart": return { fn: "RestartInstances", args: { instanceFilter } };
    case "freeze": return { fn: "FreezeInstances", args: { instanceFilter } };
    case "thaw": return { fn: "ThawInstances", args: { instanceFilter } };
    case "remove": return { fn: "DeleteInstances", args: { instanceFilter } };
    default: throw new Error("unknown action " + action);
  }
}

/** Actions that ask first: they interrupt users or remove a registration. */
export const CONFIRMED = new Set(["stop", "restart", "freeze", "remove"]);

/**
 * What is wrong with a new instance ID, as a catalogue key, or null.
 * The rule: 3 to 32 characters a-z, 0-9 and '-', starting with a letter;
 * not another instance's ID or alias.
 */
export function instanceIdProblem(id, existing = []) {
  if (!id) return "idEmpty";
  if (!/^[a-z]/.test(id)) return /^[A-Z]/.test(id) ? "idLowerCase" : "idFirstLetter";
  if (/[A-Z]/.test(id)) return "idLowerCase";
  if (!/^[a-z0-9-]+$/.test(id)) return "idCharacters";
  if (id.length < 3) return "idTooShort";
  if (id.length > 32) return "idTooLong";
  if (existing.some((i) => i.instanceID === id)) return "idTaken";
  if (existing.some((i) => i.alias === id)) return "idIsAlias";
  return null;
}

/** What is wrong with an alias (optional): at most 64 of a-z 0-9 - . _, unused. */
export function aliasProblem(alias, id, existing = []) {
  if (!alias) return null;
  if (alias.length > 64) return "aliasTooLong";
  if (!/^[a-z0-9._-]+$/.test(alias)) return "aliasCharacters";
  if (alias === id) return null;  // the same name twice is no clash with another instance
  if (existing.some((i) => i.instanceID === alias || i.alias === alias)) return "aliasTaken";
  return null;
}

/** The base directory a new instance gets when none is given: <host base>/<id>. */
export function defaultBaseDirectory(hostBase, id) {
  if (!hostBase) return null;
  return hostBase.replace(/\/+$/, "") + "/" + (id || "…");
}
