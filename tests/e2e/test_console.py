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
import unittest

from harness import ADMIN_PASSWORD, Platform, assert_walked_clean, run_browser_scenario

HERE = os.path.dirname(os.path.abspath(__file__))
ARTIFACTS = os.path.join(HERE, "artifacts", "console")


class ConsoleTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.p = Platform()
        cls.addClassCleanup(cls.p.stop)

    def test_every_page_in_chromium(self):
        args = {"url": "https://127.0.0.1:%d/" % self.p.ports["console"], "user": "admin",
                "password": ADMIN_PASSWORD}
        r = run_browser_scenario("console.mjs", args, ARTIFACTS)
        assert_walked_clean(self, r, ARTIFACTS, 20)
        # What the browser did is what the server has.
        instances = self.p.ok("GetInstances", instanceFilter="*")
        self.assertIn("console-e2e", [i["instanceID"] for i in instances])


if __name__ == "__main__":
    unittest.main()
