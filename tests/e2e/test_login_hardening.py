"""Issue 15, "Security": logins and sessions against hostile callers, with the
real daemons, imaplib and curl through the CAS.

- Parallel wrong logins for one user (IMAP, Web Access) are checked one by
  one and run into the lock: the instance's count of Argon2id checks
  (GetInstanceProcessLiveStatistics) grows by a handful, not by 20; the right
  password works again once the lock (at most 60 s) is over.
- An unknown user name costs one check against the dummy hash, like a known
  name with a wrong password costs one real check.
- Deleting a user, changing its password or removing its login privilege
  ends its open IMAP sessions (* BYE, also while idle) and Web Access
  sessions (401 "Your session has ended"); removing a folder grant narrows
  LIST, SELECT and FETCH at the next command and the web folder list.
- User names with leading/trailing spaces, over 255 bytes or not UTF-8 get
  a failed envelope naming the argument, never a 500 or a database error;
  logins with them fail like a wrong password, without any hashing."""
import imaplib
import json
import math
import re
import ssl
import subprocess
import threading
import time
import unittest

import mailgen
from harness import Platform

PASSWORD = "Corr3ct-Horse-Battery"
IID = "acme"


def tls_context():
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    return ctx


def curl(url, data=None, headers=()):
    cmd = ["curl", "-sk", "-i", "--max-time", "60", url]
    for h in headers:
        cmd += ["-H", h]
    if data is not None:
        cmd += ["-H", "Content-Type: application/json", "--data-binary", json.dumps(data)]
    out = subprocess.run(cmd, capture_output=True, check=True).stdout
    head, _, body = out.partition(b"\r\n\r\n")
    lines = head.decode().split("\r\n")
    hdrs = {}
    for line in lines[1:]:
        k, _, v = line.partition(":")
        hdrs.setdefault(k.strip().lower(), []).append(v.strip())
    return int(lines[0].split()[1]), hdrs, body


def throttled(answer):
    """A refusal of the login guard: for failures, or for the crowd waiting for one name's check."""
    return "Too many failed logins" in answer or "Too many logins of this user at once" in answer


def most_checks(seconds):
    """How many of a burst of wrong logins for one name may be checked: the 5 free failures, the one
    that locks the name for 1 s, then one more each time a lock (1, 2, 4 ... s) ran out during the
    burst (its guesses arrive spread over `seconds`: TLS handshakes on a loaded machine)."""
    return 6 + int(math.log2(seconds + 1))


def retry_after(text):
    m = re.search(r"try again in (\d+) s", text)
    return int(m.group(1)) if m else 1


class LoginHardeningTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.p = Platform()
        cls.p.ok("CreateInstance", config={"instanceID": IID, "instanceHost": "127.0.0.1", "startMode": "manual"})
        cls.p.ok("StartInstances", instanceFilter=IID)
        users = ["alice", "victim", "victim2", "known"] + [u + n for u in ("del", "pw", "priv", "grant")
                                                             for n in ("1", "2")]
        for user in users:
            cls.p.ok("CreateUser", instanceID=IID, userName=user, privileges="none", password=PASSWORD,
                     loginPrivileges="web,imap")
        for user in ("grant1", "grant2"):
            cls.p.ok("SetUserPrivilegesOnFolder", instanceID=IID, userName=user, folder="alice", privileges="read")
        src = cls.p.path("source", "alice")
        mailgen.write_eml_tree(src, 4, folders=("Inbox",))
        r = cls.p.ok("RunTemporaryProfile", instanceID=IID, raw=True, properties={
            "name": "alice", "connector": "emlDirectory", "details": {"path": src, "targetUserFolder": "alice"}})
        assert r["itemsArchived"] > 0, r
        cls.base = "https://127.0.0.1:%d" % cls.p.ports["https"]
        deadline = time.time() + 30
        while True:  # the CAS learns instances from heartbeats
            try:
                m = cls.imaps()
                m.login(IID + "/alice", PASSWORD)
                m.logout()
                break
            except imaplib.IMAP4.error:
                if time.time() > deadline:
                    raise AssertionError("the CAS never routed to the instance")
                time.sleep(0.5)

    @classmethod
    def tearDownClass(cls):
        cls.p.stop()

    @classmethod
    def imaps(cls):
        return imaplib.IMAP4_SSL("127.0.0.1", cls.p.ports["imaps"], ssl_context=tls_context(), timeout=60)

    def stats(self):
        return self.p.ok("GetInstanceProcessLiveStatistics", instanceID=IID)

    def imap_login(self, user, password=PASSWORD):
        m = self.imaps()
        m.login(IID + "/" + user, password)
        self.addCleanup(lambda: m.shutdown() if m.state != "LOGOUT" else None)
        return m

    def web_login(self, user, password=PASSWORD):
        return curl(self.base + "/%s/api/login" % IID, data={"userName": user, "password": password})

    def web_session(self, user):
        status, hdrs, body = self.web_login(user)
        self.assertEqual(status, 200, body)
        return {"cookie": hdrs["set-cookie"][0].split(";")[0], "csrf": json.loads(body)["csrfToken"]}

    def web_api(self, s, op, body=None):
        return curl(self.base + "/%s/api/%s" % (IID, op), data=body or {},
                    headers=["Cookie: " + s["cookie"], "X-CSRF-Token: " + s["csrf"]])

    def wait_until_login_works(self, attempt):
        """`attempt()` returns None on success or the refusal's text; waits as told."""
        deadline = time.time() + 150
        while True:
            refusal = attempt()
            if refusal is None:
                return
            self.assertLess(time.time(), deadline, refusal)
            time.sleep(retry_after(refusal))

    # --- item 1: throttling before hashing ---------------------------------

    def test_01_parallel_wrong_imap_logins_are_not_all_hashed(self):
        before = self.stats()
        results = []

        def guess(i):
            try:
                m = self.imaps()
                try:
                    m.login(IID + "/victim", "wrong-%d" % i)
                    results.append("logged in")
                except imaplib.IMAP4.error as e:
                    results.append(str(e))
                m.shutdown()
            except OSError as e:
                results.append("connection: %s" % e)

        threads = [threading.Thread(target=guess, args=(i,)) for i in range(20)]
        started = time.time()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        burst = time.time() - started
        after = self.stats()
        self.assertEqual(len(results), 20)
        self.assertNotIn("logged in", results)
        checked = after["totalPasswordChecks"] - before["totalPasswordChecks"]
        self.assertLessEqual(checked, most_checks(burst), (burst, results))
        # The rest were refused unchecked: by the login guard, or earlier by the host's limit on streams
        # being opened at once ("busy").
        self.assertGreaterEqual(after["totalLoginsThrottled"] - before["totalLoginsThrottled"], 1, results)
        self.assertTrue(any(throttled(r) for r in results), results)
        self.assertLessEqual(after["peakConcurrentPasswordHashes"], 2)

        def attempt():
            try:
                m = self.imaps()
                m.login(IID + "/victim", PASSWORD)
                m.logout()
                return None
            except imaplib.IMAP4.error as e:
                self.assertTrue(throttled(str(e)), str(e))  # refused unchecked, not "wrong"
                return str(e)
        self.wait_until_login_works(attempt)

    def test_02_parallel_wrong_web_logins_are_not_all_hashed(self):
        before = self.stats()
        statuses = []

        def guess(i):
            status, _, body = self.web_login("victim2", "wrong-%d" % i)
            statuses.append((status, body))

        threads = [threading.Thread(target=guess, args=(i,)) for i in range(20)]
        started = time.time()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        burst = time.time() - started
        after = self.stats()
        self.assertEqual(len(statuses), 20)
        self.assertTrue(all(s in (401, 429, 503) for s, _ in statuses), statuses)  # 503: the CAS's per-instance cap
        self.assertTrue(any(s == 429 and throttled(b.decode()) for s, b in statuses), statuses)
        self.assertLessEqual(after["totalPasswordChecks"] - before["totalPasswordChecks"], most_checks(burst), burst)

        def attempt():
            status, _, body = self.web_login("victim2")
            if status == 200:
                return None
            self.assertEqual(status, 429, body)
            return body.decode()
        self.wait_until_login_works(attempt)

    # --- item 2: unknown names cost the same -------------------------------

    def test_03_unknown_user_is_checked_against_the_dummy_hash(self):
        before = self.stats()
        self.assertEqual(self.web_login("nosuchuser", "Wrong-Pass-1")[0], 401)
        unknown = self.stats()
        self.assertEqual(unknown["totalPasswordChecks"] - before["totalPasswordChecks"], 1)
        self.assertEqual(unknown["totalDummyPasswordChecks"] - before["totalDummyPasswordChecks"], 1)
        self.assertEqual(self.web_login("known", "Wrong-Pass-1")[0], 401)
        known = self.stats()
        self.assertEqual(known["totalPasswordChecks"] - unknown["totalPasswordChecks"], 1)
        self.assertEqual(known["totalDummyPasswordChecks"], unknown["totalDummyPasswordChecks"])
        self.assertEqual(self.web_login("known")[0], 200)  # clears the CAS's delay for this address

    # --- item 3: revocation ------------------------------------------------

    def assert_imap_session_ended(self, m):
        with self.assertRaises((imaplib.IMAP4.abort, imaplib.IMAP4.error, OSError)) as cm:
            m.noop()
            m.noop()
        self.assertIn("session has ended", str(cm.exception))

    def test_04_imap_sessions_end_when_the_user_is_changed(self):
        for user, change in (
                ("del1", lambda: self.p.ok("DeleteUser", instanceID=IID, userName="del1")),
                ("pw1", lambda: self.p.ok("SetUserPassword", instanceID=IID, userName="pw1",
                                          password=PASSWORD + "-new")),
                ("priv1", lambda: self.p.ok("SetUserLoginPrivileges", instanceID=IID, userName="priv1",
                                            loginPrivileges="web"))):
            with self.subTest(user=user):
                m = self.imap_login(user)
                self.assertEqual(m.noop()[0], "OK")
                idle = self.imap_login(user)  # says nothing: ended by the session's own watch
                change()
                self.assert_imap_session_ended(m)
                line = idle.readline()
                self.assertTrue(line.startswith(b"* BYE") and b"session has ended" in line, line)

    def test_05_imap_grant_removal_narrows_at_the_next_command(self):
        m = self.imap_login("grant1")
        typ, boxes = m.list()
        self.assertTrue(any(b"Other Users/alice/Inbox" in b for b in boxes), boxes)
        typ, data = m.select('"Other Users/alice/Inbox"', readonly=True)
        self.assertEqual(typ, "OK", data)
        self.assertEqual(m.fetch("1", "(RFC822.SIZE)")[0], "OK")
        self.p.ok("SetUserPrivilegesOnFolder", instanceID=IID, userName="grant1", folder="alice", privileges="none")
        try:  # the mailbox was closed ("* OK [CLOSED]"): FETCH is refused
            typ, data = m.fetch("1", "(BODY.PEEK[])")
            self.assertNotEqual(typ, "OK", data)
        except imaplib.IMAP4.error as e:
            self.assertIn("No mailbox selected", str(e))
        typ, boxes = m.list()
        self.assertEqual(typ, "OK")
        self.assertFalse(any(b"alice" in b for b in boxes if b), boxes)
        typ, data = m.select('"Other Users/alice/Inbox"', readonly=True)
        self.assertEqual(typ, "NO", data)
        self.assertEqual(m.noop()[0], "OK")  # the session itself goes on

    def test_06_web_sessions_end_when_the_user_is_changed(self):
        for user, change in (
                ("del2", lambda: self.p.ok("DeleteUser", instanceID=IID, userName="del2")),
                ("pw2", lambda: self.p.ok("SetUserPassword", instanceID=IID, userName="pw2",
                                          password=PASSWORD + "-new")),
                ("priv2", lambda: self.p.ok("SetUserLoginPrivileges", instanceID=IID, userName="priv2",
                                            loginPrivileges="imap"))):
            with self.subTest(user=user):
                s = self.web_session(user)
                self.assertEqual(self.web_api(s, "folders")[0], 200)
                change()
                status, _, body = self.web_api(s, "folders")
                self.assertEqual(status, 401, body)
                self.assertIn(b"Your session has ended", body)
                self.assertEqual(self.web_api(s, "folders")[0], 401)  # and stays ended

    def test_07_web_grant_removal_narrows_the_next_request(self):
        s = self.web_session("grant2")
        status, _, body = self.web_api(s, "folders")
        self.assertEqual(status, 200)
        self.assertTrue(any("alice" in f["path"] for f in json.loads(body)["folders"]), body)
        self.p.ok("ClearUserPrivilegesOnFolders", instanceID=IID, userName="grant2")
        status, _, body = self.web_api(s, "folders")
        self.assertEqual(status, 200, body)
        self.assertFalse(any("alice" in f["path"] for f in json.loads(body)["folders"]), body)

    # --- item 4: user names ------------------------------------------------

    def envelope(self, function, **args):
        status, _, body = self.p.request("/api/invoke/" + function, args)
        self.assertNotEqual(status, 500, body)
        self.assertNotIn(b"database", body.lower())
        if status != 200:
            self.assertEqual(status // 100, 4, body)
            return body.decode("utf-8", "replace")
        env = json.loads(body.decode("utf-8-sig"))
        self.assertEqual(env["statusCode"], "failed", env)
        return env["error"]["message"]

    def test_08_bad_user_names_are_refused_naming_the_argument(self):
        long_name = "x" * 300
        bad_utf8 = b"bad\xff\xfename"
        for name, word in ((" lead", "space"), ("trail ", "space"), (long_name, "255"), (bad_utf8, "UTF-8")):
            def named(msg, argument, context=None):
                # Broken UTF-8 may already be refused by the API front end, which names the encoding.
                ok = argument in msg or (word == "UTF-8" and "UTF-8" in msg)
                self.assertTrue(ok, (context, msg))
            with self.subTest(name=name[:20]):
                msg = self.envelope("CreateUser", instanceID=IID, userName=name, privileges="none")
                named(msg, "userName")
                if word != "UTF-8":  # the API front end may already refuse broken UTF-8 in its own words
                    self.assertIn(word, msg)
                msg = self.envelope("RenameUser", instanceID=IID, oldUserName="alice", newUserName=name)
                named(msg, "newUserName")
                if word != "space":  # names with spaces are merely unknown here
                    for function, extra in (("GetUserInfo", {}), ("DeleteUser", {}),
                                            ("SetUserFullName", {"fullName": "X"}),
                                            ("SetUserPrivilegesOnFolder", {"folder": "alice", "privileges": "read"})):
                        msg = self.envelope(function, instanceID=IID, userName=name, **extra)
                        named(msg, "userName", function)
                    msg = self.envelope("RenameUser", instanceID=IID, oldUserName=name, newUserName="zed")
                    named(msg, "oldUserName")
                # System administrators.
                msg = self.envelope("CreateSystemAdministrator", config=json.dumps({"userName": name.decode(
                    "latin-1") if isinstance(name, bytes) else name}), password="Adm1n-Pass-Word")
                named(msg, "userName")
                for function, extra in (("SetSystemAdministratorPassword", {"password": "Adm1n-Pass-Word"}),
                                        ("DeleteSystemAdministrator", {})):
                    msg = self.envelope(function, userName=name, **extra)
                    named(msg, "userName", function)

        # Logins with such names fail like a wrong password, without hashing.
        before = self.stats()
        for name in (long_name, " lead"):
            with self.assertRaises(imaplib.IMAP4.error):
                m = self.imaps()
                try:
                    m.login(IID + "/" + name, "whatever")
                finally:
                    m.shutdown()
        self.assertEqual(self.web_login(long_name, "whatever")[0], 401)
        after = self.stats()
        # " lead" is a possible name to look up: it costs a (dummy) check like any unknown name.
        self.assertLessEqual(after["totalPasswordChecks"] - before["totalPasswordChecks"], 1)
        self.assertEqual(self.web_login("known")[0], 200)


if __name__ == "__main__":
    unittest.main()
