// The Archiving tab of an instance's page (console_instance.mjs calls it
// after the Users tab, which leaves the end user in ctx.state.alice):
// desktop: a new emlDirectory profile for alice importing args.importDir
// (the server's rules shown as typed first), Run now followed in the task
// window until it succeeds, the worker result with args.imported items and
// its report (and, with the answers given by the page, a report with more
// warnings than its own list, paged through), a one-off run (RunTemporaryProfile: all duplicates), the
// range of the results and their time zone (GetTimeZones), Edit (the changed profile created, the old one
// deleted), a throwaway IMAP profile (the mail server form, the password
// never shown back), its automatic runs on and off, and its deletion after
// a confirmation. Each step is checked against what the server then has
// (the Management API called from the page with the console's session).
// phone: the list and Run now at 390 px.
import { consoleApi } from "../console_common.mjs";

const PROFILE = "Alice import";
const EDITED = "Alice import (edited)";
const ONCE = "Alice once";
const THROWAWAY = "Throwaway IMAP";
const RUN_TIMEOUT = 180000;  // an import run, with its wait until the messages are searchable

async function serverProfiles(page, id) {
  const env = await consoleApi(page, "GetProfiles", { instanceID: id, raw: true });
  return env.statusCode === "succeeded" ? env.result : { failed: env.error };
}

const rowOf = (page, name) => page.locator(`.arc-profiles tbody tr[data-profile-name="${name}"]`);
const cellText = async (locator) => (await locator.innerText()).trim();

// Waits for the run's card in the task window to end; returns its state (succeeded | failed) and text.
async function taskEnd(page, label) {
  const card = page.locator("#task-window .task", { hasText: label }).first();
  await card.waitFor({ timeout: 30000 });
  await page.waitForFunction((l) => [...document.querySelectorAll("#task-window .task")]
    .some((c) => c.textContent.includes(l) && (c.classList.contains("succeeded") || c.classList.contains("failed"))),
  label, { timeout: RUN_TIMEOUT });
  return { state: (await card.getAttribute("class")).replace("task ", ""), text: (await card.innerText()).trim() };
}

async function closeTasks(page) {
  if (await page.locator("#task-window").count()) await page.click("#task-window .task-window-head .icon-button");
}

async function openForm(page, button) {
  await page.click(button);
  await page.waitForSelector("#arc-profile-form", { timeout: 10000 });
}

async function submitForm(page) {
  await page.click("#arc-submit");
  await page.waitForSelector("#arc-profile-form", { state: "detached", timeout: 30000 });
}

// A report with more warnings than its own list (moreWarnings): a run with over 50,000 cannot be
// made here, so the page gets the real report with 120 warnings listed and 30 more counted, and
// GetWorkerResultReportEntries' answers as the instance gives them (report_entries.test.js checks
// the paging against the instance's rules). The second page shows 20 of the report's own and the
// 30 read from the server in one call, which paging back and forth does not repeat.
async function reportBeyondItsLists(page, newest, { check, view, TIMEOUT }) {
  const OWN = 120, MORE = 30;
  const asked = [];
  const text = (i) => `synthetic warning ${i + 1}`;
  await page.route("**/api/invoke/GetWorkerResultReport", async (route) => {
    const response = await route.fetch();
    const env = JSON.parse((await response.text()).replace(/^\uFEFF/, ""));
    env.result.report.warnings = Array.from({ length: OWN }, (_, i) => text(i));
    env.result.report.moreWarnings = MORE;
    await route.fulfill({ response, body: JSON.stringify(env) });
  });
  await page.route("**/api/invoke/GetWorkerResultReportEntries", async (route) => {
    const args = Object.fromEntries(new URLSearchParams(route.request().postData() || ""));
    asked.push(args);
    const from = Number(args.from), count = Number(args.count);
    const entries = [];
    for (let i = from; i < OWN + MORE && entries.length < count; i++) entries.push(text(i));
    await route.fulfill({ status: 200, contentType: "application/json",
                          body: JSON.stringify({ statusCode: "succeeded", error: null, result: { kind: args.kind, from, total: OWN + MORE, entries } }) });
  });
  try {
    await newest.locator("[data-action=report]").click();
    await page.waitForSelector(".arc-report-dialog .arc-counts", { timeout: TIMEOUT });
    await page.click(".arc-report-dialog [data-list=warnings]");
    check("archiving: a report's warnings count those beyond its own list",
          (await page.locator(".arc-report-dialog [data-list=warnings] .arc-switch-count").innerText()).trim(), String(OWN + MORE));
    check("archiving: the list says the ones beyond are read page by page", await page.locator("#arc-more-note").innerText(),
          (s) => s.includes(String(MORE)));
    check("archiving: its first page is the report's own", await page.locator(".arc-report-dialog .arc-lines li").count(), 100);
    check("archiving: nothing asked for the report's own entries", asked.length, 0);
    const next = page.locator('.arc-report-dialog .pager button[aria-label="Next page"]');
    await next.click();
    await page.waitForFunction((n) => document.querySelectorAll(".arc-report-dialog .arc-lines li").length === n, OWN + MORE - 100,
                               { timeout: TIMEOUT });
    const lines = page.locator(".arc-report-dialog .arc-lines li");
    check("archiving: the second page: the report's last 20, then the 30 read from the server, numbered on",
          [await lines.first().innerText(), await lines.last().innerText(), await lines.last().getAttribute("value")],
          [text(100), text(OWN + MORE - 1), String(OWN + MORE)]);
    check("archiving: GetWorkerResultReportEntries asked once, from the end of the report's list",
          asked.map((a) => [a.kind, a.from, a.count]), [["warnings", String(OWN), "10000"]]);
    await view(page, "i-archiving-report-more");
    await page.locator('.arc-report-dialog .pager button[aria-label="Previous page"]').click();
    await next.click();
    await page.waitForFunction(() => /synthetic warning 150/.test(document.querySelector(".arc-report-dialog .arc-lines")?.textContent || ""),
                               null, { timeout: TIMEOUT });
    check("archiving: paging back and forth does not ask again", asked.length, 1);
    await page.click(".arc-report-dialog .dialog-actions .primary");
    await page.waitForSelector(".arc-report-dialog", { state: "detached" });
  } finally {
    await page.unroute("**/api/invoke/GetWorkerResultReport");
    await page.unroute("**/api/invoke/GetWorkerResultReportEntries");
  }
}

