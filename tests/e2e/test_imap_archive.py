"""Archiving from a real Dovecot over IMAP and POP3 through the Management API:
1,000 messages in several folders (counts and sizes per folder, byte for
byte), incremental runs (only new mail), folder names in modified UTF-7,
unread mail left for later, deleting at the source only what is archived,
implicit TLS, and errors a provider can act on (wrong password, an
untrusted certificate, bad profile details). The password is never shown."""
import imaplib
import json
import os
import random
import signal
import threading
import time
import unittest

import mailgen
from dovecot import Dovecot
from harness import InstanceCalls

IID = "imapsrc"
PASSWORD = 'Pw with "quotes" and spaces'


class ImapArchiveTest(InstanceCalls, unittest.TestCase):
    iid = IID

    @classmethod
    def setUpClass(cls):
        cls.start_platform()
        for user in ("alice", "bob", "carol", "dave", "erin", "frank", "gina"):
            cls.p.ok("CreateUser", instanceID=IID, userName=user, privileges="none")
        cls.dovecot = Dovecot(cls.p.path("dovecot"))
        for user in ("alice", "bob", "carol", "dave", "erin", "frank", "journal", "gina"):
            cls.dovecot.add_user(user, PASSWORD)
        cls.sent = {}
        n = 0
        for folder, count in (("INBOX", 400), ("Sent", 300), ("Projects/2024", 300)):
            for _ in range(count):
                raw = mailgen.message(n)
                n += 1
                cls.dovecot.add_message("alice", folder, raw)
                cls.sent.setdefault(folder, []).append(raw)
        cls.dovecot.start()

    @classmethod
    def tearDownClass(cls):
        cls.dovecot.stop()
        cls.p.stop()

    def profile(self, name, user, target, **details):
        d = {"host": "localhost", "port": str(self.dovecot.ports["imap"]), "protocol": "IMAP-TLS", "userName": user,
             "password": PASSWORD, "ignoreSSLPolicyErrors": "1", "targetUserFolder": target}
        d.update(details)
        return self.ok("CreateProfile", raw=True, properties={"name": name, "type": "archive", "connector": "imap",
                                                              "details": d})["id"]

    def stats(self, prefix):
        return {f["folder"]: f for f in self.ok("GetFolderStatistics") if f["folder"].startswith(prefix)}

    def stats_total(self, prefix):
        return sum(f["count"] for f in self.stats(prefix).values())

    def imap(self, user):
        c = imaplib.IMAP4("127.0.0.1", self.dovecot.ports["imap"])
        c.login(user, PASSWORD)
        return c

    def test_01_whole_mailbox_then_only_new_mail(self):
        pid = self.profile("alice via IMAP", "alice", "alice/Mailbox")
        r = self.ok("RunProfile", id=pid)
        # mailgen makes every fifth message with an unreadable PDF: the
        # only warnings are the index's.
        self.assertEqual((r["result"], r["itemsArchived"], r["duplicates"], r["warnings"]),
                         ("completedWithWarnings", 1000, 0, 200), r)
        stats = self.stats("alice/Mailbox/")
        for folder, target in (("INBOX", "Inbox"), ("Sent", "Sent"), ("Projects/2024", "Projects/2024")):
            f = stats["alice/Mailbox/" + target]
            self.assertEqual(f["count"], len(self.sent[folder]), folder)
            self.assertEqual(f["size"], sum(len(m) for m in self.sent[folder]), folder)
        report = self.ok("GetWorkerResultReport", id=r["workerResultId"])["report"]
        self.assertEqual(report["folders"]["alice/Mailbox/Sent"]["archived"], 300)
        # Incremental: only what is new is fetched (no duplicates), also in
        # a new folder with a non-ASCII name (modified UTF-7 on the wire).
        for i in range(10):
            self.dovecot.add_message("alice", "INBOX", mailgen.message(5000 + i))
        for i in range(5):
            self.dovecot.add_message("alice", "Entw&APw-rfe", mailgen.message(6000 + i))
        again = self.ok("RunProfile", id=pid)
        self.assertEqual((again["itemsArchived"], again["duplicates"]), (15, 0), again)
        self.assertEqual(self.stats("alice/Mailbox/")["alice/Mailbox/Entwürfe"]["count"], 5)
        nothing = self.ok("RunProfile", id=pid)
        self.assertEqual((nothing["itemsArchived"], nothing["duplicates"]), (0, 0))
        # Nothing was marked read or deleted at the source.
        c = self.imap("alice")
        c.select("INBOX", readonly=True)
        self.assertEqual(len(c.search(None, "ALL")[1][0].split()), 410)
        self.assertEqual(c.search(None, "UNSEEN")[1][0], b"")
        c.logout()
        profiles = self.ok("GetProfiles", raw=True)
        self.assertNotIn("quotes", json.dumps(profiles), "the password is never shown")

    def test_02_delete_after_archive_over_implicit_tls(self):
        for i in range(6):
            self.dovecot.add_message("bob", "INBOX", mailgen.message(7000 + i))
        self.dovecot.add_message("bob", "INBOX", mailgen.message(7100), seen=False)
        pid = self.profile("bob", "bob", "bob", protocol="IMAP-SSL", port=str(self.dovecot.ports["imaps"]),
                           deleteAfterArchive="true", archiveUnread="0")
        r = self.ok("RunProfile", id=pid)
        self.assertEqual((r["itemsArchived"], r["failed"], r["warnings"]), (6, 0, 1), r)
        report = self.ok("GetWorkerResultReport", id=r["workerResultId"])["report"]
        self.assertRegex(report["warnings"][0], r"^INBOX UID \d+: not fully indexed: ")
        c = self.imap("bob")
        c.select("INBOX")
        left = c.search(None, "ALL")[1][0].split()
        self.assertEqual(len(left), 1, "only the archived messages were deleted; the unread one waits")
        c.store(left[0], "+FLAGS", "\\Seen")
        c.logout()
        r = self.ok("RunProfile", id=pid)
        self.assertEqual(r["itemsArchived"], 1, "archived once read")
        c = self.imap("bob")
        c.select("INBOX", readonly=True)
        self.assertEqual(c.search(None, "ALL")[1][0], b"")
        c.logout()
        self.assertEqual(self.stats("bob/")["bob/Inbox"]["count"], 7)

    def test_03_errors_a_provider_can_act_on(self):
        self.dovecot.add_message("carol", "INBOX", mailgen.message(8000))
        wrong = self.profile("wrong password", "carol", "carol", password="nope")
        self.failed("RunProfile", "refused the login of 'carol'", id=wrong)
        strict = self.profile("strict", "carol", "carol", ignoreSSLPolicyErrors="0")
        message = self.failed("RunProfile", "certificate is not trusted", id=strict)
        self.assertIn("ignoreSSLPolicyErrors", message)
        closed = self.profile("closed", "carol", "carol", protocol="IMAP", port="1")
        self.failed("RunProfile", "connecting to localhost:1", id=closed)
        results = self.ok("GetWorkerResults", fromIncluding="2000-01-01", toExcluding="2100-01-01",
                          timeZoneID="$Local", profileID=wrong)
        self.assertEqual(results[0]["result"], "failed")
        for details, word in (({"protocol": "IMAPS"}, "'details.protocol' must be IMAP, IMAP-TLS"),
                              ({"deleteAfterArchive": "sometimes"}, "'details.deleteAfterArchive'"),
                              ({"deleteAfterArchive": "afterDays"}, "'details.deleteAfterDays' is required"),
                              ({"port": "99999"}, "'details.port' must be between 1 and 65535"),
                              ({"since": "last week"}, "'details.since' must be a date"),
                              ({"host": ""}, "'details.host' is required"),
                              ({"colour": "red"}, "unknown key 'colour'")):
            d = {"host": "localhost", "userName": "carol", "password": "x", "targetUserFolder": "carol"}
            d.update(details)
            self.failed("CreateProfile", word, raw=True, properties={"name": "bad", "connector": "imap", "details": d})
        ok = self.profile("carol", "carol", "carol", since="2000-01-01", includeFolders="INBOX")
        self.assertEqual(self.ok("RunProfile", id=ok)["itemsArchived"], 1)

    def test_04_instance_killed_mid_run_then_run_again(self):
        sent = {"INBOX": [], "Archive/2023": []}
        for i in range(4000):
            folder = "INBOX" if i % 2 else "Archive/2023"
            raw = mailgen.message(20000 + i, size_lines=200)
            sent[folder].append(raw)
            self.dovecot.add_message("dave", folder, raw)
        pid = self.profile("dave", "dave", "dave")
        rng = random.Random(6)
        for _ in range(3):
            status, _, _ = self.p.request("/api/invoke/RunProfile", {"instanceID": IID, "id": pid})
            self.assertEqual(status, 200)
            time.sleep(rng.uniform(0.3, 0.9))
            victim = {i["instanceID"]: i for i in self.p.ok("GetInstances", instanceFilter=IID)}[IID]["processID"]
            os.kill(victim, signal.SIGKILL)
            deadline = time.time() + 20
            while {i["instanceID"]: i for i in self.p.ok("GetInstances", instanceFilter=IID)}[IID]["status"] == "running":
                self.assertLess(time.time(), deadline)
                time.sleep(0.1)
            self.p.ok("StartInstances", instanceFilter=IID)
        aborted = [w for w in self.ok("GetWorkerResults", fromIncluding="2000-01-01", toExcluding="2100-01-01",
                                      timeZoneID="$Local", profileID=pid) if w["result"] == "threadAbort"]
        self.assertGreaterEqual(len(aborted), 1, "a run was killed in the middle")
        r = self.ok("RunProfile", id=pid)
        self.assertEqual(r["failed"], 0, r)
        stats = self.stats("dave/")
        for folder, target in (("INBOX", "dave/Inbox"), ("Archive/2023", "dave/Archive/2023")):
            self.assertEqual(stats[target]["count"], len(sent[folder]), "nothing lost, nothing twice: " + folder)
            self.assertEqual(stats[target]["size"], sum(len(m) for m in sent[folder]))
        again = self.ok("RunProfile", id=pid)
        self.assertEqual((again["itemsArchived"], again["duplicates"]), (0, 0), "the position was kept")

    def test_05_pop3_incremental_by_uidl_then_delete(self):
        sent = [mailgen.message(30000 + i) for i in range(12)]
        sent.append(b"From: dots@example.com\r\nSubject: dots\r\n\r\n.leading dot\r\n..two\r\n.\r\nend\r\n")
        for raw in sent:
            self.dovecot.add_message("erin", "INBOX", raw)
        details = {"host": "localhost", "port": str(self.dovecot.ports["pop3"]), "protocol": "POP3-TLS",
                   "userName": "erin", "password": PASSWORD, "ignoreSSLPolicyErrors": "true",
                   "targetUserFolder": "erin"}
        pid = self.ok("CreateProfile", raw=True, properties={"name": "erin pop3", "connector": "pop3",
                                                             "details": details})["id"]
        r = self.ok("RunProfile", id=pid)
        self.assertEqual((r["itemsArchived"], r["duplicates"], r["failed"]), (13, 0, 0), r)
        inbox = self.stats("erin/")["erin/Inbox"]
        self.assertEqual((inbox["count"], inbox["size"]), (13, sum(len(m) for m in sent)),
                         "byte for byte (dot-stuffing removed)")
        for i in range(3):
            self.dovecot.add_message("erin", "INBOX", mailgen.message(31000 + i))
        again = self.ok("RunProfile", id=pid)
        self.assertEqual((again["itemsArchived"], again["duplicates"]), (3, 0), "only new mail, by UIDL")
        # Delete after archive over implicit TLS: the server is empty after,
        # including what earlier runs archived.
        d = dict(details, protocol="POP3-SSL", port=str(self.dovecot.ports["pop3s"]), deleteAfterArchive="1")
        self.ok("DeleteProfile", id=pid)
        pid = self.ok("CreateProfile", raw=True, properties={"name": "erin pop3 delete", "connector": "pop3",
                                                             "details": d})["id"]
        r = self.ok("RunProfile", id=pid)
        self.assertEqual((r["itemsArchived"], r["duplicates"]), (0, 16), "a new profile: all duplicates")
        c = self.imap("erin")
        c.select("INBOX", readonly=True)
        self.assertEqual(c.search(None, "ALL")[1][0], b"", "deleted at the source once durable")
        c.logout()
        self.assertEqual(self.stats("erin/")["erin/Inbox"]["count"], 16)
        # Too large for the archive: reported once, then passed over and
        # never deleted at the source.
        self.dovecot.add_message("erin", "INBOX", b"Subject: huge\r\n\r\n" + (b"y" * 1022 + b"\r\n") * 257 * 1024)
        r = self.ok("RunProfile", id=pid)
        self.assertEqual((r["failed"], r["itemsArchived"]), (1, 0), r)
        self.assertEqual(self.ok("RunProfile", id=pid)["failed"], 0)
        c = self.imap("erin")
        c.select("INBOX", readonly=True)
        self.assertEqual(len(c.search(None, "ALL")[1][0].split()), 1, "the large message stays at the source")
        c.logout()
        bad = dict(details, password="wrong")
        wrong = self.ok("CreateProfile", raw=True, properties={"name": "erin wrong", "connector": "pop3",
                                                               "details": bad})["id"]
        self.failed("RunProfile", "refused the login of 'erin'", id=wrong)
        self.failed("CreateProfile", "'details.protocol' must be POP3, POP3-TLS", raw=True,
                    properties={"name": "x", "connector": "pop3", "details": dict(details, protocol="POP4")})

    def runs(self, pid):
        return self.ok("GetWorkerResults", fromIncluding="2000-01-01", toExcluding="2100-01-01", timeZoneID="$Local",
                       profileID=pid)

    def wait_for(self, what, predicate, seconds=30):
        deadline = time.time() + seconds
        while not predicate():
            self.assertLess(time.time(), deadline, what)
            time.sleep(0.2)

    def test_06_automatic_server_side_execution(self):
        for i in range(5):
            self.dovecot.add_message("frank", "INBOX", mailgen.message(40000 + i))
        pid = self.profile("frank auto", "frank", "frank")
        self.failed("SetProfileServerSideExecution", "'automaticPauseBetweenExecutions' is required", id=pid,
                    automatic=True)
        self.failed("SetProfileServerSideExecution", "'automaticMaintenanceWindows' must be time spans", id=pid,
                    automatic=True, automaticPauseBetweenExecutions=1, automaticMaintenanceWindows="late evening")
        self.failed("SetProfileServerSideExecution", "no profile", id=999, automatic=False)
        # A maintenance window around the whole day: nothing runs.
        self.ok("SetProfileServerSideExecution", id=pid, automatic=True, automaticPauseBetweenExecutions=1,
                automaticMaintenanceWindows="00:00-12:00, 12:00-00:00")
        time.sleep(3)
        self.assertEqual(self.runs(pid), [])
        self.ok("SetProfileServerSideExecution", id=pid, automatic=True, automaticPauseBetweenExecutions=1)
        shown = [p for p in self.ok("GetProfiles", raw=True) if p["id"] == pid][0]["serverSideExecution"]
        self.assertEqual(shown, {"automatic": True, "automaticPauseBetweenExecutions": 1,
                                 "automaticMaintenanceWindows": ""})
        self.wait_for("the first automatic run", lambda: self.stats("frank/").get("frank/Inbox", {}).get("count") == 5)
        # New mail is archived by the next runs, without RunProfile.
        for i in range(3):
            self.dovecot.add_message("frank", "INBOX", mailgen.message(41000 + i))
        self.wait_for("new mail archived automatically",
                      lambda: self.stats("frank/").get("frank/Inbox", {}).get("count") == 8)
        self.assertGreaterEqual(len(self.runs(pid)), 2)
        # A manual run while automatic: never two at once; off again stops it.
        self.ok("SetProfileServerSideExecution", id=pid, automatic=False)
        time.sleep(1.5)  # a run under way ends
        count = len(self.runs(pid))
        time.sleep(2.5)
        self.assertEqual(len(self.runs(pid)), count, "no more automatic runs")
        self.assertTrue(all(r["result"] in ("succeeded", "completedWithWarnings") for r in self.runs(pid)))
        # Frozen for a backup, or started in safe mode: nothing runs by itself.
        self.dovecot.add_message("frank", "INBOX", mailgen.message(42000))
        self.ok("SetProfileServerSideExecution", id=pid, automatic=True, automaticPauseBetweenExecutions=1)
        self.assertIs(self.ok("CanRunArchiveProfiles"), True)
        self.p.ok("FreezeInstances", instanceFilter=IID)  # a run under way waits, no new one starts
        self.assertIs(self.ok("CanRunArchiveProfiles"), False)
        count = len(self.runs(pid))
        time.sleep(3)
        self.assertEqual(len(self.runs(pid)), count, "no run starts while frozen")
        self.p.ok("ThawInstances", instanceFilter=IID)
        self.wait_for("a run after thawing", lambda: self.stats("frank/")["frank/Inbox"]["count"] == 9
                      and len(self.runs(pid)) > count)
        self.p.ok("StopInstances", instanceFilter=IID)
        self.p.ok("StartInstances", instanceFilter=IID, safeMode=True)
        self.dovecot.add_message("frank", "INBOX", mailgen.message(42001))
        count = len(self.runs(pid))
        time.sleep(3)
        self.assertEqual(len(self.runs(pid)), count, "safe mode runs nothing by itself")
        self.assertEqual(self.ok("RunProfile", id=pid)["itemsArchived"], 1, "RunProfile still works")
        self.p.ok("StopInstances", instanceFilter=IID)
        self.p.ok("StartInstances", instanceFilter=IID)
        self.ok("SetProfileServerSideExecution", id=pid, automatic=False)

    def test_07_multidrop_by_recipient_and_journal_reports(self):
        for user, addresses in (("alice", "alice@example.org,Alice.Alias@Example.org"), ("bob", "bob@example.org"),
                                ("carol", "carol@example.org"), ("dave", "dave@example.org")):
            self.ok("SetUserEmailAddresses", userName=user, emailAddresses=addresses)
        head = "From: boss@example.com\r\nSubject: %s\r\nMessage-ID: <%s@md>\r\n"
        to_two = (head % ("to two", "a") + "To: alice.alias@example.org\r\nCc: Bob <BOB@example.org>\r\n\r\nhi\r\n").encode()
        envelope = (head % ("envelope", "b") + "To: list@lists.example.net\r\nX-Original-To: carol@example.org\r\n"
                    "\r\nhi\r\n").encode()
        journal = (head % ("journal report", "c") + "To: journal@example.org\r\nX-MS-Journal-Report:\r\n"
                   "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=J\r\n\r\n--J\r\n"
                   "Content-Type: text/plain\r\n\r\nSender: boss@example.com\r\nSubject: secret\r\n"
                   "Message-Id: <orig@md>\r\nRecipient: dave@example.org\r\n\r\n--J\r\n"
                   "Content-Type: message/rfc822\r\n\r\nFrom: boss@example.com\r\nTo: undisclosed-recipients:;\r\n"
                   "Subject: secret\r\n\r\nthe original\r\n--J--\r\n").encode()
        stranger = (head % ("stranger", "d") + "To: nobody@elsewhere.example\r\n\r\nhi\r\n").encode()
        for raw in (to_two, envelope, journal, stranger):
            self.dovecot.add_message("journal", "INBOX", raw)
        details = {"host": "localhost", "port": str(self.dovecot.ports["imap"]), "protocol": "IMAP-TLS",
                   "userName": "journal", "password": PASSWORD, "ignoreSSLPolicyErrors": "1"}
        pid = self.ok("CreateProfile", raw=True, properties={"name": "journal", "connector": "imapMultidrop",
                                                             "details": details})["id"]
        inboxes = ("alice/Inbox", "bob/Inbox", "carol/Inbox", "dave/Inbox")
        before = {k: v["count"] for k, v in self.stats("").items() if k in inboxes}
        r = self.ok("RunProfile", id=pid)
        self.assertEqual((r["itemsArchived"], r["failed"]), (4, 0), r)
        report = self.ok("GetWorkerResultReport", id=r["workerResultId"])["report"]
        self.assertEqual(report["skipped"], 1, "the stranger is skipped and counted")
        after = {k: v["count"] for k, v in self.stats("").items() if k in inboxes}
        self.assertEqual({k: after[k] - before.get(k, 0) for k in inboxes}, {k: 1 for k in inboxes},
                         "to and cc, the original recipient of a list, the journal envelope")
        # Unknown recipients to a folder (POP3 multidrop this time).
        self.dovecot.add_message("journal", "INBOX", (head % ("stranger 2", "e") +
                                                      "To: who@elsewhere.example\r\n\r\nhi\r\n").encode())
        pop = dict(details, protocol="POP3-TLS", port=str(self.dovecot.ports["pop3"]),
                   unknownRecipientsFolder="frank/Unknown recipients")
        pid = self.ok("CreateProfile", raw=True, properties={"name": "journal pop", "connector": "pop3Multidrop",
                                                             "details": pop})["id"]
        r = self.ok("RunProfile", id=pid)
        self.assertEqual(self.stats("frank/Unknown")["frank/Unknown recipients"]["count"], 2)
        self.assertEqual(r["duplicates"], 4, "the known ones are in their archives already")
        self.failed("CreateProfile", "belongs to the multidrop connectors", raw=True, properties={
            "name": "x", "connector": "imap", "details": dict(details, targetUserFolder="frank",
                                                              unknownRecipientsFolder="frank/x")})
        bad = dict(pop, unknownRecipientsFolder="ghost/x")
        pid = self.ok("CreateProfile", raw=True, properties={"name": "ghost", "connector": "pop3Multidrop",
                                                             "details": bad})["id"]
        self.failed("RunProfile", "there is no user 'ghost'", id=pid)

    def test_08_dropped_connection_large_and_malformed_messages(self):
        sent = []
        for i in range(3000):
            sent.append(("From: s%d@example.com\r\nTo: gina@example.org\r\nSubject: gina %d\r\n"
                         "Message-ID: <gina%d@test>\r\n\r\n" % (i, i, i)).encode() + b"a line of text\r\n" * 100)
            self.dovecot.add_message("gina", "INBOX", sent[-1])
        big = b"From: big@example.com\r\nSubject: 50 MB\r\n\r\n" + (b"x" * 998 + b"\r\n") * 50000
        malformed = b"this is not a mail header\r\n\x00\xff binary junk\r\n"
        for raw in (big, malformed):
            sent.append(raw)
            self.dovecot.add_message("gina", "Odd", raw)
        pid = self.profile("gina", "gina", "gina")
        result = {}
        run = threading.Thread(target=lambda: result.update(self.ok("RunProfile", id=pid)))
        run.start()
        # Dovecot's process serving the run (this Dovecot's only, found by its
        # parent), killed as soon as the run has one and is fetching.
        deadline = time.time() + 60
        while not (self.stats_total("gina/") > 0 and self.dovecot.kill_imap_processes()):
            self.assertLess(time.time(), deadline, "the run never started fetching")
            time.sleep(0.05)
        run.join(300)
        # Each message archived once; the messages of the batch under way
        # when the connection broke may come again (duplicates, skipped).
        self.assertEqual((result["failed"], result["itemsArchived"]), (0, len(sent)), result)
        stats = self.stats("gina/")
        self.assertEqual(stats["gina/Inbox"]["count"] + stats["gina/Odd"]["count"], len(sent), "nothing twice")
        self.assertEqual(stats["gina/Odd"]["size"], len(big) + len(malformed), "archived as they are")
        report = self.ok("GetWorkerResultReport", id=result["workerResultId"])["report"]
        self.assertTrue(any("connected again" in w for w in report["warnings"]), report["warnings"][:5])
        # Larger than the archive takes (256 MiB): an error once, then passed over.
        self.dovecot.add_message("gina", "Huge", b"Subject: huge\r\n\r\n" + (b"y" * 1022 + b"\r\n") * 257 * 1024)
        r = self.ok("RunProfile", id=pid)
        self.assertEqual((r["result"], r["failed"], r["itemsArchived"]), ("completedWithErrors", 1, 0), r)
        errors = self.ok("GetWorkerResultReport", id=r["workerResultId"])["report"]["errors"]
        self.assertRegex(errors[0], r"^Huge UID \d+: the message is larger than 256 MB \(257 MB\)")
        r = self.ok("RunProfile", id=pid)
        self.assertEqual((r["failed"], r["itemsArchived"], r["duplicates"]), (0, 0, 0), r)
        # Deleting after archive never deletes what was too large to archive.
        delete = self.profile("gina delete", "gina", "gina", deleteAfterArchive="true", includeFolders="Huge")
        r = self.ok("RunProfile", id=delete)
        self.assertEqual(r["failed"], 1)
        c = self.imap("gina")
        c.select("Huge", readonly=True)
        self.assertEqual(len(c.search(None, "ALL")[1][0].split()), 1)
        c.logout()


if __name__ == "__main__":
    unittest.main()
