// Web Access with multi-factor login, app passwords and the Settings page
// (issue 19) in Debian's Chromium, run in three parts by test_web_mfa.py,
// which checks IMAP and calls the API between them:
//   setup:   the set-up step after the password (QR code, the key in groups
//            of four; a wrong code refused in place), logged in with "trust
//            this device"; logged out and in again without a code; another
//            browser gets the code step and the code used before is refused;
//            Settings: set up again with a new key, create an app password
//            (shown once, Copy), listed with "Never" used.
//   change:  (after IMAP logins) the app password's last use shown, deleted
//            after a question; the new password checked in the browser, a
//            wrong current password refused without ending the session, the
//            change; the trusted browser asks for a code again.
//   final:   (after DisableMFA) the login without a code; Settings say "Off",
//            in English and German.
// Codes come from the key the page showed (totp.mjs). Each view is taken at
// 1366x768 (d-...) and 390x844 (p-...) with an axe-core audit each.
//   node web_mfa.mjs '{"url", "user", "password", "newPassword", "part", "shots", "state", "secret", "lastStep"}'
import path from "node:path";

import { makeScenario, text } from "./scenario.mjs";
import { codes } from "./totp.mjs";

const args = JSON.parse(process.argv[2]);
const { out, check, view, run } = makeScenario({ shots: args.shots, axeOptions: { iframes: false } });
out.secrets = {};  // screenshot -> the key it shows (the test reads the QR code in it)
const TIMEOUT = 30000;
const DESKTOP = { width: 1366, height: 768 };
const PHONE = { width: 390, height: 844 };
// What the parts hand on (in args.state, a folder the test keeps): the cookies
// of the browser that trusted itself and of the one with Settings open.
const TRUSTED = path.join(args.state, "trusted-browser.json");
const SESSION = path.join(args.state, "settings-browser.json");
const WRONG_CODE = "The code is wrong or was used already.";

// A view at both sizes: d-<name> and p-<name>; `subject` (a selector) is
// scrolled to the top of the window for each when it is given.
async function views(page, name, subject) {
  const show = async () => {
    if (subject) await page.locator(subject).first().evaluate((e) => e.scrollIntoView({ block: "start" }));
  };
  await show();
  await view(page, "d-" + name);
  await page.setViewportSize(PHONE);
  await show();
  await view(page, "p-" + name);
  await page.setViewportSize(DESKTOP);
}

async function browserContext(browser, extra = {}) {
  const context = await browser.newContext({ ignoreHTTPSErrors: true, locale: "en-US", viewport: DESKTOP, ...extra });
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  return { context, page, done: (name) => check(`${name}: no script errors`, errors, []) };
}

const activeId = (page) => page.evaluate(() => document.activeElement && document.activeElement.id);
const inApp = (page) => page.waitForSelector("#app-view:visible", { timeout: TIMEOUT });

async function passwordStep(page, password) {
  await page.waitForSelector("#login:visible", { timeout: TIMEOUT });
  await page.fill("#user", args.user);
  await page.fill("#password", password);
  await page.click("#login-button");
}

// After the password: "app" (logged in) or "code" (the second step).
async function afterPassword(page) {
  return Promise.race([
    inApp(page).then(() => "app"),
    page.waitForSelector("#mfa:visible", { timeout: TIMEOUT }).then(() => "code"),
  ]);
}

async function codeStep(page, code) {
  await page.fill("#mfa-code", code);
  await page.click("#mfa-button");
}

async function refusedCode(page, sel = "#mfa-error") {
  await page.waitForSelector(sel + ":visible", { timeout: TIMEOUT });
  return text(page, sel);
}

const deviceCookie = async (context) => (await context.cookies()).find((c) => c.name === "spe_device");

