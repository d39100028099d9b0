// An instance's Overview: the configuration form (only changed keys are
// sent, the server's rules checked as typed, when a change takes effect) and
// GetInstanceStatistics' figures (instance_server.cpp: sizes in MiB).
import { test } from "node:test";
import assert from "node:assert/strict";
import { catalogues } from "../src/catalogue.js";
import { FIELDS, changedFields, configToSave, formOf, formProblems, isStopped, needRestart,
         statisticsRows } from "../src/instance_overview.js";

// GetInstanceConfiguration's answer (InstanceControl::configurationJson).
const config = {
  instanceID: "acme", alias: "acme-corp", displayName: "ACME", instanceHost: "ih1", startMode: "manual",
  baseDirectory: "/srv/spe/acme", debugLogEnabled: false, imapServerConnectionLogEnabled: false,
  vssWriterEnabled: true, vssWriterExcludeIndexes: false,
};

test("the form holds every key of the configuration but the ID; missing values become empty or false", () => {
  const form = formOf(config);
  assert.deepEqual(Object.keys(form).sort(), Object.keys(config).filter((k) => k !== "instanceID").sort());
  assert.deepEqual(Object.keys(FIELDS).sort(), Object.keys(form).sort());
  assert.equal(form.vssWriterEnabled, true);
  const bare = formOf({ instanceID: "x", alias: null });
  assert.equal(bare.alias, "");
  assert.equal(bare.debugLogEnabled, false);
  assert.equal(bare.startMode, "manual");
});

test("only what changed is sent, trimmed, with the instance's ID; nothing changed sends nothing", () => {
  const form = formOf(config);
  assert.equal(configToSave(config, form), null);
  assert.deepEqual(changedFields(config, { ...form, displayName: " ACME " }), []);  // the same once trimmed
  assert.deepEqual(configToSave(config, { ...form, displayName: "ACME Inc. ", debugLogEnabled: true }),
                   { instanceID: "acme", displayName: "ACME Inc.", debugLogEnabled: true });
  assert.deepEqual(configToSave(config, { ...form, alias: "" }), { instanceID: "acme", alias: "" });  // clears it
  assert.deepEqual(configToSave(config, { ...form, startMode: "automatic", vssWriterEnabled: false }),
                   { instanceID: "acme", startMode: "automatic", vssWriterEnabled: false });
  assert.deepEqual(configToSave(config, { ...form, baseDirectory: "" }), { instanceID: "acme", baseDirectory: "" });
});

test("checks as typed: the alias rule and other instances' names, 256 bytes of display name, the base directory", () => {
  const others = [{ instanceID: "acme", alias: "acme-corp" }, { instanceID: "globex", alias: "gx" }];
  const form = formOf(config);
  assert.deepEqual(formProblems(form, "acme", others), {});
  assert.equal(formProblems({ ...form, alias: "Acme" }, "acme", others).alias, "aliasCharacters");
  assert.equal(formProblems({ ...form, alias: "gx" }, "acme", others).alias, "aliasTaken");
  assert.equal(formProblems({ ...form, alias: "globex" }, "acme", others).alias, "aliasTaken");
  assert.equal(formProblems({ ...form, alias: "acme" }, "acme", others).alias, undefined);     // its own ID
  assert.equal(formProblems({ ...form, alias: "a".repeat(65) }, "acme", others).alias, "aliasTooLong");
  assert.equal(formProblems({ ...form, displayName: "ä".repeat(128) }, "acme", others).displayName, undefined);
  assert.equal(formProblems({ ...form, displayName: "ä".repeat(129) }, "acme", others).displayName, "displayNameTooLong");
  assert.equal(formProblems({ ...form, baseDirectory: "srv/x" }, "acme", others).baseDirectory, "baseDirectoryAbsolute");
  assert.equal(formProblems({ ...form, baseDirectory: "~/x" }, "acme", others).baseDirectory, undefined);
  assert.equal(formProblems({ ...form, baseDirectory: "" }, "acme", others).baseDirectory, undefined);  // the host's default
  assert.equal(formProblems({ ...form, baseDirectory: "/" + "x".repeat(1024) }, "acme", others).baseDirectory,
               "baseDirectoryTooLong");
  assert.equal(formProblems({ ...form, instanceHost: " " }, "acme", others).instanceHost, "chooseHost");
});

test("every problem key is in both catalogues", () => {
  const others = [{ instanceID: "b", alias: "bb" }];
  const keys = new Set();
  for (const alias of ["", "X", "bb", "a".repeat(70)]) {
    for (const base of ["", "x", "/" + "y".repeat(2000)]) {
      for (const p of Object.values(formProblems({ ...formOf(config), alias, baseDirectory: base, instanceHost: "",
                                                    displayName: "z".repeat(300) }, "acme", others))) keys.add(p);
    }
  }
  assert.ok(keys.size >= 6, [...keys].join());
  for (const k of keys) {
    assert.ok(k in catalogues.en, k + " in English");
    assert.ok(k in catalogues.de, k + " in German");
  }
});

test("when changes take effect: a restart only for a running instance's debug log; host and base only while stopped", () => {
  assert.deepEqual(needRestart(["displayName", "debugLogEnabled", "vssWriterEnabled"], { status: "running" }), ["debugLogEnabled"]);
  assert.deepEqual(needRestart(["debugLogEnabled"], { status: "stopped" }), []);
  assert.equal(FIELDS.instanceHost, "stopped");
  assert.equal(FIELDS.baseDirectory, "stopped");
  assert.equal(FIELDS.alias, "now");
  assert.equal(isStopped({ status: "stopped" }), true);
  assert.equal(isStopped({ status: "standby", processID: null }), true);  // on demand, no process
  assert.equal(isStopped({ status: "error", processID: null }), true);
  assert.equal(isStopped({ status: "error", processID: 42 }), false);
  assert.equal(isStopped({ status: "running", processID: 42 }), false);
  assert.equal(isStopped({ status: "starting", processID: null }), false);
});

test("statistics: the known figures in order, sizes from MiB to bytes, unknown fields after them", () => {
  const rows = statisticsRows({ totalSizeMB: 1.5, databaseFileSizeMB: 0.5, contentFileSizeMB: 0.75, indexFileSizeMB: 0.25,
                                numberOfMessages: 12, zNew: 3, aNew: "x" });
  assert.deepEqual(rows.map((r) => r.field),
                   ["numberOfMessages", "totalSizeMB", "databaseFileSizeMB", "contentFileSizeMB", "indexFileSizeMB", "aNew", "zNew"]);
  assert.deepEqual(rows[0], { field: "numberOfMessages", kind: "count", value: 12 });
  assert.deepEqual(rows[1], { field: "totalSizeMB", kind: "mb", value: 1572864 });
  assert.equal(rows[5].kind, "other");
  assert.deepEqual(statisticsRows({ numberOfMessages: null }), [{ field: "numberOfMessages", kind: "other", value: null }]);
  assert.deepEqual(statisticsRows(null), []);
  assert.deepEqual(statisticsRows({}), []);
});
