// Paging through a worker result's warnings and errors beyond its report's
// own 50,000 (src/report_entries.js) against a fake
// GetWorkerResultReportEntries that answers as the instance does
// (api/profile_functions.cpp reportEntries): the report's own entries
// first, then the kept ones; at most 10,000 a call.
import { test } from "node:test";
import assert from "node:assert/strict";
import { ENTRIES_CHUNK, ReportEntries, chunksFor, moreOf, pageRange } from "../src/report_entries.js";

const OWN = 50000;
const own = Array.from({ length: OWN }, (_, i) => `w${i}`);

// The instance's answer for a list of `total` entries; `lost`: positions it did not keep (entriesNotKept).
function fakeServer(total, { lost = new Set() } = {}) {
  const calls = [];
  const fetch = async (from, count) => {
    assert.ok(count >= 1 && count <= ENTRIES_CHUNK, `count ${count} within the API's range`);
    assert.ok(from >= 0);
    calls.push([from, count]);
    const entries = [];
    // Kept entries are read by position (SEQ >= from): a lost one leaves the rest earlier in the answer.
    for (let i = from; i < total && entries.length < count; i++) if (!lost.has(i)) entries.push(`w${i}`);
    return { kind: "warnings", from, total, entries };
  };
  return { fetch, calls };
}

test("moreOf: the report's moreWarnings / moreErrors, else 0", () => {
  assert.equal(moreOf({ moreWarnings: 12, moreErrors: 3 }, "warnings"), 12);
  assert.equal(moreOf({ moreWarnings: 12, moreErrors: 3 }, "errors"), 3);
  assert.equal(moreOf({}, "warnings"), 0);
  assert.equal(moreOf(null, "errors"), 0);
  assert.equal(moreOf({ moreErrors: -1 }, "errors"), 0);
  assert.equal(moreOf({ moreErrors: "7" }, "errors"), 0);
});

test("pageRange: the pager's figures for a list of any length", () => {
  assert.deepEqual(pageRange(0, 1, 100), { page: 1, pages: 1, total: 0, from: 0, to: 0, start: 0, end: 0 });
  assert.deepEqual(pageRange(250, 3, 100), { page: 3, pages: 3, total: 250, from: 201, to: 250, start: 200, end: 250 });
  assert.deepEqual(pageRange(250, 9, 100).page, 3);
  assert.deepEqual(pageRange(250, 0, 100).page, 1);
  assert.deepEqual(pageRange(1200345, 12004, 100), { page: 12004, pages: 12004, total: 1200345, from: 1200301, to: 1200345,
                                                      start: 1200300, end: 1200345 });
});

test("chunksFor: nothing inside the report's own list; chunks aligned after it", () => {
  assert.deepEqual(chunksFor(0, 100, OWN), []);
  assert.deepEqual(chunksFor(49900, 50000, OWN), []);
  assert.deepEqual(chunksFor(49950, 50050, OWN), [{ from: 50000, count: 10000 }]);
  assert.deepEqual(chunksFor(59950, 60050, OWN), [{ from: 50000, count: 10000 }, { from: 60000, count: 10000 }]);
  assert.deepEqual(chunksFor(75000, 75100, OWN), [{ from: 70000, count: 10000 }]);
  assert.deepEqual(chunksFor(130, 160, 17, 50), [{ from: 117, count: 50 }]);
  assert.deepEqual(chunksFor(160, 170, 17, 50), [{ from: 117, count: 50 }, { from: 167, count: 50 }]);
});

test("a normal report: every page from its own list, the server never asked", async () => {
  const server = fakeServer(OWN);
  const list = new ReportEntries({ own, more: 0, fetch: server.fetch });
  assert.equal(list.total, OWN);
  assert.equal(list.paged, false);
  const page = list.peek(49900, 50000);
  assert.equal(page.length, 100);
  assert.deepEqual(page[0], { index: 49900, text: "w49900" });
  assert.deepEqual((await list.read(49950, 50100)).length, 50);   // the end of the list is its end
  assert.deepEqual(server.calls, []);
});

