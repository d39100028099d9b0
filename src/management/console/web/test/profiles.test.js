// The Archiving tab's logic (src/profiles.js, connectors.js,
// profile_checks.js, archiving_lists.js): a profile's properties from the
// form and the form from a profile (round trip for every connector, strings
// as MailStore's clients send them, the password never shown back), the
// server's rules checked as typed, the automation, the worker results' range
// and order, and the reading of a report with thousands of entries.
import { test } from "node:test";
import assert from "node:assert/strict";
import { catalogues } from "../src/catalogue.js";
import { RANGES, RESULTS, durationText, filterProfiles, parseZoneChoice, rangeArgs, rangeProblem, readReport, resultInfo,
         runSeconds, searchLines, sortResults, sourceOf, utcText, zoneFormatter, zoneIana } from "../src/archiving_lists.js";
import { ARCHIVE_ADMIN, CONNECTORS, DELETE_MODES, PROTOCOLS, connectorOf, defaultPort, flagOf, folderList } from "../src/connectors.js";
import { profileProblems, serverSideProblems, userFolderProblem, windowsValid } from "../src/profile_checks.js";
import { emptyForm, formFromProfile, propertiesFromForm, serverSideArgs, withConnector } from "../src/profiles.js";

const users = ["$archiveadmin", "alice", "Bob"];
const form = (connector, change = {}) => ({ ...emptyForm(connector), ...change });

test("the connectors are the server's (profile_sources.cpp), each with a catalogue key", () => {
  assert.deepEqual(CONNECTORS.map((c) => c.id),
                   ["emlDirectory", "mbox", "maildir", "pstFile", "msgDirectory", "imap", "pop3", "imapMultidrop",
                    "pop3Multidrop"]);
  assert.deepEqual(CONNECTORS.filter((c) => c.multidrop).map((c) => c.id), ["imapMultidrop", "pop3Multidrop"]);
  for (const c of CONNECTORS) assert.ok(c.key in catalogues.en, c.key);
  assert.equal(connectorOf("nope"), null);
  assert.equal(defaultPort("imap", "IMAP-SSL"), 993);
  assert.equal(defaultPort("imap", "IMAP"), 143);
  assert.equal(defaultPort("pop3", "POP3-SSL"), 995);
  assert.equal(defaultPort("pop3", "POP3-TLS"), 110);
});

test("a file profile: properties from the form, only the connector's details", () => {
  const f = form("emlDirectory", { name: " Old mail ", path: "/srv/import/jdoe", targetUserFolder: " alice/Imported ",
                                   includeSubfolders: false, host: "left over", password: "x", owner: "alice" });
  assert.deepEqual(propertiesFromForm(f), {
    name: "Old mail", type: "archive", owner: "alice", connector: "emlDirectory",
    details: { path: "/srv/import/jdoe", targetUserFolder: "alice/Imported", includeSubfolders: false },
    serverSideExecution: { automatic: false, automaticPauseBetweenExecutions: 300 },
  });
  const temporary = propertiesFromForm(f, { temporary: true });
  assert.equal("serverSideExecution" in temporary, false);
});

test("an imap profile: numbers and flags as JSON, folder lists, delete modes, empty optional details left out", () => {
  const f = form("imap", { name: "jdoe via IMAP", host: "imap.example.com", port: "", protocol: "IMAP-TLS", userName: "jdoe",
                           password: "pa ss", targetUserFolder: "alice", excludeFolders: "Trash\nJunk/ \n\n",
                           archiveUnread: false, since: "2024-03-01", timeout: "30", deleteAfterArchive: "afterDays",
                           deleteAfterDays: "90", ignoreSSLPolicyErrors: true });
  assert.deepEqual(propertiesFromForm(f).details, {
    host: "imap.example.com", protocol: "IMAP-TLS", userName: "jdoe", password: "pa ss", ignoreSSLPolicyErrors: true,
    timeout: 30, targetUserFolder: "alice", excludeFolders: ["Trash", "Junk"], archiveUnread: false, since: "2024-03-01",
    deleteAfterArchive: "afterDays", deleteAfterDays: 90,
  });
  const plain = propertiesFromForm({ ...f, port: "1143", deleteAfterArchive: "true", timeout: "0", since: "",
                                     excludeFolders: "", includeFolders: "INBOX" }).details;
  assert.equal(plain.port, 1143);
  assert.equal(plain.deleteAfterArchive, true);
  assert.equal("deleteAfterDays" in plain, false);
  assert.equal("timeout" in plain, false);   // 0 is the server's default
  assert.deepEqual(plain.includeFolders, ["INBOX"]);
  assert.equal("excludeFolders" in plain, false);
});

