// The Instances page's logic: search, filters, sorting, paging (1,000
// instances), which instances an action applies to, and the ID rules of
// the wizard (the server's isValidInstanceId and checkAlias).
import { test } from "node:test";
import assert from "node:assert/strict";
import { ACTIONS, CONFIRMED, actionCall, aliasProblem, defaultBaseDirectory, distinct, filterInstances, instanceFilterFor,
         instanceIdProblem, matchesSearch, pageOf, sortInstances, targetsOf } from "../src/instances.js";

const inst = (instanceID, extra = {}) => ({ instanceID, alias: "", displayName: "", instanceHost: "ih1", startMode: "manual",
                                            processID: null, status: "stopped", startStopError: null, safeMode: false, frozen: false, ...extra });
const list = [
  inst("acme", { alias: "acme-corp", displayName: "ACME Corporation", status: "running", processID: 11, startMode: "automatic" }),
  inst("globex", { displayName: "Globex", instanceHost: "ih2" }),
  inst("initech", { status: "running", processID: 12, frozen: true }),
  inst("umbrella", { instanceHost: "ih2", startMode: "disabled" }),
  inst("hooli", { status: "error", startStopError: "exit 1" }),
  inst("wayne", { status: "starting", processID: 13, instanceHost: "ih2", safeMode: true }),
];
const ids = (l) => l.map((i) => i.instanceID);

test("search matches ID, alias, display name and host, every word, any case", () => {
  assert.deepEqual(ids(filterInstances(list, { q: "corp" })), ["acme"]);
  assert.deepEqual(ids(filterInstances(list, { q: "ACME corporation" })), ["acme"]);
  assert.deepEqual(ids(filterInstances(list, { q: "ih2" })), ["globex", "umbrella", "wayne"]);
  assert.deepEqual(ids(filterInstances(list, { q: "ih2 glob" })), ["globex"]);
  assert.deepEqual(ids(filterInstances(list, { q: "  " })), ids(list));
  assert.equal(matchesSearch({ instanceID: "x", alias: null }, "x"), true);
});

test("filters: host, status (with frozen and safe mode), start mode, combined with the search", () => {
  assert.deepEqual(ids(filterInstances(list, { host: "ih1" })), ["acme", "initech", "hooli"]);
  assert.deepEqual(ids(filterInstances(list, { status: "running" })), ["acme", "initech"]);
  assert.deepEqual(ids(filterInstances(list, { status: "frozen" })), ["initech"]);
  assert.deepEqual(ids(filterInstances(list, { status: "safeMode" })), ["wayne"]);
  assert.deepEqual(ids(filterInstances(list, { startMode: "disabled" })), ["umbrella"]);
  assert.deepEqual(ids(filterInstances(list, { host: "ih2", status: "stopped" })), ["globex", "umbrella"]);
  assert.deepEqual(ids(filterInstances(list, { host: "ih2", q: "wayne", status: "running" })), []);
});

test("sorting by a column, both ways, stable, numbers in IDs in their order", () => {
  const l = [inst("a10"), inst("a9"), inst("b1", { instanceHost: "ih0" })];
  assert.deepEqual(ids(sortInstances(l, "instanceID", "asc")), ["a9", "a10", "b1"]);
  assert.deepEqual(ids(sortInstances(l, "instanceID", "desc")), ["b1", "a10", "a9"]);
  assert.deepEqual(ids(sortInstances(l, "instanceHost", "asc")), ["b1", "a10", "a9"]);  // ties keep their order
  assert.deepEqual(ids(sortInstances(list, "status")).slice(0, 2), ["hooli", "acme"]);
});

test("paging 1,000 instances draws one page and clamps the page number", () => {
  const many = Array.from({ length: 1000 }, (_, i) => inst("i" + String(i).padStart(4, "0")));
  const p = pageOf(many, 3, 50);
  assert.equal(p.items.length, 50);
  assert.equal(p.items[0].instanceID, "i0100");
  assert.deepEqual([p.page, p.pages, p.from, p.to, p.total], [3, 20, 101, 150, 1000]);
  assert.equal(pageOf(many, 99, 200).page, 5);
  assert.equal(pageOf(many, 99, 200).items.length, 200);
  assert.equal(pageOf(many, -1, 25).page, 1);
  assert.equal(pageOf(many, "x", 25).page, 1);
  assert.deepEqual(pageOf([], 1, 50), { items: [], page: 1, pages: 1, total: 0, from: 0, to: 0 });
  const last = pageOf(many.slice(0, 101), 3, 50);
  assert.deepEqual([last.from, last.to, last.items.length], [101, 101, 1]);
});

