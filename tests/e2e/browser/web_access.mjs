// Web Access in Debian's Chromium, driven by Playwright: the login page, a
// wrong password, logging in, the folder list, a search, opening a message,
// downloading it as .eml, and the same pages on a phone-sized screen.
// Screenshots go to the directory given; a JSON summary goes to stdout for
// the Python test (tests/e2e/test_web_access.py) to check.
//   node web_access.mjs '{"url": ..., "user": ..., "password": ..., "shots": ..., "search": ...}'
import { chromium } from "playwright-core";
import fs from "node:fs";
import path from "node:path";

const args = JSON.parse(process.argv[2]);
const out = {};
const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium",
  headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"],
});
try {
  const context = await browser.newContext({ ignoreHTTPSErrors: true, acceptDownloads: true,
                                             viewport: { width: 1366, height: 860 } });
  const page = await context.newPage();
  const remote = [];
  page.on("request", (r) => { if (!r.url().startsWith(new URL(args.url).origin)) remote.push(r.url()); });
  await page.goto(args.url);
  await page.waitForSelector("#login:visible");
  await page.screenshot({ path: path.join(args.shots, "01-login.png") });

  await page.fill("#user", args.user);
  await page.fill("#password", "not the password");
  await page.click("#login-button");
  await page.waitForSelector("#login-error:visible", { timeout: 30000 });
  out.loginError = await page.textContent("#login-error");
  await page.screenshot({ path: path.join(args.shots, "02-login-refused.png") });

  await page.fill("#password", args.password);
  await page.click("#login-button");
  await page.waitForSelector("#hits li[data-message]", { timeout: 30000 });
  out.folders = await page.$$eval("#folder-tree a", (as) => as.map((a) => a.title));
  out.inboxHits = await page.$$eval("#hits li[data-message]", (li) => li.length);
  await page.screenshot({ path: path.join(args.shots, "03-inbox.png") });

  await page.fill("#query", args.search);
  await page.click("#search button[type=submit]");
  await page.waitForFunction((q) => document.querySelector("#scope-detail").textContent.includes("\u201c" + q + "\u201d"), args.search);
  await page.waitForSelector("#hits li[data-message]");
  out.searchHits = await page.$$eval("#hits li[data-message]", (li) => li.length);
  out.searchRange = await page.textContent("#range");
  await page.screenshot({ path: path.join(args.shots, "04-search.png") });

  // An HTML message: shown in a sandboxed frame.
  if (args.htmlSubject) {
    await page.fill("#query", "subject:" + args.htmlSubject);
    await page.click("#search button[type=submit]");
    await page.waitForFunction((s) => document.querySelector("#scope-detail").textContent.includes(s), args.htmlSubject);
  }
  await page.click("#hits li[data-message] >> nth=0");
  await page.waitForFunction(() => document.querySelector("#m-subject").textContent.length > 0);
  out.subject = await page.textContent("#m-subject");
  out.sandbox = await page.getAttribute("#m-html", "sandbox");
  out.htmlShown = await page.isVisible("#m-html");
  out.remoteNotice = (await page.isVisible("#m-remote")) ? await page.textContent("#m-remote") : "";
  if (out.htmlShown) {
    const frame = page.frameLocator("#m-html");
    out.htmlText = await frame.locator("body").innerText();
  }
  await page.screenshot({ path: path.join(args.shots, "05-message.png") });

  const [download] = await Promise.all([page.waitForEvent("download"), page.click("#download")]);
  const saved = path.join(args.shots, "downloaded.eml");
  await download.saveAs(saved);
  out.downloadName = download.suggestedFilename();
  out.downloadPath = saved;

  await page.click("#logout");
  await page.waitForSelector("#login:visible");
  out.afterLogout = await page.evaluate(async () => (await fetch("api/session", { method: "POST" })).status);
  out.remoteRequests = remote;

  const phone = await browser.newContext({ ignoreHTTPSErrors: true, viewport: { width: 390, height: 844 },
                                           deviceScaleFactor: 2, isMobile: true, hasTouch: true });
  const p2 = await phone.newPage();
  await p2.goto(args.url);
  await p2.fill("#user", args.user);
  await p2.fill("#password", args.password);
  await p2.click("#login-button");
  await p2.waitForSelector("#hits li[data-message]", { timeout: 30000 });
  await p2.screenshot({ path: path.join(args.shots, "06-phone-list.png") });
  await p2.click("#hits li[data-message] >> nth=0");
  await p2.waitForFunction(() => document.querySelector("#m-subject").textContent.length > 0);
  out.phoneResultsHidden = !(await p2.isVisible("#hits"));
  await p2.screenshot({ path: path.join(args.shots, "07-phone-message.png") });
  out.ok = true;
} catch (e) {
  out.error = String(e && e.stack || e);
} finally {
  await browser.close();
}
process.stdout.write(JSON.stringify(out) + "\n");
