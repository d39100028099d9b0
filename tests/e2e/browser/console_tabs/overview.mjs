// The Overview tab of an instance's page (console_instance.mjs runs it after
// the Archiving tab imported args.imported messages): the statistics show
// that count; the configuration form refuses a bad alias as typed, saves a
// display name, an alias and the debug log, offers the restart the debug
// log needs (done, followed in the task window), and after a reload of the
// page the form shows what the server now has. The host and base directory
// cannot change while the instance runs. Leaves state.alias for Archive Access.

import { START_TIMEOUT } from "../console_common.mjs";

const DISPLAY_NAME = "Console Tabs GmbH – Übersicht";
const ALIAS = "console-tabs-alias";

const digits = (s) => Number(String(s).replace(/[^\d]/g, ""));

// The message count, refreshed until it is the expected one or the deadline passes.
async function messageCount(page, expected, timeout) {
  const deadline = Date.now() + timeout;
  let seen = null;
  for (;;) {
    await page.waitForSelector("#ov-stat-numberOfMessages", { timeout });
    seen = digits(await page.locator("#ov-stat-numberOfMessages").innerText());
    if (seen === expected || Date.now() > deadline) return seen;
    await page.click("#ov-stats-refresh");
    await page.waitForSelector("#ov-stats-refresh:not([disabled])", { timeout });
  }
}

const processId = async (page) => digits(await page.locator(".ov-facts-pid").innerText());

async function formShown(page, TIMEOUT) {
  await page.waitForSelector("#ov-displayName", { timeout: TIMEOUT });
  await page.waitForSelector("#ov-stat-numberOfMessages", { timeout: TIMEOUT });
}

export async function desktop(page, { args, check, view, state, settled, TIMEOUT }) {
  await formShown(page, TIMEOUT);
  await settled(page);
  check("overview: the message count is the import's", await messageCount(page, args.imported, TIMEOUT), args.imported);
  check("overview: the total size is shown in bytes' units", await page.locator("#ov-stat-totalSizeMB").innerText(), (s) => /\d.*(B|KB|MB|GB)$/.test(s.trim()));
  check("overview: host and base directory locked while running", [
    await page.isDisabled("#ov-instanceHost"), await page.isDisabled("#ov-baseDirectory")], [true, true]);
  check("overview: every field says when a change takes effect",
        await page.locator(".ov-config .ov-effect").count(), (n) => n >= 9);
  check("overview: nothing to save before a change", await page.isDisabled("#ov-save"), true);
  await view(page, "i-overview-desktop");

  // A bad alias is refused as typed, before anything is sent.
  await page.fill("#ov-alias", "Not An Alias");
  await page.click("#ov-save");
  await page.waitForSelector("#ov-alias[aria-invalid=true]", { timeout: TIMEOUT });
  check("overview: a bad alias is refused in place", await page.locator("#ov-alias-problem").innerText(), (s) => /a–z/.test(s));
  // The focus moves once the marks are drawn (the next animation frame).
  await page.waitForFunction(() => document.activeElement && document.activeElement.id === "ov-alias", null,
                             { timeout: TIMEOUT }).catch(() => {});
  check("overview: the refused field has the focus", await page.evaluate(() => document.activeElement && document.activeElement.id), "ov-alias");
  await view(page, "i-overview-alias-refused");

  // Display name, alias and the debug log, saved at once.
  await page.fill("#ov-alias", ALIAS);
  await page.fill("#ov-displayName", DISPLAY_NAME);
  const debugBefore = await page.isChecked("#ov-debugLogEnabled");
  await page.setChecked("#ov-debugLogEnabled", !debugBefore);
  check("overview: three changes counted", (await page.locator(".ov-config .form-actions .muted").innerText()).trim(), "3 unsaved changes");
  await page.click("#ov-save");
  await page.waitForSelector(".ov-config .note.ok", { timeout: TIMEOUT });
  check("overview: saved", await page.locator(".ov-config .note.ok").innerText(), (s) => /Saved: .*Display name.*Alias.*Debug log/.test(s));
  await page.waitForSelector("#ov-restart", { timeout: TIMEOUT });
  check("overview: the debug log asks for a restart", await page.locator(".ov-restart").innerText(), (s) => /Debug log takes effect/.test(s));
  await view(page, "i-overview-saved");

  // The restart the debug log needs: asked, then done (a long one is followed in the task window).
  const pidBefore = await processId(page);
  await page.click("#ov-restart");
  await page.waitForSelector("dialog[open] [data-confirm]", { timeout: TIMEOUT });
  await view(page, "i-overview-restart-confirm");
  await page.click("dialog[open] [data-confirm]");
  await page.waitForFunction(() => /restarted/.test(document.querySelector(".ov-config .note.ok")?.innerText || ""),
                             null, { timeout: START_TIMEOUT });
  check("overview: the restart asked for is gone", await page.locator("#ov-restart").count(), 0);

  // What the server has now, read back after reloading the page.
  await page.reload();
  await formShown(page, TIMEOUT);
  await settled(page);
  check("overview: the display name after a reload", await page.inputValue("#ov-displayName"), DISPLAY_NAME);
  check("overview: the alias after a reload", await page.inputValue("#ov-alias"), ALIAS);
  check("overview: the debug log after a reload", await page.isChecked("#ov-debugLogEnabled"), !debugBefore);
  check("overview: the instance runs again after the restart", await page.locator(".page-head .status-cell").innerText(), (s) => /Running/.test(s));
  check("overview: in a new process", [pidBefore > 0, (await processId(page)) !== pidBefore], [true, true]);
  check("overview: the message count after the restart", await messageCount(page, args.imported, TIMEOUT), args.imported);
  state.alias = ALIAS;
  state.displayName = DISPLAY_NAME;
}

export async function phone(page, { args, check, view, settled, TIMEOUT }) {
  await formShown(page, TIMEOUT);
  await settled(page);
  check("phone overview: the message count", await messageCount(page, args.imported, TIMEOUT), args.imported);
  check("phone overview: nothing wider than the screen",
        await page.evaluate(() => document.querySelector("main").scrollWidth <= document.querySelector("main").clientWidth + 1), true);
  await view(page, "i-overview-phone");
  await page.locator("#ov-config-title").scrollIntoViewIfNeeded();
  await view(page, "i-overview-phone-form");
}
