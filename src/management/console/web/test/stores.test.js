// The Archive Stores and Search Indexes tabs' logic (src/stores.js and
// src/index_config.js): which command applies to which store (the server's
// rules), the checks as typed, the auto-create and index configuration
// forms to and from their JSON, and the outcome of each command's result.
import { test } from "node:test";
import assert from "node:assert/strict";
import { catalogues } from "../src/catalogue.js";
import { translator } from "../src/i18n.js";
import * as I from "../src/index_config.js";
import * as S from "../src/stores.js";

const store = (id, extra = {}) => ({
  id, name: `Store ${id}`, requestedState: "normal", error: null, statisticsCount: 10, statisticsSize: 1000,
  needsUpgrade: false, searchIndexesNeedRebuild: false, databasePath: `/data/i/Store${id}`,
  contentPath: `/data/i/Store${id}/Content`, indexPath: `/data/i/Store${id}/Index`, ...extra,
});
const current = store(1, { name: "DefaultFileGroup", requestedState: "current" });
const normal = store(2);
const locked = store(3, { requestedState: "writeProtected" });
const disabled = store(4, { requestedState: "disabled" });
const broken = store(5, { error: "The directory /data/i/Store5 does not exist.", searchIndexesNeedRebuild: false });
const old = store(6, { needsUpgrade: true, searchIndexesNeedRebuild: true });
const all = [current, normal, locked, disabled, broken, old];

test("open: not disabled and not in error", () => {
  assert.deepEqual(all.filter(S.isOpen).map((s) => s.id), [1, 2, 3, 6]);
  assert.equal(S.isOpen(null), false);
});

test("flags: error, needs upgrade, index rebuild, in that order, with badge kinds", () => {
  assert.deepEqual(S.storeFlags(broken).map((f) => [f.flag, f.kind]), [["error", "error"]]);
  assert.deepEqual(S.storeFlags(old).map((f) => f.flag), ["needsUpgrade", "searchIndexesNeedRebuild"]);
  assert.deepEqual(S.storeFlags(normal), []);
  assert.deepEqual(S.STATES.map(S.stateKind), ["active", "information", "warning", "stopped"]);
});

test("the current store: no detach, no state change, no path change; everything else may run", () => {
  assert.equal(S.whyNot("detach", current), S.WHY.currentDetach);
  assert.equal(S.whyNot("state", current), S.WHY.currentState);
  assert.equal(S.whyNot("path", current), S.WHY.pathNeedsDisabled);
  assert.equal(S.whyNot("recover", current), S.WHY.recoverOpen);
  for (const c of ["rename", "verify", "compact", "repair", "recreate", "unlock"]) assert.equal(S.whyNot(c, current), null, c);
  assert.deepEqual(S.statesFor(current), []);
  assert.deepEqual(S.statesFor(normal), S.STATES);
});

test("stores that are not open: only properties, unlock, recover, detach", () => {
  for (const s of [disabled, broken]) {
    for (const c of ["verify", "compact", "repair", "recreate", "upgrade", "merge"]) assert.equal(S.whyNot(c, s, all), S.WHY.notOpen, c);
    for (const c of ["rename", "state", "unlock", "recover", "detach"]) assert.equal(S.whyNot(c, s, all), null, c);
  }
  assert.equal(S.whyNot("path", disabled), null);
  assert.equal(S.whyNot("path", broken), S.WHY.pathNeedsDisabled, "SetStorePath: only while disabled");
});

test("write-protected stores are verified but not changed (ArchiveStore::refuseIfProtected)", () => {
  assert.equal(S.whyNot("verify", locked), null);
  for (const c of ["compact", "repair", "recreate", "upgrade", "merge"]) assert.equal(S.whyNot(c, locked, all), S.WHY.writeProtected, c);
});

test("upgrade only when needed; merge needs another open store that is not current", () => {
  assert.equal(S.whyNot("upgrade", normal), S.WHY.noUpgrade);
  assert.equal(S.whyNot("upgrade", old), null);
  assert.deepEqual(S.mergeSources(normal, all).map((s) => s.id), [3, 6]);
  assert.deepEqual(S.mergeSources(current, all).map((s) => s.id), [2, 3, 6]);
  assert.equal(S.whyNot("merge", normal, all), null);
  assert.equal(S.whyNot("merge", current, [current, normal]), null);
  assert.equal(S.whyNot("merge", normal, [current, normal]), S.WHY.noMergeSource);
  assert.throws(() => S.whyNot("nonsense", normal));
});

