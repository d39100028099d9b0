// The Export tab of an instance's page (console_instance.mjs runs it after the
// Archiving tab imported args.imported messages into alice's archive and the
// Folders tab moved them back to alice/Inbox).
// desktop: a new emlDirectory export profile for alice's archive (the folder
// picked from the instance's folders) into <base directory>/Exports/console,
// Run now followed in the task window, the outcome and the files on disk
// equal to the archived count, its report (the export counts), a one-off
// mbox export (RunTemporaryProfile, nothing saved), a second profile with a
// path outside the instance's directories: the server's message at the path
// field (focused) and above the buttons; fixed, created, and deleted after
// the confirmation; the Archiving tab does not list export profiles.
// phone: the list and the SMTP form with its checks at 390 px, then the profile deleted.
import fs from "node:fs";
import path from "node:path";
import { consoleApi } from "../console_common.mjs";

const PROFILE = "Alice hand-over";
const SECOND = "Alice mbox";
const ONCE = "Alice once";
const RUN_TIMEOUT = 60000;

const rowOf = (page, name) => page.locator(`.exp-profiles tbody tr[data-profile-name="${name}"]`);
const text = async (locator) => (await locator.innerText()).trim();

async function serverExports(page, id) {
  const env = await consoleApi(page, "GetProfiles", { instanceID: id, raw: true });
  return env.statusCode === "succeeded" ? env.result.filter((p) => p.type === "export") : { failed: env.error };
}

function filesBelow(dir, ext) {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { recursive: true }).filter((f) => f.endsWith(ext) && fs.statSync(path.join(dir, f)).isFile());
}

// Waits for a run's card in the task window to end; returns succeeded | failed.
async function taskEnd(page, label) {
  const card = page.locator("#task-window .task", { hasText: label }).first();
  await card.waitFor({ timeout: 30000 });
  await page.waitForFunction((l) => [...document.querySelectorAll("#task-window .task")]
    .some((c) => c.textContent.includes(l) && (c.classList.contains("succeeded") || c.classList.contains("failed"))),
  label, { timeout: RUN_TIMEOUT });
  return (await card.getAttribute("class")).replace("task ", "");
}

async function closeTasks(page) {
  if (await page.locator("#task-window").count()) await page.click("#task-window .task-window-head .icon-button");
}

async function openForm(page, button) {
  await page.click(button);
  await page.waitForSelector("#exp-profile-form", { timeout: 10000 });
}

async function pickFolder(page, folder) {
  await page.fill("#exp-folder-add", folder);
  await page.click("#exp-folder-add-button");
  await page.locator(`.exp-chosen li[data-folder="${folder}"]`).waitFor({ timeout: 5000 });
}

