"""SMTP (issue 20) against a real SMTP server started by the test
(smtp_server.py: Debian's aiosmtpd): an instance's Get/Set/TestSmtpSettings
and the Management Server's TestSystemSmtpConfiguration through the
platform's one SMTP client — plain SMTP, STARTTLS, implicit TLS (SMTP-SSL,
and SMTPS, the name older settings may hold, answered as SMTP-SSL), AUTH PLAIN and AUTH LOGIN, a self-signed certificate
refused without ignoreSslPolicyErrors and accepted with it, STARTTLS
required but not offered, a wrong password, a refused recipient named, a
server that never answers (a timeout within the set timeout), nothing
listening; every mail received is parsed with Python's email package and
checked. The passwords are never answered, never in the logs and sealed at
rest (not in the database files), and SetSmtpSettings is audited."""
import email
import email.policy
import json
import os
import time
import unittest

import audit_log
import smtp_server as ss
from harness import Platform, free_port

IID = "smtpco"
SECRET = ss.PASSWORD


@unittest.skipUnless(ss.available(), "python3-aiosmtpd for /usr/bin/python3 is needed (./spe setup)")
class SmtpTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.s = ss.SmtpServer()
        cls.addClassCleanup(cls.s.stop)
        cls.p = Platform()
        cls.addClassCleanup(cls.p.stop)
        cls.p.ok("CreateInstance", config={"instanceID": IID, "instanceHost": "127.0.0.1", "startMode": "manual"})
        cls.p.ok("StartInstances", instanceFilter=IID)

    # ------------------------------------------------------------ helpers
    def settings(self, listener, **over):
        s = {"hostname": "127.0.0.1", "port": self.s.ports[listener], "protocol": "SMTP",
             "ignoreSslPolicyErrors": False, "authenticationRequired": False, "username": "", "password": "",
             "fromDisplayName": "Archiv Müller", "fromEmailAddress": "archive@example.com",
             "recipientEmailAddresses": ["ops@example.com", "Second.Person@example.org"], "timeoutSeconds": 10}
        s.update(over)
        return s

    def auth(self, listener, **over):
        return self.settings(listener, authenticationRequired=True, username=ss.USER, password=SECRET, **over)

    def set(self, settings):
        self.p.ok("SetSmtpSettings", instanceID=IID, settings=settings)

    def sent_ok(self):
        before = len(self.s.received())
        result = self.p.ok("TestSmtpSettings", instanceID=IID)
        got = self.s.received()
        self.assertEqual(len(got), before + 1, self.s.log())
        return result, got[-1]

    def sent_failed(self, step):
        env = self.p.invoke("TestSmtpSettings", instanceID=IID)
        self.assertEqual(env["statusCode"], "failed", env)
        self.assertEqual(env["error"]["details"], step, env["error"])
        return env["error"]["message"]

    def check_mail(self, meta, raw, listener, mechanism=None):
        self.assertEqual(meta["listener"], listener)
        self.assertEqual(meta["mailFrom"], "archive@example.com")
        self.assertEqual(meta["rcptTos"], ["ops@example.com", "Second.Person@example.org"])
        self.assertEqual(meta["mechanism"], mechanism)
        if mechanism:
            self.assertEqual(meta["login"], ss.USER)
        self.assertIn(b"\r\n", raw)
        self.assertNotIn(b"\n", raw.replace(b"\r\n", b""), "a bare LF")
        self.assertTrue(all(len(line) <= 78 for line in raw.split(b"\r\n")), "a line over 78 characters")
        raw.decode("ascii")  # 7-bit
        m = email.message_from_bytes(raw, policy=email.policy.default)
        self.assertEqual(m["From"].addresses[0].display_name, "Archiv Müller")
        self.assertEqual(m["From"].addresses[0].addr_spec, "archive@example.com")
        self.assertEqual([a.addr_spec for a in m["To"].addresses], ["ops@example.com", "Second.Person@example.org"])
        self.assertIn(IID, m["Subject"])
        self.assertTrue(m["Message-ID"].endswith("@example.com>"), m["Message-ID"])
        self.assertIsNotNone(m["Date"].datetime)
        self.assertEqual(m["Auto-Submitted"], "auto-generated")
        self.assertEqual(m.get_content_type(), "text/plain")
        body = m.get_content()
        self.assertIn("archive instance '%s'" % IID, body)
        self.assertIn("127.0.0.1:%d" % self.s.ports[listener], body)
        self.assertNotIn(SECRET, raw.decode("ascii"))
        return m

    # ------------------------------------------------------------ settings
    def test_01_settings_round_trip_password_never_answered(self):
        default = self.p.ok("GetSmtpSettings", instanceID=IID)
        self.assertEqual(default["hostname"], "")
        self.assertIsNone(default["password"])
        s = self.auth("smtps", protocol="SMTP-SSL", ignoreSslPolicyErrors=True)
        self.set(s)
        got = self.p.ok("GetSmtpSettings", instanceID=IID)
        self.assertIsNone(got["password"])
        self.assertEqual(got["protocol"], "SMTP-SSL")  # the product's name
        for k, v in s.items():
            if k not in ("password", "protocol"):
                self.assertEqual(got[k], v, k)
        # null and absent keep the password: the test still logs in.
        self.set({**s, "password": None})
        self.sent_ok()
        s2 = dict(s)
        del s2["password"]
        # SMTPS, the name older settings may hold: accepted, answered as SMTP-SSL
        self.set({**s2, "protocol": "SMTPS"})
        self.assertEqual(self.p.ok("GetSmtpSettings", instanceID=IID)["protocol"], "SMTP-SSL")
        self.set(s2)
        self.sent_ok()
        # "" clears it: the server refuses the login.
        self.set({**s, "password": ""})
        self.assertIn(ss.USER, self.sent_failed("authentication"))
        # every field is checked and named
        for bad, word in [({"port": 0}, "settings.port"), ({"protocol": "FTP"}, "settings.protocol"),
                          ({"hostname": "smtp://x"}, "settings.hostname"),
                          ({"fromEmailAddress": "nobody"}, "settings.fromEmailAddress"),
                          ({"recipientEmailAddresses": ["a@example.com", "b"]}, "settings.recipientEmailAddresses[1]"),
                          ({"authenticationRequired": "yes"}, "settings.authenticationRequired"),
                          ({"timeoutSeconds": 0}, "settings.timeoutSeconds"), ({"extra": 1}, "settings.extra")]:
            env = self.p.invoke("SetSmtpSettings", instanceID=IID, settings={**s, **bad})
            self.assertEqual(env["statusCode"], "failed", bad)
            self.assertIn(word, env["error"]["message"])
        for name in ("management", "instancehost"):
            self.assertNotIn(SECRET, self.p.log(name), name)

    # ------------------------------------------------------------ the protocols
    def test_02_plain_smtp_without_auth(self):
        self.set(self.settings("plain"))
        result, (meta, raw) = self.sent_ok()
        self.assertEqual(result["recipients"], ["ops@example.com", "Second.Person@example.org"])
        self.assertIn("queued as", result["serverReply"])
        m = self.check_mail(meta, raw, "plain")
        self.assertIn(result["messageId"], m["Message-ID"])
        self.assertFalse(meta["tls"])

    def test_03_auth_plain(self):
        self.set(self.auth("plain"))
        _, (meta, raw) = self.sent_ok()
        self.check_mail(meta, raw, "plain", "PLAIN")

    def test_04_auth_login(self):
        self.set(self.auth("login_only"))
        _, (meta, raw) = self.sent_ok()
        self.check_mail(meta, raw, "login_only", "LOGIN")

    def test_05_wrong_password(self):
        self.set(self.settings("login_only", authenticationRequired=True, username=ss.USER, password="wrong"))
        message = self.sent_failed("authentication")
        self.assertIn("535", message)
        self.assertNotIn("wrong", message.replace("'" + ss.USER + "'", ""))

    def test_06_starttls_self_signed_refused_then_accepted(self):
        self.set(self.auth("starttls", protocol="SMTP-TLS"))
        message = self.sent_failed("certificate")
        self.assertIn("ignoreSslPolicyErrors", message)
        self.set(self.auth("starttls", protocol="SMTP-TLS", ignoreSslPolicyErrors=True))
        _, (meta, raw) = self.sent_ok()
        self.check_mail(meta, raw, "starttls", "PLAIN")
        self.assertTrue(meta["tls"])

    def test_07_smtps_self_signed_refused_then_accepted(self):
        self.set(self.auth("smtps", protocol="SMTPS"))
        self.sent_failed("certificate")
        self.set(self.auth("smtps", protocol="SMTP-SSL", ignoreSslPolicyErrors=True))
        _, (meta, raw) = self.sent_ok()
        self.check_mail(meta, raw, "smtps", "PLAIN")
        self.assertTrue(meta["tls"])

    def test_08_starttls_required_but_not_offered(self):
        self.set(self.settings("plain", protocol="SMTP-TLS"))
        self.assertIn("STARTTLS", self.sent_failed("tls"))

    def test_09_refused_recipient_is_named_and_nothing_sent(self):
        self.set(self.settings("plain", recipientEmailAddresses=["ops@example.com", ss.REFUSED]))
        before = len(self.s.received())
        message = self.sent_failed("recipientRefused")
        self.assertIn(ss.REFUSED, message)
        self.assertIn("550", message)
        self.assertEqual(len(self.s.received()), before)

    def test_10_server_that_never_answers_times_out(self):
        self.set(self.settings("silent", timeoutSeconds=2))
        t0 = time.monotonic()
        message = self.sent_failed("timeout")
        elapsed = time.monotonic() - t0
        self.assertLess(elapsed, 8, "the timeout of 2 s took %.1f s" % elapsed)
        self.assertIn("no greeting", message)

    def test_11_nothing_listening(self):
        self.set(self.settings("plain", port=free_port()))
        self.sent_failed("connect")

    def test_12_no_server_set(self):
        self.set({"hostname": ""})
        env = self.p.invoke("TestSmtpSettings", instanceID=IID)
        self.assertEqual(env["statusCode"], "failed")
        self.assertIn("no SMTP settings", env["error"]["message"])

    # ------------------------------------------------------------ the system's
    def test_20_system_smtp_test_and_sealed_password(self):
        p = self.p
        p.ok("SetSystemAdministratorConfiguration",
             config={"userName": "admin", "fullName": "Ada Admin", "emailAddress": "ada@example.net"})
        cfg = {"hostname": "127.0.0.1", "port": self.s.ports["starttls"], "protocol": "SMTP-TLS",
               "ignoreSslPolicyErrors": True, "authenticationRequired": True, "username": ss.USER,
               "password": SECRET, "fromDisplayName": "SPE", "fromEmailAddress": "spe@example.com",
               "recipientSystemAdministrator": ["admin"], "timeoutSeconds": 10}
        p.ok("SetSystemSmtpConfiguration", config=cfg)
        self.assertIsNone(p.ok("GetSystemSmtpConfiguration")["password"])
        before = len(self.s.received())
        result = p.ok("TestSystemSmtpConfiguration")
        self.assertEqual(result["recipients"], [{"userName": "admin", "emailAddress": "ada@example.net"}])
        got = self.s.received()
        self.assertEqual(len(got), before + 1)
        meta, raw = got[-1]
        self.assertEqual((meta["listener"], meta["mechanism"], meta["rcptTos"]),
                         ("starttls", "PLAIN", ["ada@example.net"]))
        m = email.message_from_bytes(raw, policy=email.policy.default)
        self.assertEqual(m["To"].addresses[0].display_name, "Ada Admin")
        self.assertIn("Management Server", m["Subject"])
        # The password is kept when not sent again; the certificate check names its step.
        p.ok("SetSystemSmtpConfiguration", config={k: v for k, v in cfg.items() if k != "password"})
        p.ok("TestSystemSmtpConfiguration")
        # The system's settings name implicit TLS as the instance's do.
        for name in ("SMTP-SSL", "SMTPS"):
            p.ok("SetSystemSmtpConfiguration", config={k: v for k, v in cfg.items() if k != "password"} | {
                "protocol": name, "port": self.s.ports["smtps"]})
            self.assertEqual(p.ok("GetSystemSmtpConfiguration")["protocol"], "SMTP-SSL")
        p.ok("TestSystemSmtpConfiguration")
        self.assertEqual(self.s.received()[-1][0]["listener"], "smtps")
        p.ok("SetSystemSmtpConfiguration", config={k: v for k, v in cfg.items() if k != "password"})
        env = p.invoke("SetSystemSmtpConfiguration", config={**cfg, "ignoreSslPolicyErrors": False})
        self.assertEqual(env["statusCode"], "succeeded")
        env = p.invoke("TestSystemSmtpConfiguration")
        self.assertEqual((env["statusCode"], env["error"]["details"]), ("failed", "certificate"))
        self.assertNotIn(SECRET, p.log("management"))

    # ------------------------------------------------------------ at rest
    def test_99_passwords_sealed_at_rest_and_settings_audited(self):
        self.set(self.auth("plain"))
        config = self.p.ok("GetInstanceConfiguration", instanceID=IID)
        self.p.ok("StopInstances", instanceFilter=IID)
        db = os.path.join(config["baseDirectory"], "MailStoreMaster.fdb")
        secret = SECRET.encode("utf-8")
        for path in (db, self.p.path("management", "management.fdb")):
            with open(path, "rb") as f:
                self.assertNotIn(secret, f.read(), path)
        out = json.dumps([e for e in audit_log.audit_entries(config["baseDirectory"])
                          if e["event"] == "SmtpChangeSettings"])
        with open(os.path.join(config["baseDirectory"], "Audit", "audit.log"), "rb") as f:
            self.assertNotIn(secret, f.read())
        self.assertIn("SmtpChangeSettings", out)
        self.assertIn("(password set)", out)
        self.assertNotIn(SECRET, out)


if __name__ == "__main__":
    unittest.main()
