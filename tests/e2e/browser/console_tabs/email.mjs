// The E-mail tab of an instance's page (issue 20; docs/configuration.md
// "SMTP"): "Send status report now" refused while the instance has no SMTP
// settings; the SMTP form refusing what the server would (a port of 0, a
// sender that is no address) at the fields; settings saved and read back
// (GetSmtpSettings: every field, the password null and never on the page);
// the test message against a closed port failing with the step named
// (cannot connect), in place; the notification switches saved one by one and
// read back (GetNotificationSettings, and the tab opened anew), as found at
// the end; a report to a typed address that is not one refused at the field.
// With args.smtp ({host, port, user, password}: tests/e2e/smtp_server.py's
// plain listener) the settings then point at a real server: the test message
// and the status report are sent (test_console.py reads what arrived).
// On a phone: the form, the switches and the report at 390 px.
import { consoleApi } from "../console_common.mjs";

const FROM = "archive@example.com";
const RECIPIENTS = ["ops@example.com", "it@example.com"];
const CLOSED_PORT = 1;  // nothing listens on port 1 of the loopback: the connection is refused
const KINDS = ["archivingFailed", "archivingWarnings", "jobFailed", "storeError", "indexRebuild"];

async function api(page, fn, args) {
  const env = await consoleApi(page, fn, args);
  return env.statusCode === "succeeded" ? env.result : { failed: env.error };
}

// What a panel said after its button: "ok: …" or "error: …".
async function outcome(page, box, TIMEOUT) {
  const said = await page.waitForSelector(`${box} .note`, { timeout: TIMEOUT });
  const text = (await (await said.$(".note-text")).innerText()).trim();
  return ((await said.getAttribute("class")).includes("error") ? "error: " : "ok: ") + text;
}

async function sendReport(page, TIMEOUT) {
  await page.click("#eml-report-send");
  await page.waitForSelector("#eml-report-send:not([disabled])", { timeout: TIMEOUT });
  return outcome(page, "#eml-report-result", TIMEOUT);
}

async function saveSmtp(page, TIMEOUT) {
  await page.click("#eml-save");
  await page.waitForSelector("#eml-save:not([disabled])", { timeout: TIMEOUT });
  return outcome(page, "#eml-save-result", TIMEOUT);
}

const field = (name) => `.eml-smtp [name="${name}"]`;

