// The Archiving tab's form of a profile, free of the DOM: an empty form
// for a connector, the form with another connector, the form from a
// profile as GetProfiles (raw=true) shows it, and a profile's properties
// for CreateProfile / RunTemporaryProfile and the arguments of
// SetProfileServerSideExecution built from the form.
import { ARCHIVE_ADMIN, CONNECTORS, DEFAULT_PAUSE, DELETE_MODES, PROTOCOLS, connectorOf, flagOf, folderList, textOf,
         wholeNumber } from "./connectors.js";

// The rest of the Archiving tab's logic, re-exported here where its pages
// import it: the connectors and how the server reads their values
// (connectors.js), the checks as typed (profile_checks.js), and the lists
// of profiles, worker results and a report's entries (archiving_lists.js).
export { ARCHIVE_ADMIN, CONNECTORS, DEFAULT_PAUSE, DELETE_MODES, MAX_DELETE_DAYS, MAX_FOLDER_BYTES, MAX_NAME_BYTES,
         MAX_PAUSE, MAX_TIMEOUT, MAX_WINDOWS_CHARS, PROTOCOLS, connectorOf, defaultPort, flagOf, folderList } from "./connectors.js";
export { profileProblems, serverSideProblems, userFolderProblem, windowsValid } from "./profile_checks.js";
export { RANGES, RESULTS, ZONE_STORAGE_KEY, durationText, filterProfiles, parseZoneChoice, rangeArgs, rangeProblem, readReport,
         resultInfo, runSeconds, searchLines, sortResults, sourceOf, targetOf, utcText, zoneFormatter, zoneIana } from "./archiving_lists.js";

/** An empty form for a connector. */
export function emptyForm(connector = "emlDirectory") {
  const c = connectorOf(connector) || CONNECTORS[0];
  const server = c.source === "files" ? "imap" : c.source;
  return {
    connector: c.id, name: "", owner: ARCHIVE_ADMIN,
    path: "", includeSubfolders: true, targetUserFolder: "",
    host: "", port: "", protocol: PROTOCOLS[server][0].id, userName: "", password: "", ignoreSSLPolicyErrors: false,
    timeout: "", emailAddress: "", includeFolders: "", excludeFolders: "", archiveUnread: true, since: "",
    deleteAfterArchive: "false", deleteAfterDays: "", unknownRecipientsFolder: "",
    automatic: false, pause: String(DEFAULT_PAUSE), windows: "",
  };
}

/** The form with another connector: what both have stays; a protocol or delete mode the new one lacks is reset. */
export function withConnector(form, connector) {
  const c = connectorOf(connector);
  if (!c) return form;
  const next = { ...form, connector: c.id };
  if (c.source !== "files") {
    if (!PROTOCOLS[c.source].some((p) => p.id === next.protocol)) {
      // The same security with the other protocol family (IMAP-TLS -> POP3-TLS).
      const i = PROTOCOLS[c.source === "imap" ? "pop3" : "imap"].findIndex((p) => p.id === next.protocol);
      next.protocol = PROTOCOLS[c.source][Math.max(0, i)].id;
    }
    if (!DELETE_MODES[c.source].some((m) => m.id === next.deleteAfterArchive)) next.deleteAfterArchive = "false";
  }
  return next;
}

/**
 * The form of a profile as GetProfiles (raw=true) lists it. Values in
 * `details` may be strings ("1", "993"), as MailStore's clients send them.
 * The password is never returned, so the form's is empty.
 */
