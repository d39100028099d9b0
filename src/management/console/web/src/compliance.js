// The Compliance tab's logic (pages/instance/compliance.jsx; docs/compliance.md):
// the compliance configuration as its form holds it, retention policies as
// their form holds them (with the server's checks, so a refusal is marked at
// the field before the call), and the audit log's filters and pages. Pure
// logic, tested in test/compliance.test.js.

// The event catalogue (src/instancehost/instance/model/audit_events.h: the
// product's names and this project's own), grouped for the checkboxes of
// logSuccessfulUserActivities. The test checks it against the header.
export const EVENT_GROUPS = [
  { group: "cmpGroupSessions", events: ["SessionLogin", "SessionLogout", "SessionLoginFailed", "SessionUnlockWithMfaCode",
                                        "SessionTrustDevice", "CreateClientOneTimeUrlForArchiveAdmin", "ArchiveAdminOneTimeLogin"] },
  { group: "cmpGroupMessages", events: ["MessageSearch", "MessageView", "MessageDownload", "MessageAttachmentDownload",
                                        "MessageExport", "AdminEmailPreview", "FolderMove"] },
  { group: "cmpGroupUsers", events: ["UserAdd", "UserDelete", "UserRename", "UserUpdate", "UserSetPassword", "UserSetMappings",
                                     "UserSetFolderAccess", "UserSetArchiveAdminSetEnabled", "UserInitializeMFA", "UserDisableMFA",
                                     "UserAppPasswordAdd", "UserAppPasswordDelete", "ProfileChangeUserName", "AdminRestored"] },
  { group: "cmpGroupStores", events: ["FileGroupCreate", "FileGroupAttach", "FileGroupDetach", "FileGroupRename",
                                      "FileGroupSetProperties", "FileGroupSetRequestedState", "RecoverStoreStart",
                                      "RecoverStoreFinish", "RebuildSelectedStoreIndexes"] },
  { group: "cmpGroupSettings", events: ["CredentialsAdd", "CredentialsChange", "CredentialsDelete", "DirectoryServicesChangeSettings",
                                        "SmtpChangeSettings", "NotificationSettingsChange", "SetIndexConfiguration"] },
  { group: "cmpGroupCompliance", events: ["ComplianceChangeSettings", "LegalHoldRefused", "RetentionPoliciesUpdate",
                                          "RetentionPoliciesProcessStart", "RetentionPoliciesMessageDelete",
                                          "RetentionPoliciesProcessFinish", "AuditLogTailTruncated"] },
];

export const ALL_EVENTS = EVENT_GROUPS.flatMap((g) => g.events);

/**
 * The groups to show: the catalogue's, plus "other" with names the server
 * listed that the console does not know (a newer server), so none is lost
 * when the form is saved.
 */
export function eventGroupsOf(serverNames = []) {
  const known = new Set(ALL_EVENTS);
  const other = [...new Set(serverNames.filter((n) => !known.has(n)))].sort();
  return other.length ? [...EVENT_GROUPS, { group: "cmpGroupOther", events: other }] : EVENT_GROUPS;
}

/** GetComplianceConfiguration's answer as the form holds it. */
export function configFormOf(c) {
  c = c || {};
  return {
    legalHoldEnabled: !!c.legalHoldEnabled,
    adminEmailPreviewEnabled: !!c.adminEmailPreviewEnabled,
    selected: new Set(Array.isArray(c.logSuccessfulUserActivities) ? c.logSuccessfulUserActivities : []),
  };
}

/** The form's part for SetComplianceConfiguration (legal hold is set on its own). */
export function configOf(form) {
  return {
    adminEmailPreviewEnabled: !!form.adminEmailPreviewEnabled,
    logSuccessfulUserActivities: [...form.selected].sort(),
  };
}

/** The selection with `events` all on (or all off). */
export function withEvents(selected, events, on) {
  const next = new Set(selected);
  for (const e of events) if (on) next.add(e); else next.delete(e);
  return next;
}