export async function desktop(page, { args, id, check, view, openTab, settled, TIMEOUT }) {
  await page.waitForSelector(".eml-smtp, #eml-not-running", { timeout: TIMEOUT });
  check("email: the instance runs, so its settings are shown", await page.locator("#eml-not-running").count(), 0);
  await settled(page);
  await view(page, "i-email-empty");

  // No SMTP settings yet: the report is refused, saying so.
  await page.locator("#eml-report-send").scrollIntoViewIfNeeded();
  check("email: without SMTP settings the status report is refused", await sendReport(page, TIMEOUT),
        (s) => /^error: .*no SMTP settings/.test(s));

  // What the server would refuse is marked at the fields.
  await page.fill(field("hostname"), "127.0.0.1");
  await page.fill(field("port"), "0");
  await page.fill(field("fromEmailAddress"), "archive");
  await page.click("#eml-save");
  await page.waitForSelector('.eml-smtp [aria-invalid="true"]', { timeout: TIMEOUT });
  const invalid = await page.locator('.eml-smtp [aria-invalid="true"]').evaluateAll((els) => els.map((e) => e.name));
  check("email: a port of 0 and a sender that is no address are marked", invalid, (n) => n.includes("port") && n.includes("fromEmailAddress"));
  await view(page, "i-email-problems");

  // Saved against a closed port, read back.
  await page.fill(field("port"), String(CLOSED_PORT));
  // The product's protocol names: implicit TLS is SMTP-SSL.
  const protocols = await page.locator(field("protocol") + " option").evaluateAll((os) => os.map((o) => o.value));
  check("email: the protocols are SMTP-TLS, SMTP-SSL and SMTP", protocols.join(","), (s) => s === "SMTP-TLS,SMTP-SSL,SMTP");
  await page.selectOption(field("protocol"), "SMTP-SSL");
  await page.selectOption(field("protocol"), "SMTP");
  check("email: plain SMTP is warned about", await page.locator(".eml-smtp .note.warn").first().innerText(), (s) => s.length > 0);
  await page.fill(field("timeoutSeconds"), "5");
  await page.fill(field("fromDisplayName"), "Archive e2e");
  await page.fill(field("fromEmailAddress"), FROM);
  await page.fill(field("recipients"), RECIPIENTS.join("\n"));
  await page.check("#eml-auth");
  await page.fill(field("username"), "mailer@example.com");
  const secret = "Never-On-The-Page-7";
  await page.fill(field("password"), secret);
  check("email: saved", await saveSmtp(page, TIMEOUT), (s) => /^ok: /.test(s));
  const stored = await api(page, "GetSmtpSettings", { instanceID: id });
  check("email: the server has the settings as typed",
        [stored.hostname, stored.port, stored.protocol, stored.timeoutSeconds, stored.fromDisplayName, stored.fromEmailAddress,
         stored.recipientEmailAddresses, stored.authenticationRequired, stored.username, stored.password],
        ["127.0.0.1", CLOSED_PORT, "SMTP", 5, "Archive e2e", FROM, RECIPIENTS, true, "mailer@example.com", null]);
  await openTab(page, "overview");
  await openTab(page, "email");
  await page.waitForSelector(field("hostname"), { timeout: TIMEOUT });
  check("email: the tab opened anew shows the saved settings",
        [await page.inputValue(field("hostname")), await page.inputValue(field("port")), await page.inputValue(field("recipients"))],
        ["127.0.0.1", String(CLOSED_PORT), RECIPIENTS.join("\n")]);
  check("email: the password is not on the page", [await page.inputValue(field("password")), (await page.content()).includes(secret)], ["", false]);

  // The test message against the closed port: the step is named, in place.
  await page.click("#eml-test");
  await page.waitForSelector("#eml-test:not([disabled])", { timeout: TIMEOUT });
  check("email: the test names the failed step", await outcome(page, "#eml-test-result", TIMEOUT), (s) => /^error: SMTP connect: cannot connect to 127\.0\.0\.1:1\b/.test(s));
  await page.locator("#eml-test-result").scrollIntoViewIfNeeded();
  await view(page, "i-email-test-failed");

  // Notifications: each switch saved and read back; as found at the end.
  await page.waitForSelector(".eml-switches input", { timeout: TIMEOUT });
  const before = await api(page, "GetNotificationSettings", { instanceID: id });
  check("email: a switch per kind, as the server has them",
        await Promise.all(KINDS.map((k) => page.isChecked("#eml-notify-" + k))), KINDS.map((k) => before[k] === true));
  for (const k of ["archivingWarnings", "indexRebuild"]) {
    await page.click("#eml-notify-" + k);
    await page.waitForSelector(`#eml-notify-${k}:not([disabled])`, { timeout: TIMEOUT });
    check(`email: switching ${k} is confirmed`, await outcome(page, "#eml-notify-result", TIMEOUT), (s) => /^ok: Mails for/.test(s));
  }
  const flipped = await api(page, "GetNotificationSettings", { instanceID: id });
  check("email: the two switches changed on the server, the others not", KINDS.map((k) => flipped[k]),
        KINDS.map((k) => (k === "archivingWarnings" || k === "indexRebuild" ? !before[k] : before[k])));
  await page.locator(".eml-notify").scrollIntoViewIfNeeded();
  await view(page, "i-email-notifications");
  await openTab(page, "overview");
  await openTab(page, "email");
  await page.waitForSelector(".eml-switches input", { timeout: TIMEOUT });
  check("email: the switches read back from the server", await Promise.all(KINDS.map((k) => page.isChecked("#eml-notify-" + k))),
        KINDS.map((k) => flipped[k]));
  for (const k of ["archivingWarnings", "indexRebuild"]) {
    await page.click("#eml-notify-" + k);
    await page.waitForSelector(`#eml-notify-${k}:not([disabled])`, { timeout: TIMEOUT });
  }
  const after = await api(page, "GetNotificationSettings", { instanceID: id });
  check("email: the notifications as found", KINDS.map((k) => after[k]), KINDS.map((k) => before[k]));

  // The status report: a typed address that is not one; the closed port.
  await page.locator(".eml-report").scrollIntoViewIfNeeded();
  const spans = await page.locator(".eml-report [name=timespan] option").evaluateAll((o) => o.map((x) => x.value));
  check("email: the report's time spans", spans, ["today", "yesterday", "thisweek", "lastweek", "thismonth", "lastmonth"]);
  check("email: time zones to choose from", await page.locator(".eml-report [name=timeZoneId] option").count(), (n) => n > 100);
  check("email: the hint names the SMTP settings' recipients", await page.locator(".eml-report .hint").last().innerText(),
        (s) => RECIPIENTS.every((r) => s.includes(r)));
  await page.fill(".eml-report [name=reportRecipients]", "boss@example.com, nobody");
  await page.click("#eml-report-send");
  check("email: a recipient that is no address is marked", await page.locator(".eml-report .problem").innerText(), (s) => /not an e-mail address/.test(s));
  await page.fill(".eml-report [name=reportRecipients]", "");
  await page.selectOption(".eml-report [name=timespan]", "lastweek");
  await page.selectOption(".eml-report [name=timeZoneId]", "Europe/Berlin");
  check("email: the report through a closed port fails naming it", await sendReport(page, TIMEOUT), (s) => /^error: .*cannot connect/.test(s));
  await view(page, "i-email-report-failed");

  if (!args.smtp) return;
  // A real server (smtp_server.py): the test message and the report arrive.
  await page.locator(".eml-smtp").scrollIntoViewIfNeeded();
  await page.fill(field("hostname"), args.smtp.host);
  await page.fill(field("port"), String(args.smtp.port));
  await page.fill(field("username"), args.smtp.user);
  await page.fill(field("password"), args.smtp.password);
  check("email: saved for the real server", await saveSmtp(page, TIMEOUT), (s) => /^ok: /.test(s));
  await page.click("#eml-test");
  await page.waitForSelector("#eml-test:not([disabled])", { timeout: TIMEOUT });
  check("email: the test message was sent, naming the recipients", await outcome(page, "#eml-test-result", TIMEOUT),
        (s) => s.startsWith("ok: ") && RECIPIENTS.every((r) => s.includes(r)));
  await page.locator("#eml-test-result").scrollIntoViewIfNeeded();
  await view(page, "i-email-test-sent");
  await page.locator(".eml-report").scrollIntoViewIfNeeded();
  await page.fill(".eml-report [name=reportRecipients]", "boss@example.com");
  check("email: the status report was sent", await sendReport(page, TIMEOUT),
        (s) => /^ok: The status report \(Last week\) was sent to boss@example\.com\.$/.test(s));
  await view(page, "i-email-report-sent");
}

export async function phone(page, { view, settled, TIMEOUT }) {
  await page.waitForSelector(".eml-smtp", { timeout: TIMEOUT });
  await settled(page);
  await view(page, "i-email-phone");
  await page.locator(".eml-notify").scrollIntoViewIfNeeded();
  await view(page, "i-email-notifications-phone");
  await page.locator(".eml-report").scrollIntoViewIfNeeded();
  await view(page, "i-email-report-phone");
}
