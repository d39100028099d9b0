// Multi-factor login in the Management Console (issue 19), in Debian's
// Chromium at 1440x900 and 390x844. Desktop: Your Settings without MFA, a new
// API password and its date, setting MFA up from the page (asked first; the
// login with the set-up step: QR code and the secret as text, a wrong code
// refused in place, the right one), logging in again with a code (the code
// used before refused, the next one accepted), and on System Administrators
// the badges and Initialize/Deactivate MFA for another administrator behind
// their confirmations. Phone: the code step, a new secret from Your
// Settings (set up again with the new QR code), and turning MFA off (the
// session goes on). Codes are computed from the secret the page showed,
// with totp.mjs (RFC 6238: HMAC-SHA-1, 6 digits, 30 s). Every view gets
// a screenshot and an axe-core audit. Prints one JSON line (see scenario.mjs).
//   node console_mfa.mjs '{"url": ..., "user": ..., "password": ..., "other": <another administrator>, "shots": DIR}'
import { makeScenario, text } from "./scenario.mjs";
import { TIMEOUT, consoleSite, go, loggedIn, settled } from "./console_common.mjs";
import { codes } from "./totp.mjs";

const args = JSON.parse(process.argv[2]);
const { out, check, view, run } = makeScenario({ shots: args.shots });
out.secrets = {};  // the secret each set-up screenshot shows, for the test to compare with its QR code
const { base, watch, login } = consoleSite(args, check);

// ---- helpers -------------------------------------------------------------
const badgeText = (page, sel) => text(page, sel);
const adminRow = (page, name) => page.locator("main table tbody tr", { has: page.locator("strong", { hasText: name }) });
const note = (page) => page.locator("main .note.ok .note-text").first().innerText();

async function codeStep(page, code) {
  await page.fill("#login-code", code);
  await page.click("#login-code-button");
}

// After the password of a pending account: the set-up step. Returns the secret shown.
async function setUpStep(page, kind, shot) {
  await page.waitForSelector("#mfa-secret", { timeout: TIMEOUT });
  check(`${kind} set-up: the heading has the focus`, await page.evaluate(() => document.activeElement && document.activeElement.id),
        "mfa-title");
  const secret = (await text(page, "#mfa-secret")).replace(/\s/g, "");
  check(`${kind} set-up: the secret is shown as base32 text`, secret, (s) => /^[A-Z2-7]{32}$/.test(s));
  const qr = await page.evaluate(() => {
    const img = document.getElementById("mfa-qr");
    return { loaded: img.complete && img.naturalWidth > 0, src: img.getAttribute("src").slice(0, 26), alt: img.alt };
  });
  check(`${kind} set-up: the QR code is an SVG data URL that loads`, qr,
        (q) => q.loaded && q.src === "data:image/svg+xml;base64," && q.alt.includes(args.user));
  check(`${kind} set-up: the code field is for one-time codes`,
        await page.evaluate(() => {
          const f = document.getElementById("login-code");
          return [f.getAttribute("autocomplete"), f.getAttribute("inputmode")];
        }), ["one-time-code", "numeric"]);
  await view(page, shot);
  out.secrets[shot + ".png"] = secret;
  return secret;
}