test("a selection: each command goes to the stores it applies to", () => {
  assert.deepEqual(S.targetsOf("verify", all, all).map((s) => s.id), [1, 2, 3, 6]);
  assert.deepEqual(S.targetsOf("detach", all, all).map((s) => s.id), [2, 3, 4, 5, 6]);
  assert.deepEqual(S.targetsOf("compact", all, all).map((s) => s.id), [1, 2, 6]);
  assert.deepEqual(S.targetsOf("upgrade", all, all).map((s) => s.id), [6]);
  const multi = Object.entries(S.STORE_COMMANDS).filter(([, c]) => c.multi).map(([n]) => n);
  assert.deepEqual(multi, ["state", "verify", "compact", "repair", "recreate", "upgrade", "detach"]);
});

test("every store function of the API has its command, long-running as the server declares", () => {
  const fns = Object.fromEntries([...Object.values(S.STORE_COMMANDS), ...Object.values(S.INSTANCE_COMMANDS)].map((c) => [c.fn, c.long]));
  // management/functions/archive_functions.cpp: the forwarded store functions and their long_running flag.
  const server = {
    AttachStore: false, CreateStore: false, DetachStore: false, RenameStore: false, SetStorePath: false,
    SetStoreRequestedState: false, RetryOpenStores: false, UnlockStore: false, VerifyStore: true, VerifyStores: true,
    RecoverStore: true, RecreateRecoveryRecords: true, RefreshAllStoreStatistics: true, UpgradeStore: true,
    UpgradeStores: true, RepairStoreDatabase: true, CompactStore: true, MaintainFileSystemDatabases: true, MergeStore: true,
  };
  for (const [fn, long] of Object.entries(server)) {
    if (fn === "CreateStore" || fn === "AttachStore") continue;  // the tab's own dialogs
    assert.equal(fns[fn], long, fn);
  }
  assert.equal(Object.keys(fns).length, Object.keys(server).length - 2);
});

test("names, directories and recovery keys as typed", () => {
  assert.equal(S.storeNameProblem(""), S.PROBLEM.nameEmpty);
  assert.equal(S.storeNameProblem("   "), S.PROBLEM.nameEmpty);
  assert.equal(S.storeNameProblem("x".repeat(256)), S.PROBLEM.nameTooLong);
  assert.equal(S.storeNameProblem("Archive 2024"), null);
  assert.equal(S.storePathProblem(""), S.PROBLEM.pathEmpty);
  assert.equal(S.storePathProblem("data/x"), S.PROBLEM.pathAbsolute);
  assert.equal(S.storePathProblem("C:\\Data"), S.PROBLEM.pathAbsolute);
  assert.equal(S.storePathProblem("/data/a\tb"), S.PROBLEM.pathControl);
  assert.equal(S.storePathProblem("/" + "d".repeat(1000)), S.PROBLEM.pathTooLong);
  assert.equal(S.storePathProblem("~/Data/2024"), null);
  assert.equal(S.storePathProblem("/srv/spe/x"), null);
  const key = "0123abcd".repeat(8);
  assert.equal(S.recoveryKeyProblem(key), null);
  assert.equal(S.recoveryKeyProblem(key.match(/.{8}/g).join("-")), null);
  assert.equal(S.recoveryKeyProblem(key.toUpperCase()), null);
  assert.equal(S.recoveryKeyProblem(key.slice(1)), S.PROBLEM.keyInvalid);
  assert.equal(S.recoveryKeyProblem("g" + key.slice(1)), S.PROBLEM.keyInvalid);
  assert.equal(S.recoveryKeyProblem(""), S.PROBLEM.keyEmpty);
  assert.equal(S.recoveryKeyProblem("", true), null);
});

