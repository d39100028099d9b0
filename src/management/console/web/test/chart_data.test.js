// The chart's figures (chart_data.js): uPlot's data, the summary and table
// screen readers get, the axes' labels and sizes.
import { test } from "node:test";
import assert from "node:assert/strict";
import { axisWidth, niceMax, niceMaxBinary, plotData, summaryOf, tableRows, xFormatter, xLongFormatter } from "../src/chart_data.js";

test("uPlot's data: x in seconds for time, numbers or null for values", () => {
  const d = plotData([1000, 2000, 3000], [{ values: [1, null, NaN] }, { values: [4, 5] }]);
  assert.deepEqual(d, [[1, 2, 3], [1, null, null], [4, 5, null]]);
  assert.deepEqual(plotData([1, 2], [{ values: [3, 4] }], "number"), [[1, 2], [3, 4]]);
  assert.deepEqual(plotData([], [{ values: [] }]), [[], []]);
});

test("the summary: latest, lowest and highest, skipping missing values", () => {
  assert.deepEqual(summaryOf([null, 3, 1, 7, null, 2, "x"]), { last: 2, min: 1, max: 7, count: 4 });
  assert.equal(summaryOf([null, undefined]), null);
  assert.equal(summaryOf([]), null);
});

test("the table: rows with at least one value, oldest first, the newest `limit` kept", () => {
  const x = [10, 20, 30, 40];
  const series = [{ values: [null, 2, 3, 4] }, { values: [null, null, 30, 40] }];
  assert.deepEqual(tableRows(x, series), [{ x: 20, values: [2, null] }, { x: 30, values: [3, 30] }, { x: 40, values: [4, 40] }]);
  assert.deepEqual(tableRows(x, series, 2).map((r) => r.x), [30, 40]);
  assert.deepEqual(tableRows([], series), []);
});

test("the x axis: clock times (with seconds over short spans), days, numbers; in the user's language", () => {
  const at = Date.UTC(2025, 0, 15, 13, 4, 5);
  const local = new Date(at);
  const short = xFormatter("time", "en", 5 * 60000)(at);
  assert.match(short, /\d{1,2}:\d{2}:\d{2}/);
  assert.ok(short.includes(String(local.getSeconds()).padStart(2, "0")));
  assert.doesNotMatch(xFormatter("time", "de", 60 * 60000)(at), /\d{2}:\d{2}:\d{2}/);
  assert.match(xFormatter("date", "en")(at), /Jan/);
  assert.match(xFormatter("date", "de")(at), /Jan/);
  assert.equal(xFormatter("number", "de")(1234.5), "1.234,5");
  assert.match(xLongFormatter("time", "en")(at), /\d{1,2}:\d{2}:\d{2}/);
  assert.match(xLongFormatter("date", "en")(at), /2025/);
});

test("the y axis: wide enough for its longest label; a round top above the highest value (binary for bytes)", () => {
  assert.equal(axisWidth([]), 36);
  assert.equal(axisWidth(["0 B", "512 KB", "1.5 MB/s"]), Math.ceil(8 * 7) + 18);
  assert.ok(axisWidth(["1,234,567 %"]) > axisWidth(["1 %"]));
  assert.equal(niceMax(0), 1);
  assert.equal(niceMax(3.2), 4);
  assert.equal(niceMax(7), 8);
  assert.equal(niceMax(10), 10);
  assert.equal(niceMax(101), 120);
  assert.equal(niceMax(900000), 1000000);
  assert.equal(niceMax(5, 5), 6);
  assert.ok(niceMax(0.03) >= 0.03 && niceMax(0.03) <= 0.04 + 1e-12);
  const MB = 1024 * 1024;
  assert.equal(niceMaxBinary(13.6 * MB), 16 * MB);
  assert.equal(niceMaxBinary(125 * 1024), 128 * 1024);
  assert.equal(niceMaxBinary(3), 3);
  assert.equal(niceMaxBinary(0), 1);
  assert.equal(niceMaxBinary(17 * MB, 0), 24 * MB);  // steps of 8 MB
});