test("pop3 and the multidrop connectors: no folders; multidrop has no target but an unknown-recipients folder", () => {
  const pop = propertiesFromForm(form("pop3", { name: "p", host: "h", userName: "u", password: "p", targetUserFolder: "alice",
                                                deleteAfterArchive: "true", includeFolders: "X" })).details;
  assert.deepEqual(Object.keys(pop).sort(),
                   ["deleteAfterArchive", "host", "ignoreSSLPolicyErrors", "password", "protocol", "targetUserFolder", "userName"]);
  assert.equal(pop.protocol, "POP3-SSL");
  const md = propertiesFromForm(form("imapMultidrop", { name: "j", host: "h", userName: "u", password: "p",
                                                        targetUserFolder: "alice", unknownRecipientsFolder: "alice/Unknown" })).details;
  assert.equal("targetUserFolder" in md, false);
  assert.equal(md.unknownRecipientsFolder, "alice/Unknown");
  const md2 = propertiesFromForm(form("pop3Multidrop", { name: "j", host: "h", userName: "u", password: "p" })).details;
  assert.equal("unknownRecipientsFolder" in md2, false);
});

test("switching the connector keeps what both have and picks a protocol the new one has", () => {
  let f = form("imap", { name: "n", host: "h", protocol: "IMAP-TLS", deleteAfterArchive: "afterDays" });
  f = withConnector(f, "pop3");
  assert.equal(f.protocol, "POP3-TLS");
  assert.equal(f.deleteAfterArchive, "false");
  assert.equal(f.host, "h");
  assert.equal(withConnector(f, "imap").protocol, "IMAP-TLS");
  assert.equal(withConnector(f, "emlDirectory").connector, "emlDirectory");
  assert.equal(withConnector(f, "unknown"), f);
  assert.equal(emptyForm("pop3").protocol, "POP3-SSL");
});

test("form from a profile and back gives the same properties, for every connector (password excepted)", () => {
  const samples = [
    form("emlDirectory", { name: "a", path: "/x", targetUserFolder: "alice/A", includeSubfolders: false, owner: "alice",
                           automatic: true, pause: "3600", windows: "22:00-04:00" }),
    form("mbox", { name: "b", path: "/y.mbox", targetUserFolder: "alice" }),
    form("maildir", { name: "c", path: "/Maildir", targetUserFolder: "Bob" }),
    form("imap", { name: "d", host: "h", port: "993", protocol: "IMAP-SSL", userName: "u", targetUserFolder: "alice",
                   includeFolders: "INBOX\nSent", excludeFolders: "Trash", archiveUnread: false, since: "2020-01-01",
                   deleteAfterArchive: "afterDays", deleteAfterDays: "30", timeout: "20", emailAddress: "u@example.com",
                   ignoreSSLPolicyErrors: true }),
    form("pop3", { name: "e", host: "h", protocol: "POP3", userName: "u", targetUserFolder: "alice", deleteAfterArchive: "true" }),
    form("imapMultidrop", { name: "f", host: "h", userName: "u", unknownRecipientsFolder: "alice/Unknown" }),
    form("pop3Multidrop", { name: "g", host: "h", protocol: "POP3-TLS", userName: "u" }),
  ];
  for (const f of samples) {
    const props = propertiesFromForm(f);
    const listed = { id: 7, ...props };            // GetProfiles: with its id, without the password
    const back = formFromProfile(listed);
    assert.equal(back.password, "");
    assert.deepEqual(propertiesFromForm(back), props, f.connector);
  }
});

