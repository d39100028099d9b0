import test from "node:test";
import assert from "node:assert/strict";
import { SMTP_PROTOCOLS, recipientList, smtpFormOf, smtpProblems, smtpProtocolOf, smtpSettingsOf } from "../src/email.js";

const stored = {
  hostname: "mail.example.com", port: 465, protocol: "SMTP-SSL", ignoreSslPolicyErrors: false,
  authenticationRequired: true, username: "u@example.com", password: null, fromDisplayName: "Archive",
  fromEmailAddress: "archive@example.com", recipientEmailAddresses: ["a@example.com", "b@example.com"], timeoutSeconds: 30,
};

test("a stored setting round-trips without a password", () => {
  const f = smtpFormOf(stored);
  assert.equal(f.password, "");
  assert.equal(f.recipients, "a@example.com\nb@example.com");
  const s = smtpSettingsOf(f);
  assert.equal("password" in s, false, "an empty password is left out: the stored one stays");
  const { password, ...rest } = stored;
  assert.deepEqual(s, rest);
});

test("a typed password is sent, 'clear' sends an empty one", () => {
  const f = smtpFormOf(stored);
  assert.equal(smtpSettingsOf({ ...f, password: "pw" }).password, "pw");
  assert.equal(smtpSettingsOf({ ...f, password: "pw", clearPassword: true }).password, "");
});

test("defaults for nothing stored, an older SMTPS read as SMTP-SSL", () => {
  const f = smtpFormOf({ hostname: "", password: null });
  assert.equal(f.port, "587");
  assert.equal(f.protocol, "SMTP-TLS");
  assert.deepEqual(smtpProblems(f), {});
  assert.equal(smtpFormOf({ protocol: "SMTPS" }).protocol, "SMTP-SSL");
  assert.equal(smtpFormOf({ protocol: "SMTP-SSL" }).protocol, "SMTP-SSL");
  assert.deepEqual(SMTP_PROTOCOLS, ["SMTP-TLS", "SMTP-SSL", "SMTP"], "the product's names");
  assert.equal(smtpProtocolOf("SMTPS"), "SMTP-SSL");
  assert.equal(smtpProtocolOf("bogus"), "SMTP-TLS");
});

test("recipients by line, comma or semicolon", () => {
  assert.deepEqual(recipientList(" a@x.org,\nb@y.org ; c@z.org\n\n"), ["a@x.org", "b@y.org", "c@z.org"]);
});

test("problems name the fields the server would refuse", () => {
  const f = smtpFormOf(stored);
  assert.deepEqual(smtpProblems(f), {});
  assert.equal(smtpProblems({ ...f, port: "0" }).port, "portInvalid");
  assert.equal(smtpProblems({ ...f, hostname: "smtp://x" }).hostname, "hostInvalid");
  assert.equal(smtpProblems({ ...f, fromEmailAddress: "" }).fromEmailAddress, "fromMissing");
  assert.equal(smtpProblems({ ...f, fromEmailAddress: "nobody" }).fromEmailAddress, "addressInvalid");
  assert.equal(smtpProblems({ ...f, recipients: "a@example.com\nbad" }).recipients, "addressInvalid");
  assert.equal(smtpProblems({ ...f, username: "" }).username, "userMissing");
  assert.equal(smtpProblems({ ...f, timeoutSeconds: "301" }).timeoutSeconds, "timeoutInvalid");
  const many = Array.from({ length: 21 }, (_, i) => `r${i}@example.com`).join("\n");
  assert.equal(smtpProblems({ ...f, recipients: many }).recipients, "tooManyRecipients");
});

test("notification settings: every kind, as booleans", async () => {
  const { NOTIFICATION_KINDS, notificationsOf } = await import("../src/email.js");
  assert.deepEqual(NOTIFICATION_KINDS, ["archivingFailed", "archivingWarnings", "jobFailed", "storeError", "indexRebuild"]);
  assert.deepEqual(notificationsOf({ archivingFailed: true, jobFailed: false, other: true }),
                   { archivingFailed: true, archivingWarnings: false, jobFailed: false, storeError: false, indexRebuild: false });
  assert.deepEqual(Object.values(notificationsOf(null)), [false, false, false, false, false]);
});

test("status report: arguments, the SMTP settings' recipients when none are typed", async () => {
  const { reportArgs } = await import("../src/email.js");
  assert.deepEqual(reportArgs("i1", { timespan: "yesterday", timeZoneId: "", recipients: " " }).args,
                   { instanceID: "i1", timespan: "yesterday", timeZoneId: "$Local" });
  assert.deepEqual(reportArgs("i1", { timespan: "lastweek", timeZoneId: "Europe/Berlin", recipients: "a@x.org\nb@y.org" }).args,
                   { instanceID: "i1", timespan: "lastweek", timeZoneId: "Europe/Berlin", recipients: "a@x.org, b@y.org" });
  assert.equal(reportArgs("i1", { timespan: "today", recipients: "a@x.org, nope" }).problem, "addressInvalid");
  const many = Array.from({ length: 51 }, (_, i) => `r${i}@example.com`).join(",");
  assert.equal(reportArgs("i1", { timespan: "today", recipients: many }).problem, "tooManyReportRecipients");
});
