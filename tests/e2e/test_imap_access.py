"""End users reading their archive over IMAP through the CAS, with real
processes and Python's imaplib: port 993 (TLS) and 143 (STARTTLS, login
refused before it), the instance/user login, every message byte-identical
to what was imported, UIDs stable across sessions, SEARCH equal to what the
messages hold, other archives under "Other Users/", writing commands
refused, wrong passwords and unknown instances answered alike, and two
instances with the same user name kept apart."""
import imaplib
import os
import re
import socket
import ssl
import time
import unittest

import mailgen
import mbsync
from harness import Platform

PASSWORD = "Corr3ct-Horse-Battery"


def tls_context():
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE  # the CAS's self-signed default certificate
    return ctx


class ImapAccessTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.p = Platform()
        cls.sources = {}
        for iid in ("acme", "globex"):
            cls.p.ok("CreateInstance", config={"instanceID": iid, "instanceHost": "127.0.0.1", "startMode": "manual",
                                               "alias": iid + "-alias"})
            cls.p.ok("StartInstances", instanceFilter=iid)
        src = cls.p.path("source")
        cls.sources["alice"] = mailgen.write_eml_tree(os.path.join(src, "alice"), 30)
        cls.sources["bob"] = mailgen.write_eml_tree(os.path.join(src, "bob"), 6, folders=("Inbox",))
        for user, login in (("alice", "imap"), ("bob", "imap"), ("carol", "web")):
            cls.p.ok("CreateUser", instanceID="acme", userName=user, privileges="none", password=PASSWORD,
                     loginPrivileges=login)
        cls.p.ok("SetUserPrivilegesOnFolder", instanceID="acme", userName="alice", folder="bob", privileges="read")
        for user in ("alice", "bob"):
            r = cls.p.ok("RunTemporaryProfile", instanceID="acme", raw=True, properties={
                "name": user, "connector": "emlDirectory",
                "details": {"path": os.path.join(src, user), "targetUserFolder": user}})
            assert r["itemsArchived"] > 0, r
        # The other instance has an "alice" too, with another password and mail.
        cls.p.ok("CreateUser", instanceID="globex", userName="alice", privileges="none", password=PASSWORD + "-g",
                 loginPrivileges="imap")
        mailgen.write_eml_tree(os.path.join(src, "galice"), 3, folders=("Inbox",))
        cls.p.ok("RunTemporaryProfile", instanceID="globex", raw=True, properties={
            "name": "g", "connector": "emlDirectory",
            "details": {"path": os.path.join(src, "galice"), "targetUserFolder": "alice"}})
        cls.wait_for_routes()

    @classmethod
    def tearDownClass(cls):
        cls.p.stop()

    @classmethod
    def wait_for_routes(cls):
        """The CAS learns instances from heartbeats (every second here)."""
        deadline = time.time() + 20
        while time.time() < deadline:
            try:
                m = cls.imaps()
                m.login("acme/alice", PASSWORD)
                m.logout()
                return
            except imaplib.IMAP4.error:
                time.sleep(0.5)
        raise AssertionError("the CAS never routed to the instance")

    @classmethod
    def imaps(cls):
        return imaplib.IMAP4_SSL("127.0.0.1", cls.p.ports["imaps"], ssl_context=tls_context(), timeout=30)

    def login(self, user="acme/alice", password=PASSWORD):
        m = self.imaps()
        m.login(user, password)
        self.addCleanup(lambda: m.logout() if m.state != "LOGOUT" else None)
        return m

    def fetch_all(self, m, mailbox):
        typ, data = m.select(mailbox, readonly=True)
        self.assertEqual(typ, "OK", data)
        count = int(data[0])
        if count == 0:
            return {}
        typ, data = m.uid("FETCH", "1:*", "(RFC822.SIZE BODY.PEEK[])")
        self.assertEqual(typ, "OK", data)
        out = {}
        for item in data:
            if isinstance(item, tuple):
                head = item[0].decode()
                uid = int(re.search(r"UID (\d+)", head).group(1))
                size = int(re.search(r"RFC822.SIZE (\d+)", head).group(1))
                self.assertEqual(size, len(item[1]))
                out[uid] = item[1]
        self.assertEqual(len(out), count)
        return out

    def test_01_every_message_byte_identical_over_993(self):
        m = self.login()
        typ, boxes = m.list()
        self.assertEqual(typ, "OK")
        names = [re.search(rb'"/" (.*)$', b).group(1).decode().strip('"') for b in boxes]
        for want in ("INBOX", "Sent", "Projects", "Projects/2024", "Other Users", "Other Users/bob",
                     "Other Users/bob/Inbox"):
            self.assertIn(want, names)
        self.assertNotIn("Other Users/carol", names)
        for folder, imap_name in (("Inbox", "INBOX"), ("Sent", "Sent"), ("Projects/2024", "Projects/2024")):
            got = self.fetch_all(m, '"%s"' % imap_name)
            self.assertEqual(sorted(got.values()), sorted(self.sources["alice"][folder]), folder)
        got = self.fetch_all(m, '"Other Users/bob/Inbox"')
        self.assertEqual(sorted(got.values()), sorted(self.sources["bob"]["Inbox"]))

    def test_02_starttls_on_143_and_no_login_before(self):
        m = imaplib.IMAP4("127.0.0.1", self.p.ports["imap"], timeout=30)
        self.assertIn("LOGINDISABLED", m.capabilities)
        with self.assertRaises(imaplib.IMAP4.error) as e:
            m.login("acme/alice", PASSWORD)
        self.assertIn("PRIVACYREQUIRED", str(e.exception))
        m.starttls(ssl_context=tls_context())
        m.login("acme/alice", PASSWORD)
        got = self.fetch_all(m, "INBOX")
        self.assertEqual(sorted(got.values()), sorted(self.sources["alice"]["Inbox"]))
        m.logout()

    def test_03_uids_stable_and_status(self):
        m = self.login()
        typ, data = m.status("INBOX", "(MESSAGES UIDNEXT UIDVALIDITY)")
        self.assertEqual(typ, "OK")
        status = data[0].decode()
        first = self.fetch_all(m, "INBOX")
        self.assertIn("MESSAGES %d" % len(first), status)
        m2 = self.login("acme-alias/alice")  # by alias, in another session
        second = self.fetch_all(m2, "INBOX")
        self.assertEqual(first, second)
        validity = re.search(r"UIDVALIDITY (\d+)", status).group(1)
        typ, data = m2.status("INBOX", "(UIDVALIDITY UIDNEXT)")
        self.assertIn("UIDVALIDITY " + validity, data[0].decode())
        self.assertIn("UIDNEXT %d" % (max(first) + 1), data[0].decode())

    def test_04_search_by_text_date_size_and_sets(self):
        m = self.login()
        m.select("INBOX", readonly=True)
        bodies = self.fetch_all(m, "INBOX")
        by_uid = sorted(bodies)

        def uids(*criteria):
            typ, data = m.uid("SEARCH", *criteria)
            self.assertEqual(typ, "OK", data)
            return sorted(int(x) for x in data[0].split())

        self.assertEqual(uids("ALL"), by_uid)
        # Text keys are answered by the search index, which may lag a moment behind archiving.
        fox = sorted(u for u, b in bodies.items() if b"fox" in b)
        deadline = time.time() + 30
        while uids("BODY", "fox") != fox and time.time() < deadline:
            time.sleep(0.5)
        want = sorted(u for u, b in bodies.items() if b"From: Sender 3 " in b)
        self.assertTrue(want)
        self.assertEqual(uids("FROM", "sender3@example.com"), want)
        self.assertEqual(uids("HEADER", "Message-ID", "gen3@"), sorted(u for u, b in bodies.items() if b"<gen3@" in b))
        plain = sorted(u for u, b in bodies.items() if b"Subject: Plain" in b)
        self.assertEqual(uids("SUBJECT", "plain"), plain)
        self.assertEqual(uids("NOT", "SUBJECT", "plain"), sorted(set(by_uid) - set(plain)))
        self.assertEqual(uids("OR", "SUBJECT", "plain", "FROM", "sender3@example.com"), sorted(set(plain) | set(want)))
        self.assertEqual(uids("SENTBEFORE", "1-Jan-2024"), [])
        self.assertEqual(uids("SENTSINCE", "1-Jan-2024"), by_uid)
        big = sorted(u for u, b in bodies.items() if len(b) > 1500)
        self.assertEqual(uids("LARGER", "1500"), big)
        self.assertEqual(uids("UID", "%d:%d" % (by_uid[1], by_uid[2])), by_uid[1:3])
        self.assertEqual(uids("UNSEEN"), [])
        typ, data = m.search(None, "2:3")
        self.assertEqual(data[0].split(), [b"2", b"3"])
        typ, data = m.uid("SEARCH", "BODY", '"quick brown fox"')
        self.assertEqual(sorted(int(x) for x in data[0].split()),
                         sorted(u for u, b in bodies.items() if b"quick brown fox" in b))

    def test_05_partial_header_fields_and_sections(self):
        m = self.login()
        m.select("INBOX", readonly=True)
        bodies = self.fetch_all(m, "INBOX")
        uid = min(bodies)
        raw = bodies[uid]
        head, _, text = raw.partition(b"\r\n\r\n")
        typ, data = m.uid("FETCH", str(uid), "(BODY.PEEK[HEADER] BODY.PEEK[TEXT] BODY.PEEK[]<0.20> "
                                             "BODY.PEEK[HEADER.FIELDS (FROM SUBJECT)] INTERNALDATE FLAGS)")
        self.assertEqual(typ, "OK")
        parts = [x for x in data if isinstance(x, tuple)]
        self.assertEqual(parts[0][1], head + b"\r\n\r\n")
        self.assertEqual(parts[1][1], text)
        self.assertEqual(parts[2][1], raw[:20])
        fields = parts[3][1].decode()
        self.assertTrue(fields.startswith("From: ") and "Subject: " in fields and "To:" not in fields, fields)
        tail = b"".join(x if isinstance(x, bytes) else b"" for x in data).decode()
        self.assertIn("FLAGS (\\Seen)", tail + parts[3][0].decode() + parts[0][0].decode())

    def test_05b_structure_envelope_and_parts(self):
        m = self.login()
        bodies = self.fetch_all(m, "INBOX")
        typ, data = m.fetch("1:*", "(ENVELOPE BODYSTRUCTURE)")
        self.assertEqual(typ, "OK", data)
        text = b" ".join(x if isinstance(x, bytes) else x[0] + x[1] for x in data).decode("utf-8", "replace")
        self.assertEqual(text.count("ENVELOPE ("), len(bodies))
        self.assertIn('"MIXED" ("BOUNDARY"', text)
        self.assertIn('("ATTACHMENT" ("FILENAME" "r3.pdf"))', text)
        # The attachment of a multipart message, as part 2, byte for byte.
        uid = next(u for u, b in bodies.items() if b"boundary=" in b)
        raw = bodies[uid]
        boundary = re.search(rb'boundary="([^"]+)"', raw).group(1)
        part2 = raw.split(b"--" + boundary)[2]
        body2 = part2.split(b"\r\n\r\n", 1)[1][:-2]  # without the CRLF before the next boundary
        typ, data = m.uid("FETCH", str(uid), "(BODY.PEEK[2] BODY.PEEK[2.MIME])")
        self.assertEqual(typ, "OK", data)
        parts = [x for x in data if isinstance(x, tuple)]
        self.assertEqual(parts[0][1], body2)
        self.assertTrue(parts[1][1].startswith(b"Content-Type: application/pdf"), parts[1][1])

    def test_05c_mbsync_pulls_the_whole_archive(self):
        out = self.p.path("mbsync-alice")
        mbsync.pull(self.p.ports["imaps"], "acme/alice", PASSWORD, self.p.path("cas", "public-tls", "cert.pem"), out)
        got = mbsync.messages(out)

        def lf(messages):  # mbsync writes LF line ends and adds its X-TUID header
            return sorted(re.sub(rb"(?m)^X-TUID: .*\n", b"", m.replace(b"\r\n", b"\n")) for m in messages)

        want = {"INBOX" if k == "Inbox" else k: lf(v) for k, v in self.sources["alice"].items()}
        want["Other Users/bob/Inbox"] = lf(self.sources["bob"]["Inbox"])
        self.assertEqual({k: lf(v) for k, v in got.items()}, want)

    def test_06_read_only(self):
        m = self.login()
        m.select("INBOX", readonly=True)
        for cmd in (lambda: m.uid("STORE", "1:*", "+FLAGS", "(\\Deleted)"), lambda: m.expunge(),
                    lambda: m.create("New"), lambda: m.delete("Sent"),
                    lambda: m.append("INBOX", None, None, b"Subject: x\r\n\r\nx\r\n")):
            typ, data = cmd()
            self.assertEqual(typ, "NO", data)
            self.assertIn(b"read-only", data[0])
        self.assertEqual(len(self.fetch_all(m, "INBOX")), len(self.sources["alice"]["Inbox"]))

    def test_07_refusals_look_alike(self):
        for user, password in (("acme/alice", "wrong"), ("nosuch/alice", PASSWORD), ("alice", PASSWORD),
                               ("acme/nobody", PASSWORD)):
            m = self.imaps()
            with self.assertRaises(imaplib.IMAP4.error) as e:
                m.login(user, password)
            self.assertIn("AUTHENTICATIONFAILED", str(e.exception), user)
            m.shutdown()
        m = self.imaps()
        with self.assertRaises(imaplib.IMAP4.error) as e:
            m.login("acme/carol", PASSWORD)  # no imap login privilege
        self.assertIn("may not log in with IMAP", str(e.exception))
        m.shutdown()

    def test_08_instances_apart(self):
        m = self.login("globex/alice", PASSWORD + "-g")
        self.assertEqual(len(self.fetch_all(m, "INBOX")), 3)
        typ, boxes = m.list()
        self.assertFalse(any(b"Other Users" in b for b in boxes), boxes)
        m2 = self.imaps()
        with self.assertRaises(imaplib.IMAP4.error):
            m2.login("globex/alice", PASSWORD)  # acme's password
        m2.shutdown()
        typ, data = m.select('"Other Users/bob/Inbox"')
        self.assertEqual(typ, "NO")

    def test_08b_idle_announces_new_mail(self):
        m = self.login("acme/bob")
        typ, data = m.select("INBOX", readonly=True)
        before = int(data[0])
        tag = m._new_tag()
        m.send(tag + b" IDLE\r\n")
        self.assertTrue(m.readline().startswith(b"+"))
        new = self.p.path("source", "bob-new", "Inbox")
        os.makedirs(new)
        with open(os.path.join(new, "new.eml"), "wb") as f:
            f.write(mailgen.message(9999))
        self.p.ok("RunTemporaryProfile", instanceID="acme", raw=True, properties={
            "name": "new", "connector": "emlDirectory",
            "details": {"path": os.path.dirname(new), "targetUserFolder": "bob"}})
        m.sock.settimeout(30)
        line = m.readline()  # no DONE yet: the server tells by itself
        self.assertEqual(line, b"* %d EXISTS\r\n" % (before + 1))
        m.send(b"DONE\r\n")
        self.assertTrue(m.readline().startswith(tag + b" OK"))
        typ, data = m.uid("FETCH", "*", "(BODY.PEEK[])")
        self.assertEqual(data[0][1], mailgen.message(9999))

    def test_08c_tls_1_2_or_newer_on_every_public_port(self):
        for port in (self.p.ports["imaps"], self.p.ports["https"]):
            old = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
            old.check_hostname = False
            old.verify_mode = ssl.CERT_NONE
            old.set_ciphers("DEFAULT:@SECLEVEL=0")  # let this client offer TLS 1.0/1.1
            old.minimum_version = ssl.TLSVersion.TLSv1
            old.maximum_version = ssl.TLSVersion.TLSv1_1
            with socket.create_connection(("127.0.0.1", port)) as raw:
                with self.assertRaises(ssl.SSLError, msg=port):
                    old.wrap_socket(raw).do_handshake()
            with socket.create_connection(("127.0.0.1", port)) as raw:
                with tls_context().wrap_socket(raw) as s:
                    self.assertIn(s.version(), ("TLSv1.2", "TLSv1.3"))
        # STARTTLS on 143 too.
        m = imaplib.IMAP4("127.0.0.1", self.p.ports["imap"], timeout=30)
        m.starttls(ssl_context=tls_context())
        self.assertIn(m.sock.version(), ("TLSv1.2", "TLSv1.3"))
        m.logout()

    def test_09_hostile_input(self):
        raw = socket.create_connection(("127.0.0.1", self.p.ports["imaps"]))
        s = tls_context().wrap_socket(raw)
        s.recv(1000)
        s.sendall(b"a1 LOGIN {999999999}\r\n")
        answer = s.recv(1000)
        self.assertIn(b"BYE", answer)
        s.close()
        m = self.login()
        typ, data = m._simple_command("SELECT", "../../etc")
        self.assertEqual(typ, "NO")
        m.select("INBOX", readonly=True)
        with self.assertRaises(imaplib.IMAP4.error) as e:
            m._simple_command("FETCH", "1:*", "(BODY[)")
        self.assertIn("BAD", str(e.exception))
        typ, data = m._simple_command("NOOP")
        self.assertEqual(typ, "OK")  # still usable


if __name__ == "__main__":
    unittest.main()
