// More of the Management Console (issue 18) in Debian's Chromium at
// 1440x900 and 390x844: the folder browser on an Instance Host (walking
// with the mouse and the keyboard, a name refused as typed, a new folder),
// Branding (the empty state, an upload refused naming the problem, the
// sample branding uploaded, its preview with the branding's colours and
// images, a refused deletion, Apply to the Client Access Servers) and Your
// Settings (name and e-mail saved, a wrong current password refused, the
// password changed while the console keeps working, the language, a new API
// password, logging in again with the new password). Every view gets a
// screenshot and an axe-core audit. Prints one JSON line (see scenario.mjs).
//   node console_more.mjs '{"url": ..., "user": ..., "password": ..., "newPassword": ..., "shots": DIR,
//                           "host": "<Instance Host serverName>", "folders": {"parent": "alpha", "child": "beta", "created": "gamma"},
//                           "brandingFiles": [<paths of the sample branding>], "badFiles": [<WebBranding.json + a picture of the wrong size>]}'
import { makeScenario, text } from "./scenario.mjs";
import { TIMEOUT, consoleSite, go, h1, loggedIn, settled } from "./console_common.mjs";

const args = JSON.parse(process.argv[2]);
const { check, view, run } = makeScenario({ shots: args.shots });
const { base, watch, login } = consoleSite(args, check);
const F = args.folders;

const crumbs = async (page) => (await page.locator("dialog[open] .fp-crumbs li").allInnerTexts()).map((s) => s.trim());
const entries = (page) => page.locator("dialog[open] .fp-list button.fp-entry").allInnerTexts();
const focusedName = (page) => page.evaluate(() => document.activeElement && document.activeElement.dataset.name);
const listed = async (page, name) => page.waitForSelector(`dialog[open] button.fp-entry[data-name="${name}"]`, { timeout: TIMEOUT });
const hostRow = (page) => page.locator("main table tbody tr", { has: page.locator("strong", { hasText: args.host }) });
const notice = (page) => page.locator("main > .page > .note.ok .note-text").first().innerText();

async function folders(page, kind) {
  await go(page, "instance-hosts", kind === "phone");
  await settled(page);
  await hostRow(page).locator("button", { hasText: "Directories" }).click();
  await page.waitForSelector("dialog.folder-picker[open]");
  await listed(page, F.parent);
  check(`${kind} folders: the walk starts at the base directory`, await crumbs(page), ["Base directory"]);
  check(`${kind} folders: the keyboard starts in the list`, await focusedName(page), (n) => typeof n === "string" && n.length > 0);
  if (kind === "phone") {
    await view(page, "p01-folders");
    await page.click(`dialog[open] button.fp-entry[data-name="${F.parent}"]`);
    await listed(page, F.child);
    await view(page, "p02-folders-walked");
    await page.keyboard.press("Escape");
    await page.waitForSelector("dialog.folder-picker", { state: "detached" });
    return;
  }
  await view(page, "d01-folders");
  // The mouse: into the parent; the keyboard: into the child, then back up.
  await page.click(`dialog[open] button.fp-entry[data-name="${F.parent}"]`);
  await listed(page, F.child);
  check("folders: the breadcrumb follows", await crumbs(page), ["Base directory", F.parent]);
  check("folders: the path shown is absolute", await text(page, "dialog[open] .fp-here"), (s) => s.endsWith("/" + F.parent));
  await page.keyboard.press("Home");
  await page.keyboard.press("Enter");
  await page.waitForFunction((c) => [...document.querySelectorAll("dialog[open] .fp-crumbs li")].map((l) => l.innerText.trim()).pop() === c,
                             F.child, { timeout: TIMEOUT });
  check("folders: Enter opens the focused folder", await crumbs(page), ["Base directory", F.parent, F.child]);
  check("folders: an empty folder says so", await text(page, "dialog[open] .fp-empty"), "This folder has no subfolders.");
  check("folders: there the keyboard is on the folder's path",
        await page.evaluate(() => document.activeElement.classList.contains("fp-here")), true);
  await page.keyboard.press("Backspace");
  await listed(page, F.child);
  await page.waitForFunction((n) => document.activeElement && document.activeElement.dataset.name === n, F.child, { timeout: TIMEOUT });
  check("folders: Backspace goes up, back on the folder it came from", [await crumbs(page), await focusedName(page)],
        [["Base directory", F.parent], F.child]);
  // A new folder: a hidden name refused as typed, then made and opened.
  await page.click("#fp-new");
  await page.fill("dialog[open] .fp-new input", "." + F.created);
  await page.click("dialog[open] .fp-new button[type=submit]");
  check("folders: a hidden name is refused in place", await text(page, "dialog[open] .fp-new .problem"), (s) => /dot/.test(s));
  await view(page, "d02-folders-name-refused");
  await page.fill("dialog[open] .fp-new input", F.created);
  await page.click("dialog[open] .fp-new button[type=submit]");
  await page.waitForFunction((c) => [...document.querySelectorAll("dialog[open] .fp-crumbs li")].map((l) => l.innerText.trim()).pop() === c,
                             F.created, { timeout: TIMEOUT });
  check("folders: the new folder is made and opened", await crumbs(page), ["Base directory", F.parent, F.created]);
  check("folders: it says so", await text(page, "dialog[open] .note.ok .note-text"), `The folder ${F.created} was created.`);
  await page.click(`dialog[open] .fp-crumbs button:has-text("${F.parent}")`);
  await listed(page, F.created);
  check("folders: the parent lists it", await entries(page), (l) => l.includes(F.created) && l.includes(F.child));
  await view(page, "d03-folders-created");
  await page.click("dialog[open] .dialog-actions button.primary");
  await page.waitForSelector("dialog.folder-picker", { state: "detached" });
}

