// An instance's Live Statistics: the samples of
// GetInstanceProcessLiveStatistics (instance_server.cpp liveStatistics())
// kept for the last minutes, rates from two samples in a row, a restarted
// process starting the history again, and which instances can be asked.
import { test } from "node:test";
import assert from "node:assert/strict";
import { POLL_MS, WINDOW_MS, addSample, canSample, cpuPercent, latestFigures, perSecond,
         seriesOf } from "../src/instance_live.js";

const sample = (timestamp, extra = {}) => ({
  processUniqueID: "p1", timestamp, totalProcessorMilliseconds: 0, totalIOReadBytes: 0, totalIOWriteBytes: 0,
  totalIOOtherBytes: 0, totalRemoteProcedureCalls: 0, totalMessagesArchived: 0, totalMessagesChecked: 0,
  currentPrivateMemoryBytes: 1000, totalPasswordChecks: 0, totalDummyPasswordChecks: 0, totalLoginsThrottled: 0,
  peakConcurrentPasswordHashes: 0, ...extra,
});

test("polling every few seconds, over a window of minutes", () => {
  assert.ok(POLL_MS >= 1000 && POLL_MS <= 10000);
  assert.ok(WINDOW_MS >= 60000 && WINDOW_MS / POLL_MS <= 600, "the chart keeps a few hundred points at most");
});

test("samples are kept in order for the window; a sample not newer than the last is dropped", () => {
  let h = addSample(null, sample(1000));
  h = addSample(h, sample(4000));
  assert.deepEqual(h.samples.map((s) => s.timestamp), [1000, 4000]);
  assert.equal(addSample(h, sample(4000)).samples.length, 2);
  assert.equal(addSample(h, sample(3000)).samples.length, 2);
  assert.equal(addSample(h, null).samples.length, 2);
  assert.equal(addSample(h, { processUniqueID: "p1" }).samples.length, 2);  // no timestamp
  let long = null;
  for (let t = 0; t <= 10 * 60000; t += 3000) long = addSample(long, sample(t), 5 * 60000);
  assert.equal(long.samples[0].timestamp, 5 * 60000);
  assert.equal(long.samples.length, 101);
  assert.equal(long.restarted, false);
});

test("a new process (another processUniqueID, or a counter going back) starts the history again", () => {
  let h = addSample(addSample(null, sample(1000)), sample(4000, { totalProcessorMilliseconds: 500 }));
  const other = addSample(h, sample(7000, { processUniqueID: "p2" }));
  assert.equal(other.restarted, true);
  assert.deepEqual(other.samples.map((s) => s.timestamp), [7000]);
  const back = addSample(h, sample(7000, { totalProcessorMilliseconds: 10 }));
  assert.equal(back.restarted, true);
  assert.equal(back.samples.length, 1);
  // The new process's clock may even be behind: its first sample is kept.
  assert.deepEqual(addSample(h, sample(2000, { processUniqueID: "p3" })).samples.map((s) => s.timestamp), [2000]);
});

test("CPU as a percentage of one core and counters per second between two samples", () => {
  const a = sample(10000, { totalProcessorMilliseconds: 1000, totalIOReadBytes: 0 });
  const b = sample(13000, { totalProcessorMilliseconds: 1300, totalIOReadBytes: 3 * 1024 * 1024 });
  assert.equal(cpuPercent(a, b), 10);
  assert.equal(perSecond(a, b, "totalIOReadBytes"), 1024 * 1024);
  assert.equal(cpuPercent(a, sample(13000, { totalProcessorMilliseconds: 7000 })), 200);  // two cores busy
  assert.equal(cpuPercent(a, a), null);                                               // no time passed
  assert.equal(cpuPercent(b, a), null);
  assert.equal(perSecond(a, b, "noSuchField"), null);
  assert.equal(perSecond(b, sample(16000, { totalIOReadBytes: 0 }), "totalIOReadBytes"), null);  // went back
});

test("the chart's series: one point per sample, rates empty for the first", () => {
  const s = seriesOf([
    sample(0, { currentPrivateMemoryBytes: 100 }),
    sample(2000, { totalProcessorMilliseconds: 200, totalIOWriteBytes: 4000, currentPrivateMemoryBytes: 200 }),
    sample(4000, { totalProcessorMilliseconds: 300, totalIOWriteBytes: 4000, totalRemoteProcedureCalls: 6, currentPrivateMemoryBytes: 150 }),
  ]);
  assert.deepEqual(s.x, [0, 2000, 4000]);
  assert.deepEqual(s.cpu, [null, 10, 5]);
  assert.deepEqual(s.memory, [100, 200, 150]);
  assert.deepEqual(s.writePerSecond, [null, 2000, 0]);
  assert.deepEqual(s.callsPerSecond, [null, 0, 3]);
  assert.deepEqual(s.readPerSecond, [null, 0, 0]);
  assert.deepEqual(seriesOf([]).x, []);
});

test("the latest figures: rates once two samples exist, the totals, and fields the console does not know", () => {
  assert.equal(latestFigures([]), null);
  const one = latestFigures([sample(0, { totalMessagesArchived: 12 })]);
  assert.equal(one.cpu, null);
  assert.equal(one.memory, 1000);
  assert.equal(one.readPerSecond, null);
  assert.deepEqual(one.totals.find(([k]) => k === "totalMessagesArchived"), ["totalMessagesArchived", 12]);
  assert.deepEqual(one.other, []);
  const two = latestFigures([sample(0), sample(1000, { totalProcessorMilliseconds: 50, somethingNew: 7, nested: { a: 1 } })]);
  assert.equal(two.cpu, 5);
  assert.equal(two.processUniqueID, "p1");
  assert.deepEqual(two.other, [["nested", '{"a":1}'], ["somethingNew", 7]]);
  // An older server's answer (the product's ten fields): no password figures, no error.
  const old = latestFigures([{ processUniqueID: "x", timestamp: 1, totalProcessorMilliseconds: 1, currentPrivateMemoryBytes: 5 }]);
  assert.deepEqual(old.totals, []);
});

test("only an instance with a process is asked", () => {
  assert.equal(canSample({ status: "running", processID: 1 }), true);
  assert.equal(canSample({ status: "stopped", processID: null }), false);
  assert.equal(canSample({ status: "error", processID: null }), false);
  assert.equal(canSample({ status: "stopping", processID: 5 }), true);
  assert.equal(canSample({ status: "starting", processID: null }), false);
  assert.equal(canSample(null), false);
});
