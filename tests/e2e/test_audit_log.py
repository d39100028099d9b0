"""The tamper-evident audit log (issue 21) with the real daemons: events
written by the paths that do the things (administrator calls, Web Access
logins and message access), GetAuditLog's filters, GetAuditLogPublicKey,
VerifyAuditLog and ExportAuditLog, spe-audit verify on the instance's base
directory (exit 0; exit 1 naming the entry after an edit, a removal or a
truncation of a copy), and the log across a stop and start."""
import imaplib
import json
import os
import shutil
import struct
import tempfile
import time
import unittest

import audit_log
import mailgen
from harness import InstanceCalls
from test_imap_access import tls_context
from test_web_access import curl

IID = "aud"
PASSWORD = "Corr3ct-Horse-Battery"


class AuditLogTest(audit_log.VerifiedAfterEachTest, InstanceCalls, unittest.TestCase):
    iid = IID

    @classmethod
    def setUpClass(cls):
        cls.start_platform()
        src = cls.p.path("source")
        cls.alice = mailgen.write_eml_tree(os.path.join(src, "alice"), 3, folders=("Inbox",))
        cls.p.ok("CreateUser", instanceID=IID, userName="alice", privileges="none", password=PASSWORD,
                 loginPrivileges="web,imap")
        cls.p.ok("RunTemporaryProfile", instanceID=IID, raw=True, properties={
            "name": "alice", "connector": "emlDirectory",
            "details": {"path": os.path.join(src, "alice"), "targetUserFolder": "alice"}})
        cls.base_dir = cls.p.ok("GetInstanceConfiguration", instanceID=IID)["baseDirectory"]
        cls.base = "https://127.0.0.1:%d" % cls.p.ports["https"]
        deadline = time.time() + 30
        while curl(cls.base + "/%s/" % IID)[0] != 200:  # the CAS learns instances from heartbeats
            if time.time() > deadline:
                raise AssertionError("the CAS never routed to the instance")
            time.sleep(0.5)

    def web(self, s, op, body=None):
        status, _, raw = curl(self.base + "/%s/api/%s" % (IID, op), data=body or {},
                              headers=["Cookie: " + s["cookie"], "X-CSRF-Token: " + s["csrf"]])
        return status, raw

    def events(self, **filters):
        return self.ok("GetAuditLog", **filters)

    def test_1_events_filters_key_verify_export(self):
        # A failed and a good login, a search, an opening and a download.
        status, _, _ = curl(self.base + "/%s/api/login" % IID, data={"userName": "alice", "password": "wrong"})
        self.assertNotEqual(status, 200)
        status, hdrs, body = curl(self.base + "/%s/api/login" % IID, data={"userName": "alice", "password": PASSWORD})
        self.assertEqual(status, 200, body)
        s = {"cookie": hdrs["set-cookie"][0].split(";")[0], "csrf": json.loads(body)["csrfToken"]}
        deadline = time.time() + 60
        while True:  # the index catches up with the import
            status, raw = self.web(s, "search", {"folder": "alice/Inbox"})
            self.assertEqual(status, 200, raw)
            if json.loads(raw)["total"] == len(self.alice["Inbox"]) or time.time() > deadline:
                break
            time.sleep(0.5)
        hit = json.loads(raw)["hits"][0]
        ids = {"storeID": hit["storeID"], "messageID": hit["messageID"]}
        self.assertEqual(self.web(s, "message", ids)[0], 200)
        status, _, _ = curl(self.base + "/%s/api/download?storeID=%d&messageID=%d&csrf=%s"
                            % (IID, ids["storeID"], ids["messageID"], s["csrf"]), headers=["Cookie: " + s["cookie"]])
        self.assertEqual(status, 200)
        obj = "store %d message %d" % (ids["storeID"], ids["messageID"])

        entries = self.events(limit=10000)
        by_event = {}
        for e in entries:
            by_event.setdefault(e["event"], []).append(e)
        self.assertEqual([e["sequence"] for e in entries], list(range(1, len(entries) + 1)))
        add = by_event["UserAdd"][0]
        self.assertEqual((add["actorKind"], add["outcome"]), ("administrator", "success"), add)
        # An API call's record names the caller's address and what it was done to.
        self.assertEqual((add["source"], add["object"]), ("127.0.0.1", "userName=alice"), add)
        failed = by_event["SessionLoginFailed"][-1]
        self.assertEqual((failed["actorKind"], failed["actor"], failed["outcome"]), ("user", "alice", "failure"))
        self.assertEqual(failed["source"], "127.0.0.1")
        login = by_event["SessionLogin"][-1]
        self.assertEqual((login["actor"], login["source"]), ("alice", "127.0.0.1"))
        self.assertTrue(by_event["MessageSearch"])
        for ev in ("MessageView", "MessageDownload"):
            e = by_event[ev][-1]
            self.assertEqual((e["actorKind"], e["actor"], e["object"], e["source"]), ("user", "alice", obj,
                                                                                      "127.0.0.1"), e)

        # Filters: event, actor, object, time, limit and offset.
        self.assertEqual({e["event"] for e in self.events(event="MessageView")}, {"MessageView"})
        self.assertEqual({e["actor"] for e in self.events(actor="alice")}, {"alice"})
        self.assertEqual({e["object"] for e in self.events(object=obj)}, {obj})
        view = by_event["MessageView"][-1]
        just = self.events(fromIncluding=view["time"])
        self.assertEqual(just[0]["sequence"], view["sequence"])
        self.assertTrue(all(e["sequence"] < view["sequence"] for e in self.events(toExcluding=view["time"])))
        self.assertEqual(len(self.events(limit=2, offset=1)), 2)
        self.assertEqual(self.events(limit=1, offset=1)[0]["sequence"], 2)
        self.failed("GetAuditLog", "fromIncluding", fromIncluding="yesterday")

        # The key the API shows is the one next to the log.
        key = self.ok("GetAuditLogPublicKey")
        with open(os.path.join(self.base_dir, "Audit", "audit.pub")) as f:
            self.assertEqual(json.load(f)["publicKey"], key["publicKey"])
        self.assertEqual(key["algorithm"], "Ed25519")

        report = self.ok("VerifyAuditLog")
        self.assertTrue(report["intact"], report)
        self.assertGreaterEqual(report["entries"], len(entries))
        self.assertGreaterEqual(report["checkpoints"], 1)
        code, tool, err = audit_log.verify(self.base_dir)
        self.assertEqual(code, 0, err)
        self.assertEqual(tool["publicKey"], key["publicKey"])

        exported = self.ok("ExportAuditLog")
        lines = [json.loads(line) for line in exported["jsonLines"].splitlines()]
        self.assertEqual(lines[0]["type"], "publicKey")
        self.assertEqual(sum(1 for x in lines if x["type"] == "entry"), exported["entries"])
        self.assertGreaterEqual(sum(1 for x in lines if x["type"] == "checkpoint"), 1)

    def tampered(self, change):
        """spe-audit verify on a copy of the Audit folder after `change(log bytes) -> bytes`."""
        self.ok("VerifyAuditLog")  # signs a checkpoint of everything so far
        with tempfile.TemporaryDirectory() as tmp:
            copy = os.path.join(tmp, "Audit")
            shutil.copytree(os.path.join(self.base_dir, "Audit"), copy)
            path = os.path.join(copy, "audit.log")
            with open(path, "rb") as f:
                data = f.read()
            with open(path, "wb") as f:
                f.write(change(data))
            return audit_log.verify(copy)

    @staticmethod
    def records(data):
        out, at = [], 16
        while at + 4 <= len(data):
            n = 4 + struct.unpack("<I", data[at:at + 4])[0] + 32
            out.append((at, n))
            at += n
        return out

    def test_2_tampering_is_named(self):
        def change(data):
            at, n = self.records(data)[1]  # entry 2
            pos = data.index(b'"event":"', at) + 9
            return data[:pos] + b"X" + data[pos + 1:]

        code, report, err = self.tampered(change)
        self.assertEqual(code, 1, err)
        self.assertEqual(report["firstBadEntry"], 2, report)
        self.assertIn("Entry 2 was changed", err)

        def remove(data):
            at, n = self.records(data)[2]
            return data[:at] + data[at + n:]

        code, report, err = self.tampered(remove)
        self.assertEqual((code, report["firstBadEntry"]), (1, 3), err)
        self.assertIn("removed", err)

        def truncate(data):
            return data[:self.records(data)[-2][0]]

        code, report, err = self.tampered(truncate)
        self.assertEqual(code, 1, err)
        self.assertIn("truncated", err)

    def test_3_survives_stop_and_start(self):
        before = self.ok("VerifyAuditLog")["entries"]
        self.p.ok("StopInstances", instanceFilter=IID)
        code, report, err = audit_log.verify(self.base_dir)  # the instance is stopped: the tool needs no key
        self.assertEqual(code, 0, err)
        self.assertGreaterEqual(report["entries"], before)
        self.p.ok("StartInstances", instanceFilter=IID)
        self.ok("CreateUser", userName="carol", privileges="none")
        after = self.ok("VerifyAuditLog")
        self.assertTrue(after["intact"], after)
        self.assertGreater(after["entries"], report["entries"])
        self.assertEqual(self.events(event="UserAdd")[-1]["object"], "userName=carol")

    def test_4_imap_fetch_is_audited_once_per_message_and_session(self):
        def views():
            return [e for e in self.events(event="MessageView", limit=10000) if e["details"].startswith("IMAP")]

        before = len(views())
        m = imaplib.IMAP4_SSL("127.0.0.1", self.p.ports["imaps"], ssl_context=tls_context(), timeout=30)
        m.login("%s/alice" % IID, PASSWORD)
        typ, data = m.select("INBOX", readonly=True)
        self.assertEqual(typ, "OK", data)
        count = int(data[0])
        self.assertEqual(count, len(self.alice["Inbox"]))
        self.assertEqual(m.fetch("1:*", "(FLAGS UID RFC822.SIZE)")[0], "OK")
        self.assertEqual(len(views()), before)  # no content, no entry
        for _ in range(2):
            self.assertEqual(m.fetch("1:*", "(BODY.PEEK[])")[0], "OK")
        m.logout()
        new = views()[before:]
        self.assertEqual(len(new), count, new)  # once per message, not per FETCH
        self.assertEqual({(e["actor"], e["actorKind"], e["source"]) for e in new}, {("alice", "user", "127.0.0.1")})
        self.assertEqual(len({e["object"] for e in new}), count)


if __name__ == "__main__":
    unittest.main()
