// An instance's Directory tab, free of the DOM (pages/instance/directory.jsx):
// the configuration of GetDirectoryServicesConfiguration as the form holds it
// and back (SetDirectoryServicesConfiguration), the checks made as typed, and
// the result of SyncUsersWithDirectoryServices as lists to show.
//
// The shapes are those of docs/directory-services.md: the password is never
// returned (null); sent, a string sets it, "" clears it, left out keeps it.
// The form keeps every field whatever the type, and Save sends them all, so
// switching the type back and forth loses nothing typed. Set replaces the
// whole configuration, so the form also keeps the configuration it read
// (`stored`) and sends back unchanged every field it does not edit (the
// stored-only fields: credentialId, redirectUrl, openId*, …): a save from the
// console never resets a field it does not show.
//
// The checks return {key} of the catalogue (or null); the page shows t(key, params).

export const TYPES = ["none", "activeDirectory", "genericLdap", "office365OpenIDConnect", "office365", "googleWorkspace"];
/** Types the archive reads over LDAP itself. */
export const LDAP_TYPES = ["activeDirectory", "genericLdap"];
/** Types that are stored, but whose sync needs a cloud connection this platform does not have. */
export const CLOUD_TYPES = ["office365OpenIDConnect", "office365", "googleWorkspace"];
export const PROTOCOLS = ["LDAP", "LDAP-StartTLS", "LDAPS"];
export const AUTHENTICATION_TYPES = ["standardAuthentication", "anonymous"];
export const USER_NAME_FORMATS = ["samAccountName", "userPrincipalName"];

export const isLdapType = (type) => LDAP_TYPES.includes(type);
export const isCloudType = (type) => CLOUD_TYPES.includes(type);

/** What an empty or partial configuration means (the server's defaults). */
export const DEFAULTS = {
  type: "none", serverName: "", port: 0, protocol: "LDAP", ignoreSslPolicyErrors: false,
  authenticationType: "standardAuthentication", userName: "", baseDN: "", groups: [],
  enabledUsersOnly: true, deleteUsers: false, timeoutSeconds: 15, caCertificates: "",
  userNameFormat: "samAccountName", microsoftExchangeUsersOnly: false,
  userFilter: "(objectClass=inetOrgPerson)", userNameAttribute: "uid", fullNameAttribute: "cn",
  emailAttributes: ["mail"], groupMemberAttribute: "member", disabledFilter: "",
  usersVisibleInAddressListsOnly: false,
};

/** The port a protocol uses when the port is 0. */
export const defaultPort = (protocol) => (protocol === "LDAPS" ? 636 : 389);

const pick = (value, allowed, fallback) => (allowed.includes(value) ? value : fallback);
const str = (v, fallback = "") => (typeof v === "string" ? v : v == null ? fallback : String(v));
const list = (v, fallback) => (Array.isArray(v) ? v.map((x) => str(x)).filter(Boolean) : fallback);
const bool = (v, fallback) => (typeof v === "boolean" ? v : fallback);

/** The form's state from what GetDirectoryServicesConfiguration answered (null: nothing stored yet). */
export function formOf(config) {
  const c = config && typeof config === "object" && !Array.isArray(config) ? config : {};
  const d = DEFAULTS;
  const { password, ...stored } = c;  // eslint-disable-line no-unused-vars
  return {
    stored,
    type: pick(c.type, TYPES, d.type),
    serverName: str(c.serverName),
    port: c.port ? String(c.port) : "",
    protocol: pick(c.protocol, PROTOCOLS, d.protocol),
    ignoreSslPolicyErrors: bool(c.ignoreSslPolicyErrors, d.ignoreSslPolicyErrors),
    authenticationType: pick(c.authenticationType, AUTHENTICATION_TYPES, d.authenticationType),
    userName: str(c.userName),
    password: "",
    clearPassword: false,
    baseDN: str(c.baseDN),
    groups: list(c.groups, d.groups).join("\n"),
    enabledUsersOnly: bool(c.enabledUsersOnly, d.enabledUsersOnly),
    deleteUsers: bool(c.deleteUsers, d.deleteUsers),
    timeoutSeconds: String(c.timeoutSeconds || d.timeoutSeconds),
    caCertificates: str(c.caCertificates),
    userNameFormat: pick(c.userNameFormat, USER_NAME_FORMATS, d.userNameFormat),
    microsoftExchangeUsersOnly: bool(c.microsoftExchangeUsersOnly, d.microsoftExchangeUsersOnly),
    userFilter: str(c.userFilter, d.userFilter),
    userNameAttribute: str(c.userNameAttribute, d.userNameAttribute),
    fullNameAttribute: str(c.fullNameAttribute, d.fullNameAttribute),
    emailAttributes: list(c.emailAttributes, d.emailAttributes).join(", "),
    groupMemberAttribute: str(c.groupMemberAttribute, d.groupMemberAttribute),
    disabledFilter: str(c.disabledFilter),
    usersVisibleInAddressListsOnly: bool(c.usersVisibleInAddressListsOnly, d.usersVisibleInAddressListsOnly),
  };
}

