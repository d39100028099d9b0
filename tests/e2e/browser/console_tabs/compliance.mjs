// The Compliance tab of an instance's page (issue 21; docs/compliance.md),
// after the import of the Archiving tab (args.imported messages of February
// 2024 in the archive of state.alice). Desktop: the successes to log, a group
// turned off and everything selected again, and admin e-mail preview, each
// saved and read back (GetComplianceConfiguration); a retention policy refused
// at its fields, then "alice after 1 year from the message date" added and read
// back (GetRetentionPolicies); with a store not in a normal state (the Stores
// tab leaves one write-protected) the preview fails naming it; the preview
// listing every imported message; a second policy over all archives for 30
// years making it list none (the longest retention wins), deleted again after
// asking; legal hold turned on after a confirmation naming what it blocks, "Run
// now" refused in the page and by the server, turned off again; the audit log:
// the public key as GetAuditLogPublicKey answers it, the check intact, the
// configuration changes found by the event filter, the filtered export
// downloaded and read (key, entries, checkpoints), 25 entries a page and the
// next page. Phone (after the Archiving tab's second pass, which expects the
// import still archived): the tab and the policy form at 390 px, "Run now"
// after asking deleting every imported message, one audit record per message,
// the log still intact; then the import archived again (the figures at the end count it).
import fs from "node:fs";
import { consoleApi } from "../console_common.mjs";

const POLICY = "Alice after 1 year";
const LONG = "Everything 30 years";

// A function's result (a long-running one followed through /api/get-status), or {failed: error}.
async function api(page, fn, args) {
  let env = await consoleApi(page, fn, args);
  while (env.statusCode === "running") {
    env = await page.evaluate(async ({ token, version }) => {
      const strip = (s) => s.replace(/^\uFEFF/, "");
      const session = JSON.parse(strip(await (await fetch("/console/session")).text()));
      const body = new URLSearchParams({ token, lastKnownStatusVersion: String(version), millisecondsTimeout: "5000" });
      const r = await fetch("/api/get-status", { method: "POST", body,
        headers: { "X-AntiXsrfToken": session.csrfToken, "Content-Type": "application/x-www-form-urlencoded; charset=utf-8" } });
      return JSON.parse(strip(await r.text()));
    }, { token: env.token, version: env.statusVersion ?? 0 });
  }
  return env.statusCode === "succeeded" ? env.result : { failed: env.error };
}

async function closeTasks(page) {
  if (await page.locator("#task-window").count()) await page.click("#task-window .task-window-head .icon-button");
}

// Sets every store not in a normal state back to normal (retention needs that); returns those stores.
async function storesToNormal(page, id, check) {
  const stores = await api(page, "GetStores", { instanceID: id });
  const notReady = (Array.isArray(stores) ? stores : []).filter((s) => !["normal", "current"].includes(s.requestedState));
  for (const st of notReady) {
    check(`compliance: store ${st.name} set back to normal`,
          await api(page, "SetStoreRequestedState", { instanceID: id, id: st.id, requestedState: "normal" }), null);
  }
  return notReady;
}

const row = (name) => `#ret-table tr[data-policy="${name}"]`;

// Opens the policy form (Add or a row's Edit), fills what is given, saves; returns the dialog's error or "".
async function policyForm(page, opener, fields, TIMEOUT) {
  await page.click(opener);
  await page.waitForSelector("dialog[open] #ret-form", { timeout: TIMEOUT });
  if (fields.name !== undefined) await page.fill('#ret-form [name="name"]', fields.name);
  if (fields.kind) await page.check(`#ret-kind-${fields.kind}`);
  if (fields.users !== undefined) await page.fill('#ret-form [name="users"]', fields.users);
  for (const k of ["years", "months", "days"]) if (fields[k] !== undefined) await page.fill(`#ret-form [name="${k}"]`, fields[k]);
  if (fields.from) await page.selectOption('#ret-form [name="from"]', fields.from);
}

async function saveConfig(page, TIMEOUT) {
  await page.click("#cmp-save");
  await page.waitForSelector("#cmp-save-result .note", { timeout: TIMEOUT });
  return (await page.locator("#cmp-save-result .note").first().innerText()).trim();
}

