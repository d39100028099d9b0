"""Status reports and notification settings (issue 20) with real processes
and a real SMTP server (smtp_server.py: Debian's aiosmtpd): SendStatusReport
mails a report of the span (runs per profile and user, stores, the largest
archives, jobs) as text and HTML; the HTML holds only the tags of a simple
mail (checked by a parser that allows nothing else) with every value
escaped, and is looked at in Chromium (a screenshot in
tests/e2e/artifacts/status-report/; ./spe setup installs /usr/bin/chromium,
so the test fails without it); a job runs SendStatusReport; refusals name
their argument; Get/SetNotificationSettings switch the notification kinds.
NotificationMailTest wires a notification end to end: an instance whose
host sweeps every second (notificationSweepSeconds) mails its recipients
when an archiving run fails, with only that kind switched on (the
notifier's rules are tested with a fake clock in instance_integration_tests,
NotifierTest)."""
import email
import email.policy
import html.parser
import os
import subprocess
import time
import unittest

import mailgen
import smtp_server as ss
from harness import Platform

IID = "reportco"
CHROMIUM = "/usr/bin/chromium"  # installed by ./spe setup
HERE = os.path.dirname(os.path.abspath(__file__))
ARTIFACTS = os.path.join(HERE, "artifacts", "status-report")
ALLOWED_TAGS = {"html", "head", "meta", "title", "body", "div", "h1", "h2", "p", "br", "ul", "li", "strong",
                "table", "tr", "th", "td"}
ALLOWED_ATTRIBUTES = {"style", "charset", "role", "cellspacing", "cellpadding", "colspan"}


class MailHtmlCheck(html.parser.HTMLParser):
    """Records every tag and attribute outside a simple mail's."""

    def __init__(self):
        super().__init__()
        self.bad = []

    def handle_starttag(self, tag, attrs):
        if tag not in ALLOWED_TAGS:
            self.bad.append(tag)
        for name, value in attrs:
            if name not in ALLOWED_ATTRIBUTES or "url(" in (value or "") or "expression" in (value or ""):
                self.bad.append("%s %s=%r" % (tag, name, value))


