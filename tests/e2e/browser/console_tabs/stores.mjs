// The Archive Stores tab of an instance's page (console_instance.mjs runs it
// after Users): the default store is listed as current; a second store is
// created (its directory suggested from the name, the instance's rules
// checked as typed), renamed and set write-protected, each change read back
// from the list GetStores gives; VerifyStore runs with its progress in the
// task window and succeeds; the instance's Recount statistics too; Detach
// asks first (cancelled here); an auto-create setting is changed and read
// back after reloading the page. On a phone: the list as cards at 390 px,
// the store's dialog and its commands.

const SECOND = "Archive two";
const RENAMED = "Archive 2";
const THRESHOLD = "51200";

const row = (page, name) => page.locator(".sto-table tbody tr", { has: page.locator("td.sto-name strong", { hasText: new RegExp(`^${name}$`) }) });
const names = (page) => page.$$eval(".sto-table tbody td.sto-name strong", (l) => l.map((e) => e.textContent));
const stateOf = (page, name) => row(page, name).locator("td.sto-state .badge").first().innerText();

// Waits until the list shows a store named `name` whose first badge (the requested state) reads `state`.
async function listedAs(page, name, state, { TIMEOUT }) {
  await page.waitForFunction(([n, s]) => [...document.querySelectorAll(".sto-table tbody tr")].some(
    (r) => r.querySelector("td.sto-name strong")?.textContent === n && (!s || r.querySelector("td.sto-state .badge")?.textContent === s)),
  [name, state], { timeout: TIMEOUT });
}

async function waitList(page, { TIMEOUT }) {
  await page.waitForSelector(".sto-table tbody tr", { timeout: TIMEOUT });
}

async function manage(page, name, { TIMEOUT }) {
  await row(page, name).locator(".sto-manage").click();
  await page.waitForSelector("dialog.sto-manage-dialog[open] [data-command]", { timeout: TIMEOUT });
}

// Submits the open dialog's form; waits until it closed, or returns the error it shows.
async function submit(page, { TIMEOUT }) {
  await page.click("dialog[open] #sto-dialog-submit");
  const r = await Promise.race([
    page.waitForSelector("dialog[open] #sto-dialog-submit", { state: "detached", timeout: TIMEOUT }).then(() => null),
    page.waitForSelector("dialog[open] .note.error", { timeout: TIMEOUT }).then((e) => e.innerText()),
  ]);
  return r;
}

// The task of `label` in the task window: waits until it ended; returns its state class.
async function taskEnded(page, label, { TIMEOUT }) {
  const task = page.locator("#task-window .task", { has: page.locator(".task-label", { hasText: label }) }).first();
  await task.waitFor({ timeout: TIMEOUT });
  await page.waitForFunction((l) => [...document.querySelectorAll("#task-window .task")].some(
    (t) => t.querySelector(".task-label")?.textContent === l && (t.classList.contains("succeeded") || t.classList.contains("failed"))),
  label, { timeout: TIMEOUT });
  return (await task.getAttribute("class")).split(/\s+/).find((c) => c === "succeeded" || c === "failed");
}

async function closeTasks(page) {
  if (await page.isVisible("#task-window")) await page.click("#task-window .task-window-head .icon-button");
}

const outcome = (page, { TIMEOUT }) => page.waitForSelector('.sto-outcome:not([data-kind="info"])', { timeout: TIMEOUT })
  .then((e) => e.innerText());

