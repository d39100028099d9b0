// An instance's page in the Management Console (issue 18), in Debian's
// Chromium at 1440x900 and 390x844: the tabs in the order a provider sets a
// customer up (Users, Directory, Archive Stores, Search Indexes, Archiving with an
// import, Folders of the import, Export of the import, Overview with the imported message count,
// Archive Access, Jobs, E-mail, Compliance, Live Statistics). Each tab's steps are in console_tabs/<tab>.mjs, exporting
// desktop(page, ctx) and optionally phone(page, ctx); ctx carries
// {args, id, check, view, openTab, state} (state: what one tab leaves for
// the next, e.g. the user it created). Every view gets a screenshot and an
// axe-core audit. Prints one JSON line (see scenario.mjs).
//   node console_instance.mjs '{"url": ..., "user": ..., "password": ..., "shots": DIR,
//                               "instanceId": "<a running instance>", "importDir": "<a directory of .eml files on its host>"}'
import { makeScenario } from "./scenario.mjs";
import { TIMEOUT, consoleSite, loggedIn, settled } from "./console_common.mjs";
import * as users from "./console_tabs/users.mjs";
import * as directory from "./console_tabs/directory.mjs";
import * as folders from "./console_tabs/folders.mjs";
import * as stores from "./console_tabs/stores.mjs";
import * as indexes from "./console_tabs/indexes.mjs";
import * as archiving from "./console_tabs/archiving.mjs";
import * as exporting from "./console_tabs/export.mjs";
import * as overview from "./console_tabs/overview.mjs";
import * as access from "./console_tabs/access.mjs";
import * as jobs from "./console_tabs/jobs.mjs";
import * as email from "./console_tabs/email.mjs";
import * as compliance from "./console_tabs/compliance.mjs";
import * as live from "./console_tabs/live.mjs";

// Folders sits between Users and Archive Stores on the page but is tested after the
// import, so there are folders with mail to count, move and move back.
const TABS = [["users", users], ["directory", directory], ["stores", stores], ["indexes", indexes], ["archiving", archiving], ["folders", folders], ["export", exporting],
              ["overview", overview], ["access", access], ["jobs", jobs], ["email", email], ["compliance", compliance], ["live", live]];
const args = JSON.parse(process.argv[2]);
const { check, view, run } = makeScenario({ shots: args.shots });
const { base, watch, login } = consoleSite(args, check);
const id = args.instanceId;

// Opens a tab of the instance's page by clicking it and waits for its panel to settle.
async function openTab(page, name) {
  await page.click(`.tabs [role=tab]#tab-${name}`);
  await page.waitForSelector(`[role=tabpanel]#panel-${name}`, { timeout: TIMEOUT });
  await settled(page);
}

// The Dashboard's charts after the import: today's archived messages include
// it (the platform records figures every 2 s here), and the live processes.
async function dashboardCharts(page) {
  await page.click('#nav a.nav-link[href="#/dashboard"]');
  await page.waitForSelector("#archived-title", { timeout: TIMEOUT });
  const lastRow = '[aria-labelledby=archived-title] table.chart-table tbody tr:last-child td';
  const deadline = Date.now() + 60000;
  let seen = "";
  for (;;) {
    await settled(page);
    seen = (await page.locator(lastRow).first().textContent().catch(() => "")) || "";
    if (Number(seen.replace(/[^0-9]/g, "")) >= args.imported || Date.now() > deadline) break;
    await page.click("main .page-actions button.ghost");  // Refresh: the figures are asked for again
  }
  check("dashboard: today's archived messages include the import", Number(seen.replace(/[^0-9]/g, "")), (n) => n >= args.imported);
  check("dashboard: the storage chart names the instance",
        await page.locator("[aria-labelledby=storage-title] table.chart-table thead th").allTextContents(), (h) => h.includes(id));
  await page.waitForSelector("#processes-title ~ p", { timeout: TIMEOUT });
  check("dashboard: live processes counted", await page.locator("#processes-title ~ p").first().innerText(), (s) => /\d/.test(s));
  await view(page, "i-dashboard-charts");
}

async function part(browser, kind, viewport) {
  const context = await browser.newContext({ ignoreHTTPSErrors: true, locale: "en-US", viewport });
  const page = await context.newPage();
  const done = watch(page, kind);
  const state = {};
  await page.goto(base + "#/instances/" + encodeURIComponent(id));
  await login(page);
  await loggedIn(page);
  await page.waitForSelector(".tabs [role=tab]", { timeout: TIMEOUT });
  check(`${kind}: the instance's page names it`, (await page.locator("main h1").first().innerText()).trim(), id);
  for (const [name, mod] of TABS) {
    if (!mod[kind]) continue;
    await openTab(page, name);
    await mod[kind](page, { args, id, check, view, openTab, state, settled, TIMEOUT });
  }
  if (kind === "desktop") await dashboardCharts(page);
  done();
  await context.close();
}

const desktop = (browser) => part(browser, "desktop", { width: 1440, height: 900 });
const phone = (browser) => part(browser, "phone", { width: 390, height: 844 });
const only = (process.env.SPE_CONSOLE_PARTS || "desktop,phone").split(",");
await run([desktop, phone].filter((p) => only.includes(p.name)));
