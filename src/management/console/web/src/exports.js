// The Export tab's logic, free of the DOM: the export connectors and their
// `details` as the instance reads them (src/instancehost/instance/export/
// export_profile.cpp, docs/export.md), an empty form, the form to the
// properties of CreateProfile / RunTemporaryProfile, the checks as typed,
// where a profile writes to in a line, the field a server's message names,
// and the newest worker result of each profile.
import { ARCHIVE_ADMIN, flagOf, textOf, wholeNumber } from "./connectors.js";
import { validDate } from "./profile_checks.js";

/** A profile GetProfiles lists is an export profile ("export"); everything else archives. */
export const isExportProfile = (p) => !!p && p.type === "export";

/** The export connectors (export_profile.cpp kConnectors), in the order the form offers them. */
export const EXPORT_CONNECTORS = [
  { id: "emlDirectory", target: "directory", key: "expConnEml", help: { key: "expConnEmlHelp" } },
  { id: "mbox", target: "directory", key: "expConnMbox", help: { key: "expConnMboxHelp" } },
  { id: "imap", target: "imap", key: "expConnImap", help: { key: "expConnImapHelp" } },
  { id: "smtp", target: "smtp", key: "expConnSmtp", help: { key: "expConnSmtpHelp" } },
];

export const exportConnectorOf = (id) => EXPORT_CONNECTORS.find((c) => c.id === id) || null;

/** The protocols of the server targets; the first is the default (IMAP-SSL, SMTP-TLS). */
export const EXPORT_PROTOCOLS = {
  imap: [{ id: "IMAP-SSL", port: 993, key: "arcSecImplicit" }, { id: "IMAP-TLS", port: 143, key: "arcSecStartTls" },
         { id: "IMAP", port: 143, key: "arcSecPlain" }],
  smtp: [{ id: "SMTP-TLS", port: 587, key: "arcSecStartTls" }, { id: "SMTP-SSL", port: 465, key: "arcSecImplicit" },
         { id: "SMTP", port: 587, key: "arcSecPlain" }],
};

export const SMTP_MODES = [{ id: "asIs", key: "expModeAsIs" }, { id: "attachment", key: "expModeAttachment" }];

export const MAX_EXPORT_FOLDERS = 1000;   // 'details.folders' may name at most 1000 folders
export const MAX_QUERY_BYTES = 4096;      // 'details.query'

const utf8Length = (s) => new TextEncoder().encode(s).length;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

/** An empty form for a connector. */
export function emptyExportForm(connector = "emlDirectory") {
  const c = exportConnectorOf(connector) || EXPORT_CONNECTORS[0];
  return {
    connector: c.id, name: "", owner: ARCHIVE_ADMIN,
    path: "",
    host: "", port: "", protocol: c.target === "smtp" ? "SMTP-TLS" : "IMAP-SSL", userName: "", password: "",
    ignoreSSLPolicyErrors: false, timeout: "", targetFolder: "", keepFolders: true, recipient: "", sender: "", mode: "asIs",
    folders: [], includeSubfolders: true, query: "", fromDate: "", toDate: "", incremental: false,
    automatic: false, pause: "300", windows: "",
  };
}

/** The form with another connector: what both have stays; a protocol the new one lacks becomes its default. */
export function withExportConnector(form, connector) {
  const c = exportConnectorOf(connector);
  if (!c) return form;
  const next = { ...form, connector: c.id };
  const list = EXPORT_PROTOCOLS[c.target];
  if (list && !list.some((p) => p.id === next.protocol)) next.protocol = list[0].id;
  return next;
}

/** The folders of `details.folders` as the instance reads them: a list, or one folder as text. */
export function exportFolders(value) {
  const items = Array.isArray(value) ? value.map(textOf) : value ? [textOf(value)] : [];
  return items.map((s) => s.trim().replace(/\/+$/, "")).filter(Boolean);
}

/** The form of an export profile as GetProfiles (raw=true) lists it; the password is never returned. */
export function formFromExportProfile(p) {
  const f = emptyExportForm(p.connector);
  f.connector = p.connector;
  f.name = textOf(p.name);
  f.owner = textOf(p.owner) || ARCHIVE_ADMIN;
  const d = p.details && typeof p.details === "object" ? p.details : {};
  for (const k of ["path", "host", "userName", "targetFolder", "recipient", "sender", "query", "fromDate", "toDate"]) f[k] = textOf(d[k]);
  f.port = d.port === 0 || d.port === "0" ? "" : textOf(d.port);
  f.timeout = d.timeout === 0 || d.timeout === "0" ? "" : textOf(d.timeout);
  if (d.protocol) f.protocol = textOf(d.protocol) === "SMTPS" ? "SMTP-SSL" : textOf(d.protocol);  // SMTPS: an older name
  if (d.mode) f.mode = textOf(d.mode);
  f.ignoreSSLPolicyErrors = flagOf(d.ignoreSSLPolicyErrors, false);
  f.keepFolders = flagOf(d.keepFolders, true);
  f.folders = exportFolders(d.folders);
  f.includeSubfolders = flagOf(d.includeSubfolders, true);
  f.incremental = flagOf(d.incremental, false);
  const s = p.serverSideExecution && typeof p.serverSideExecution === "object" ? p.serverSideExecution : {};
  f.automatic = flagOf(s.automatic, false);
  f.pause = textOf(s.automaticPauseBetweenExecutions ?? 300);
  f.windows = textOf(s.automaticMaintenanceWindows);
  return f;
}

