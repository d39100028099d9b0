"""Multi-factor login in the Management Console in Debian's Chromium (issue
19; browser/console_mfa.mjs, screenshots in artifacts/console-mfa, axe-core on
every view at 1440x900 and 390x844): set up from Your Settings with the QR
code and the secret shown as text, codes computed by the scenario from that
secret, a replayed code refused, another administrator's MFA initialized and
deactivated on System Administrators, a new secret and turning it off on a
phone. Afterwards the platform has what the browser did."""
import os
import shutil
import subprocess
import unittest
import urllib.parse

from harness import Platform, assert_walked_clean, run_browser_scenario

HERE = os.path.dirname(os.path.abspath(__file__))
ARTIFACTS = os.path.join(HERE, "artifacts", "console-mfa")
USER = "mfa-browser"
OTHER = "mfa-other"
PASSWORD = "Mfa-Browser-Pass1"


class ConsoleMfaBrowserTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.p = Platform(with_roles=False)
        cls.addClassCleanup(cls.p.stop)
        for name in (USER, OTHER):
            cls.p.ok("CreateSystemAdministrator", config={"userName": name}, password=PASSWORD)

    def test_mfa_in_chromium(self):
        args = {"url": "https://127.0.0.1:%d/" % self.p.ports["console"], "user": USER, "password": PASSWORD,
                "other": OTHER}
        r = run_browser_scenario("console_mfa.mjs", args, ARTIFACTS)
        assert_walked_clean(self, r, ARTIFACTS, 16)
        status = {a["userName"]: a for a in self.p.ok("GetSystemAdministratorLoginInfo")}
        self.assertEqual(status[USER]["mfaStatus"], "Disabled")  # turned off on the phone at the end
        self.assertEqual(status[OTHER]["mfaStatus"], "Disabled")
        self.assertTrue(status[USER]["hasApiPassword"])
        self.assertRegex(status[USER]["apiPasswordCreated"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
        # The QR codes as the browser drew them carry the secret shown as text (zbarimg reads the screenshots).
        self.assertEqual(sorted(r["secrets"]), ["d04-set-up-step.png", "p03-set-up-step.png"])
        if shutil.which("zbarimg"):
            for shot, secret in r["secrets"].items():
                out = subprocess.run(["zbarimg", "-q", "--raw", os.path.join(ARTIFACTS, shot)], capture_output=True,
                                     text=True, check=True).stdout.strip()
                uri = urllib.parse.urlparse(out)
                self.assertEqual((uri.scheme, uri.netloc, urllib.parse.unquote(uri.path)), ("otpauth", "totp", "/SPE 127.0.0.1:" + USER))
                query = urllib.parse.parse_qs(uri.query)
                self.assertEqual(query["secret"], [secret], shot)
                self.assertEqual((query["digits"], query["period"], query["algorithm"]), (["6"], ["30"], ["SHA1"]))
        log = self.p.log("management")
        self.assertIn("console login of '%s' from 127.0.0.1 with a one-time code" % USER, log)
        self.assertEqual(log.count("multi-factor login of '%s' is active now" % USER), 2)  # set up twice


if __name__ == "__main__":
    unittest.main()