test("a profile with the strings MailStore's clients send reads as the same form", () => {
  const f = formFromProfile({
    id: 3, name: "user@example.com via IMAP-SSL", owner: "admin", type: "I", connector: "imap",
    details: { host: "imap.example.com", protocol: "IMAP-SSL", userName: "u", emailAddress: "u@example.com",
               targetUserFolder: "jdoe", ignoreSSLPolicyErrors: "1", timeout: "0", excludeFolders: "Trash; Junk",
               archiveUnread: "False", deleteAfterArchive: "0", port: "993" },
    serverSideExecution: { automatic: "true", automaticPauseBetweenExecutions: "300", automaticMaintenanceWindows: "22:00-04:00" },
  });
  assert.equal(f.ignoreSSLPolicyErrors, true);
  assert.equal(f.timeout, "");
  assert.equal(f.excludeFolders, "Trash\nJunk");
  assert.equal(f.archiveUnread, false);
  assert.equal(f.deleteAfterArchive, "false");
  assert.equal(f.port, "993");
  assert.equal(f.automatic, true);
  assert.equal(f.pause, "300");
  assert.equal(f.windows, "22:00-04:00");
  assert.equal(formFromProfile({ connector: "imap", details: { deleteAfterArchive: true } }).deleteAfterArchive, "true");
  assert.equal(formFromProfile({ connector: "emlDirectory", details: {} }).includeSubfolders, true);
  assert.equal(formFromProfile({ connector: "emlDirectory" }).owner, ARCHIVE_ADMIN);
  assert.equal(formFromProfile({ connector: "future", name: "x" }).connector, "future");
});

test("flags and folder lists are read as the server reads them", () => {
  assert.equal(flagOf("1", false), true);
  assert.equal(flagOf("True", false), true);
  assert.equal(flagOf("", true), false);
  assert.equal(flagOf(0, true), false);
  assert.equal(flagOf(undefined, true), true);
  assert.equal(flagOf("maybe", true), true);
  assert.deepEqual(folderList(" A , B/;C\n\nD// "), ["A", "B", "C", "D"]);
  assert.deepEqual(folderList(["X/", " Y", 3]), ["X", "Y", "3"]);
  assert.deepEqual(folderList(null), []);
});

test("the checks as typed: name, owner, path, target folder", () => {
  const ok = form("emlDirectory", { name: "n", path: "/srv/import", targetUserFolder: "alice/Imported" });
  assert.deepEqual(profileProblems(ok, { users }), {});
  assert.deepEqual(profileProblems({ ...ok, name: "  " }, { users }).name, { key: "arcNameEmpty" });
  assert.equal(profileProblems({ ...ok, name: "é".repeat(128) }, { users }).name.key, "arcNameTooLong");  // 256 bytes
  assert.deepEqual(profileProblems({ ...ok, name: "é".repeat(127) }, { users }), {});
  assert.deepEqual(profileProblems({ ...ok, owner: "carol" }, { users }).owner, { key: "arcOwnerUnknown", vars: { user: "carol" } });
  assert.deepEqual(profileProblems({ ...ok, owner: "BOB" }, { users }), {});
  assert.equal(profileProblems({ ...ok, path: "" }, { users }).path.key, "arcPathEmpty");
  assert.equal(profileProblems({ ...ok, path: "srv/import" }, { users }).path.key, "arcPathAbsolute");
  assert.equal(profileProblems({ ...ok, path: "/a\u0001b" }, { users }).path.key, "arcPathInvalid");
  assert.equal(profileProblems({ ...ok, targetUserFolder: "" }, { users }).targetUserFolder.key, "arcTargetEmpty");
  assert.equal(profileProblems({ ...ok, targetUserFolder: " / " }, { users }).targetUserFolder.key, "arcTargetEmpty");
  assert.deepEqual(profileProblems({ ...ok, targetUserFolder: "carol/X" }, { users }).targetUserFolder,
                   { key: "arcFolderNoUser", vars: { user: "carol" } });
  assert.equal(profileProblems({ ...ok, targetUserFolder: "$archiveadmin" }, { users }).targetUserFolder.key, "arcFolderNoUser");
  assert.equal(profileProblems({ ...ok, targetUserFolder: "carol/X" }, { users: null }).targetUserFolder, undefined);
  assert.equal(userFolderProblem("alice/" + "x".repeat(1000), users, true).key, "arcFolderTooLong");
  assert.equal(userFolderProblem("alice/a\tb", users, true).key, "arcFolderInvalid");
  assert.equal(userFolderProblem("", users, false), null);
  assert.equal(profileProblems({ ...ok, connector: "future" }, { users }).connector.key, "arcConnectorUnknown");
});