// ---- desktop -------------------------------------------------------------
async function desktop(browser) {
  const context = await browser.newContext({ ignoreHTTPSErrors: true, locale: "en-US", viewport: { width: 1440, height: 900 } });
  const page = await context.newPage();
  const done = watch(page, "desktop");
  await page.goto(base);
  await login(page);
  await loggedIn(page);

  // Your Settings without MFA; a new API password gets its date.
  await go(page, "settings");
  await page.waitForSelector("#ys-mfa-status");
  await settled(page);
  check("settings: MFA is off", await badgeText(page, "#ys-mfa-status"), "Disabled");
  check("settings: no API password yet", await text(page, "#ys-api-password-age"), "You have no API password yet.");
  await view(page, "d01-settings-mfa-off");
  await page.click("#ys-api-password");
  await page.click("dialog[open] [data-confirm]");
  await page.waitForSelector("#ys-api-password-value", { timeout: TIMEOUT });
  await page.click("dialog[open] .dialog-actions button.primary");
  await page.waitForFunction(() => /was created on/.test(document.getElementById("ys-api-password-age").textContent), null,
                             { timeout: TIMEOUT });
  check("settings: the API password's date is shown", await text(page, "#ys-api-password-age"),
        (s) => /^Your API password was created on .*\d{4}/.test(s));
  await view(page, "d02-settings-api-password-dated");

  // Set MFA up from the page: asked first, then the login with the set-up step.
  await page.click("#ys-mfa-set-up");
  await page.waitForSelector("dialog[open] [data-confirm]");
  await view(page, "d03-settings-mfa-confirm");
  await page.click("dialog[open] [data-confirm]");
  await page.waitForSelector("dialog.ys-mfa-login[open] #login-password", { timeout: TIMEOUT });
  check("settings: the set-up asks for the password again", await text(page, "dialog[open] h2"), "Log in to finish the set-up");
  await page.fill("#login-password", args.password);
  await page.click("#login-button");
  const secret = await setUpStep(page, "desktop", "d04-set-up-step");
  const c = codes(secret);
  await codeStep(page, c.wrong());
  await page.waitForSelector("#login-error", { timeout: TIMEOUT });
  check("set-up: a wrong code is refused in place", await text(page, "#login-error .note-text"), "Wrong code.");
  check("set-up: the field is marked", await page.getAttribute("#login-code", "aria-invalid"), "true");
  await view(page, "d05-set-up-wrong-code");
  await codeStep(page, "12 34");
  check("set-up: a short code is refused before sending", await text(page, "#login-error .note-text"), "A code has 6 digits.");
  await codeStep(page, await c.next());
  await page.waitForSelector("dialog.ys-mfa-login", { state: "detached", timeout: TIMEOUT });
  await page.waitForFunction(() => (document.getElementById("ys-mfa-status") || {}).textContent === "Active", null,
                             { timeout: TIMEOUT });
  check("settings: MFA is active", await badgeText(page, "#ys-mfa-status"), "Active");
  check("settings: it says so", await note(page), "Multi-factor login is active.");
  check("settings: no other login dialog came up", await page.locator("dialog[open]").count(), 0);
  await view(page, "d06-settings-mfa-active");

  // Logging in again: the password, then a code; the code used before is refused.
  await page.click("header .logout");
  await login(page);
  await page.waitForSelector("#login-code", { timeout: TIMEOUT });
  check("login: the code step has the focus", await page.evaluate(() => document.activeElement.id), "login-code");
  check("login: the code step names the account", await text(page, ".mfa-step .hint"), (s) => s.includes(args.user));
  await view(page, "d07-code-step");
  await codeStep(page, c.used());
  await page.waitForSelector("#login-error", { timeout: TIMEOUT });
  check("login: a code used once is refused the second time", await text(page, "#login-error .note-text"), (s) => /used already/.test(s));
  await view(page, "d08-code-replayed");
  await codeStep(page, await c.next());
  await loggedIn(page);
  check("login: the next code logs in", (await text(page, "header .user")).trim(), (s) => s.endsWith(args.user));

  // System Administrators: the badges; Initialize and Deactivate MFA for another administrator, each asked first.
  await go(page, "administrators");
  await page.waitForSelector("main table tbody tr");
  check("administrators: the caller's MFA is Active", await adminRow(page, args.user).locator(".badge").innerText(), "Active");
  check("administrators: the other's MFA is Disabled", await adminRow(page, args.other).locator(".badge").innerText(), "Disabled");
  await view(page, "d09-administrators");
  await adminRow(page, args.other).locator("button", { hasText: "Initialize MFA" }).click();
  await page.waitForSelector("dialog[open] [data-confirm]");
  check("administrators: Initialize says what follows", await text(page, "dialog[open] p"),
        (s) => s.includes(args.other) && s.includes("QR code"));
  await view(page, "d10-administrators-initialize-confirm");
  await page.click("dialog[open] [data-confirm]");
  await page.waitForFunction((n) => [...document.querySelectorAll("main table tbody tr")]
    .some((r) => r.querySelector("strong")?.textContent === n && r.querySelector(".badge")?.textContent === "Pending"), args.other,
  { timeout: TIMEOUT });
  check("administrators: the other is Pending", await adminRow(page, args.other).locator(".badge").innerText(), "Pending");
  await view(page, "d11-administrators-pending");
  await adminRow(page, args.other).locator("button", { hasText: "Deactivate MFA" }).click();
  await page.waitForSelector("dialog[open] [data-confirm]");
  await view(page, "d12-administrators-deactivate-confirm");
  await page.click("dialog[open] [data-confirm]");
  await page.waitForFunction((n) => [...document.querySelectorAll("main table tbody tr")]
    .some((r) => r.querySelector("strong")?.textContent === n && r.querySelector(".badge")?.textContent === "Disabled"), args.other,
  { timeout: TIMEOUT });
  check("administrators: the other is Disabled again", await adminRow(page, args.other).locator(".badge").innerText(), "Disabled");
  done();
  await context.close();
  return c;
}

