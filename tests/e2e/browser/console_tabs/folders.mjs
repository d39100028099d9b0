// The Folders tab of an instance's page (console_instance.mjs runs it after
// the Archiving tab imported args.imported messages into alice's Inbox,
// though the tab sits between Users and Archive Stores on the page).
// desktop: the archives with alice's message count (GetFolderStatistics),
// alice opened with the keyboard and her Inbox's count and size, Move (the
// new path checked as typed: an archive, no user's archive, into itself;
// then asked) to alice/Archive/2024, read back from the server
// (GetChildFolders, GetFolderStatistics), and moved back (the phone's run
// of the import expects its duplicates in alice/Inbox); Delete empty
// folders in alice's archive and in every archive, asked, answered, the
// folders with mail still there (the import leaves no empty folder, so the
// server finds none: the unit tests cover what the counts show).
// phone: the tree at 390 px with alice opened, the Move dialog fits.
import { consoleApi } from "../console_common.mjs";

const ALICE = "alice";
const row = (page, folder) => page.locator(`.fld-row[data-folder="${folder}"]`);
const digits = (s) => Number(String(s).replace(/[^0-9]/g, "") || "NaN");

async function serverFolders(page, id) {
  const env = await consoleApi(page, "GetChildFolders", { instanceID: id, folder: ALICE });
  return env.statusCode === "succeeded" ? env.result.map((f) => f.folder) : { failed: env.error };
}

async function serverCount(page, id, folder) {
  const env = await consoleApi(page, "GetFolderStatistics", { instanceID: id });
  if (env.statusCode !== "succeeded") return { failed: env.error };
  const f = env.result.find((x) => x.folder === folder);
  return f ? f.count : null;
}

// Waits until a folder's row shows `n` messages (the statistics are read again after each change).
async function countShown(page, folder, n, { TIMEOUT }) {
  await page.waitForFunction(([f, want]) => {
    const cell = [...document.querySelectorAll(".fld-row[data-folder]")].find((r) => r.dataset.folder === f)?.querySelector(".fld-count");
    return cell && Number(cell.textContent.replace(/[^0-9]/g, "")) === want && !/…/.test(cell.textContent);
  }, [folder, n], { timeout: TIMEOUT });
}

const focusedFolder = (page) => page.evaluate(() => document.activeElement?.closest(".fld-row")?.dataset.folder || null);

// Move with the dialog: the new path typed, Continue, then Move; waits for the dialog to close.
async function move(page, from, to, { TIMEOUT }, shots = null) {
  await row(page, from).locator("[data-action=move]").click();
  await page.waitForSelector("dialog.fld-move-dialog[open] #fld-move-to", { timeout: TIMEOUT });
  await page.fill("#fld-move-to", to);
  if (shots) await shots.path();
  await page.click("#fld-move-next");
  await page.waitForSelector("#fld-move-question", { timeout: TIMEOUT });
  const question = (await page.locator("#fld-move-question").innerText()).trim();
  if (shots) await shots.confirm();
  await page.click("#fld-move-confirm");
  await page.waitForSelector("dialog.fld-move-dialog", { state: "detached", timeout: TIMEOUT });
  return question;
}