export async function desktop(page, ctx) {
  const { args, id, check, view, state, settled, TIMEOUT } = ctx;
  const user = state.alice && state.alice.userName;
  check("archiving: the Users tab left its end user in state.alice (needed as the import's target)", !!user);
  if (!user) return;
  const imported = args.imported;

  await page.waitForSelector("#arc-new", { timeout: TIMEOUT });
  await settled(page);
  await view(page, "i-archiving-start");

  // New profile: the server's rules as typed, then a valid emlDirectory profile for alice.
  await openForm(page, "#arc-new");
  check("archiving: a new profile starts as emlDirectory", await page.inputValue("#arc-connector"), "emlDirectory");
  await page.fill("#arc-name", PROFILE);
  await page.selectOption("#arc-owner", user);
  await page.fill("#arc-path", "import/relative");
  await page.fill("#arc-target", "nobody-" + user);
  check("archiving: a relative path is refused as typed", await cellText(page.locator("#arc-path-problem")),
        (s) => /absolute/i.test(s));
  check("archiving: a target folder of no user is refused as typed", await cellText(page.locator("#arc-target-problem")),
        (s) => s.includes("nobody-" + user));
  await view(page, "i-archiving-form-problems");
  await page.fill("#arc-path", args.importDir);
  await page.fill("#arc-target", user);
  check("archiving: the form's problems are gone once fixed", await page.locator("#arc-profile-form .problem").count(), 0);
  await view(page, "i-archiving-form");
  await submitForm(page);
  await rowOf(page, PROFILE).waitFor({ timeout: TIMEOUT });
  check("archiving: the list shows the profile's source and archive",
        [await cellText(rowOf(page, PROFILE).locator("td").nth(1)), await cellText(rowOf(page, PROFILE).locator("td").nth(2))],
        [args.importDir, user]);
  let listed = await serverProfiles(page, id);
  const created = (listed || []).find((p) => p.name === PROFILE);
  check("archiving: the server has the profile as the form said",
        created && { connector: created.connector, owner: created.owner, details: created.details },
        { connector: "emlDirectory", owner: user, details: { path: args.importDir, targetUserFolder: user, includeSubfolders: true } });
  await view(page, "i-archiving-list");

  // Run now: the task window follows it until it succeeds.
  const label = `Archiving ${PROFILE} (${id})`;
  await rowOf(page, PROFILE).locator("[data-action=run]").click();
  await page.waitForSelector("#task-window", { timeout: 10000 });
  check("archiving: Run now shows the run in the task window",
        await page.locator("#task-window .task", { hasText: label }).count(), (n) => n >= 1);
  const end = await taskEnd(page, label);
  check("archiving: the task window shows the run succeeded", end.state, "succeeded");
  await view(page, "i-archiving-task");
  await page.waitForSelector("#arc-outcome[data-kind=ok]", { timeout: TIMEOUT });
  check("archiving: the outcome above the list says what was archived", await cellText(page.locator("#arc-outcome .note-text")),
        (s) => s.startsWith(`${PROFILE}: ${imported} archived, 0 duplicates, 0 failed`));
  await closeTasks(page);

  // The worker result, newest first, and its report.
  const newest = page.locator(".arc-results tbody tr").first();
  await newest.waitFor({ timeout: TIMEOUT });
  await page.waitForFunction((n) => {
    const r = document.querySelector(".arc-results tbody tr");
    return r && r.textContent.includes(n) && r.dataset.result !== "running";
  }, PROFILE, { timeout: TIMEOUT });
  // mailgen's messages carry PDFs the indexer cannot read: "completedWithWarnings" is a clean run too.
  const done = ["succeeded", "completedWithWarnings"];
  check("archiving: the newest worker result is the run, completed, with the imported items",
        { name: (await cellText(newest.locator("td").nth(1))), result: done.includes(await newest.getAttribute("data-result")),
          items: await cellText(newest.locator(".arc-items")) },
        { name: PROFILE, result: true, items: String(imported) });
  await view(page, "i-archiving-results");
  await newest.locator("[data-action=report]").click();
  await page.waitForSelector(".arc-report-dialog .arc-counts", { timeout: TIMEOUT });
  check("archiving: the report counts the imported messages",
        await cellText(page.locator(".arc-report-dialog [data-count=archived] .arc-count")), String(imported));
  const warned = await page.locator(".arc-report-dialog [data-list=warnings] .arc-switch-count").innerText();
  await page.click(".arc-report-dialog [data-list=warnings]");
  check("archiving: the report's warnings are listed, as many as counted",
        Number(warned) === 0 ? await page.locator(".arc-report-dialog .arc-list-empty").count()
                             : await page.locator(".arc-report-dialog .arc-lines li").count(),
        Number(warned) === 0 ? 1 : Number(warned));
  await view(page, "i-archiving-report");
  await page.click(".arc-report-dialog [data-list=folders]");
  check("archiving: the report lists alice's Inbox with the imported messages",
        await page.locator(`.arc-report-dialog tr[data-folder="${user}/Inbox"] td`).nth(1).innerText().catch(() => null),
        String(imported));
  await view(page, "i-archiving-report-folders");
  await page.click(".arc-report-dialog .dialog-actions .primary");
  await page.waitForSelector(".arc-report-dialog", { state: "detached" });
  await reportBeyondItsLists(page, newest, ctx);

  // The time range: a custom one in the wrong order is refused; the last 24 hours show the run.
  await page.selectOption("#arc-range", "custom");
  await page.fill("#arc-from", "2030-01-02");
  await page.fill("#arc-to", "2030-01-01");
  check("archiving: a custom range in the wrong order is refused", await page.locator("#arc-from-problem").count(), 1);
  await page.selectOption("#arc-range", "24h");
  await page.waitForFunction((n) => document.querySelector(".arc-results tbody tr")?.textContent.includes(n), PROFILE,
                             { timeout: TIMEOUT });

  // The time zone (GetTimeZones): the times shown there, a custom range's days sent in it, the choice remembered.
  const started = async () => cellText(page.locator(".arc-results tbody tr").first().locator("td").first());
  const before = await started();
  await page.waitForFunction(() => document.querySelectorAll("#arc-zone option").length > 100, null, { timeout: TIMEOUT });
  check("archiving: the time zones are the browser's, then GetTimeZones' ($Local first)",
        await page.$$eval("#arc-zone option", (l) => l.slice(0, 2).map((o) => o.value)), ["", "$Local"]);
  await page.selectOption("#arc-zone", "Asia/Tokyo");   // +09:00 (the test browser runs in UTC)
  await page.waitForFunction((b) => document.querySelector(".arc-results tbody tr td")?.textContent.trim() !== b, before,
                             { timeout: TIMEOUT });
  check("archiving: the start time is shown in the chosen zone", await started(), (s) => s !== before && /\d/.test(s));
  check("archiving: the chosen zone is remembered",
        await page.evaluate(() => JSON.parse(localStorage.getItem("spe-console-results-zone") || "null")), { id: "Asia/Tokyo", iana: "Asia/Tokyo" });
  await page.selectOption("#arc-range", "custom");
  await page.fill("#arc-from", "2020-01-01");
  const sent = page.waitForResponse((r) => r.url().endsWith("/api/invoke/GetWorkerResults") &&
    /toExcluding=2038-01-01T00:00:00&timeZoneID=Asia\/Tokyo/.test(decodeURIComponent(r.request().postData() || "")),
  { timeout: TIMEOUT });
  await page.fill("#arc-to", "2037-12-31");
  const env = JSON.parse((await (await sent).text()).replace(/^\uFEFF/, ""));
  check("archiving: a custom range goes as that zone's days and the server lists the run in it",
        env.statusCode === "succeeded" && env.result.some((r) => r.profileName === PROFILE && /\+09:00$/.test(r.startTime)), true);
  await page.waitForFunction((n) => document.querySelector(".arc-results tbody tr")?.textContent.includes(n), PROFILE,
                             { timeout: TIMEOUT });
  await view(page, "i-archiving-zone");
  await page.selectOption("#arc-zone", "");
  await page.selectOption("#arc-range", "24h");
  await page.waitForFunction((b) => document.querySelector(".arc-results tbody tr td")?.textContent.trim() === b, before,
                             { timeout: TIMEOUT });

  // A one-off run of the same import into the same archive: everything is a duplicate.
  await openForm(page, "#arc-once");
  await page.fill("#arc-name", ONCE);
  await page.fill("#arc-path", args.importDir);
  await page.fill("#arc-target", user);
  check("archiving: a one-off run has no automation", await page.locator("#arc-automatic").count(), 0);
  await submitForm(page);
  const once = await taskEnd(page, `One-off run ${ONCE} (${id})`);
  check("archiving: the one-off run succeeded", once.state, "succeeded");
  await page.waitForFunction((n) => document.querySelector("#arc-outcome .note-text")?.textContent.startsWith(n + ":"), ONCE,
                             { timeout: TIMEOUT });
  check("archiving: the one-off run found every message archived already",
        await cellText(page.locator("#arc-outcome .note-text")), (x) => x.startsWith(`${ONCE}: 0 archived, ${imported} duplicates, 0 failed`));
  await closeTasks(page);
  check("archiving: a one-off run saves no profile", (await serverProfiles(page, id)).some((p) => p.name === ONCE), false);

  // Edit: the form shows the profile; saving creates the changed one and deletes the old one.
  const oldId = await rowOf(page, PROFILE).getAttribute("data-profile-id");
  await rowOf(page, PROFILE).locator("[data-action=edit]").click();
  await page.waitForSelector("#arc-edit-note", { timeout: 10000 });
  check("archiving: Edit shows the profile's settings",
        [await page.inputValue("#arc-path"), await page.inputValue("#arc-target"), await page.inputValue("#arc-owner"),
         await page.locator("#arc-connector").isDisabled()],
        [args.importDir, user, user, true]);
  await page.fill("#arc-name", EDITED);
  await view(page, "i-archiving-edit");
  await submitForm(page);
  await rowOf(page, EDITED).waitFor({ timeout: TIMEOUT });
  listed = await serverProfiles(page, id);
  const edited = listed.find((p) => p.name === EDITED);
  check("archiving: after Edit the server has the changed profile (a new id) and not the old one",
        { old: listed.some((p) => p.name === PROFILE || String(p.id) === oldId), edited: !!edited,
          path: edited && edited.details.path, newId: !!edited && String(edited.id) !== oldId },
        { old: false, edited: true, path: args.importDir, newId: true });

  // A throwaway IMAP profile: the mail server form, the password kept secret.
  await openForm(page, "#arc-new");
  await page.selectOption("#arc-connector", "imap");
  await page.fill("#arc-name", THROWAWAY);
  await page.fill("#arc-host", "127.0.0.1");
  await page.fill("#arc-port", "70000");
  check("archiving: a port over 65535 is refused as typed", await page.locator("#arc-port-problem").count(), 1);
  await page.fill("#arc-port", "1143");
  await page.fill("#arc-user", "mailbox-user");
  await page.fill("#arc-password", "Not-Shown-Again-1");
  await page.fill("#arc-exclude", "Trash\nJunk");
  await page.fill("#arc-target", `${user}/Mail`);
  await view(page, "i-archiving-form-imap");
  await submitForm(page);
  await rowOf(page, THROWAWAY).waitFor({ timeout: TIMEOUT });
  listed = await serverProfiles(page, id);
  const imap = listed.find((p) => p.name === THROWAWAY);
  check("archiving: the IMAP profile on the server, its password not shown back",
        imap && { connector: imap.connector, host: imap.details.host, port: imap.details.port, exclude: imap.details.excludeFolders,
                  password: "password" in imap.details },
        { connector: "imap", host: "127.0.0.1", port: 1143, exclude: ["Trash", "Junk"], password: false });
  await rowOf(page, THROWAWAY).locator("[data-action=edit]").click();
  await page.waitForSelector("#arc-edit-note", { timeout: 10000 });
  check("archiving: editing an IMAP profile shows no password", await page.inputValue("#arc-password"), "");
  await page.click("#arc-profile-form .dialog-actions .ghost");
  await page.waitForSelector("#arc-profile-form", { state: "detached" });

  // Automatic runs on (pause and maintenance window), then off again keeping them.
  await rowOf(page, THROWAWAY).locator("[data-action=automation]").click();
  await page.waitForSelector("#arc-automation-form", { timeout: 10000 });
  await page.check("#arc-auto-automatic");
  await page.fill("#arc-auto-pause", "3600");
  await page.fill("#arc-auto-windows", "22:00-04:00");
  await view(page, "i-archiving-automation");
  await page.click("#arc-auto-save");
  await page.waitForSelector("#arc-automation-form", { state: "detached", timeout: TIMEOUT });
  await page.waitForFunction((n) => document.querySelector(`.arc-profiles tr[data-profile-name="${n}"] .arc-auto`)
    ?.textContent.includes("Every 1 hour"), THROWAWAY, { timeout: TIMEOUT });
  let sse = (await serverProfiles(page, id)).find((p) => p.name === THROWAWAY).serverSideExecution;
  check("archiving: the server runs the profile automatically every hour, not 22:00-04:00", sse,
        { automatic: true, automaticPauseBetweenExecutions: 3600, automaticMaintenanceWindows: "22:00-04:00" });
  await rowOf(page, THROWAWAY).locator("[data-action=automation]").click();
  await page.waitForSelector("#arc-automation-form", { timeout: 10000 });
  await page.uncheck("#arc-auto-automatic");
  await page.click("#arc-auto-save");
  await page.waitForSelector("#arc-automation-form", { state: "detached", timeout: TIMEOUT });
  sse = (await serverProfiles(page, id)).find((p) => p.name === THROWAWAY).serverSideExecution;
  check("archiving: automatic runs off, the pause and window kept", sse,
        { automatic: false, automaticPauseBetweenExecutions: 3600, automaticMaintenanceWindows: "22:00-04:00" });

  // Delete the throwaway profile after the confirmation.
  await rowOf(page, THROWAWAY).locator("[data-action=delete]").click();
  await page.waitForSelector("dialog [data-confirm]", { timeout: 10000 });
  await view(page, "i-archiving-delete");
  await page.click("dialog [data-confirm]");
  await rowOf(page, THROWAWAY).waitFor({ state: "detached", timeout: TIMEOUT });
  listed = await serverProfiles(page, id);
  check("archiving: after Delete the server has only the edited profile", listed.map((p) => p.name), [EDITED]);
  await view(page, "i-archiving-done");
  state.archivingProfile = EDITED;
}

