// The Jobs tab of an instance's page (issue 20; docs/jobs.md): the default
// job "Process Retention Policies" listed with its schedule in words; New job
// refuses what the form can tell (no day for a weekly job, instanceID in the
// action) and shows the Management Server's own refusal of an action in the
// dialog; an example picked into the action field; a weekly job created in
// Europe/Berlin whose next run (on the page and from GetJobs) is one of its
// days at its time; Run now, the run followed until it ends and its result
// with its log under Results (and in GetJobResults); the schedule changed to
// the last Friday of the month; Rename; Disable (no next run) and Enable;
// Delete, asked first. Each change is read back through the API.
// On a phone: the list and the New job dialog at 390 px.
import { consoleApi } from "../console_common.mjs";

const NAME = "Retry stores (e2e)";
const RENAMED = "Retry stores weekly (e2e)";
const row = (name) => `.job-table tr[data-job="${name}"]`;

async function jobs(page, id) {
  const env = await consoleApi(page, "GetJobs", { instanceID: id });
  return env.statusCode === "succeeded" ? env.result : [];
}

// Weekday and hh:mm of a UTC time in Europe/Berlin.
function berlin(utc) {
  const parts = new Intl.DateTimeFormat("en-US", { timeZone: "Europe/Berlin", weekday: "long", hour: "2-digit",
                                                   minute: "2-digit", hourCycle: "h23" }).formatToParts(new Date(utc));
  const get = (type) => parts.find((p) => p.type === type).value;
  return `${get("weekday")} ${get("hour")}:${get("minute")}`;
}

// The text of `sel` once it is `expected` (the list is read again after a change), or what it is at the deadline.
async function textOnce(page, sel, expected, TIMEOUT) {
  await page.waitForFunction(([sel, expected]) => document.querySelector(sel)?.innerText.trim() === expected,
                             [sel, expected], { timeout: TIMEOUT }).catch(() => {});
  return (await page.locator(sel).innerText()).trim();
}

// Clicks a row's button (data-do) and waits until nothing loads.
async function rowAction(page, name, what, settled) {
  await page.click(`${row(name)} button[data-do="${what}"]`);
  await settled(page);
}

