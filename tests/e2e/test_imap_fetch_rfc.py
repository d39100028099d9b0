"""IMAP FETCH answers exact to RFC 3501 for odd messages, read by a parser
that is not ours: every FETCH answer of this corpus (local-only addresses,
groups, folded and encoded display names, 8-bit and CR/LF in names and
subjects, NUL at the start, middle and end, headers without a blank line,
nested multiparts reusing the outer boundary, parts without a final line
break, a digest, plus generated everyday mail) goes through the CAS and is
read with ImapFlow's framing, parser and FETCH reader (npm package imapflow,
tests/e2e/imap_parser/read_fetch.js; `./spe test` installs it). The answers
are then compared with what the messages hold, and Web Access's attachment
list with BODYSTRUCTURE's part numbers. Also: the verified-login cache never
lets an old password in after a change, nor a deleted user."""
import base64
import json
import os
import shutil
import socket
import ssl
import subprocess
import threading
import time
import unittest

import mailgen
from harness import Platform, curl

PASSWORD = "Corr3ct-Horse-Battery"
HERE = os.path.dirname(os.path.abspath(__file__))
PARSER_DIR = os.path.join(HERE, "imap_parser")

CORPUS = {
    "env-local": b"From: root (Cron Daemon)\r\nTo: undisclosed-recipients:;, postmaster, team: ann, bob@x.org;\r\n"
                 b"Cc: <>, \"Only Name\" <local>\r\nBcc: x@\r\nSubject: env-local\r\nMessage-ID: <env-local@t>\r\n"
                 b"Date: Tue, 6 Feb 2024 10:00:00 +0100\r\n\r\nbody\r\n",
    "env-folded": b"From: \"Bob\r\n Builder\" <bob@x.org>\r\nTo: \"Ann\r\n\tSmith\" <ann@x.org>, =?UTF-8?Q?J=C3=B6?=\r\n"
                  b" =?UTF-8?Q?rg?= <j@x.org>\r\nSubject: env-folded a long\r\n folded subject\r\n"
                  b"Message-ID: <env-folded@t>\r\n\r\nbody\r\n",
    "env-8bit": b"From: =?UTF-8?Q?line=0D=0Abreak?= <a@x.org>, \"M\xc3\xbcller\" <m@x.org>\r\n"
                b"To: <@route.org:r@x.org>\r\nSubject: env-8bit caf\xc3\xa9 bare\rcr\r\nMessage-ID: <env-8bit@t>\r\n"
                b"\r\nbody\r\n",
    "nul-start": b"\x00X-First: nul\r\nSubject: nul-start\r\nMessage-ID: <nul-start@t>\r\n\r\nbody\r\n",
    "nul-middle": b"Subject: nul-middle\r\nMessage-ID: <nul-middle@t>\r\n\r\nbo\x00dy\r\nmore \x00\x00 text\r\n",
    "nul-end": b"Subject: nul-end\r\nMessage-ID: <nul-end@t>\r\n\r\nbody\r\n\x00",
    "mime-noblank": b"Subject: mime-noblank\r\nMessage-ID: <mime-noblank@t>\r\nContent-Type: multipart/mixed; boundary=b\r\n"
                    b"\r\n--b\r\nContent-Type: text/plain\r\n\r\nbody\r\n--b\r\nContent-Type: application/octet-stream\r\n"
                    b"Content-Disposition: attachment; filename=x.bin\r\nDATA\r\n--b\r\nContent-Type: application/pdf; "
                    b"name=y.pdf\r\n\r\nPDF\r\n--b--\r\n",
    "mime-nested": b"Subject: mime-nested\r\nMessage-ID: <mime-nested@t>\r\nContent-Type: multipart/mixed; boundary=b\r\n"
                   b"\r\n--b\r\nContent-Type: multipart/alternative; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n"
                   b"\r\none\r\n--b\r\nContent-Type: text/html\r\n\r\n<p>two</p>\r\n--b--\r\n--b\r\nContent-Type: "
                   b"application/pdf\r\nContent-Disposition: attachment; filename=a.pdf\r\n\r\nPDF\r\n--b--\r\n",
    "mime-nobreak": b"Subject: mime-nobreak\r\nMessage-ID: <mime-nobreak@t>\r\nContent-Type: multipart/mixed; boundary=b\r\n"
                    b"\r\n--b\r\nContent-Type: text/plain\r\n\r\none line no break\r\n--b\r\nContent-Type: text/plain\r\n\r\n"
                    b"two\r\nlines\r\n--b\r\nContent-Type: image/png; name=i.png\r\n\r\nPNG",
    "mime-digest": b"Subject: mime-digest\r\nMessage-ID: <mime-digest@t>\r\nContent-Type: multipart/digest; boundary=d\r\n"
                   b"\r\n--d\r\n\r\nSubject: one\r\n\r\nfirst\r\n--d\r\n\r\nSubject: two\r\n\r\nsecond\r\n--d--\r\n",
    "mime-attached": b"Subject: mime-attached\r\nMessage-ID: <mime-attached@t>\r\nContent-Type: multipart/mixed; "
                     b"boundary=b\r\n\r\n--b\r\n\r\nbody\r\n--b\r\nContent-Type: message/rfc822\r\n\r\nSubject: in\r\n"
                     b"Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: application/zip; name=z.zip"
                     b"\r\n\r\nZIP\r\n--b--\r\n--b\r\nContent-Type: text/csv; name=t.csv\r\n\r\na,b\r\n--b--\r\n",
}