/** True when the form differs from what the server answered. */
export function configChanged(form, answered) {
  const a = configOf(configFormOf(answered)), b = configOf(form);
  return a.adminEmailPreviewEnabled !== b.adminEmailPreviewEnabled ||
         a.logSuccessfulUserActivities.join("\n") !== b.logSuccessfulUserActivities.join("\n");
}

// ---- Retention policies ----

export const SCOPE_KINDS = ["allArchives", "users", "folders"];
export const FROM = ["messageDate", "archiveDate"];
export const PERIOD_MAX = { years: 100, months: 1200, days: 36500 };
const MAX_POLICIES = 100;
const MAX_ENTRIES = 1000;

/** Lines of a text box: trimmed, empty ones dropped. */
export function linesOf(text) {
  return String(text || "").split(/\r?\n/).map((s) => s.trim()).filter(Boolean);
}

/** A folder path as the stores normalise it: spaces around "/" and empty parts dropped. */
export function normaliseFolder(path) {
  return String(path).split("/").map((s) => s.trim()).filter(Boolean).join("/");
}

export function emptyPolicyForm() {
  return { name: "", kind: "allArchives", users: "", folders: "", includeSubfolders: true,
           years: "0", months: "0", days: "0", from: "messageDate", action: "delete" };
}

/** A policy of GetRetentionPolicies as the form holds it. */
export function policyFormOf(p) {
  const scope = p.scope || {};
  const period = p.period || {};
  return {
    name: p.name || "",
    kind: SCOPE_KINDS.includes(scope.kind) ? scope.kind : "allArchives",
    users: (scope.users || []).join("\n"),
    folders: (scope.folders || []).join("\n"),
    includeSubfolders: scope.includeSubfolders !== false,
    years: String(period.years ?? 0), months: String(period.months ?? 0), days: String(period.days ?? 0),
    from: FROM.includes(p.from) ? p.from : "messageDate",
    action: "delete",
  };
}

const whole = (s) => (/^\s*\d+\s*$/.test(String(s)) ? Number(s) : NaN);

/** The form as a policy of SetRetentionPolicies' config. */
export function policyOf(form) {
  let scope = { kind: form.kind };
  if (form.kind === "users") scope = { kind: "users", users: linesOf(form.users) };
  if (form.kind === "folders") {
    scope = { kind: "folders", folders: linesOf(form.folders).map(normaliseFolder).filter(Boolean),
              includeSubfolders: !!form.includeSubfolders };
  }
  return {
    name: form.name.trim(),
    scope,
    period: { years: whole(form.years), months: whole(form.months), days: whole(form.days) },
    from: form.from,
    action: "delete",
  };
}

/**
 * What the server would refuse, by field: {name: {key, vars?}, ...}; empty
 * when the form may be saved. `otherNames`: the other policies' names.
 */
export function policyProblems(form, otherNames = []) {
  const out = {};
  const name = form.name.trim();
  if (!name) out.name = { key: "retNameEmpty" };
  else if ([...name].length > 100) out.name = { key: "retNameTooLong" };
  else if (/[\u0000-\u001f\u007f]/.test(form.name)) out.name = { key: "retNameControl" };
  else if (otherNames.some((n) => n.toLowerCase() === name.toLowerCase())) out.name = { key: "retNameTaken" };
  if (form.kind === "users") {
    const users = linesOf(form.users);
    const lower = users.map((u) => u.toLowerCase());
    if (!users.length) out.users = { key: "retUsersEmpty" };
    else if (users.length > MAX_ENTRIES) out.users = { key: "retTooMany", vars: { max: MAX_ENTRIES } };
    else if (users.some((u) => u.includes("/"))) out.users = { key: "retUserSlash" };
    else if (new Set(lower).size !== lower.length) out.users = { key: "retDuplicate", vars: { name: lower.find((u, i) => lower.indexOf(u) !== i) } };
  }
  if (form.kind === "folders") {
    const folders = linesOf(form.folders).map(normaliseFolder).filter(Boolean);
    if (!folders.length) out.folders = { key: "retFoldersEmpty" };
    else if (folders.length > MAX_ENTRIES) out.folders = { key: "retTooMany", vars: { max: MAX_ENTRIES } };
    else if (new Set(folders).size !== folders.length) out.folders = { key: "retDuplicate", vars: { name: folders.find((f, i) => folders.indexOf(f) !== i) } };
  }
  let sum = 0;
  for (const part of ["years", "months", "days"]) {
    const n = whole(form[part]);
    if (!(n >= 0 && n <= PERIOD_MAX[part])) out[part] = { key: "retPeriodRange", vars: { max: PERIOD_MAX[part] } };
    else sum += n;
  }
  if (!out.years && !out.months && !out.days && sum === 0) out.years = { key: "retPeriodZero" };
  return out;
}

