// General → License Information (issue 24) in Debian's Chromium at 1440x900
// and 390x844: each instance's used licenses, when they were counted and
// why an instance shows its last count or none, the total, the sentence
// that nothing is enforced or sent, the raw request (collapsed, then
// opened), Download CSV (the file read back: RFC 4180, CRLF, the rows the
// page shows), German. Every view gets a screenshot and an axe-core audit.
// Prints one JSON line (see scenario.mjs), with `csv`: the downloaded text.
//   node console_license.mjs '{"url": ..., "user": ..., "password": ..., "shots": DIR,
//                              "expected": {"<instanceID>": <used licenses or null>, ...}, "total": N,
//                              "stale": [<instances shown with their last count>]}'
import fs from "node:fs";
import { makeScenario, text } from "./scenario.mjs";
import { TIMEOUT, consoleSite, go, h1, loggedIn, settled } from "./console_common.mjs";

const args = JSON.parse(process.argv[2]);
const { out, check, view, run } = makeScenario({ shots: args.shots });
const { base, watch, login } = consoleSite(args, check);
const ids = Object.keys(args.expected).sort();

// {instanceID: shown used licenses (null for "—")} of the table.
const shownCounts = (page) => page.evaluate(() => Object.fromEntries(
  [...document.querySelectorAll("table.lic-table tbody tr")].map((tr) => {
    const used = tr.querySelector(".lic-used").innerText.replace(/^.*?:\s*/s, "").trim();
    return [tr.dataset.instance, used === "—" ? null : Number(used.replace(/[^\d]/g, ""))];
  })));
const rowText = (page, id) => text(page, `table.lic-table tbody tr[data-instance="${id}"] .lic-when`);
const noSideways = (page) => page.evaluate(() => document.documentElement.scrollWidth <= innerWidth);

// The page's own answer (the raw request), as the CSV must be made from it.
async function rawAnswer(page) {
  return JSON.parse(await page.locator("#lic-raw").textContent());
}

function csvOf(answer) {
  const field = (v) => {
    const s = v === null || v === undefined ? "" : String(v);
    return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  const rows = [...answer.instanceData].sort((a, b) => (a.instanceID < b.instanceID ? -1 : 1));
  return ["instanceID,usedLicenseCount,countedAt",
          ...rows.map((d) => [d.instanceID, d.usedLicenseCount, d.countedAt].map(field).join(","))].join("\r\n") + "\r\n";
}

async function desktop(browser) {
  const context = await browser.newContext({ ignoreHTTPSErrors: true, locale: "en-US", viewport: { width: 1440, height: 900 },
                                             acceptDownloads: true });
  const page = await context.newPage();
  const done = watch(page, "desktop");
  await page.goto(base);
  await login(page);
  await loggedIn(page);
  check("nav: License Information is under General",
        await page.locator("#nav .nav-group", { has: page.locator("#nav-navGeneral") }).locator('a[href="#/license"]').innerText(),
        "License Information");
  await go(page, "license");
  await page.waitForSelector("table.lic-table", { timeout: TIMEOUT });
  await settled(page);
  check("license: h1", await h1(page), "License Information");
  check("license: the sentence that nothing is enforced or sent", await text(page, "#lic-nothing-sent"),
        "Nothing is enforced and nothing is sent anywhere: these counts are for your own billing.");
  check("license: the rule", await text(page, ".lic-rule"), (s) => s.includes("user archive") && s.includes("deleted user"));
  check("license: one row per instance, in order",
        await page.locator("table.lic-table tbody tr").evaluateAll((trs) => trs.map((tr) => tr.dataset.instance)), ids);
  check("license: the used licenses of each instance", await shownCounts(page), args.expected);
  check("license: the total", await text(page, "#lic-total"), String(args.total));
  for (const id of ids) {
    const when = await rowText(page, id);
    if (args.expected[id] === null) {
      check(`license: ${id} was never counted, and says why`, when, (s) => s.startsWith("Never counted") && /never been counted/.test(s));
    } else if (args.stale && args.stale.includes(id)) {
      check(`license: ${id} shows its last count and why`, when, (s) => s.includes("Last count") && /stopped/.test(s));
    } else {
      check(`license: ${id} was counted now`, when, (s) => /\d/.test(s) && !s.includes("Last count"));
    }
  }
  check("license: the unknown instances are named under the total", await page.locator("#lic-unknown").count(),
        ids.some((id) => args.expected[id] === null) ? 1 : 0);
  check("license: the raw request starts collapsed", await page.locator("details.lic-raw").evaluate((d) => d.open), false);
  await view(page, "d01-license");

  // The raw request, opened.
  await page.click("details.lic-raw summary");
  await page.waitForSelector("#lic-raw", { state: "visible" });
  const answer = await rawAnswer(page);
  check("license: the raw request is the function's result", Object.keys(answer).sort(),
        ["createdAt", "instanceData", "licenseeName", "machineName", "total"]);
  check("license: its total is the page's", answer.total, args.total);
  await page.locator("details.lic-raw").scrollIntoViewIfNeeded();
  await view(page, "d02-license-raw");

  // Download CSV: the file is the table of the answer shown.
  const [download] = await Promise.all([page.waitForEvent("download", { timeout: TIMEOUT }), page.click("#lic-csv")]);
  check("license: the file's name", download.suggestedFilename(), (s) => /^license-usage-[A-Za-z0-9._-]+-\d{8}-\d{6}\.csv$/.test(s));
  const csv = fs.readFileSync(await download.path(), "utf8");
  out.csv = csv;
  check("license: the CSV is the answer's table, RFC 4180 with CRLF", csv, csvOf(answer));

  // German.
  await page.selectOption("header select.lang", "de");
  await page.waitForFunction(() => document.querySelector("main h1").textContent === "Lizenzinformationen");
  check("german: the page and its button", [await h1(page), (await text(page, "#lic-csv")).trim()],
        ["Lizenzinformationen", "CSV herunterladen"]);
  await view(page, "d03-license-german");
  await page.selectOption("header select.lang", "en");
  await page.waitForFunction(() => document.querySelector("main h1").textContent === "License Information");
  done();
  await context.close();
}

async function phone(browser) {
  const context = await browser.newContext({ ignoreHTTPSErrors: true, locale: "en-US", viewport: { width: 390, height: 844 },
                                             acceptDownloads: true });
  const page = await context.newPage();
  const done = watch(page, "phone");
  await page.goto(base);
  await login(page);
  await loggedIn(page);
  await go(page, "license", true);
  await page.waitForSelector("table.lic-table", { timeout: TIMEOUT });
  await settled(page);
  check("phone: the used licenses of each instance", await shownCounts(page), args.expected);
  check("phone: no sideways scrolling", await noSideways(page), true);
  await view(page, "p01-license");
  await page.click("details.lic-raw summary");
  await page.locator("#lic-raw").scrollIntoViewIfNeeded();
  check("phone: the raw request does not widen the page", await noSideways(page), true);
  await view(page, "p02-license-raw");
  done();
  await context.close();
}

const only = (process.env.SPE_CONSOLE_PARTS || "desktop,phone").split(",");
await run([desktop, phone].filter((part) => only.includes(part.name)));
