// The Users tab of an instance's page (console_instance.mjs runs it first):
// creates the end user "alice" (ctx.state.alice = {userName, password} for
// the tabs after it), gives her Web Access and IMAP as the only ways to log
// in, the Export privilege, two e-mail addresses and two POP3 user names,
// changes her full name,
// authentication and password, gives and takes privileges on a second
// user's archive, renames and deletes that second user; each change read
// back from the server by opening the user again. The checks made as typed
// (a reserved name, passwords that differ, a bad address) are seen too.
// Multi-factor login of the second user (issue 19): Require set-up at next
// login (InitializeMFA) and Turn off (DisableMFA), each asked first, the
// status read back from GetUserInfo and the list; Delete all app passwords.
// On a phone: the list and the edit panel at 390 px, one address added there.

import { consoleApi } from "../console_common.mjs";

const ALICE = "alice";
const FIRST_PASSWORD = "Alice-first-pass-2024";
const PASSWORD = "Alice-archive-Reader-77";   // what alice has after the desktop part changed it
const SECOND = "bob";
const RENAMED = "robert";
const LOGIN = ["windows", "web", "outlook", "windowsCmd", "imap", "api"];

const row = (page, name) => page.locator(`.users-table tbody tr[data-user="${name}"]`);
const names = (page) => page.$$eval(".users-table tbody tr", (rows) => rows.map((r) => r.dataset.user));
const open = (page, sel) => page.locator(`dialog[open] ${sel}`);

async function waitList(page, { TIMEOUT }) {
  await page.waitForSelector(".users-table tbody tr", { timeout: TIMEOUT });
}

// Waits until the list shows (or no longer shows) a user.
async function listed(page, name, present, { TIMEOUT }) {
  await page.waitForFunction(([n, p]) => !!document.querySelector(`.users-table tbody tr[data-user="${n}"]`) === p,
                             [name, present], { timeout: TIMEOUT });
}

async function openEditor(page, name, { TIMEOUT }) {
  await row(page, name).locator(".usr-edit").click();
  await page.waitForSelector("dialog.user-panel[open] #usr-sec-details", { timeout: TIMEOUT });
}

async function closeEditor(page, { TIMEOUT }) {
  await page.locator("dialog.user-panel .dialog-head .icon-button").click();
  await page.waitForSelector("dialog.user-panel", { state: "detached", timeout: TIMEOUT });
}

// Submits a section of the edit panel; returns what it said: "ok: <text>" or "error: <the server's message>".
async function saveSection(page, section, { TIMEOUT }) {
  await page.click(`#${section} .usr-save-row button[type=submit]`);
  const said = await page.waitForSelector(`#${section} .usr-done, #${section} .note.error`, { timeout: TIMEOUT });
  const text = (await said.innerText()).trim();
  return (await said.evaluate((e) => e.classList.contains("usr-done"))) ? "ok: " + text : "error: " + text;
}

async function fillCreate(page, { userName, fullName, password }, ctx) {
  await page.click("#usr-new");
  await page.waitForSelector("dialog.usr-create[open] #usr-c-name", { timeout: ctx.TIMEOUT });
  await page.fill("#usr-c-name", userName);
  if (fullName) await page.fill("#usr-c-full", fullName);
  await page.fill("#usr-c-pw", password);
  await page.fill("#usr-c-pw2", password);
}

async function create(page, user, ctx) {
  await fillCreate(page, user, ctx);
  await page.click("#usr-c-submit");
  // A new user's panel opens at once.
  await page.waitForSelector(`dialog.user-panel[open] #usr-sec-details`, { timeout: ctx.TIMEOUT });
  await listed(page, user.userName, true, ctx);
}

const problemOf = (page, id) => page.locator(`#${id}-state.problem`).innerText().catch(() => "");