export async function desktop(page, ctx) {
  const { args, id, check, view, openTab, TIMEOUT } = ctx;
  const imported = args.imported;
  const conf = await consoleApi(page, "GetInstanceConfiguration", { instanceID: id });
  const base = conf.statusCode === "succeeded" ? conf.result.baseDirectory : null;
  check("export: the instance's base directory is known (GetInstanceConfiguration)", typeof base === "string" && base.startsWith("/"), true);
  if (!base) return;
  const target = `${base}/Exports/console`;
  fs.rmSync(target, { recursive: true, force: true });

  await page.waitForSelector("#exp-new", { timeout: TIMEOUT });
  await page.waitForSelector("#exp-empty", { timeout: TIMEOUT });
  await view(page, "i-export-start");

  // New export profile: emlDirectory, alice's archive picked from the instance's folders.
  await openForm(page, "#exp-new");
  check("export: a new profile starts as emlDirectory", await page.inputValue("#exp-connector"), "emlDirectory");
  check("export: the password is never prefilled (no field for a directory)", await page.locator("#exp-password").count(), 0);
  await page.waitForFunction(() => document.querySelectorAll("#exp-folder-list option").length > 0, null, { timeout: TIMEOUT });
  check("export: the instance's folders are offered (alice and alice/Inbox)",
        await page.$$eval("#exp-folder-list option", (l) => l.map((o) => o.value)), (l) => l.includes("alice") && l.includes("alice/Inbox"));
  await page.fill("#exp-name", PROFILE);
  await page.fill("#exp-path", "Exports/relative");
  check("export: a relative path is refused as typed", await text(page.locator("#exp-path-problem")), (s) => /absolute/i.test(s));
  await page.fill("#exp-path", target);
  await pickFolder(page, "alice");
  await view(page, "i-export-form");
  await page.click("#exp-submit");
  await page.waitForSelector("#exp-profile-form", { state: "detached", timeout: TIMEOUT });
  await rowOf(page, PROFILE).waitFor({ timeout: TIMEOUT });
  check("export: the list shows the target and the selection",
        [await text(rowOf(page, PROFILE).locator(".exp-target")), await text(rowOf(page, PROFILE).locator(".exp-selection")),
         await text(rowOf(page, PROFILE).locator(".exp-last"))],
        [target, "alice", "Not run yet"]);
  const created = (await serverExports(page, id)).find((p) => p.name === PROFILE);
  check("export: the server has the profile as the form said",
        created && { type: created.type, connector: created.connector, details: created.details, automatic: created.serverSideExecution.automatic },
        { type: "export", connector: "emlDirectory",
          details: { path: target, folders: ["alice"], includeSubfolders: true, incremental: false }, automatic: false });

  // Run now: the task window follows it; the outcome and the files equal the archived count.
  await rowOf(page, PROFILE).locator("[data-action=run]").click();
  check("export: the run succeeded in the task window", await taskEnd(page, `Exporting ${PROFILE} (${id})`), "succeeded");
  await page.waitForSelector("#exp-outcome[data-kind=ok]", { timeout: TIMEOUT });
  check("export: the outcome counts the archived messages as exported", await text(page.locator("#exp-outcome .note-text")),
        `${PROFILE}: ${imported} exported, 0 exported before, 0 failed.`);
  check("export: as many .eml files below the target as messages archived", filesBelow(target, ".eml").length, imported);
  await closeTasks(page);
  await page.waitForFunction((n) => document.querySelector(`.exp-profiles tr[data-profile-name="${n}"] .exp-last`)?.dataset.result,
                             PROFILE, { timeout: TIMEOUT });
  check("export: the list's last result is the run", await text(rowOf(page, PROFILE).locator(".exp-last")),
        (s) => s.includes(`${imported} exported`));
  await view(page, "i-export-run");

  // Its report: the export's counts and alice's Inbox.
  await page.click("#exp-outcome-report");
  await page.waitForSelector(".arc-report-dialog .arc-counts", { timeout: TIMEOUT });
  check("export: the report counts exported, exported before, failed, selected",
        await page.$$eval(".arc-report-dialog .arc-counts li", (l) => l.map((x) => [x.dataset.count, x.querySelector(".arc-count").textContent])),
        [["exported", String(imported)], ["exportedBefore", "0"], ["failed", "0"], ["selected", String(imported)]]);
  await page.click(".arc-report-dialog [data-list=folders]");
  check("export: the report lists alice/Inbox with its exported messages",
        await page.locator('.arc-report-dialog tr[data-folder="alice/Inbox"] td').nth(1).innerText().catch(() => null), String(imported));
  await view(page, "i-export-report");
  await page.click(".arc-report-dialog .dialog-actions .primary");
  await page.waitForSelector(".arc-report-dialog", { state: "detached" });

  // Export once (RunTemporaryProfile) to mbox: nothing saved.
  const onceDir = `${target}-once`;
  await openForm(page, "#exp-once");
  await page.selectOption("#exp-connector", "mbox");
  check("export: a one-off export has no automation and is never incremental",
        [await page.locator("#exp-automatic").count(), await page.locator("#exp-incremental").count()], [0, 0]);
  await page.fill("#exp-name", ONCE);
  await page.fill("#exp-path", onceDir);
  await pickFolder(page, "alice/Inbox");
  await page.click("#exp-submit");
  await page.waitForSelector("#exp-profile-form", { state: "detached", timeout: TIMEOUT });
  check("export: the one-off export succeeded", await taskEnd(page, `One-off export ${ONCE} (${id})`), "succeeded");
  await page.waitForFunction((n) => document.querySelector("#exp-outcome .note-text")?.textContent.startsWith(n + ":"), ONCE,
                             { timeout: TIMEOUT });
  check("export: the one-off export wrote alice/Inbox.mbox with every message",
        [await text(page.locator("#exp-outcome .note-text")), filesBelow(onceDir, ".mbox")],
        [`${ONCE}: ${imported} exported, 0 exported before, 0 failed.`, [path.join("alice", "Inbox.mbox")]]);
  await closeTasks(page);
  check("export: a one-off export saves no profile", (await serverExports(page, id)).map((p) => p.name), [PROFILE]);

  // A second profile with a path outside the instance's directories: the server's message at the field.
  await openForm(page, "#exp-new");
  await page.selectOption("#exp-connector", "mbox");
  await page.fill("#exp-name", SECOND);
  await page.fill("#exp-path", "/etc/spe-console-export");
  await page.fill("#exp-from", "2000-01-01");
  await page.click("#exp-submit");
  await page.waitForSelector("#exp-path-problem", { timeout: TIMEOUT });
  check("export: the server's refusal is shown at the path field", await text(page.locator("#exp-path-problem")),
        (s) => s.includes("'details.path'") && /outside/.test(s));
  check("export: and above the buttons", await text(page.locator("#exp-form-error")), (s) => s.includes("'details.path'"));
  check("export: the refused field has the focus", await page.evaluate(() => document.activeElement?.id), "exp-path");
  await view(page, "i-export-form-error");
  await page.fill("#exp-path", `${base}/Exports/second`);
  check("export: the server's message goes once the field is changed", await page.locator("#exp-path-problem").count(), 0);
  await page.click("#exp-submit");
  await page.waitForSelector("#exp-profile-form", { state: "detached", timeout: TIMEOUT });
  await rowOf(page, SECOND).waitFor({ timeout: TIMEOUT });
  check("export: the second profile's selection shows its dates", await text(rowOf(page, SECOND).locator(".exp-selection")),
        (s) => s.includes("2000-01-01"));

  // Automation: the Archiving tab's dialog, for an export profile too (opened, then left).
  await rowOf(page, SECOND).locator("[data-action=automation]").click();
  await page.waitForSelector("#arc-automation-form", { timeout: 10000 });
  check("export: the automation dialog shows the profile's (manual) setting", await page.isChecked("#arc-auto-automatic"), false);
  await page.click("#arc-automation-form .dialog-actions .ghost");
  await page.waitForSelector("#arc-automation-form", { state: "detached" });

  // Delete after the confirmation.
  await rowOf(page, SECOND).locator("[data-action=delete]").click();
  await page.waitForSelector("dialog [data-confirm]", { timeout: 10000 });
  await view(page, "i-export-delete");
  await page.click("dialog [data-confirm]");
  await rowOf(page, SECOND).waitFor({ state: "detached", timeout: TIMEOUT });
  check("export: after Delete the server has only the first profile", (await serverExports(page, id)).map((p) => p.name), [PROFILE]);

  // The Archiving tab lists archiving profiles only.
  await openTab(page, "archiving");
  await page.waitForSelector(".arc-profiles tbody tr, .archiving .arc-empty", { timeout: TIMEOUT });
  check("export: the Archiving tab does not list the export profile",
        await page.$$eval(".arc-profiles tbody tr", (l) => l.map((r) => r.dataset.profileName)), (l) => !l.includes(PROFILE));
}

