// The Management Console (issue 18) in Debian's Chromium, driven by
// Playwright, at 1440x900 and 390x844: login (refused, then accepted), the
// Dashboard's health tree and version, the Instances table, the New
// instance wizard (an ID refused as typed, a host with its base directory,
// the start mode), starting the new instance (progress in the task window),
// search and filters, the confirmation before Stop, Instance Hosts, Client
// Access Servers, System Administrators, SMTP Settings, the Developer page
// invoking GetEnvironmentInfo with its command lines, German, the keyboard,
// reload and Back, and logging out. On the phone: the navigation drawer and
// stopping the instance from its row. Every view gets a screenshot and an
// axe-core audit. Prints one JSON line:
//   {ok, checks: {name: true | what was seen}, axe: {view: [violations]}, shots: [...], error?}
//   node console.mjs '{"url": "https://127.0.0.1:PORT/", "user": ..., "password": ..., "shots": DIR,
//                      "instanceId"?: "console-e2e", "host"?: "<Instance Host serverName>"}'
import { makeScenario, text } from "./scenario.mjs";
import { START_TIMEOUT, TIMEOUT, consoleSite, drawerOpen, go, h1, loggedIn, settled } from "./console_common.mjs";

const args = JSON.parse(process.argv[2]);
const { check, view, run } = makeScenario({ shots: args.shots });
const ID = args.instanceId || "console-e2e";
const { base, watch, login } = consoleSite(args, check);

const rowOf = (page, id) => page.locator("table.instances-table tbody tr", { has: page.locator(".iid", { hasText: new RegExp(`^${id}$`) }) });

async function statusOf(page, id) {
  const row = rowOf(page, id);
  if (!(await row.count())) return null;
  return (await row.locator(".col-status .badge").first().innerText()).trim();
}

