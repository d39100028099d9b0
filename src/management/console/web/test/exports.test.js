// The Export tab's logic (src/exports.js): the properties sent for each
// connector, the checks as typed, the field a server's message names, the
// target line, the last result per profile, the folders offered, and the
// reading of an export run's report.
import { test } from "node:test";
import assert from "node:assert/strict";
import { EXPORT_PROTOCOLS, emptyExportForm, exportProblems, exportPropertiesFromForm, exportTargetOf, fieldOfMessage, folderChoices,
         formFromExportProfile, isExportProfile, lastResults, withExportConnector } from "../src/exports.js";
import { readReport } from "../src/profiles.js";
import { catalogues } from "../src/catalogue.js";

const form = (over) => ({ ...emptyExportForm(over.connector || "emlDirectory"), ...over });

test("an emlDirectory profile: type export, the path and the selection; empty optional ones left out", () => {
  const f = form({ name: " Hand-over ", path: "/srv/x/", folders: ["jdoe", "jdoe/Inbox/"], query: "from:bob",
                   fromDate: "2024-01-01", toDate: "2025-01-01", incremental: true, automatic: true, pause: "3600", windows: "22:00-04:00" });
  assert.deepEqual(exportPropertiesFromForm(f), {
    name: "Hand-over", type: "export", owner: "$archiveadmin", connector: "emlDirectory",
    details: { path: "/srv/x/", folders: ["jdoe", "jdoe/Inbox"], includeSubfolders: true, query: "from:bob",
               fromDate: "2024-01-01", toDate: "2025-01-01", incremental: true },
    serverSideExecution: { automatic: true, automaticPauseBetweenExecutions: 3600, automaticMaintenanceWindows: "22:00-04:00" },
  });
  const once = exportPropertiesFromForm(form({ name: "x", path: "/a", incremental: true }), { temporary: true });
  assert.deepEqual(once, { name: "x", type: "export", owner: "$archiveadmin", connector: "emlDirectory",
                           details: { path: "/a", includeSubfolders: true } });
});

test("imap and smtp: their fields only; the protocol follows the connector", () => {
  const imap = withExportConnector(form({ name: "r", host: "mx", userName: "u", password: "p", targetFolder: "Restored" }), "imap");
  assert.equal(imap.protocol, "IMAP-SSL");
  assert.deepEqual(exportPropertiesFromForm(imap).details,
    { host: "mx", protocol: "IMAP-SSL", userName: "u", password: "p", ignoreSSLPolicyErrors: false, targetFolder: "Restored",
      includeSubfolders: true, incremental: false });
  assert.equal(exportPropertiesFromForm({ ...imap, keepFolders: false }).details.keepFolders, false);
  assert.equal(formFromExportProfile({ connector: "imap", details: { keepFolders: "0" } }).keepFolders, false);
  assert.equal(formFromExportProfile({ connector: "imap", details: {} }).keepFolders, true);
  const smtp = withExportConnector({ ...imap, recipient: "a@b.example", mode: "attachment", port: "25" }, "smtp");
  assert.equal(smtp.protocol, "SMTP-TLS");
  assert.deepEqual(exportPropertiesFromForm(smtp).details,
    { host: "mx", port: 25, protocol: "SMTP-TLS", userName: "u", password: "p", ignoreSSLPolicyErrors: false,
      recipient: "a@b.example", mode: "attachment", includeSubfolders: true, incremental: false });
  // implicit TLS is SMTP-SSL, the product's name; an older profile's SMTPS reads as it
  assert.ok(EXPORT_PROTOCOLS.smtp.some((p) => p.id === "SMTP-SSL" && p.port === 465));
  assert.equal(formFromExportProfile({ connector: "smtp", details: { protocol: "SMTPS" } }).protocol, "SMTP-SSL");
});