async function branding(page, kind) {
  await go(page, "branding", kind === "phone");
  await settled(page);
  check(`${kind} branding: h1`, await h1(page), "Branding");
  if (kind === "phone") {
    await page.waitForSelector(".brd-preview .bp-bar");
    await view(page, "p03-branding");
    await page.locator(".brd-files-panel").scrollIntoViewIfNeeded();
    await view(page, "p04-branding-files");
    return;
  }
  await page.waitForSelector(".brd-state");
  check("branding: the empty state", await text(page, ".brd-state"), (s) => /no branding yet/.test(s));
  await view(page, "d04-branding-empty");

  // A picture of the wrong size: refused whole, naming the file and its size.
  await page.setInputFiles("#brd-file-input", args.badFiles);
  await page.waitForSelector("dialog[open] #brd-upload-confirm");
  await page.click("#brd-upload-confirm");
  await page.waitForSelector("dialog[open] .note.error", { timeout: TIMEOUT });
  check("branding: a wrong picture is refused naming it and its size", await text(page, "dialog[open] .note.error"),
        (s) => s.includes("webHeader_160x36.png") && s.includes("160x40"));
  await view(page, "d05-branding-refused");
  await page.click("dialog[open] .dialog-actions button.ghost");
  await page.waitForSelector("dialog[open]", { state: "detached" });
  await page.click("main .page-actions button:has-text('Refresh')");
  await settled(page);
  check("branding: nothing was written", [await text(page, ".brd-state"), await page.locator(".brd-files").count()],
        (v) => /no branding yet/.test(v[0]) && v[1] === 0);

  // The sample branding.
  await page.setInputFiles("#brd-file-input", args.brandingFiles);
  await page.waitForSelector("dialog[open] #brd-upload-confirm");
  check("branding: the dialog lists every file", await page.locator("dialog[open] .brd-upload-list li").count(), args.brandingFiles.length);
  await page.click("#brd-upload-confirm");
  await page.waitForSelector("dialog[open]", { state: "detached", timeout: TIMEOUT });
  await page.waitForSelector(".brd-state.ok, #brd-state.ok", { timeout: TIMEOUT });
  check("branding: uploaded, it says so", await notice(page), (s) => s.startsWith(`${args.brandingFiles.length} files were uploaded`));
  check("branding: it passes the checks", await text(page, "#brd-state"), (s) => /passes every check/.test(s));
  const header = page.locator('.brd-files tr[data-file="webHeader_160x36.png"]');
  check("branding: the header picture with its size and use", [await header.locator("td").nth(1).innerText(),
                                                               await header.locator("td").nth(3).innerText()],
        (v) => v[0] === "PNG, 160 × 36" && v[1].includes("webHeaderBackgroundImage_autox36_png"));
  await page.waitForFunction(() => getComputedStyle(document.querySelector(".bp-logo")).backgroundImage.startsWith('url("data:image/png'),
                             null, { timeout: TIMEOUT });
  await page.waitForSelector('.brd-files tr[data-file="webHeader_160x36.png"] img.brd-thumb');
  const preview = await page.evaluate(() => ({
    header: getComputedStyle(document.querySelector(".bp-bar")).backgroundColor,
    button: getComputedStyle(document.querySelector(".bp-button")).backgroundColor,
    name: document.querySelector(".bp-product").textContent,
    title: document.querySelector(".bp-title").textContent,
    login: getComputedStyle(document.querySelector(".bp-login-header")).backgroundImage.slice(0, 26),
    favicon: document.querySelector("img.bp-favicon") ? document.querySelector("img.bp-favicon").src.slice(0, 22) : null,
    inert: document.querySelector(".brd-preview").inert,
  }));
  check("branding: the preview shows the branding", preview, {
    header: "rgb(31, 78, 121)", button: "rgb(47, 127, 193)", name: "YOURCOMPANY - EMAIL ARCHIVE WEB ACCESS",
    title: "YOURCOMPANY - EMAIL ARCHIVE WEB ACCESS", login: 'url("data:image/png;base64', favicon: "data:image/png;base64,",
    inert: true });
  check("branding: the sample's highlight colour gets a contrast warning", await text(page, ".brd-contrast"),
        (s) => s.includes("highlightColor") && s.includes("#2f7fc1"));
  check("branding: the fields of both JSON files", await page.locator(".brd-fields dt").count(), 26);
  await view(page, "d06-branding");

  // A picture a JSON file names cannot be deleted.
  await header.locator("button", { hasText: "Delete" }).click();
  await page.click("dialog[open] [data-confirm]");
  await page.waitForSelector("dialog[open] .note.error", { timeout: TIMEOUT });
  check("branding: deleting a picture in use is refused, saying why", await text(page, "dialog[open] .note.error"),
        (s) => s.includes("cannot be deleted") && s.includes("WebBranding.json"));
  await view(page, "d07-branding-delete-refused");
  await page.click("dialog[open] .dialog-actions button.ghost");
  await page.waitForSelector("dialog[open]", { state: "detached" });

  // Apply: ReloadBranding to the Client Access Server.
  await page.click("#brd-apply");
  await page.waitForSelector("dialog[open] [data-confirm]");
  check("branding: Apply asks, naming how many servers", await text(page, "dialog[open] .dialog-body p"), (s) => /1 Client Access Server\b/.test(s));
  await view(page, "d08-branding-apply");
  await page.click("dialog[open] [data-confirm]");
  await page.waitForSelector("dialog[open]", { state: "detached", timeout: TIMEOUT });
  check("branding: applied", await notice(page), "The branding was sent to 1 Client Access Server.");
}