async function setupPart(browser) {
  // The set-up step: the QR code and the key, then a code.
  const a = await browserContext(browser);
  await a.page.goto(args.url);
  await passwordStep(a.page, args.password);
  await a.page.waitForSelector("#mfa-secret:visible", { timeout: TIMEOUT });
  check("set-up: the heading has the focus", await activeId(a.page), "mfa-title");
  check("set-up: its title", await text(a.page, "#mfa-title"), "Set up multi-factor login");
  const shown = await text(a.page, "#mfa-secret");
  check("set-up: the key in groups of four", shown, (s) => /^[A-Z2-7]{4}( [A-Z2-7]{1,4})+$/.test(s));
  const secret = shown.replace(/\s/g, "");
  const qr = await a.page.evaluate(() => {
    const img = document.getElementById("mfa-qr");
    return { loaded: img.complete && img.naturalWidth > 0, src: img.getAttribute("src").split(/[;,]/)[0], alt: img.alt };
  });
  check("set-up: the QR code is an SVG that loads, with a text", qr,
        (q) => q.loaded && q.src === "data:image/svg+xml" && q.alt.includes(args.user));
  check("set-up: the code field is for one-time codes", await a.page.evaluate(() => {
    const f = document.getElementById("mfa-code");
    return [f.getAttribute("autocomplete"), f.getAttribute("inputmode"), f.labels[0].textContent];
  }), ["one-time-code", "numeric", "6-digit code"]);
  await views(a.page, "01-setup-step");
  out.secrets["d-01-setup-step.png"] = secret;
  const c = codes(secret);
  await codeStep(a.page, c.wrong());
  check("set-up: a wrong code is refused in place", await refusedCode(a.page), WRONG_CODE);
  check("set-up: the field is marked and focused", [await a.page.getAttribute("#mfa-code", "aria-invalid"), await activeId(a.page)],
        ["true", "mfa-code"]);
  check("set-up: still the set-up", await a.page.isVisible("#mfa-secret"), true);
  await views(a.page, "02-setup-wrong-code");
  await codeStep(a.page, "12 34");
  check("set-up: a short code is refused before sending", await text(a.page, "#mfa-error"), "A code has 6 digits.");
  await a.page.check("#mfa-trust");
  await codeStep(a.page, await c.next());
  await inApp(a.page);
  check("set-up: logged in", await text(a.page, "#who"), args.user);
  const device = await deviceCookie(a.context);
  check("trust: the CAS set a device cookie for 14 days", device && {
    httpOnly: device.httpOnly, secure: device.secure, days: Math.round((device.expires - Date.now() / 1000) / 86400) },
  { httpOnly: true, secure: true, days: 14 });

  // Logged out and in again: this browser is trusted, no code.
  await a.page.click("#logout");
  await passwordStep(a.page, args.password);
  check("trusted browser: no code asked", await afterPassword(a.page), "app");
  await a.page.click("#logout");
  await a.page.waitForSelector("#login:visible");
  await a.context.storageState({ path: TRUSTED });
  a.done("trusted browser");
  await a.context.close();

  // Another browser: the code step; the code used before is refused.
  const b = await browserContext(browser, { permissions: ["clipboard-read", "clipboard-write"] });
  await b.page.goto(args.url);
  await passwordStep(b.page, args.password);
  check("other browser: a code is asked", await afterPassword(b.page), "code");
  check("code step: the field has the focus", await activeId(b.page), "mfa-code");
  check("code step: its title", await text(b.page, "#mfa-title"), "Enter your login code");
  check("code step: it names the user", await text(b.page, "#mfa-hint"), (s) => s.includes(args.user));
  check("code step: no set-up shown", await b.page.isVisible("#mfa-secret"), false);
  await views(b.page, "03-code-step");
  await codeStep(b.page, c.used());
  check("code step: a code used once is refused again", await refusedCode(b.page), WRONG_CODE);
  await views(b.page, "04-code-replayed");
  await codeStep(b.page, await c.next());
  await inApp(b.page);
  check("code step: no device cookie without the tick", !!(await deviceCookie(b.context)), false);

  // Settings, from the header.
  await b.page.click("#settings-link");
  await b.page.waitForSelector("#ap-section:visible", { timeout: TIMEOUT });
  check("settings: the address says so", new URL(b.page.url()).hash, "#settings");
  check("settings: the heading has the focus", await activeId(b.page), "settings-title");
  check("settings: MFA is on", await text(b.page, "#set-mfa-status"), "On");
  check("settings: the password can be changed", await b.page.isVisible("#pw-form"), true);
  check("settings: no app passwords yet", await b.page.isVisible("#ap-none"), true);
  check("settings: the mail program's user name", await text(b.page, "#ap-where"),
        (s) => s.includes(`${new URL(args.url).pathname.split("/")[1]}/${args.user}`));
  await views(b.page, "05-settings");

  // Set up again (a new phone): a wrong code refused, the new key's code confirms.
  await b.page.click("#set-mfa-begin");
  await b.page.waitForSelector("#set-mfa-panel:visible", { timeout: TIMEOUT });
  check("settings set-up: its heading has the focus", await activeId(b.page), "set-mfa-panel-title");
  const secret2 = (await text(b.page, "#set-mfa-secret")).replace(/\s/g, "");
  check("settings set-up: a new key", secret2, (s) => /^[A-Z2-7]{32}$/.test(s) && s !== secret);
  await views(b.page, "06-settings-mfa-setup", "#set-mfa-panel");
  out.secrets["d-06-settings-mfa-setup.png"] = secret2;
  const c2 = codes(secret2, c.lastStep());
  await b.page.fill("#set-mfa-code", codes(secret2).wrong());
  await b.page.click("#set-mfa-confirm");
  check("settings set-up: a wrong code is refused in place", await refusedCode(b.page, "#set-mfa-code-error"), WRONG_CODE);
  await b.page.fill("#set-mfa-code", await c2.next());
  await b.page.click("#set-mfa-confirm");
  await b.page.waitForSelector("#set-mfa-done:visible", { timeout: TIMEOUT });
  check("settings set-up: confirmed", await text(b.page, "#set-mfa-done"), (s) => s.startsWith("Multi-factor login is on."));
  check("settings set-up: the panel closed", await b.page.isVisible("#set-mfa-panel"), false);

  // An app password: a name, then the password once.
  await b.page.click("#ap-create");
  await b.page.waitForSelector("#ap-dialog[open]");
  check("app password: the name field has the focus", await activeId(b.page), "ap-name");
  await b.page.click("#ap-name-create");
  check("app password: a name is needed", await text(b.page, "#ap-name-error"), "Enter a name of 1 to 64 characters.");
  await b.page.fill("#ap-name", "Thunderbird");
  await b.page.click("#ap-name-create");
  await b.page.waitForSelector("#ap-shown:visible", { timeout: TIMEOUT });
  const password = await text(b.page, "#ap-password");
  check("app password: four groups of four letters", password, (s) => /^[a-z]{4}( [a-z]{4}){3}$/.test(s));
  check("app password: said to be shown once", await text(b.page, "#ap-shown .notice"), (s) => s.startsWith("It will not be shown again."));
  check("app password: the dialog's heading has the focus", await activeId(b.page), "ap-shown-title");
  await b.page.click("#ap-copy");
  await b.page.waitForFunction(() => document.getElementById("ap-copied").textContent !== "");
  check("app password: copied", [await text(b.page, "#ap-copied"), await b.page.evaluate(() => navigator.clipboard.readText())],
        ["Copied.", password.replace(/ /g, "")]);
  await views(b.page, "07-app-password-shown");
  await b.page.click("#ap-shown-done");
  await b.page.waitForSelector("#ap-dialog", { state: "hidden" });
  check("app password: forgotten by the page", await b.page.evaluate(() => document.getElementById("ap-password").textContent), "");
  await b.page.waitForSelector("#ap-rows tr");
  check("app password: listed", await b.page.evaluate(() => [...document.querySelectorAll("#ap-rows tr")]
    .map((r) => [...r.children].slice(0, 3).map((c) => c.textContent))), (rows) =>
    rows.length === 1 && rows[0][0] === "Thunderbird" && /\d{2}\/\d{2}\/\d{4}, /.test(rows[0][1]) && rows[0][2] === "Never");
  await views(b.page, "08-settings-app-password", "#ap-section");
  await b.context.storageState({ path: SESSION });
  b.done("settings browser");
  await b.context.close();
  Object.assign(out, { appPassword: password, secret: secret2, lastStep: c2.lastStep() });
}