test("the checks as typed: mail server details with the server's limits", () => {
  const ok = form("imap", { name: "n", host: "imap.example.com", userName: "u", password: "p", targetUserFolder: "alice" });
  assert.deepEqual(profileProblems(ok, { users }), {});
  const p = (change) => profileProblems({ ...ok, ...change }, { users });
  assert.equal(p({ host: "" }).host.key, "arcHostEmpty");
  assert.equal(p({ host: "a b" }).host.key, "arcHostInvalid");
  assert.equal(p({ port: "0" }).port.key, "portInvalid");
  assert.equal(p({ port: "65536" }).port.key, "portInvalid");
  assert.equal(p({ port: "1.5" }).port.key, "portInvalid");
  assert.deepEqual(p({ port: "65535" }), {});
  assert.equal(p({ userName: "" }).userName.key, "arcServerUserEmpty");
  assert.equal(p({ userName: "a\nb" }).userName.key, "arcNoLineBreaks");
  assert.equal(p({ password: "" }).password.key, "arcPasswordEmpty");
  assert.equal(p({ password: "a\rb" }).password.key, "arcNoLineBreaks");
  assert.equal(p({ timeout: "3601" }).timeout.key, "arcTimeoutInvalid");
  assert.deepEqual(p({ timeout: "3600" }), {});
  assert.equal(p({ emailAddress: "nope" }).emailAddress.key, "arcEmailInvalid");
  assert.equal(p({ since: "2024-02-30" }).since.key, "arcSinceInvalid");
  assert.equal(p({ since: "1.3.2024" }).since.key, "arcSinceInvalid");
  assert.deepEqual(p({ since: "2024-02-29" }), {});
  assert.equal(p({ deleteAfterArchive: "afterDays" }).deleteAfterDays.key, "arcDeleteDaysInvalid");
  assert.equal(p({ deleteAfterArchive: "afterDays", deleteAfterDays: "36501" }).deleteAfterDays.key, "arcDeleteDaysInvalid");
  assert.deepEqual(p({ deleteAfterArchive: "afterDays", deleteAfterDays: "36500" }), {});
  assert.equal(p({ targetUserFolder: "" }).targetUserFolder.key, "arcTargetEmpty");
  const md = { ...ok, connector: "pop3Multidrop", targetUserFolder: "" };
  assert.deepEqual(profileProblems(md, { users }), {});
  assert.equal(profileProblems({ ...md, unknownRecipientsFolder: "nobody/x" }, { users }).unknownRecipientsFolder.key,
               "arcFolderNoUser");
});

