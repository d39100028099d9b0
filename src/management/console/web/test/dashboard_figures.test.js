// The Dashboard's figures: messages archived per day from the recorded
// counts (falls count 0, gaps bridged, the first day only a base), the
// storage of the biggest instances with the rest summed, and the CPU and
// memory of the instance processes from two rounds of samples.
import { test } from "node:test";
import assert from "node:assert/strict";
import { archivedPerDay, dayMs, processTotals, storageSeries } from "../src/dashboard_figures.js";

const history = {
  days: ["2026-12-01", "2026-12-02", "2026-12-03", "2026-12-04"],
  instances: [
    { instanceID: "a", numberOfMessages: [100, 150, null, 170], totalSizeMB: [10, 15, null, 17] },
    { instanceID: "b", numberOfMessages: [null, null, 40, 30], totalSizeMB: [null, null, 4, 3] },
    { instanceID: "c", numberOfMessages: [5, 5, 5, 5], totalSizeMB: [1, 1, 1, 1] },
    { instanceID: "d", numberOfMessages: [0, 1, 2, 3], totalSizeMB: [0.5, 0.5, 0.5, 2] },
  ],
};

test("a UTC day is its midnight in epoch ms; anything else is NaN", () => {
  assert.equal(dayMs("2026-12-01"), Date.UTC(2026, 11, 1));
  assert.ok(Number.isNaN(dayMs("1.12.2026")));
});

test("messages archived per day: growth since the last recorded day, falls count 0, the first day is the base", () => {
  const r = archivedPerDay(history);
  assert.deepEqual(r.x, [dayMs("2026-12-02"), dayMs("2026-12-03"), dayMs("2026-12-04")]);
  // 12-02: a +50, c +0, d +1; 12-03: b appears (40 archived that day), c 0, d +1; 12-04: a +20 over the gap, b fell (0), c 0, d +1
  assert.deepEqual(r.values, [51, 41, 21]);
  assert.deepEqual(archivedPerDay({ days: ["2026-12-01", "2026-12-02"], instances: [] }).values, [null]);
  assert.deepEqual(archivedPerDay(null), { x: [], values: [] });
});

test("storage: the biggest instances on their last day, the rest summed", () => {
  const r = storageSeries(history, 2);
  assert.deepEqual(r.series.map((s) => s.label), ["a", "b", null]);
  assert.deepEqual(r.series[0].values, [15, null, 17]);
  assert.deepEqual(r.series[2].values, [1.5, 1.5, 3]);   // c and d
  assert.equal(storageSeries(history, 4).series.length, 4);
});

test("processes: CPU over the time between rounds, memory of all, a restarted one counts from its new round", () => {
  const before = { a: { processUniqueID: "1", timestamp: 1000, totalProcessorMilliseconds: 500, currentPrivateMemoryBytes: 10 },
                   b: { processUniqueID: "x", timestamp: 1000, totalProcessorMilliseconds: 900, currentPrivateMemoryBytes: 20 } };
  const after = { a: { processUniqueID: "1", timestamp: 3000, totalProcessorMilliseconds: 1500, currentPrivateMemoryBytes: 30 },
                  b: { processUniqueID: "y", timestamp: 3000, totalProcessorMilliseconds: 10, currentPrivateMemoryBytes: 40 },
                  c: { processUniqueID: "z", timestamp: 3000, totalProcessorMilliseconds: 10, currentPrivateMemoryBytes: 50 } };
  assert.deepEqual(processTotals(before, after), { cpuPercent: 50, memoryBytes: 120, instances: 3 });
  assert.deepEqual(processTotals(null, after), { cpuPercent: null, memoryBytes: 120, instances: 3 });
});
