"""Web Access through the CAS with real processes: curl for the protocol
(root page, unknown instances, security headers, the session cookie, CSRF,
path traversal, header injection, who may read what, two instances kept
apart) and Debian's Chromium driven by Playwright for what users see (log
in, a wrong password, folders, search, an HTML message in a sandboxed frame
without remote content, download as .eml, a phone-sized screen), with
screenshots kept in tests/e2e/artifacts/web-access/."""
import json
import os
import sys
import shutil
import time
import unittest

import mailgen
from harness import Platform, curl, run_browser_scenario  # noqa: F401 (curl: other tests import it from here)

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tools"))
from png import png  # noqa: E402

PASSWORD = "Corr3ct-Horse-Battery"
HERE = os.path.dirname(os.path.abspath(__file__))
ARTIFACTS = os.path.join(HERE, "artifacts", "web-access")

HTML_MESSAGE = (b"From: News <news@example.com>\r\nTo: alice@example.org\r\nSubject: Newsletter html\r\n"
                b"Date: Wed, 7 Feb 2024 10:00:00 +0100\r\nMessage-ID: <html1@example.com>\r\nMIME-Version: 1.0\r\n"
                b"Content-Type: text/html; charset=utf-8\r\n\r\n"
                b"<html><body><h1>Spring offers</h1><p>Hello from the newsletter.</p>"
                b"<img src=\"https://tracker.example.net/pixel.gif\"><script>document.title='pwned'</script>"
                b"</body></html>\r\n")
INJECTION_MESSAGE = (b"From: x@example.com\r\nTo: alice@example.org\r\nSubject: Injection\r\n"
                     b"MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b\"\r\n\r\n--b\r\n"
                     b"Content-Type: text/plain\r\n\r\nsee attached\r\n--b\r\n"
                     b"Content-Type: application/octet-stream; name=\"evil\\\"\r\nSet-Cookie: x=1.txt\"\r\n"
                     b"Content-Disposition: attachment; filename=\"a\\\"b\r\n\tSet-Cookie: y=2.txt\"\r\n\r\n"
                     b"payload\r\n--b--\r\n")


class WebAccessTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.p = Platform()
        for iid in ("acme", "globex"):
            cls.p.ok("CreateInstance", config={"instanceID": iid, "instanceHost": "127.0.0.1", "startMode": "manual",
                                               "alias": iid + "-alias"})
            cls.p.ok("StartInstances", instanceFilter=iid)
        src = cls.p.path("source")
        cls.alice = mailgen.write_eml_tree(os.path.join(src, "alice"), 24)
        os.makedirs(os.path.join(src, "alice", "Inbox"), exist_ok=True)
        for name, data in (("html.eml", HTML_MESSAGE), ("inject.eml", INJECTION_MESSAGE)):
            with open(os.path.join(src, "alice", "Inbox", name), "wb") as f:
                f.write(data)
        mailgen.write_eml_tree(os.path.join(src, "bob"), 5, folders=("Inbox",))
        for user, login in (("alice", "web,imap"), ("bob", "web"), ("carol", "web"), ("dave", "imap")):
            cls.p.ok("CreateUser", instanceID="acme", userName=user, privileges="none", password=PASSWORD,
                     loginPrivileges=login)
        cls.p.ok("SetUserPrivilegesOnFolder", instanceID="acme", userName="alice", folder="bob", privileges="read")
        for user in ("alice", "bob"):
            cls.p.ok("RunTemporaryProfile", instanceID="acme", raw=True, properties={
                "name": user, "connector": "emlDirectory",
                "details": {"path": os.path.join(src, user), "targetUserFolder": user}})
        cls.p.ok("CreateUser", instanceID="globex", userName="alice", privileges="none", password=PASSWORD,
                 loginPrivileges="web")
        cls.base = "https://127.0.0.1:%d" % cls.p.ports["https"]
        deadline = time.time() + 30
        while curl(cls.base + "/acme/")[0] != 200:  # the CAS learns instances from heartbeats
            if time.time() > deadline:
                raise AssertionError("the CAS never routed to the instance")
            time.sleep(0.5)
        cls.wait_indexed()

    @classmethod
    def wait_indexed(cls):
        deadline = time.time() + 60
        while time.time() < deadline:
            s = cls.session("alice")
            st, _, body = cls.api(s, "search", {"folder": "alice/Inbox"})
            if st == 200 and json.loads(body)["total"] == len(cls.alice["Inbox"]) + 2:
                return
            time.sleep(0.5)
        raise AssertionError("the messages were never indexed")

    @classmethod
    def tearDownClass(cls):
        cls.p.stop()

    @classmethod
    def session(cls, user, instance="acme"):
        status, hdrs, body = curl(cls.base + "/%s/api/login" % instance, data={"userName": user, "password": PASSWORD})
        assert status == 200, (status, body)
        cookie = hdrs["set-cookie"][0].split(";")[0]
        return {"instance": instance, "cookie": cookie, "csrf": json.loads(body)["csrfToken"],
                "set_cookie": hdrs["set-cookie"][0]}

    @classmethod
    def api(cls, s, op, body=None, csrf=True, instance=None):
        headers = ["Cookie: " + s["cookie"]]
        if csrf:
            headers.append("X-CSRF-Token: " + s["csrf"])
        return curl(cls.base + "/%s/api/%s" % (instance or s["instance"], op), data=body or {}, headers=headers)

    def test_01_pages_headers_and_unknown_instances(self):
        status, hdrs, body = curl(self.base + "/")
        self.assertEqual(status, 200)
        self.assertIn(b"email archive", body.lower())
        csp = hdrs["content-security-policy"][0]
        self.assertIn("default-src 'self'", csp)
        self.assertIn("frame-ancestors 'none'", csp)
        self.assertEqual(hdrs["x-content-type-options"], ["nosniff"])
        self.assertIn("max-age=", hdrs["strict-transport-security"][0])
        for alias in ("acme", "ACME", "acme-alias"):
            status, _, body = curl(self.base + "/%s/" % alias)
            self.assertEqual(status, 200, alias)
            self.assertIn(b'id="login"', body)
        status, hdrs, _ = curl(self.base + "/acme")
        self.assertEqual((status, hdrs["location"]), (301, ["/acme/"]))
        for path in ("/nosuch/", "/nosuch/api/login", "/-/nosuch.js", "/acme/nosuch"):
            self.assertEqual(curl(self.base + path)[0], 404, path)
        unknown = curl(self.base + "/nosuch/")[2]
        self.assertEqual(unknown, curl(self.base + "/other/")[2])  # reveals nothing

    def test_02_path_traversal(self):
        for path in ("/-/../../../etc/passwd", "/-/..%2f..%2fetc%2fpasswd", "/acme/../../etc/passwd",
                     "/-/%2e%2e/app.js", "/acme/api/../../-/app.js", "/-//etc/passwd"):
            status, _, body = curl(self.base + path)
            self.assertIn(status, (400, 404), path)
            self.assertNotIn(b"root:", body)

    def test_03_login_session_cookie_and_csrf(self):
        status, _, body = curl(self.base + "/acme/api/login", data={"userName": "alice", "password": "wrong"})
        self.assertEqual(status, 401)
        self.assertEqual(json.loads(body)["error"], "The user name or password is wrong.")
        status, _, body = curl(self.base + "/acme/api/login", data={"userName": "dave", "password": PASSWORD})
        self.assertEqual(status, 403)  # no "web" login privilege
        self.assertIn("may not log in with Web Access", json.loads(body)["error"])
        s = self.session("alice")
        for flag in ("Secure", "HttpOnly", "SameSite=Strict", "Path=/acme/"):
            self.assertIn(flag, s["set_cookie"])
        self.assertEqual(self.api(s, "folders", csrf=False)[0], 403)  # no CSRF token
        status, _, body = self.api(s, "folders")
        self.assertEqual(status, 200)
        names = [f["name"] for f in json.loads(body)["folders"]]
        for want in ("Inbox", "Sent", "Projects/2024", "Other Users/bob/Inbox"):
            self.assertIn(want, names)
        self.assertEqual(self.api(s, "logout")[0], 200)
        self.assertEqual(self.api(s, "folders")[0], 401)

    def test_04_who_may_read_what_and_instances_apart(self):
        alice = self.session("alice")
        carol = self.session("carol")
        _, _, body = self.api(alice, "search", {"folder": "bob/Inbox"})
        hit = json.loads(body)["hits"][0]
        ids = {"storeID": hit["storeID"], "messageID": hit["messageID"]}
        self.assertEqual(self.api(alice, "message", ids)[0], 200)
        status, _, body = self.api(carol, "message", ids)
        self.assertEqual(status, 404)  # not carol's to read, and she is not told it exists
        self.assertEqual(json.loads(self.api(carol, "search", {"folder": "bob/Inbox"})[2])["total"], 0)
        status, _, _ = curl(self.base + "/acme/api/download?storeID=%d&messageID=%d&csrf=%s" % (
            ids["storeID"], ids["messageID"], carol["csrf"]), headers=["Cookie: " + carol["cookie"]])
        self.assertEqual(status, 404)
        # acme's session cookie means nothing to globex (same user name there).
        self.assertEqual(self.api(alice, "folders", instance="globex")[0], 401)
        g = self.session("alice", "globex")
        self.assertEqual(self.api(g, "folders", instance="acme")[0], 401)

    def test_05_download_and_header_injection(self):
        s = self.session("alice")
        _, _, body = self.api(s, "search", {"query": "subject:injection"})
        hit = json.loads(body)["hits"][0]
        status, hdrs, raw = curl(self.base + "/acme/api/download?storeID=%d&messageID=%d&csrf=%s" % (
            hit["storeID"], hit["messageID"], s["csrf"]), headers=["Cookie: " + s["cookie"]])
        self.assertEqual(status, 200)
        self.assertEqual(raw, INJECTION_MESSAGE)
        self.assertIn('filename="Injection.eml"', hdrs["content-disposition"][0])
        _, _, body = self.api(s, "message", {"storeID": hit["storeID"], "messageID": hit["messageID"]})
        attachments = json.loads(body)["attachments"]
        self.assertEqual(len(attachments), 1)
        status, hdrs, data = curl(self.base + "/acme/api/attachment?storeID=%d&messageID=%d&index=0&csrf=%s" % (
            hit["storeID"], hit["messageID"], s["csrf"]), headers=["Cookie: " + s["cookie"]])
        self.assertEqual(status, 200)
        self.assertEqual(data, b"payload")
        self.assertNotIn("set-cookie", hdrs)  # the file name could not add a header
        self.assertEqual(len(hdrs["content-disposition"]), 1)
        self.assertNotIn("\r", hdrs["content-disposition"][0])
        status, _, _ = curl(self.base + "/acme/api/download?storeID=1&messageID=x&csrf=" + s["csrf"],
                            headers=["Cookie: " + s["cookie"]])
        self.assertEqual(status, 400)

    def test_06_bad_input(self):
        s = self.session("alice")
        for body, word in (({"query": "\"unclosed"}, "not valid"), ({"after": "yesterday"}, "after"),
                           ({"query": "x", "limit": 100000}, "range"), ({}, "search words")):
            status, _, answer = self.api(s, "search", body)
            self.assertEqual(status, 400, body)
            self.assertIn(word, json.loads(answer)["error"])
        status, _, _ = curl(self.base + "/acme/api/search", headers=["Cookie: " + s["cookie"],
                                                                     "X-CSRF-Token: " + s["csrf"],
                                                                     "Content-Type: application/json"],
                            data=None)
        self.assertIn(status, (400, 404))
        big = "x" * 100000
        status, _, _ = self.api(s, "search", {"query": big})
        self.assertEqual(status, 413)

    def test_06a_error_codes(self):
        """Every refusal of the instance and of the CAS carries a stable code (and its params) beside the English
        text, for Web Access to show in the user's language (docs/end-user-access.md lists them)."""
        def coded(answer):
            status, _, body = answer
            j = json.loads(body)
            self.assertTrue(j.get("error"), j)  # the English text stays, for API users
            return status, j.get("code"), j.get("params")

        def login(data):
            return coded(curl(self.base + "/acme/api/login", data=data))
        self.assertEqual(login({"userName": "alice", "password": "wrong"}), (401, "wrongLogin", None))
        self.assertEqual(login({"userName": "dave", "password": PASSWORD}), (403, "loginNotAllowed", {"user": "dave"}))
        self.assertEqual(login({"userName": "", "password": ""}), (400, "enterUserAndPassword", None))
        self.assertEqual(login({"userName": 5, "password": "x"}), (400, "badField", {"field": "userName"}))
        self.assertEqual(login({"oneTimePassword": "ab" * 16}), (401, "oneTimeLinkInvalid", None))
        self.assertEqual(coded(curl(self.base + "/acme/api/session", data={})), (401, "notLoggedIn", None))
        self.assertEqual(coded(curl(self.base + "/acme/api/folders", data={})), (401, "sessionEnded", None))
        s = self.session("alice")
        self.assertEqual(coded(self.api(s, "folders", csrf=False)), (403, "csrfRefused", None))
        self.assertEqual(coded(self.api(s, "nosuchop")), (404, "unknownOperation", None))
        _, _, body = self.api(s, "search", {"query": "subject:injection"})
        hit = json.loads(body)["hits"][0]
        ids = {"storeID": hit["storeID"], "messageID": hit["messageID"]}
        for op, body, want in (
                ("message", {"storeID": "x"}, (400, "badField", {"field": "storeID"})),
                ("message", {"storeID": hit["storeID"], "messageID": 10 ** 12}, (404, "noSuchMessage", None)),
                ("message", {"storeID": 9999, "messageID": 1}, (404, "noSuchMessage", None)),
                ("thread", {"storeID": 0, "messageID": -1}, (400, "badField", {"field": "messageID"})),
                ("search", {"folder": "alice", "after": "yesterday"}, (400, "badDate", {"field": "after"})),
                ("search", {"folder": "alice", "until": "2024-02-30"}, (400, "badDate", {"field": "until"})),
                ("search", {"query": "\"unclosed"}, (400, "badQuery", {"detail": "a quotation mark is not closed.", "reason": "quoteNotClosed"})),
                ("search", {"query": "from:"}, (400, "badQuery", {"detail": "'from:' needs a value.",
                                                                 "reason": "fieldNeedsValue", "field": "from"})),
                ("search", {"query": "*abc"}, (400, "badQuery", {
                    "detail": "a word may not start with '*' or '?' ('*abc').", "reason": "wildcardAtStart",
                    "word": "*abc"})),
                ("search", {"query": "colour:red"}, (400, "badQuery", {
                    "detail": "unknown field 'colour:' (known: from, to, cc, bcc, subject, body, attachment, content, "
                              "folder, date, after, before, size, has).", "reason": "unknownField", "field": "colour"})),
                ("search", {"query": "-x"}, (400, "badQuery", {"detail": "it only excludes; say what to look for too.",
                                                             "reason": "onlyExcludes"})),
                ("search", {"query": "x", "sort": "colour"}, (400, "badRequest", None)),
                ("search", {"folder": "alice", "hasAttachment": "yes"}, (400, "badField", {"field": "hasAttachment"})),
                ("search", {"folder": 7}, (400, "badField", {"field": "folder"})),
                ("search", {}, (400, "searchEmpty", None)),
                ("export", {"format": "pdf", "messages": [ids]}, (400, "badField", {"field": "format"})),
                ("export", {"format": "zip"}, (400, "exportWhat", None)),
                ("export", {"format": "zip", "messages": []}, (400, "nothingToExport", None)),
                ("export", {"format": "zip", "messages": [{"storeID": "x"}]},
                 (400, "badField", {"field": "messages[].storeID"})),
                ("export", {"format": "zip", "messages": [{"storeID": 9999, "messageID": 1}]},
                 (404, "noSuchMessage", None)),
                ("export", {"format": "mbox", "search": {"query": "\"unclosed"}},  # the search's refusal, carried
                 (400, "badQuery", {"detail": "a quotation mark is not closed.", "reason": "quoteNotClosed"})),
                ("export", {"format": "mbox", "search": {"folder": "alice", "after": "x"}},
                 (400, "badDate", {"field": "after"}))):
            self.assertEqual(coded(self.api(s, op, body)), want, (op, body))

        def get(path):
            return coded(curl(self.base + "/acme/api/" + path + "&csrf=" + s["csrf"],
                              headers=["Cookie: " + s["cookie"]]))
        self.assertEqual(get("attachment?storeID=%d&messageID=%d&index=5" % (hit["storeID"], hit["messageID"])),
                         (404, "noSuchAttachment", None))
        self.assertEqual(get("exportDownload?exportID=" + "0" * 32), (404, "noSuchExport", None))
        self.assertEqual(get("remoteImage?token=" + "0" * 32), (404, "noSuchImage", None))
        # The CAS's own refusals.
        self.assertEqual(get("download?storeID=1&messageID=x"), (400, "badField", {"field": "messageID"}))
        self.assertEqual(get("exportDownload?exportID=zz"), (400, "badField", {"field": "exportID"}))
        self.assertEqual(coded(curl(self.base + "/acme/api/search", "--data-binary", "[1",
                                    headers=["Cookie: " + s["cookie"], "X-CSRF-Token: " + s["csrf"]])),
                         (400, "notJson", None))
        self.assertEqual(coded(self.api(s, "search", {"query": "x" * 100000})), (413, "requestTooLarge", None))
        admin = self.p.ok("CreateClientOneTimeUrlForArchiveAdmin", instanceID="acme", instanceUrl=self.base + "/acme")
        status, hdrs, body = curl(self.base + "/acme/api/login", data={"oneTimePassword": admin.split("=", 1)[1]})
        a = {"instance": "acme", "cookie": hdrs["set-cookie"][0].split(";")[0], "csrf": json.loads(body)["csrfToken"]}
        self.assertEqual(coded(self.api(a, "search", {"query": "fox"})), (403, "adminCannotRead", None))

    def test_06b_branding(self):
        sample = os.path.join(HERE, "..", "..", "branding.sample")
        target = self.p.path("management", "Branding")
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(sample, target, ignore=shutil.ignore_patterns("README.md"))
        self.p.ok("ReloadBranding")
        status, _, body = curl(self.base + "/")
        self.assertEqual(status, 200)
        self.assertIn(b"Welcome to the YOURCOMPANY email archive", body)
        _, _, app = curl(self.base + "/acme/")
        self.assertIn(b"<title>YOURCOMPANY - EMAIL ARCHIVE WEB ACCESS</title>", app)
        _, _, css = curl(self.base + "/-/branding.css")
        self.assertIn(b"--header: #1f4e79", css)
        status, hdrs, image = curl(self.base + "/-/branding/webHeader_160x36.png")
        self.assertEqual((status, hdrs["content-type"]), (200, ["image/png"]))
        self.assertEqual(image[:8], b"\x89PNG\r\n\x1a\n")
        # Broken brandings are refused naming what is wrong; the previous one stays.
        with open(os.path.join(target, "webHeader_160x36.png"), "wb") as f:
            f.write(png(160, 40))
        env = self.p.invoke("ReloadBranding")
        self.assertEqual(env["statusCode"], "failed", env)
        self.assertIn("webHeader_160x36.png", env["error"]["message"])
        self.assertIn("160x40", env["error"]["message"])
        with open(os.path.join(target, "webHeader_160x36.png"), "wb") as f:
            f.write(png(160, 36))
        with open(os.path.join(target, "WebBranding.json"), "a") as f:
            f.write("}")
        env = self.p.invoke("ReloadBranding")
        self.assertIn("WebBranding.json", env["error"]["message"])
        with open(os.path.join(target, "about.html"), "wb") as f:
            f.write(b"<html>no bom</html>")
        env = self.p.invoke("ReloadBranding")
        self.assertIn("byte order mark", env["error"]["message"])
        _, _, app = curl(self.base + "/acme/")
        self.assertIn(b"YOURCOMPANY - EMAIL ARCHIVE WEB ACCESS", app)
        # Symbolic links are refused, whatever they point at (issue 15: the
        # Management Server's TLS key was served as the root page this way).
        key = self.p.path("management", "tls", "key.pem")
        self.assertTrue(os.path.isfile(key))
        with open(key, "rb") as f:
            key_bytes = f.read()
        os.remove(os.path.join(target, "index.html"))
        os.symlink(key, os.path.join(target, "index.html"))
        env = self.p.invoke("ReloadBranding")
        self.assertEqual(env["statusCode"], "failed", env)
        self.assertIn("index.html", env["error"]["message"])
        self.assertIn("symbolic link", env["error"]["message"])
        os.remove(os.path.join(target, "index.html"))
        # A link under any other name is never read, sent or served.
        os.symlink(key, os.path.join(target, "key.pem"))
        shutil.copytree(sample, target, dirs_exist_ok=True, ignore=shutil.ignore_patterns("README.md"))
        self.p.ok("ReloadBranding")
        for path in ("/", "/-/branding/index.html", "/-/branding/key.pem", "/-/branding/README.md"):
            status, _, body = curl(self.base + path)
            self.assertNotIn(b"PRIVATE KEY", body, path)
            self.assertNotIn(key_bytes[40:80], body, path)
        self.assertEqual(curl(self.base + "/-/branding/key.pem")[0], 404)
        self.assertEqual(curl(self.base + "/")[0], 200)
        os.remove(os.path.join(target, "key.pem"))

    def test_06c_one_time_url_for_archive_admin(self):
        url = self.p.ok("CreateClientOneTimeUrlForArchiveAdmin", instanceID="acme", instanceUrl=self.base + "/acme")
        self.assertTrue(url.startswith(self.base + "/acme/#archiveadmin="), url)
        otp = url.split("=", 1)[1]
        status, hdrs, body = curl(self.base + "/acme/api/login", data={"oneTimePassword": otp})
        self.assertEqual(status, 200, body)
        self.assertEqual(json.loads(body)["userName"], "$archiveadmin")
        s = {"instance": "acme", "cookie": hdrs["set-cookie"][0].split(";")[0], "csrf": json.loads(body)["csrfToken"]}
        status, _, body = self.api(s, "folders")
        self.assertEqual(status, 200)
        self.assertIn("Other Users/alice/Inbox", [f["name"] for f in json.loads(body)["folders"]])
        for op, args in (("search", {"query": "fox"}), ("message", {"storeID": 1, "messageID": 1})):
            status, _, body = self.api(s, op, args)
            self.assertEqual(status, 403, op)  # administers, never reads mail
            self.assertIn("cannot search or read", json.loads(body)["error"])
        # Single use; another instance's password is worthless here.
        self.assertEqual(curl(self.base + "/acme/api/login", data={"oneTimePassword": otp})[0], 401)
        g = self.p.ok("CreateClientOneTimeUrlForArchiveAdmin", instanceID="globex", instanceUrl=self.base + "/globex")
        self.assertEqual(curl(self.base + "/acme/api/login", data={"oneTimePassword": g.split("=", 1)[1]})[0], 401)
        # Disabling archive admin access stops unused passwords and open sessions, and new ones.
        url = self.p.ok("CreateClientOneTimeUrlForArchiveAdmin", instanceID="acme", instanceUrl=self.base + "/acme")
        self.p.ok("SetArchiveAdminEnabled", instanceID="acme", enabled=False)
        try:
            self.assertEqual(curl(self.base + "/acme/api/login", data={"oneTimePassword": url.split("=", 1)[1]})[0], 401)
            self.assertEqual(self.api(s, "folders")[0], 401)
            env = self.p.invoke("CreateClientOneTimeUrlForArchiveAdmin", instanceID="acme")
            self.assertEqual(env["statusCode"], "failed")
            self.assertIn("disabled", env["error"]["message"])
        finally:
            self.p.ok("SetArchiveAdminEnabled", instanceID="acme", enabled=True)
        for bad in ("http://x/acme", "https://x/acme#y", "https://x/a?b"):
            env = self.p.invoke("CreateClientOneTimeUrlForArchiveAdmin", instanceID="acme", instanceUrl=bad)
            self.assertIn("instanceUrl", env["error"]["message"], bad)

    def test_06d_sanitized_html_and_no_secrets_in_logs(self):
        s = self.session("alice")
        _, _, body = self.api(s, "search", {"query": "subject:newsletter"})
        hit = json.loads(body)["hits"][0]
        _, _, body = self.api(s, "message", {"storeID": hit["storeID"], "messageID": hit["messageID"]})
        m = json.loads(body)
        self.assertIn("Spring offers", m["html"])
        self.assertNotIn("<script", m["html"])
        self.assertNotIn("tracker.example.net", m["html"])
        self.assertEqual(m["remoteContentRemoved"], 1)
        # Passwords, session tokens and one-time passwords never reach a log.
        logs = b""
        for root, _, files in os.walk(self.p.dir):
            for name in files:
                if name.endswith(".log"):
                    with open(os.path.join(root, name), "rb") as f:
                        logs += f.read()
        self.assertIn(b"Web Access login of 'alice'", logs)
        for secret in (PASSWORD.encode(), s["cookie"].split("=", 1)[1].encode(), s["csrf"].encode()):
            self.assertNotIn(secret, logs)

    def test_07_in_chromium(self):
        args = {"url": self.base + "/acme/", "user": "alice", "password": PASSWORD, "search": "fox",
                "htmlSubject": "newsletter"}
        r = run_browser_scenario("web_access.mjs", args, ARTIFACTS, timeout=300)
        self.assertTrue(r.get("ok"), r.get("error"))
        self.assertIn("wrong", r["loginError"])
        self.assertIn("alice/Inbox", r["folders"])
        self.assertIn("bob/Inbox", r["folders"])
        self.assertEqual(r["inboxHits"], len(self.alice["Inbox"]) + 2)
        self.assertGreater(r["searchHits"], 0)
        self.assertEqual(r["subject"], "Newsletter html")
        self.assertTrue(r["htmlShown"])
        self.assertEqual(r["sandbox"], "allow-same-origin")  # no scripts (the app reaches in: marks, links)
        self.assertIn("Hello from the newsletter.", r["htmlText"])
        self.assertEqual(r["remoteRequests"], [])  # the tracker image was not loaded
        self.assertIn("1 remote image", r["remoteNotice"])
        with open(r["downloadPath"], "rb") as f:
            self.assertEqual(f.read(), HTML_MESSAGE)
        self.assertTrue(r["downloadName"].endswith(".eml"))
        self.assertEqual(r["afterLogout"], 401)
        self.assertTrue(r["phoneResultsHidden"])
        for shot in ("01-login.png", "03-inbox.png", "05-message.png", "06-phone-list.png", "07-phone-message.png"):
            self.assertGreater(os.path.getsize(os.path.join(ARTIFACTS, shot)), 5000, shot)


if __name__ == "__main__":
    unittest.main()