async function settings(page, kind, password) {
  await go(page, "settings", kind === "phone");
  await settled(page);
  await page.waitForSelector("#ys-full");
  check(`${kind} settings: h1`, await h1(page), "Your Settings");
  check(`${kind} settings: the own account`, await text(page, "#ys-user"), args.user);
  if (kind === "phone") {
    await view(page, "p05-settings");
    await page.locator("#ys-password-title").scrollIntoViewIfNeeded();
    await view(page, "p06-settings-password");
    return;
  }
  await view(page, "d09-settings");
  // Profile.
  await page.fill("#ys-full", "Console More");
  await page.fill("#ys-mail", "not-an-address");
  await page.click("#ys-save-profile");
  check("settings: a wrong address is refused as typed", await text(page, "#ys-mail-state"), "This is not an email address.");
  await page.fill("#ys-mail", "more@example.com");
  await page.click("#ys-save-profile");
  await page.waitForSelector(".ys-panel .note.ok", { timeout: TIMEOUT });
  check("settings: the profile is saved", await text(page, ".ys-panel .note.ok .note-text"), "Your profile was saved.");
  // Password: a wrong current one changes nothing.
  await page.fill("#ys-current", "Not-The-Password-1");
  await page.fill("#ys-new", args.newPassword);
  await page.fill("#ys-repeat", args.newPassword);
  await page.click("#ys-change-password");
  await page.waitForFunction(() => /wrong/.test((document.querySelector("#ys-current-state") || {}).textContent || ""), null, { timeout: TIMEOUT });
  check("settings: a wrong current password is refused in place", await text(page, "#ys-current-state"), "The current password is wrong.");
  await view(page, "d10-settings-wrong-current");
  // Then the right one: changed, and the console goes on with a new session.
  await page.fill("#ys-current", password);
  await page.click("#ys-change-password");
  await page.waitForFunction(() => /password was changed/.test(document.querySelector("main").textContent), null, { timeout: TIMEOUT });
  check("settings: the password is changed, still logged in",
        await page.locator("main .note.ok .note-text", { hasText: "password was changed" }).first().innerText(),
        "Your password was changed. You are logged in with the new one.");
  await go(page, "administrators");
  await page.waitForSelector("main table tbody tr", { timeout: TIMEOUT });
  check("settings: the next page loads without asking to log in again", await page.locator("dialog[open]").count(), 0);
  check("settings: the new name is listed", await page.locator("main table tbody tr", { hasText: args.user }).first().innerText(),
        (s) => s.includes("Console More") && s.includes("more@example.com"));
  await go(page, "settings");
  await page.waitForSelector("#ys-full");
  check("settings: the saved name is read back", await page.inputValue("#ys-full"), "Console More");
  await view(page, "d11-settings-changed");
  // API password: asked first, shown once.
  await page.click("#ys-api-password");
  await page.click("dialog[open] [data-confirm]");
  await page.waitForSelector("#ys-api-password-value", { timeout: TIMEOUT });
  check("settings: a new API password is shown", (await text(page, "#ys-api-password-value")).length, (n) => n >= 20);
  await page.click("dialog[open] .dialog-actions button.primary");
  // Language.
  await page.check("#ys-lang-de");
  await page.waitForFunction(() => document.querySelector("main h1").textContent === "Meine Einstellungen" &&
                                    document.documentElement.lang === "de");
  check("settings: German from the page", [await h1(page), await page.getAttribute("html", "lang")], ["Meine Einstellungen", "de"]);
  await view(page, "d12-settings-german");
  await page.check("#ys-lang-en");
  await page.waitForFunction(() => document.querySelector("main h1").textContent === "Your Settings");
  // Logging in again with the new password.
  await page.click("header .logout");
  await page.waitForSelector("#login-user", { timeout: TIMEOUT });
  await login(page, password);
  await page.waitForSelector("#login-error", { timeout: TIMEOUT });
  check("settings: the old password no longer logs in", await text(page, "#login-error"), (s) => s.length > 5);
  await login(page, args.newPassword);
  await loggedIn(page);
  check("settings: the new password logs in", (await text(page, "header .user")).trim(), (s) => s.endsWith(args.user));
}

async function part(browser, kind, viewport, password) {
  const context = await browser.newContext({ ignoreHTTPSErrors: true, locale: "en-US", viewport });
  const page = await context.newPage();
  const done = watch(page, kind);
  await page.goto(base);
  await login(page, password);
  await loggedIn(page);
  await folders(page, kind);
  await branding(page, kind);
  await settings(page, kind, password);
  done();
  await context.close();
}

const desktop = (browser) => part(browser, "desktop", { width: 1440, height: 900 }, args.password);
const phone = (browser) => part(browser, "phone", { width: 390, height: 844 }, args.newPassword);
const only = (process.env.SPE_CONSOLE_PARTS || "desktop,phone").split(",");
await run([desktop, phone].filter((p) => only.includes(p.name)));