/** The policies with `policy` put at `index` (-1: added at the end), or removed when policy is null. */
export function policiesWith(policies, index, policy) {
  const list = [...(policies || [])];
  if (policy === null) list.splice(index, 1);
  else if (index < 0) list.push(policy);
  else list[index] = policy;
  return list;
}

export const canAddPolicy = (policies) => (policies || []).length < MAX_POLICIES;

/** A period for people: its non-zero parts as {key, n} (the page words them). */
export function periodParts(period = {}) {
  return [{ key: "retYears", n: period.years }, { key: "retMonths", n: period.months }, { key: "retDays", n: period.days }]
    .filter(({ n }) => Number(n) > 0);
}

/** The words of each scope kind. */
export const SCOPE_LABELS = { allArchives: { key: "retScopeAll" }, users: { key: "retScopeUsers" }, folders: { key: "retScopeFolders" } };

// ---- The audit log ----

export const AUDIT_PAGE_SIZE = 50;

/** A time of a datetime-local input (local time) as the API's UTC form, "" for none, null when it is no time. */
export function utcOf(local) {
  if (!local) return "";
  const d = new Date(local);
  if (Number.isNaN(d.getTime())) return null;
  return d.toISOString().slice(0, 19) + "Z";
}

/**
 * GetAuditLog's (and ExportAuditLog's) arguments for the filter form:
 * {args, problems}. A page asks for one entry more than it shows, to know
 * whether there is a next page (the function answers no total).
 */
export function auditQuery(filter, page = 1, size = AUDIT_PAGE_SIZE) {
  const problems = {};
  const args = {};
  const from = utcOf(filter.from), to = utcOf(filter.to);
  if (from === null) problems.from = { key: "audTimeInvalid" };
  else if (from) args.fromIncluding = from;
  if (to === null) problems.to = { key: "audTimeInvalid" };
  else if (to) args.toExcluding = to;
  if (from && to && to <= from) problems.to = { key: "audToBeforeFrom" };
  for (const k of ["actor", "event", "object"]) {
    const v = String(filter[k] || "").trim();
    if (v) args[k] = v;
  }
  return { args, problems, paging: { limit: size + 1, offset: (page - 1) * size } };
}

/** The rows of one page and whether another follows. */
export function auditPageOf(rows, page = 1, size = AUDIT_PAGE_SIZE) {
  const list = Array.isArray(rows) ? rows : [];
  const shown = list.slice(0, size);
  const from = shown.length ? (page - 1) * size + 1 : 0;
  return { rows: shown, more: list.length > size, from, to: from ? from + shown.length - 1 : 0 };
}

/** The name of an export's file: audit-<instance>-<UTC time>.jsonl. */
export function exportFileName(instanceID, date = new Date()) {
  const stamp = date.toISOString().slice(0, 19).replace(/[-:]/g, "").replace("T", "-");
  return `audit-${String(instanceID).replace(/[^A-Za-z0-9._-]/g, "_")}-${stamp}.jsonl`;
}
