"""Multi-factor login of end users and app passwords (issue 19) with real
processes: InitializeMFA makes a user Pending, the next Web Access login
shows the secret and a valid code makes it Active; then Web Access asks a
code after the password unless the browser is a trusted device (14-day
cookie), a code passes once, IMAP takes only app passwords (and says so),
app passwords are created, listed, used and deleted in Web Access and all
deleted by DeleteAppPasswords, a password change forgets trusted devices
and ends the user's other sessions, DisableMFA turns it off, and every step
is in the instance's audit log. Codes are computed from the secret shown
(tests/e2e/totp.py); the protocol is driven with curl and imaplib. The
browser part is test_web_mfa.py."""
import imaplib
import json
import ssl
import subprocess
import time
import unittest

import audit_log
from harness import Platform
from test_web_access import curl
from totp import Codes

PASSWORD = "Corr3ct-Horse-Battery"
NEW_PASSWORD = "Another-Horse-42"


def tls_context():
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE  # the CAS's self-signed default certificate
    return ctx


def cookies_of(hdrs):
    """name -> the whole Set-Cookie line."""
    return {line.split("=", 1)[0]: line for line in hdrs.get("set-cookie", [])}


class UserMfaTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.p = Platform()
        cls.addClassCleanup(cls.p.stop)
        cls.p.ok("CreateInstance", config={"instanceID": "acme", "instanceHost": "127.0.0.1", "startMode": "manual"})
        cls.p.ok("StartInstances", instanceFilter="acme")
        for user in ("alice", "bob", "carol", "dave"):
            cls.p.ok("CreateUser", instanceID="acme", userName=user, privileges="none", password=PASSWORD,
                     loginPrivileges="web,imap")
        cls.base = "https://127.0.0.1:%d" % cls.p.ports["https"]
        deadline = time.time() + 30
        while curl(cls.base + "/acme/")[0] != 200:  # the CAS learns instances from heartbeats
            if time.time() > deadline:
                raise AssertionError("the CAS never routed to the instance")
            time.sleep(0.5)
        cls.passwords = {u: PASSWORD for u in ("alice", "bob", "carol", "dave")}

    # ------------------------------------------------------------ helpers
    def web(self, op, body=None, session=None, device=None):
        headers = []
        cookies = []
        if session:
            cookies.append(session["cookie"])
            headers.append("X-CSRF-Token: " + session["csrf"])
        if device:
            cookies.append("spe_device=" + device)
        if cookies:
            headers.append("Cookie: " + "; ".join(cookies))
        status, hdrs, raw = curl(self.base + "/acme/api/" + op, data=body or {}, headers=headers)
        return status, hdrs, json.loads(raw or b"{}")

    def password_step(self, user, device=None):
        status, hdrs, body = self.web("login", {"userName": user, "password": self.passwords[user]}, device=device)
        self.assertEqual(status, 200, body)
        return hdrs, body

    def session_from(self, hdrs, body):
        cookie = cookies_of(hdrs)["spe_session"].split(";")[0]
        return {"cookie": cookie, "csrf": body["csrfToken"]}

    def login(self, user, codes=None, trust=False, device=None):
        """A whole Web Access login; returns (session, device token or None)."""
        hdrs, body = self.password_step(user, device)
        if "mfa" in body:
            self.assertIsNotNone(codes, body)
            status, hdrs, body = self.web("loginMfa", {"ticket": body["ticket"], "code": codes.next(),
                                                       "trustDevice": trust})
            self.assertEqual(status, 200, body)
        new_device = cookies_of(hdrs).get("spe_device")
        return self.session_from(hdrs, body), new_device.split(";")[0].split("=", 1)[1] if new_device else None

    def imap_login(self, user, password):
        m = imaplib.IMAP4_SSL("127.0.0.1", self.p.ports["imaps"], ssl_context=tls_context(), timeout=30)
        try:
            m.login("acme/" + user, password)
            return "OK"
        except imaplib.IMAP4.error as e:
            return str(e)
        finally:
            try:
                m.logout()
            except (imaplib.IMAP4.error, OSError):
                pass

    def mfa_status(self, user):
        return self.p.ok("GetUserInfo", instanceID="acme", userName=user)["mfaStatus"]

    # ------------------------------------------------------------ tests
    def test_01_initialize_then_set_up_at_the_next_login(self):
        self.assertEqual(self.mfa_status("alice"), "Disabled")
        self.assertIsNone(self.p.ok("InitializeMFA", instanceID="acme", userName="alice"))
        self.assertEqual(self.mfa_status("alice"), "Pending")
        users = {u["userName"]: u for u in self.p.ok("GetUsers", instanceID="acme")}
        self.assertEqual(users["alice"]["mfaStatus"], "Pending")
        # Pending: IMAP still takes the account password.
        self.assertEqual(self.imap_login("alice", PASSWORD), "OK")

        hdrs, body = self.password_step("alice")
        self.assertEqual(body["mfa"], "setup")
        self.assertNotIn("spe_session", cookies_of(hdrs), "no session before the code")
        self.assertRegex(body["secret"], r"^[A-Z2-7]{32}$")
        self.assertTrue(body["otpauthUri"].startswith("otpauth://totp/"))
        self.assertTrue(body["qrCode"].startswith("data:image/svg+xml;base64,"))
        codes = Codes(body["secret"])
        type(self).alice_codes = codes
        wrong = "%06d" % ((int(codes.next()) + 1) % 1000000)
        status, _, refused = self.web("loginMfa", {"ticket": body["ticket"], "code": wrong})
        self.assertEqual((status, refused["code"]), (401, "wrongMfaCode"))
        status, hdrs, done = self.web("loginMfa", {"ticket": body["ticket"], "code": codes.used(),
                                                   "trustDevice": True})
        self.assertEqual(status, 200, done)
        self.assertEqual(done["userName"], "alice")
        jar = cookies_of(hdrs)
        self.assertIn("spe_session", jar)
        device = jar["spe_device"]
        for attribute in ("Max-Age=1209600", "Path=/acme/", "Secure", "HttpOnly", "SameSite=Strict"):
            self.assertIn(attribute, device)
        type(self).alice_device = device.split(";")[0].split("=", 1)[1]
        self.assertEqual(self.mfa_status("alice"), "Active")
        # The set-up is not shown again, and the ticket was used up.
        _, again = self.password_step("alice")
        self.assertEqual(again["mfa"], "code")
        self.assertNotIn("secret", again)
        status, _, body = self.web("loginMfa", {"ticket": body["ticket"], "code": codes.next()})
        self.assertEqual((status, body["code"]), (401, "mfaTicketExpired"))

    def test_02_a_code_passes_once(self):
        codes = self.alice_codes
        _, first = self.password_step("alice")
        code = codes.next()
        status, _, ok = self.web("loginMfa", {"ticket": first["ticket"], "code": code})
        self.assertEqual(status, 200, ok)
        _, second = self.password_step("alice")
        status, _, replay = self.web("loginMfa", {"ticket": second["ticket"], "code": code})
        self.assertEqual((status, replay["code"]), (401, "wrongMfaCode"))
        self.assertIn("used already", replay["error"])

    def test_03_a_trusted_device_skips_the_code(self):
        hdrs, body = self.password_step("alice", device=self.alice_device)
        self.assertNotIn("mfa", body)
        self.assertIn("spe_session", cookies_of(hdrs))
        _, body = self.password_step("alice", device="0" * 64)
        self.assertEqual(body["mfa"], "code")
        _, body = self.password_step("bob", device=self.alice_device)  # another user's device token
        self.assertNotIn("mfa", body)  # bob has no MFA: nothing to skip
        self.p.ok("InitializeMFA", instanceID="acme", userName="dave")
        _, body = self.password_step("dave", device=self.alice_device)
        self.assertEqual(body["mfa"], "setup", "alice's device is not dave's")

    def test_04_imap_takes_only_app_passwords_with_mfa_on(self):
        refused = self.imap_login("alice", PASSWORD)
        self.assertIn("AUTHENTICATIONFAILED", refused)
        self.assertIn("app password", refused)
        wrong = self.imap_login("alice", "not-the-password")
        self.assertIn("AUTHENTICATIONFAILED", wrong)
        self.assertNotIn("app password", wrong, "no hint without the right password")

        session, _ = self.login("alice", device=self.alice_device)
        status, _, created = self.web("appPasswordCreate", {"name": "Thunderbird"}, session)
        self.assertEqual(status, 200, created)
        self.assertRegex(created["password"], r"^[a-z]{4} [a-z]{4} [a-z]{4} [a-z]{4}$")
        self.assertIsNone(created["lastUsed"])
        self.assertEqual(self.imap_login("alice", created["password"]), "OK")
        self.assertEqual(self.imap_login("alice", created["password"].replace(" ", "").upper()), "OK")
        # And with curl as the mail program: it logs in and lists with the app password (exit 0), and
        # is refused with the account's (67: "login denied").
        for password, code in ((created["password"], 0), (PASSWORD, 67)):
            run = subprocess.run(["curl", "-sk", "--max-time", "30", "--url",
                                  "imaps://127.0.0.1:%d/" % self.p.ports["imaps"], "--user",
                                  "acme/alice:" + password], capture_output=True, text=True)
            self.assertEqual(run.returncode, code, (run.stdout, run.stderr))
        status, _, settings = self.web("settings", {}, session)
        self.assertEqual(status, 200, settings)
        self.assertEqual(settings["mfaStatus"], "Active")
        listed = {a["name"]: a for a in settings["appPasswords"]}
        self.assertRegex(listed["Thunderbird"]["lastUsed"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
        self.assertNotIn("password", listed["Thunderbird"], "shown once only")
        self.assertEqual(self.imap_login("bob", created["password"]).count("AUTHENTICATIONFAILED"), 1)

        status, _, _ = self.web("appPasswordDelete", {"id": created["id"]}, session)
        self.assertEqual(status, 200)
        self.assertIn("AUTHENTICATIONFAILED", self.imap_login("alice", created["password"]))
        status, _, body = self.web("appPasswordDelete", {"id": created["id"]}, session)
        self.assertEqual((status, body["code"]), (404, "noSuchAppPassword"))

        passwords = [self.web("appPasswordCreate", {"name": n}, session)[2]["password"] for n in ("a", "b")]
        self.assertIsNone(self.p.ok("DeleteAppPasswords", instanceID="acme", userName="alice"))
        for password in passwords:
            self.assertIn("AUTHENTICATIONFAILED", self.imap_login("alice", password))
        self.assertEqual(self.web("settings", {}, session)[2]["appPasswords"], [])

    def test_05_users_without_mfa_may_use_either(self):
        session, _ = self.login("bob")
        password = self.web("appPasswordCreate", {"name": "phone"}, session)[2]["password"]
        self.assertEqual(self.imap_login("bob", password), "OK")
        self.assertEqual(self.imap_login("bob", PASSWORD), "OK")
        # App passwords are for mail programs, not for Web Access.
        status, _, body = self.web("login", {"userName": "bob", "password": password})
        self.assertEqual((status, body["code"]), (401, "wrongLogin"))
        self.assertEqual(self.web("logout", {}, session)[0], 200)

    def test_06_a_password_change_forgets_devices_and_ends_other_sessions(self):
        here, _ = self.login("alice", device=self.alice_device)
        elsewhere, _ = self.login("alice", device=self.alice_device)
        status, _, body = self.web("changePassword", {"currentPassword": "wrong", "newPassword": NEW_PASSWORD}, here)
        self.assertEqual((status, body["code"]), (401, "wrongPassword"))
        status, _, body = self.web("changePassword", {"currentPassword": PASSWORD, "newPassword": "short"}, here)
        self.assertEqual((status, body["code"]), (400, "newPasswordInvalid"))
        status, _, body = self.web("changePassword", {"currentPassword": PASSWORD, "newPassword": NEW_PASSWORD}, here)
        self.assertEqual(status, 200, body)
        self.passwords["alice"] = NEW_PASSWORD
        self.assertEqual(self.web("settings", {}, here)[0], 200, "this session goes on")
        self.assertEqual(self.web("settings", {}, elsewhere)[0], 401, "the others end")
        _, body = self.password_step("alice", device=self.alice_device)
        self.assertEqual(body["mfa"], "code", "the device is no longer trusted")

    def test_07_users_set_up_mfa_themselves(self):
        session, _ = self.login("carol")
        status, _, body = self.web("mfaConfirm", {"code": "123456"}, session)
        self.assertEqual((status, body["code"]), (409, "mfaNotBegun"))
        status, _, setup = self.web("mfaBegin", {}, session)
        self.assertEqual(status, 200, setup)
        self.assertEqual(self.mfa_status("carol"), "Disabled", "nothing changes before a code")
        codes = Codes(setup["secret"])
        wrong = "%06d" % ((int(codes.next()) + 7) % 1000000)
        status, _, body = self.web("mfaConfirm", {"code": wrong}, session)
        self.assertEqual((status, body["code"]), (400, "wrongMfaCode"))
        status, _, body = self.web("mfaConfirm", {"code": codes.used()}, session)
        self.assertEqual((status, body), (200, {"mfaStatus": "Active"}))
        self.assertEqual(self.web("settings", {}, session)[2]["mfaStatus"], "Active", "the session goes on")
        self.assertEqual(self.mfa_status("carol"), "Active")
        _, body = self.password_step("carol")
        self.assertEqual(body["mfa"], "code")

    def test_08_disable_mfa(self):
        self.assertIsNone(self.p.ok("DisableMFA", instanceID="acme", userName="carol"))
        self.assertEqual(self.mfa_status("carol"), "Disabled")
        hdrs, body = self.password_step("carol")
        self.assertNotIn("mfa", body)
        self.assertIn("spe_session", cookies_of(hdrs))
        self.assertEqual(self.imap_login("carol", PASSWORD), "OK")
        for function in ("InitializeMFA", "DisableMFA", "DeleteAppPasswords"):
            env = self.p.invoke(function, instanceID="acme", userName="nosuch")
            self.assertEqual(env["statusCode"], "failed", function)
            env = self.p.invoke(function, instanceID="acme", userName="$archiveadmin")
            self.assertEqual(env["statusCode"], "failed", function)

    def test_09_hostile_fields_are_refused_by_name(self):
        for body, field in (({"ticket": 5, "code": "1"}, "ticket"), ({"ticket": "x", "code": ["1"]}, "code"),
                            ({"ticket": "x" * 500, "code": "1"}, "ticket"), ({"ticket": "x", "code": "1" * 100}, "code"),
                            ({"ticket": "x", "code": "1", "trustDevice": "yes"}, "trustDevice")):
            status, _, answer = self.web("loginMfa", body)
            self.assertEqual((status, answer["code"], answer["params"]["field"]), (400, "badField", field), body)
        status, _, answer = self.web("loginMfa", {"ticket": "f" * 64, "code": "123456"})
        self.assertEqual((status, answer["code"]), (401, "mfaTicketExpired"))
        session, _ = self.login("bob")
        for name in ("", " x", "n" * 65, "tab\there", 7):
            status, _, answer = self.web("appPasswordCreate", {"name": name}, session)
            self.assertEqual(status, 400, name)
        for value in ("x", -5, 1.5, None):
            status, _, answer = self.web("appPasswordDelete", {"id": value}, session)
            self.assertIn(status, (400, 404), value)
        status, _, answer = self.web("changePassword", {"currentPassword": PASSWORD, "newPassword": "x" * 300},
                                     session)
        self.assertEqual((status, answer["code"]), (400, "newPasswordInvalid"))
        # Directory users change their password in the directory.
        self.p.ok("SetUserAuthentication", instanceID="acme", userName="bob", authentication="directoryServices")
        status, _, answer = self.web("changePassword", {"currentPassword": PASSWORD, "newPassword": NEW_PASSWORD},
                                     session)
        self.assertEqual((status, answer["code"]), (403, "passwordNotChangeable"))
        self.assertFalse(self.web("settings", {}, session)[2]["canChangePassword"])
        self.p.ok("SetUserAuthentication", instanceID="acme", userName="bob", authentication="integrated")
        # Without the CSRF token nothing of the account changes.
        status, _, _ = curl(self.base + "/acme/api/appPasswordCreate", data={"name": "csrf"},
                            headers=["Cookie: " + session["cookie"]])
        self.assertEqual(status, 403)

    def test_99_every_step_is_in_the_audit_log(self):
        config = self.p.ok("GetInstanceConfiguration", instanceID="acme")
        self.p.ok("StopInstances", instanceFilter="acme")
        entries = audit_log.audit_entries(config["baseDirectory"])
        events = {e["event"] for e in entries}
        out = json.dumps(entries)
        code, report, err = audit_log.verify(config["baseDirectory"])
        self.assertEqual(code, 0, err)
        self.assertTrue(report["intact"], report)
        for event in ("UserInitializeMFA", "UserDisableMFA", "SessionLogin", "SessionLoginFailed",
                      "SessionUnlockWithMfaCode", "SessionTrustDevice", "UserAppPasswordAdd", "UserAppPasswordDelete",
                      "UserSetPassword", "SessionLogout"):
            self.assertIn(event, events, out)


if __name__ == "__main__":
    unittest.main()