# ENVELOPE address lists as sent: [name, route, mailbox, host] (Dovecot 2.3
# answers the same for these headers).
RAW_ADDRESSES = {
    "env-local": {
        "from": [["Cron Daemon", None, "root", "MISSING_DOMAIN"]],
        "to": [[None, None, "undisclosed-recipients", None], [None, None, None, None],
               [None, None, "postmaster", "MISSING_DOMAIN"], [None, None, "team", None],
               [None, None, "ann", "MISSING_DOMAIN"], [None, None, "bob", "x.org"], [None, None, None, None]],
        "cc": [[None, None, "MISSING_MAILBOX", "MISSING_DOMAIN"], ["Only Name", None, "local", "MISSING_DOMAIN"]],
        "bcc": [[None, None, "x", "MISSING_DOMAIN"]],
    },
    "env-folded": {
        "from": [["Bob Builder", None, "bob", "x.org"]],
        "to": [["Ann Smith", None, "ann", "x.org"], ["=?UTF-8?Q?J=C3=B6?= =?UTF-8?Q?rg?=", None, "j", "x.org"]],
        "cc": None, "bcc": None,
    },
    "env-8bit": {
        "from": [["=?UTF-8?Q?line=0D=0Abreak?=", None, "a", "x.org"], ["M\u00fcller", None, "m", "x.org"]],
        "to": [[None, "@route.org", "r", "x.org"]],
        "cc": None, "bcc": None,
    },
}

# BODYSTRUCTURE leaves: (part, type, size, lines); lines only for text.
LEAVES = {
    "mime-noblank": [("1", "text/plain", 4, 0), ("2", "application/octet-stream", 0, None),
                     ("3", "application/pdf", 3, None)],
    "mime-nested": [("1.1", "text/plain", 3, 0), ("1.2", "text/html", 10, 0), ("2", "application/pdf", 3, None)],
    "mime-nobreak": [("1", "text/plain", 17, 0), ("2", "text/plain", 10, 1), ("3", "image/png", 3, None)],
    "mime-digest": [("1", "message/rfc822", 21, None), ("2", "message/rfc822", 22, None)],
    "mime-attached": [("1", "text/plain", 4, 0), ("2", "message/rfc822", 120, None), ("3", "text/csv", 3, 0)],
}

# Web Access's attachment list: (part, name, type), the same part numbers.
ATTACHMENTS = {
    "mime-noblank": [("2", "x.bin", "application/octet-stream"), ("3", "y.pdf", "application/pdf")],
    "mime-nested": [("2", "a.pdf", "application/pdf")],
    "mime-nobreak": [("3", "i.png", "image/png")],
    "mime-digest": [("1", "one.eml", "message/rfc822"), ("2", "two.eml", "message/rfc822")],
    "mime-attached": [("2", "in.eml", "message/rfc822"), ("3", "t.csv", "text/csv")],
}


