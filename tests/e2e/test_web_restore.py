"""Web Access restore to a mailbox (issue 22: "end users can restore
selected messages to a mailbox through an IMAP target they configure") with
real processes: the CAS, the instance, and a real Dovecot over IMAPS whose
certificate the instance trusts through the host's webRestoreCaFile.
Dovecot listens on 127.0.0.1, a private address, so the provider allows it
by name and port (webRestoreServers); everything else private is refused.

- the JSON API through the CAS (curl): every field checked and named;
  private servers and other ports refused (an address at once, a name when
  connecting); a hostile server's floods (a huge literal, 150,000 folders)
  end in a short error; ticked messages restored with the
  archive's folders below the target, byte for byte (CRLF), \\Seen and the
  archived date kept; all results of a search restored flat; the run in
  GetWorkerResults and the audit log, the password in neither nor in any
  log; a wrong password ends in a readable failure; one restore per user at
  a time, and Stop, even while a server says nothing; 10 restores an hour;
- Debian's Chromium (browser/web_restore.mjs; screenshots at 1280x800 and
  390x844 in artifacts/web-restore/, axe-core on each): the dialog, a field
  error, the progress and the result."""
import email.utils
import json
import os
import socket
import ssl
import tempfile
import threading
import time
import unittest

from dovecot import Dovecot
from harness import Platform, WebAccess, assert_walked_clean, free_port, run_browser_scenario

HERE = os.path.dirname(os.path.abspath(__file__))
ARTIFACTS = os.path.join(HERE, "artifacts", "web-restore")
IID = "acme"
USER = "ann"
PASSWORD = "Ann-Restore-Pass1"
MAILBOX_USER = "ann-mail"
MAILBOX_PASSWORD = "Mailbox-Secret-7781"
DATE = 1767225600  # 2026-01-01 00:00:00 UTC

# (archive folder below ann, subject, day offset)
MESSAGES = [("Inbox", "Inbox one", 0), ("Inbox", "Inbox two", 1), ("Projects/2026", "Plan A", 2),
            ("Projects/2026", "Plan B", 3), ("Browser", "Restore me 1", 4), ("Browser", "Restore me 2", 5),
            ("Browser", "Restore me 3", 6)]


def raw_message(subject, day):
    return ("From: Zoe <zoe@example.com>\nTo: Ann <ann@example.com>\nSubject: %s\nDate: %s\n"
            "Message-ID: <%s@restore.example>\n\nThe text of %s.\n" % (
                subject, email.utils.formatdate(DATE + day * 86400, usegmt=True), subject.replace(" ", "."),
                subject)).encode()


