// The Search Indexes tab of an instance's page (console_instance.mjs runs it
// after Archive Stores): the index configuration is changed (only chosen
// attachment types, files inside PDFs read too), saved and read back after
// reloading the page; a type the instance has no reader for is refused with
// the instance's message in place; the default is saved again. Then every
// store is marked for a rebuild (the list says so), the marked stores are
// rebuilt with progress in the task window, and "Rebuild all stores" (which
// asks first) runs to success too; afterwards no store needs a rebuild.
// On a phone: the form and the list at 390 px.

async function waitForm(page, { TIMEOUT }) {
  await page.waitForSelector("#idx-all", { timeout: TIMEOUT });
  await page.waitForSelector(".idx-table tbody tr", { timeout: TIMEOUT });
}

// Saves the form; returns "ok: <notice>" or "error: <the message shown in place>".
async function save(page, { TIMEOUT }) {
  await page.evaluate(() => document.querySelectorAll(".idx-config .note").forEach((n) => n.setAttribute("data-old", "")));
  await page.click("#idx-save");
  const said = await page.waitForSelector(".idx-config .note.ok:not([data-old]), .idx-config .note.error:not([data-old])", { timeout: TIMEOUT });
  const text = (await said.innerText()).trim();
  return (await said.evaluate((e) => e.classList.contains("ok"))) ? "ok: " + text : "error: " + text;
}

// The task of `label` in the task window: waits until it ended; returns its state class.
async function taskEnded(page, label, { TIMEOUT }) {
  await page.waitForSelector("#task-window", { timeout: TIMEOUT });
  await page.waitForFunction((l) => [...document.querySelectorAll("#task-window .task")].some(
    (t) => t.querySelector(".task-label")?.textContent === l && (t.classList.contains("succeeded") || t.classList.contains("failed"))),
  label, { timeout: TIMEOUT });
  return page.evaluate((l) => [...document.querySelectorAll("#task-window .task")]
    .find((t) => t.querySelector(".task-label")?.textContent === l).className.split(/\s+/).find((c) => c === "succeeded" || c === "failed"), label);
}

async function closeTasks(page) {
  if (await page.isVisible("#task-window")) await page.click("#task-window .task-window-head .icon-button");
}

const summary = (page) => page.locator(".idx-summary").innerText();
const outcome = (page, { TIMEOUT }) => page.waitForSelector('.idx-outcome:not([data-kind="info"])', { timeout: TIMEOUT }).then((e) => e.innerText());

export async function desktop(page, ctx) {
  const { check, view, TIMEOUT, settled } = ctx;
  await waitForm(page, ctx);
  check("indexes: every type with a reader is indexed by default", await page.isChecked("#idx-all"), true);
  check("indexes: the stores are listed with their indexes", await page.locator(".idx-table tbody tr").count(), (n) => n >= 2);
  await view(page, "i-indexes");

  // Only chosen types, PDF attachments too: saved and read back after a reload.
  await page.check("#idx-chosen");
  await page.uncheck("#idx-type-doc");
  await page.uncheck("#idx-type-ppt");
  await page.check("#idx-pdfs");
  await page.fill("#idx-other", "zzq");
  check("indexes: a type without a reader is refused with the instance's message", await save(page, ctx),
        (s) => s.startsWith("error: ") && s.includes("zzq"));
  await view(page, "i-indexes-refused");
  await page.fill("#idx-other", "");
  check("indexes: SetIndexConfiguration succeeds", await save(page, ctx), (s) => s.startsWith("ok: "));
  await page.reload();
  await page.waitForSelector("[role=tabpanel]#panel-indexes", { timeout: TIMEOUT });
  await settled(page);
  await waitForm(page, ctx);
  check("indexes: after a reload only chosen types are indexed", await page.isChecked("#idx-chosen"), true);
  check("indexes: after a reload .doc is not chosen", await page.isChecked("#idx-type-doc"), false);
  check("indexes: after a reload .ppt is not chosen", await page.isChecked("#idx-type-ppt"), false);
  check("indexes: after a reload .docx is chosen", await page.isChecked("#idx-type-docx"), true);
  check("indexes: after a reload files in PDFs are read", await page.isChecked("#idx-pdfs"), true);
  await view(page, "i-indexes-saved");

  // Back to every type (files in PDFs stay on), read back.
  await page.check("#idx-all");
  check("indexes: the default saved again", await save(page, ctx), (s) => s.startsWith("ok: "));
  await page.waitForFunction(() => document.getElementById("idx-all")?.checked && !document.getElementById("idx-type-doc"),
                             null, { timeout: TIMEOUT });
  check("indexes: every type is listed as indexed", await page.locator(".idx-all-types").innerText(), (s) => s.includes(".docx") && s.includes(".pdf"));

  // Mark every store, then rebuild the marked ones.
  await page.click("#idx-select-all");
  await page.waitForFunction(() => /^\d+ of \d+ stores? needs? a rebuild/.test(document.querySelector(".idx-summary")?.textContent || ""),
                             null, { timeout: TIMEOUT });
  check("indexes: every open store is marked", await page.locator(".idx-table .idx-state .badge", { hasText: "Rebuild needed" }).count(),
        (n) => n >= 2);
  await view(page, "i-indexes-marked");
  const marked = await page.locator("#idx-rebuild-selected").innerText();
  const n = Number((marked.match(/\d+/) || ["0"])[0]);
  await page.click("#idx-rebuild-selected");
  const label = `Rebuild the search indexes of ${n} stores`;
  check("indexes: the marked stores' rebuild succeeded in the task window", await taskEnded(page, label, ctx), "succeeded");
  check("indexes: the outcome names the stores rebuilt", await outcome(page, ctx), (s) => /rebuilt/.test(s));
  await page.waitForFunction(() => /No store/.test(document.querySelector(".idx-summary")?.textContent || ""), null, { timeout: TIMEOUT });
  check("indexes: afterwards no store needs a rebuild", await summary(page), (s) => /No store/.test(s));
  await view(page, "i-indexes-rebuilt");
  await closeTasks(page);

  // Rebuild all stores: asks first, then runs to success.
  await page.click("#idx-rebuild-all");
  await page.waitForSelector("dialog[open] [data-confirm]", { timeout: TIMEOUT });
  check("indexes: Rebuild all asks first", await page.locator("dialog[open] h2").innerText(), (s) => /every store/i.test(s));
  await view(page, "i-indexes-confirm");
  await page.click("dialog[open] [data-confirm]");
  check("indexes: Rebuild all succeeded in the task window", await taskEnded(page, "Rebuild all search indexes", ctx), "succeeded");
  await page.waitForFunction(() => /No store/.test(document.querySelector(".idx-summary")?.textContent || ""), null, { timeout: TIMEOUT });
  check("indexes: after Rebuild all no store needs a rebuild", await summary(page), (s) => /No store/.test(s));
  await closeTasks(page);
}

export async function phone(page, ctx) {
  const { check, view } = ctx;
  await waitForm(page, ctx);
  check("phone indexes: nothing scrolls sideways", await page.evaluate(() => document.querySelector("main").scrollWidth <= document.querySelector("main").clientWidth), true);
  await view(page, "i-indexes-phone");
  await page.locator(".idx-rebuild").scrollIntoViewIfNeeded();
  await view(page, "i-indexes-phone-rebuild");
}
