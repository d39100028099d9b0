// The Compliance tab's logic: the event groups against the instance's
// catalogue, the configuration form, retention policies (form, the server's
// checks, the list edits) and the audit log's filters and pages.
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { ALL_EVENTS, EVENT_GROUPS, auditPageOf, auditQuery, configChanged, configFormOf, configOf, emptyPolicyForm,
         eventGroupsOf, exportFileName, normaliseFolder, periodParts, policiesWith, policyFormOf, policyOf,
         policyProblems, utcOf, withEvents } from "../src/compliance.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const header = path.join(here, "..", "..", "..", "..", "instancehost", "instance", "model", "audit_events.h");

test("the groups hold exactly the instance's event catalogue, each name once", () => {
  const text = fs.readFileSync(header, "utf8");
  const names = [...text.matchAll(/inline constexpr std::string_view k\w+ = "(\w+)";/g)].map((m) => m[1]);
  assert.ok(names.length >= 40, "the header's names were not found");
  assert.deepEqual([...ALL_EVENTS].sort(), [...names].sort());
  assert.equal(new Set(ALL_EVENTS).size, ALL_EVENTS.length);
  for (const g of EVENT_GROUPS) assert.match(g.group, /^cmpGroup[A-Z]/);
});

test("names the console does not know get their own group and are kept", () => {
  assert.equal(eventGroupsOf(["UserAdd"]), EVENT_GROUPS);
  const groups = eventGroupsOf(["UserAdd", "ZetaNew", "AlphaNew", "ZetaNew"]);
  assert.deepEqual(groups.at(-1), { group: "cmpGroupOther", events: ["AlphaNew", "ZetaNew"] });
  const form = configFormOf({ logSuccessfulUserActivities: ["ZetaNew", "UserAdd"] });
  assert.deepEqual(configOf(form).logSuccessfulUserActivities, ["UserAdd", "ZetaNew"]);
});

test("the configuration form: select all, none, a group; changed or not", () => {
  const answered = { legalHoldEnabled: true, adminEmailPreviewEnabled: false, logSuccessfulUserActivities: ["UserAdd"] };
  const form = configFormOf(answered);
  assert.equal(form.legalHoldEnabled, true);
  assert.equal(configChanged(form, answered), false);
  const all = withEvents(form.selected, ALL_EVENTS, true);
  assert.equal(all.size, ALL_EVENTS.length);
  assert.equal(withEvents(all, ALL_EVENTS, false).size, 0);
  const noSessions = withEvents(all, EVENT_GROUPS[0].events, false);
  assert.equal(noSessions.has("SessionLogin"), false);
  assert.equal(noSessions.has("UserAdd"), true);
  assert.equal(configChanged({ ...form, selected: noSessions }, answered), true);
  assert.equal(configChanged({ ...form, adminEmailPreviewEnabled: true }, answered), true);
  assert.deepEqual(Object.keys(configOf(form)).sort(), ["adminEmailPreviewEnabled", "logSuccessfulUserActivities"],
                   "legal hold is set on its own, after asking");
  assert.deepEqual(configFormOf(null).selected.size, 0);
});

test("a policy round-trips through the form in the server's normalised shape", () => {
  const policies = [
    { name: "Everything after 10 years", scope: { kind: "allArchives" }, period: { years: 10, months: 0, days: 0 },
      from: "messageDate", action: "delete" },
    { name: "Sales", scope: { kind: "users", users: ["jdoe", "amy"] }, period: { years: 0, months: 18, days: 0 },
      from: "archiveDate", action: "delete" },
    { name: "Contracts", scope: { kind: "folders", folders: ["jdoe/Contracts"], includeSubfolders: false },
      period: { years: 30, months: 0, days: 5 }, from: "messageDate", action: "delete" },
  ];
  for (const p of policies) assert.deepEqual(policyOf(policyFormOf(p)), p);
});

test("the form's lists: lines trimmed, folders normalised as the stores do", () => {
  assert.equal(normaliseFolder(" jdoe / Inbox// Old "), "jdoe/Inbox/Old");
  const p = policyOf({ ...emptyPolicyForm(), name: "  F  ", kind: "folders", folders: "jdoe / Inbox\n\n  amy/Sent \n",
                       includeSubfolders: true, days: "7" });
  assert.deepEqual(p.scope, { kind: "folders", folders: ["jdoe/Inbox", "amy/Sent"], includeSubfolders: true });
  assert.equal(p.name, "F");
  assert.deepEqual(p.period, { years: 0, months: 0, days: 7 });
});