test("the automation: pause and maintenance windows (profile_scheduler.cpp), not for a one-off run", () => {
  assert.equal(windowsValid(""), true);
  assert.equal(windowsValid("22:00-04:00"), true);
  assert.equal(windowsValid("22:00 - 04:00; 12:00-13:00,"), true);
  assert.equal(windowsValid("24:00-01:00"), false);
  assert.equal(windowsValid("22-04"), false);
  assert.equal(windowsValid("22:00"), false);
  assert.equal(windowsValid("2:00-04:00"), false);
  const f = form("emlDirectory", { name: "n", path: "/x", targetUserFolder: "alice", automatic: true, pause: "" });
  assert.equal(profileProblems(f, { users }).pause.key, "arcPauseInvalid");
  assert.deepEqual(profileProblems(f, { users, temporary: true }), {});
  assert.equal(serverSideProblems({ ...f, pause: "2147483648" }).pause.key, "arcPauseInvalid");
  assert.deepEqual(serverSideProblems({ ...f, pause: "0" }), {});
  assert.deepEqual(serverSideProblems({ ...f, automatic: false, pause: "" }), {});
  assert.equal(serverSideProblems({ ...f, pause: "1", windows: "x" }).windows.key, "arcWindowsInvalid");
  assert.equal(serverSideProblems({ ...f, pause: "1", windows: "22:00-04:00,".repeat(30) }).windows.key, "arcWindowsTooLong");
  // Switching off keeps the pause and windows (sent along).
  assert.deepEqual(serverSideArgs(4, { automatic: false, pause: "600", windows: " 22:00-04:00 " }),
                   { id: 4, automatic: false, automaticPauseBetweenExecutions: 600, automaticMaintenanceWindows: "22:00-04:00" });
  assert.deepEqual(serverSideArgs(4, { automatic: true, pause: "60", windows: "" }),
                   { id: 4, automatic: true, automaticPauseBetweenExecutions: 60, automaticMaintenanceWindows: undefined });
});

test("the list: search over name, connector, owner, source and target; sorted by name", () => {
  const list = [
    { id: 2, name: "b imap", connector: "imap", owner: "$archiveadmin", details: { host: "mail.example.com", userName: "jdoe", port: "993", targetUserFolder: "alice" } },
    { id: 1, name: "A files", connector: "emlDirectory", owner: "alice", details: { path: "/srv/import", targetUserFolder: "Bob/Old" } },
    { id: 3, name: "c journal", connector: "pop3Multidrop", owner: "$archiveadmin", details: { host: "j.example.com", userName: "j" } },
  ];
  assert.deepEqual(filterProfiles(list, "").map((p) => p.id), [1, 2, 3]);
  assert.deepEqual(filterProfiles(list, "example").map((p) => p.id), [2, 3]);
  assert.deepEqual(filterProfiles(list, "bob /srv").map((p) => p.id), [1]);
  assert.deepEqual(filterProfiles(list, "MULTIDROP").map((p) => p.id), [3]);
  assert.equal(sourceOf(list[0]), "jdoe@mail.example.com:993");
  assert.equal(sourceOf(list[1]), "/srv/import");
  assert.equal(sourceOf(list[2]), "j@j.example.com");
});

test("durations in words", () => {
  assert.deepEqual(durationText(42.4), { key: "arcDurSeconds", vars: { n: 42 } });
  assert.deepEqual(durationText(300), { key: "arcDurMinutes", vars: { n: 5 } });
  assert.deepEqual(durationText(330), { key: "arcDurMinutesSeconds", vars: { m: 5, s: 30 } });
  assert.deepEqual(durationText(3600), { key: "arcDurHours", vars: { n: 1 } });
  assert.deepEqual(durationText(5400), { key: "arcDurHoursMinutes", vars: { h: 1, m: 30 } });
  assert.deepEqual(durationText(86400 * 2), { key: "arcDurDays", vars: { n: 2 } });
});

