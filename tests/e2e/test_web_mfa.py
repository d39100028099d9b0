"""Web Access with multi-factor login, trusted devices, app passwords and the
Settings page (issue 19), with real processes: Debian's Chromium
(browser/web_mfa.mjs, in three parts; screenshots at 1366x768 and 390x844 in
artifacts/web-mfa/, axe-core on each) and Python's imaplib through the CAS
between them. InitializeMFA -> the set-up step at the login (the key read
from the page, codes computed from it), "trust this device"; the trusted
browser logs in without a code, another one needs a code and a replayed code
is refused; Settings: set up again, an app password shown once; IMAP takes
the app password and refuses the account password with the hint; deleted ->
refused; the password changed (the trusted browser asks for a code again);
DisableMFA -> the login without a code, IMAP with the password."""
import imaplib
import os
import shutil
import subprocess
import time
import unittest
import urllib.parse

import mailgen
from harness import Platform, assert_walked_clean, run_browser_scenario
from test_imap_access import tls_context
from test_web_access import curl

HERE = os.path.dirname(os.path.abspath(__file__))
ARTIFACTS = os.path.join(HERE, "artifacts", "web-mfa")
IID = "acme"
USER = "mia"
PASSWORD = "Mia-First-Pass1"
NEW_PASSWORD = "Mia-Second-Pass2"
HINT = "Multi-factor login is on for this user: log in with an app password (Web Access, Settings)."


class WebMfaTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.p = Platform()
        cls.addClassCleanup(cls.p.stop)
        cls.p.ok("CreateInstance", config={"instanceID": IID, "instanceHost": "127.0.0.1", "startMode": "manual"})
        cls.p.ok("StartInstances", instanceFilter=IID)
        cls.p.ok("CreateUser", instanceID=IID, userName=USER, privileges="none", password=PASSWORD,
                 loginPrivileges="web,imap")
        src = cls.p.source_dir("mia")
        mailgen.write_eml_tree(src, 12, folders=("Inbox",))
        r = cls.p.ok("RunTemporaryProfile", instanceID=IID, raw=True, properties={
            "name": USER, "connector": "emlDirectory", "details": {"path": src, "targetUserFolder": USER}})
        assert r["itemsArchived"] > 0, r
        cls.base = "https://127.0.0.1:%d" % cls.p.ports["https"]
        deadline = time.time() + 60
        while curl(cls.base + "/%s/" % IID)[0] != 200:
            if time.time() > deadline:
                raise AssertionError("the CAS never routed to the instance")
            time.sleep(0.5)
        cls.state = os.path.join(ARTIFACTS, "state")

    def imap_login(self, password):
        """The IMAP answer to a login through the CAS: "OK" or the refusal's text."""
        m = imaplib.IMAP4_SSL("127.0.0.1", self.p.ports["imaps"], ssl_context=tls_context(), timeout=30)
        try:
            typ, _ = m.login("%s/%s" % (IID, USER), password)
            m.select("Inbox", readonly=True)
            m.logout()
            return typ
        except imaplib.IMAP4.error as e:
            m.shutdown()
            return str(e)

    def browser(self, part, **extra):
        args = dict({"url": "%s/%s/" % (self.base, IID), "user": USER, "password": PASSWORD,
                     "newPassword": NEW_PASSWORD, "part": part, "state": self.state}, **extra)
        shots = os.path.join(ARTIFACTS, part)
        r = run_browser_scenario("web_mfa.mjs", args, shots)
        return r, shots

    def test_mfa_app_passwords_settings(self):
        shutil.rmtree(ARTIFACTS, ignore_errors=True)
        os.makedirs(self.state)
        self.assertEqual(self.imap_login(PASSWORD), "OK")  # without MFA: the password
        self.p.ok("InitializeMFA", instanceID=IID, userName=USER)
        users = {u["userName"]: u for u in self.p.ok("GetUsers", instanceID=IID)}
        self.assertEqual(users[USER]["mfaStatus"], "Pending")

        r, shots = self.browser("setup")
        assert_walked_clean(self, r, shots, 16)
        self.assertEqual(self.p.ok("GetUserInfo", instanceID=IID, userName=USER)["mfaStatus"], "Active")
        self.check_qr_codes(r, shots)
        app_password = r["appPassword"]

        # IMAP: the app password (as shown, and without its spaces); the account password refused with the hint.
        self.assertEqual(self.imap_login(app_password), "OK")
        self.assertEqual(self.imap_login(app_password.replace(" ", "")), "OK")
        refusal = self.imap_login(PASSWORD)
        self.assertIn("[AUTHENTICATIONFAILED]", refusal)
        self.assertIn(HINT, refusal)
        self.assertNotEqual(self.imap_login("not-the-password"), "OK")

        r, shots = self.browser("change", secret=r["secret"], lastStep=r["lastStep"])
        assert_walked_clean(self, r, shots, 8)
        self.assertNotEqual(self.imap_login(app_password), "OK")  # deleted
        self.assertIn(HINT, self.imap_login(NEW_PASSWORD))  # MFA still on: the new password is refused too

        self.p.ok("DisableMFA", instanceID=IID, userName=USER)
        self.assertEqual(self.p.ok("GetUserInfo", instanceID=IID, userName=USER)["mfaStatus"], "Disabled")
        r, shots = self.browser("final")
        assert_walked_clean(self, r, shots, 4)
        self.assertEqual(self.imap_login(NEW_PASSWORD), "OK")  # without MFA: the password again
        self.assertNotEqual(self.imap_login(PASSWORD), "OK")

    def check_qr_codes(self, r, shots):
        """The QR codes as Chromium drew them carry the key the page showed as text."""
        self.assertEqual(sorted(r["secrets"]), ["d-01-setup-step.png", "d-06-settings-mfa-setup.png"])
        if not shutil.which("zbarimg"):
            return
        for shot, secret in r["secrets"].items():
            out = subprocess.run(["zbarimg", "-q", "--raw", os.path.join(shots, shot)], capture_output=True,
                                 text=True, check=True).stdout.strip()
            uri = urllib.parse.urlparse(out)
            self.assertEqual((uri.scheme, uri.netloc), ("otpauth", "totp"), out)
            self.assertIn(USER, urllib.parse.unquote(uri.path))
            query = urllib.parse.parse_qs(uri.query)
            self.assertEqual(query["secret"], [secret], shot)


if __name__ == "__main__":
    unittest.main()
