// Following long-running calls: the long-poll with the last status version,
// progress reaching listeners, the end, cancellation, an expired token and
// lost connections.
import { test } from "node:test";
import assert from "node:assert/strict";
import { ApiError } from "../src/api.js";
import { TaskStore, taskPercent } from "../src/tasks.js";

const running = (v, extra = {}) => ({ error: null, token: "t1", statusVersion: v, statusCode: "running", percentProgress: null,
                                      statusText: null, result: null, logOutput: null, ...extra });

function fakeApi(statuses) {
  const asked = [];
  return {
    asked,
    cancelled: [],
    async getStatus(token, version, timeout) {
      asked.push({ token, version, timeout });
      const next = statuses.shift();
      if (next instanceof Error) throw next;
      return next;
    },
    async cancel(token) { this.cancelled.push(token); return running(99, { statusText: "cancelling" }); },
  };
}

const noSleep = () => Promise.resolve();

test("follows a task to its end, asking with the last version it saw", async () => {
  const api = fakeApi([
    running(2, { percentProgress: 40, statusText: "started 2 of 5", logOutput: "a: started\n" }),
    running(3, { percentProgress: 80, logOutput: "a: started\nb: started\n" }),
    { ...running(4), statusCode: "succeeded", percentProgress: 100, result: { n: 5 } },
  ]);
  const store = new TaskStore(api, { pollTimeoutMs: 7000, sleep: noSleep });
  const seen = [];
  store.subscribe((tasks) => seen.push(tasks[0] && tasks[0].env.statusVersion));
  const { id, promise } = store.follow(running(1), { fn: "StartInstances", label: "Start 5" });
  const final = await promise;
  assert.equal(final.statusCode, "succeeded");
  assert.deepEqual(final.result, { n: 5 });
  assert.deepEqual(api.asked.map((a) => a.version), [1, 2, 3]);
  assert.equal(api.asked[0].timeout, 7000);
  assert.equal(api.asked[0].token, "t1");
  assert.deepEqual(seen, [1, 2, 3, 4]);
  const task = store.get(id);
  assert.equal(task.done, true);
  assert.equal(task.label, "Start 5");
  assert.equal(taskPercent(task), 100);
});

test("an envelope that is already finished needs no polling", async () => {
  const api = fakeApi([]);
  const store = new TaskStore(api, { sleep: noSleep });
  const done = { ...running(2), statusCode: "failed", error: { message: "x" } };
  const { promise } = store.follow(done, { fn: "F" });
  assert.equal((await promise).statusCode, "failed");
  assert.equal(api.asked.length, 0);
});

test("an unchanged status (the long-poll timed out) just asks again", async () => {
  const api = fakeApi([running(1), running(1), { ...running(2), statusCode: "succeeded" }]);
  const store = new TaskStore(api, { sleep: noSleep });
  await store.follow(running(1)).promise;
  assert.deepEqual(api.asked.map((a) => a.version), [1, 1, 1]);
});

test("cancel asks the server and the task ends when the server says so", async () => {
  let release;
  const gate = new Promise((r) => { release = r; });
  const api = fakeApi([]);
  api.getStatus = async (token, version) => {
    api.asked.push({ version });
    if (api.asked.length === 1) { await gate; return running(100); }
    return { ...running(101), statusCode: "failed", error: { message: "The operation was cancelled. 2 of 5 instances were started before." } };
  };
  const store = new TaskStore(api, { sleep: noSleep });
  const { id, promise } = store.follow(running(1));
  await store.cancel(id);
  assert.deepEqual(api.cancelled, ["t1"]);
  assert.equal(store.get(id).cancelRequested, true);
  assert.equal(store.get(id).done, false);
  release();
  const final = await promise;
  assert.match(final.error.message, /^The operation was cancelled\./);
  assert.equal(store.get(id).done, true);
});

test("an expired token (404) ends the task as failed with the server's reason", async () => {
  const api = fakeApi([new ApiError("HTTP 404: Session expired or wrong token.", { status: 404 })]);
  const store = new TaskStore(api, { sleep: noSleep });
  const { id, promise } = store.follow(running(1, { percentProgress: 30 }));
  const final = await promise;
  assert.equal(final.statusCode, "failed");
  assert.match(final.error.message, /Session expired/);
  assert.equal(final.percentProgress, 30);
  assert.equal(store.get(id).done, true);
});

test("a lost connection is shown and retried with growing waits", async () => {
  const waits = [];
  const api = fakeApi([new ApiError("The Management Server could not be reached.", { code: "network" }),
                       new ApiError("The Management Server could not be reached.", { code: "network" }),
                       { ...running(2), statusCode: "succeeded" }]);
  const store = new TaskStore(api, { sleep: async (ms) => { waits.push(ms); } });
  const problems = [];
  store.subscribe((tasks) => problems.push(tasks[0] && tasks[0].connectionProblem));
  const final = await store.follow(running(1)).promise;
  assert.equal(final.statusCode, "succeeded");
  assert.deepEqual(waits, [1000, 2000]);
  assert.ok(problems.some((p) => p && p.code === "network"));
  assert.equal(problems.at(-1), null);
});

test("several tasks at once; remove only finished ones; clear stops everything", async () => {
  let release;
  const gate = new Promise((r) => { release = r; });
  const api = { async getStatus(token) { if (token === "slow") { await gate; return running(5, { token }); }
                                         return { ...running(2, { token }), statusCode: "succeeded" }; } };
  const store = new TaskStore(api, { sleep: noSleep });
  const slow = store.follow(running(1, { token: "slow" }), { label: "slow" });
  const fast = store.follow(running(1, { token: "fast" }), { label: "fast" });
  await fast.promise;
  assert.equal(store.tasks.length, 2);
  assert.deepEqual(store.running().map((t) => t.label), ["slow"]);
  store.remove(slow.id);  // still running: stays
  assert.equal(store.tasks.length, 2);
  store.remove(fast.id);
  assert.deepEqual(store.tasks.map((t) => t.label), ["slow"]);
  store.clear();
  release();
  const final = await slow.promise;
  assert.equal(final.statusCode, "running");  // the session ended: no more polling
  assert.equal(store.tasks.length, 0);
});

test("taskPercent clamps and rounds; null while unknown", () => {
  assert.equal(taskPercent({ env: { percentProgress: 42.6 }, done: false }), 43);
  assert.equal(taskPercent({ env: { percentProgress: 140 }, done: false }), 100);
  assert.equal(taskPercent({ env: { percentProgress: -3 }, done: false }), 0);
  assert.equal(taskPercent({ env: { percentProgress: null }, done: false }), null);
  assert.equal(taskPercent({ env: { percentProgress: null }, done: true }), 100);
});