export async function desktop(page, { id, check, view, settled, TIMEOUT }) {
  await page.waitForSelector(".job-table, #job-not-running, .job .empty", { timeout: TIMEOUT });
  check("jobs: the instance runs, so its jobs are listed", await page.locator("#job-not-running").count(), 0);
  const defaultRow = page.locator(row("Process Retention Policies"));
  check("jobs: the default job is there", await defaultRow.count(), 1);
  check("jobs: the default job's schedule in words", await defaultRow.locator(".job-when").innerText(), "daily at 01:00 ($Local)");
  check("jobs: the default job has a next run", await defaultRow.locator(".job-next").innerText(), (s) => /\d/.test(s));
  await view(page, "i-jobs-list");

  // New job: what the form can tell, then the server's refusal in the dialog.
  await page.click("#job-new");
  await page.waitForSelector("dialog[open] .job-form", { timeout: TIMEOUT });
  await page.fill("dialog[open] [name=job-name]", NAME);
  await page.fill("dialog[open] [name=job-action]", "RetryOpenStores --instanceID=x");
  await page.click("#job-save");
  check("jobs: instanceID in the action is refused at the field", await page.locator("dialog[open] .job-action .problem").innerText(),
        (s) => /instanceID/.test(s));
  await page.fill("dialog[open] [name=job-action]", "StopInstances --instanceFilter=*");
  await page.click("#job-save");
  await page.waitForSelector("#job-dialog-error", { timeout: TIMEOUT });
  check("jobs: the server's refusal of the action is shown in the dialog", await page.locator("#job-dialog-error").innerText(),
        (s) => /'action'/.test(s));
  // An example picked into the field.
  const examples = await page.locator("dialog[open] [name=job-example] option").allInnerTexts();
  check("jobs: examples of actions are offered", examples.join("\n"), (s) => /RunProfile --id=1/.test(s) && /SendStatusReport --timespan=yesterday/.test(s));
  await page.selectOption("dialog[open] [name=job-example]", "RetryOpenStores");
  check("jobs: a picked example fills the action", await page.inputValue("dialog[open] [name=job-action]"), "RetryOpenStores");
  await page.click("dialog[open] .job-format summary");
  check("jobs: the action's format is explained", await page.locator("dialog[open] .job-format").innerText(),
        (s) => /--name=value/.test(s) && /instanceID/.test(s));
  // Weekly with no day: refused by the form.
  await page.selectOption("dialog[open] [name=job-kind]", "weekly");
  await page.uncheck('dialog[open] input[data-day="Monday"]');
  await page.click("#job-save");
  check("jobs: a weekly job without a day is refused", await page.locator("#job-problem").innerText(), (s) => /at least one day/.test(s));
  await page.check('dialog[open] input[data-day="Monday"]');
  await page.check('dialog[open] input[data-day="Friday"]');
  await page.fill("dialog[open] [name=job-time]", "06:30");
  await page.fill("dialog[open] [name=job-zone]", "Europe/Berlin");
  await view(page, "i-jobs-new");
  await page.click("#job-save");
  await page.waitForSelector(row(NAME), { timeout: TIMEOUT });
  await page.waitForSelector("dialog[open]", { state: "detached", timeout: TIMEOUT });
  await settled(page);
  const created = page.locator(row(NAME));
  check("jobs: the new job's schedule in words", await created.locator(".job-when").innerText(), "Monday, Friday at 06:30 (Europe/Berlin)");
  check("jobs: the new job shows its next run", await created.locator(".job-next").innerText(), (s) => /\d/.test(s));
  let job = (await jobs(page, id)).find((j) => j.name === NAME);
  check("jobs: the server has the job as typed", job && [job.action, job.enabled, job.schedule.timeZoneId, job.schedule.time, job.schedule.dayOfWeek],
        ["RetryOpenStores", true, "Europe/Berlin", "06:30:00", "Monday,Friday"]);
  check("jobs: its next run is a Monday or Friday at 06:30 in Berlin", job && berlin(job.nextStartDateTimeUtc),
        (s) => s === "Monday 06:30" || s === "Friday 06:30");
  check("jobs: its owner is the administrator who created it", job && job.owner, (o) => typeof o === "string" && o.length > 0 && o !== "$system");

  // Run now: followed until it ends; the result and its log under Results.
  await rowAction(page, NAME, "run", settled);
  check("jobs: Run now says it started", await page.locator(".job .note.ok").first().innerText(), (s) => /was started/.test(s));
  await page.waitForSelector(`${row(NAME)}[data-running="false"]`, { timeout: TIMEOUT });
  await page.waitForFunction((sel) => /\d/.test(document.querySelector(sel + " .job-last")?.textContent || ""), row(NAME), { timeout: TIMEOUT });
  await rowAction(page, NAME, "results", settled);
  await page.waitForSelector('.job-results .job-result-list li:not([data-result="running"])', { timeout: TIMEOUT });
  check("jobs: the run succeeded", await page.locator(".job-results li").first().getAttribute("data-result"), "succeeded");
  check("jobs: its log is shown", await page.locator(".job-results .job-log").first().innerText(), (s) => /Result:/.test(s));
  await page.locator(".job-results").scrollIntoViewIfNeeded();
  await view(page, "i-jobs-results");
  job = (await jobs(page, id)).find((j) => j.name === NAME);
  const now = Date.now();
  const res = await consoleApi(page, "GetJobResults", { instanceID: id, jobId: job.id, timeZoneId: "UTC",
    fromIncluding: new Date(now - 86400000).toISOString().slice(0, 19), toExcluding: new Date(now + 86400000).toISOString().slice(0, 19) });
  check("jobs: GetJobResults has the run", res.result && res.result.map((r) => r.result), ["succeeded"]);
  await page.click(".job-results .job-head button");

  // The schedule: the last Friday of the month, 18:00.
  await rowAction(page, NAME, "schedule", settled);
  await page.waitForSelector("dialog[open] .job-form", { timeout: TIMEOUT });
  check("jobs: the schedule dialog starts from the job's schedule", await page.inputValue("dialog[open] [name=job-kind]"), "weekly");
  await page.selectOption("dialog[open] [name=job-kind]", "monthly");
  await page.fill("dialog[open] [name=job-day-of-month]", "Last");
  await page.selectOption("dialog[open] [name=job-nth]", "Friday");
  await page.fill("dialog[open] [name=job-time]", "18:00");
  await page.click("#job-save");
  await page.waitForSelector("dialog[open]", { state: "detached", timeout: TIMEOUT });
  await settled(page);
  const monthly = "monthly on the last Friday at 18:00 (Europe/Berlin)";
  check("jobs: the new schedule in words", await textOnce(page, `${row(NAME)} .job-when`, monthly, TIMEOUT), monthly);
  job = (await jobs(page, id)).find((j) => j.name === NAME);
  check("jobs: the server has the new schedule", job && [job.schedule.dayOfMonth, job.schedule.dayOfWeek, job.schedule.time],
        ["Last", "Friday", "18:00:00"]);
  check("jobs: and its next run is a Friday at 18:00 in Berlin", job && berlin(job.nextStartDateTimeUtc), "Friday 18:00");

  // Rename.
  await rowAction(page, NAME, "rename", settled);
  await page.fill("dialog[open] [name=job-rename]", RENAMED);
  await page.click("#job-rename-save");
  await page.waitForSelector(row(RENAMED), { timeout: TIMEOUT });
  check("jobs: renamed on the server", (await jobs(page, id)).map((j) => j.name), (n) => n.includes(RENAMED) && !n.includes(NAME));

  // Disable: no next run; Enable: one again.
  await rowAction(page, RENAMED, "enable", settled);
  await page.waitForSelector(`${row(RENAMED)}[data-enabled="false"]`, { timeout: TIMEOUT });
  job = (await jobs(page, id)).find((j) => j.name === RENAMED);
  check("jobs: disabled on the server, no next run", job && [job.enabled, job.nextStartDateTimeUtc], [false, null]);
  check("jobs: the page shows no next run", await textOnce(page, `${row(RENAMED)} .job-next`, "–", TIMEOUT), "–");
  await view(page, "i-jobs-disabled");
  await rowAction(page, RENAMED, "enable", settled);
  await page.waitForSelector(`${row(RENAMED)}[data-enabled="true"]`, { timeout: TIMEOUT });
  job = (await jobs(page, id)).find((j) => j.name === RENAMED);
  check("jobs: enabled again with a next run", job && [job.enabled, typeof job.nextStartDateTimeUtc], [true, "string"]);

  // Delete, asked first.
  await rowAction(page, RENAMED, "delete", settled);
  await page.waitForSelector("dialog[open] [data-confirm]", { timeout: TIMEOUT });
  check("jobs: Delete asks and says results are kept", await page.locator("dialog[open]").innerText(), (s) => /92 days/.test(s));
  await view(page, "i-jobs-delete");
  await page.click("dialog[open] [data-confirm]");
  await page.waitForSelector(row(RENAMED), { state: "detached", timeout: TIMEOUT });
  check("jobs: deleted on the server", (await jobs(page, id)).map((j) => j.name), (n) => !n.includes(RENAMED));
  check("jobs: no error on the tab", await page.locator("#job-error").count(), 0);
}

export async function phone(page, { view, settled, TIMEOUT }) {
  await page.waitForSelector(".job-table", { timeout: TIMEOUT });
  await settled(page);
  await page.locator(".job-table").scrollIntoViewIfNeeded();
  await view(page, "i-jobs-phone");
  await page.click("#job-new");
  await page.waitForSelector("dialog[open] .job-form", { timeout: TIMEOUT });
  await page.selectOption("dialog[open] [name=job-kind]", "weekly");
  await view(page, "i-jobs-new-phone");
  await page.click("dialog[open] .dialog-actions button.ghost");
  await page.waitForSelector("dialog[open]", { state: "detached", timeout: TIMEOUT });
}