test("checks as typed, each with its text in both languages", () => {
  assert.deepEqual(Object.keys(exportProblems(form({}))).sort(), ["name", "path"]);
  assert.deepEqual(exportProblems(form({ name: "x", path: "rel" })).path, { key: "arcPathAbsolute" });
  assert.deepEqual(exportProblems(form({ name: "x", path: "/a", fromDate: "2024-02-30" })).fromDate, { key: "expDateInvalid" });
  assert.deepEqual(exportProblems(form({ name: "x", path: "/a", fromDate: "2024-02-01", toDate: "2024-02-01" })).toDate,
                   { key: "expDateOrder" });
  const smtp = exportProblems(form({ connector: "smtp", name: "x", host: "mx", userName: "u", recipient: "nope" }));
  assert.deepEqual(Object.keys(smtp).sort(), ["password", "recipient"]);
  const imap = exportProblems(form({ connector: "imap", name: "x", host: "mx", port: "70000" }));
  assert.deepEqual(Object.keys(imap).sort(), ["password", "port", "userName"]);
  assert.deepEqual(exportProblems(form({ name: "x", path: "/a", folders: Array.from({ length: 1001 }, (_, i) => "f" + i) })).folders.key,
                   "expTooManyFolders");
  for (const f of [form({}), form({ connector: "smtp", userName: "u", recipient: "x", fromDate: "x" }), form({ connector: "imap", pause: "x" })]) {
    for (const p of Object.values(exportProblems(f))) {
      assert.ok(p.key in catalogues.en && p.key in catalogues.de, p.key);
    }
  }
});

test("the field a server's message names", () => {
  assert.equal(fieldOfMessage("'details.path' '/etc/x' is outside the directories this instance may use"), "path");
  assert.equal(fieldOfMessage("'details.toDate' must be after 'details.fromDate'."), "toDate");
  assert.equal(fieldOfMessage("'properties.name' must be 1 to 255 characters."), "name");
  assert.equal(fieldOfMessage("'properties.details' has the unknown key 'x' for exports to mbox."), null);
  assert.equal(fieldOfMessage("The instance is not running."), null);
});

test("a profile read back into the form, its password empty; the list's target line", () => {
  const p = { id: 3, name: "R", type: "export", owner: "jdoe", connector: "imap",
              details: { host: "mx", port: 993, userName: "u", targetFolder: "Old", folders: "jdoe", incremental: "1" },
              serverSideExecution: { automatic: true, automaticPauseBetweenExecutions: 60 } };
  const f = formFromExportProfile(p);
  assert.deepEqual([f.password, f.folders, f.incremental, f.automatic, f.pause, f.owner], ["", ["jdoe"], true, true, "60", "jdoe"]);
  assert.equal(exportTargetOf(p), "u@mx:993 · Old");
  assert.equal(exportTargetOf({ connector: "smtp", details: { host: "mx", recipient: "a@b" } }), "a@b · mx");
  assert.equal(exportTargetOf({ connector: "mbox", details: { path: "/x" } }), "/x");
  assert.equal(isExportProfile(p), true);
  assert.equal(isExportProfile({ type: "archive" }), false);
});

test("the newest result of each profile; the folders offered with those above them", () => {
  const m = lastResults([{ id: 1, profileId: 3, startTime: "2025-01-01T10:00:00Z" }, { id: 2, profileId: 3, startTime: "2025-01-02T10:00:00Z" },
                         { id: 5, profileId: null, startTime: "2025-01-03T10:00:00Z" }, { id: 4, profileId: 7, startTime: "2025-01-01T00:00:00Z" }]);
  assert.deepEqual([...m.entries()].map(([k, v]) => [k, v.id]), [[3, 2], [7, 4]]);
  assert.deepEqual(folderChoices([{ folder: "jdoe/Inbox/Sub" }, { folder: "alice/Inbox" }, { folder: "" }, null]),
                   ["alice", "alice/Inbox", "jdoe", "jdoe/Inbox", "jdoe/Inbox/Sub"]);
});

test("an export run's report is read with its own counts", () => {
  const r = readReport({ exported: 12, exportedBefore: 2, failed: 1, selected: 15, resumed: true, errors: ["x"],
                         folders: { "alice/Inbox": { archived: 12, failed: 1 } } });
  assert.deepEqual([r.export, r.exported, r.exportedBefore, r.failed, r.selected, r.resumed, r.folders[0].archived],
                   [true, 12, 2, 1, 15, true, 12]);
  assert.equal(readReport({ archived: 3, duplicates: 0 }).export, false);
});
