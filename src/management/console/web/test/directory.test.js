// The Directory tab's logic (src/directory.js): the configuration to the form
// and back (the password kept, set or cleared), the checks made as typed, and
// the sync result as lists to show.
import { test } from "node:test";
import assert from "node:assert/strict";
import { catalogues } from "../src/catalogue.js";
import { DEFAULTS, attributesOf, caProblem, configOf, defaultPort, filterProblem, formChanged, formOf, groupNameProblem, groupsOf,
         groupsProblem, isCloudType, isLdapType, problemsOf, serverProblem, syncReport, valueText,
         withoutPassword } from "../src/directory.js";

const stored = {
  type: "genericLdap", serverName: "ldap.example.com", port: 636, protocol: "LDAPS", ignoreSslPolicyErrors: false,
  authenticationType: "standardAuthentication", userName: "cn=reader,dc=example,dc=com", password: null,
  baseDN: "ou=people,dc=example,dc=com", groups: ["cn=staff,ou=groups,dc=example,dc=com", "cn=it,ou=groups,dc=example,dc=com"],
  enabledUsersOnly: true, deleteUsers: false, timeoutSeconds: 20, caCertificates: "", userNameFormat: "samAccountName",
  microsoftExchangeUsersOnly: false, userFilter: "(objectClass=inetOrgPerson)", userNameAttribute: "uid",
  fullNameAttribute: "cn", emailAttributes: ["mail", "mailAlternateAddress"], groupMemberAttribute: "member",
  disabledFilter: "(pwdAccountLockedTime=*)", usersVisibleInAddressListsOnly: false,
};

test("a stored configuration goes to the form and back unchanged, without a password", () => {
  const form = formOf(stored);
  assert.equal(form.password, "");
  assert.equal(form.port, "636");
  assert.equal(form.groups, "cn=staff,ou=groups,dc=example,dc=com\ncn=it,ou=groups,dc=example,dc=com");
  assert.equal(form.emailAttributes, "mail, mailAlternateAddress");
  const { password, ...rest } = stored;  // eslint-disable-line no-unused-vars
  assert.deepEqual(configOf(form), rest);
  assert.equal("password" in configOf(form), false, "left out: the stored password stays");
  assert.equal(formChanged(form, stored), false);
});

// What Get answers for Active Directory: the form shows some fields, the
// openId*/authenticationProtocol ones and the cloud types' ones it does not.
const adStored = {
  ...stored, type: "activeDirectory", serverName: "dc1.example.com", userName: "svc@example.com", baseDN: "DC=example,DC=com",
  groups: ["CN=Staff,OU=Groups,DC=example,DC=com"], microsoftExchangeUsersOnly: true, usersVisibleInAddressListsOnly: true,
  authenticationProtocol: "networkAuthentication", openIdDiscoveryUrl: "https://adfs.example.com/adfs/.well-known/openid-configuration",
  openIdClientID: "c0ffee", openIdRedirectUrl: "https://cas.example.com/i1/oidc/signin", openIdForceAdfsLogin: true,
  credentialId: "cred-7", licensedExchangeOnlineUsersOnly: true, redirectUrl: "https://cas.example.com/i1/oidc/signin",
  someFutureField: { nested: [1, 2] },
};

test("a save sends back every stored field the form does not show, unchanged (merge)", () => {
  const form = formOf(adStored);
  const { password, ...rest } = adStored;  // eslint-disable-line no-unused-vars
  assert.deepEqual(configOf(form), rest, "the round trip keeps every field");
  assert.equal(formChanged(form, adStored), false);
  // An edit of a shown field changes only that field; the hidden ones go back as they were.
  const sent = configOf({ ...form, serverName: "dc2.example.com", usersVisibleInAddressListsOnly: false });
  assert.deepEqual(sent, { ...rest, serverName: "dc2.example.com", usersVisibleInAddressListsOnly: false });
  for (const k of ["authenticationProtocol", "openIdDiscoveryUrl", "openIdClientID", "openIdRedirectUrl", "openIdForceAdfsLogin",
                   "credentialId", "licensedExchangeOnlineUsersOnly", "redirectUrl", "someFutureField"]) {
    assert.deepEqual(sent[k], adStored[k], k);
  }
  // Switching to a cloud type keeps the cloud fields read; the password never comes from what was read.
  const cloud = configOf({ ...formOf({ ...adStored, password: "leaked?" }), type: "office365OpenIDConnect" });
  assert.equal(cloud.credentialId, "cred-7");
  assert.equal(cloud.redirectUrl, "https://cas.example.com/i1/oidc/signin");
  assert.equal("password" in cloud, false);
  // Nothing read (or not an object): only the form's fields are sent.
  assert.equal("credentialId" in configOf(formOf(null)), false);
  assert.equal("0" in configOf(formOf(["x"])), false);
});