async function preview(page) {
  await page.click("#ret-preview");
  await page.waitForSelector("#ret-result .note", { timeout: 120000 });
  await closeTasks(page);
  return (await page.locator("#ret-result .note").first().innerText()).trim();
}

// Filters the audit log by an event; waits until the table shows only that event.
async function filterEvent(page, event, TIMEOUT) {
  await page.fill('#aud-filters [name="event"]', event);
  await page.click("#aud-search");
  await page.waitForFunction((e) => {
    const rows = [...document.querySelectorAll("#aud-table tbody tr")];
    return document.querySelector(".aud-entries").getAttribute("aria-busy") === "false" &&
           rows.length > 0 && rows.every((r) => r.dataset.event === e);
  }, event, { timeout: TIMEOUT });
}

export async function desktop(page, { args, id, check, view, settled, state, TIMEOUT }) {
  await page.waitForSelector(".compliance-tab", { timeout: TIMEOUT });
  check("compliance: the instance runs, so its settings are shown", await page.locator("#cmp-not-running").count(), 0);
  await page.waitForSelector("#cmp-hold-state", { timeout: TIMEOUT });
  await settled(page);
  check("compliance: legal hold starts off", (await page.locator("#cmp-hold-state").innerText()).trim(), "Off");
  check("compliance: no function is missing on this server", await page.locator(".cmp-unavailable").count(), 0);
  await view(page, "i-compliance-top");

  // ---- Successes to log: a group off, saved and read back; then all again. ----
  const total = (await api(page, "GetComplianceConfiguration", { instanceID: id })).logSuccessfulUserActivities.length;
  check("compliance: by default every event is logged", total, (n) => n >= 40);
  await page.click('.cmp-group[data-group="cmpGroupSessions"] .cmp-group-bar button:nth-child(2)');
  check("compliance: 'None' of a group clears its boxes",
        await page.locator('.cmp-group[data-group="cmpGroupSessions"] input:checked').count(), 0);
  check("compliance: an unsaved change is said", await page.locator("#cmp-unsaved").count(), 1);
  await page.locator("#cmp-events").scrollIntoViewIfNeeded();
  await view(page, "i-compliance-events");
  check("compliance: saved", await saveConfig(page, TIMEOUT), (t) => /saved/.test(t));
  let cfg = await api(page, "GetComplianceConfiguration", { instanceID: id });
  check("compliance: the sessions' events are no longer logged on success",
        cfg.logSuccessfulUserActivities, (l) => !l.includes("SessionLogin") && l.includes("UserAdd") && l.length === total - 7);
  await page.click("#cmp-all");
  await page.check("#cmp-preview");
  await saveConfig(page, TIMEOUT);
  cfg = await api(page, "GetComplianceConfiguration", { instanceID: id });
  check("compliance: 'Select all' and admin e-mail preview saved",
        [cfg.logSuccessfulUserActivities.length, cfg.adminEmailPreviewEnabled], [total, true]);
  await page.uncheck("#cmp-preview");
  await saveConfig(page, TIMEOUT);
  check("compliance: admin e-mail preview off again",
        (await api(page, "GetComplianceConfiguration", { instanceID: id })).adminEmailPreviewEnabled, false);

  // ---- Retention policies ----
  const alice = state.alice && state.alice.userName;
  check("compliance: the Users tab left its end user (the policy's scope)", !!alice);
  await page.locator("#ret-title").scrollIntoViewIfNeeded();
  check("compliance: no policies at first", await page.locator("#ret-none").count(), 1);
  await policyForm(page, "#ret-add", { years: "0" }, TIMEOUT);
  await page.click("#ret-save");
  await page.waitForSelector('#ret-form [aria-invalid="true"]', { timeout: TIMEOUT });
  check("compliance: an empty name and a period of 0 are marked at the fields",
        await page.locator('#ret-form [aria-invalid="true"]').evaluateAll((els) => els.map((e) => e.name)),
        (n) => n.includes("name") && n.includes("years"));
  await view(page, "i-compliance-policy-problems");
  await page.fill('#ret-form [name="name"]', POLICY);
  await page.check("#ret-kind-users");
  await page.fill('#ret-form [name="users"]', alice + "\n");
  await page.fill('#ret-form [name="years"]', "1");
  await view(page, "i-compliance-policy-form");
  await page.click("#ret-save");
  await page.waitForSelector(row(POLICY), { timeout: TIMEOUT });
  await page.waitForSelector("dialog[open]", { state: "detached", timeout: TIMEOUT });
  const stored = await api(page, "GetRetentionPolicies", { instanceID: id });
  check("compliance: the policy is stored as typed", stored.policies, [{
    name: POLICY, scope: { kind: "users", users: [alice] }, period: { years: 1, months: 0, days: 0 },
    from: "messageDate", action: "delete" }]);
  check("compliance: the row says scope and period", await page.locator(row(POLICY)).innerText(),
        (s) => s.includes(alice) && s.includes("1 year"));

  // Retention runs only while every store is in a normal state: a store left write-protected
  // by the Stores tab makes the preview fail naming it; set back to normal, it runs.
  const stores = await api(page, "GetStores", { instanceID: id });
  const notReady = (Array.isArray(stores) ? stores : []).filter((s) => !["normal", "current"].includes(s.requestedState));
  let said;
  if (notReady.length) {
    await page.click("#ret-preview");
    await page.waitForSelector("#ret-result .note.error", { timeout: 120000 });
    await closeTasks(page);
    said = (await page.locator("#ret-result .note.error").innerText()).trim();
    check("compliance: a store not in a normal state makes the preview fail naming it", said,
          (s) => notReady.every((st) => s.includes(st.name)));
    await view(page, "i-compliance-stores-not-ready");
    await storesToNormal(page, id, check);
  }
  said = await preview(page);
  check("compliance: the preview finds every imported message expired", said,
        (s) => s.includes(`${args.imported} would be deleted`) && s.includes("Nothing was deleted"));
  check("compliance: the preview lists them", await page.locator("#ret-preview-result tbody tr").count(), args.imported);
  await page.locator("#ret-result").scrollIntoViewIfNeeded();
  await view(page, "i-compliance-preview");

  // The longest retention wins: a 30-year policy over all archives keeps them.
  await policyForm(page, "#ret-add", { name: LONG, years: "30" }, TIMEOUT);
  await page.click("#ret-save");
  await page.waitForSelector(row(LONG), { timeout: TIMEOUT });
  said = await preview(page);
  check("compliance: with a longer policy covering them, none would go", said, (s) => s.includes(" 0 would be deleted"));
  await page.click(`${row(LONG)} button.danger-text`);
  await page.waitForSelector("dialog[open] [data-confirm]", { timeout: TIMEOUT });
  check("compliance: deleting a policy asks, naming it", await page.locator("dialog[open]").innerText(), (s) => s.includes(LONG));
  await page.click("dialog[open] [data-confirm]");
  await page.waitForSelector(row(LONG), { state: "detached", timeout: TIMEOUT });
  check("compliance: the server has one policy left",
        (await api(page, "GetRetentionPolicies", { instanceID: id })).policies.map((p) => p.name), [POLICY]);

  // ---- Legal hold: asked, on, Run now refused here and by the server. ----
  await page.locator("#cmp-hold").scrollIntoViewIfNeeded();
  await page.click("#cmp-hold-toggle");
  await page.waitForSelector("dialog[open] #cmp-hold-blocks", { timeout: TIMEOUT });
  check("compliance: turning legal hold on says what it blocks", await page.locator("#cmp-hold-blocks li").count(), 3);
  await view(page, "i-compliance-hold-confirm");
  await page.click("dialog[open] [data-confirm]");
  await page.waitForSelector("#cmp-hold.on", { timeout: TIMEOUT });
  check("compliance: legal hold is on at the server",
        (await api(page, "GetComplianceConfiguration", { instanceID: id })).legalHoldEnabled, true);
  check("compliance: Run now is refused in the page under legal hold", await page.locator("#ret-run").isDisabled(), true);
  check("compliance: ... saying why", await page.locator("#ret-hold-note").count(), 1);
  const refused = await api(page, "ProcessRetentionPolicies", { instanceID: id, dryRun: false });
  check("compliance: the server refuses a run under legal hold too",
        refused.failed && refused.failed.message, (m) => /legal hold/i.test(m || ""));
  await view(page, "i-compliance-hold-on");
  await page.click("#cmp-hold-toggle");
  await page.waitForSelector("dialog[open] [data-confirm]", { timeout: TIMEOUT });
  await page.click("dialog[open] [data-confirm]");
  await page.waitForSelector("#cmp-hold:not(.on)", { timeout: TIMEOUT });
  await page.waitForSelector("#ret-run:not([disabled])", { timeout: TIMEOUT });

  // ---- The audit log ----
  await page.locator("#aud-title").scrollIntoViewIfNeeded();
  await page.waitForSelector("#aud-key-value", { timeout: TIMEOUT });
  const key = await api(page, "GetAuditLogPublicKey", { instanceID: id });
  check("compliance: the public key is the instance's", (await page.locator("#aud-key-value").innerText()).trim(), key.publicKey);
  check("compliance: the key is Ed25519's 32 bytes in hex", key.publicKey, (k) => /^[0-9a-f]{64}$/.test(k));
  await page.click("#aud-verify");
  await page.waitForSelector("#aud-verify-result .note", { timeout: 120000 });
  await closeTasks(page);
  check("compliance: the log verifies intact", (await page.locator("#aud-verify-result .note").innerText()).trim(), (t) => /^Intact\. /.test(t));

  // The configuration changes above, one record each (two saves of events and preview, one of
  // preview, legal hold on and off): the filter finds them, the newest says what changed.
  const EVENT = "ComplianceChangeSettings";
  await filterEvent(page, EVENT, TIMEOUT);
  const changes = await page.locator("#aud-table tbody tr").count();
  check("compliance: the filter finds the configuration changes", changes, (n) => n >= 5);
  check("compliance: the newest says legal hold was turned off",
        await page.locator("#aud-table tbody tr").last().innerText(), (s) => s.includes("legal hold turned off"));
  await page.locator("#aud-table").scrollIntoViewIfNeeded();
  await view(page, "i-compliance-audit-filtered");

  // The export with the filter: the file holds the key, those records and the checkpoints.
  await page.click("#aud-export");
  await page.waitForSelector("#aud-download", { timeout: 120000 });
  await closeTasks(page);
  const [download] = await Promise.all([page.waitForEvent("download", { timeout: TIMEOUT }), page.click("#aud-download")]);
  const lines = fs.readFileSync(await download.path(), "utf8").trim().split("\n").map((l) => JSON.parse(l));
  check("compliance: the export's file name", download.suggestedFilename(), (n) => /^audit-.*\.jsonl$/.test(n));
  check("compliance: the export starts with the public key", [lines[0].type, lines[0].publicKey], ["publicKey", key.publicKey]);
  check("compliance: the export holds the filtered entries",
        lines.filter((l) => l.type === "entry").map((l) => l.event), (e) => e.length === changes && e.every((x) => x === EVENT));
  check("compliance: ... and signed checkpoints", lines.filter((l) => l.type === "checkpoint").length, (n) => n >= 1);

  // Everything, 25 a page. With fewer than 26 entries (the tab run alone) more are made: each
  // SetRetentionPolicies of the same list writes a RetentionPoliciesUpdate record.
  const all = await api(page, "GetAuditLog", { instanceID: id, limit: 10000 });
  const policies = await api(page, "GetRetentionPolicies", { instanceID: id });
  check("compliance: the whole log is read (GetAuditLog)", Array.isArray(all), true);
  for (let n = all.length; n < 26; n++) {
    check("compliance: a record made for paging", await api(page, "SetRetentionPolicies", { instanceID: id, config: policies }), null);
  }
  check("compliance: more than 25 entries to page", (await api(page, "GetAuditLog", { instanceID: id, limit: 10000 })).length, (n) => n > 25);
  await page.click("#aud-clear");
  await page.waitForFunction(() => document.querySelector(".aud-entries").getAttribute("aria-busy") === "false" &&
    [...document.querySelectorAll("#aud-table tbody tr")].some((r) => r.dataset.event !== "RetentionPoliciesMessageDelete"),
  null, { timeout: TIMEOUT });
  await page.selectOption("#aud-size", "25");
  await page.waitForFunction(() => document.querySelector(".aud-entries").getAttribute("aria-busy") === "false" &&
    document.querySelectorAll("#aud-table tbody tr").length === 25, null, { timeout: TIMEOUT });
  // (while the page of 25 is read again the buttons wait: wait for Next to be offered)
  check("compliance: a next page is offered",
        await page.waitForSelector("#aud-next:not([disabled])", { timeout: TIMEOUT }).then(() => true, () => false), true);
  const first = await page.locator("#aud-table tbody tr td").first().innerText();
  await page.click("#aud-next");
  await page.waitForFunction((f) => {
    const c = document.querySelector("#aud-table tbody tr td");
    return c && c.textContent.trim() !== f.trim();
  }, first, { timeout: TIMEOUT });
  check("compliance: the second page starts at entry 26", (await page.locator("#aud-range").innerText()).trim(), (t) => /^Entries 26\u2013/.test(t));
  await view(page, "i-compliance-audit");
}