async function changePart(browser) {
  const c = codes(args.secret, args.lastStep);
  const b = await browserContext(browser, { storageState: SESSION });
  await b.page.goto(args.url + "#settings");
  await b.page.waitForSelector("#ap-rows tr", { timeout: TIMEOUT });
  check("the session went on: Settings again", await text(b.page, "#settings-title"), "Settings");
  check("app password: its last use shown", await text(b.page, "#ap-rows tr td[data-label='Last used']"),
        (s) => /^\d{2}\/\d{2}\/\d{4}, /.test(s));
  await views(b.page, "09-settings-last-used", "#ap-section");
  await b.page.click("#ap-rows tr button");
  await b.page.waitForSelector("#ap-delete-dialog[open]");
  check("delete: asked first, naming it", await text(b.page, "#ap-delete-text"), (s) => s.includes("\u201cThunderbird\u201d"));
  check("delete: Cancel has the focus", await activeId(b.page), "ap-delete-cancel");
  await views(b.page, "10-delete-confirm");
  await b.page.click("#ap-delete-confirm");
  await b.page.waitForSelector("#ap-none:visible", { timeout: TIMEOUT });
  check("delete: said so", await text(b.page, "#ap-done"), "The app password \u201cThunderbird\u201d was deleted.");

  // The new password: checked in the browser, then by the server.
  const change = async (current, fresh, repeat) => {
    await b.page.fill("#pw-current", current);
    await b.page.fill("#pw-new", fresh);
    await b.page.fill("#pw-repeat", repeat);
    await b.page.click("#pw-button");
  };
  await change(args.password, "short", "short");
  check("password: too short, in the browser", await text(b.page, "#pw-error"), "The new password must have 8 to 256 characters.");
  check("password: the field is marked", await activeId(b.page), "pw-new");
  await change(args.password, args.newPassword, args.newPassword + "x");
  check("password: the repetition differs", await text(b.page, "#pw-error"), "The two new passwords are not the same.");
  const asked = b.page.waitForResponse((r) => r.url().endsWith("/api/changePassword"), { timeout: TIMEOUT });
  await change("not the password", args.newPassword, args.newPassword);
  check("password: a wrong current password is refused", (await asked).status(), 401);
  await b.page.waitForFunction(() => document.getElementById("pw-error").textContent === "The current password is wrong.");
  check("password: the session goes on after it", await b.page.isVisible("#settings-view"), true);
  await views(b.page, "11-password-wrong", "#pw-section");
  await change(args.password, args.newPassword, args.newPassword);
  await b.page.waitForSelector("#pw-done:visible", { timeout: TIMEOUT });
  check("password: changed", await text(b.page, "#pw-done"),
        "Your password has been changed. Devices you trusted ask for a code again at the next login.");
  check("password: the fields emptied", await b.page.inputValue("#pw-new"), "");
  await views(b.page, "12-password-changed", "#pw-section");
  await b.page.click("#settings-back");
  await inApp(b.page);
  check("back to the archive", await b.page.isVisible("#settings-view"), false);
  b.done("settings browser");
  await b.context.close();

  // The browser trusted before asks for a code again.
  const a = await browserContext(browser, { storageState: TRUSTED });
  await a.page.goto(args.url);
  await passwordStep(a.page, args.newPassword);
  check("trusted browser after the password change: a code is asked", await afterPassword(a.page), "code");
  await codeStep(a.page, await c.next());
  await inApp(a.page);
  a.done("trusted browser");
  await a.context.close();
  out.lastStep = c.lastStep();
}

