// "Restore to a mailbox" in Web Access (restore.js) in Debian's Chromium,
// run by test_web_restore.py: the user opens a folder of three messages,
// selects the first two rows, Export -> "Restore to a mailbox…"; the empty
// form; Start with no server refused at the server's field; the form filled
// (server, port, TLS, the mailbox's login, target folder "Restored by
// browser", the archive's folders kept); Start; the progress until the
// restore has ended; the password's field empty from the moment it was sent;
// closed, the notice in the list's head tells the end (and opens it again). The Python test then
// looks into the mailbox itself.
// Each view is taken at 1280x800 (d-...) and 390x844 (p-...) with an
// axe-core audit each.
//   node web_restore.mjs '{"url", "user", "password", "imapHost", "imapPort", "imapUser",
//                          "imapPassword", "folder", "shots"}'
// The result line adds {restoredText, selectedSubjects}.
import { makeScenario, text } from "./scenario.mjs";

const args = JSON.parse(process.argv[2]);
const { out, check, view, run } = makeScenario({ shots: args.shots, axeOptions: { iframes: false } });
const TIMEOUT = 30000;
const RESTORE_TIMEOUT = 60000;
const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };
const TARGET = "Restored by browser";

async function views(page, name) {
  await view(page, "d-" + name);
  await page.setViewportSize(PHONE);
  await view(page, "p-" + name);
  await page.setViewportSize(DESKTOP);
}

const searched = (page) => page.waitForResponse((r) => r.url().endsWith("/api/search"), { timeout: TIMEOUT });
const activeId = (page) => page.evaluate(() => document.activeElement && document.activeElement.id);

// Runs `action` and waits for the search it starts and for the list drawn.
async function listAfter(page, action) {
  const drawn = await page.evaluate(() => document.getElementById("hits").dataset.drawn || "");
  const answered = searched(page);
  await action();
  await answered;
  await page.waitForFunction((d) => (document.getElementById("hits").dataset.drawn || "") !== d, drawn, { timeout: TIMEOUT });
}