def tls_context():
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE  # the CAS's self-signed default certificate
    return ctx


class RawImap:
    """An IMAP client that keeps the server's answers as bytes."""

    def __init__(self, port):
        self.sock = tls_context().wrap_socket(socket.create_connection(("127.0.0.1", port), timeout=60))
        self.f = self.sock.makefile("rb")
        self.f.readline()  # greeting
        self.n = 0

    def command(self, text):
        """The untagged answers (bytes, literals included) and the tagged line."""
        self.n += 1
        tag = b"r%d" % self.n
        self.sock.sendall(tag + b" " + text.encode() + b"\r\n")
        data = b""
        while True:
            line = self.f.readline()
            if not line:
                raise AssertionError("connection closed during " + text)
            if line.startswith(tag + b" "):
                return data, line
            data += line
            while line.endswith(b"}\r\n"):
                n = int(line[line.rindex(b"{") + 1:-3])
                data += self.f.read(n)
                line = self.f.readline()
                data += line

    def close(self):
        try:
            self.sock.sendall(b"z LOGOUT\r\n")
        finally:
            self.sock.close()


def node_parser_ready():
    return shutil.which("node") and os.path.isdir(os.path.join(PARSER_DIR, "node_modules", "imapflow"))


class ImapFetchRfcTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        if not node_parser_ready():  # ./spe test installs it; a missing parser must not pass quietly
            raise AssertionError("ImapFlow is not installed: cd tests/e2e/imap_parser && npm ci")
        cls.p = Platform()
        try:
            cls.set_up()
        except BaseException:
            cls.p.stop()  # tearDownClass does not run when setUpClass fails
            raise

    @classmethod
    def set_up(cls):
        cls.iid = "fetchrfc"
        cls.p.ok("CreateInstance", config={"instanceID": cls.iid, "instanceHost": "127.0.0.1", "startMode": "manual"})
        cls.p.ok("StartInstances", instanceFilter=cls.iid)
        src = cls.p.source_dir("ann", "Inbox")
        for name, data in CORPUS.items():
            with open(os.path.join(src, name + ".eml"), "wb") as f:
                f.write(data)
        cls.generated = mailgen.write_eml_tree(cls.p.source_dir("ann"), 10, folders=("Inbox",))["Inbox"]
        for user in ("ann", "cy"):
            cls.p.ok("CreateUser", instanceID=cls.iid, userName=user, privileges="none", password=PASSWORD,
                     loginPrivileges="imap,web")
        r = cls.p.ok("RunTemporaryProfile", instanceID=cls.iid, raw=True, properties={
            "name": "ann", "connector": "emlDirectory",
            "details": {"path": cls.p.source_dir("ann"), "targetUserFolder": "ann"}})
        assert r["itemsArchived"] == len(CORPUS) + 10, r
        deadline = time.time() + 30
        while True:  # the CAS learns the instance from its next heartbeat
            try:
                cls.login("ann").close()
                break
            except AssertionError:
                if time.time() > deadline:
                    raise
                time.sleep(0.3)
        cls.answers = cls.fetch_all()

    @classmethod
    def tearDownClass(cls):
        cls.p.stop()

    @classmethod
    def login(cls, user, password=PASSWORD):
        c = RawImap(cls.p.ports["imaps"])
        _, line = c.command('LOGIN "%s/%s" "%s"' % (cls.iid, user, password))
        if not line.split(b" ")[1].startswith(b"OK"):
            c.close()
            raise AssertionError(line.decode(errors="replace"))
        return c

    @classmethod
    def fetch_all(cls):
        """Every FETCH answer of the mailbox through ImapFlow's parser: {subject tag or index: answer}."""
        c = cls.login("ann")
        c.command("EXAMINE INBOX")
        raw = b""
        for items in ("(UID RFC822.SIZE FLAGS INTERNALDATE ENVELOPE BODYSTRUCTURE BODY.PEEK[])",
                      "(UID BODY BODY.PEEK[HEADER] BODY.PEEK[TEXT] BODY.PEEK[1] BODY.PEEK[1.MIME] RFC822.HEADER)",
                      "ALL", "FULL"):
            data, line = c.command("UID FETCH 1:* " + items)
            assert line.split(b" ")[1] == b"OK", line
            raw += data
        c.close()
        path = cls.p.path("fetch-answers.bin")
        with open(path, "wb") as f:
            f.write(raw)
        run = subprocess.run(["node", os.path.join(PARSER_DIR, "read_fetch.js"), path], capture_output=True,
                             cwd=PARSER_DIR)
        if run.returncode != 0:
            raise AssertionError("ImapFlow refused an answer: " + run.stderr.decode(errors="replace"))
        parsed = json.loads(run.stdout)
        cls.parsed_count = len(parsed)
        by_uid = {}
        for m in parsed:
            by_uid.setdefault(m["uid"], {}).update({k: v for k, v in m.items() if k != "parts"})
            by_uid[m["uid"]].setdefault("parts", {}).update(m.get("parts") or {})
        return list(by_uid.values())

    def answer(self, name):
        """The answer for the corpus message whose subject starts with `name`."""
        for m in self.answers:
            if ((m.get("envelope") or {}).get("subject") or "").split(" ")[0] == name:
                return m
        self.fail("no FETCH answer for " + name)

    def test_01_imapflow_reads_every_answer(self):
        total = len(CORPUS) + len(self.generated)
        self.assertEqual(self.parsed_count, 4 * total, "four FETCH commands, one answer per message each")
        self.assertEqual(len(self.answers), total)
        for m in self.answers:
            self.assertIn("bodyStructure", m)
            self.assertIn("envelope", m)

    def test_02_envelope_addresses_stay_valid(self):
        for name, expected in RAW_ADDRESSES.items():
            raw = self.answer(name)["rawEnvelope"]
            for field, addresses in expected.items():
                self.assertEqual(raw[field], addresses, name + " " + field)
        local = self.answer("env-local")["envelope"]
        self.assertEqual(local["from"], [{"name": "Cron Daemon", "address": "root@MISSING_DOMAIN"}])
        folded = self.answer("env-folded")["envelope"]
        self.assertEqual(folded["subject"], "env-folded a long folded subject")
        self.assertEqual(folded["to"][1], {"name": "J\u00f6rg", "address": "j@x.org"}, "encoded words, decoded by the client")
        eight = self.answer("env-8bit")["envelope"]
        self.assertEqual(eight["subject"], "env-8bit caf\u00e9 bare cr")
        self.assertEqual(eight["from"][1]["name"], "M\u00fcller")

    def test_03_nul_bytes_never_raw_sizes_consistent(self):
        # read_fetch.js fails the run on a NUL in any literal; here the bytes.
        for name in ("nul-start", "nul-middle", "nul-end"):
            m = self.answer(name)
            original = CORPUS[name]
            source = base64.b64decode(m["source"])
            self.assertEqual(source, original.replace(b"\x00", b"\x80"), name)
            self.assertEqual(m["size"], len(original), name + ": RFC822.SIZE is the archived size")
            self.assertEqual(len(source), m["size"], name)

    def test_04_bodystructure_of_odd_shapes(self):
        for name, expected in LEAVES.items():
            leaves = []

            def walk(node):
                if node.get("childNodes") and not node["type"].startswith("message/"):
                    for child in node["childNodes"]:
                        walk(child)
                    return
                leaves.append((node["part"], node["type"], node["size"],
                               node.get("lineCount") if node["type"].startswith("text/") else None))

            walk(self.answer(name)["bodyStructure"])
            self.assertEqual(leaves, expected, name)
        nested = self.answer("mime-nested")["parts"]
        self.assertEqual(base64.b64decode(nested["1"]).count(b"--b"), 3, "part 1 is the whole inner multipart")

    def test_05_generated_mail_byte_exact(self):
        sources = sorted(base64.b64decode(m["source"]) for m in self.answers if m.get("source"))
        expected = [v.replace(b"\x00", b"\x80") for v in CORPUS.values()] + self.generated
        self.assertEqual(sources, sorted(expected))
        for m in self.answers:
            self.assertEqual(len(base64.b64decode(m["source"])), m["size"])

    def test_06_web_access_lists_attachments_by_the_same_parts(self):
        base = "https://127.0.0.1:%d" % self.p.ports["https"]
        status, hdrs, body = curl(base + "/%s/api/login" % self.iid, data={"userName": "ann", "password": PASSWORD})
        self.assertEqual(status, 200, body)
        cookie = hdrs["set-cookie"][0].split(";")[0]
        headers = ["Cookie: " + cookie, "X-CSRF-Token: " + json.loads(body)["csrfToken"]]
        hits = []
        deadline = time.time() + 60
        while time.time() < deadline:  # the search needs the index
            status, _, body = curl(base + "/%s/api/search" % self.iid, data={"folder": "ann/Inbox", "query": "mime"},
                                   headers=headers)
            hits = json.loads(body).get("hits", []) if status == 200 else []
            if len([h for h in hits if h["subject"].startswith("mime-")]) == len(ATTACHMENTS):
                break
            time.sleep(0.5)
        found = {}
        for h in hits:
            name = h["subject"].split(" ")[0]
            if name not in ATTACHMENTS:
                continue
            status, _, body = curl(base + "/%s/api/message" % self.iid,
                                   data={"storeID": h["storeID"], "messageID": h["messageID"]}, headers=headers)
            self.assertEqual(status, 200, body)
            found[name] = [(a["part"], a["name"], a["contentType"]) for a in json.loads(body)["attachments"]]
        self.assertEqual(found, ATTACHMENTS)
        for name, attachments in ATTACHMENTS.items():  # and BODYSTRUCTURE has those parts with those types
            leaves = {part: t for part, t, _, _ in LEAVES[name]}
            for part, _, content_type in attachments:
                self.assertEqual(leaves.get(part), content_type, name + " part " + part)