export async function phone(page, ctx) {
  const { check, view, TIMEOUT } = ctx;
  await rowOf(page, PROFILE).waitFor({ timeout: TIMEOUT });
  await page.waitForFunction((n) => document.querySelector(`.exp-profiles tr[data-profile-name="${n}"] .exp-last`)?.dataset.result,
                             PROFILE, { timeout: TIMEOUT });
  await view(page, "i-export-phone-list");
  check("export (phone): the list fits the width",
        await page.evaluate(() => { const m = document.querySelector("main"); return m.scrollWidth - m.clientWidth; }), (n) => n <= 1);
  await openForm(page, "#exp-new");
  await page.selectOption("#exp-connector", "smtp");
  await page.fill("#exp-name", "Phone");
  await page.fill("#exp-host", "mail.example.com");
  await page.fill("#exp-user", "sender");
  await page.click("#exp-submit");  // nothing is sent: the form's own checks show
  check("export (phone): SMTP wants the password with the login name, and a recipient",
        [await page.locator("#exp-password-problem").count(), await page.locator("#exp-recipient-problem").count(),
         await page.locator("#exp-profile-form").count()], [1, 1, 1]);
  await view(page, "i-export-phone-form");
  check("export (phone): the form fits the width",
        await page.evaluate(() => { const d = document.querySelector("dialog[open]"); return d.scrollWidth - d.clientWidth; }), (n) => n <= 1);
  await page.click("#exp-profile-form .dialog-actions .ghost");
  await page.waitForSelector("#exp-profile-form", { state: "detached" });

  // Delete on a phone, after the confirmation: the instance keeps its archiving profile only (the
  // Compliance tab's phone part archives the import again with the instance's only profile).
  await rowOf(page, PROFILE).locator("[data-action=delete]").click();
  await page.waitForSelector("dialog [data-confirm]", { timeout: 10000 });
  await view(page, "i-export-phone-delete");
  await page.click("dialog [data-confirm]");
  await page.waitForSelector("#exp-empty", { timeout: TIMEOUT });
  check("export (phone): after Delete the instance has no export profile", (await serverExports(page, ctx.id)).length, 0);
}