export async function desktop(page, ctx) {
  const { check, view, TIMEOUT, settled } = ctx;
  await waitList(page, ctx);
  check("stores: the instance's first store is listed", (await names(page)).length, (n) => n >= 1);
  check("stores: one store is current", await page.locator(".sto-table td.sto-state .badge", { hasText: /^Current$/ }).count(), 1);
  check("stores: sizes and message counts are shown", await page.locator(".sto-table td.sto-count").first().innerText(), (s) => /^\d/.test(s));
  await view(page, "i-stores-list");

  // A second store: the name's checks as typed, the directory suggested, state normal.
  await page.click("#sto-new");
  await page.waitForSelector("dialog[open] #sto-name", { timeout: TIMEOUT });
  await page.click("dialog[open] #sto-dialog-submit");
  check("stores: an empty name is refused as typed", await page.locator("#sto-name-state.problem").innerText(), (s) => /name/i.test(s));
  await page.fill("#sto-name", SECOND);
  check("stores: the directory is suggested from the name", await page.inputValue("#sto-path"), (p) => p.endsWith("/Archive-two"));
  await page.locator("dialog[open] input[name=sto-state][value=normal]").check();
  await view(page, "i-stores-new");
  check("stores: CreateStore succeeds", await submit(page, ctx), null);
  await listedAs(page, SECOND, "Normal", ctx);
  check("stores: the new store is listed as normal", await stateOf(page, SECOND), "Normal");
  check("stores: the outcome names it", await outcome(page, ctx), (s) => s.includes(SECOND) && /created/i.test(s));

  // Rename it in its dialog.
  await manage(page, SECOND, ctx);
  check("stores: the store's dialog offers every command", await page.$$eval("dialog[open] [data-command]", (l) => l.map((b) => b.dataset.command)),
        (l) => ["rename", "state", "path", "verify", "compact", "repair", "recreate", "upgrade", "unlock", "recover", "merge", "detach"]
          .every((c) => l.includes(c)));
  check("stores: Change directory waits for a disabled store", await page.isDisabled("dialog[open] [data-command=path]"), true);
  check("stores: the dialog says why", await page.locator("#sto-help-path .sto-why").innerText(), (s) => /disable/i.test(s));
  await view(page, "i-stores-manage");
  await page.click("dialog[open] [data-command=rename]");
  await page.waitForSelector("dialog[open] #sto-rename", { timeout: TIMEOUT });
  await page.fill("#sto-rename", RENAMED);
  check("stores: RenameStore succeeds", await submit(page, ctx), null);
  await listedAs(page, RENAMED, "Normal", ctx);
  check("stores: renamed in the list", await names(page), (l) => l.includes(RENAMED) && !l.includes(SECOND));

  // Write-protect it.
  await manage(page, RENAMED, ctx);
  await page.click("dialog[open] [data-command=state]");
  await page.waitForSelector("dialog[open] input[name=sto-state]", { timeout: TIMEOUT });
  await page.locator("dialog[open] input[name=sto-state][value=writeProtected]").check();
  await view(page, "i-stores-state");
  check("stores: SetStoreRequestedState succeeds", await submit(page, ctx), null);
  await listedAs(page, RENAMED, "Write-protected", ctx);
  check("stores: write-protected in the list", await stateOf(page, RENAMED), "Write-protected");

  // Verify it: progress in the task window, then succeeded.
  await row(page, RENAMED).locator(".sto-verify").click();
  await page.waitForSelector("dialog[open] #sto-verify-indexes", { timeout: TIMEOUT });
  check("stores: Verify checks the indexes too by default", await page.isChecked("#sto-verify-indexes"), true);
  await view(page, "i-stores-verify");
  await page.click("dialog[open] #sto-dialog-submit");
  await page.waitForSelector("#task-window", { timeout: TIMEOUT });
  const verifyLabel = `Verify: ${RENAMED}`;
  check("stores: the verification shows in the task window", await page.locator("#task-window .task-label", { hasText: verifyLabel }).count(), (n) => n >= 1);
  check("stores: VerifyStore succeeded", await taskEnded(page, verifyLabel, ctx), "succeeded");
  check("stores: the outcome says what was checked", await outcome(page, ctx), (s) => s.includes(RENAMED) && /no problem/i.test(s));
  await view(page, "i-stores-verified");
  await closeTasks(page);

  // The instance's commands: recount the statistics (long-running).
  await page.click("#sto-all-title ~ .sto-commands [data-command=refreshStatistics]");
  check("stores: RefreshAllStoreStatistics succeeded", await taskEnded(page, "Recount statistics", ctx), "succeeded");
  await page.waitForFunction(() => /counted again/.test(document.querySelector(".sto-outcome")?.textContent || ""), null, { timeout: TIMEOUT });
  await closeTasks(page);

  // Detach asks first and says where the files stay; cancelled here.
  await row(page, RENAMED).locator("td.col-check input").check();
  check("stores: the selection is counted", await page.locator(".sto-bar .selected-count").innerText(), "1 selected");
  await page.click("#sto-sel-detach");
  await page.waitForSelector("dialog[open] [data-confirm]", { timeout: TIMEOUT });
  check("stores: Detach asks first, naming the directory", await page.locator("dialog[open] .confirm-list code").innerText(), (s) => s.endsWith("/Archive-two"));
  await view(page, "i-stores-confirm-detach");
  await page.keyboard.press("Escape");
  await page.waitForSelector("dialog[open]", { state: "detached", timeout: TIMEOUT });
  check("stores: cancelled, the store stays", await names(page), (l) => l.includes(RENAMED));
  await row(page, RENAMED).locator("td.col-check input").uncheck();

  // Automatic creation: a threshold, saved, read back after a reload.
  await page.waitForSelector("#sto-auto-automatic", { timeout: TIMEOUT });
  await page.check("#sto-auto-threshold-on");
  await page.fill("#sto-auto-threshold", "0");
  await page.click("#sto-auto-save");
  check("stores: a threshold of 0 MB is refused as typed", await page.locator("#sto-auto-threshold-state.problem").innerText(), (s) => s.length > 5);
  await page.fill("#sto-auto-threshold", THRESHOLD);
  check("stores: the threshold is shown in GB", await page.locator("#sto-auto-threshold-hint").innerText(), (s) => s.includes("50 GB"));
  await page.click("#sto-auto-save");
  await page.waitForSelector(".sto-auto .note.ok", { timeout: TIMEOUT });
  await view(page, "i-stores-autocreate");
  await page.reload();
  await page.waitForSelector("[role=tabpanel]#panel-stores", { timeout: TIMEOUT });
  await settled(page);
  await page.waitForSelector("#sto-auto-threshold", { timeout: TIMEOUT });
  check("stores: after a reload the threshold is the one saved", await page.inputValue("#sto-auto-threshold"), THRESHOLD);
  check("stores: after a reload the size choice is kept", await page.isChecked("#sto-auto-threshold-on"), true);
  await waitList(page, ctx);
  check("stores: after a reload the second store is still write-protected", await stateOf(page, RENAMED), "Write-protected");
  ctx.state.secondStore = RENAMED;
}

