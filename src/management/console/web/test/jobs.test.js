// The Jobs tab's schedule form: arguments, refusals, the way back, descriptions.
import { test } from "node:test";
import assert from "node:assert/strict";
import { describe, emptyForm, formOf, scheduleArgs } from "../src/jobs.js";

const form = (extra) => ({ ...emptyForm(), ...extra });

test("each kind gives the API's arguments", () => {
  assert.deepEqual(scheduleArgs(form({})).args, { timeZoneId: "$Local", time: "01:00" });
  assert.deepEqual(scheduleArgs(form({ kind: "weekly", days: ["Friday", "Monday"], timeZoneId: "UTC" })).args,
                   { timeZoneId: "UTC", time: "01:00", dayOfWeek: "Monday,Friday" });
  assert.deepEqual(scheduleArgs(form({ kind: "monthly", dayOfMonth: "Last" })).args,
                   { timeZoneId: "$Local", time: "01:00", dayOfMonth: "Last" });
  assert.deepEqual(scheduleArgs(form({ kind: "monthly", dayOfMonth: "1", nth: "Monday" })).args,
                   { timeZoneId: "$Local", time: "01:00", dayOfMonth: "1", dayOfWeek: "Monday" });
  assert.deepEqual(scheduleArgs(form({ kind: "interval", interval: "15" })).args, { timeZoneId: "$Local", interval: 15 });
  assert.deepEqual(scheduleArgs(form({ kind: "once", date: "2026-05-01T10:00" })).args,
                   { timeZoneId: "$Local", date: "2026-05-01T10:00:00" });
});

test("bad fields are named", () => {
  assert.equal(scheduleArgs(form({ time: "25:00" })).key, "jobTimeProblem");
  assert.equal(scheduleArgs(form({ kind: "weekly", days: [] })).key, "jobDaysProblem");
  assert.equal(scheduleArgs(form({ kind: "monthly", dayOfMonth: "32" })).key, "jobDayOfMonthProblem");
  assert.equal(scheduleArgs(form({ kind: "monthly", dayOfMonth: "6", nth: "Friday" })).key, "jobNthProblem");
  assert.equal(scheduleArgs(form({ kind: "interval", interval: 7 })).key, "jobIntervalProblem");
  assert.equal(scheduleArgs(form({ kind: "once", date: "" })).key, "jobDateProblem");
});

test("a stored schedule comes back into the form", () => {
  for (const s of [{ timeZoneId: "UTC", time: "03:00:00", dayOfWeek: "Monday,Friday" },
                   { timeZoneId: "Europe/Berlin", time: "23:30:00", dayOfMonth: "Last" },
                   { timeZoneId: "$Local", interval: 720 }]) {
    const back = scheduleArgs(formOf(s)).args;
    assert.equal(back.timeZoneId, s.timeZoneId);
    assert.equal(back.interval, s.interval);
    assert.equal(back.dayOfWeek, s.dayOfWeek);
    assert.equal(back.dayOfMonth, s.dayOfMonth);
  }
});

test("descriptions", () => {
  assert.deepEqual(describe({ timeZoneId: "$Local", time: "01:00:00" }), { key: "jobDescDaily", vars: { time: "01:00", zone: "$Local" } });
  assert.equal(describe({ timeZoneId: "UTC", interval: 5 }).key, "jobDescInterval");
  assert.equal(describe({ timeZoneId: "UTC", time: "01:00:00", dayOfMonth: "Last", dayOfWeek: "Friday" }).key, "jobDescNth");
});

test("action examples: only functions the server has, each a valid action", async () => {
  const { ACTION_EXAMPLES, actionExamples, actionFunction, actionProblem } = await import("../src/jobs.js");
  for (const e of ACTION_EXAMPLES) assert.equal(actionProblem(e.action), null, e.action);
  assert.deepEqual(actionExamples((fn) => fn === "RunProfile").map((e) => e.action), ["RunProfile --id=1"]);
  assert.equal(actionFunction("  SendStatusReport --timespan=today"), "SendStatusReport");
  assert.equal(actionProblem(""), "missing");
  assert.equal(actionProblem("RunProfile --id=1\nStopInstances"), "oneLine");
  assert.equal(actionProblem("--id=1"), "noFunction");
  assert.equal(actionProblem("RunProfile --instanceID=x --id=1"), "instanceId");
  assert.equal(actionProblem("x".repeat(4001)), "tooLong");
});