test("worker results: the range's arguments (UTC), custom days in the browser's zone, newest first", () => {
  const now = new Date(Date.UTC(2025, 0, 15, 12, 30, 5));
  assert.deepEqual(rangeArgs("24h", {}, now),
                   { fromIncluding: "2025-01-14T12:30:05", toExcluding: "2025-01-15T12:31:05", timeZoneID: "UTC" });
  assert.equal(rangeArgs("7d", {}, now).fromIncluding, "2025-01-08T12:30:05");
  assert.equal(rangeArgs("365d", {}, new Date(Date.UTC(1970, 5, 1))).fromIncluding, "1970-01-01T00:00:00");  // never before 1970
  const custom = rangeArgs("custom", { from: "2025-01-01", to: "2025-01-31" }, now);
  assert.equal(custom.fromIncluding, utcText(new Date(2025, 0, 1)));
  assert.equal(custom.toExcluding, utcText(new Date(2025, 1, 1)));
  assert.equal(rangeArgs("custom", { from: "2025-02-01", to: "2025-01-31" }, now), null);
  assert.deepEqual(rangeProblem("custom", "2025-02-01", "2025-01-31"), { key: "arcRangeOrder" });
  assert.deepEqual(rangeProblem("custom", "", "2025-01-31"), { key: "arcRangeDates" });
  assert.deepEqual(rangeProblem("custom", "1969-12-31", "2025-01-31"), { key: "arcRangeDates" });
  assert.equal(rangeProblem("7d", "", ""), null);
  for (const r of RANGES) assert.ok(r.key in catalogues.en, r.key);

  const results = [
    { id: 1, startTime: "2025-01-15T10:00:00+00:00", completeTime: "2025-01-15T10:01:30+00:00" },
    { id: 3, startTime: "2025-01-15T11:00:00+01:00", completeTime: null },   // 10:00 UTC, as id 1: the higher id first
    { id: 2, startTime: "2025-01-15T12:00:00+00:00", completeTime: "2025-01-15T12:00:00+00:00" },
  ];
  assert.deepEqual(sortResults(results).map((r) => r.id), [2, 3, 1]);
  assert.equal(runSeconds(results[0]), 90);
  assert.equal(runSeconds(results[1]), null);
  assert.equal(runSeconds(results[2]), 0);
  assert.equal(resultInfo("completedWithWarnings").key, "arcResultWarnings");
  assert.deepEqual(resultInfo("somethingNew"), { id: "somethingNew", key: null, badge: "off" });
  for (const r of RESULTS) assert.ok(r.key in catalogues.en, r.key);
});

test("worker results in a chosen time zone: custom days sent in that zone, times shown there, the choice kept", () => {
  const now = new Date(Date.UTC(2025, 0, 15, 12, 30, 5));
  // A zone GetTimeZones lists: the custom range's days are that zone's, the instance resolves them.
  assert.deepEqual(rangeArgs("custom", { from: "2024-12-31", to: "2025-02-28" }, now, "Asia/Tokyo"),
                   { fromIncluding: "2024-12-31T00:00:00", toExcluding: "2025-03-01T00:00:00", timeZoneID: "Asia/Tokyo" });
  assert.equal(rangeArgs("custom", { from: "2024-02-28", to: "2024-02-28" }, now, "$Local").toExcluding, "2024-02-29T00:00:00");
  assert.equal(rangeArgs("custom", { from: "2025-02-01", to: "2025-01-31" }, now, "UTC"), null);
  // Presets count back from now whatever the zone.
  assert.deepEqual(rangeArgs("24h", {}, now, "Asia/Tokyo"), rangeArgs("24h", {}, now));
  // The IANA name for showing times: the id, or what $Local's displayName names.
  assert.equal(zoneIana({ id: "Europe/Berlin", displayName: "(UTC+01:00) Europe/Berlin" }), "Europe/Berlin");
  assert.equal(zoneIana({ id: "$Local", displayName: "(Local) America/New_York" }), "America/New_York");
  assert.equal(zoneIana({ id: "$Local", displayName: "Local" }), null);
  assert.equal(zoneIana(null), null);
  const tokyo = zoneFormatter("en", "Asia/Tokyo");
  assert.match(tokyo(new Date(Date.UTC(2025, 0, 15, 12, 30))), /Jan 15, 2025.*9:30\sPM/);
  assert.match(zoneFormatter("de", "Asia/Tokyo")(new Date(Date.UTC(2025, 0, 15, 12, 30))), /15\.01\.2025.*21:30/);
  assert.equal(zoneFormatter("en", "Not/AZone"), null);
  assert.equal(zoneFormatter("en", null), null);
  assert.deepEqual(parseZoneChoice('{"id":"$Local","iana":"Europe/Berlin"}'), { id: "$Local", iana: "Europe/Berlin" });
  assert.deepEqual(parseZoneChoice('{"id":"Asia/Tokyo","iana":null}'), { id: "Asia/Tokyo", iana: null });
  for (const bad of [null, "", "{", "[]", '{"id":""}', '{"id":3}', '{"id":"x","iana":4}']) assert.equal(parseZoneChoice(bad), null, bad);
});