test("Active Directory: only users visible in address lists, read and sent", () => {
  assert.equal(formOf(null).usersVisibleInAddressListsOnly, false, "off by default, as on the server");
  assert.equal(configOf(formOf(null)).usersVisibleInAddressListsOnly, false);
  const form = formOf({ ...adStored, usersVisibleInAddressListsOnly: false });
  assert.equal(form.usersVisibleInAddressListsOnly, false);
  const ticked = { ...form, usersVisibleInAddressListsOnly: true };
  assert.equal(configOf(ticked).usersVisibleInAddressListsOnly, true);
  assert.equal(formChanged(ticked, { ...adStored, usersVisibleInAddressListsOnly: false }), true);
  assert.equal(formOf(adStored).usersVisibleInAddressListsOnly, true);
  assert.equal(formOf({ usersVisibleInAddressListsOnly: "yes" }).usersVisibleInAddressListsOnly, false, "not a bool: the default");
});

test("groups: names for the cloud types, DNs for the LDAP types", () => {
  const names = "Staff\nsales@example.com\n0b6f5c3e-6a53-4a36-9a1e-5e0c7c1d2f11\nAll Company (Berlin)";
  for (const type of ["office365OpenIDConnect", "office365", "googleWorkspace"]) {
    const form = { ...formOf({ type }), groups: names };
    assert.deepEqual(problemsOf(form), {}, type);
    assert.deepEqual(configOf(form).groups, ["Staff", "sales@example.com", "0b6f5c3e-6a53-4a36-9a1e-5e0c7c1d2f11", "All Company (Berlin)"]);
    assert.equal(problemsOf({ ...form, groups: "Staff\nSales\tTeam" }).groups.key, "dirProblemGroupName", type);
    assert.equal(problemsOf({ ...form, groups: "é".repeat(501) }).groups.key, "dirProblemTooLong", "1,000 bytes, not characters");
    assert.deepEqual(problemsOf({ ...form, groups: "é".repeat(500) }), {});
    assert.equal(problemsOf({ ...form, groups: Array.from({ length: 101 }, (_, i) => "g" + i).join("\n") }).groups.key,
                 "dirProblemGroupCount");
  }
  for (const type of ["activeDirectory", "genericLdap"]) {
    const form = { ...formOf(adStored), type, groups: "Staff" };
    assert.equal(problemsOf(form).groups.key, "dirProblemGroup", type + " still needs DNs");
    assert.equal(groupsProblem("CN=Staff,DC=x", type), null);
  }
  assert.deepEqual(groupsProblem("Staff"), groupsProblem("Staff", "activeDirectory"), "DNs unless the type is a cloud one");
  assert.equal(groupNameProblem("a\u007fb").key, "dirProblemGroupName");
  assert.equal(groupNameProblem("Staff"), null);
  assert.ok(catalogues.en.dirProblemGroupName && catalogues.de.dirProblemGroupName);
  assert.ok(catalogues.en.dirAddressListsOnly && catalogues.de.dirAddressListsOnly);
});

test("nothing stored: the server's defaults", () => {
  const form = formOf(null);
  assert.equal(form.type, "none");
  const c = configOf(form);
  assert.equal(c.port, 0);
  assert.equal(c.timeoutSeconds, 15);
  assert.deepEqual(c.emailAttributes, ["mail"]);
  assert.equal(c.userFilter, DEFAULTS.userFilter);
  assert.deepEqual(c.groups, []);
  assert.deepEqual(problemsOf(form), {}, "type none needs nothing");
  assert.equal(formChanged(form, null), false);
  assert.equal(formChanged(form, {}), false);
});

test("unknown values from the server fall back to the defaults", () => {
  const form = formOf({ type: "novell", protocol: "X", authenticationType: "kerberos", userNameFormat: "?", groups: "cn=a", port: null });
  assert.equal(form.type, "none");
  assert.equal(form.protocol, "LDAP");
  assert.equal(form.authenticationType, "standardAuthentication");
  assert.equal(form.userNameFormat, "samAccountName");
  assert.equal(form.groups, "");
  assert.equal(form.port, "");
});

