"""The Management Console in Debian's Chromium (issue 18): Playwright
(browser/console.mjs) logs in to a real platform's console on its own port
and walks every page at 1440x900 and 390x844: a refused login, the
dashboard's health tree, the instance wizard (ID rules as typed) creating an
instance, starting it in the task window, filters, a confirmed Stop, reload
and Back keeping the state, the keyboard, hosts, access servers,
administrators, SMTP settings, the Developer page invoking a function with
its spe-cli and curl lines, German, logout. Screenshots go to
artifacts/console; axe-core must find no violation on any view."""
import os
import time
import unittest

import mailgen
import slapd_directory
import smtp_server

from harness import ADMIN_PASSWORD, Platform, assert_walked_clean, run_browser_scenario

HERE = os.path.dirname(os.path.abspath(__file__))
ARTIFACTS = os.path.join(HERE, "artifacts", "console")
INSTANCE_ARTIFACTS = os.path.join(HERE, "artifacts", "console-instance")
IMPORTED = 12  # messages in the directory the Archiving tab imports


class ConsoleTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        # The figures the charts draw, recorded every 2 s instead of hourly.
        cls.p = Platform(management_config={"statisticsIntervalSeconds": 2})
        cls.addClassCleanup(cls.p.stop)

    def test_every_page_in_chromium(self):
        args = {"url": "https://127.0.0.1:%d/" % self.p.ports["console"], "user": "admin",
                "password": ADMIN_PASSWORD}
        r = run_browser_scenario("console.mjs", args, ARTIFACTS)
        assert_walked_clean(self, r, ARTIFACTS, 20)
        # What the browser did is what the server has.
        instances = self.p.ok("GetInstances", instanceFilter="*")
        self.assertIn("console-e2e", [i["instanceID"] for i in instances])

    def test_instance_pages_in_chromium(self):
        """An instance's page, tab by tab (browser/console_instance.mjs): a
        user made in Users, stores, indexes, an import in Archiving whose
        message count Overview then shows, Archive Access, Jobs, E-mail (with
        a real SMTP server when aiosmtpd is there: the mails that arrived are
        checked here), Live Statistics."""
        iid = "console-tabs"
        self.p.ok("CreateInstance", config={"instanceID": iid, "instanceHost": "127.0.0.1", "startMode": "manual"})
        self.p.ok("StartInstances", instanceFilter=iid)
        source = self.p.source_dir("console-import")
        mailgen.write_eml_tree(source, IMPORTED, folders=("Inbox",))
        args = {"url": "https://127.0.0.1:%d/" % self.p.ports["console"], "user": "admin",
                "password": ADMIN_PASSWORD, "instanceId": iid, "importDir": source, "imported": IMPORTED}
        # A real directory for the Directory tab's Preview and Sync now (slapd_directory.py). The group
        # "other" has two people, both enabled (archive-users has a disabled one, whom the scenario's
        # generic type, with no disabled filter, would create as a third).
        ldap = slapd_directory.SlapdDirectory() if slapd_directory.available() else None
        if ldap:
            self.addCleanup(ldap.stop)
            args["ldap"] = ldap.browser_args("other")
        # A real SMTP server for the E-mail tab's test message and status report (smtp_server.py's
        # plain listener, with its login).
        smtp = smtp_server.SmtpServer() if smtp_server.available() else None
        if smtp:
            self.addCleanup(smtp.stop)
            args["smtp"] = {"host": "127.0.0.1", "port": smtp.ports["plain"], "user": smtp_server.USER,
                            "password": smtp_server.PASSWORD}
        r = run_browser_scenario("console_instance.mjs", args, INSTANCE_ARTIFACTS)
        assert_walked_clean(self, r, INSTANCE_ARTIFACTS, 10)
        if smtp:  # what the E-mail tab sent arrived: the test message, then the status report
            mails = smtp.received()
            self.assertEqual(len(mails), 2, smtp.log())
            (test_meta, _), (report_meta, report) = mails
            self.assertEqual(sorted(test_meta["rcptTos"]), ["it@example.com", "ops@example.com"], test_meta)
            self.assertEqual(test_meta["login"], smtp_server.USER, test_meta)
            self.assertEqual(report_meta["rcptTos"], ["boss@example.com"], report_meta)
            self.assertIn(b"multipart/alternative", report)
        if ldap:  # the users the browser synchronised are the instance's, signing in through the directory
            for name in args["ldap"]["users"]:
                info = self.p.ok("GetUserInfo", instanceID=iid, userName=name)
                self.assertEqual(info["authentication"], "directoryServices", info)
                self.assertEqual(info["distinguishedName"], "uid=%s,%s" % (name, slapd_directory.PEOPLE_DN), info)
        # The figures of the import are recorded for the charts (GetInstanceStatisticsHistory).
        deadline = time.monotonic() + 60
        while True:
            history = self.p.ok("GetInstanceStatisticsHistory", instanceFilter=iid, days=7)
            series = {s["instanceID"]: s for s in history["instances"]}
            if iid in series and series[iid]["numberOfMessages"][-1] == IMPORTED:
                break
            self.assertLess(time.monotonic(), deadline, history)
            time.sleep(0.5)
        self.assertEqual(len(history["days"]), 7)
        self.assertGreater(series[iid]["totalSizeMB"][-1], 0)
        self.assertEqual(self.p.invoke("GetInstanceStatisticsHistory", days=401)["statusCode"], "failed")


if __name__ == "__main__":
    unittest.main()