test("beyond the report's list: pages read in chunks of 10,000, each asked once, the whole list in order", async () => {
  const TOTAL = OWN + 23456;
  const server = fakeServer(TOTAL);
  const list = new ReportEntries({ own, more: TOTAL - OWN, fetch: server.fetch });
  assert.equal(list.total, TOTAL);
  assert.equal(list.paged, true);
  // The page across the boundary: half from the report, half from the server.
  assert.equal(list.peek(49950, 50050), null);
  const across = await list.read(49950, 50050);
  assert.deepEqual(across.map((e) => e.text), Array.from({ length: 100 }, (_, i) => `w${49950 + i}`));
  assert.deepEqual(server.calls, [[50000, 10000]]);
  // Every page of 100 to the end: the chunks are read once each, pages then come from them.
  const seen = [];
  for (let start = 0; start < TOTAL; start += 100) {
    const page = list.peek(start, start + 100) || await list.read(start, start + 100);
    for (const e of page) seen.push(e.text);
  }
  assert.equal(seen.length, TOTAL);
  assert.ok(seen.every((s, i) => s === `w${i}`));
  assert.deepEqual(server.calls.map((c) => c[0]), [50000, 60000, 70000]);
  assert.equal(list.peek(TOTAL - 56, TOTAL + 44).length, 56);      // the last page is short
});

test("the last chunks are kept; one read again is asked again; concurrent reads share a call", async () => {
  const TOTAL = OWN + 100000;
  const server = fakeServer(TOTAL);
  const list = new ReportEntries({ own, more: 100000, fetch: server.fetch, keep: 2 });
  await Promise.all([list.read(60000, 60100), list.read(60100, 60200)]);
  assert.deepEqual(server.calls, [[60000, 10000]]);
  await list.read(70000, 70100);
  await list.read(80000, 80100);                 // 60000 is dropped now
  assert.equal(list.chunks.size, 2);
  assert.equal(list.peek(60000, 60100), null);
  await list.read(70000, 70100);                 // kept: not asked
  assert.equal(server.calls.length, 3);
  await list.read(60000, 60100);                 // asked again
  assert.deepEqual(server.calls.map((c) => c[0]), [60000, 70000, 80000, 60000]);
  assert.equal(list.peek(80000, 80100), null);   // the least recently read went
});

test("entries the server did not keep read as null; its total counts", async () => {
  const TOTAL = OWN + 30;
  const server = fakeServer(TOTAL, { lost: new Set([50028, 50029]) });
  const list = new ReportEntries({ own, more: 30, fetch: server.fetch });
  const page = await list.read(50000, 50100);
  assert.equal(page.length, 30);
  assert.deepEqual(page.slice(26).map((e) => e.text), ["w50026", "w50027", null, null]);
  // The server's total wins over the report's count.
  const grown = new ReportEntries({ own, more: 5, fetch: fakeServer(OWN + 8).fetch });
  await grown.read(50000, 50100);
  assert.equal(grown.total, OWN + 8);
});

test("a failed call: the API's error, nothing kept, the next read asks again", async () => {
  let fail = true;
  const calls = [];
  const list = new ReportEntries({
    own: ["a"], more: 3,
    fetch: async (from, count) => {
      calls.push(from);
      if (fail) throw new Error("The instance is not running.");
      return { total: 4, entries: ["b", "c", "d"].slice(0, count) };
    },
  });
  await assert.rejects(list.read(0, 4), /not running/);
  assert.equal(list.chunks.size, 0);
  fail = false;
  assert.deepEqual((await list.read(0, 4)).map((e) => e.text), ["a", "b", "c", "d"]);
  assert.deepEqual(calls, [1, 1]);
  // Without a way to ask (the server lacks the function) the entries beyond cannot be read.
  await assert.rejects(new ReportEntries({ own: ["a"], more: 1 }).read(0, 2));
});