test("the password: typed sets it, clear sends empty, clear wins over typed", () => {
  const form = formOf(stored);
  assert.equal(configOf({ ...form, password: "s3cret pass" }).password, "s3cret pass");
  assert.equal(configOf({ ...form, clearPassword: true }).password, "");
  assert.equal(configOf({ ...form, clearPassword: true, password: "typed" }).password, "");
  assert.equal(formChanged({ ...form, password: "x" }, stored), true);
  assert.equal(formChanged({ ...form, clearPassword: true }, stored), true);
  assert.deepEqual(Object.keys(withoutPassword(configOf({ ...form, password: "x" }))).includes("password"), false);
});

test("lists: groups one a line, attributes by commas or spaces; text trimmed", () => {
  assert.deepEqual(groupsOf(" cn=a,dc=x \r\n\n cn=b,dc=x\n"), ["cn=a,dc=x", "cn=b,dc=x"]);
  assert.deepEqual(attributesOf("mail, proxyAddresses  otherMailbox;x"), ["mail", "proxyAddresses", "otherMailbox", "x"]);
  const c = configOf({ ...formOf(stored), serverName: "  dc1.example.com ", port: " ", timeoutSeconds: "" });
  assert.equal(c.serverName, "dc1.example.com");
  assert.equal(c.port, 0);
  assert.equal(c.timeoutSeconds, 15);
  assert.equal(formChanged({ ...formOf(stored), serverName: "other" }, stored), true);
});

test("types and ports", () => {
  assert.equal(isLdapType("activeDirectory"), true);
  assert.equal(isLdapType("office365"), false);
  assert.equal(isCloudType("googleWorkspace"), true);
  assert.equal(isCloudType("genericLdap"), false);
  assert.equal(defaultPort("LDAPS"), 636);
  assert.equal(defaultPort("LDAP-StartTLS"), 389);
});

test("checks: only the fields the type uses", () => {
  const empty = formOf({ type: "activeDirectory" });
  assert.deepEqual(Object.keys(problemsOf(empty)).sort(), ["baseDN", "serverName", "userName"]);
  assert.deepEqual(problemsOf({ ...empty, authenticationType: "anonymous", serverName: "dc1", baseDN: "dc=x" }), {});
  assert.deepEqual(problemsOf(formOf({ type: "office365" })), {}, "a cloud type is only stored");
  const generic = { ...formOf(stored), userFilter: "objectClass=person", userNameAttribute: "u id", emailAttributes: "",
                    disabledFilter: "(a=1))(", port: "70000", timeoutSeconds: "301", groups: "staff" };
  const p = problemsOf(generic);
  assert.deepEqual(Object.keys(p).sort(), ["disabledFilter", "emailAttributes", "groups", "port", "timeoutSeconds",
                                           "userFilter", "userNameAttribute"]);
  assert.equal(p.groups.key, "dirProblemGroup");
  assert.deepEqual(p.groups.params, { name: "staff" });
  assert.deepEqual(problemsOf(formOf(stored)), {});
});

test("server names: host or address, no scheme", () => {
  assert.equal(serverProblem("ldap.example.com"), null);
  assert.equal(serverProblem("192.0.2.7"), null);
  assert.equal(serverProblem("[2001:db8::1]"), null);
  assert.equal(serverProblem("").key, "dirProblemServerEmpty");
  assert.equal(serverProblem("ldaps://dc1").key, "dirProblemServerScheme");
  assert.equal(serverProblem("dc1 dc2").key, "dirProblemServerInvalid");
  assert.equal(serverProblem("a".repeat(256)).key, "dirProblemTooLong");
});

test("CA certificates: PEM or empty, only checked with TLS", () => {
  const pem = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----";
  assert.equal(caProblem(""), null);
  assert.equal(caProblem(pem), null);
  assert.equal(caProblem("not a certificate").key, "dirProblemCa");
  assert.equal(caProblem(pem + "x".repeat(7000)).key, "dirProblemTooLong");
  const form = { ...formOf(stored), caCertificates: "junk" };
  assert.equal(problemsOf(form).caCertificates.key, "dirProblemCa");
  assert.equal(problemsOf({ ...form, protocol: "LDAP" }).caCertificates, undefined, "plain LDAP has no certificates");
  assert.equal(configOf({ ...form, caCertificates: "  " + pem + "\n\n" }).caCertificates, pem);
});

