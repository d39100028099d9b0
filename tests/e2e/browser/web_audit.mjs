// The audit log page of Web Access (issue 21: "the instance's $archiveadmin
// sees its own instance's log in Web Access") in Debian's Chromium, run by
// test_web_audit.py:
//   end user:  no "Audit log" in the header; #audit shows the archive.
//   admin:     the one-time link; the link beside (absent) Settings; the page
//              with the focus on its title, the key's fingerprint, 50 entries
//              newest first, "Older"/"Newer" by offset; filters by event (a
//              failed login marked "Failed"), by who, by dates in the page's
//              format (a wrong date refused at its field); Reset; "Verify
//              the log" says intact with every entry; German; logging out
//              from the page leaves nothing of it.
// Each view is taken at 1280x800 (d-...) and 390x844 (p-...) with an
// axe-core audit each.
//   node web_audit.mjs '{"url", "adminUrl", "user", "password", "shots"}'
import { makeScenario, text } from "./scenario.mjs";

const args = JSON.parse(process.argv[2]);
const { out, check, view, run } = makeScenario({ shots: args.shots, axeOptions: { iframes: false } });
const TIMEOUT = 30000;
const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };

// A view at both sizes: d-<name> and p-<name>; `subject` (a selector) is
// scrolled to the top of the page's own scrolling <main> for each (not with
// scrollIntoView, which would scroll the header out of the window too).
async function views(page, name, subject) {
  const show = async () => {
    if (!subject) return;
    await page.locator(subject).first().evaluate((e) => {
      const main = e.closest("main");
      main.scrollTop += e.getBoundingClientRect().top - main.getBoundingClientRect().top;
    });
  };
  await show();
  await view(page, "d-" + name);
  await page.setViewportSize(PHONE);
  await show();
  await view(page, "p-" + name);
  await page.setViewportSize(DESKTOP);
}

async function browserContext(browser) {
  // Berlin: the days of the filters are the user's days, not UTC's.
  const context = await browser.newContext({ ignoreHTTPSErrors: true, locale: "en-US", timezoneId: "Europe/Berlin",
                                             viewport: DESKTOP });
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  return { context, page, done: (name) => check(`${name}: no script errors`, errors, []) };
}

const activeId = (page) => page.evaluate(() => document.activeElement && document.activeElement.id);
const visible = (page, sel) => page.isVisible(sel);

// Runs `action` and waits until the table shows the request it made.
async function drawn(page, action) {
  const before = await page.getAttribute("#audit-results", "data-drawn");
  await action();
  await page.waitForFunction((b) => {
    const d = document.getElementById("audit-results").dataset.drawn;
    return d !== undefined && d !== b;
  }, before, { timeout: TIMEOUT });
}

const rows = (page) => page.$$eval("#audit-rows tr", (trs) => trs.map((tr) => ({
  seq: Number(tr.dataset.sequence),
  failed: tr.classList.contains("failed"),
  cells: [...tr.cells].map((c) => c.innerText.trim()),
})));
const COL = { time: 0, who: 1, event: 2, object: 3, details: 4, source: 5, outcome: 6 };
const descending = (list) => list.every((r, i) => i === 0 || r.seq < list[i - 1].seq);

// The day as the page wants it typed (en-US: MM/DD/YYYY), `days` from today
// in the browser's time zone.
const typedDay = (page, days) => page.evaluate((n) => {
  const d = new Date();
  d.setDate(d.getDate() + n);
  const pad = (v) => String(v).padStart(2, "0");
  return `${pad(d.getMonth() + 1)}/${pad(d.getDate())}/${d.getFullYear()}`;
}, days);

async function endUserPart(browser) {
  const u = await browserContext(browser);
  await u.page.goto(args.url);
  await u.page.waitForSelector("#login:visible", { timeout: TIMEOUT });
  await u.page.fill("#user", args.user);
  await u.page.fill("#password", args.password);
  await u.page.click("#login-button");
  await u.page.waitForSelector("#app-view:visible", { timeout: TIMEOUT });
  check("end user: logged in", await text(u.page, "#who"), args.user);
  check("end user: Settings in the header", await visible(u.page, "#settings-link"), true);
  check("end user: no audit log link", await visible(u.page, "#audit-link"), false);
  await u.page.goto(args.url + "#audit");
  await u.page.waitForSelector("#app-view:visible", { timeout: TIMEOUT });
  await u.page.waitForSelector("#hits[data-drawn]", { timeout: TIMEOUT });
  check("end user: #audit shows the archive", [await visible(u.page, "#audit-view"), await visible(u.page, "#app-view")],
        [false, true]);
  check("end user: still no link", await visible(u.page, "#audit-link"), false);
  await views(u.page, "01-end-user-archive");
  u.done("end user");
  await u.context.close();
}