test("a report with thousands of folders and warnings: counts, sorted folders, search keeping positions", () => {
  const folders = {};
  for (let i = 0; i < 3000; i++) folders[`alice/F${i}`] = { archived: i, duplicates: 1, failed: 0 };
  const warnings = Array.from({ length: 50000 }, (_, i) => `/srv/x/${i}.eml: no header`);
  warnings.push("12 more warnings were not listed");
  const r = readReport({ archived: 12, duplicates: 3, skipped: 1, failed: 2, warnings, errors: ["a: b", { odd: 1 }],
                         folders, seconds: 1.5 });
  assert.equal(r.archived, 12);
  assert.equal(r.skipped, 1);
  assert.equal(r.folders.length, 3000);
  assert.deepEqual(r.folders.slice(0, 3).map((f) => f.path), ["alice/F0", "alice/F1", "alice/F2"]);  // numeric order
  assert.equal(r.folders[2999].path, "alice/F2999");
  assert.equal(r.warnings.length, 50001);
  assert.deepEqual(r.errors, ["a: b", '{"odd":1}']);
  const t0 = Date.now();
  const hits = searchLines(r.warnings, "4999");
  assert.ok(Date.now() - t0 < 500, "searching 50,000 lines is quick");
  assert.deepEqual(hits.slice(0, 2).map((h) => h.index), [4999, 14999]);
  assert.equal(searchLines(r.warnings, "").length, 50001);
  assert.deepEqual(searchLines(r.folders, "F29 ALICE", (f) => f.path).map((h) => h.item.path).slice(0, 2), ["alice/F29", "alice/F290"]);
  const empty = readReport(null);
  assert.deepEqual([empty.folders, empty.warnings, empty.error, empty.seconds], [[], [], null, null]);
  assert.equal(readReport({ error: "The path does not exist." }).error, "The path does not exist.");
});

test("every key the module returns is in both catalogues", () => {
  const keys = new Set();
  const add = (x) => { if (x && x.key) keys.add(x.key); };
  const ok = form("imap", { name: "n", host: "h", userName: "u", password: "p", targetUserFolder: "alice" });
  const variants = [
    { name: "" }, { name: "x".repeat(300) }, { owner: "zz" }, { host: "" }, { host: "a b" }, { port: "0" }, { userName: "" },
    { userName: "\n" }, { password: "" }, { timeout: "x" }, { emailAddress: "x" }, { since: "x" }, { targetUserFolder: "" },
    { targetUserFolder: "zz" }, { targetUserFolder: "alice/\u0002" }, { targetUserFolder: "alice/" + "x".repeat(1001) },
    { deleteAfterArchive: "afterDays" }, { automatic: true, pause: "" }, { windows: "x" }, { windows: "1".repeat(300) },
    { connector: "x" }, { connector: "emlDirectory", path: "" }, { connector: "emlDirectory", path: "x" },
    { connector: "emlDirectory", path: "/\u0001" },
  ];
  for (const v of variants) for (const p of Object.values(profileProblems({ ...ok, ...v }, { users }))) add(p);
  for (const s of [1, 61, 120, 3601, 7200, 90000]) add(durationText(s));
  for (const x of [rangeProblem("custom", "", ""), rangeProblem("custom", "2025-02-02", "2025-02-01")]) add(x);
  for (const c of CONNECTORS) { add(c.help); add(c.path); }
  for (const list of [CONNECTORS, PROTOCOLS.imap, PROTOCOLS.pop3, DELETE_MODES.imap, DELETE_MODES.pop3, RANGES, RESULTS]) {
    for (const x of list) add(x);
  }
  assert.ok(keys.size > 40, `only ${keys.size} keys`);
  for (const k of keys) {
    assert.ok(k in catalogues.en, `${k} missing in English`);
    assert.ok(k in catalogues.de, `${k} missing in German`);
  }
});
