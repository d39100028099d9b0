"""The Management Console in Debian's Chromium (issue 18): Playwright
(browser/console.mjs) logs in to a real platform's console on its own port
and walks every page at 1440x900 and 390x844: a refused login, the
dashboard's health tree, the instance wizard (ID rules as typed) creating an
instance, starting it in the task window, filters, a confirmed Stop, reload
and Back keeping the state, the keyboard, hosts, access servers,
administrators, SMTP settings, the Developer page invoking a function with
its spe-cli and curl lines, German, logout. Screenshots go to
artifacts/console; axe-core must find no violation on any view."""
import json
import os
import shutil
import subprocess
import unittest

from harness import ADMIN_PASSWORD, Platform

HERE = os.path.dirname(os.path.abspath(__file__))
ARTIFACTS = os.path.join(HERE, "artifacts", "console")


class ConsoleTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.p = Platform()
        cls.addClassCleanup(cls.p.stop)

    def test_every_page_in_chromium(self):
        shutil.rmtree(ARTIFACTS, ignore_errors=True)
        os.makedirs(ARTIFACTS)
        args = {"url": "https://127.0.0.1:%d/" % self.p.ports["console"], "user": "admin",
                "password": ADMIN_PASSWORD, "shots": ARTIFACTS}
        out = subprocess.run(["node", os.path.join(HERE, "browser", "console.mjs"), json.dumps(args)],
                             capture_output=True, text=True, timeout=900)
        self.assertEqual(out.returncode, 0, out.stderr[-3000:])
        r = json.loads(out.stdout.strip().splitlines()[-1])
        with open(os.path.join(ARTIFACTS, "result.json"), "w") as f:
            json.dump(r, f, indent=1)
        self.assertTrue(r.get("ok"), r.get("error"))
        failed = {name: value for name, value in r["checks"].items() if value is not True}
        self.assertEqual(failed, {})
        self.assertEqual({view: v for view, v in r["axe"].items() if v}, {})  # no violation on any view
        self.assertGreaterEqual(len(r["axe"]), 20)
        for name in r["shots"]:
            self.assertGreater(os.path.getsize(os.path.join(ARTIFACTS, name)), 5000, name)
        # What the browser did is what the server has.
        instances = self.p.ok("GetInstances", instanceFilter="*")
        self.assertIn("console-e2e", [i["instanceID"] for i in instances])


if __name__ == "__main__":
    unittest.main()