/** Groups (DNs, or names for the cloud types), one a line (a DN has commas of its own). */
export const groupsOf = (text) => String(text ?? "").split(/\r?\n/).map((s) => s.trim()).filter(Boolean);
/** Attribute names separated by commas or spaces. */
export const attributesOf = (text) => String(text ?? "").split(/[\s,;]+/).map((s) => s.trim()).filter(Boolean);

/**
 * The object SetDirectoryServicesConfiguration takes. The password: typed,
 * it is set; "clear" chosen, "" deletes the stored one; otherwise it is left
 * out and the stored one stays. Every other field of the configuration read
 * (form.stored) goes back as it was.
 */
export function configOf(form) {
  const f = form;
  const kept = f.stored && typeof f.stored === "object" ? f.stored : {};
  const c = {
    ...kept,
    type: f.type,
    serverName: f.serverName.trim(),
    port: f.port.trim() ? Number(f.port.trim()) : 0,
    protocol: f.protocol,
    ignoreSslPolicyErrors: f.ignoreSslPolicyErrors,
    authenticationType: f.authenticationType,
    userName: f.userName.trim(),
    baseDN: f.baseDN.trim(),
    groups: groupsOf(f.groups),
    enabledUsersOnly: f.enabledUsersOnly,
    deleteUsers: f.deleteUsers,
    timeoutSeconds: Number(f.timeoutSeconds.trim() || DEFAULTS.timeoutSeconds),
    caCertificates: f.caCertificates.trim(),
    userNameFormat: f.userNameFormat,
    microsoftExchangeUsersOnly: f.microsoftExchangeUsersOnly,
    userFilter: f.userFilter.trim(),
    userNameAttribute: f.userNameAttribute.trim(),
    fullNameAttribute: f.fullNameAttribute.trim(),
    emailAttributes: attributesOf(f.emailAttributes),
    groupMemberAttribute: f.groupMemberAttribute.trim(),
    disabledFilter: f.disabledFilter.trim(),
    usersVisibleInAddressListsOnly: f.usersVisibleInAddressListsOnly,
  };
  delete c.password;
  if (f.clearPassword) c.password = "";
  else if (f.password) c.password = f.password;
  return c;
}

/** The configuration without its password, for the task window and logs. */
export function withoutPassword(config) {
  const { password, ...rest } = config;  // eslint-disable-line no-unused-vars
  return rest;
}

/** True when the form differs from what is stored (a typed or cleared password counts). */
export function formChanged(form, stored) {
  if (form.password || form.clearPassword) return true;
  const a = withoutPassword(configOf(form));
  const b = withoutPassword(configOf(formOf(stored)));
  return JSON.stringify(a) !== JSON.stringify(b);
}

const encoder = new TextEncoder();
const bytes = (s) => encoder.encode(String(s ?? "")).length;

/** A host name or address as LDAP takes it: no scheme, no port, no spaces. */
export function serverProblem(text) {
  const s = String(text ?? "").trim();
  if (!s) return { key: "dirProblemServerEmpty" };
  if (/^[a-z]+:\/\//i.test(s)) return { key: "dirProblemServerScheme" };
  if (bytes(s) > 253) return { key: "dirProblemTooLong", params: { max: 253 } };
  if (!/^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._-]+)$/.test(s)) return { key: "dirProblemServerInvalid" };
  return null;
}