test("a new store's suggested directory: the auto-create base and the name as a directory", () => {
  assert.equal(S.suggestedPath("/srv/i/Data", "Archive 2024"), "/srv/i/Data/Archive-2024");
  assert.equal(S.suggestedPath("/srv/i/Data/", "../../etc"), "/srv/i/Data/etc");
  assert.equal(S.suggestedPath("", "Ünïcode"), "~/Data/n-code");
  assert.equal(S.suggestedPath(null, "***"), "~/Data/Store");
  assert.equal(S.storePathProblem(S.suggestedPath("/srv/i/Data", "x".repeat(400))), null);
});

test("auto-create: GetStoreAutoCreateConfiguration to the form and back", () => {
  const got = { sizeThreshold: null, baseDirectory: "/srv/i/Data", contentBaseDirectory: "/srv/i/Data", indexBaseDirectory: "/srv/i/Data" };
  const f = S.autoCreateForm(got);
  assert.deepEqual(f, { automatic: true, thresholdMB: "", baseDirectory: "/srv/i/Data" });
  assert.deepEqual(S.autoCreateConfig(f), { sizeThreshold: null, baseDirectory: "/srv/i/Data" });
  const g = S.autoCreateForm({ sizeThreshold: "51200", baseDirectory: "/x" });
  assert.deepEqual(g, { automatic: false, thresholdMB: "51200", baseDirectory: "/x" });
  assert.deepEqual(S.autoCreateConfig({ ...g, thresholdMB: " 2048 ", baseDirectory: " " }), { sizeThreshold: "2048" });
  assert.equal(S.thresholdProblem(g), null);
  assert.equal(S.thresholdProblem({ ...g, thresholdMB: "" }), S.PROBLEM.thresholdEmpty);
  for (const bad of ["0", "-5", "1.5", "10 GB", "1e3"]) assert.equal(S.thresholdProblem({ ...g, thresholdMB: bad }), S.PROBLEM.thresholdInvalid, bad);
  assert.equal(S.thresholdProblem({ automatic: true, thresholdMB: "nonsense" }), null);
  assert.equal(S.baseDirectoryProblem(""), null);
  assert.equal(S.baseDirectoryProblem("relative"), S.PROBLEM.pathAbsolute);
  assert.deepEqual(S.autoCreateForm(null), { automatic: true, thresholdMB: "", baseDirectory: "" });
});

test("index configuration: null means every type; a list splits into the known types and others", () => {
  const f = I.indexForm({ attachmentExtensions: null, includeAttachmentsOfPDFs: false });
  assert.equal(f.all, true);
  assert.deepEqual(f.types, I.KNOWN_TYPES);
  assert.deepEqual(I.indexConfig(f), { attachmentExtensions: null, includeAttachmentsOfPDFs: false });
  const g = I.indexForm({ attachmentExtensions: ["pdf", "DOCX", ".zz"], includeAttachmentsOfPDFs: true });
  assert.deepEqual(g, { all: false, types: ["pdf", "docx"], other: "zz", includeAttachmentsOfPDFs: true });
  assert.deepEqual(I.indexConfig({ ...g, other: "*.zz, .Md; md  txt" }),
                   { attachmentExtensions: ["pdf", "docx", "zz", "md", "txt"], includeAttachmentsOfPDFs: true });
  assert.deepEqual(I.indexConfig({ all: false, types: [], other: "", includeAttachmentsOfPDFs: false }).attachmentExtensions, []);
  assert.equal(I.otherExtensionsProblem({ all: false, other: "md, x/y" }), S.PROBLEM.otherInvalid);
  assert.equal(I.otherExtensionsProblem({ all: false, other: "md, tar.gz" }), S.PROBLEM.otherInvalid);
  assert.equal(I.otherExtensionsProblem({ all: false, other: " .md , *.adoc " }), null);
  assert.equal(I.otherExtensionsProblem({ all: true, other: "x/y" }), null);
});

test("the known attachment types are the server's readers (src/index/extractor_programs.cpp)", () => {
  const builtIn = ["txt", "text", "csv", "log", "htm", "html", "pdf"];
  const programs = ["docx", "docm", "xlsx", "odt", "ods", "odp", "rtf", "doc", "xls", "ppt"];
  assert.deepEqual([...I.KNOWN_TYPES].sort(), [...builtIn, ...programs].sort());
  assert.equal(new Set(I.KNOWN_TYPES).size, I.KNOWN_TYPES.length);
});