export function formFromProfile(p) {
  const f = emptyForm(p.connector);
  f.connector = p.connector;  // kept even when this console does not know it
  f.name = textOf(p.name);
  f.owner = textOf(p.owner) || ARCHIVE_ADMIN;
  const d = p.details && typeof p.details === "object" ? p.details : {};
  f.path = textOf(d.path);
  f.includeSubfolders = flagOf(d.includeSubfolders, true);
  f.targetUserFolder = textOf(d.targetUserFolder);
  f.host = textOf(d.host);
  f.port = d.port === 0 || d.port === "0" ? "" : textOf(d.port);
  if (d.protocol) f.protocol = textOf(d.protocol);
  f.userName = textOf(d.userName);
  f.ignoreSSLPolicyErrors = flagOf(d.ignoreSSLPolicyErrors, false);
  f.timeout = d.timeout === 0 || d.timeout === "0" ? "" : textOf(d.timeout);
  f.emailAddress = textOf(d.emailAddress);
  f.includeFolders = folderList(d.includeFolders).join("\n");
  f.excludeFolders = folderList(d.excludeFolders).join("\n");
  f.archiveUnread = flagOf(d.archiveUnread, true);
  f.since = textOf(d.since);
  const del = d.deleteAfterArchive;
  f.deleteAfterArchive = del === "afterDays" ? "afterDays" : flagOf(del, false) ? "true" : "false";
  f.deleteAfterDays = textOf(d.deleteAfterDays);
  f.unknownRecipientsFolder = textOf(d.unknownRecipientsFolder);
  const s = p.serverSideExecution && typeof p.serverSideExecution === "object" ? p.serverSideExecution : {};
  f.automatic = flagOf(s.automatic, false);
  f.pause = textOf(s.automaticPauseBetweenExecutions ?? DEFAULT_PAUSE);
  f.windows = textOf(s.automaticMaintenanceWindows);
  return f;
}

/** serverSideExecution of CreateProfile from the form. */
export function serverSideFromForm(f) {
  const s = { automatic: !!f.automatic };
  const pause = wholeNumber(f.pause);
  if (pause !== null) s.automaticPauseBetweenExecutions = pause;
  if (f.windows.trim()) s.automaticMaintenanceWindows = f.windows.trim();
  return s;
}

/**
 * The arguments of SetProfileServerSideExecution (besides instanceID):
 * the pause and windows are sent when switching off too, so they are kept.
 */
export function serverSideArgs(id, f) {
  const s = serverSideFromForm(f);
  return { id, automatic: s.automatic, automaticPauseBetweenExecutions: s.automaticPauseBetweenExecutions,
           automaticMaintenanceWindows: s.automaticMaintenanceWindows };
}

/**
 * The properties of CreateProfile (or RunTemporaryProfile with
 * `temporary`, which has no server-side execution): only the details the
 * connector takes (the server refuses others by name), JSON types, empty
 * optional ones left out.
 */
export function propertiesFromForm(f, { temporary = false } = {}) {
  const c = connectorOf(f.connector);
  const details = {};
  if (!c || c.source === "files") {
    details.path = f.path.trim();
    details.targetUserFolder = f.targetUserFolder.trim();
    details.includeSubfolders = !!f.includeSubfolders;
  } else {
    details.host = f.host.trim();
    const port = wholeNumber(f.port);
    if (port !== null) details.port = port;
    details.protocol = f.protocol;
    details.userName = f.userName;
    if (f.password) details.password = f.password;
    details.ignoreSSLPolicyErrors = !!f.ignoreSSLPolicyErrors;
    const timeout = wholeNumber(f.timeout);
    if (timeout !== null && timeout > 0) details.timeout = timeout;
    if (f.emailAddress.trim()) details.emailAddress = f.emailAddress.trim();
    if (c.multidrop) {
      if (f.unknownRecipientsFolder.trim()) details.unknownRecipientsFolder = f.unknownRecipientsFolder.trim();
    } else {
      details.targetUserFolder = f.targetUserFolder.trim();
    }
    if (c.source === "imap") {
      const include = folderList(f.includeFolders), exclude = folderList(f.excludeFolders);
      if (include.length) details.includeFolders = include;
      if (exclude.length) details.excludeFolders = exclude;
      details.archiveUnread = !!f.archiveUnread;
      if (f.since.trim()) details.since = f.since.trim();
      if (f.deleteAfterArchive === "afterDays") {
        details.deleteAfterArchive = "afterDays";
        details.deleteAfterDays = wholeNumber(f.deleteAfterDays);
      } else {
        details.deleteAfterArchive = f.deleteAfterArchive === "true";
      }
    } else {
      details.deleteAfterArchive = f.deleteAfterArchive === "true";
    }
  }
  const props = { name: f.name.trim(), type: "archive", owner: f.owner || ARCHIVE_ADMIN, connector: f.connector, details };
  if (!temporary) props.serverSideExecution = serverSideFromForm(f);
  return props;
}