@unittest.skipUnless(ss.available(), "python3-aiosmtpd for /usr/bin/python3 is needed (./spe setup)")
class StatusReportTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.s = ss.SmtpServer()
        cls.addClassCleanup(cls.s.stop)
        cls.p = Platform()
        cls.addClassCleanup(cls.p.stop)
        cls.p.ok("CreateInstance", config={"instanceID": IID, "instanceHost": "127.0.0.1", "startMode": "manual"})
        cls.p.ok("StartInstances", instanceFilter=IID)
        cls.p.ok("CreateUser", instanceID=IID, userName="alice", privileges="none")
        src = cls.p.source_dir("alice")
        mailgen.write_eml_tree(src, 6, folders=("Inbox",))
        cls.p.ok("RunTemporaryProfile", instanceID=IID, raw=True, properties={
            "name": "<b>Alice's mail</b>", "connector": "emlDirectory",
            "details": {"path": src, "targetUserFolder": "alice"}})
        env = cls.p.invoke("RunTemporaryProfile", instanceID=IID, raw=True, properties={
            "name": "Broken import", "connector": "emlDirectory",
            "details": {"path": cls.p.source_dir("alice") + "/nosuch", "targetUserFolder": "alice"}})
        assert env["statusCode"] == "failed", env

    def set_smtp(self):
        self.p.ok("SetSmtpSettings", instanceID=IID, settings={
            "hostname": "127.0.0.1", "port": self.s.ports["plain"], "protocol": "SMTP", "authenticationRequired": False,
            "fromDisplayName": "Archive", "fromEmailAddress": "archive@example.com",
            "recipientEmailAddresses": ["ops@example.com"], "timeoutSeconds": 10})

    def report(self, **args):
        before = len(self.s.received())
        self.p.ok("SendStatusReport", instanceID=IID, **args)
        got = self.s.received()
        self.assertEqual(len(got), before + 1, self.s.log())
        return got[-1]

    def failed(self, word, **args):
        env = self.p.invoke("SendStatusReport", instanceID=IID, **args)
        self.assertEqual(env["statusCode"], "failed", env)
        self.assertIn(word, env["error"]["message"])

    def test_01_without_smtp_settings_it_says_so(self):
        self.failed("SMTP", timespan="today", timeZoneId="UTC", recipients="boss@example.com")

    def test_02_the_report_as_text_and_html(self):
        self.set_smtp()
        received = self.report(timespan="today", timeZoneId="UTC", recipients="boss@example.com, cfo@example.org")
        meta, raw = received
        msg = email.message_from_bytes(raw, policy=email.policy.default)
        self.assertEqual(sorted(meta["rcptTos"]), ["boss@example.com", "cfo@example.org"])
        self.assertTrue(msg["Subject"].startswith("Status report %s: Today" % IID), msg["Subject"])
        self.assertIn("need attention", msg["Subject"])  # the failed run
        text = msg.get_body(("plain",)).get_content()
        page = msg.get_body(("html",)).get_content()
        for part in (text, page):
            self.assertIn("Status report of instance " + IID, part)
            self.assertIn("Broken import", part)
            self.assertIn("Largest archives", part)
        self.assertIn("<b>Alice's mail</b> ($archiveadmin): 1 runs, 6 archived", text)
        self.assertRegex(text, r"Largest archives:\r?\n  alice: 6 messages")
        self.assertIn("Needs attention", text)
        self.assertNotIn("<b>Alice", page)
        self.assertIn("&lt;b&gt;Alice&#39;s mail&lt;/b&gt;", page)
        check = MailHtmlCheck()
        check.feed(page)
        self.assertEqual(check.bad, [])
        # Looked at in Chromium.
        os.makedirs(ARTIFACTS, exist_ok=True)
        path = os.path.join(ARTIFACTS, "report.html")
        with open(path, "w", encoding="utf-8") as f:
            f.write(page)
        shot = os.path.join(ARTIFACTS, "report.png")
        if os.path.exists(shot):
            os.remove(shot)  # an earlier run's screenshot proves nothing
        self.assertTrue(os.access(CHROMIUM, os.X_OK), CHROMIUM + " is missing: ./spe setup installs it")
        run = subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                              "--window-size=900,1400", "--screenshot=" + shot, "file://" + path],
                             capture_output=True, timeout=120)
        self.assertTrue(os.path.exists(shot), run.stderr.decode(errors="replace")[-2000:])
        self.assertGreater(os.path.getsize(shot), 5000, "the screenshot shows the report, not an empty page")

    def test_03_spans_and_refusals(self):
        self.set_smtp()
        for span in ("yesterday", "thisweek", "lastweek", "thismonth", "LastMonth"):
            received = self.report(timespan=span, timeZoneId="Europe/Berlin", recipients="")
            self.assertEqual(received[0]["rcptTos"], ["ops@example.com"], "the settings' recipients")
        self.failed("'timespan'", timespan="fortnight", timeZoneId="UTC")
        self.failed("time zone", timespan="today", timeZoneId="Mars/Olympus")
        self.failed("'recipients'", timespan="today", timeZoneId="UTC", recipients="boss@example.com, not an address")

    def test_04_a_job_sends_the_report(self):
        self.set_smtp()
        before = len(self.s.received())
        job = self.p.ok("CreateJob", instanceID=IID, name="Daily report",
                        action="SendStatusReport --timespan=yesterday --timeZoneId=UTC --recipients=boss@example.com",
                        time="07:00")
        started = self.p.ok("RunJobAsync", instanceID=IID, id=job["id"])
        deadline = time.time() + 60
        while len(self.s.received()) == before:
            self.assertLess(time.time(), deadline, self.s.log())
            time.sleep(0.2)
        self.assertEqual(self.s.received()[-1][0]["rcptTos"], ["boss@example.com"])
        self.assertIn("jobResultId", started)

    def test_05_notification_settings(self):
        everything = {"archivingFailed": True, "archivingWarnings": True, "jobFailed": True, "storeError": True,
                      "indexRebuild": True}
        self.assertEqual(self.p.ok("GetNotificationSettings", instanceID=IID), everything)
        self.p.ok("SetNotificationSettings", instanceID=IID, settings={"archivingWarnings": False})
        self.assertEqual(self.p.ok("GetNotificationSettings", instanceID=IID),
                         dict(everything, archivingWarnings=False))
        for bad, word in (({"everything": True}, "'settings.everything'"), ({"jobFailed": "no"}, "'settings.jobFailed'")):
            env = self.p.invoke("SetNotificationSettings", instanceID=IID, settings=bad)
            self.assertEqual(env["statusCode"], "failed", env)
            self.assertIn(word, env["error"]["message"])


