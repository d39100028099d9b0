// The checks an archiving profile's form gets as the user types, the
// server's rules (profile_sources.cpp, profile_properties.cpp,
// model/profiles.cpp, profile_scheduler.cpp); the server checks again.
// Checks return {key, vars} (a catalogue key and its placeholders) or null.
import { ARCHIVE_ADMIN, MAX_DELETE_DAYS, MAX_FOLDER_BYTES, MAX_NAME_BYTES, MAX_PAUSE, MAX_TIMEOUT, MAX_WINDOWS_CHARS,
         connectorOf, wholeNumber } from "./connectors.js";

const utf8Length = (s) => new TextEncoder().encode(s).length;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

const sameName = (a, b) => String(a).toLowerCase() === String(b).toLowerCase();

/**
 * A folder in a user's archive (profile_sources.cpp userFolder): its
 * first level names an existing user (not $archiveadmin). `users`: the
 * user names, or null when they are not known (then only the form is checked).
 */
export function userFolderProblem(value, users, required) {
  const v = String(value || "").trim();
  if (!v) return required ? { key: "arcTargetEmpty" } : null;
  if (CONTROL.test(v)) return { key: "arcFolderInvalid" };
  const parts = v.split("/").map((p) => p.trim()).filter(Boolean);
  if (!parts.length) return { key: "arcTargetEmpty" };
  if (utf8Length(parts.join("/")) > MAX_FOLDER_BYTES) return { key: "arcFolderTooLong", vars: { max: MAX_FOLDER_BYTES } };
  const user = parts[0];
  if (sameName(user, ARCHIVE_ADMIN) || (users && !users.some((u) => sameName(u, user)))) {
    return { key: "arcFolderNoUser", vars: { user } };
  }
  return null;
}

/** "22:00-04:00", several separated by , or ; (profile_scheduler.cpp windowsOf). */
export function windowsValid(text) {
  const minute = (s) => {
    const m = /^(\d\d):(\d\d)$/.exec(s);
    return m && Number(m[1]) <= 23 && Number(m[2]) <= 59;
  };
  return String(text || "").split(/[,;]/).every((w) => {
    const x = w.replace(/ /g, "");
    if (!x) return true;
    const dash = x.indexOf("-");
    return dash > 0 && minute(x.slice(0, dash)) && minute(x.slice(dash + 1));
  });
}

// `problem`: {key} of the catalogue, given its limits as {min} and {max}.
function numberProblem(text, min, max, problem) {
  const n = wholeNumber(text);
  return n === null || n < min || n > max ? { ...problem, vars: { min, max } } : null;
}

/** Only the checks of the automation (the form's last part and the Automatic runs dialog). */
export function serverSideProblems(f) {
  const out = {};
  if (f.automatic || String(f.pause).trim()) {
    out.pause = numberProblem(f.pause, 0, MAX_PAUSE, { key: "arcPauseInvalid" });
  }
  if (f.windows.length > MAX_WINDOWS_CHARS) out.windows = { key: "arcWindowsTooLong", vars: { max: MAX_WINDOWS_CHARS } };
  else if (!windowsValid(f.windows)) out.windows = { key: "arcWindowsInvalid" };
  for (const k of Object.keys(out)) if (!out[k]) delete out[k];
  return out;
}

export function validDate(s) {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.getUTCFullYear() === Number(m[1]) && d.getUTCMonth() === Number(m[2]) - 1 && d.getUTCDate() === Number(m[3]);
}

/**
 * The problems of a form, field by field ({} when none); the server checks
 * again. users: the instance's user names or null; temporary: a one-off
 * run (no automation).
 */
export function profileProblems(f, { users = null, temporary = false } = {}) {
  const out = {};
  const c = connectorOf(f.connector);
  const name = f.name.trim();
  if (!name) out.name = { key: "arcNameEmpty" };
  else if (utf8Length(name) > MAX_NAME_BYTES) out.name = { key: "arcNameTooLong", vars: { max: MAX_NAME_BYTES } };
  if (users && !sameName(f.owner, ARCHIVE_ADMIN) && !users.some((u) => sameName(u, f.owner))) {
    out.owner = { key: "arcOwnerUnknown", vars: { user: f.owner } };
  }
  if (!c) {
    out.connector = { key: "arcConnectorUnknown", vars: { connector: f.connector } };
  } else if (c.source === "files") {
    const p = f.path.trim();
    if (!p) out.path = { key: "arcPathEmpty" };
    else if (!p.startsWith("/")) out.path = { key: "arcPathAbsolute" };
    else if (CONTROL.test(p)) out.path = { key: "arcPathInvalid" };
    out.targetUserFolder = userFolderProblem(f.targetUserFolder, users, true);
  } else {
    const host = f.host.trim();
    if (!host) out.host = { key: "arcHostEmpty" };
    else if (host.length > 253 || /[\s/\\]/.test(host) || CONTROL.test(host)) out.host = { key: "arcHostInvalid" };
    if (f.port.trim()) out.port = numberProblem(f.port, 1, 65535, { key: "portInvalid" });
    if (!f.userName) out.userName = { key: "arcServerUserEmpty" };
    else if (/[\r\n]/.test(f.userName)) out.userName = { key: "arcNoLineBreaks" };
    if (!f.password) out.password = { key: "arcPasswordEmpty" };
    else if (/[\r\n]/.test(f.password)) out.password = { key: "arcNoLineBreaks" };
    if (f.timeout.trim()) out.timeout = numberProblem(f.timeout, 0, MAX_TIMEOUT, { key: "arcTimeoutInvalid" });
    if (f.emailAddress.trim() && !f.emailAddress.includes("@")) out.emailAddress = { key: "arcEmailInvalid" };
    if (c.multidrop) out.unknownRecipientsFolder = userFolderProblem(f.unknownRecipientsFolder, users, false);
    else out.targetUserFolder = userFolderProblem(f.targetUserFolder, users, true);
    if (c.source === "imap") {
      if (f.since.trim() && !validDate(f.since.trim())) out.since = { key: "arcSinceInvalid" };
      if (f.deleteAfterArchive === "afterDays") {
        out.deleteAfterDays = numberProblem(f.deleteAfterDays, 1, MAX_DELETE_DAYS, { key: "arcDeleteDaysInvalid" });
      }
    }
  }
  if (!temporary) Object.assign(out, serverSideProblems(f));
  for (const k of Object.keys(out)) if (!out[k]) delete out[k];
  return out;
}