/**
 * The properties of CreateProfile (or RunTemporaryProfile with `temporary`:
 * no server-side execution, never incremental): type "export", only the
 * details the connector takes (the instance refuses others by name), empty
 * optional ones left out.
 */
export function exportPropertiesFromForm(f, { temporary = false } = {}) {
  const c = exportConnectorOf(f.connector);
  const d = {};
  if (!c || c.target === "directory") {
    d.path = f.path.trim();
  } else {
    d.host = f.host.trim();
    const port = wholeNumber(f.port);
    if (port !== null) d.port = port;
    d.protocol = f.protocol;
    if (f.userName) d.userName = f.userName;
    if (f.password) d.password = f.password;
    d.ignoreSSLPolicyErrors = !!f.ignoreSSLPolicyErrors;
    const timeout = wholeNumber(f.timeout);
    if (timeout !== null && timeout > 0) d.timeout = timeout;
    if (c.target === "imap") {
      if (f.targetFolder.trim()) d.targetFolder = f.targetFolder.trim();
      if (!f.keepFolders) d.keepFolders = false;
    } else {
      d.recipient = f.recipient.trim();
      if (f.sender.trim()) d.sender = f.sender.trim();
      d.mode = f.mode;
    }
  }
  const folders = exportFolders(f.folders);
  if (folders.length) d.folders = folders;
  d.includeSubfolders = !!f.includeSubfolders;
  if (f.query.trim()) d.query = f.query.trim();
  if (f.fromDate.trim()) d.fromDate = f.fromDate.trim();
  if (f.toDate.trim()) d.toDate = f.toDate.trim();
  if (!temporary) d.incremental = !!f.incremental;
  const props = { name: f.name.trim(), type: "export", owner: f.owner || ARCHIVE_ADMIN, connector: f.connector, details: d };
  if (!temporary) {
    const s = { automatic: !!f.automatic };
    const pause = wholeNumber(f.pause);
    if (pause !== null) s.automaticPauseBetweenExecutions = pause;
    if (f.windows.trim()) s.automaticMaintenanceWindows = f.windows.trim();
    props.serverSideExecution = s;
  }
  return props;
}

const mailAddress = (s) => /^[^\s@<>",]+@[^\s@<>",]+$/.test(s);
const numberProblem = (text, min, max, key) => {
  const n = wholeNumber(text);
  return n === null || n < min || n > max ? { key, vars: { min, max } } : null;
};

/** The problems of the form's export fields ({field: {key, vars}}; {} when none); the instance checks again. */
export function exportProblems(f, { temporary = false } = {}) {
  const out = {};
  const c = exportConnectorOf(f.connector);
  const name = f.name.trim();
  if (!name) out.name = { key: "arcNameEmpty" };
  else if (utf8Length(name) > 255) out.name = { key: "arcNameTooLong", vars: { max: 255 } };
  if (!c) {
    out.connector = { key: "arcConnectorUnknown", vars: { connector: f.connector } };
  } else if (c.target === "directory") {
    const p = f.path.trim();
    if (!p) out.path = { key: "arcPathEmpty" };
    else if (!p.startsWith("/")) out.path = { key: "arcPathAbsolute" };
    else if (CONTROL.test(p)) out.path = { key: "arcPathInvalid" };
  } else {
    const host = f.host.trim();
    if (!host) out.host = { key: "arcHostEmpty" };
    else if (host.length > 253 || /[\s/\\]/.test(host) || CONTROL.test(host)) out.host = { key: "arcHostInvalid" };
    if (f.port.trim()) out.port = numberProblem(f.port, 1, 65535, "portInvalid");
    if (f.timeout.trim()) out.timeout = numberProblem(f.timeout, 0, 3600, "arcTimeoutInvalid");
    if (/[\r\n]/.test(f.userName)) out.userName = { key: "arcNoLineBreaks" };
    if (/[\r\n]/.test(f.password)) out.password = { key: "arcNoLineBreaks" };
    if (c.target === "imap") {
      if (!f.userName) out.userName = { key: "arcServerUserEmpty" };
      if (!f.password) out.password = { key: "arcPasswordEmpty" };
      if (CONTROL.test(f.targetFolder)) out.targetFolder = { key: "arcFolderInvalid" };
    } else {
      if (!!f.userName !== !!f.password) out[f.userName ? "password" : "userName"] = { key: "expUserAndPassword" };
      const r = f.recipient.trim(), s = f.sender.trim();
      if (!r) out.recipient = { key: "expRecipientEmpty" };
      else if (!mailAddress(r)) out.recipient = { key: "arcEmailInvalid" };
      if (s && !mailAddress(s)) out.sender = { key: "arcEmailInvalid" };
    }
  }
  const folders = exportFolders(f.folders);
  if (folders.length > MAX_EXPORT_FOLDERS) out.folders = { key: "expTooManyFolders", vars: { max: MAX_EXPORT_FOLDERS } };
  else if (folders.some((x) => CONTROL.test(x) || utf8Length(x) > 1000)) out.folders = { key: "arcFolderInvalid" };
  if (utf8Length(f.query) > MAX_QUERY_BYTES) out.query = { key: "expQueryTooLong", vars: { max: MAX_QUERY_BYTES } };
  if (f.fromDate.trim() && !validDate(f.fromDate.trim())) out.fromDate = { key: "expDateInvalid" };
  if (f.toDate.trim() && !validDate(f.toDate.trim())) out.toDate = { key: "expDateInvalid" };
  else if (!out.fromDate && f.fromDate.trim() && f.toDate.trim() && f.toDate.trim() <= f.fromDate.trim()) {
    out.toDate = { key: "expDateOrder" };
  }
  if (!temporary) {
    if (f.automatic || String(f.pause).trim()) out.pause = numberProblem(f.pause, 0, 2147483647, "arcPauseInvalid");
  }
  for (const k of Object.keys(out)) if (!out[k]) delete out[k];
  return out;
}