async function restorePart(browser) {
  const context = await browser.newContext({ ignoreHTTPSErrors: true, locale: "en-US", viewport: DESKTOP });
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  const sent = [];  // what the restore requests carried (the password only as whether it was there)
  page.on("request", (r) => {
    if (!r.url().endsWith("/api/restore")) return;
    const body = JSON.parse(r.postData() || "{}");
    sent.push({ ...body, server: { ...body.server, password: body.server && body.server.password ? "(given)" : "" } });
  });

  await page.goto(args.url);
  await page.waitForSelector("#login:visible", { timeout: TIMEOUT });
  await page.fill("#user", args.user);
  await page.fill("#password", args.password);
  await page.click("#login-button");
  await page.waitForSelector("#app-view:visible", { timeout: TIMEOUT });
  await page.waitForSelector("#hits[data-drawn]", { timeout: TIMEOUT });

  // The folder, by its path in the tree ("<archive>/<folder>"), or by its name in the user's own archive.
  const title = await page.evaluate(([folder, user]) => {
    const titles = [...document.querySelectorAll("#folder-tree a")].map((a) => a.title);
    return titles.find((x) => x === folder) || titles.find((x) => x === user + "/" + folder)
      || titles.find((x) => x.endsWith("/" + folder)) || "";
  }, [args.folder, args.user]);
  check("the folder is in the tree", title, (x) => x !== "");
  await listAfter(page, () => page.click(`#folder-tree a[title=${JSON.stringify(title)}]`));
  const subjects = await page.locator("#hits li.hit .subject").allInnerTexts();
  check("the folder's three messages", [...subjects].sort(), ["Restore me 1", "Restore me 2", "Restore me 3"]);
  await page.locator("#hits li.hit input.pick").nth(0).check();
  await page.locator("#hits li.hit input.pick").nth(1).check();
  out.selectedSubjects = subjects.slice(0, 2);
  check("two selected", await text(page, "#selected-count"), "2 selected");

  // Export -> Restore to a mailbox…
  await page.click("#export");
  check("the menu's third item", await text(page, "#export-menu li:nth-child(3) button"), "Restore to a mailbox\u2026");
  await page.click("#restore-open");
  await page.waitForSelector("#restore-dialog[open]", { timeout: TIMEOUT });
  check("the dialog is modal and titled", await page.evaluate(() => {
    const d = document.getElementById("restore-dialog");
    return [d.matches(":modal"), document.getElementById(d.getAttribute("aria-labelledby")).textContent];
  }), [true, "Restore to a mailbox"]);
  check("the form's defaults", await page.evaluate(() => ({
    port: document.getElementById("restore-port").value,
    security: document.getElementById("restore-security").value,
    folder: document.getElementById("restore-folder").value,
    keep: document.getElementById("restore-keep").checked,
    password: [document.getElementById("restore-password").type, document.getElementById("restore-password").autocomplete],
  })), { port: "993", security: "tls", folder: "Restored", keep: true, password: ["password", "off"] });
  check("it says what it restores", await text(page, "#restore-what"), (s) => s.includes("2 selected messages"));
  await page.selectOption("#restore-security", "starttls");
  check("STARTTLS: port 143", await page.inputValue("#restore-port"), "143");
  await page.selectOption("#restore-security", "tls");
  check("TLS: port 993 again", await page.inputValue("#restore-port"), "993");
  await views(page, "restore-form");

  // No server: refused at its field.
  await page.fill("#restore-host", "");
  await page.click("#restore-start");
  await page.waitForSelector("#restore-server-error:visible", { timeout: TIMEOUT });
  check("no server: the error at the server's field", {
    text: await text(page, "#restore-server-error"),
    invalid: await page.getAttribute("#restore-host", "aria-invalid"),
    focus: await activeId(page),
  }, { text: "Enter the name of the IMAP server.", invalid: "true", focus: "restore-host" });
  check("nothing was sent", sent.length, 0);
  await views(page, "restore-refused");

  // Filled in and started.
  await page.fill("#restore-host", args.imapHost);
  check("typing clears the error", await page.isVisible("#restore-server-error"), false);
  await page.selectOption("#restore-security", "tls");
  await page.fill("#restore-port", String(args.imapPort));
  await page.fill("#restore-user", args.imapUser);
  await page.fill("#restore-password", args.imapPassword);
  await page.fill("#restore-folder", TARGET);
  await page.check("#restore-keep");
  const started = page.waitForResponse((r) => r.url().endsWith("/api/restore"), { timeout: TIMEOUT });
  await page.click("#restore-start");
  const answer = await started;
  check("the restore was accepted", answer.status(), 200);
  check("the password's field is empty once sent", await page.inputValue("#restore-password"), "");
  check("what was sent", sent.map((b) => ({ messages: (b.messages || []).length, server: b.server, folder: b.folder,
                                            keepFolders: b.keepFolders })),
        [{ messages: 2, server: { host: args.imapHost, port: Number(args.imapPort), security: "tls", userName: args.imapUser,
                                  password: "(given)" }, folder: TARGET, keepFolders: true }]);
  await page.waitForSelector("#restore-progress:visible", { timeout: TIMEOUT });
  check("the progress is a live status", await page.evaluate(() => {
    const s = document.getElementById("restore-status");
    return [s.getAttribute("role"), !!document.querySelector("#restore-progress progress")];
  }), ["status", true]);

  // Until it has ended.
  await page.waitForFunction(() => /\b(succeeded|completedWithErrors|failed|cancelled)\b/.test(
    document.getElementById("restore-status").className), null, { timeout: RESTORE_TIMEOUT });
  out.restoredText = await text(page, "#restore-status");
  check("the restore's end", out.restoredText, (s) => s.startsWith("Restored 2 messages to " + TARGET + " on "));
  check("no errors listed", await page.isVisible("#restore-errors"), false);
  check("no Stop once ended", await page.isVisible("#restore-stop"), false);
  check("the password's field still empty", await page.inputValue("#restore-password"), "");
  await views(page, "restore-done");

  // Closed: the notice in the list's head tells it and opens it again.
  await page.click("#restore-close");
  await page.waitForFunction(() => !document.getElementById("restore-dialog").open, null, { timeout: TIMEOUT });
  check("the notice tells the end", await text(page, "#export-status"), out.restoredText);
  await page.click("#restore-notice");
  await page.waitForSelector("#restore-dialog[open]", { timeout: TIMEOUT });
  check("the notice opens the result", await text(page, "#restore-status"), out.restoredText);
  await page.keyboard.press("Escape");
  await page.waitForFunction(() => !document.getElementById("restore-dialog").open, null, { timeout: TIMEOUT });
  check("no script errors", errors, []);
  await context.close();
}

await run([restorePart]);