async function adminPart(browser) {
  const a = await browserContext(browser);
  const page = a.page;
  await page.goto(args.adminUrl);
  await page.waitForSelector("#app-view:visible", { timeout: TIMEOUT });
  check("admin: logged in", await text(page, "#who"), "Archive administrator");
  // The link is drawn once the archive is shown (after its folders load), a moment after the view.
  await page.waitForSelector("#audit-link:visible", { timeout: TIMEOUT }).catch(() => {});
  check("admin: the audit log link, no Settings", [await visible(page, "#audit-link"), await visible(page, "#settings-link")],
        [true, false]);
  check("admin: the link's name", await text(page, "#audit-link"), "Audit log");
  await views(page, "02-admin-archive");

  // The page, from the header.
  await drawn(page, () => page.click("#audit-link"));
  check("page: the address says so", new URL(page.url()).hash, "#audit");
  check("page: the title has the focus", await activeId(page), "audit-title");
  check("page: its title", await text(page, "#audit-title"), "Audit log");
  check("page: the archive is hidden", await visible(page, "#app-view"), false);
  check("page: the link is marked current", await page.getAttribute("#audit-link", "aria-current"), "page");
  const fingerprint = (await text(page, "#audit-fingerprint")).replace(/\s/g, "");
  check("page: the key's fingerprint", fingerprint, (s) => /^[0-9a-f]{16}$/.test(s));
  out.fingerprint = fingerprint;
  check("page: the table's column headers", await page.$$eval("#audit-table thead th", (ths) =>
    ths.map((th) => [th.getAttribute("scope"), th.innerText.trim()])),
  [["col", "Time"], ["col", "Who"], ["col", "Event"], ["col", "Object"], ["col", "Details"], ["col", "Source"],
   ["col", "Outcome"]]);
  const events = await page.$$eval("#audit-event option", (os) => os.map((o) => o.value));
  check("filters: the events to choose from, after 'any'", events, (e) => e[0] === "" &&
        ["SessionLogin", "SessionLoginFailed", "UserAdd", "UserUpdate"].every((n) => e.includes(n)));

  const first = await rows(page);
  const total = first.length ? first[0].seq : 0;  // the newest entry's number is the log's length
  out.total = total;
  check("page 1: 50 entries", first.length, 50);
  check("page 1: newest first", descending(first), true);
  check("page 1: the newest is this login", first[0] && first[0].cells[COL.event], "ArchiveAdminOneTimeLogin");
  check("page 1: who with the kind", first[0] && first[0].cells[COL.who], (s) => s.includes("$archiveadmin") &&
        s.includes("archive administrator"));
  check("page 1: the time as the app writes it", first[0] && first[0].cells[COL.time], (s) => /^\d{2}\/\d{2}\/\d{4}, /.test(s));
  check("page 1: the range", await text(page, "#audit-range"), "Entries 1\u201350");
  check("page 1: Newer off, Older on", [await page.isDisabled("#audit-newer"), await page.isDisabled("#audit-older")],
        [true, false]);
  await views(page, "03-audit-log");

  // Older: the next 50 (or what is left), then Newer again.
  await drawn(page, () => page.click("#audit-older"));
  const second = await rows(page);
  check("page 2: what is left", second.length, Math.min(50, total - 50));
  check("page 2: continues page 1", second.length && second[0].seq, first[49].seq - 1);
  check("page 2: newest first", descending(second), true);
  check("page 2: the range", await text(page, "#audit-range"), `Entries 51\u2013${50 + second.length}`);
  check("page 2: Newer on; Older while there is more", [await page.isDisabled("#audit-newer"), await page.isDisabled("#audit-older")],
        [false, total <= 100]);
  check("page 2: the focus on the table's heading", await activeId(page), "audit-table-title");
  await views(page, "04-audit-older", "#audit-results");
  await drawn(page, () => page.click("#audit-newer"));
  check("Newer: page 1 again", (await rows(page)).map((r) => r.seq), first.map((r) => r.seq));

  // By event: the failed login, marked in words and at the row's edge.
  await page.selectOption("#audit-event", "SessionLoginFailed");
  await drawn(page, () => page.click("#audit-filters button[type=submit]"));
  const failed = await rows(page);
  check("event filter: only failed logins", failed.length >= 1 && failed.every((r) => r.cells[COL.event] === "SessionLoginFailed"), true);
  check("event filter: the user's failed login", failed.some((r) => r.cells[COL.who].startsWith(args.user)), true);
  check("event filter: marked Failed, not by colour alone", failed.every((r) => r.failed && r.cells[COL.outcome].endsWith("Failed")), true);
  check("event filter: no Newer/Older", [await page.isDisabled("#audit-newer"), await page.isDisabled("#audit-older")], [true, true]);
  await views(page, "05-filter-failed-login", "#audit-results");

  // By who: the user's own logins.
  await page.selectOption("#audit-event", "");
  await page.fill("#audit-actor", args.user);
  await drawn(page, () => page.click("#audit-filters button[type=submit]"));
  const own = await rows(page);
  check("who filter: only the user", own.length >= 2 && own.every((r) => r.cells[COL.who].startsWith(args.user + "\n") ||
        r.cells[COL.who].split("\n")[0] === args.user), true);
  check("who filter: a good and a failed login", ["SessionLogin", "SessionLoginFailed"].every((e) =>
    own.some((r) => r.cells[COL.event] === e)), true);
  check("who filter: fewer than all", own.length < total, true);

  // Dates: typed in the page's format (en-US), "to" takes its whole day.
  await page.fill("#audit-actor", "");
  check("dates: the format asked", await page.getAttribute("#audit-from", "placeholder"), "MM/DD/YYYY");
  await page.fill("#audit-from", await typedDay(page, 0));
  await page.fill("#audit-to", await typedDay(page, 0));
  await drawn(page, () => page.click("#audit-filters button[type=submit]"));
  check("dates: today has every entry", (await rows(page)).map((r) => r.seq), first.map((r) => r.seq));
  await page.fill("#audit-from", await typedDay(page, 1));
  await page.fill("#audit-to", "");
  await drawn(page, () => page.click("#audit-filters button[type=submit]"));
  check("dates: from tomorrow nothing", [await visible(page, "#audit-table"), await text(page, "#audit-none")],
        [false, "No entries match these filters."]);
  await page.fill("#audit-from", "13/45/2026");
  await page.click("#audit-filters button[type=submit]");
  check("dates: a wrong date is refused at its field", [await text(page, "#audit-date-error"), await activeId(page),
    await page.getAttribute("#audit-from", "aria-invalid")],
  (s) => s[0].startsWith("Enter the date as MM/DD/YYYY") && s[1] === "audit-from" && s[2] !== null);
  await views(page, "06-date-refused", "#audit-filters");

  // Reset: everything again.
  await drawn(page, () => page.click("#audit-reset"));
  check("reset: the fields empty", await page.$$eval("#audit-filters input:not([type=date]), #audit-filters select",
    (fs) => fs.map((f) => f.value)), ["", "", "", "", ""]);
  check("reset: page 1 again", (await rows(page)).map((r) => r.seq), first.map((r) => r.seq));

  // Verify: intact, every entry, signed.
  await page.click("#audit-verify");
  await page.waitForSelector("#audit-verify-status p", { timeout: TIMEOUT });
  const verdict = await text(page, "#audit-verify-status p");
  out.verdict = verdict;
  check("verify: intact with every entry, signed", verdict,
        (s) => s.startsWith(`Intact: ${total} entries, `) && /\d+ signed checkpoints?, last signed \d{2}\/\d{2}\/\d{4}, /.test(s));
  check("verify: said in a live region", await page.getAttribute("#audit-verify-status", "role"), "status");
  await views(page, "07-verified");

  // German: the page, the table and the verdict.
  await page.selectOption("#lang", "de");
  check("German: the title", await text(page, "#audit-title"), "Audit-Protokoll");
  check("German: the columns", await page.$$eval("#audit-table thead th", (ths) => ths.map((th) => th.innerText.trim())),
        ["Zeit", "Wer", "Ereignis", "Objekt", "Details", "Herkunft", "Ergebnis"]);
  check("German: the verdict", await text(page, "#audit-verify-status p"),
        (s) => s.startsWith(`Unversehrt: ${total} Eintr\u00e4ge, `));
  check("German: dates as Germans write them", await page.getAttribute("#audit-from", "placeholder"), "TT.MM.JJJJ");
  await views(page, "08-german");
  await page.selectOption("#lang", "en");

  // Logging out from the page leaves nothing of it.
  await page.click("#logout");
  await page.waitForSelector("#login:visible", { timeout: TIMEOUT });
  check("logout: the page and its link are gone", [await visible(page, "#audit-view"), await visible(page, "#audit-link"),
    await page.$$eval("#audit-rows tr", (trs) => trs.length)], [false, false, 0]);
  a.done("admin");
  await a.context.close();
}

await run([endUserPart, adminPart]);