/** Where an export profile writes to, in a line: the directory, user@host:port, or the recipient via host. */
export function exportTargetOf(p) {
  const d = (p && p.details) || {};
  const c = exportConnectorOf(p && p.connector);
  if (!c || c.target === "directory") return textOf(d.path);
  const port = textOf(d.port);
  const server = `${textOf(d.host)}${port && port !== "0" ? ":" + port : ""}`;
  if (c.target === "imap") {
    return `${d.userName ? textOf(d.userName) + "@" : ""}${server}${d.targetFolder ? " · " + textOf(d.targetFolder) : ""}`;
  }
  return `${textOf(d.recipient)} · ${server}`;
}

/** What a profile exports, as {folders, subfolders, query, from, to, incremental} for the list. */
export function exportSelectionOf(p) {
  const d = (p && p.details) || {};
  return { folders: exportFolders(d.folders), subfolders: flagOf(d.includeSubfolders, true), query: textOf(d.query),
           from: textOf(d.fromDate), to: textOf(d.toDate), incremental: flagOf(d.incremental, false) };
}

// The form's fields the instance's messages name: 'details.path' -> path, 'properties.name' -> name.
const FIELD_OF = { "properties.name": "name", "properties.owner": "owner", "properties.connector": "connector" };
const FORM_FIELDS = ["path", "host", "port", "protocol", "userName", "password", "timeout", "targetFolder", "recipient",
                     "sender", "mode", "folders", "includeSubfolders", "query", "fromDate", "toDate", "incremental",
                     "ignoreSSLPolicyErrors", "keepFolders"];

/** The form field an error message of the instance names first ('details.path' ...), or null. */
export function fieldOfMessage(message) {
  for (const m of String(message || "").matchAll(/'((?:properties|details)\.[A-Za-z]+)'/g)) {
    if (FIELD_OF[m[1]]) return FIELD_OF[m[1]];
    const key = m[1].replace(/^(properties\.)?details\./, "");
    if (FORM_FIELDS.includes(key)) return key;
    if (m[1] === "properties.details") return null;
  }
  return null;
}

/** The newest worker result of each profile id (GetWorkerResults' entries), as a Map. */
export function lastResults(results) {
  const out = new Map();
  const time = (r) => { const n = Date.parse(r.startTime || ""); return Number.isFinite(n) ? n : 0; };
  for (const r of results || []) {
    if (!r || !r.profileId) continue;
    const had = out.get(r.profileId);
    if (!had || time(r) > time(had) || (time(r) === time(had) && r.id > had.id)) out.set(r.profileId, r);
  }
  return out;
}

/** The instance's folders from GetFolderStatistics ([{folder, ...}]) and those above them, sorted, for the folder picker. */
export function folderChoices(stats) {
  const list = Array.isArray(stats) ? stats : [];
  const all = new Set();
  for (const s of list) {
    if (!s || typeof s.folder !== "string" || !s.folder) continue;
    const parts = s.folder.split("/");
    for (let i = 1; i <= parts.length; i++) all.add(parts.slice(0, i).join("/"));  // with the folders above
  }
  return [...all]
    .sort((a, b) => a.localeCompare(b, "en", { numeric: true, sensitivity: "base" }));
}