NOTIFY_IID = "notifyco"
NO_KIND = {"archivingFailed": False, "archivingWarnings": False, "jobFailed": False, "storeError": False,
           "indexRebuild": False}


@unittest.skipUnless(ss.available(), "python3-aiosmtpd for /usr/bin/python3 is needed (./spe setup)")
class NotificationMailTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.s = ss.SmtpServer()
        cls.addClassCleanup(cls.s.stop)
        # The host's notificationSweepSeconds: the instance looks every second
        # (the default, 5 minutes, is too long for a test).
        cls.p = Platform(instancehost_config={"notificationSweepSeconds": 1})
        cls.addClassCleanup(cls.p.stop)
        cls.p.ok("CreateInstance", config={"instanceID": NOTIFY_IID, "instanceHost": "127.0.0.1",
                                           "startMode": "manual"})
        cls.p.ok("StartInstances", instanceFilter=NOTIFY_IID)

    def ok(self, function, **args):
        return self.p.ok(function, instanceID=NOTIFY_IID, **args)

    def test_a_failed_archiving_run_is_mailed_to_the_recipients(self):
        self.ok("SetSmtpSettings", settings={
            "hostname": "127.0.0.1", "port": self.s.ports["plain"], "protocol": "SMTP",
            "authenticationRequired": False, "fromDisplayName": "Archive", "fromEmailAddress": "archive@example.com",
            "recipientEmailAddresses": ["ops@example.com", "noc@example.org"], "timeoutSeconds": 10})
        self.ok("SetNotificationSettings", settings=dict(NO_KIND, archivingFailed=True))
        self.ok("CreateUser", userName="bob", privileges="none")
        profile = self.ok("CreateProfile", raw=True, properties={
            "name": "Nightly import of bob", "type": "archive", "owner": "$archiveadmin", "connector": "emlDirectory",
            "details": {"path": self.p.source_dir("bob") + "/missing", "targetUserFolder": "bob"}})["id"]
        before = len(self.s.received())
        env = self.p.invoke("RunProfile", instanceID=NOTIFY_IID, id=profile)
        runs = self.ok("GetWorkerResults", timeZoneID="UTC", profileID=profile,
                       fromIncluding="2000-01-01T00:00:00", toExcluding="2100-01-01T00:00:00")
        self.assertEqual([r["result"] for r in runs], ["failed"], env)
        deadline = time.monotonic() + 30
        while len(self.s.received()) == before:
            self.assertLess(time.monotonic(), deadline, "no notification mail: " + self.s.log())
            time.sleep(0.2)
        meta, raw = self.s.received()[before]
        msg = email.message_from_bytes(raw, policy=email.policy.default)
        self.assertEqual(sorted(meta["rcptTos"]), ["noc@example.org", "ops@example.com"])
        self.assertEqual(msg["Subject"], "[%s] archiving failed (1)" % NOTIFY_IID)
        self.assertEqual(msg["From"].addresses[0].addr_spec, "archive@example.com")
        text = msg.get_body(("plain",)).get_content()
        self.assertIn("Instance %s: archiving failed." % NOTIFY_IID, text)
        self.assertIn("Profile 'Nightly import of bob'", text)
        self.assertIn("(run %d, ended " % runs[0]["id"], text)
        self.assertIn(": failed", text)
        # One mail for the one event: the next looks find nothing new, and
        # the kinds switched off send nothing.
        look_until = time.monotonic() + 3
        while time.monotonic() < look_until:
            self.assertEqual(len(self.s.received()), before + 1, self.s.log())
            time.sleep(0.2)


if __name__ == "__main__":
    unittest.main()
