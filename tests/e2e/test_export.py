"""Export profiles (issue 22, docs/export.md) with the real daemons and real
targets: a directory of .eml files (byte-exact), one .mbox per folder
(round trip through our own mbox import to the same hashes), a real Dovecot
over IMAP-TLS (folder tree, bytes, resumed after kill -9 without a
duplicate), a real SMTP server (as is, attached); selection by folders,
query and dates; incremental runs; strict checks of the details."""
import email
import email.header
import email.policy
import glob
import hashlib
import imaplib
import os
import signal
import threading
import time
import unittest

import mailgen
import smtp_server
from dovecot import Dovecot
from harness import InstanceCalls

IID = "exp"
PASSWORD = "Corr3ct-Horse-Battery"
COUNT = 300


def sha(data):
    return hashlib.sha256(data).hexdigest()


def crlf(data):
    return data.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")


class ExportTest(InstanceCalls, unittest.TestCase):
    iid = IID

    @classmethod
    def setUpClass(cls):
        cls.start_platform()
        cls.base_dir = cls.p.ok("GetInstanceConfiguration", instanceID=IID)["baseDirectory"]
        src = cls.p.source_dir("jdoe")
        cls.tree = mailgen.write_eml_tree(src, COUNT)
        for user in ("jdoe", "back"):
            cls.p.ok("CreateUser", instanceID=IID, userName=user, privileges="none")
        r = cls.p.ok("RunTemporaryProfile", instanceID=IID, raw=True, properties={
            "name": "jdoe", "connector": "emlDirectory", "details": {"path": src, "targetUserFolder": "jdoe"}})
        assert r["itemsArchived"] == COUNT, r
        cls.dovecot = Dovecot(cls.p.path("dovecot"))
        cls.dovecot.add_user("restore", PASSWORD)
        cls.dovecot.start()
        cls.addClassCleanup(cls.dovecot.stop)

    def count(self):
        return sum(len(m) for m in self.tree.values())

    def out_dir(self, name):
        return os.path.join(self.base_dir, "Exports", name)

    def export(self, connector, details, **extra):
        props = {"name": "export " + connector, "type": "export", "connector": connector, "details": details}
        props.update(extra)
        return self.ok("RunTemporaryProfile", raw=True, properties=props)

    def files(self, root, pattern):
        out = {}
        for p in glob.glob(os.path.join(root, "**", pattern), recursive=True):
            with open(p, "rb") as f:
                out[os.path.relpath(p, root)] = f.read()
        return out

    def expected(self, folders=None):
        """{archive folder: sorted hashes} of the source."""
        out = {}
        for folder, msgs in self.tree.items():
            if folders is None or folder in folders:
                out["jdoe/" + folder] = sorted(sha(m) for m in msgs)
        return out

    # ------------------------------------------------------------ files
    def test_01_eml_directory_is_byte_exact(self):
        root = self.out_dir("eml")
        r = self.export("emlDirectory", {"path": root, "folders": ["jdoe"]})
        self.assertEqual((r["result"], r["itemsExported"], r["failed"]), ("succeeded", COUNT, 0), r)
        found = {}
        for rel, data in self.files(root, "*.eml").items():
            found.setdefault(os.path.dirname(rel), []).append(sha(data))
        self.assertEqual({k: sorted(v) for k, v in found.items()}, self.expected())
        # Subjects name the files; the same name twice is numbered.
        names = [os.path.basename(p) for p in self.files(root, "*.eml")]
        self.assertIn("Plain 0.eml", names)
        self.assertFalse(any(n.startswith(".") or "/" in n for n in names))
        # Again: the same files, none added (what is there and equal stays).
        r = self.export("emlDirectory", {"path": root, "folders": ["jdoe"]})
        self.assertEqual(r["itemsExported"], COUNT)
        self.assertEqual(len(self.files(root, "*.eml")), COUNT)

    def test_02_mbox_round_trips_through_the_mbox_import(self):
        root = self.out_dir("mbox")
        r = self.export("mbox", {"path": root})
        self.assertEqual((r["result"], r["itemsExported"]), ("succeeded", COUNT), r)
        mboxes = sorted(self.files(root, "*.mbox"))
        self.assertEqual(mboxes, ["jdoe/Inbox.mbox", "jdoe/Projects/2024.mbox", "jdoe/Sent.mbox"])
        # Our own mbox import reads them back into another archive, byte for byte.
        for rel in mboxes:
            # The mbox import makes a folder named for the file below its target.
            folder = rel[len("jdoe/"):-len(".mbox")]
            target = "/".join(["back"] + folder.split("/")[:-1])
            back = self.ok("RunTemporaryProfile", raw=True, properties={
                "name": "back", "connector": "mbox",
                "details": {"path": os.path.join(root, rel), "targetUserFolder": target}})
            self.assertEqual(back["itemsArchived"], len(self.tree[folder]), back)
        again = self.out_dir("back")
        self.export("emlDirectory", {"path": again, "folders": ["back"]})
        found = {}
        for rel, data in self.files(again, "*.eml").items():
            found.setdefault("jdoe/" + os.path.dirname(rel)[len("back/"):], []).append(sha(data))
        self.assertEqual({k: sorted(v) for k, v in found.items()}, self.expected())

    def test_03_selection_by_folder_query_and_dates(self):
        root = self.out_dir("sel")
        r = self.export("emlDirectory", {"path": root, "folders": ["jdoe/Projects"], "includeSubfolders": True})
        self.assertEqual(r["itemsExported"], len(self.tree["Projects/2024"]))
        r = self.export("emlDirectory", {"path": self.out_dir("sel0"), "folders": ["jdoe/Projects"],
                                         "includeSubfolders": False})
        self.assertEqual(r["itemsExported"], 0)
        r = self.export("emlDirectory", {"path": self.out_dir("q"), "folders": ["jdoe"], "query": "subject:Attachment"})
        self.assertEqual(r["itemsExported"], COUNT // 5, r)
        # mailgen dates: day 1 + n % 28 of February 2024.
        r = self.export("emlDirectory", {"path": self.out_dir("d"), "folders": ["jdoe"], "fromDate": "2024-02-01",
                                         "toDate": "2024-02-03"})
        want = sum(1 for n in range(COUNT) if 1 + n % 28 in (1, 2))
        self.assertLessEqual(abs(r["itemsExported"] - want), COUNT // 28 + 1, r)  # +0100: an hour across midnight

    def test_04_incremental_exports_only_what_is_new(self):
        root = self.out_dir("inc")
        pid = self.ok("CreateProfile", raw=True, properties={
            "name": "incremental", "type": "export", "connector": "emlDirectory",
            "details": {"path": root, "folders": ["jdoe/Inbox"], "incremental": True}})["id"]
        profiles = {p["id"]: p for p in self.ok("GetProfiles", raw=True)}
        self.assertEqual((profiles[pid]["type"], profiles[pid]["connector"]), ("export", "emlDirectory"))
        first = self.ok("RunProfile", id=pid)
        self.assertEqual((first["itemsExported"], first["exportedBefore"]), (len(self.tree["Inbox"]), 0))
        src = self.p.source_dir("more")
        extra = [mailgen.message(10000 + i) for i in range(7)]
        for i, m in enumerate(extra):
            with open(os.path.join(src, "n%d.eml" % i), "wb") as f:
                f.write(m)
        self.ok("RunTemporaryProfile", raw=True, properties={
            "name": "more", "connector": "emlDirectory", "details": {"path": src, "targetUserFolder": "jdoe/Inbox"}})
        second = self.ok("RunProfile", id=pid)
        self.assertEqual((second["itemsExported"], second["exportedBefore"]), (7, len(self.tree["Inbox"])), second)
        self.tree["Inbox"].extend(extra)  # the later tests export them too
        report = self.ok("GetWorkerResultReport", id=second["workerResultId"])
        self.assertEqual(report["report"]["exported"], 7)
        self.ok("DeleteProfile", id=pid)

    def test_05_details_are_checked(self):
        root = self.out_dir("bad")

        def refused(connector, details, word, **extra):
            props = {"name": "bad", "type": "export", "connector": connector, "details": details}
            props.update(extra)
            env = self.p.invoke("CreateProfile", instanceID=IID, raw=True, properties=props)
            self.assertEqual(env["statusCode"], "failed", (details, env))
            self.assertIn(word, env["error"]["message"], details)

        refused("emlDirectory", {"path": "relative/dir"}, "details.path")
        refused("emlDirectory", {"path": "/etc/exports-here"}, "details.path")
        refused("emlDirectory", {"path": root, "colour": "red"}, "colour")
        refused("emlDirectory", {"path": root, "folders": [5]}, "details.folders")
        refused("emlDirectory", {"path": root, "folders": "jdoe//x\x01"}, "details.folders")
        refused("emlDirectory", {"path": root, "fromDate": "yesterday"}, "details.fromDate")
        refused("emlDirectory", {"path": root, "fromDate": "2024-02-02", "toDate": "2024-02-01"}, "details.toDate")
        refused("emlDirectory", {"path": root, "incremental": "maybe"}, "details.incremental")
        refused("pop3", {"path": root}, "cannot export")
        refused("imap", {"host": "localhost", "userName": "x", "password": "y", "protocol": "IMAP-XYZ"},
                "details.protocol")
        refused("imap", {"host": "localhost", "userName": "x"}, "details.password")
        refused("smtp", {"host": "localhost"}, "details.recipient")
        refused("smtp", {"host": "localhost", "recipient": "not an address"}, "details.recipient")
        refused("smtp", {"host": "localhost", "recipient": "a@b.example", "mode": "forward"}, "details.mode")
        refused("smtp", {"host": "bad host!", "recipient": "a@b.example"}, "details.host")
        refused("emlDirectory", {"path": root}, "properties.type", type="transfer")
        env = self.p.invoke("RunTemporaryProfile", instanceID=IID, raw=True, properties={
            "name": "t", "type": "export", "connector": "emlDirectory", "details": {"path": root, "incremental": True}})
        self.assertEqual(env["statusCode"], "failed", env)
        self.assertIn("incremental", env["error"]["message"])

    # ------------------------------------------------------------ IMAP
    def imap_profile(self, name, **details):
        d = {"host": "localhost", "port": str(self.dovecot.ports["imap"]), "protocol": "IMAP-TLS",
             "userName": "restore", "password": PASSWORD, "ignoreSSLPolicyErrors": "1"}
        d.update(details)
        return self.ok("CreateProfile", raw=True, properties={"name": name, "type": "export", "connector": "imap",
                                                              "details": d})["id"]

    def mailbox(self):
        """{folder: [sha of each message]} of the restore mailbox."""
        out = {}
        for folder, messages in self.dovecot.messages("restore", PASSWORD).items():
            for head, raw in messages:
                self.assertIn(b"\\Seen", head)
            out[folder] = sorted(sha(raw) for _, raw in messages)
        return out

    def test_06_imap_restores_the_folder_tree_byte_for_byte(self):
        pid = self.imap_profile("restore", folders=["jdoe"], targetFolder="Restored")
        r = self.ok("RunProfile", id=pid)
        self.assertEqual((r["result"], r["itemsExported"], r["failed"]), ("succeeded", self.count(), 0), r)
        box = self.mailbox()
        want = {"Restored/" + f: sorted(sha(crlf(m)) for m in msgs) for f, msgs in self.tree.items()}
        self.assertEqual({k: v for k, v in box.items() if k.startswith("Restored/")}, want)
        self.ok("DeleteProfile", id=pid)

    def appended(self, prefix):
        """How many messages the restore mailbox has below `prefix` (STATUS: cheap while an export runs)."""
        c = imaplib.IMAP4("127.0.0.1", self.dovecot.ports["imap"])
        c.login("restore", PASSWORD)
        total = 0
        for line in c.list()[1]:
            name = line.decode().rsplit(" ", 1)[-1].strip('"')
            if name.startswith(prefix):
                typ, data = c.status('"%s"' % name, "(MESSAGES)")
                if typ == "OK":
                    total += int(data[0].decode().rsplit("MESSAGES ", 1)[1].rstrip(")"))
        c.logout()
        return total

    def instance_status(self):
        return {i["instanceID"]: i for i in self.p.ok("GetInstances", instanceFilter=IID)}[IID]

    def test_07_imap_export_resumes_after_kill_without_duplicates(self):
        # Its own archive of 2,000 small messages, so that the kill lands while the run is under way.
        src = self.p.source_dir("big")
        big = [mailgen.message(20000 + n, size_lines=2) for n in range(2000)]
        for n, m in enumerate(big):
            with open(os.path.join(src, "b%05d.eml" % n), "wb") as f:
                f.write(m)
        self.ok("CreateUser", userName="big", privileges="none")
        self.ok("RunTemporaryProfile", raw=True, properties={
            "name": "big", "connector": "emlDirectory", "details": {"path": src, "targetUserFolder": "big/Mail"}})
        killed = False
        for attempt in range(3):
            target = "Resumed%d" % attempt
            pid = self.imap_profile("resume", folders=["big"], targetFolder=target)
            result = {}
            t = threading.Thread(target=lambda: result.update(env=self.p.invoke("RunProfile", instanceID=IID, id=pid)))
            t.start()
            deadline = time.time() + 60
            while self.appended(target) < 20 and "env" not in result:
                self.assertLess(time.time(), deadline, "the export did not start")
                time.sleep(0.02)
            if "env" not in result:
                os.kill(self.instance_status()["processID"], signal.SIGKILL)
            t.join(120)
            deadline = time.time() + 60
            while self.instance_status()["status"] == "running":
                self.assertLess(time.time(), deadline)
                time.sleep(0.1)
            self.p.ok("StartInstances", instanceFilter=IID)
            if result["env"]["statusCode"] != "succeeded":
                killed = True
                break
            self.ok("DeleteProfile", id=pid)  # it ended before the kill: again, in a new folder
        self.assertTrue(killed, "every run ended before it could be killed")
        before = self.appended(target)
        self.assertLess(before, len(big))
        r = self.ok("RunProfile", id=pid)
        self.assertEqual(r["result"], "succeeded", r)
        report = self.ok("GetWorkerResultReport", id=r["workerResultId"])["report"]
        self.assertTrue(report["resumed"], report)
        self.assertEqual(r["itemsExported"] + r["exportedBefore"], len(big), r)
        box = self.mailbox()
        self.assertEqual({k: v for k, v in box.items() if k.startswith(target)},
                         {target + "/Mail": sorted(sha(crlf(m)) for m in big)})  # each exactly once
        self.ok("DeleteProfile", id=pid)

    # ------------------------------------------------------------ SMTP
    @unittest.skipUnless(smtp_server.available(), "aiosmtpd is not installed")
    def test_08_smtp_as_is_and_attached(self):
        server = smtp_server.SmtpServer()
        self.addCleanup(server.stop)
        base = {"host": "127.0.0.1", "port": str(server.ports["plain"]), "protocol": "SMTP",
                "recipient": "lawyer@example.com", "folders": ["jdoe/Sent"]}
        r = self.export("smtp", dict(base))
        sent = self.tree["Sent"]
        # mailgen's attachments are one base64 line of 1,368 bytes: SMTP
        # cannot carry them unchanged (RFC 5321 4.5.3.1.6); each is named.
        long_lines = [m for m in sent if any(len(line) > 998 for line in m.split(b"\r\n"))]
        self.assertEqual((r["result"], r["itemsExported"], r["failed"]),
                         ("completedWithErrors", len(sent) - len(long_lines), len(long_lines)), r)
        errors = self.ok("GetWorkerResultReport", id=r["workerResultId"])["report"]["errors"]
        self.assertEqual(len(errors), len(long_lines))
        self.assertTrue(all("Attachment" in e and "Line too long" in e for e in errors), errors[:2])
        got = server.received()
        self.assertEqual(sorted(sha(crlf(raw)) for _, raw in got),
                         sorted(sha(crlf(m)) for m in sent if m not in long_lines))
        self.assertEqual({tuple(meta["rcptTos"]) for meta, _ in got}, {("lawyer@example.com",)})
        # Attached, every message arrives, its bytes unchanged inside.
        inbox = self.tree["Inbox"]
        r = self.export("smtp", dict(base, mode="attachment", sender="archive@example.com", folders=["jdoe/Inbox"]))
        self.assertEqual((r["result"], r["itemsExported"]), ("succeeded", len(inbox)), r)
        inner = []
        for meta, raw in server.received()[len(got):]:
            self.assertEqual(meta["mailFrom"], "archive@example.com")
            m = email.message_from_bytes(raw, policy=email.policy.compat32)
            subject = str(email.header.make_header(email.header.decode_header(m["Subject"])))
            self.assertTrue(subject.startswith("Exported message"), subject)
            part = [p for p in m.walk() if p.get_filename() == "message.eml"][0]
            if part.get_content_type() == "message/rfc822":
                body = raw[raw.index(b"filename=\"message.eml\"\r\n\r\n") + 26:]
                body = body[:body.rindex(b"--spe-export-")]
                inner.append(sha(crlf(body)))
            else:
                inner.append(sha(crlf(part.get_payload(decode=True))))
        self.assertEqual(sorted(inner), sorted(sha(crlf(m)) for m in inbox))

if __name__ == "__main__":
    unittest.main()