class VerifiedLoginCacheTest(unittest.TestCase):
    """A right password verified lately skips Argon2id; nothing else does (issue 25): the instance's
    count of Argon2id checks (totalPasswordChecks) does not move for a second LOGIN, moves for a
    wrong password after a right one, and every rule but the password still runs on a hit."""

    @classmethod
    def setUpClass(cls):
        cls.p = Platform()
        try:
            cls.iid = "logincache"
            cls.p.ok("CreateInstance", config={"instanceID": cls.iid, "instanceHost": "127.0.0.1",
                                               "startMode": "manual"})
            cls.p.ok("StartInstances", instanceFilter=cls.iid)
            cls.p.ok("CreateUser", instanceID=cls.iid, userName="dee", privileges="none", password=PASSWORD,
                     loginPrivileges="imap")
            deadline = time.time() + 30
            while not cls.logs_in("dee", PASSWORD):
                if time.time() > deadline:
                    raise AssertionError("the CAS never routed to the instance")
                time.sleep(0.3)
        except BaseException:
            cls.p.stop()  # tearDownClass does not run when setUpClass fails
            raise

    @classmethod
    def tearDownClass(cls):
        cls.p.stop()

    @classmethod
    def login_answer(cls, user, password):
        """The tagged answer to LOGIN through the CAS."""
        c = RawImap(cls.p.ports["imaps"])
        try:
            return c.command('LOGIN "%s/%s" "%s"' % (cls.iid, user, password))[1]
        finally:
            c.close()

    @classmethod
    def logs_in(cls, user, password):
        return cls.login_answer(user, password).split(b" ")[1] == b"OK"

    def checks(self):
        """Argon2id verifications the instance ran so far."""
        return self.p.ok("GetInstanceProcessLiveStatistics", instanceID=self.iid)["totalPasswordChecks"]

    def test_00_a_second_login_runs_no_argon2id_a_wrong_password_does(self):
        self.p.ok("CreateUser", instanceID=self.iid, userName="fay", privileges="none", password=PASSWORD,
                  loginPrivileges="imap")
        start = self.checks()
        self.assertTrue(self.logs_in("fay", PASSWORD))
        self.assertEqual(self.checks() - start, 1, "the first login verifies with Argon2id")
        self.assertTrue(self.logs_in("fay", PASSWORD))
        self.assertTrue(self.logs_in("fay", PASSWORD))
        self.assertEqual(self.checks() - start, 1, "later ones are answered from the cache")
        self.assertFalse(self.logs_in("fay", PASSWORD + "x"))  # after a right one: still wrong
        self.assertEqual(self.checks() - start, 2, "a wrong password always costs Argon2id")
        self.assertTrue(self.logs_in("fay", PASSWORD))  # clears the CAS's delay for this address too
        self.assertEqual(self.checks() - start, 2)

    def test_00b_connections_opened_at_once_all_log_in(self):
        # A mail client opens several connections and logs in on each at once. A password verified
        # lately hashes nothing, so it takes no turn of the one-check-per-name rule, which refused
        # all but three of them ("Too many failed logins" with none failed) before.
        self.p.ok("CreateUser", instanceID=self.iid, userName="gil", privileges="none", password=PASSWORD,
                  loginPrivileges="imap")
        self.assertTrue(self.logs_in("gil", PASSWORD))  # verified once: in the cache
        count = 8  # the CAS's imapLoginsPerInstance
        clients = [RawImap(self.p.ports["imaps"]) for _ in range(count)]
        barrier, answers = threading.Barrier(count), [None] * count

        def login(n):
            barrier.wait(timeout=30)
            answers[n] = clients[n].command('LOGIN "%s/gil" "%s"' % (self.iid, PASSWORD))[1]

        try:
            threads = [threading.Thread(target=login, args=(n,)) for n in range(count)]
            for t in threads:
                t.start()
            for t in threads:
                t.join(timeout=60)
        finally:
            for c in clients:
                c.close()
        self.assertEqual([a.split(b" ")[1] if a else None for a in answers], [b"OK"] * count, answers)

    def test_01_a_changed_password_ends_the_old_one_at_once(self):
        self.assertTrue(self.logs_in("dee", PASSWORD))  # verified: in the cache now
        before = self.checks()
        self.assertTrue(self.logs_in("dee", PASSWORD))
        self.assertEqual(self.checks(), before, "dee's password is in the cache")
        self.p.ok("SetUserPassword", instanceID=self.iid, userName="dee", password=PASSWORD + "-new")
        self.assertFalse(self.logs_in("dee", PASSWORD))
        self.assertEqual(self.checks() - before, 1, "the new hash misses the cache: Argon2id refused the old one")
        self.assertTrue(self.logs_in("dee", PASSWORD + "-new"))
        self.assertTrue(self.logs_in("dee", PASSWORD + "-new"))

    def test_02_a_deleted_user_cannot_log_in(self):
        self.p.ok("CreateUser", instanceID=self.iid, userName="eve", privileges="none", password=PASSWORD,
                  loginPrivileges="imap")
        self.assertTrue(self.logs_in("eve", PASSWORD))
        self.assertTrue(self.logs_in("eve", PASSWORD))
        self.p.ok("DeleteUser", instanceID=self.iid, userName="eve")
        self.assertFalse(self.logs_in("eve", PASSWORD))

    def test_02b_a_withdrawn_login_privilege_counts_at_once(self):
        self.p.ok("CreateUser", instanceID=self.iid, userName="gus", privileges="none", password=PASSWORD,
                  loginPrivileges="imap")
        self.assertTrue(self.logs_in("gus", PASSWORD))
        self.assertTrue(self.logs_in("gus", PASSWORD))  # from the cache
        self.p.ok("SetUserLoginPrivileges", instanceID=self.iid, userName="gus", loginPrivileges="web")
        answer = self.login_answer("gus", PASSWORD)
        self.assertIn(b"may not log in with IMAP", answer)
        self.p.ok("SetUserLoginPrivileges", instanceID=self.iid, userName="gus", loginPrivileges="imap")
        self.assertTrue(self.logs_in("gus", PASSWORD))

    def test_03_no_password_in_any_log(self):
        for name in ("instancehost", "cas", "management"):
            self.assertNotIn(PASSWORD, self.p.log(name), name)


if __name__ == "__main__":
    unittest.main()
