// Web Access's features in Debian's Chromium, driven by Playwright, at
// 1366x768 and 390x844 (issue 17): folder tree with archive roots and
// subfolders, the list scrolling in its pane, paging, page sizes, sorting,
// the search form and its help, marked hits, sent folders, links in HTML
// mail, plain text with quotes, conversations, the address as state
// (reload, Back/Forward, links), loading indicators, errors, empty states,
// the keyboard, translations (the server's errors by code in German, dates
// in the language's format), export. Every view gets a screenshot and an
// axe-core audit (the mail itself, in its frame, is not audited: it is the
// sender's). Prints a JSON summary for tests/e2e/test_web_features.py:
//   {ok, checks: {name: true | what was seen}, axe: {view: [violations]}, shots: [...], ...}
//   node web_features.mjs '{"url": ..., "password": ..., "shots": ..., "adminUrl": ..., ...}'
import path from "node:path";

import { makeScenario, text } from "./scenario.mjs";

const args = JSON.parse(process.argv[2]);
const { out, check, view, run } = makeScenario({ shots: args.shots, axeOptions: { iframes: false } });
const TIMEOUT = 30000;
const searched = (page) => page.waitForResponse((r) => r.url().endsWith("/api/search"), { timeout: TIMEOUT });

async function login(page, user) {
  await page.goto(args.url);
  await page.waitForSelector("#login:visible");
  await page.fill("#user", user);
  await page.fill("#password", args.password);
  const answered = searched(page);
  await page.click("#login-button");
  if (user !== "erin") await answered;
  await page.waitForSelector("#app-view:visible", { timeout: TIMEOUT });
}

// Runs `action` and waits for the search it starts and for the list drawn.
async function listAfter(page, action) {
  const drawn = await page.evaluate(() => document.getElementById("hits").dataset.drawn || "");
  const answered = searched(page);
  await action();
  const body = await (await answered).json();
  await page.waitForFunction((d) => (document.getElementById("hits").dataset.drawn || "") !== d, drawn, { timeout: TIMEOUT });
  return body;
}

async function openByClick(page, locator) {
  const before = await page.evaluate(() => document.getElementById("m-subject").textContent);
  await locator.click();
  await page.waitForFunction((b) => {
    const s = document.getElementById("m-subject");
    return !document.getElementById("message").hidden && s.textContent && s.textContent !== b;
  }, before, { timeout: TIMEOUT });
}

async function layout(page) {
  return page.evaluate(() => {
    const hits = document.getElementById("hits");
    const pager = document.querySelector(".pager").getBoundingClientRect();
    return {
      pageScrolls: document.scrollingElement.scrollHeight > window.innerHeight + 1,
      listScrolls: hits.scrollHeight > hits.clientHeight,
      pagerVisible: pager.bottom <= window.innerHeight && pager.top >= 0 && pager.height > 0,
    };
  });
}

async function inViewport(page, sel) {
  return page.evaluate((s) => {
    const r = document.querySelector(s).getBoundingClientRect();
    return r.height > 0 && r.top >= 0 && r.bottom <= window.innerHeight && window.scrollY === 0;
  }, sel);
}