// On a phone, after the Archiving tab's second pass: Run now, after asking, deletes the imported
// messages (here, so that the import's re-run on the phone still finds them all archived before),
// and the audit log holds one record per deleted message.
export async function phone(page, { args, id, check, view, settled, state, TIMEOUT }) {
  await page.waitForSelector("#cmp-hold-state", { timeout: TIMEOUT });
  await settled(page);
  await view(page, "i-compliance-phone");
  await page.locator("#ret-title").scrollIntoViewIfNeeded();
  await policyForm(page, `${row(POLICY)} button.ghost:not(.danger-text)`, {}, TIMEOUT);
  await view(page, "i-compliance-policy-phone");
  await page.keyboard.press("Escape");
  await page.waitForSelector("dialog[open]", { state: "detached", timeout: TIMEOUT });

  await storesToNormal(page, id, check);
  await page.click("#ret-run");
  await page.waitForSelector("dialog[open] [data-confirm]", { timeout: TIMEOUT });
  check("compliance: Run now asks first, saying it cannot be undone", await page.locator("dialog[open]").innerText(),
        (s) => s.includes("cannot be undone"));
  await view(page, "i-compliance-run-confirm-phone");
  await page.click("dialog[open] [data-confirm]");
  await page.waitForSelector("#ret-result .note", { timeout: 120000 });
  await closeTasks(page);
  check("compliance: Run now deleted every expired message", (await page.locator("#ret-result .note").first().innerText()).trim(),
        (s) => s.includes(`${args.imported} deleted`));
  await page.locator("#ret-result").scrollIntoViewIfNeeded();
  await view(page, "i-compliance-run-phone");
  const again = await api(page, "ProcessRetentionPolicies", { instanceID: id, dryRun: true });
  check("compliance: afterwards nothing is left to expire", again.messagesExpired, 0);

  await page.locator("#aud-title").scrollIntoViewIfNeeded();
  await filterEvent(page, "RetentionPoliciesMessageDelete", TIMEOUT);
  check("compliance: one deletion record per deleted message", await page.locator("#aud-table tbody tr").count(), args.imported);
  check("compliance: ... naming the policy", await page.locator("#aud-table tbody tr").first().innerText(), (s) => s.includes(POLICY));
  await page.locator("#aud-table").scrollIntoViewIfNeeded();
  await view(page, "i-compliance-audit-phone");
  await page.click("#aud-verify");
  await page.waitForSelector("#aud-verify-result .note", { timeout: 120000 });
  await closeTasks(page);
  check("compliance: the log still verifies intact after the deletions",
        (await page.locator("#aud-verify-result .note").innerText()).trim(), (t) => /^Intact\. /.test(t));

  // The import given back: the Archiving tab's profile archives it again, so the figures
  // test_console.py reads at the end count it.
  const profiles = await api(page, "GetProfiles", { instanceID: id, raw: true });
  // (state is the phone part's own: without the desktop's name, the instance's only profile.)
  const list = Array.isArray(profiles) ? profiles : [];
  const profile = state.archivingProfile ? list.find((p) => p.name === state.archivingProfile) : list.length === 1 ? list[0] : null;
  check("compliance: the Archiving tab's profile is there to archive the import again", !!profile);
  if (profile) {
    const again = await api(page, "RunProfile", { instanceID: id, id: profile.id });
    check("compliance: the deleted messages are archived again", again && again.itemsArchived, args.imported);
  }
}
