// The Jobs tab's logic: the schedule form as CreateJob / SetJobSchedule
// arguments (docs/jobs.md), a schedule read back into the form, and its
// short description.
export const INTERVALS = [5, 10, 15, 20, 30, 60, 120, 180, 240, 360, 720];
export const DAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];
export const KINDS = ["daily", "weekly", "monthly", "interval", "once"];

export function emptyForm() {
  return { kind: "daily", timeZoneId: "$Local", time: "01:00", interval: 60, days: ["Monday"], dayOfMonth: "1",
           nth: "", date: "" };
}

/** {args} for the API, or {key} of the message naming the field that is wrong. */
export function scheduleArgs(f) {
  const out = { timeZoneId: f.timeZoneId || "$Local" };
  const timeOk = /^([01]?\d|2[0-3]):[0-5]\d(:[0-5]\d)?$/.test(f.time || "");
  switch (f.kind) {
    case "once":
      if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/.test(f.date || "")) return { key: "jobDateProblem" };
      out.date = f.date.length === 16 ? f.date + ":00" : f.date;
      return { args: out };
    case "interval":
      if (!INTERVALS.includes(Number(f.interval))) return { key: "jobIntervalProblem" };
      out.interval = Number(f.interval);
      return { args: out };
    default:
      break;
  }
  if (!timeOk) return { key: "jobTimeProblem" };
  out.time = f.time;
  if (f.kind === "weekly") {
    if (!f.days || f.days.length === 0) return { key: "jobDaysProblem" };
    out.dayOfWeek = DAYS.filter((d) => f.days.includes(d)).join(",");
  } else if (f.kind === "monthly") {
    const d = String(f.dayOfMonth);
    if (f.nth) {
      if (!(d === "Last" || /^[1-5]$/.test(d))) return { key: "jobNthProblem" };
      out.dayOfWeek = f.nth;
    } else if (!(d === "Last" || (/^\d{1,2}$/.test(d) && Number(d) >= 1 && Number(d) <= 31))) {
      return { key: "jobDayOfMonthProblem" };
    }
    out.dayOfMonth = d;
  }
  return { args: out };
}

/** A schedule from GetJobs back into the form. */
export function formOf(schedule) {
  const f = emptyForm();
  if (!schedule) return f;
  f.timeZoneId = schedule.timeZoneId || "$Local";
  if (schedule.date) return { ...f, kind: "once", date: schedule.date };
  if (schedule.interval) return { ...f, kind: "interval", interval: schedule.interval };
  f.time = (schedule.time || "01:00:00").replace(/:00$/, "");
  if (schedule.dayOfMonth) {
    return { ...f, kind: "monthly", dayOfMonth: schedule.dayOfMonth, nth: schedule.dayOfWeek || "" };
  }
  if (schedule.dayOfWeek) return { ...f, kind: "weekly", days: schedule.dayOfWeek.split(",") };
  return f;
}

/** {key, vars} describing a schedule for t(). */
export function describe(schedule) {
  if (!schedule) return { key: "jobScheduleUnknown", vars: {} };
  const zone = schedule.timeZoneId || "$Local";
  const time = (schedule.time || "").replace(/:00$/, "");
  if (schedule.date) return { key: "jobDescOnce", vars: { date: schedule.date.replace("T", " "), zone } };
  if (schedule.interval) return { key: "jobDescInterval", vars: { n: schedule.interval, zone } };
  // Day names stay the API's (Monday …) and ordinals the form's (1 … 5, Last): the page words them (jobDay_, jobOrd_).
  if (schedule.dayOfMonth && schedule.dayOfWeek) {
    return { key: "jobDescNth", vars: { nth: schedule.dayOfMonth, day: schedule.dayOfWeek, time, zone } };
  }
  if (schedule.dayOfMonth === "Last") return { key: "jobDescMonthlyLast", vars: { time, zone } };
  if (schedule.dayOfMonth) return { key: "jobDescMonthly", vars: { day: schedule.dayOfMonth, time, zone } };
  if (schedule.dayOfWeek) return { key: "jobDescWeekly", vars: { days: schedule.dayOfWeek, time, zone } };
  return { key: "jobDescDaily", vars: { time, zone } };
}

/**
 * Actions offered as examples in the New job dialog (docs/jobs.md "The
 * action"): the function and its arguments as spe-cli writes them, without
 * instanceID. Only those whose function the server has (hasFn) are offered.
 */
export const ACTION_EXAMPLES = [
  { key: "jobExample_runProfile", action: "RunProfile --id=1" },
  { key: "jobExample_statusReport", action: "SendStatusReport --timespan=yesterday --timeZoneId=$Local" },
  { key: "jobExample_weeklyReport", action: "SendStatusReport --timespan=lastweek --timeZoneId=$Local --recipients=\"ops@example.com, it@example.com\"" },
  { key: "jobExample_verify", action: "VerifyStores --includeIndexes=true" },
  { key: "jobExample_sync", action: "SyncUsersWithDirectoryServices" },
  { key: "jobExample_retryStores", action: "RetryOpenStores" },
];

/** The function an action calls: its first word. */
export function actionFunction(action) {
  const m = /^\s*([A-Za-z][A-Za-z0-9]*)/.exec(action || "");
  return m ? m[1] : "";
}

/** The examples whose function exists. */
export function actionExamples(hasFn) {
  return ACTION_EXAMPLES.filter((e) => hasFn(actionFunction(e.action)));
}

/** What can be said of an action before the server checks it ("jobActionProblem_" + it), or null. */
export function actionProblem(action) {
  const a = String(action || "").trim();
  if (!a) return "missing";
  if (/[\r\n]/.test(action)) return "oneLine";
  if (a.length > 4000) return "tooLong";
  if (!actionFunction(a)) return "noFunction";
  if (/(^|\s)--?instanceID(\s|=|$)/i.test(a)) return "instanceId";
  return null;
}
