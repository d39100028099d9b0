"""Multi-factor login of system administrators (issue 19) against a real
spe-management: InitializeSystemAdministratorMFA makes an account Pending,
the next console login shows the secret (QR code and text) and a valid code
finishes the set-up (Active); then every console login needs a code after
the password, a code passes once, wrong codes are slowed and locked like
wrong passwords, the API takes only the API password, and
DeactivateSystemAdministratorMFA turns it off. Codes are computed here from
the secret the console showed, with RFC 6238 in Python (hmac, hashlib).
The browser part is test_console_mfa_browser.py."""
import base64
import calendar
import http.client
import json
import time
import unittest

from harness import Platform, insecure_context
from totp import Codes, current_step, totp

USER = "mfa-admin"
PASSWORD = "Mfa-Admin-Pass1"


class ConsoleMfaTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.p = Platform(with_roles=False)
        cls.addClassCleanup(cls.p.stop)
        cls.p.ok("CreateSystemAdministrator", config={"userName": USER}, password=PASSWORD)
        cls.api_password = cls.p.invoke("CreateSystemAdministratorAPIPassword", _user=USER,
                                        _password=PASSWORD)["result"]

    # ------------------------------------------------------------ helpers
    def call(self, method, path, body=None, headers=None, form=None):
        conn = http.client.HTTPSConnection("127.0.0.1", self.p.ports["console"], context=insecure_context(), timeout=60)
        h = dict(headers or {})
        data = None
        if form is not None:
            data = "&".join("%s=%s" % (k, v) for k, v in form.items())
            h["Content-Type"] = "application/x-www-form-urlencoded"
        elif body is not None:
            data = json.dumps(body)
            h["Content-Type"] = "application/json"
        conn.request(method, path, body=data if data is not None else ("" if method == "POST" else None), headers=h)
        res = conn.getresponse()
        raw = res.read()
        out = res.status, {k.lower(): v for k, v in res.getheaders()}, json.loads(raw) if raw else None
        conn.close()
        return out

    def password_step(self, expected_step):
        status, headers, body = self.call("POST", "/console/login", {"userName": USER, "password": PASSWORD})
        self.assertEqual(status, 200, body)
        self.assertNotIn("set-cookie", headers)  # no session before the second step
        self.assertEqual(body["step"], expected_step, body)
        self.assertEqual(len(body["ticket"]), 64)
        self.assertEqual(body["expiresInSeconds"], 300)
        self.assertNotIn("csrfToken", body)
        return body

    def code_step(self, ticket, code):
        return self.call("POST", "/console/login/mfa", {"ticket": ticket, "code": code})

    def session_of(self, headers, body):
        return {"Cookie": headers["set-cookie"].split(";")[0], "X-AntiXsrfToken": body["csrfToken"]}

    def mfa_status(self):
        return [a for a in self.p.ok("GetSystemAdministrators") if a["userName"] == USER][0]["mfaStatus"]

    def api_status(self, password):
        return self.p.request("/api/invoke/Ping", {}, USER, password)

    # ------------------------------------------------------------ tests
    def test_0_the_code_helper_computes_rfc_6238(self):
        secret = base64.b32encode(b"12345678901234567890").decode()
        for unix_time, code in ((59, "94287082"), (1111111109, "07081804"), (1234567890, "89005924"),
                                (2000000000, "69279037"), (20000000000, "65353130")):
            self.assertEqual(totp(secret, unix_time // 30, 8), code)

    def test_1_set_up_at_the_next_login_then_a_code_at_every_login(self):
        self.p.ok("InitializeSystemAdministratorMFA", userName=USER)
        self.assertEqual(self.mfa_status(), "Pending")
        info = [a for a in self.p.ok("GetSystemAdministratorLoginInfo") if a["userName"] == USER][0]
        self.assertEqual((info["mfaStatus"], info["hasApiPassword"]), ("Pending", True))
        self.assertRegex(info["apiPasswordCreated"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
        # Pending: the set-up is not finished, the account password still works on the API.
        self.assertEqual(self.api_status(PASSWORD)[0], 200)

        body = self.password_step("mfaSetupRequired")
        setup = body["setup"]
        secret = setup["secret"]
        self.assertRegex(secret, r"^[A-Z2-7]{32}$")
        self.assertEqual(setup["otpauthUri"], "otpauth://totp/SPE%%20127.0.0.1:%s?secret=%s&issuer=SPE%%20127.0.0.1"
                         "&algorithm=SHA1&digits=6&period=30" % (USER, secret))
        self.assertTrue(setup["qrCode"].startswith("data:image/svg+xml;base64,"))
        svg = base64.b64decode(setup["qrCode"].split(",", 1)[1]).decode()
        self.assertTrue(svg.startswith("<svg xmlns=\"http://www.w3.org/2000/svg\""), svg[:80])
        self.assertNotIn("<script", svg)
        ticket = body["ticket"]
        # The ticket grants nothing but the second step.
        self.assertEqual(self.call("GET", "/console/session", headers={"Cookie": "spe_console=" + ticket})[0], 401)
        self.assertEqual(self.call("POST", "/api/invoke/Ping", form={},
                                   headers={"Cookie": "spe_console=" + ticket, "X-AntiXsrfToken": ticket})[0], 401)
        # Malformed second steps.
        for bad in ({"ticket": ticket}, {"code": "123456"}, {"ticket": 5, "code": "123456"},
                    {"ticket": "x" * 200, "code": "1"}):
            self.assertEqual(self.call("POST", "/console/login/mfa", bad)[0], 400, bad)
        self.assertEqual(self.code_step("0" * 64, "123456")[2]["restart"], True)  # no such ticket

        codes = Codes(secret)
        wrong = "%06d" % ((int(codes.next()) + 1) % 1000000)
        codes.last = None  # that one was not used
        status, headers, refused = self.code_step(ticket, wrong)
        self.assertEqual((status, refused["error"]), (401, "Wrong code."))
        self.assertNotIn("set-cookie", headers)
        self.assertEqual(self.mfa_status(), "Pending")

        status, headers, answer = self.code_step(ticket, codes.next())
        self.assertEqual(status, 200, answer)
        self.assertEqual(answer["userName"], USER)
        session = self.session_of(headers, answer)
        self.assertEqual(self.call("POST", "/api/invoke/Ping", form={}, headers=session)[0], 200)
        self.assertEqual(self.mfa_status(), "Active")
        # The ticket was used.
        status, _, again = self.code_step(ticket, codes.next())
        self.assertEqual((status, again["restart"]), (401, True))
        codes.last -= 1

        # Active: the API takes only the API password, and says so only to the right password.
        status, _, text = self.api_status(PASSWORD)
        self.assertEqual(status, 401)
        self.assertIn(b"accepts only the API password", text)
        status, _, text = self.api_status("Not-The-Pass-9")
        self.assertEqual(status, 401)
        self.assertNotIn(b"API password", text)
        self.assertEqual(self.api_status(self.api_password)[0], 200)

        # The next login asks for a code and shows no secret; a code passes once. The replay is
        # judged only while its step is still inside the server's window of ±1 step (afterwards the
        # code is merely wrong), so a step boundary in between means one more round.
        for _ in range(3):
            body = self.password_step("mfaRequired")
            self.assertNotIn("setup", body)
            status, headers, answer = self.code_step(body["ticket"], codes.next())
            self.assertEqual(status, 200, answer)
            body = self.password_step("mfaRequired")
            status, _, replay = self.code_step(body["ticket"], codes.used())
            self.assertEqual(status, 401)
            if current_step() - 1 <= codes.last:
                self.assertIn("used already", replay["error"])
                break
        else:
            self.fail("three rounds crossed a step boundary")

        # The secret appears in no answer after the set-up and in no log line, nor do the codes.
        everything = json.dumps([self.p.ok("GetSystemAdministrators"), self.p.ok("GetSystemAdministratorLoginInfo"),
                                 self.password_step("mfaRequired")])
        self.assertNotIn(secret, everything)
        log = self.p.log("management")
        self.assertNotIn(secret, log)
        self.assertNotIn(codes.used(), log)
        self.assertIn("console login of '%s' from 127.0.0.1 with a one-time code" % USER, log)
        self.assertIn("multi-factor login of '%s' is active now" % USER, log)
        self.__class__.secret = secret
        self.__class__.codes = codes

    def test_2_wrong_codes_are_slowed_and_locked_like_wrong_passwords(self):
        codes = self.codes
        # The failures so far: one wrong code, one replay. A ticket takes 5 wrong codes at most.
        ticket = self.password_step("mfaRequired")["ticket"]
        wrong = "%06d" % ((int(totp(self.secret, current_step())) + 500000) % 1000000)
        answers = []
        for i in range(5):
            status, _, body = self.code_step(ticket, wrong)
            answers.append((status, body.get("restart", False)))
        self.assertEqual(answers[:4], [(401, False)] * 4)
        self.assertEqual(answers[4], (401, True))  # the password is needed again
        self.assertEqual(self.code_step(ticket, codes.next())[2]["restart"], True)
        codes.last -= 1
        # The sixth failure of this name: its answer is slowed (the address's LoginThrottle), and each
        # failure beyond the five free ones locks the name for longer (1, 2, 4 s, LoginGuard).
        ticket = self.password_step("mfaRequired")["ticket"]
        started = time.time()
        status, _, body = self.code_step(ticket, wrong)
        self.assertEqual(status, 401)
        self.assertGreaterEqual(time.time() - started, 0.9)
        for _ in range(3):
            status, headers, body = self.code_step(ticket, wrong)
            if status == 429:
                break
            self.assertEqual(status, 401, body)
        self.assertEqual(status, 429, body)
        self.assertGreaterEqual(body["retryAfterSeconds"], 1)
        self.assertEqual(headers["retry-after"], str(body["retryAfterSeconds"]))
        # A right password is no way around the lock: a new ticket's code step is locked too (the
        # password itself may pass: a password checked in the last 5 minutes is remembered).
        status, _, body = self.code_step(self.password_step("mfaRequired")["ticket"], wrong)
        self.assertEqual(status, 429, body)
        # Once the lock has passed, the right code gets in (the ticket is still good).
        deadline = time.time() + 70
        while True:
            status, headers, body = self.code_step(ticket, codes.next())
            if status != 429 or time.time() > deadline:
                break
            codes.last -= 1
            time.sleep(0.5)
        self.assertEqual(status, 200, body)

    def test_3_a_new_api_password_is_dated(self):
        before = [a for a in self.p.ok("GetSystemAdministratorLoginInfo") if a["userName"] == USER][0]
        # The time is kept to the second: wait until the clock has left the old one.
        old = calendar.timegm(time.strptime(before["apiPasswordCreated"], "%Y-%m-%dT%H:%M:%SZ"))
        deadline = time.time() + 10
        while int(time.time()) <= old and time.time() < deadline:
            time.sleep(0.05)
        fresh = self.p.invoke("CreateSystemAdministratorAPIPassword", _user=USER, _password=self.api_password)["result"]
        after = [a for a in self.p.ok("GetSystemAdministratorLoginInfo") if a["userName"] == USER][0]
        self.assertGreater(after["apiPasswordCreated"], before["apiPasswordCreated"])
        self.assertEqual(self.api_status(self.api_password)[0], 401)
        self.assertEqual(self.api_status(fresh)[0], 200)
        self.__class__.api_password = fresh

    def test_4_initialize_again_ends_sessions_and_asks_for_a_new_set_up(self):
        codes = self.codes
        body = self.password_step("mfaRequired")
        status, headers, answer = self.code_step(body["ticket"], codes.next())
        self.assertEqual(status, 200, answer)
        session = self.session_of(headers, answer)
        pending_ticket = self.password_step("mfaRequired")["ticket"]
        self.p.ok("InitializeSystemAdministratorMFA", userName=USER)
        self.assertEqual(self.mfa_status(), "Pending")
        # The session and the login under way end: the second factor changed.
        self.assertEqual(self.call("POST", "/api/invoke/Ping", form={}, headers=session)[0], 401)
        status, _, body = self.code_step(pending_ticket, codes.next())
        self.assertEqual((status, body["restart"]), (401, True))
        # A new secret; the old one's codes do not finish the set-up.
        body = self.password_step("mfaSetupRequired")
        self.assertNotEqual(body["setup"]["secret"], self.secret)
        status, _, refused = self.code_step(body["ticket"], codes.next())
        self.assertEqual((status, refused["error"]), (401, "Wrong code."))
        fresh = Codes(body["setup"]["secret"])
        status, _, answer = self.code_step(body["ticket"], fresh.next())
        self.assertEqual(status, 200, answer)
        self.assertEqual(self.mfa_status(), "Active")
        self.__class__.codes = fresh

    def test_5_deactivate_turns_it_off(self):
        status, headers, answer = self.code_step(self.password_step("mfaRequired")["ticket"], self.codes.next())
        self.assertEqual(status, 200, answer)
        session = self.session_of(headers, answer)
        body = self.password_step("mfaRequired")
        self.p.ok("DeactivateSystemAdministratorMFA", userName=USER)
        self.assertEqual(self.mfa_status(), "Disabled")
        # A session goes on (taking a factor away gives it nothing); a login under way starts again.
        self.assertEqual(self.call("POST", "/api/invoke/Ping", form={}, headers=session)[0], 200)
        status, _, answer = self.code_step(body["ticket"], "123456")
        self.assertEqual((status, answer["restart"]), (401, True))
        status, headers, answer = self.call("POST", "/console/login", {"userName": USER, "password": PASSWORD})
        self.assertEqual(status, 200, answer)
        self.assertIn("csrfToken", answer)
        self.assertIn("set-cookie", headers)
        self.assertEqual(self.api_status(PASSWORD)[0], 200)
        self.assertEqual(self.api_status(self.api_password)[0], 200)
        for function in ("InitializeSystemAdministratorMFA", "DeactivateSystemAdministratorMFA"):
            env = self.p.invoke(function, userName="nobody")
            self.assertEqual(env["statusCode"], "failed")
            self.assertIn("no system administrator 'nobody'", env["error"]["message"])
            env = self.p.invoke(function, userName="bad name!")
            self.assertIn("'userName'", env["error"]["message"])


if __name__ == "__main__":
    unittest.main()