/** Empty (the protocol's port) or 1..65535. */
export function portProblem(text) {
  const s = String(text ?? "").trim();
  if (!s) return null;
  if (!/^\d+$/.test(s) || Number(s) < 1 || Number(s) > 65535) return { key: "dirProblemPort" };
  return null;
}

export function timeoutProblem(text) {
  const s = String(text ?? "").trim();
  if (!s) return null;
  if (!/^\d+$/.test(s) || Number(s) < 1 || Number(s) > 300) return { key: "dirProblemTimeout" };
  return null;
}

/** An LDAP filter as RFC 4515 writes it: in parentheses, balanced. Empty is fine when `optional`. */
export function filterProblem(text, optional) {
  const s = String(text ?? "").trim();
  if (!s) return optional ? null : { key: "dirProblemFilterEmpty" };
  if (bytes(s) > 2000) return { key: "dirProblemTooLong", params: { max: 2000 } };
  if (!s.startsWith("(") || !s.endsWith(")")) return { key: "dirProblemFilter" };
  let depth = 0;
  for (let i = 0; i < s.length; i += 1) {
    if (s[i] === "\\") { i += 2; continue; }  // \XX: an escaped character
    if (s[i] === "(") depth += 1;
    else if (s[i] === ")") { depth -= 1; if (depth < 0) return { key: "dirProblemFilter" }; }
  }
  return depth === 0 ? null : { key: "dirProblemFilter" };
}

/** An attribute's name (RFC 4512: a letter, then letters, digits and '-') or its OID. */
export function attributeProblem(text) {
  const s = String(text ?? "").trim();
  if (!s) return { key: "dirProblemAttributeEmpty" };
  if (s.length > 64) return { key: "dirProblemTooLong", params: { max: 64 } };
  return /^([A-Za-z][A-Za-z0-9-]*|[0-9]+(\.[0-9]+)+)$/.test(s) ? null : { key: "dirProblemAttribute", params: { name: s } };
}

export function attributesProblem(text) {
  const names = attributesOf(text);
  if (!names.length) return { key: "dirProblemAttributeEmpty" };
  if (names.length > 10) return { key: "dirProblemAttributeCount" };
  for (const n of names) {
    const p = attributeProblem(n);
    if (p) return p;
  }
  return null;
}

/** A DN: no more than the instance keeps (1,000 bytes), no line breaks. */
export function dnProblem(text, required) {
  const s = String(text ?? "").trim();
  if (!s) return required ? { key: "dirProblemBaseDnEmpty" } : null;
  if (bytes(s) > 1000) return { key: "dirProblemTooLong", params: { max: 1000 } };
  return s.includes("=") ? null : { key: "dirProblemDn" };
}

/** PEM certificates (empty: the system's trusted ones), at most 7,000 bytes. */
export function caProblem(text) {
  const s = String(text ?? "").trim();
  if (!s) return null;
  if (bytes(s) > 6999) return { key: "dirProblemTooLong", params: { max: 7000 } };
  return s.includes("-----BEGIN CERTIFICATE-----") ? null : { key: "dirProblemCa" };
}

/** A cloud directory's group (name, address or object ID): 1 … 1,000 bytes, no control characters. */
export function groupNameProblem(text) {
  const s = String(text ?? "");
  if (!s) return { key: "dirProblemGroupName", params: { name: s } };
  if (bytes(s) > 1000) return { key: "dirProblemTooLong", params: { max: 1000 } };
  // eslint-disable-next-line no-control-regex
  return /[\u0000-\u001f\u007f]/.test(s) ? { key: "dirProblemGroupName", params: { name: s.replace(/[\u0000-\u001f\u007f]/g, "?") } } : null;
}

/**
 * The groups, one a line: DNs for the LDAP types, names for the cloud types
 * (which name their groups, so a name is not checked as a DN); at most 100.
 */
export function groupsProblem(text, type = "activeDirectory") {
  const cloud = isCloudType(type);
  const groups = groupsOf(text);
  for (const g of groups) {
    if (cloud) {
      const p = groupNameProblem(g);
      if (p) return p;
      continue;
    }
    const p = dnProblem(g, false);
    if (p) return p.key === "dirProblemDn" ? { key: "dirProblemGroup", params: { name: g } } : p;
  }
  return groups.length > 100 ? { key: "dirProblemGroupCount" } : null;
}