async function desktop(browser) {
  const context = await browser.newContext({ ignoreHTTPSErrors: true, locale: "en-US", viewport: { width: 1440, height: 900 } });
  const page = await context.newPage();
  const done = watch(page, "desktop");

  // Login: refused, then accepted.
  await page.goto(base);
  await page.waitForSelector("#login-user");
  check("login: user name field has the focus", await page.evaluate(() => document.activeElement && document.activeElement.id), "login-user");
  await view(page, "d01-login");
  await login(page, "wrong " + args.password);
  await page.waitForSelector("#login-error", { timeout: TIMEOUT });
  check("login: a wrong password is refused in place", await text(page, "#login-error"), (s) => s.length > 5);
  await view(page, "d02-login-refused");
  await login(page);
  await loggedIn(page);
  check("header: the administrator's name", (await text(page, "header .user")).trim(), (s) => s.endsWith(args.user));
  check("header: Log out visible", await page.isVisible("header .logout"), true);

  // Dashboard.
  await page.waitForSelector(".tree .node", { timeout: TIMEOUT });
  await page.waitForSelector(".facts dd", { timeout: TIMEOUT });
  await settled(page);
  check("dashboard: h1", await h1(page), "Dashboard");
  check("dashboard: the Management Server is the root", await page.locator(".tree > li > .node .node-type").first().innerText(), "Management Server");
  check("dashboard: at least one Instance Host in the tree", await page.locator(".tree .node-instances, .tree .node.down").count(), (n) => n >= 1);
  check("dashboard: version shown", await page.locator(".facts dd").first().innerText(), (s) => /\d+\.\d+/.test(s));
  check("dashboard: messages section", await page.isVisible("#messages-title"), true);
  await page.waitForSelector("#archived-title", { timeout: TIMEOUT });
  check("dashboard: charts of archived messages and storage",
        [await page.isVisible("#archived-title"), await page.isVisible("#storage-title")], [true, true]);
  await page.waitForSelector("#processes-title", { timeout: TIMEOUT });
  await view(page, "d03-dashboard");

  // Keyboard: Enter on a nav link navigates and the new page's heading takes the focus.
  await page.focus('#nav a.nav-link[href="#/instances"]');
  await page.keyboard.press("Enter");
  await page.waitForSelector('main[data-page="instances"] h1');
  check("keyboard: Enter on a nav link opens the page", await h1(page), "Instances");
  check("keyboard: the new page's heading has the focus", await page.evaluate(() => document.activeElement.tagName), "H1");
  await settled(page);
  await view(page, "d04-instances");

  // The wizard: an ID refused as typed, the host with its base directory, the start mode.
  await page.click("#new-instance");
  await page.waitForSelector("dialog.wizard[open] #wiz-id");
  await page.fill("#wiz-id", "1bad");
  check("wizard: a wrong ID is refused as typed", await text(page, "#wiz-id-state"), (s) => /letter/i.test(s));
  check("wizard: the field is marked invalid", await page.getAttribute("#wiz-id", "aria-invalid"), "true");
  await view(page, "d05-wizard-id-refused");
  await page.fill("#wiz-id", ID);
  check("wizard: a good ID is accepted", await text(page, "#wiz-id-state"), (s) => !/letter|characters|another/i.test(s));
  await page.fill("#wiz-name", "Console end-to-end test");
  await page.click("#wizard-next");
  await page.waitForSelector("dialog.wizard[open] input[name=wiz-host]", { timeout: TIMEOUT });
  const hostChoice = args.host ? page.locator(`input[name=wiz-host][value="${args.host}"]`) : page.locator("input[name=wiz-host]").first();
  await hostChoice.check();
  check("wizard: each host shows its base directory", await page.locator(".choice .choice-detail").first().innerText(), (s) => /base directory/i.test(s));
  await view(page, "d06-wizard-host");
  await page.click("#wizard-next");
  await page.waitForSelector("dialog.wizard[open] input[name=wiz-mode]");
  await page.locator("input[name=wiz-mode][value=manual]").check();
  check("wizard: the summary names the ID", await text(page, "dialog.wizard .facts"), (s) => s.includes(ID));
  await view(page, "d07-wizard-summary");
  await page.click("#wizard-next");
  await page.waitForSelector("dialog.wizard", { state: "detached", timeout: TIMEOUT });
  await page.waitForFunction((id) => [...document.querySelectorAll(".iid")].some((e) => e.textContent === id), ID, { timeout: TIMEOUT });
  check("wizard: created, the notice says so", await text(page, ".outcome"), (s) => s.includes(ID));
  check("instances: the search shows the new instance", await page.inputValue("#instance-search"), ID);
  check("instances: the search is in the address", page.url(), (u) => u.includes("q=" + ID));
  check("instances: the new instance is stopped", await statusOf(page, ID), "Stopped");

  // Start it from its row: progress in the task window, then Running.
  await rowOf(page, ID).locator(`button[aria-label="Start ${ID}"]`).click();
  const windowShown = await page.waitForSelector("#task-window", { timeout: 5000 }).then(() => true, () => false);
  if (windowShown) {
    await view(page, "d08-task-window");
    check("tasks: the window shows the start", await text(page, "#task-window .task-label"), (s) => s.includes(ID));
  }
  await page.waitForFunction((id) => {
    const row = [...document.querySelectorAll("table.instances-table tbody tr")].find((r) => r.querySelector(".iid")?.textContent === id);
    return row && row.querySelector(".col-status .badge")?.textContent === "Running";
  }, ID, { timeout: START_TIMEOUT });
  check("instances: started", await statusOf(page, ID), "Running");
  // The row may turn Running (the list is looked at again while instances move) before the call ends.
  await page.waitForSelector(".outcome .note.ok, .outcome .note.error", { timeout: START_TIMEOUT });
  check("instances: the outcome is shown", await text(page, ".outcome"), (s) => s.includes("started"));
  if (windowShown) {
    await page.waitForSelector("#task-window .task.succeeded", { timeout: TIMEOUT });
    check("tasks: the start succeeded", await page.locator("#task-window .task.succeeded").count(), (n) => n >= 1);
    await page.click("#task-window .task-window-head .icon-button");
    check("tasks: the button stays after closing the window", await page.isVisible(".tasks-button"), true);
    await page.click(".tasks-button");
    check("tasks: the button opens the window again", await page.isVisible("#task-window"), true);
    await page.click("#task-window .task-window-head .icon-button");
  }
  await view(page, "d09-instance-running");

  // Filters, and the confirmation before Stop (cancelled here; the phone stops it).
  await page.selectOption("#filter-status", "running");
  await page.waitForFunction(() => location.hash.includes("status=running"));
  check("instances: the status filter keeps the running instance", await rowOf(page, ID).count(), 1);
  await page.selectOption("#filter-status", "stopped");
  check("instances: the stopped filter hides it", await rowOf(page, ID).count(), 0);
  await page.selectOption("#filter-status", "");
  await rowOf(page, ID).locator("input[type=checkbox]").check();
  check("instances: the selection is counted", await text(page, ".selected-count"), "1 selected");
  await page.click("#action-stop");
  await page.waitForSelector("dialog[open] [data-confirm]");
  check("instances: Stop asks first", await text(page, "dialog[open] h2"), (s) => /stop/i.test(s));
  await view(page, "d10-confirm-stop");
  await page.keyboard.press("Escape");
  await page.waitForSelector("dialog[open]", { state: "detached" });
  check("instances: Escape cancels, nothing stopped", await statusOf(page, ID), "Running");

  // Reload keeps the page, the search and the session; Back goes to the dashboard.
  await page.reload();
  await page.waitForSelector('main[data-page="instances"] h1', { timeout: TIMEOUT });
  check("reload: the session and the search stay", await page.inputValue("#instance-search"), ID);
  await page.keyboard.press("Tab");
  check("keyboard: the first Tab reaches the skip button", await page.evaluate(() => document.activeElement.className), (c) => c.includes("skip"));
  await page.keyboard.press("Enter");
  check("keyboard: the skip button moves to the content", await page.evaluate(() => document.activeElement.id), "main");
  await page.goBack();
  await page.waitForSelector('main[data-page="dashboard"] h1', { timeout: TIMEOUT });
  check("back: the dashboard again", await h1(page), "Dashboard");

  // Instance Hosts and Client Access Servers.
  await go(page, "instance-hosts");
  await settled(page);
  check("instance hosts: listed", await page.locator("main table tbody tr").count(), (n) => n >= 1);
  await view(page, "d11-instance-hosts");
  await page.click("#add-server");
  await page.waitForSelector("dialog[open] #srv-name");
  await page.fill("#srv-thumb", "not a thumbprint");
  await page.click("dialog[open] button[type=submit]");
  check("instance hosts: a bad thumbprint is refused in place", await page.locator("dialog[open] .problem").count(), (n) => n >= 1);
  await view(page, "d12-add-instance-host");
  await page.keyboard.press("Escape");
  await page.waitForSelector("dialog[open]", { state: "detached" });
  await go(page, "client-access-servers");
  await settled(page);
  await view(page, "d13-client-access-servers");

  // System Administrators and SMTP Settings.
  await go(page, "administrators");
  await settled(page);
  check("administrators: the caller is listed", await page.locator("main table tbody tr strong", { hasText: args.user }).count(), (n) => n >= 1);
  await page.click("main .page-actions .primary");
  await page.waitForSelector("dialog[open] #adm-name");
  await page.fill("#adm-pw", "short");
  await page.click("dialog[open] button[type=submit]");
  check("administrators: a weak password is refused in place", await page.locator("dialog[open] .problem").count(), (n) => n >= 2);
  await view(page, "d14-new-administrator");
  await page.keyboard.press("Escape");
  await page.waitForSelector("dialog[open]", { state: "detached" });
  await view(page, "d15-administrators");
  await go(page, "smtp");
  await page.waitForSelector("#smtp-host", { timeout: TIMEOUT });
  await view(page, "d16-smtp");

  // Developer: GetEnvironmentInfo, its answer and command lines.
  await go(page, "developer");
  await page.waitForSelector("#fn-search", { timeout: TIMEOUT });
  await page.fill("#fn-search", "GetEnvironment");
  check("developer: the search narrows the list", await page.locator("#fn-links a").count(), (n) => n >= 1 && n <= 3);
  await page.click('#fn-links a[href="#/developer/GetEnvironmentInfo"]');
  await page.waitForSelector("#invoke");
  await page.click("#invoke");
  await page.waitForSelector("#envelope", { timeout: TIMEOUT });
  const envelope = JSON.parse(await text(page, "#envelope"));
  check("developer: GetEnvironmentInfo succeeded", envelope.statusCode, "succeeded");
  check("developer: the envelope has the version", envelope.result && envelope.result.version, (v) => typeof v === "string" && v.length > 0);
  check("developer: spe-cli line", await text(page, "#cmd-cli"), (s) => s.startsWith("spe-cli ") && s.includes("-c GetEnvironmentInfo") && s.includes(`-u ${args.user}`));
  check("developer: curl line", await text(page, "#cmd-curl"), (s) => s.startsWith("curl ") && s.includes(`${args.user}:PASSWORD`) && s.includes("/api/invoke/GetEnvironmentInfo"));
  check("developer: the password appears nowhere", await page.evaluate((p) => document.body.innerText.includes(p), args.password), false);
  check("developer: the function is in the address", page.url(), (u) => u.endsWith("#/developer/GetEnvironmentInfo"));
  check("developer: the function's description from get-metadata", await text(page, "#fn-description"), (s) => s.length > 10);
  await view(page, "d17-developer");

  // German, remembered across a reload.
  await page.selectOption("header select.lang", "de");
  await page.waitForFunction(() => document.documentElement.lang === "de");
  check("german: the navigation", await text(page, '#nav a[href="#/instances"]'), "Instanzen");
  await go(page, "instances");
  await settled(page);
  await view(page, "d18-instances-de");
  await page.reload();
  await page.waitForSelector('main[data-page="instances"] h1', { timeout: TIMEOUT });
  check("german: remembered after a reload", await h1(page), "Instanzen");
  await page.selectOption("header select.lang", "en");
  await page.waitForFunction(() => document.documentElement.lang === "en");

  // Log out: the login form, and the session is gone on the server too.
  await page.click("header .logout");
  await page.waitForSelector("#login-user", { timeout: TIMEOUT });
  check("logout: the session is gone", await page.evaluate(async () => (await fetch("/console/session")).status), 401);
  await view(page, "d19-logged-out");
  done();
  await context.close();
}