export async function desktop(page, ctx) {
  const { check, view, TIMEOUT } = ctx;
  await waitList(page, ctx);
  check("users: the list shows the built-in $archiveadmin", await names(page), (n) => n.includes("$archiveadmin"));
  check("users: $archiveadmin cannot be edited", await row(page, "$archiveadmin").locator(".usr-edit").count(), 0);
  await view(page, "i-users-list");

  // New user, with the instance's rules checked as typed.
  await fillCreate(page, { userName: "$alice", fullName: "Alice Example", password: FIRST_PASSWORD }, ctx);
  check("users: a name starting with $ is refused as typed", await problemOf(page, "usr-c-name"), (s) => /reserved/i.test(s));
  await page.fill("#usr-c-name", "a/b");
  check("users: a name with / is refused as typed", await problemOf(page, "usr-c-name"), (s) => /\//.test(s));
  await page.fill("#usr-c-name", ALICE);
  check("users: alice is a good name", await page.locator("#usr-c-name-state.problem").count(), 0);
  await page.fill("#usr-c-pw2", FIRST_PASSWORD + "x");
  check("users: passwords that differ are refused as typed", await problemOf(page, "usr-c-pw2"), (s) => /differ/i.test(s));
  await page.fill("#usr-c-pw2", FIRST_PASSWORD);
  check("users: New user starts with every login privilege (the server's default)",
        await Promise.all(LOGIN.map((p) => page.isChecked(`#usr-c-login-${p}`))), LOGIN.map(() => true));
  await view(page, "i-users-create");
  await page.click("#usr-c-submit");
  await page.waitForSelector("dialog.user-panel[open] #usr-sec-details", { timeout: TIMEOUT });
  await listed(page, ALICE, true, ctx);
  ctx.state.alice = { userName: ALICE, password: FIRST_PASSWORD };
  check("users: alice is listed with her full name", (await row(page, ALICE).locator(".col-fullName").innerText()).trim(), "Alice Example");
  check("users: the panel is alice's", (await open(page, ".dialog-head h2").innerText()).trim(), ALICE);
  check("users: alice was created with every login privilege",
        await Promise.all(LOGIN.map((p) => page.isChecked(`#usr-e-login-${p}`))), LOGIN.map(() => true));
  await view(page, "i-users-edit");

  // Login privileges: Web Access and IMAP only.
  for (const p of LOGIN) await page.setChecked(`#usr-e-login-${p}`, p === "web" || p === "imap");
  check("users: login privileges saved", await saveSection(page, "usr-sec-login", ctx), (s) => s.startsWith("ok"));
  // A privilege: Export.
  await page.check("#usr-e-priv-export");
  check("users: privileges saved", await saveSection(page, "usr-sec-privileges", ctx), (s) => s.startsWith("ok"));
  // E-mail addresses, a bad one refused as typed first.
  await page.fill("#usr-e-mail-0", "alice");
  check("users: a bad e-mail address is refused as typed", await page.locator("#usr-e-mail-0-problem").innerText(),
        (s) => /e-mail address/i.test(s));
  await page.fill("#usr-e-mail-0", "alice@example.com");
  await page.click("#usr-e-mail-add");
  await page.fill("#usr-e-mail-1", "a.example@example.org");
  check("users: e-mail addresses saved", await saveSection(page, "usr-sec-email", ctx), (s) => s.startsWith("ok"));
  // POP3 user names (SetUserPop3UserNames), a comma refused as typed first.
  await page.fill("#usr-e-pop3-0", "alice.pop");
  await page.click("#usr-e-pop3-add");
  await page.fill("#usr-e-pop3-1", "alice,pop");
  check("users: a POP3 user name with a comma is refused as typed", await page.locator("#usr-e-pop3-1-problem").innerText(),
        (s) => /comma/i.test(s));
  await page.locator("#usr-sec-pop3").scrollIntoViewIfNeeded();
  await view(page, "i-users-edit-pop3");
  await page.fill("#usr-e-pop3-1", "a.example");
  check("users: POP3 user names saved", await saveSection(page, "usr-sec-pop3", ctx), (s) => s.startsWith("ok"));
  // Details: the full name, and the authentication there and back.
  await page.fill("#usr-e-full", "Alice Example-Smith");
  await page.check("#usr-e-auth-directoryServices");
  check("users: details saved", await saveSection(page, "usr-sec-details", ctx), (s) => s.startsWith("ok"));
  await page.waitForFunction(() => /Directory/.test(document.querySelector("dialog[open] .usr-facts").innerText), null, { timeout: TIMEOUT });
  await page.check("#usr-e-auth-integrated");
  check("users: authentication set back", await saveSection(page, "usr-sec-details", ctx), (s) => s.startsWith("ok"));
  await page.waitForFunction(() => /Integrated/.test(document.querySelector("dialog[open] .usr-facts").innerText), null, { timeout: TIMEOUT });
  await closeEditor(page, ctx);

  // Read back from the server: the list and alice opened again.
  await page.waitForFunction(() => /Example-Smith/.test(document.querySelector('.users-table tr[data-user="alice"] .col-fullName')?.innerText || ""),
                             null, { timeout: TIMEOUT });
  check("users: the list shows the new full name", (await row(page, ALICE).locator(".col-fullName").innerText()).trim(), "Alice Example-Smith");
  await openEditor(page, ALICE, ctx);
  check("users: alice may log in with Web Access and IMAP only",
        await Promise.all(LOGIN.map((p) => page.isChecked(`#usr-e-login-${p}`))), LOGIN.map((p) => p === "web" || p === "imap"));
  check("users: alice has the Export privilege", await page.isChecked("#usr-e-priv-export"), true);
  check("users: alice keeps the privileges she was created with", await page.isChecked("#usr-e-priv-login"), true);
  check("users: alice's e-mail addresses",
        await page.$$eval("#usr-sec-email input[type=email]", (l) => l.map((i) => i.value)), ["alice@example.com", "a.example@example.org"]);
  check("users: alice's POP3 user names (GetUserInfo)",
        await page.$$eval("#usr-sec-pop3 input[type=text]", (l) => l.map((i) => i.value)), ["alice.pop", "a.example"]);
  check("users: alice's full name", await page.inputValue("#usr-e-full"), "Alice Example-Smith");
  check("users: alice's authentication", await page.isChecked("#usr-e-auth-integrated"), true);
  await closeEditor(page, ctx);

  // A second user, whose archive alice gets privileges on.
  await create(page, { userName: SECOND, password: "Second-user-pass-1" }, ctx);
  await closeEditor(page, ctx);
  await openEditor(page, ALICE, ctx);
  await page.waitForFunction((n) => [...document.querySelectorAll("#usr-e-folder option")].some((o) => o.value === n),
                             SECOND, { timeout: TIMEOUT });
  check("users: the archives offered are the users' (not $archiveadmin)",
        await page.$$eval("#usr-e-folder option", (l) => l.map((o) => o.value)), (v) => v.includes(SECOND) && !v.includes("$archiveadmin"));
  await page.selectOption("#usr-e-folder", SECOND);
  await page.check("#usr-e-fnew-read");
  await page.check("#usr-e-fnew-write");
  await page.click("#usr-e-folder-add");
  const grant = page.locator(`#usr-sec-folders tr[data-folder="${SECOND}"]`);
  await grant.waitFor({ timeout: TIMEOUT });
  check("users: alice may read and write in bob's archive",
        await grant.locator("input[type=checkbox]").evaluateAll((l) => l.map((i) => i.checked)), [true, true, false]);
  await grant.locator("input[type=checkbox]").nth(2).check();
  await grant.getByRole("button", { name: `Save the privileges in ${SECOND}` }).click();
  await page.waitForSelector("#usr-folder-status", { timeout: TIMEOUT });
  await page.waitForFunction((f) => [...document.querySelectorAll(`#usr-sec-folders tr[data-folder="${f}"] input[type=checkbox]`)]
    .filter((b) => b.checked).length === 3, SECOND, { timeout: TIMEOUT });
  check("users: the delete privilege on bob's archive was saved", await page.locator("#usr-folder-status").innerText(),
        (s) => s.includes(SECOND));
  await page.locator("#usr-sec-folders").scrollIntoViewIfNeeded();
  await view(page, "i-users-edit-folders");
  await page.click("#usr-e-folders-clear");
  await page.waitForSelector("dialog[open] [data-confirm]", { timeout: TIMEOUT });
  await view(page, "i-users-folders-clear");
  await page.click("dialog[open] [data-confirm]");
  await page.waitForSelector("#usr-sec-folders .usr-no-grants", { timeout: TIMEOUT });
  check("users: all folder privileges of alice removed", await page.locator("#usr-sec-folders tr[data-folder]").count(), 0);

  // A new password, the confirmation checked as typed.
  await page.fill("#usr-e-pw", PASSWORD);
  await page.fill("#usr-e-pw2", PASSWORD.slice(0, -1));
  check("users: a confirmation that differs is refused", await problemOf(page, "usr-e-pw2"), (s) => /differ/i.test(s));
  await page.fill("#usr-e-pw2", PASSWORD);
  check("users: alice's password changed", await saveSection(page, "usr-sec-password", ctx), (s) => s.startsWith("ok"));
  ctx.state.alice = { userName: ALICE, password: PASSWORD };
  await closeEditor(page, ctx);

  await mfa(page, ctx);

  // Rename the second user, then delete it (the archive stays).
  await openEditor(page, SECOND, ctx);
  await page.fill("#usr-e-name", ALICE.toUpperCase());
  check("users: renaming to another user's name is refused as typed", await problemOf(page, "usr-e-name"), (s) => /exists/i.test(s));
  await page.fill("#usr-e-name", RENAMED);
  await page.click("#usr-sec-name button[type=submit]");
  await page.waitForFunction((n) => document.querySelector("dialog.user-panel[open] .dialog-head h2")?.innerText.trim() === n,
                             RENAMED, { timeout: TIMEOUT });
  await listed(page, RENAMED, true, ctx);
  check("users: bob is now robert", (await names(page)).filter((n) => n === SECOND || n === RENAMED), [RENAMED]);
  await page.waitForSelector("dialog.user-panel[open] #usr-e-delete", { timeout: TIMEOUT });
  await page.click("#usr-e-delete");
  await page.waitForSelector("dialog[open] [data-confirm]", { timeout: TIMEOUT });
  check("users: deleting asks and says the archive stays",
        await page.locator("dialog[open]:has([data-confirm]) .dialog-body").innerText(), (s) => /archive stays/i.test(s));
  await view(page, "i-users-delete");
  await page.click("dialog[open] [data-confirm]");
  await page.waitForSelector("dialog.user-panel", { state: "detached", timeout: TIMEOUT });
  await listed(page, RENAMED, false, ctx);
  check("users: robert is deleted", (await names(page)).includes(RENAMED), false);
  check("users: the page says so", await page.locator(".users-tab .note.ok").innerText(), (s) => s.includes(RENAMED));

  // Search.
  await page.fill("#usr-search", "ali");
  check("users: the search finds alice", await names(page), [ALICE]);
  await page.fill("#usr-search", "example-smith");
  check("users: the search looks at full names", await names(page), [ALICE]);
  await page.fill("#usr-search", "nobody-has-this");
  check("users: no match says so", await page.locator(".users-tab .empty").count(), 1);
  await page.fill("#usr-search", "");
  await page.waitForSelector(`.users-table tbody tr[data-user="$archiveadmin"]`, { timeout: TIMEOUT });
}

// GetUserInfo's mfaStatus of a user, as the server has it.
async function serverMfa(page, id, userName) {
  const env = await consoleApi(page, "GetUserInfo", { instanceID: id, userName });
  return env.statusCode === "succeeded" ? env.result.mfaStatus : "failed: " + JSON.stringify(env.error);
}

// Asks with a section's button, looks at the confirmation (a screenshot), confirms, and returns
// the confirmation's text and the line said when done.
async function confirmMfa(page, button, shot, { view, TIMEOUT }) {
  await page.click(button);
  await page.waitForSelector("dialog[open] [data-confirm]", { timeout: TIMEOUT });
  // The confirmation is a dialog inside the panel's: the one whose own buttons confirm.
  const asked = await page.locator("dialog[open]:has(> .dialog-actions > [data-confirm]) > .dialog-body").innerText();
  if (shot) await view(page, shot);
  await page.click("dialog[open] [data-confirm]");
  await page.waitForSelector("dialog[open] [data-confirm]", { state: "detached", timeout: TIMEOUT });
  const done = await page.waitForSelector("#usr-mfa-done", { timeout: TIMEOUT });
  return { asked, done: (await done.innerText()).trim() };
}

const mfaShown = (page) => page.locator("#usr-mfa-status").innerText().then((s) => s.trim());

// The second user's multi-factor login: required, then turned off; app passwords deleted.
async function mfa(page, ctx) {
  const { check, view, id, TIMEOUT } = ctx;
  await openEditor(page, SECOND, ctx);
  check("users: the user panel has a multi-factor login section", await page.locator("#usr-sec-mfa").count(), 1);
  check("users: bob starts without MFA (panel)", await mfaShown(page), "Disabled");
  check("users: bob starts without MFA (GetUserInfo)", await serverMfa(page, id, SECOND), "Disabled");
  check("users: Turn off is not offered while MFA is off", await page.locator("#usr-e-mfa-off").count(), 0);
  await page.locator("#usr-sec-mfa").scrollIntoViewIfNeeded();
  await view(page, "i-users-mfa-off");

  const init = await confirmMfa(page, "#usr-e-mfa-init", "i-users-mfa-initialize", ctx);
  check("users: Require set-up asks and says trusted devices are forgotten", init.asked, (s) => /trust/i.test(s) && /forgotten/i.test(s));
  check("users: Require set-up asks and says a new QR code is scanned", init.asked, (s) => /scan a new QR code/i.test(s));
  check("users: Require set-up said so", init.done, (s) => s.includes(SECOND));
  await page.waitForFunction(() => document.querySelector("#usr-mfa-status")?.innerText.trim() === "Pending", null, { timeout: TIMEOUT });
  check("users: bob's MFA is Pending (GetUserInfo)", await serverMfa(page, id, SECOND), "Pending");
  check("users: the panel's facts say Pending", await page.locator("dialog.user-panel .usr-facts").innerText(), (s) => /Pending/.test(s));
  await page.waitForFunction((n) => /Pending/.test(document.querySelector(`.users-table tr[data-user="${n}"] .col-mfa`)?.innerText || ""),
                             SECOND, { timeout: TIMEOUT });
  check("users: the list shows bob's MFA Pending", (await row(page, SECOND).locator(".col-mfa").innerText()).trim(), "Pending");
  await view(page, "i-users-mfa-pending");

  const apps = await confirmMfa(page, "#usr-e-apppw-delete", "i-users-apppw-delete", ctx);
  check("users: Delete all app passwords asks and says mail programs stop", apps.asked, (s) => /mail programs/i.test(s));
  check("users: app passwords deleted", apps.done, (s) => /app password/i.test(s) && s.includes(SECOND));

  const off = await confirmMfa(page, "#usr-e-mfa-off", "i-users-mfa-disable", ctx);
  check("users: Turn off asks and says the password alone logs in", off.asked, (s) => /password alone/i.test(s));
  await page.waitForFunction(() => document.querySelector("#usr-mfa-status")?.innerText.trim() === "Disabled", null, { timeout: TIMEOUT });
  check("users: bob's MFA is Disabled again (GetUserInfo)", await serverMfa(page, id, SECOND), "Disabled");
  check("users: Turn off is gone with MFA off", await page.locator("#usr-e-mfa-off").count(), 0);
  await page.waitForFunction((n) => /Disabled/.test(document.querySelector(`.users-table tr[data-user="${n}"] .col-mfa`)?.innerText || ""),
                             SECOND, { timeout: TIMEOUT });
  await closeEditor(page, ctx);
}

export async function phone(page, ctx) {
  const { check, view, TIMEOUT } = ctx;
  await waitList(page, ctx);
  if (!(await names(page)).includes(ALICE)) {
    await create(page, { userName: ALICE, fullName: "Alice Example", password: PASSWORD }, ctx);
    await closeEditor(page, ctx);
  }
  ctx.state.alice = { userName: ALICE, password: PASSWORD };
  const fits = () => page.evaluate(() => {
    const main = document.querySelector("main");
    return document.documentElement.scrollWidth <= innerWidth && main.scrollWidth <= main.clientWidth;
  });
  check("users (phone): the list fits 390 px", await fits(), true);
  check("users (phone): alice's row with its Edit button is visible", await row(page, ALICE).locator(".usr-edit").isVisible(), true);
  await view(page, "i-users-phone-list");

  await openEditor(page, ALICE, ctx);
  const panelFits = await page.evaluate(() => {
    const d = document.querySelector("dialog.user-panel[open]");
    const body = d.querySelector(".dialog-body");
    const r = d.getBoundingClientRect();
    return r.left >= 0 && r.right <= innerWidth && body.scrollWidth <= body.clientWidth;
  });
  check("users (phone): the edit panel fits 390 px", panelFits, true);
  check("users (phone): alice's ways to log in read back", await Promise.all(LOGIN.map((p) => page.isChecked(`#usr-e-login-${p}`))),
        LOGIN.map((p) => p === "web" || p === "imap"));
  await view(page, "i-users-phone-edit");
  if (await page.locator("#usr-sec-mfa").count()) {
    await page.locator("#usr-sec-mfa").scrollIntoViewIfNeeded();
    check("users (phone): the MFA buttons fit 390 px", await page.evaluate(() => [...document.querySelectorAll("#usr-sec-mfa button")]
      .every((b) => b.getBoundingClientRect().right <= innerWidth)), true);
    await view(page, "i-users-phone-mfa");
  }
  // Usable, not only visible: an address added at 390 px.
  await page.click("#usr-e-mail-add");
  const last = await page.$$eval("#usr-sec-email input[type=email]", (l) => l.length - 1);
  await page.fill(`#usr-e-mail-${last}`, "alice.phone@example.com");
  await page.locator("#usr-sec-email .usr-save-row button[type=submit]").scrollIntoViewIfNeeded();
  check("users (phone): an address saved", await saveSection(page, "usr-sec-email", ctx), (s) => s.startsWith("ok"));
  // A folder privilege given and taken back at 390 px (alice's own archive is the only one left).
  await page.waitForFunction((n) => [...document.querySelectorAll("#usr-e-folder option")].some((o) => o.value === n),
                             ALICE, { timeout: TIMEOUT });
  await page.selectOption("#usr-e-folder", ALICE);
  await page.click("#usr-e-folder-add");
  const grant = page.locator(`#usr-sec-folders tr[data-folder="${ALICE}"]`);
  await grant.waitFor({ timeout: TIMEOUT });
  await grant.scrollIntoViewIfNeeded();
  check("users (phone): a folder privilege given", await grant.locator("input[type=checkbox]").evaluateAll((l) => l.map((i) => i.checked)),
        [true, false, false]);
  check("users (phone): the privileges' names show beside their boxes", await grant.locator(".usr-inline-label").first().isVisible(), true);
  await view(page, "i-users-phone-edit-folders");
  await grant.getByRole("button", { name: `Remove the privileges in ${ALICE}` }).click();
  await page.waitForSelector("#usr-sec-folders .usr-no-grants", { timeout: TIMEOUT });
  check("users (phone): the folder privilege taken back", await page.locator("#usr-sec-folders tr[data-folder]").count(), 0);
  await closeEditor(page, ctx);
  await page.waitForSelector(".users-table", { timeout: TIMEOUT });
}