// ---- phone ----------------------------------------------------------------
async function phone(browser, c) {
  const context = await browser.newContext({ ignoreHTTPSErrors: true, locale: "en-US", viewport: { width: 390, height: 844 } });
  const page = await context.newPage();
  const done = watch(page, "phone");
  await page.goto(base);
  await login(page);
  await page.waitForSelector("#login-code", { timeout: TIMEOUT });
  await view(page, "p01-code-step");
  await codeStep(page, await c.next());
  await loggedIn(page);

  // A new secret from Your Settings: set up again with the new QR code.
  await go(page, "settings", true);
  await page.waitForSelector("#ys-mfa-status");
  await settled(page);
  await view(page, "p02-settings-mfa-active");
  await page.click("#ys-mfa-reset");
  await page.waitForSelector("dialog[open] [data-confirm]");
  await page.click("dialog[open] [data-confirm]");
  await page.waitForSelector("dialog.ys-mfa-login[open] #login-password", { timeout: TIMEOUT });
  await page.fill("#login-password", args.password);
  await page.click("#login-button");
  const secret = await setUpStep(page, "phone", "p03-set-up-step");
  const fresh = codes(secret);
  await codeStep(page, await c.next());  // the old secret's code
  await page.waitForSelector("#login-error", { timeout: TIMEOUT });
  check("phone set-up: the old secret's codes no longer work", await text(page, "#login-error .note-text"), "Wrong code.");
  await codeStep(page, await fresh.next());
  await page.waitForSelector("dialog.ys-mfa-login", { state: "detached", timeout: TIMEOUT });
  await page.waitForFunction(() => (document.getElementById("ys-mfa-status") || {}).textContent === "Active", null,
                             { timeout: TIMEOUT });

  // Turning it off: asked first; the session goes on.
  await page.click("#ys-mfa-off");
  await page.waitForSelector("dialog[open] [data-confirm]");
  await view(page, "p04-settings-mfa-off-confirm");
  await page.click("dialog[open] [data-confirm]");
  await page.waitForFunction(() => (document.getElementById("ys-mfa-status") || {}).textContent === "Disabled", null,
                             { timeout: TIMEOUT });
  check("phone settings: MFA is off", await note(page), "Multi-factor login is off.");
  await view(page, "p05-settings-mfa-off");
  await go(page, "administrators", true);
  await page.waitForSelector("main table tbody tr");
  check("phone: still logged in after turning MFA off", await page.locator("dialog[open]").count(), 0);
  await view(page, "p06-administrators");
  done();
  await context.close();
}

let shared = null;
await run([async (b) => { shared = await desktop(b); }, async (b) => phone(b, shared)]);