async function phone(browser) {
  const context = await browser.newContext({ ignoreHTTPSErrors: true, locale: "de-DE", viewport: { width: 390, height: 844 },
                                             deviceScaleFactor: 2, isMobile: true, hasTouch: true });
  const page = await context.newPage();
  const done = watch(page, "phone");
  await page.goto(base);
  await page.waitForSelector("#login-user");
  check("phone: German from the browser", await text(page, "#login-button"), "Anmelden");
  await page.selectOption("select.lang", "en");
  await view(page, "p01-login");
  await login(page);
  await loggedIn(page);
  await page.waitForSelector(".tree .node", { timeout: TIMEOUT });
  await settled(page);
  check("phone: the name and Log out stay visible", [await page.isVisible("header .user"), await page.isVisible("header .logout")], [true, true]);
  check("phone: no sideways scrolling", await page.evaluate(() => document.documentElement.scrollWidth <= innerWidth), true);
  await view(page, "p02-dashboard");
  await page.click(".menu-toggle");
  await drawerOpen(page);
  check("phone: the drawer is announced open", await page.getAttribute(".menu-toggle", "aria-expanded"), "true");
  await view(page, "p03-navigation");
  await page.click('#nav a.nav-link[href="#/instances"]');
  await page.waitForSelector('main[data-page="instances"] h1');
  await settled(page);
  check("phone: the drawer closes", await page.getAttribute(".menu-toggle", "aria-expanded"), "false");
  await page.fill("#instance-search", ID);
  await page.waitForFunction(() => document.querySelectorAll("table.instances-table tbody tr").length === 1, null, { timeout: TIMEOUT });
  check("phone: the instance's status", await statusOf(page, ID), "Running");
  check("phone: no sideways scrolling in the table", await page.evaluate(() => document.documentElement.scrollWidth <= innerWidth), true);
  await view(page, "p04-instances");

  // Stop from the row, after the confirmation.
  await rowOf(page, ID).locator(`button[aria-label="Stop ${ID}"]`).click();
  await page.waitForSelector("dialog[open] [data-confirm]");
  await view(page, "p05-confirm-stop");
  await page.click("dialog[open] [data-confirm]");
  await page.waitForFunction((id) => {
    const row = [...document.querySelectorAll("table.instances-table tbody tr")].find((r) => r.querySelector(".iid")?.textContent === id);
    return row && row.querySelector(".col-status .badge")?.textContent === "Stopped";
  }, ID, { timeout: START_TIMEOUT });
  check("phone: stopped", await statusOf(page, ID), "Stopped");
  await page.waitForFunction(() => !document.querySelector("#task-window .task.running"), null, { timeout: TIMEOUT });
  await view(page, "p06-stopped");
  if (await page.isVisible("#task-window")) await page.click("#task-window .task-window-head .icon-button");

  for (const [hash, name] of [["instance-hosts", "p07-instance-hosts"], ["client-access-servers", "p08-client-access-servers"],
                              ["administrators", "p09-administrators"], ["smtp", "p10-smtp"]]) {
    await go(page, hash, true);
    await settled(page);
    check(`phone: ${hash} without sideways scrolling`, await page.evaluate(() => document.documentElement.scrollWidth <= innerWidth), true);
    await view(page, name);
  }
  await go(page, "developer", true);
  await page.waitForSelector("#fn-search", { timeout: TIMEOUT });
  await page.fill("#fn-search", "GetEnvironmentInfo");
  await page.click('#fn-links a[href="#/developer/GetEnvironmentInfo"]');
  await page.click("#invoke");
  await page.waitForSelector("#envelope", { timeout: TIMEOUT });
  check("phone: developer invoke", JSON.parse(await text(page, "#envelope")).statusCode, "succeeded");
  await view(page, "p11-developer");
  await page.click("header .logout");
  await page.waitForSelector("#login-user", { timeout: TIMEOUT });
  done();
  await context.close();
}

const only = (process.env.SPE_CONSOLE_PARTS || "desktop,phone").split(",");
await run([desktop, phone].filter((part) => only.includes(part.name)));