export async function desktop(page, ctx) {
  const { args, id, check, view, TIMEOUT } = ctx;
  const imported = args.imported;
  await row(page, ALICE).waitFor({ timeout: TIMEOUT });
  check("folders: the archives are the users' (alice's; bob's went with him, having no mail)",
        await page.$$eval(".fld-tree > .fld-list > .fld-item > .fld-row", (l) => l.map((r) => r.dataset.folder)),
        (l) => l.includes(ALICE) && !l.includes("bob") && !l.includes("robert"));
  await countShown(page, ALICE, imported, ctx);
  check("folders: alice's archive counts the imported messages", digits(await row(page, ALICE).locator(".fld-count").innerText()), imported);
  check("folders: the summary counts them too", await page.locator("#fld-summary").innerText(), (s) => s.includes(String(imported)));
  check("folders: an archive cannot be moved (rename its user)", await row(page, ALICE).locator("[data-action=move]").count(), 0);

  // The keyboard: → opens alice, ↓ goes to her Inbox, ← back up to alice.
  const toggle = row(page, ALICE).locator(".fld-toggle");
  check("folders: alice starts closed", await toggle.getAttribute("aria-expanded"), "false");
  await toggle.focus();
  await page.keyboard.press("ArrowRight");
  await row(page, `${ALICE}/Inbox`).waitFor({ timeout: TIMEOUT });
  check("folders: → opened alice", await toggle.getAttribute("aria-expanded"), "true");
  await page.keyboard.press("ArrowDown");
  check("folders: ↓ went to alice/Inbox", await focusedFolder(page), `${ALICE}/Inbox`);
  await page.keyboard.press("ArrowLeft");
  check("folders: ← went back to alice", await focusedFolder(page), ALICE);
  await countShown(page, `${ALICE}/Inbox`, imported, ctx);
  check("folders: alice/Inbox has the imported messages and a size",
        [digits(await row(page, `${ALICE}/Inbox`).locator(".fld-count").innerText()),
         (await row(page, `${ALICE}/Inbox`).locator(".fld-size").innerText()).replace(/^Size:\s*/, "")],
        ([n, size]) => n === imported && /^[0-9.,]+ (B|KB|MB)$/.test(size.trim()) && size.trim() !== "0 B");
  await view(page, "i-folders-tree");

  // Move: the new path checked as typed.
  await row(page, `${ALICE}/Inbox`).locator("[data-action=move]").click();
  await page.waitForSelector("dialog.fld-move-dialog[open] #fld-move-to", { timeout: TIMEOUT });
  check("folders: Move starts from the folder's path, Continue waits for a change",
        [await page.inputValue("#fld-move-to"), await page.isDisabled("#fld-move-next")], [`${ALICE}/Inbox`, true]);
  const problem = async () => (await page.locator("#fld-move-to-problem").innerText().catch(() => "")).trim();
  await page.fill("#fld-move-to", ALICE);
  check("folders: a folder cannot become an archive (refused as typed)", await problem(), (s) => /inside a user's archive/.test(s));
  await page.fill("#fld-move-to", "nobody/Inbox");
  check("folders: only into a user's archive (refused as typed)", await problem(), (s) => /no user nobody/.test(s));
  await page.fill("#fld-move-to", `${ALICE}/Inbox/Deeper`);
  check("folders: not into itself (refused as typed)", await problem(), (s) => /into itself/.test(s));
  await page.click("dialog.fld-move-dialog .dialog-actions .ghost");
  await page.waitForSelector("dialog.fld-move-dialog", { state: "detached", timeout: TIMEOUT });

  const target = `${ALICE}/Archive/2024`;
  const question = await move(page, `${ALICE}/Inbox`, target, ctx, {
    path: async () => {
      check("folders: a good path has no problem", await page.locator("#fld-move-to-problem").count(), 0);
      await view(page, "i-folders-move");
    },
    confirm: async () => view(page, "i-folders-move-confirm"),
  });
  check("folders: Move asks, naming both paths", question, (s) => s.includes(`${ALICE}/Inbox`) && s.includes(target));
  await row(page, target).waitFor({ timeout: TIMEOUT });
  check("folders: the page says so", await page.locator(".fld .note.ok").innerText(), (s) => s.includes(target));
  check("folders: the old folder is gone from the tree", await row(page, `${ALICE}/Inbox`).count(), 0);
  await page.waitForFunction((f) => document.activeElement?.closest(".fld-row")?.dataset.folder === f, target, { timeout: TIMEOUT });
  check("folders: the moved folder has the focus", await focusedFolder(page), target);
  await countShown(page, target, imported, ctx);
  check("folders: the server has alice/Archive/2024 and no alice/Inbox",
        await serverFolders(page, id), (l) => Array.isArray(l) && l.includes(target) && !l.includes(`${ALICE}/Inbox`));
  check("folders: the server counts the messages in their new place", await serverCount(page, id, target), imported);
  await view(page, "i-folders-moved");

  // And back (a rename in the same archive), for the tabs after this one.
  await move(page, target, `${ALICE}/Inbox`, ctx);
  await row(page, `${ALICE}/Inbox`).waitFor({ timeout: TIMEOUT });
  await countShown(page, `${ALICE}/Inbox`, imported, ctx);
  check("folders: moved back, the server has alice/Inbox again and no alice/Archive",
        await serverFolders(page, id), (l) => Array.isArray(l) && l.includes(`${ALICE}/Inbox`) && !l.some((f) => f.startsWith(`${ALICE}/Archive`)));
  check("folders: the tree closed alice/Archive, which went", await row(page, `${ALICE}/Archive`).count(), 0);

  // Delete empty folders in alice's archive: asked; the folders with mail stay.
  await row(page, ALICE).locator("[data-action=delete-empty]").click();
  await page.waitForSelector("dialog[open] [data-confirm]", { timeout: TIMEOUT });
  check("folders: Delete empty folders asks about alice's archive",
        await page.locator("dialog[open]:has([data-confirm]) .dialog-head h2").innerText(), (s) => s.includes(ALICE));
  check("folders: the counts show no empty folder in alice", await page.locator("#fld-empty-known").innerText(), (s) => /no folder/.test(s));
  await view(page, "i-folders-delete");
  await page.click("dialog[open] [data-confirm]");
  await page.waitForSelector("dialog[open] [data-confirm]", { state: "detached", timeout: TIMEOUT });
  check("folders: the server's answer is shown", await page.locator(".fld .note.ok").innerText(),
        (s) => /No empty folder was found|empty folders? w[ae]s? deleted/.test(s));
  await page.click("#fld-delete-all");
  await page.waitForSelector("dialog[open] [data-confirm]", { timeout: TIMEOUT });
  check("folders: Delete empty folders of every archive asks", await page.locator("dialog[open]:has([data-confirm]) .dialog-body").innerText(),
        (s) => /archives themselves stay/.test(s));
  await page.click("dialog[open] [data-confirm]");
  await page.waitForSelector("dialog[open] [data-confirm]", { state: "detached", timeout: TIMEOUT });
  await countShown(page, `${ALICE}/Inbox`, imported, ctx);
  check("folders: alice/Inbox and its mail stay", await serverCount(page, id, `${ALICE}/Inbox`), imported);
  await view(page, "i-folders-done");
}

export async function phone(page, ctx) {
  const { args, check, view, TIMEOUT } = ctx;
  await row(page, ALICE).waitFor({ timeout: TIMEOUT });
  await row(page, ALICE).locator(".fld-toggle").click();
  await row(page, `${ALICE}/Inbox`).waitFor({ timeout: TIMEOUT });
  await countShown(page, `${ALICE}/Inbox`, args.imported, ctx);
  const fits = await page.evaluate(() => {
    const main = document.querySelector("main");
    return document.documentElement.scrollWidth <= innerWidth && main.scrollWidth <= main.clientWidth;
  });
  check("folders (phone): the tree fits 390 px", fits, true);
  check("folders (phone): alice/Inbox's count is labelled", await row(page, `${ALICE}/Inbox`).locator(".fld-count").innerText(),
        (s) => /Messages/.test(s) && s.includes(String(args.imported)));
  const moveButton = row(page, `${ALICE}/Inbox`).locator("[data-action=move]");
  const box = await moveButton.boundingBox();
  check("folders (phone): Move is on the screen", !!box && box.x >= 0 && box.x + box.width <= 390);
  await view(page, "i-folders-phone");
  await moveButton.click();
  await page.waitForSelector("dialog.fld-move-dialog[open] #fld-move-to", { timeout: TIMEOUT });
  const dialogFits = await page.evaluate(() => {
    const d = document.querySelector("dialog.fld-move-dialog[open]");
    const r = d.getBoundingClientRect();
    return r.left >= 0 && r.right <= innerWidth;
  });
  check("folders (phone): the Move dialog fits", dialogFits, true);
  await view(page, "i-folders-phone-move");
  await page.click("dialog.fld-move-dialog .dialog-actions .ghost");
  await page.waitForSelector("dialog.fld-move-dialog", { state: "detached", timeout: TIMEOUT });
}