/**
 * What is wrong with the form, field by field ({field: {key, params}}; the
 * fields that are fine are left out). Only the fields the type uses are
 * checked: the others are kept as they are.
 */
export function problemsOf(form) {
  const out = {};
  const add = (field, problem) => { if (problem) out[field] = problem; };
  if (isCloudType(form.type)) add("groups", groupsProblem(form.groups, form.type));
  if (!isLdapType(form.type)) return out;
  add("serverName", serverProblem(form.serverName));
  add("port", portProblem(form.port));
  add("timeoutSeconds", timeoutProblem(form.timeoutSeconds));
  if (form.authenticationType === "standardAuthentication" && !form.userName.trim()) {
    add("userName", { key: "dirProblemUserEmpty" });
  }
  if (bytes(form.userName) > 1000) add("userName", { key: "dirProblemTooLong", params: { max: 1000 } });
  if (bytes(form.password) > 1024) add("password", { key: "dirProblemTooLong", params: { max: 1024 } });
  if (form.protocol !== "LDAP") add("caCertificates", caProblem(form.caCertificates));
  add("baseDN", dnProblem(form.baseDN, true));
  add("groups", groupsProblem(form.groups, form.type));
  if (form.type === "genericLdap") {
    add("userFilter", filterProblem(form.userFilter, false));
    add("userNameAttribute", attributeProblem(form.userNameAttribute));
    add("fullNameAttribute", attributeProblem(form.fullNameAttribute));
    add("emailAttributes", attributesProblem(form.emailAttributes));
    add("groupMemberAttribute", attributeProblem(form.groupMemberAttribute));
    add("disabledFilter", filterProblem(form.disabledFilter, true));
  }
  return out;
}

/** A value of a change as a line of text: lists joined, nothing as "—". */
export function valueText(v) {
  if (v == null || v === "") return "—";
  if (Array.isArray(v)) return v.length ? v.join(", ") : "—";
  if (typeof v === "object") return JSON.stringify(v);
  return String(v);
}

const arr = (v) => (Array.isArray(v) ? v : []);

/**
 * The result of SyncUsersWithDirectoryServices as lists to show:
 * {dryRun, created, updated, renamed, deleted, skipped, unchanged, changes}.
 * A rename is listed under renamed ({from, to}), whether the result has a
 * list of its own or the change of "userName" in an update; what else
 * changed in the same user stays under updated (by the new name).
 */
export function syncReport(result) {
  const r = result && typeof result === "object" ? result : {};
  const created = arr(r.created).map((u) => ({
    userName: str(u.userName), fullName: str(u.fullName), emailAddresses: arr(u.emailAddresses).map((x) => str(x)),
    distinguishedName: str(u.distinguishedName),
  }));
  const renamed = arr(r.renamed).map((u) => ({
    from: str(u.from ?? u.oldUserName), to: str(u.to ?? u.newUserName ?? u.userName),
  }));
  const updated = [];
  for (const u of arr(r.updated)) {
    const changes = arr(u.changes).map((c) => ({ field: str(c.field), from: c.from, to: c.to }));
    const rename = changes.find((c) => c.field === "userName");
    if (rename) renamed.push({ from: str(rename.from), to: str(rename.to ?? u.userName) });
    const rest = changes.filter((c) => c.field !== "userName");
    if (rest.length || !rename) updated.push({ userName: str(rename ? (rename.to ?? u.userName) : u.userName), changes: rest });
  }
  const deleted = arr(r.deleted).map((u) => ({ userName: str(typeof u === "string" ? u : u.userName) }));
  const skipped = arr(r.skipped).map((s) => ({ entry: str(s.entry ?? s.userName), reason: str(s.reason) }));
  const unchanged = Number.isFinite(Number(r.unchanged)) ? Number(r.unchanged) : 0;
  const changes = created.length + updated.length + renamed.length + deleted.length;
  return { dryRun: Boolean(r.dryRun), created, updated, renamed, deleted, skipped, unchanged, changes };
}