async function finalPart(browser) {
  const a = await browserContext(browser);
  await a.page.goto(args.url);
  await passwordStep(a.page, args.newPassword);
  check("MFA off: no code asked", await afterPassword(a.page), "app");
  await a.page.click("#settings-link");
  await a.page.waitForSelector("#mfa-section:visible", { timeout: TIMEOUT });
  check("MFA off: Settings say so", [await text(a.page, "#set-mfa-status"), await text(a.page, "#set-mfa-begin")], ["Off", "Set up"]);
  check("MFA off: no note that IMAP needs an app password", await a.page.isVisible("#ap-mfa"), false);
  await views(a.page, "13-settings-mfa-off", "#mfa-section");
  await a.page.selectOption("#lang", "de");
  await a.page.waitForFunction(() => document.getElementById("settings-title").textContent === "Einstellungen");
  check("German: the settings", [await text(a.page, "#set-mfa-status"), await text(a.page, "#set-mfa-begin"),
    await text(a.page, "#pw-title"), await text(a.page, "#ap-title")], ["Aus", "Einrichten", "Passwort", "App-Passw\u00f6rter"]);
  await views(a.page, "14-settings-de");
  a.done("final browser");
  await a.context.close();
}

const parts = { setup: setupPart, change: changePart, final: finalPart };
await run([parts[args.part]]);