async function desktop(browser) {
  const context = await browser.newContext({ ignoreHTTPSErrors: true, acceptDownloads: true, locale: "en-US",
                                             viewport: { width: 1366, height: 768 } });
  await context.route("https://real.example.net/**", (route) => route.fulfill({ status: 200, body: "outside" }));
  const page = await context.newPage();
  const remote = [];
  const origin = new URL(args.url).origin;
  page.on("request", (r) => { if (!r.url().startsWith(origin) && !r.url().startsWith("data:")) remote.push(r.url()); });

  await page.goto(args.url);
  await page.waitForSelector("#login:visible");
  await view(page, "d01-login");
  await page.fill("#user", "alice");
  await page.fill("#password", "wrong password");
  await page.click("#login-button");
  await page.waitForSelector("#login-error:visible", { timeout: TIMEOUT });
  await view(page, "d02-login-refused");

  // The Inbox: the list scrolls in its pane, the pager stays in view.
  await page.fill("#password", args.password);
  const first = searched(page);
  await page.click("#login-button");
  const inbox = await (await first).json();
  await page.waitForSelector("#hits li.hit");
  check("inbox total", inbox.total, args.inbox);
  check("inbox range", await text(page, "#range"), `1–50 of ${args.inbox}`);
  check("h1 names the folder", await text(page, "h1#scope-title"), "Inbox");
  check("scope names the archive", await text(page, "#scope-detail"), (s) => s.startsWith("My archive"));
  check("inbox layout", await layout(page), { pageScrolls: false, listScrolls: true, pagerVisible: true });
  await page.waitForFunction(() => document.getElementById("announce").textContent.length > 0);
  check("results announced", await text(page, "#announce"), (s) => s.includes(`${args.inbox} messages`));
  await view(page, "d03-inbox");

  // A message low in the list opens in view, the page does not scroll.
  await page.evaluate(() => { const h = document.getElementById("hits"); h.scrollTop = h.scrollHeight; });
  await openByClick(page, page.locator("#hits li.hit a.open").last());
  check("low message shown without scrolling", await inViewport(page, "#m-subject"), true);
  check("address names the open message", page.url(), (u) => /[#&]m=\d+\.\d+/.test(u));
  check("open row marked", await page.locator("#hits li.hit").last().getAttribute("class"), (c) => c.includes("active"));
  await view(page, "d04-open-low-message");

  // Paging: next starts at the top, last, first, page sizes.
  await listAfter(page, () => page.click("#next"));
  check("page 2 range", await text(page, "#range"), `51–100 of ${args.inbox}`);
  check("page 2 starts at its top", await page.evaluate(() => document.getElementById("hits").scrollTop), 0);
  check("page 2 in the address", page.url(), (u) => /[#&]p=2/.test(u));
  await listAfter(page, () => page.click("#last"));
  check("last page range", await text(page, "#range"), `201–${args.inbox} of ${args.inbox}`);
  check("next disabled on the last page", await page.isDisabled("#next"), true);
  await listAfter(page, () => page.click("#first"));
  check("first page range", await text(page, "#range"), `1–50 of ${args.inbox}`);
  await listAfter(page, () => page.selectOption("#page-size", "100"));
  check("100 per page", await text(page, "#range"), `1–100 of ${args.inbox}`);
  await listAfter(page, () => page.selectOption("#page-size", "200"));
  check("200 per page", await page.locator("#hits li.hit").count(), 200);
  await view(page, "d05-200-per-page");
  await listAfter(page, () => page.selectOption("#page-size", "50"));

  // Sorting re-runs the search, both directions.
  const sorts = {};
  for (const [value, key] of [["sender-asc", "from"], ["sender-desc", "from"], ["subject-asc", "subject"],
                              ["subject-desc", "subject"], ["size-desc", "size"], ["size-asc", "size"],
                              ["date-asc", "date"], ["date-desc", "date"]]) {
    const body = await listAfter(page, () => page.selectOption("#sort", value));
    sorts[value] = body.hits.map((h) => h[key]);
    check(`sort ${value} in the address`, page.url(), (u) => value === "date-desc" || u.includes("sort=" + value));
  }
  const ordered = (xs, dir) => xs.every((x, i) => i === 0 || (dir > 0 ? xs[i - 1] <= x : xs[i - 1] >= x));
  check("largest first", ordered(sorts["size-desc"], -1), true);
  check("smallest first", ordered(sorts["size-asc"], 1), true);
  check("oldest first", ordered(sorts["date-asc"], 1), true);
  check("newest first", ordered(sorts["date-desc"], -1), true);
  check("sender A-Z starts with Anna", sorts["sender-asc"][0], (s) => s.startsWith("Anna Albers"));
  check("sender Z-A starts with Zoe", sorts["sender-desc"][0], (s) => s.startsWith("Zoe Zimmer"));
  check("subject A-Z first", sorts["subject-asc"][0], "Contract draft");
  check("subject Z-A first", sorts["subject-desc"][0], (s) => s.startsWith("Report 229"));
  await listAfter(page, () => page.selectOption("#sort", "sender-asc"));
  check("first row is the first sender", await text(page, "#hits li.hit .who"), "Anna Albers");
  await view(page, "d06-sorted-by-sender");
  await listAfter(page, () => page.selectOption("#sort", "date-desc"));

  // Words: marked in the list's snippets and in the opened message.
  await page.fill("#query", "invoice");
  await listAfter(page, () => page.click("#search button[type=submit]"));
  check("snippets mark the word", await page.locator("#hits .snippet mark").first().innerText(), (s) => s.toLowerCase() === "invoice");
  check("scope line names the words", await text(page, "#scope-detail"), (s) => s.includes("“invoice”"));
  check("query in the address", page.url(), (u) => u.includes("q=invoice"));
  await view(page, "d07-search-marked");
  await openByClick(page, page.locator("#hits li.hit a.open").first());
  check("word marked in the message", await page.locator("#m-text mark").count(), (n) => n >= 1);

  // The whole archive: the root of the tree, every folder.
  await listAfter(page, () => page.click("#folder-tree a.root >> nth=0"));
  check("root heading", await text(page, "h1#scope-title"), "All folders");
  const wheres = await page.locator("#hits .where").allInnerTexts();
  check("whole archive covers subfolders and Sent", [...new Set(wheres)].sort(), (w) => w.includes("Inbox › Receipts") && w.includes("Sent"));
  await view(page, "d08-whole-archive");
  await listAfter(page, () => page.click("#clear"));
  check("whole archive total", await text(page, "#range"), `1–50 of ${args.archive}`);
  await listAfter(page, () => page.click("#folder-tree a.root >> nth=1"));
  check("other archive root", await text(page, "#range"), "1–6 of 6");
  check("other archive named", await text(page, "h1#scope-title"), "All folders of bob");
  await listAfter(page, () => page.click("#folder-tree a[title='alice/Projects']"));
  check("a parent folder is selectable with its subfolders", await text(page, "#range"), "1–5 of 5");
  await listAfter(page, () => page.click("#folder-tree a[title='alice/Inbox']"));
  check("subfolders choice shown", await page.isVisible("#subfolders"), true);
  await listAfter(page, () => page.check("#subfolders"));
  check("Inbox with its subfolders", await text(page, "#range"), `1–50 of ${args.inboxWithSub}`);
  check("scope says with subfolders", await text(page, "#scope-detail"), (s) => s.includes("with subfolders"));
  await view(page, "d09-inbox-with-subfolders");
  await listAfter(page, () => page.uncheck("#subfolders"));

  // The search form and its help.
  await listAfter(page, () => page.click("#folder-tree a.root >> nth=0"));
  check("date fields labelled", await page.evaluate(() => [...document.querySelectorAll("#fields label span")].map((s) => s.textContent)),
        (l) => l.includes("Date from") && l.includes("Date to"));
  // Dates typed in the language's format (US English here), sent as ISO days.
  await listAfter(page, () => page.click("#folder-tree a[title='alice/Inbox/Receipts']"));
  check("date format shown", await page.getAttribute("#f-after", "placeholder"), "MM/DD/YYYY");
  await page.fill("#f-after", "01/31/2024");
  await page.fill("#f-until", "2/2/2024");
  const dated = page.waitForRequest((r) => r.url().endsWith("/api/search"));
  await listAfter(page, () => page.press("#f-until", "Enter"));
  const datedBody = JSON.parse((await dated).postData());
  check("dates sent as ISO days", [datedBody.after, datedBody.until], ["2024-01-31", "2024-02-02"]);
  check("dates find their days", await text(page, "#range"), "1–3 of 3");
  check("dates shown in the format", [await page.inputValue("#f-after"), await page.inputValue("#f-until")],
        ["01/31/2024", "02/02/2024"]);
  check("scope line names the dates", await text(page, "#scope-detail"), (s) => s.includes("Date from 01/31/2024") && s.includes("Date to 02/02/2024"));
  check("dates in the address as ISO", page.url(), (u) => u.includes("after=2024-01-31") && u.includes("until=2024-02-02"));
  await view(page, "d10a-dates");
  let searches = 0;
  const countSearches = (r) => { if (r.url().endsWith("/api/search")) searches++; };
  page.on("request", countSearches);
  await page.fill("#f-until", "02/30/2024");
  await page.press("#f-until", "Enter");
  await page.waitForSelector("#date-error:visible");
  check("a date that does not exist is refused", await text(page, "#date-error"),
        `Enter the date as MM/DD/YYYY, for example 01/31/${new Date().getFullYear()}.`);
  check("the wrong date is marked", await page.getAttribute("#f-until", "aria-invalid"), "");
  check("the wrong date has the focus", await page.evaluate(() => document.activeElement.id), "f-until");
  await view(page, "d10b-date-refused");
  check("no search with a wrong date", searches, 0);
  page.off("request", countSearches);
  await listAfter(page, () => page.click("#clear"));
  check("clear empties the dates", [await page.inputValue("#f-after"), await page.isHidden("#date-error")], ["", true]);
  await listAfter(page, () => page.click("#folder-tree a.root >> nth=0"));

  await page.fill("#f-from", "Carol");
  await page.fill("#f-subject", "spring");
  await listAfter(page, () => page.press("#f-subject", "Enter"));
  check("from and subject fields", await text(page, "#range"), "1–2 of 2");
  await listAfter(page, () => page.click("#clear"));
  await page.fill("#query", "contract");
  await page.check("#f-att");
  await listAfter(page, () => page.click("#search button[type=submit]"));
  check("has attachment field", await text(page, "#hits li.hit .subject"), "Contract draft");
  await view(page, "d10-search-fields");
  await page.click("#help-link");
  await page.waitForSelector("#help[open]");
  check("help explains the language", await text(page, "#help"), (s) => s.includes("from:") && s.includes("has:attachment"));
  await view(page, "d11-search-help");
  await page.keyboard.press("Escape");
  await page.waitForFunction(() => !document.getElementById("help").open);
  await listAfter(page, () => page.click("#clear"));

  // Sent mail lists the recipients.
  await listAfter(page, () => page.click("#folder-tree a[title='alice/Sent']"));
  const who = await page.locator("#hits li.hit .who").allInnerTexts();
  check("sent folder shows recipients", who, (w) => w.length > 0 && w.every((x) => x.startsWith("To: ")));
  check("sort by recipient offered", await page.locator("#sort option[value='recipient-asc']").count(), 1);
  await view(page, "d12-sent");

  // A link in HTML mail: the real target first, then a new tab.
  await listAfter(page, () => page.click("#folder-tree a[title='alice/Inbox']"));
  await page.fill("#query", "invoice");
  await page.fill("#f-subject", "newsletter");
  await listAfter(page, () => page.click("#search button[type=submit]"));
  await openByClick(page, page.locator("#hits li.hit a.open").first());
  await page.waitForFunction(() => { const d = document.getElementById("m-html").contentDocument; return d && d.querySelector("a"); });
  check("word marked in the HTML message", await page.frameLocator("#m-html").locator("mark").count(), (n) => n >= 1);
  check("frame sandboxed without scripts", await page.getAttribute("#m-html", "sandbox"), "allow-same-origin");
  await page.frameLocator("#m-html").locator("a").first().click();
  await page.waitForSelector("#link-dialog[open]");
  check("dialog shows the real target", await text(page, "#link-target"), args.linkTarget);
  check("dialog shows what the link claims", await text(page, "#link-text"), "https://bank.example.com/login");
  check("frame stayed", await page.evaluate(() => document.getElementById("m-html").contentWindow.location.href), "about:srcdoc");
  await view(page, "d13-link-confirmation");
  const [popup] = await Promise.all([context.waitForEvent("page"), page.click("#link-open")]);
  await popup.waitForLoadState();
  check("link opened in a new tab", popup.url(), args.linkTarget);
  check("no opener for the new tab", await popup.evaluate(() => window.opener === null), true);
  await popup.close();

  // Remote images: off, then through the CAS when asked (never from the browser to the remote host).
  await page.fill("#query", "");
  await page.fill("#f-subject", "remote pictures");
  await listAfter(page, () => page.click("#search button[type=submit]"));
  await openByClick(page, page.locator("#hits li.hit a.open").first());
  check("remote image not loaded, said so", await text(page, "#m-remote-text"), (s) => s.startsWith("1 remote image"));
  const asked = page.waitForResponse((r) => r.url().endsWith("/api/message"));
  await page.click("[data-remote-images]");
  check("asked again with remote images", (await (await asked).json()).remoteImagesShown, 1);
  await page.waitForFunction(() => { const d = document.getElementById("m-html").contentDocument; return d && d.querySelector("img"); });
  check("remote image through the CAS", await page.frameLocator("#m-html").locator("img").getAttribute("src"),
        (src) => src.startsWith("api/remoteImage?token="));
  await page.fill("#query", "invoice");

  // Plain text: proportional, wrapped, quotes as quotes.
  await page.fill("#f-subject", "quoted");
  await listAfter(page, () => page.click("#search button[type=submit]"));
  await openByClick(page, page.locator("#hits li.hit a.open").first());
  const plain = await page.evaluate(() => {
    const t = document.getElementById("m-text");
    const cs = getComputedStyle(t);
    return { mono: /mono|courier|consolas/i.test(cs.fontFamily), wrap: cs.whiteSpace, overflow: t.scrollWidth > t.clientWidth + 1,
             quotes: t.querySelectorAll("blockquote.quote").length, nested: t.querySelectorAll("blockquote.quote blockquote.quote").length,
             quoted: (t.querySelector("blockquote.quote") || {}).textContent || "" };
  });
  check("plain text layout", { mono: plain.mono, wrap: plain.wrap, overflow: plain.overflow, quotes: plain.quotes, nested: plain.nested },
        { mono: false, wrap: "pre-wrap", overflow: false, quotes: 2, nested: 1 });
  check("quote markers taken off", plain.quoted, (q) => q.startsWith("Here is the invoice") && !q.includes("> "));
  await view(page, "d14-plain-text-quotes");

  // A conversation.
  await listAfter(page, () => page.click("#clear"));
  await listAfter(page, () => page.click("#folder-tree a.root >> nth=0"));
  await page.fill("#f-subject", "spring campaign");
  await listAfter(page, () => page.click("#search button[type=submit]"));
  await openByClick(page, page.locator("#hits li.hit a.open", { has: page.locator(".subject", { hasText: /^RE: Offer/ }) }));
  await page.waitForSelector("#conversation:visible", { timeout: TIMEOUT });
  check("conversation lists the thread", await page.locator("#conversation-list li").count(), 4);
  check("conversation marks the open one", await page.locator("#conversation-list a[aria-current]").innerText(), (s) => s.includes("RE: Offer"));
  await view(page, "d15-conversation");
  const t3 = page.url();
  await page.locator("#conversation-list a").first().click();
  await page.waitForFunction(() => document.getElementById("m-subject").textContent === "Offer for the spring campaign");

  // The address: reload, Back/Forward, a link to a message.
  const t1 = page.url();
  await page.reload();
  await page.waitForFunction(() => document.getElementById("m-subject").textContent === "Offer for the spring campaign", null, { timeout: TIMEOUT });
  check("reload keeps the search", await page.inputValue("#f-subject"), "spring campaign");
  check("reload keeps the message", page.url(), t1);
  await page.goBack();
  await page.waitForFunction(() => document.getElementById("m-subject").textContent.startsWith("RE: Offer"), null, { timeout: TIMEOUT });
  check("Back shows the message before", page.url(), t3);
  await page.goForward();
  await page.waitForFunction(() => document.getElementById("m-subject").textContent === "Offer for the spring campaign", null, { timeout: TIMEOUT });
  check("Forward shows it again", page.url(), t1);
  const linked = await context.newPage();
  await linked.goto(t3);
  await linked.waitForFunction(() => document.getElementById("m-subject").textContent.startsWith("RE: Offer"), null, { timeout: TIMEOUT });
  check("a link opens its message", await linked.inputValue("#f-subject"), "spring campaign");
  await linked.close();

  // Slow requests show the indicator; an error replaces the results.
  await listAfter(page, () => page.click("#clear"));
  await listAfter(page, () => page.click("#folder-tree a[title='alice/Inbox']"));
  await page.route("**/api/search", async (route) => {
    await new Promise((r) => setTimeout(r, 1200));
    await route.continue().catch(() => {});
  }, { times: 1 });
  const slow = listAfter(page, () => page.click("#next"));
  await page.waitForSelector("#progress:visible", { timeout: 1100 });
  check("indicator while loading", await page.getAttribute("#hits", "aria-busy"), "true");
  await slow;
  check("indicator gone", await page.isHidden("#progress"), true);
  await page.route("**/api/search", (route) => route.fulfill({ status: 503, contentType: "application/json",
                                                               body: JSON.stringify({ error: "The search index is being rebuilt (test)." }) }),
                   { times: 1 });
  await page.click("#next");
  await page.waitForSelector("#list-status.error:visible");
  check("error replaces the results", { rows: await page.locator("#hits li").count(), text: await text(page, "#list-status .status-title") },
        { rows: 0, text: "The search index is being rebuilt (test)." });
  await view(page, "d16-error");
  await listAfter(page, () => page.click("#list-status button"));
  check("try again", await page.locator("#hits li.hit").count(), (n) => n > 0);

  // Empty results explain themselves.
  await page.fill("#query", "zzqxjv");
  await listAfter(page, () => page.click("#search button[type=submit]"));
  check("no results explained", await text(page, "#list-status"), (s) => s.startsWith("No messages match your search."));
  await view(page, "d17-no-results");
  await listAfter(page, () => page.click("#clear"));

  // The keyboard: Tab reaches every message, arrows move, Enter opens, j/k, '/'.
  check("back in the Inbox", await text(page, "#range"), `1–50 of ${args.inbox}`);
  const keys = await page.locator("#hits li.hit").evaluateAll((lis) => lis.map((li) => li.dataset.key));
  await page.locator("#hits li.hit input.pick").first().focus();
  const tabbed = [];
  for (let i = 0; i < 6; i++) {
    await page.keyboard.press("Tab");
    tabbed.push(await page.evaluate(() => { const a = document.activeElement; return a.classList.contains("open") ? a.closest("li").dataset.key : a.className; }));
  }
  check("Tab reaches each message in turn", [tabbed[0], tabbed[2], tabbed[4]], keys.slice(0, 3));
  await page.locator("#hits a.open").first().focus();
  for (let i = 0; i < 3; i++) await page.keyboard.press("ArrowDown");
  check("arrow keys move along the list", await page.evaluate(() => document.activeElement.closest("li").dataset.key), keys[3]);
  await page.keyboard.press("Enter");
  await page.waitForFunction((k) => location.hash.includes("m=" + k), keys[3]);
  await page.waitForFunction(() => !document.getElementById("message").hidden);
  check("Enter opens", await page.locator("#hits li.active").getAttribute("data-key"), keys[3]);
  await page.keyboard.press("j");
  await page.waitForFunction((k) => location.hash.includes("m=" + k), keys[4]);
  await page.keyboard.press("k");
  await page.waitForFunction((k) => location.hash.includes("m=" + k), keys[3]);
  check("j and k", true, true);
  // j past the page's last message opens the first of the next page; k goes back.
  await page.click(`#hits li[data-key="${keys[keys.length - 1]}"] a.open`);
  await page.waitForFunction((k) => location.hash.includes("m=" + k), keys[keys.length - 1]);
  await page.keyboard.press("j");
  await page.waitForFunction(() => location.hash.includes("p=2") && /m=/.test(location.hash));
  await page.waitForFunction(() => !document.getElementById("message").hidden);
  check("j crosses to the next page", await page.locator("#hits li.active").count(), 1);
  const firstOfNext = await page.locator("#hits li.hit").first().getAttribute("data-key");
  check("j opens the next page's first message", await page.locator("#hits li.active").getAttribute("data-key"), firstOfNext);
  await page.keyboard.press("k");
  await page.waitForFunction((k) => !location.hash.includes("p=2") && location.hash.includes("m=" + k), keys[keys.length - 1]);
  check("k crosses back to the last message", await page.locator("#hits li.active").getAttribute("data-key"), keys[keys.length - 1]);
  await page.keyboard.press("/");
  check("slash focuses the search", await page.evaluate(() => document.activeElement.id), "query");
  await page.keyboard.press("Escape");

  // Export: chosen messages as .zip, all results as .mbox.
  await listAfter(page, () => page.click("#folder-tree a[title='alice/Sent']"));
  await listAfter(page, () => page.click("#folder-tree a[title='alice/Inbox']"));
  await page.locator("#hits input.pick").nth(0).check();
  await page.locator("#hits input.pick").nth(1).check();
  check("selection counted", await text(page, "#selected-count"), "2 selected");
  await page.click("#export");
  await view(page, "d18-export-menu");
  let [download] = await Promise.all([page.waitForEvent("download", { timeout: 60000 }), page.click("#export-menu [data-format=zip]")]);
  out.exportZip = path.join(args.shots, "export.zip");
  await download.saveAs(out.exportZip);
  check("export status", await text(page, "#export-status"), "Exporting 2 messages: the download is running.");
  await page.check("#select-page");
  await page.waitForSelector("#select-all:visible");
  check("select all results offered", await text(page, "#select-all"), `Select all ${args.inbox} results`);
  await page.click("#select-all");
  check("all results selected", await text(page, "#selected-count"), `${args.inbox} selected`);
  await page.click("#export");
  [download] = await Promise.all([page.waitForEvent("download", { timeout: 60000 }), page.click("#export-menu [data-format=mbox]")]);
  out.exportMbox = path.join(args.shots, "export.mbox");
  await download.saveAs(out.exportMbox);
  check("all results exported", await text(page, "#export-status"), `Exporting ${args.inbox} messages: the download is running.`);
  await view(page, "d19-export-all");
  await page.click("#clear-selection");
  check("selection cleared", await page.isHidden("#clear-selection"), true);
  await page.locator("#hits input.pick").nth(0).check();
  await listAfter(page, () => page.click("#folder-tree a[title='alice/Sent']"));
  check("another folder starts without a selection", await text(page, "#selected-count"), "");

  await page.click("#logout");
  await page.waitForSelector("#login:visible");
  check("no request left the archive's server", remote, []);
  await context.close();
}

async function german(browser) {
  const context = await browser.newContext({ ignoreHTTPSErrors: true, locale: "de-DE", viewport: { width: 1366, height: 768 } });
  const page = await context.newPage();
  await page.goto(args.url);
  await page.waitForSelector("#login:visible");
  check("German from the browser", await text(page, "#login-button"), "Anmelden");
  check("page language", await page.getAttribute("html", "lang"), "de");
  const catalogue = await page.evaluate(async () => {
    const { CATALOGUE } = await import("/-/i18n.js");
    const shape = (v) => (Array.isArray(v) ? "array:" + v.length : typeof v === "object" ? "object" : "string");
    const missing = [];
    const compare = (en, de, at) => {
      for (const [k, v] of Object.entries(en)) {
        if (!(k in de) || shape(de[k]) !== shape(v)) missing.push(at + k);
        else if (shape(v) === "object") compare(v, de[k], at + k + ".");
      }
    };
    compare(CATALOGUE.en, CATALOGUE.de, "");
    return missing;
  });
  check("German catalogue complete", catalogue, []);
  await view(page, "g01-login-de");
  await login(page, "erin");
  await page.waitForSelector("#list-status:visible");
  check("empty archive explained (de)", await text(page, "#list-status"), (s) => s.startsWith("Dieses Archiv ist leer."));
  await view(page, "g02-empty-archive-de");
  await page.selectOption("#lang", "en");
  await page.waitForFunction(() => document.getElementById("list-status").textContent.startsWith("This archive is empty."));
  check("switched to English", await text(page, "#logout"), "Log out");
  check("switch kept", await page.evaluate(() => localStorage.getItem("spe-lang")), "en");
  await view(page, "g03-empty-archive-en");
  await context.close();
  await germanErrorsAndDates(browser);

  // The archive administrator sees folders and why no messages.
  const admin = await browser.newContext({ ignoreHTTPSErrors: true, locale: "en-US", viewport: { width: 1366, height: 768 } });
  const a = await admin.newPage();
  await a.goto(args.adminUrl);
  await a.waitForSelector("#list-status:visible", { timeout: TIMEOUT });
  check("archive admin told why", await text(a, "#list-status"), (s) => s.startsWith("The archive administrator cannot read messages."));
  check("archive admin sees the folders", await a.locator("#folder-tree a.root").count(), (n) => n >= 2);
  check("archive admin gets no search form", await a.isVisible("#query"), false);
  await view(a, "g04-archive-admin");
  await admin.close();
}

// German: the server's errors in German (a refused login, a search the
// server refuses, a message that does not exist, the CAS's busy answer), and
// dates typed and shown as Germans write them.
async function germanErrorsAndDates(browser) {
  const context = await browser.newContext({ ignoreHTTPSErrors: true, locale: "de-DE", viewport: { width: 1366, height: 768 } });
  const page = await context.newPage();
  await page.goto(args.url);
  await page.waitForSelector("#login:visible");
  await page.fill("#user", "alice");
  await page.fill("#password", "falsches Passwort");
  await page.click("#login-button");
  await page.waitForSelector("#login-error:visible", { timeout: TIMEOUT });
  check("refused login in German", await text(page, "#login-error"), "Benutzername oder Passwort ist falsch.");
  await view(page, "g05-login-refused-de");
  await login(page, "alice");
  await page.waitForSelector("#hits li.hit");

  await listAfter(page, () => page.click("#folder-tree a[title='alice/Inbox/Receipts']"));
  check("German date format shown", await page.getAttribute("#f-after", "placeholder"), "TT.MM.JJJJ");
  check("calendar button named in German", await page.getAttribute("button.datepick[data-for=f-after]", "aria-label"),
        "\u201eDatum von\u201c im Kalender w\u00e4hlen");
  await page.fill("#f-after", "31.01.2024");
  await page.fill("#f-until", "2.2.2024");
  const dated = page.waitForRequest((r) => r.url().endsWith("/api/search"));
  await listAfter(page, () => page.click("#search button[type=submit]"));
  const body = JSON.parse((await dated).postData());
  check("German dates sent as ISO days", [body.after, body.until], ["2024-01-31", "2024-02-02"]);
  check("German dates find their days", await text(page, "#range"), "1–3 von 3");
  check("German dates shown as written in German", await page.inputValue("#f-until"), "02.02.2024");
  check("German scope line names the dates", await text(page, "#scope-detail"),
        (s) => s.includes("Datum von 31.01.2024") && s.includes("Datum bis 02.02.2024"));
  // The browser's calendar writes its day into the field, in German.
  await page.$eval("#f-after-pick", (e) => { e.value = "2024-01-30"; e.dispatchEvent(new Event("change")); });
  check("calendar day written in German", await page.inputValue("#f-after"), "30.01.2024");
  await view(page, "g06-dates-de");
  await page.fill("#f-after", "31.02.2024");
  await page.click("#search button[type=submit]");
  await page.waitForSelector("#date-error:visible");
  check("wrong date refused in German", await text(page, "#date-error"),
        `Geben Sie das Datum als TT.MM.JJJJ ein, zum Beispiel 31.01.${new Date().getFullYear()}.`);
  await view(page, "g07-date-refused-de");
  await listAfter(page, () => page.click("#clear"));

  await page.fill("#query", "\"offer");
  await listAfter(page, () => page.click("#search button[type=submit]"));
  check("refused search in German", await text(page, "#list-status .status-title"),
        "Die Suche ist ung\u00fcltig: ein Anf\u00fchrungszeichen ist nicht geschlossen.");
  await view(page, "g08-refused-search-de");
  await page.route("**/api/search", (route) => route.fulfill({ status: 503, contentType: "application/json",
    body: JSON.stringify({ error: "The archive is busy; try again in a moment.", code: "archiveBusy" }) }), { times: 1 });
  await page.fill("#query", "offer");
  await listAfter(page, () => page.click("#search button[type=submit]"));
  check("the CAS's answer in German", await text(page, "#list-status .status-title"),
        "Das Archiv ist ausgelastet; versuchen Sie es gleich noch einmal.");
  await listAfter(page, () => page.click("#clear"));

  await page.evaluate(() => { location.hash = "#f=alice%2FInbox&m=1.999999999"; });
  await page.waitForSelector("#message-status:visible", { timeout: TIMEOUT });
  check("a message that does not exist, in German", await text(page, "#message-status"), "Diese Nachricht gibt es nicht.");
  await view(page, "g09-no-such-message-de");
  await context.close();
}

async function phone(browser) {
  const context = await browser.newContext({ ignoreHTTPSErrors: true, locale: "en-US", viewport: { width: 390, height: 844 },
                                             deviceScaleFactor: 2, isMobile: true, hasTouch: true });
  await context.route("https://real.example.net/**", (route) => route.fulfill({ status: 200, body: "outside" }));
  const page = await context.newPage();
  await page.goto(args.url);
  await page.waitForSelector("#login:visible");
  await view(page, "p01-login");
  await login(page, "alice");
  await page.waitForSelector("#hits li.hit");
  check("phone layout", await layout(page), { pageScrolls: false, listScrolls: true, pagerVisible: true });
  check("phone: fields folded", await page.isVisible("#f-from"), false);
  await view(page, "p02-list");
  await page.click("#menu");
  await page.waitForSelector("#folders.shown a.root");
  await page.waitForFunction(() => document.getElementById("folders").getBoundingClientRect().left >= 0);  // slid in
  await view(page, "p03-folders");
  await listAfter(page, () => page.click("#folder-tree a.root >> nth=0"));
  check("phone: drawer closes", await page.evaluate(() => document.getElementById("folders").classList.contains("shown")), false);
  await page.click("#fields-toggle");
  check("phone: fields unfold", await page.isVisible("#f-from"), true);
  await page.fill("#f-after", "01/31/2024");
  check("phone: calendar button beside the date", await page.isVisible("button.datepick[data-for=f-after]"), true);
  await view(page, "p04-fields");
  await page.fill("#f-after", "");
  await page.fill("#query", "invoice");
  await listAfter(page, () => page.click("#search button[type=submit]"));
  check("phone: marked snippets", await page.locator("#hits .snippet mark").count(), (n) => n > 0);
  await view(page, "p05-search");
  await page.evaluate(() => { const h = document.getElementById("hits"); h.scrollTop = h.scrollHeight; });
  await openByClick(page, page.locator("#hits li.hit a.open").last());
  check("phone: message in view", await inViewport(page, "#m-subject"), true);
  check("phone: list hidden while reading", await page.isVisible("#hits"), false);
  check("phone: the folder stays named above the message", await page.isVisible("#scope-title"), true);
  await view(page, "p06-message");
  await page.click("#back");
  await page.waitForSelector("#hits:visible");
  await page.fill("#query", "");
  await page.fill("#f-subject", "spring campaign");
  await listAfter(page, () => page.click("#search button[type=submit]"));
  await openByClick(page, page.locator("#hits li.hit a.open", { has: page.locator(".subject", { hasText: /^RE: Offer/ }) }));
  await page.waitForSelector("#conversation:visible", { timeout: TIMEOUT });
  await view(page, "p07-conversation");
  await page.click("#back");
  await page.fill("#f-subject", "newsletter");
  await listAfter(page, () => page.click("#search button[type=submit]"));
  await openByClick(page, page.locator("#hits li.hit a.open").first());
  await page.waitForFunction(() => { const d = document.getElementById("m-html").contentDocument; return d && d.querySelector("a"); });
  await page.frameLocator("#m-html").locator("a").first().click();
  await page.waitForSelector("#link-dialog[open]");
  check("phone: link confirmation", await text(page, "#link-target"), args.linkTarget);
  await view(page, "p08-link-confirmation");
  await page.click("#link-cancel");
  await context.close();
}

const only = (process.env.SPE_WEB_FEATURES || "desktop,german,phone").split(",");
await run([desktop, german, phone].filter((part) => only.includes(part.name)));
