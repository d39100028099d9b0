"""The Management Console's back end on its own port (issue 18), against a
real spe-management: login with a system administrator's password only, a
session cookie (Secure, HttpOnly, SameSite=Strict) and a CSRF token that
every call must present, the Management API's own dispatcher behind the
session, logout, the application's files with a strict Content-Security-
Policy and nothing else from the disk."""
import http.client
import json
import os
import unittest

from harness import ADMIN_PASSWORD, Platform, insecure_context

PASSWORD = "Corr3ct-Horse-Battery"


class ConsoleApiTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.p = Platform(with_roles=False)
        cls.addClassCleanup(cls.p.stop)
        web = cls.p.path("console-web")
        os.makedirs(os.path.join(web, "assets"))
        with open(os.path.join(web, "index.html"), "w") as f:
            f.write("<!doctype html><title>console</title><script src=/assets/app.js></script>")
        with open(os.path.join(web, "assets", "app.js"), "w") as f:
            f.write("console.log('app');")
        with open(os.path.join(web, ".hidden"), "w") as f:
            f.write("secret")
        os.symlink(cls.p.conf["management"], os.path.join(web, "assets", "link.json"))
        cls.p.reconfigure("management", consoleDirectory=web)
        cls.p.ok("CreateSystemAdministrator", config={"userName": "operator"}, password=PASSWORD)

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
        out = res.status, {k.lower(): v for k, v in res.getheaders()}, res.read()
        conn.close()
        return out

    def login(self, user="operator", password=PASSWORD):
        status, headers, body = self.call("POST", "/console/login", {"userName": user, "password": password})
        self.assertEqual(status, 200, body)
        cookie = headers["set-cookie"]
        return cookie.split(";")[0], json.loads(body)["csrfToken"], cookie

    def test_1_login_sets_a_strict_cookie_and_answers_the_csrf_token(self):
        token, csrf, cookie = self.login()
        for flag in ("Secure", "HttpOnly", "SameSite=Strict", "Path=/"):
            self.assertIn(flag, cookie)
        self.assertEqual(len(csrf), 64)
        status, _, body = self.call("GET", "/console/session", headers={"Cookie": token})
        self.assertEqual(status, 200)
        self.assertEqual(json.loads(body), {"userName": "operator", "csrfToken": csrf, "apiPort": self.p.ports["api"]})

    def test_2_wrong_passwords_and_other_accounts_are_refused(self):
        for user, password in (("operator", "wrong-password"), ("nobody", PASSWORD), ("", ""), ("operator", "")):
            status, headers, body = self.call("POST", "/console/login", {"userName": user, "password": password})
            self.assertEqual(status, 401, (user, body))
            self.assertNotIn("set-cookie", headers)
        for bad in ("not json", [], {"userName": 5, "password": "x"}, {"userName": "operator"},
                    {"userName": "x" * 300, "password": "x"}):
            status, _, body = self.call("POST", "/console/login", bad)
            self.assertEqual(status, 400, (bad, body))
            self.assertIn("error", json.loads(body))
        # The API password is for the API, not the console.
        env = self.p.invoke("CreateSystemAdministratorAPIPassword", _user="operator", _password=PASSWORD)
        api_password = env["result"]
        self.assertEqual(self.p.invoke("GetEnvironmentInfo", _user="operator", _password=api_password)["statusCode"],
                         "succeeded")
        status, _, _ = self.call("POST", "/console/login", {"userName": "operator", "password": api_password})
        self.assertEqual(status, 401)

    def test_2b_another_site_cannot_log_a_browser_in(self):
        body = json.dumps({"userName": "operator", "password": PASSWORD})
        for headers in ({"Content-Type": "text/plain"}, {"Content-Type": "application/x-www-form-urlencoded"},
                        {"Content-Type": "application/json", "Origin": "https://evil.example"},
                        {"Content-Type": "application/json",
                         "Origin": "https://127.0.0.1:%d.evil.example" % self.p.ports["console"]}):
            conn = http.client.HTTPSConnection("127.0.0.1", self.p.ports["console"], context=insecure_context())
            conn.request("POST", "/console/login", body=body, headers=headers)
            res = conn.getresponse()
            self.assertEqual(res.status, 403, headers)
            self.assertIsNone(res.getheader("Set-Cookie"))
            conn.close()
        conn = http.client.HTTPSConnection("127.0.0.1", self.p.ports["console"], context=insecure_context())
        conn.request("POST", "/console/login", body=body, headers={
            "Content-Type": "application/json; charset=utf-8",
            "Origin": "https://127.0.0.1:%d" % self.p.ports["console"]})
        self.assertEqual(conn.getresponse().status, 200)
        conn.close()

    def test_3_every_call_needs_the_session_and_its_csrf_token(self):
        token, csrf, _ = self.login()
        paths = (("POST", "/api/invoke/GetEnvironmentInfo"), ("GET", "/api/get-metadata"), ("POST", "/console/logout"))
        for method, path in paths:
            status, _, _ = self.call(method, path, form={})
            self.assertEqual(status, 401, path)  # no cookie
            status, _, _ = self.call(method, path, form={}, headers={"Cookie": token})
            self.assertEqual(status, 403, path)  # no CSRF header
            status, _, _ = self.call(method, path, form={}, headers={"Cookie": token, "X-AntiXsrfToken": csrf[:-1] + "0"})
            self.assertEqual(status, 403, path)
            status, _, _ = self.call(method, path, form={}, headers={"Cookie": "spe_console=" + csrf,
                                                                      "X-AntiXsrfToken": csrf})
            self.assertEqual(status, 401, path)  # the CSRF token is no session

    def test_4_the_api_answers_through_the_session_as_its_administrator(self):
        token, csrf, _ = self.login()
        auth = {"Cookie": token, "X-AntiXsrfToken": csrf}
        status, _, body = self.call("POST", "/api/invoke/GetEnvironmentInfo", form={}, headers=auth)
        self.assertEqual(status, 200, body)
        env = json.loads(body.decode("utf-8-sig"))
        self.assertEqual(env["statusCode"], "succeeded", env)
        status, _, body = self.call("GET", "/api/get-metadata", headers=auth)
        names = {f["name"] for f in json.loads(body.decode("utf-8-sig"))}
        self.assertIn("CreateInstance", names)
        # Argument checks are the API's own.
        status, _, body = self.call("POST", "/api/invoke/CreateInstance", form={"config": "nope"}, headers=auth)
        env = json.loads(body.decode("utf-8-sig"))
        self.assertEqual(env["statusCode"], "failed")
        self.assertIn("config", env["error"]["message"])

    def test_5_logout_ends_the_session_and_a_new_password_ends_the_others(self):
        token, csrf, _ = self.login()
        status, headers, _ = self.call("POST", "/console/logout", form={}, headers={"Cookie": token,
                                                                                     "X-AntiXsrfToken": csrf})
        self.assertEqual(status, 200)
        self.assertIn("Max-Age=0", headers["set-cookie"])
        status, _, _ = self.call("GET", "/console/session", headers={"Cookie": token})
        self.assertEqual(status, 401)
        # Another session of the same administrator ends when its password changes.
        token, csrf, _ = self.login()
        self.p.ok("SetSystemAdministratorPassword", userName="operator", password=PASSWORD + "-new")
        status, _, _ = self.call("GET", "/console/session", headers={"Cookie": token})
        self.assertEqual(status, 401)
        self.p.ok("SetSystemAdministratorPassword", userName="operator", password=PASSWORD)

    def test_6_the_application_files_with_a_strict_policy_and_nothing_else(self):
        status, headers, body = self.call("GET", "/")
        self.assertEqual(status, 200)
        self.assertIn(b"console", body)
        self.assertTrue(headers["content-type"].startswith("text/html"))
        csp = headers["content-security-policy"]
        for rule in ("default-src 'none'", "script-src 'self'", "frame-ancestors 'none'"):
            self.assertIn(rule, csp)
        self.assertNotIn("unsafe", csp)
        self.assertEqual(headers["x-content-type-options"], "nosniff")
        status, headers, body = self.call("GET", "/assets/app.js")
        self.assertEqual(status, 200)
        self.assertTrue(headers["content-type"].startswith("text/javascript"))
        for path in ("/.hidden", "/assets/link.json", "/../management.json", "/assets/../../x", "/%2e%2e/x",
                     "/assets/", "/nothing.js", "/a%20b", "/" + "a" * 300):
            status, _, _ = self.call("GET", path)
            self.assertEqual(status, 404, path)
        status, _, _ = self.call("DELETE", "/")
        self.assertEqual(status, 405)

    def test_7_the_api_port_knows_nothing_of_console_sessions(self):
        token, csrf, _ = self.login()
        status, _, _ = self.p.request("/api/invoke/GetEnvironmentInfo", {}, user=None,
                                      headers={"Cookie": token, "X-AntiXsrfToken": csrf})
        self.assertEqual(status, 401)
        self.assertTrue(ADMIN_PASSWORD)

    def test_8_guessing_a_name_is_turned_away_with_the_wait(self):
        self.p.ok("CreateSystemAdministrator", config={"userName": "guessed"}, password=PASSWORD)
        for attempt in range(30):
            status, headers, body = self.call("POST", "/console/login", {"userName": "guessed",
                                                                          "password": "wrong-%d" % attempt})
            if status == 429:
                break
            self.assertEqual(status, 401, body)
        self.assertEqual(status, 429, "never turned away")
        answer = json.loads(body)
        self.assertIn("Too many failed logins", answer["error"])
        self.assertGreaterEqual(answer["retryAfterSeconds"], 1)
        self.assertEqual(headers["retry-after"], str(answer["retryAfterSeconds"]))
        self.assertNotIn("set-cookie", headers)


if __name__ == "__main__":
    unittest.main()