class Blackhole:
    """A TCP server that takes connections and says nothing until released."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(4)
        self.port = self.sock.getsockname()[1]
        self.accepted = threading.Event()
        self.release = threading.Event()
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self):
        conn, _ = self.sock.accept()
        self.accepted.set()
        self.release.wait(120)
        conn.close()
        self.sock.close()


class HostileImap:
    """An IMAPS server that logs anyone in and answers LIST with a flood (`mode`): one 4 MB
    literal, or 150,000 folders."""

    def __init__(self, cert, key):
        self.context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self.context.load_cert_chain(cert, key)
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.port = self.sock.getsockname()[1]
        self.mode = "literal"
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self):
        while True:
            try:
                raw, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._session, args=(raw,), daemon=True).start()

    def _session(self, raw):
        try:
            with self.context.wrap_socket(raw, server_side=True) as c:
                c.sendall(b"* OK [CAPABILITY IMAP4rev1 LITERAL+] hostile\r\n")
                f = c.makefile("rb")
                for line in f:
                    tag, _, rest = line.decode(errors="replace").strip().partition(" ")
                    command = rest.split(" ", 1)[0].upper()
                    if command == "LIST" and self.mode == "literal":
                        c.sendall(b'* LIST () "/" {4000000}\r\n' + b"a" * 4000000 + b"\r\n%s OK\r\n" % tag.encode())
                    elif command == "LIST":
                        c.sendall(b"".join(b'* LIST () "/" "F%d"\r\n' % i for i in range(150000)) +
                                  b"%s OK\r\n" % tag.encode())
                    elif command == "LOGOUT":
                        c.sendall(b"* BYE\r\n%s OK\r\n" % tag.encode())
                        return
                    else:
                        c.sendall(b"%s OK done\r\n" % tag.encode())
        except (OSError, ssl.SSLError):
            return


class WebRestoreTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dovecot = Dovecot(tempfile.mkdtemp(prefix="spe-restore-dovecot-"))
        cls.dovecot.add_user(MAILBOX_USER, MAILBOX_PASSWORD)
        cls.dovecot.start()
        cls.addClassCleanup(cls.dovecot.stop)
        cls.blackhole = Blackhole()
        cls.closed_port = free_port()  # nothing listens there: a restore to it fails at once
        cls.hostile = HostileImap(cls.dovecot.file("cert.pem"), cls.dovecot.file("key.pem"))
        cls.p = Platform(instancehost_config={
            "webRestoreServers": ["localhost:%d" % cls.dovecot.ports["imaps"], "localhost:%d" % cls.dovecot.ports["imap"],
                                  "127.0.0.1:%d" % cls.blackhole.port, "127.0.0.1:%d" % cls.closed_port,
                                  "localhost:%d" % cls.hostile.port],
            "webRestoreCaFile": cls.dovecot.file("cert.pem")})
        cls.addClassCleanup(cls.p.stop)
        cls.p.ok("CreateInstance", config={"instanceID": IID, "instanceHost": "127.0.0.1", "startMode": "manual"})
        cls.p.ok("StartInstances", instanceFilter=IID)
        cls.p.ok("CreateUser", instanceID=IID, userName=USER, privileges="none", password=PASSWORD,
                 loginPrivileges="web,imap")
        cls.p.ok("CreateUser", instanceID=IID, userName="bob", privileges="none", password=PASSWORD,
                 loginPrivileges="web")
        src = cls.p.source_dir("ann")
        for i, (folder, subject, day) in enumerate(MESSAGES):
            os.makedirs(os.path.join(src, folder), exist_ok=True)
            with open(os.path.join(src, folder, "%d.eml" % i), "wb") as f:
                f.write(raw_message(subject, day))
        for user, path in (("ann", src), ("bob", cls.p.source_dir("bob"))):
            if user == "bob":
                with open(os.path.join(path, "b.eml"), "wb") as f:
                    f.write(raw_message("Bob only", 9))
            r = cls.p.ok("RunTemporaryProfile", instanceID=IID, raw=True, properties={
                "name": user, "connector": "emlDirectory", "details": {"path": path, "targetUserFolder": user}})
            assert r["itemsArchived"] >= 1, r
        cls.w = WebAccess(cls.p, IID)
        cls.base = cls.w.base
        cls.ann = cls.w.login({"userName": USER, "password": PASSWORD})
        cls.bob = cls.w.login({"userName": "bob", "password": PASSWORD})
        status, hits = cls.w.call(cls.ann, "search", {"folder": "ann", "limit": 100})
        assert status == 200, hits
        cls.hits = {h["subject"]: {"storeID": h["storeID"], "messageID": h["messageID"]} for h in hits["hits"]}
        assert len(cls.hits) == len(MESSAGES), hits
        status, hits = cls.w.call(cls.bob, "search", {"folder": "bob"})
        cls.bob_hit = {"storeID": hits["hits"][0]["storeID"], "messageID": hits["hits"][0]["messageID"]}

    def web(self, s, op, body=None):
        return self.w.call(s, op, body)

    def server(self, **changes):
        server = {"host": "localhost", "port": self.dovecot.ports["imaps"], "security": "tls",
                  "userName": MAILBOX_USER, "password": MAILBOX_PASSWORD}
        server.update(changes)
        return server

    def pick(self, *subjects):
        return [self.hits[s] for s in subjects]

    def wait_ended(self, s, restore_id, seconds=60):
        deadline = time.time() + seconds
        while True:
            status, answer = self.web(s, "restoreStatus", {"restoreID": restore_id})
            self.assertEqual(status, 200, answer)
            if answer["state"] != "running":
                return answer
            if time.time() > deadline:
                raise AssertionError("the restore did not end: %s" % answer)
            time.sleep(0.3)

    def refused(self, body, status, code, field=None, session=None):
        got, answer = self.web(session or self.ann, "restore", body)
        self.assertEqual((got, answer.get("code")), (status, code), (body, answer))
        if field:
            self.assertEqual(answer["params"]["field"], field, answer)
        return answer

    # ------------------------------------------------------------ tests
    def test_1_every_field_is_checked_and_named(self):
        messages = self.pick("Inbox one")
        good = {"messages": messages, "server": self.server(), "folder": "Restored"}
        for change, field in (({"server": None}, "server"), ({"server": "x"}, "server"),
                              ({"server": self.server(host="a b")}, "server.host"),
                              ({"server": self.server(host="")}, "server.host"),
                              ({"server": self.server(host=5)}, "server.host"),
                              ({"server": self.server(host="h" * 300)}, "server.host"),
                              ({"server": self.server(port=0)}, "server.port"),
                              ({"server": self.server(port=70000)}, "server.port"),
                              ({"server": self.server(port="993")}, "server.port"),
                              ({"server": self.server(security="none")}, "server.security"),
                              ({"server": self.server(userName="")}, "server.userName"),
                              ({"server": self.server(userName="a\r\nb")}, "server.userName"),
                              ({"server": self.server(password=None)}, "server.password"),
                              ({"server": self.server(password="p" * 2000)}, "server.password"),
                              ({"folder": ""}, "folder"), ({"folder": "a\x01b"}, "folder"),
                              ({"folder": "x" * 201}, "folder"), ({"folder": ["Restored"]}, "folder"),
                              ({"keepFolders": "yes"}, "keepFolders"),
                              ({"messages": [{"storeID": "x", "messageID": 1}]}, "messages[].storeID"),
                              ({"messages": "all"}, "messages")):
            body = dict(good, **change)
            self.refused({k: v for k, v in body.items() if v is not None}, 400, "badField", field)
        self.refused(dict(good, messages=[]), 400, "nothingToExport")
        self.refused(dict(good, search={"query": ""}), 400, "exportWhat")
        # Another user's message is no message of ann's.
        self.refused(dict(good, messages=[self.bob_hit]), 404, "noSuchMessage")
        # Private addresses and other ports only where the provider allows them.
        self.refused(dict(good, server=self.server(host="127.0.0.1", port=993)), 403, "restoreServerNotAllowed",
                     "server.host")
        self.refused(dict(good, server=self.server(host="10.1.2.3", port=143, security="starttls")), 403,
                     "restoreServerNotAllowed", "server.host")
        self.refused(dict(good, server=self.server(host="::ffff:127.0.0.1", port=993)), 403,
                     "restoreServerNotAllowed", "server.host")
        self.refused(dict(good, server=self.server(host="imap.example.com", port=2525)), 403,
                     "restoreServerNotAllowed", "server.port")
        # Status and Stop of what is not there.
        self.assertEqual(self.web(self.ann, "restoreStatus", {"restoreID": "0" * 32})[1]["code"], "noSuchRestore")
        self.assertEqual(self.web(self.bob, "restoreStatus", {})[1]["code"], "noSuchRestore")
        self.assertEqual(self.web(self.ann, "restoreCancel", {})[1]["params"]["field"], "restoreID")
        # The archive administrator manages the archive but restores nothing.
        url = self.p.ok("CreateClientOneTimeUrlForArchiveAdmin", instanceID=IID, instanceUrl=self.base + "/" + IID)
        self.refused(good, 403, "adminCannotRead", session=self.w.login({"oneTimePassword": url.split("=", 1)[1]}))

    def test_1b_a_name_of_a_private_address_is_refused_when_connecting(self):
        # "localhost" is allowed on Dovecot's ports only; on 993 it is an ordinary name, which
        # resolves to loopback: the run refuses to connect (no address in the error).
        status, started = self.web(self.ann, "restore", {
            "messages": self.pick("Inbox one"), "server": self.server(host="localhost", port=993), "folder": "X"})
        self.assertEqual(status, 200, started)
        done = self.wait_ended(self.ann, started["restoreID"])
        self.assertEqual(done["state"], "failed", done)
        self.assertIn("private or reserved network", done["error"])
        self.assertNotIn("127.0.0.1", done["error"])

    def test_2_ticked_messages_keep_their_folders_byte_for_byte(self):
        status, started = self.web(self.ann, "restore", {
            "messages": self.pick("Inbox one", "Plan A", "Plan B"), "server": self.server(),
            "folder": "Restored/Web", "keepFolders": True})
        self.assertEqual(status, 200, started)
        self.assertEqual(started["count"], 3)
        done = self.wait_ended(self.ann, started["restoreID"])
        self.assertEqual((done["state"], done["restored"], done["failed"], done["total"], done["percent"]),
                         ("succeeded", 3, 0, 3, 100), done)
        self.assertEqual(done["server"], "imaps://localhost:%d" % self.dovecot.ports["imaps"])
        self.assertEqual(done["folder"], "Restored/Web")
        # The latest restore without an ID is this one.
        self.assertEqual(self.web(self.ann, "restoreStatus", {})[1]["restoreID"], started["restoreID"])
        # Bob cannot see it.
        self.assertEqual(self.web(self.bob, "restoreStatus", {"restoreID": started["restoreID"]})[0], 404)

        box = self.dovecot.messages(MAILBOX_USER, MAILBOX_PASSWORD)
        by_subject = dict((s, (f, d)) for f, s, d in MESSAGES)
        expected = {}
        for subject in ("Inbox one", "Plan A", "Plan B"):
            folder, day = by_subject[subject]
            expected.setdefault("Restored/Web/" + folder, []).append(
                raw_message(subject, day).replace(b"\n", b"\r\n"))
        self.assertEqual({f: sorted(raw for _, raw in m) for f, m in box.items() if f.startswith("Restored/Web")},
                         {f: sorted(v) for f, v in expected.items()})
        for head, raw in box["Restored/Web/Projects/2026"]:
            self.assertIn(b"\\Seen", head)
            day = 2 if b"Plan A" in raw else 3
            self.assertIn(time.strftime("%d-%b-%Y", time.gmtime(DATE + day * 86400)).encode(), head)

        # On the record: a worker result under ann's name and an audit entry; no password anywhere.
        results = [w for w in self.p.ok("GetWorkerResults", instanceID=IID, fromIncluding="2000-01-01",
                                        toExcluding="2100-01-01", timeZoneID="$Local")
                   if w.get("profileName") == "Web Access restore for ann"]
        self.assertTrue(results, "no worker result")
        audit = self.p.ok("GetAuditLog", instanceID=IID, limit=1000)
        entries = [e for e in audit if e.get("event") == "MessageExport" and "Restored/Web" in json.dumps(e)]
        self.assertEqual(len(entries), 1, audit[-5:])
        self.assertIn("3 messages", json.dumps(entries[0]))
        everything = json.dumps([results, audit]) + self.p.log("instancehost") + self.p.log("cas")
        self.assertNotIn(MAILBOX_PASSWORD, everything)

    def test_3_all_results_of_a_search_flat_into_one_folder(self):
        status, started = self.web(self.ann, "restore", {
            "search": {"query": "subject:plan", "folder": "ann"},
            "server": self.server(port=self.dovecot.ports["imap"], security="starttls"),
            "folder": "Flat", "keepFolders": False})
        self.assertEqual((status, started.get("count")), (200, 2), started)
        done = self.wait_ended(self.ann, started["restoreID"])
        self.assertEqual((done["state"], done["restored"]), ("succeeded", 2), done)
        box = self.dovecot.messages(MAILBOX_USER, MAILBOX_PASSWORD)
        self.assertEqual(sorted(raw.split(b"Subject: ")[1].split(b"\r\n")[0] for _, raw in box["Flat"]),
                         [b"Plan A", b"Plan B"])

    def test_4_a_wrong_password_fails_readably(self):
        wrong = "Not-The-Password-55"
        status, started = self.web(self.ann, "restore", {
            "messages": self.pick("Inbox two"), "server": self.server(password=wrong), "folder": "Never"})
        self.assertEqual(status, 200, started)
        done = self.wait_ended(self.ann, started["restoreID"])
        self.assertEqual(done["state"], "failed", done)
        self.assertIn("login", done["error"].lower())
        self.assertNotIn(wrong, json.dumps(done))
        self.assertNotIn("Never", self.dovecot.messages(MAILBOX_USER, MAILBOX_PASSWORD))

    def test_5_one_restore_at_a_time_and_stop(self):
        status, first = self.web(self.ann, "restore", {
            "messages": self.pick("Inbox one"), "folder": "Hole",
            "server": self.server(host="127.0.0.1", port=self.blackhole.port, security="starttls")})
        self.assertEqual(status, 200, first)
        self.assertTrue(self.blackhole.accepted.wait(30), "the restore never connected")
        self.assertEqual(self.web(self.ann, "restoreStatus", {"restoreID": first["restoreID"]})[1]["state"],
                         "running")
        answer = self.refused({"messages": self.pick("Inbox two"), "server": self.server(), "folder": "Second"},
                              409, "restoreRunning")
        self.assertEqual(answer["params"]["restoreID"], first["restoreID"])
        status, stopped = self.web(self.ann, "restoreCancel", {"restoreID": first["restoreID"]})
        self.assertEqual((status, stopped["state"]), (200, "running"))
        # Stop ends even the wait for a server that says nothing (its deadline is 30 s away).
        started = time.time()
        done = self.wait_ended(self.ann, first["restoreID"], seconds=20)
        self.assertEqual(done["state"], "cancelled", done)
        self.assertEqual(done["restored"], 0)
        self.assertLess(time.time() - started, 20)
        self.blackhole.release.set()

    def test_5b_a_hostile_server_cannot_flood_the_instance(self):
        """A server anyone may name answers LIST with a 4 MB literal, then with 150,000 folders:
        each restore fails with a short error, and the instance goes on."""
        for mode, word in (("literal", "larger than allowed"), ("folders", "more than 100000 folders")):
            self.hostile.mode = mode
            status, started = self.web(self.bob, "restore", {
                "messages": [self.bob_hit], "folder": "Flood",
                "server": self.server(host="localhost", port=self.hostile.port)})
            self.assertEqual(status, 200, started)
            done = self.wait_ended(self.bob, started["restoreID"])
            self.assertEqual(done["state"], "failed", done)
            self.assertIn(word, done["error"], done)
            self.assertLess(len(done["error"]), 1000)
        self.assertEqual(self.web(self.ann, "folders")[0], 200)

    def test_6_ten_restores_an_hour(self):
        """No user can use us to try password after password on someone's mailbox."""
        body = {"messages": [self.bob_hit], "folder": "Guess",
                "server": self.server(host="127.0.0.1", port=self.closed_port, security="starttls")}
        for _ in range(10 - 2):  # test_5b started two
            status, started = self.web(self.bob, "restore", body)
            self.assertEqual(status, 200, started)
            done = self.wait_ended(self.bob, started["restoreID"])
            self.assertEqual(done["state"], "failed", done)
        answer = self.refused(body, 429, "tooManyRestores", session=self.bob)
        self.assertGreater(answer["params"]["seconds"], 3000)
        # Only bob's: ann may still start one.
        status, started = self.web(self.ann, "restore", dict(body, messages=self.pick("Inbox one")))
        self.assertEqual(status, 200, started)
        self.wait_ended(self.ann, started["restoreID"])

    def test_7_browser(self):
        args = {"url": "%s/%s/" % (self.base, IID), "user": USER, "password": PASSWORD, "folder": "Browser",
                "imapHost": "localhost", "imapPort": self.dovecot.ports["imaps"], "imapUser": MAILBOX_USER,
                "imapPassword": MAILBOX_PASSWORD}
        r = run_browser_scenario("web_restore.mjs", args, ARTIFACTS)
        assert_walked_clean(self, r, ARTIFACTS, 4)
        box = self.dovecot.messages(MAILBOX_USER, MAILBOX_PASSWORD)
        restored = [f for f in box if f.startswith("Restored by browser")]
        self.assertEqual(sum(len(box[f]) for f in restored), 2, sorted(box))


if __name__ == "__main__":
    unittest.main()
