// An instance's SMTP settings (GetSmtpSettings / SetSmtpSettings) as the
// E-mail tab's form holds them, and back. Pure logic, tested in
// test/email.test.js.
//
// The password is never answered (null): the form starts empty; empty keeps
// the stored one (left out of the call), "clear" sends "" (the server
// clears it), anything typed is sent.

export const SMTP_PROTOCOLS = ["SMTP-TLS", "SMTP-SSL", "SMTP"];

/** A protocol as the forms show it: "SMTPS" (the name older settings may hold) is SMTP-SSL; unknown is SMTP-TLS. */
export function smtpProtocolOf(p) {
  if (p === "SMTPS") return "SMTP-SSL";
  return SMTP_PROTOCOLS.includes(p) ? p : "SMTP-TLS";
}

export function smtpFormOf(s) {
  s = s || {};
  return {
    hostname: s.hostname || "",
    port: String(s.port ?? 587),
    protocol: smtpProtocolOf(s.protocol),
    ignoreSslPolicyErrors: !!s.ignoreSslPolicyErrors,
    authenticationRequired: !!s.authenticationRequired,
    username: s.username || "",
    password: "",
    clearPassword: false,
    fromDisplayName: s.fromDisplayName || "",
    fromEmailAddress: s.fromEmailAddress || "",
    recipients: (Array.isArray(s.recipientEmailAddresses) ? s.recipientEmailAddresses : []).join("\n"),
    timeoutSeconds: String(s.timeoutSeconds ?? 30),
  };
}

/** The recipients typed one per line (or separated by commas or semicolons). */
export function recipientList(text) {
  return String(text || "").split(/[\n,;]+/).map((r) => r.trim()).filter(Boolean);
}

const ADDRESS = /^[^\s@<>(),;:"\\[\]]+@[A-Za-z0-9.-]+\.[A-Za-z0-9-]+$/;

/** Field -> what is wrong (catalogue key "emlProblem_" + it), for the fields the server would refuse. */
export function smtpProblems(f) {
  const p = {};
  const host = f.hostname.trim();
  if (host && !/^[A-Za-z0-9._:-]+$/.test(host)) p.hostname = "hostInvalid";
  if (!/^\d+$/.test(f.port.trim()) || +f.port < 1 || +f.port > 65535) p.port = "portInvalid";
  if (!/^\d+$/.test(f.timeoutSeconds.trim()) || +f.timeoutSeconds < 1 || +f.timeoutSeconds > 300) {
    p.timeoutSeconds = "timeoutInvalid";
  }
  if (host && !f.fromEmailAddress.trim()) p.fromEmailAddress = "fromMissing";
  else if (f.fromEmailAddress.trim() && !ADDRESS.test(f.fromEmailAddress.trim())) p.fromEmailAddress = "addressInvalid";
  if (f.authenticationRequired && host && !f.username.trim()) p.username = "userMissing";
  const list = recipientList(f.recipients);
  if (list.length > 20) p.recipients = "tooManyRecipients";
  else if (list.some((r) => !ADDRESS.test(r))) p.recipients = "addressInvalid";
  return p;
}

/** The `settings` argument of SetSmtpSettings. */
export function smtpSettingsOf(f) {
  const s = {
    hostname: f.hostname.trim(),
    port: Number(f.port),
    protocol: f.protocol,
    ignoreSslPolicyErrors: f.ignoreSslPolicyErrors,
    authenticationRequired: f.authenticationRequired,
    username: f.username.trim(),
    fromDisplayName: f.fromDisplayName.trim(),
    fromEmailAddress: f.fromEmailAddress.trim(),
    recipientEmailAddresses: recipientList(f.recipients),
    timeoutSeconds: Number(f.timeoutSeconds),
  };
  if (f.clearPassword) s.password = "";
  else if (f.password) s.password = f.password;
  return s;
}

// ---------------------------------------------------------------- notifications and the status report

/** The kinds of notification mail (GetNotificationSettings / SetNotificationSettings), in the order shown. */
export const NOTIFICATION_KINDS = ["archivingFailed", "archivingWarnings", "jobFailed", "storeError", "indexRebuild"];

/** The answer of GetNotificationSettings as {kind: bool} for every kind (unknown keys dropped). */
export function notificationsOf(s) {
  const out = {};
  for (const k of NOTIFICATION_KINDS) out[k] = !!(s && s[k]);
  return out;
}

/** SendStatusReport's time spans (docs/configuration.md, status reports). */
export const REPORT_SPANS = ["today", "yesterday", "thisweek", "lastweek", "thismonth", "lastmonth"];

/**
 * SendStatusReport's arguments, or {problem} ("emlProblem_" + it) for
 * recipients the server would refuse. Empty recipients: the SMTP settings'.
 */
export function reportArgs(instanceID, { timespan, timeZoneId, recipients }) {
  const list = recipientList(recipients);
  if (list.length > 50) return { problem: "tooManyReportRecipients" };
  if (list.some((r) => !ADDRESS.test(r))) return { problem: "addressInvalid" };
  const args = { instanceID, timespan, timeZoneId: timeZoneId || "$Local" };
  if (list.length) args.recipients = list.join(", ");
  return { args };
}