test("what the server refuses is marked at the field", () => {
  const ok = { ...emptyPolicyForm(), name: "A", years: "1" };
  assert.deepEqual(policyProblems(ok), {});
  const key = (form, others, field) => policyProblems(form, others)[field]?.key;
  assert.equal(key({ ...ok, name: "   " }, [], "name"), "retNameEmpty");
  assert.equal(key({ ...ok, name: "x".repeat(101) }, [], "name"), "retNameTooLong");
  assert.equal(key({ ...ok, name: "a\tb" }, [], "name"), "retNameControl");
  assert.equal(key({ ...ok, name: "a" }, ["B", "A"], "name"), "retNameTaken");
  assert.equal(key({ ...ok, kind: "users", users: " \n" }, [], "users"), "retUsersEmpty");
  assert.equal(key({ ...ok, kind: "users", users: "jdoe/Inbox" }, [], "users"), "retUserSlash");
  assert.deepEqual(policyProblems({ ...ok, kind: "users", users: "Jdoe\njdoe" }).users, { key: "retDuplicate", vars: { name: "jdoe" } });
  assert.equal(key({ ...ok, kind: "folders", folders: "" }, [], "folders"), "retFoldersEmpty");
  assert.equal(key({ ...ok, kind: "folders", folders: "a/b\na / b" }, [], "folders"), "retDuplicate");
  assert.equal(key({ ...ok, kind: "users", users: Array.from({ length: 1001 }, (_, i) => "u" + i).join("\n") }, [], "users"),
               "retTooMany");
  assert.equal(key({ ...ok, years: "0" }, [], "years"), "retPeriodZero");
  assert.deepEqual(policyProblems({ ...ok, months: "1201" }).months, { key: "retPeriodRange", vars: { max: 1200 } });
  assert.equal(key({ ...ok, days: "1.5" }, [], "days"), "retPeriodRange");
  assert.equal(key({ ...ok, days: "-1" }, [], "days"), "retPeriodRange");
  assert.equal(key({ ...ok, years: "0", days: "" }, [], "days"), "retPeriodRange");
  assert.deepEqual(policyProblems({ ...ok, kind: "users", users: "" }).folders, undefined, "only the chosen scope is checked");
});

test("the list: add, replace, remove; a period in parts", () => {
  const a = { name: "a" }, b = { name: "b" }, c = { name: "c" };
  assert.deepEqual(policiesWith([a], -1, b), [a, b]);
  assert.deepEqual(policiesWith([a, b], 0, c), [c, b]);
  assert.deepEqual(policiesWith([a, b], 0, null), [b]);
  assert.deepEqual(policiesWith(null, -1, a), [a]);
  assert.deepEqual(periodParts({ years: 1, months: 0, days: 3 }), [{ key: "retYears", n: 1 }, { key: "retDays", n: 3 }]);
});

test("audit filters: local times sent as UTC, empty ones left out, paging asks one more", () => {
  const from = "2026-12-01T08:30";
  const q = auditQuery({ from, to: "", actor: " admin ", event: "UserAdd", object: "" }, 3, 50);
  assert.deepEqual(q.problems, {});
  assert.deepEqual(q.args, { fromIncluding: new Date(from).toISOString().slice(0, 19) + "Z", actor: "admin", event: "UserAdd" });
  assert.deepEqual(q.paging, { limit: 51, offset: 100 });
  assert.match(utcOf(from), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  assert.equal(utcOf(""), "");
  assert.equal(utcOf("not a time"), null);
  assert.equal(auditQuery({ from: "x" }).problems.from.key, "audTimeInvalid");
  assert.equal(auditQuery({ from: "2026-12-02T00:00", to: "2026-12-01T00:00" }).problems.to.key, "audToBeforeFrom");
});

test("a page of entries and whether another follows", () => {
  const rows = Array.from({ length: 51 }, (_, i) => ({ sequence: i + 1 }));
  assert.deepEqual(auditPageOf(rows, 2, 50).more, true);
  assert.equal(auditPageOf(rows, 2, 50).rows.length, 50);
  assert.deepEqual([auditPageOf(rows, 2, 50).from, auditPageOf(rows, 2, 50).to], [51, 100]);
  assert.deepEqual(auditPageOf(rows.slice(0, 3), 1, 50), { rows: rows.slice(0, 3), more: false, from: 1, to: 3 });
  assert.deepEqual(auditPageOf(null), { rows: [], more: false, from: 0, to: 0 });
});

test("an export's file name", () => {
  assert.equal(exportFileName("acme 1", new Date("2026-12-07T10:11:12.345Z")), "audit-acme_1-20261207-101112.jsonl");
});