export async function phone(page, ctx) {
  const { check, view, TIMEOUT } = ctx;
  await waitList(page, ctx);
  const card = row(page, ctx.state.secondStore || RENAMED);
  const box = await card.boundingBox();
  check("phone stores: a store is a card within the screen", box && box.x >= 0 && box.x + box.width <= 390, true);
  check("phone stores: nothing scrolls sideways", await page.evaluate(() => document.querySelector("main").scrollWidth <= document.querySelector("main").clientWidth), true);
  await card.scrollIntoViewIfNeeded();
  await view(page, "i-stores-phone");
  await card.locator(".sto-manage").click();
  await page.waitForSelector("dialog.sto-manage-dialog[open] [data-command]", { timeout: TIMEOUT });
  const dialog = await page.locator("dialog.sto-manage-dialog[open]").boundingBox();
  check("phone stores: the store's dialog fits the screen", dialog && dialog.x >= 0 && dialog.x + dialog.width <= 390, true);
  await view(page, "i-stores-phone-manage");
  await page.keyboard.press("Escape");
  await page.waitForSelector("dialog[open]", { state: "detached", timeout: TIMEOUT });
  await page.locator(".sto-auto").scrollIntoViewIfNeeded();
  await view(page, "i-stores-phone-autocreate");
}