test("filters: parentheses balanced, escapes skipped", () => {
  assert.equal(filterProblem("(&(objectClass=person)(!(uid=x)))", false), null);
  assert.equal(filterProblem("(cn=a\\29b)", false), null, "\\29 is an escaped ')'");
  assert.equal(filterProblem("", true), null);
  assert.equal(filterProblem("", false).key, "dirProblemFilterEmpty");
  assert.equal(filterProblem("(a=1", false).key, "dirProblemFilter");
  assert.equal(filterProblem("(a=1))", false).key, "dirProblemFilter");
  assert.equal(filterProblem(")(", false).key, "dirProblemFilter");
});

test("every problem key exists in the catalogue", () => {
  const keys = new Set();
  const generic = { ...formOf(stored), type: "genericLdap", serverName: "ldap://x", port: "x", timeoutSeconds: "0",
                    userName: "", baseDN: "nodn", groups: "x", userFilter: "", userNameAttribute: "", fullNameAttribute: "1a",
                    emailAttributes: "", groupMemberAttribute: "a".repeat(200), disabledFilter: "(" };
  for (const p of Object.values(problemsOf(generic))) keys.add(p.key);
  for (const p of Object.values(problemsOf({ ...generic, serverName: "", baseDN: "" }))) keys.add(p.key);
  keys.add(serverProblem("a b").key);
  keys.add(caProblem("x").key);
  keys.add(problemsOf({ ...generic, emailAttributes: "a b c d e f g h i j k" }).emailAttributes.key);
  keys.add(problemsOf({ ...generic, groups: Array.from({ length: 101 }, (_, i) => "cn=g" + i).join("\n") }).groups.key);
  for (const k of keys) {
    assert.ok(catalogues.en[k], k);
    assert.ok(catalogues.de[k], k);
  }
  assert.ok(keys.size >= 10, [...keys].join(" "));
});

test("the sync result: lists to show, renames taken out of the updates", () => {
  const r = syncReport({
    dryRun: true,
    created: [{ userName: "carol", fullName: "Carol C", emailAddresses: ["carol@example.com"], distinguishedName: "uid=carol,dc=x" }],
    updated: [
      { userName: "dave", changes: [{ field: "fullName", from: "Dave", to: "Dave D" }, { field: "emailAddresses", from: [], to: ["d@x"] }] },
      { userName: "erin2", changes: [{ field: "userName", from: "erin", to: "erin2" }] },
      { userName: "fred2", changes: [{ field: "userName", from: "fred", to: "fred2" }, { field: "fullName", from: null, to: "Fred" }] },
    ],
    deleted: [{ userName: "gone" }, "alsoGone"],
    unchanged: 7,
    skipped: [{ entry: "uid=x,dc=x", reason: "no user name" }],
  });
  assert.equal(r.dryRun, true);
  assert.deepEqual(r.created.map((u) => u.userName), ["carol"]);
  assert.deepEqual(r.renamed, [{ from: "erin", to: "erin2" }, { from: "fred", to: "fred2" }]);
  assert.deepEqual(r.updated.map((u) => [u.userName, u.changes.map((c) => c.field)]),
                   [["dave", ["fullName", "emailAddresses"]], ["fred2", ["fullName"]]]);
  assert.deepEqual(r.deleted, [{ userName: "gone" }, { userName: "alsoGone" }]);
  assert.equal(r.unchanged, 7);
  assert.deepEqual(r.skipped, [{ entry: "uid=x,dc=x", reason: "no user name" }]);
  assert.equal(r.changes, 7, "entries of the lists: fred2 is renamed and updated");
});

test("the sync result: a list of renames of its own, and nothing at all", () => {
  const r = syncReport({ dryRun: false, renamed: [{ from: "a", to: "b" }, { oldUserName: "c", newUserName: "d" }] });
  assert.deepEqual(r.renamed, [{ from: "a", to: "b" }, { from: "c", to: "d" }]);
  const none = syncReport(null);
  assert.deepEqual([none.created, none.updated, none.renamed, none.deleted, none.skipped, none.unchanged, none.changes],
                   [[], [], [], [], [], 0, 0]);
});

test("values of a change as text", () => {
  assert.equal(valueText(null), "—");
  assert.equal(valueText(""), "—");
  assert.equal(valueText([]), "—");
  assert.equal(valueText(["a@x", "b@x"]), "a@x, b@x");
  assert.equal(valueText("Dave"), "Dave");
  assert.equal(valueText(3), "3");
});