test("outcomes: each command's result as a line, problems listed", () => {
  const s = { id: 2, name: "Archive" };
  let o = S.outcomeOf("VerifyStore", { messagesChecked: 12, recoveryRecords: 12, problems: [], id: 2, indexesChecked: true }, s);
  assert.equal(o.key, "stoDoneVerify");
  assert.deepEqual([o.vars.messages, o.vars.records, o.problems], [12, 12, 0]);
  o = S.outcomeOf("VerifyStore", { messagesChecked: 3, problems: Array.from({ length: 30 }, (_, i) => `p${i}`) }, s);
  assert.equal(o.key, "stoDoneVerifyProblems");
  assert.equal(o.lines.length, 20);
  assert.equal(o.problems, 30);
  o = S.outcomeOf("VerifyStores", [{ messagesChecked: 5, problems: [] }, { messagesChecked: 7, problems: ["x"] }]);
  assert.deepEqual([o.key, o.vars.messages, o.vars.n, o.vars.stores], ["stoDoneVerifyAllProblems", 12, 1, 2]);
  assert.equal(S.outcomeOf("VerifyStores", []).key, "stoDoneVerifyAll");
  assert.equal(S.outcomeOf("CompactStore", { reclaimedBytes: 4096 }, s).vars.bytes, 4096);
  assert.deepEqual(S.outcomeOf("MergeStore", { mergedMessages: 5, duplicates: 1, sourceDirectory: "/d" }, s).vars,
                   { name: "Archive", n: 5, duplicates: 1, directory: "/d" });
  assert.equal(S.outcomeOf("UnlockStore", "The archive store 2 was unlocked", s).vars.text, "The archive store 2 was unlocked");
  assert.equal(S.outcomeOf("RetryOpenStores", { storesInError: 1 }).vars.n, 1);
  assert.deepEqual(S.outcomeOf("RebuildSelectedStoreIndexes", { rebuiltStores: [1, 2] }).vars, { n: 2, ids: "1, 2" });
  assert.equal(S.outcomeOf("SomethingNew", null).key, "stoDoneOther");
  assert.equal(S.outcomeOf("CompactStore", null, s).vars.bytes, 0);
});

test("totals and the stores whose indexes need a rebuild", () => {
  assert.deepEqual(S.totals(all), { stores: 6, messages: 60, bytes: 6000, open: 4, attention: 2 });
  assert.deepEqual(S.totals(null), { stores: 0, messages: 0, bytes: 0, open: 0, attention: 0 });
  assert.deepEqual(S.needingRebuild(all).map((s) => s.id), [6]);
});

test("every key the module returns is in both catalogues, with the placeholders it fills", () => {
  const keys = [...Object.values(S.WHY), ...Object.values(S.PROBLEM), ...I.ATTACHMENT_TYPES.map((g) => g.key),
                ...all.flatMap(S.storeFlags).map((f) => f.key)];
  const fns = ["VerifyStore", "VerifyStores", "CompactStore", "RepairStoreDatabase", "RecreateRecoveryRecords", "UpgradeStore",
               "UpgradeStores", "RecoverStore", "MergeStore", "DetachStore", "SetStoreRequestedState", "RenameStore", "SetStorePath",
               "UnlockStore", "CreateStore", "AttachStore", "RefreshAllStoreStatistics", "RetryOpenStores",
               "MaintainFileSystemDatabases", "RebuildSelectedStoreIndexes", "X"];
  const outcomes = fns.flatMap((fn) => [S.outcomeOf(fn, {}, { id: 1, name: "n" }), S.outcomeOf(fn, [{ problems: ["p"] }], null),
                                        S.outcomeOf(fn, { problems: ["p"] }, { id: 1, name: "n" })]);
  for (const k of [...keys, ...outcomes.map((o) => o.key)]) {
    assert.ok(k in catalogues.en, `${k} missing in English`);
    assert.ok(k in catalogues.de, `${k} missing in German`);
  }
  for (const lang of ["en", "de"]) {
    const t = translator(lang);
    for (const o of outcomes) {
      const text = t(o.key, { ...o.vars, state: "x", label: "l" });
      assert.ok(!/\{\w+\}/.test(text), `${lang} ${o.key}: ${text}`);
    }
  }
});