export async function phone(page, ctx) {
  const { args, id, check, view, TIMEOUT } = ctx;
  const row = rowOf(page, EDITED);
  await row.waitFor({ timeout: TIMEOUT });
  await view(page, "i-archiving-phone-list");
  const overflow = await page.evaluate(() => {
    const m = document.querySelector("main");
    return m.scrollWidth - m.clientWidth;
  });
  check("archiving (phone): the list fits the width", overflow <= 1);
  const run = row.locator("[data-action=run]");
  const box = await run.boundingBox();
  check("archiving (phone): Run now is on the screen", !!box && box.x >= 0 && box.x + box.width <= 390);
  await run.click();
  const end = await taskEnd(page, `Archiving ${EDITED} (${id})`);
  check("archiving (phone): the run succeeds", end.state, "succeeded");
  await page.waitForSelector("#arc-outcome[data-kind=ok]", { timeout: TIMEOUT });
  check("archiving (phone): everything was archived before",
        await cellText(page.locator("#arc-outcome .note-text")), (s) => s.startsWith(`${EDITED}: 0 archived, ${args.imported} duplicates`));
  await view(page, "i-archiving-phone-run");
  await closeTasks(page);
  await page.locator(".arc-results tbody tr").first().waitFor({ timeout: TIMEOUT });
  await view(page, "i-archiving-phone-results");
}