test("filtering and sorting 1,000 instances is quick", () => {
  const many = Array.from({ length: 1000 }, (_, i) => inst("cust" + i, { displayName: "Customer " + i, instanceHost: "ih" + (i % 7),
                                                                        status: i % 3 ? "running" : "stopped" }));
  const t0 = performance.now();
  for (let k = 0; k < 20; k++) sortInstances(filterInstances(many, { q: "cust 9", status: "running" }), "instanceHost", "desc");
  assert.ok(performance.now() - t0 < 1000, "20 rounds took " + (performance.now() - t0) + " ms");
});

test("distinct values for the filters", () => {
  assert.deepEqual(distinct(list, "instanceHost"), ["ih1", "ih2"]);
  assert.deepEqual(distinct(list, "startMode"), ["automatic", "disabled", "manual"]);
});

test("actions go to the instances they apply to", () => {
  assert.deepEqual(ids(targetsOf("start", list)), ["globex", "hooli"]);  // umbrella is disabled
  assert.deepEqual(ids(targetsOf("safeMode", list)), ["globex", "hooli"]);
  assert.deepEqual(ids(targetsOf("stop", list)), ["acme", "initech", "wayne"]);
  assert.deepEqual(ids(targetsOf("restart", list)), ["acme", "initech"]);
  assert.deepEqual(ids(targetsOf("freeze", list)), ["acme"]);
  assert.deepEqual(ids(targetsOf("thaw", list)), ["initech"]);
  assert.deepEqual(ids(targetsOf("remove", list)), ["globex", "umbrella", "hooli"]);
  assert.deepEqual(targetsOf("start", []), []);
  assert.deepEqual(targetsOf("nonsense", list), []);
  // an instance in error that still has a process is not stopped
  assert.deepEqual(ids(targetsOf("stop", [inst("x", { status: "error", processID: 5 })])), ["x"]);
  // an on-demand instance without a process (standby) is stopped: it can be started and removed
  const standby = [inst("od", { status: "standby", startMode: "onDemand", processID: null })];
  assert.deepEqual(ids(targetsOf("start", standby)), ["od"]);
  assert.deepEqual(ids(targetsOf("remove", standby)), ["od"]);
  assert.deepEqual(targetsOf("stop", standby), []);
});

test("each action calls its function with the instances named", () => {
  assert.deepEqual(actionCall("start", ["a", "b"]), { fn: "StartInstances", args: { instanceFilter: "a b" } });
  assert.deepEqual(actionCall("safeMode", ["a"]), { fn: "StartInstances", args: { instanceFilter: "a", safeMode: true } });
  assert.deepEqual(ACTIONS.map((a) => actionCall(a, ["x"]).fn),
                   ["StartInstances", "StartInstances", "StopInstances", "RestartInstances", "FreezeInstances", "ThawInstances", "DeleteInstances"]);
  assert.throws(() => actionCall("explode", ["x"]));
  assert.deepEqual([...CONFIRMED].sort(), ["freeze", "remove", "restart", "stop"]);
  assert.equal(instanceFilterFor(new Set(["a", "b"])), "a b");
});

test("instance IDs: the server's rule, checked as typed", () => {
  const cases = {
    "": "idEmpty", "1abc": "idFirstLetter", "-abc": "idFirstLetter", Acme: "idLowerCase", acMe: "idLowerCase",
    "ac_me": "idCharacters", "ac me": "idCharacters", "acmé": "idCharacters", ab: "idTooShort", ["a".repeat(33)]: "idTooLong",
    acme: "idTaken", "acme-corp": "idIsAlias", abc: null, "a-1": null, ["a".repeat(32)]: null, "new-customer-7": null,
  };
  for (const [id, expected] of Object.entries(cases)) assert.equal(instanceIdProblem(id, list), expected, JSON.stringify(id));
});

test("aliases: optional, a-z 0-9 - . _, at most 64, unused", () => {
  assert.equal(aliasProblem("", "x", list), null);
  assert.equal(aliasProblem("my.alias_1-2", "x", list), null);
  assert.equal(aliasProblem("Upper", "x", list), "aliasCharacters");
  assert.equal(aliasProblem("a".repeat(65), "x", list), "aliasTooLong");
  assert.equal(aliasProblem("acme-corp", "x", list), "aliasTaken");
  assert.equal(aliasProblem("globex", "x", list), "aliasTaken");
  assert.equal(aliasProblem("same", "same", list), null);
});

test("the default base directory is <host base>/<id>", () => {
  assert.equal(defaultBaseDirectory("/srv/spe/", "acme"), "/srv/spe/acme");
  assert.equal(defaultBaseDirectory("/srv/spe", ""), "/srv/spe/…");
  assert.equal(defaultBaseDirectory(null, "acme"), null);
});
