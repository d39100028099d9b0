"""Search indexes through the Management API with real processes: the index
configuration, indexes kept up to date behind imports, who may search what
(through the instance's own search, as Web Access and IMAP will call it), a
corrupted index detected by VerifyStore, reported by GetStores and
GetServiceStatus, and rebuilt by RebuildSelectedStoreIndexes."""
import glob
import imaplib
import json
import os
import socket
import ssl
import struct
import time
import unittest

import mailgen
from harness import InstanceCalls

IID = "idx"


def instance_rpc(sock_path, method, params):
    """One call on the instance's local socket (4-byte length, JSON); the
    answer frame. ConnectionError when the instance closes the socket first."""
    def read(s, n):
        data = b""
        while len(data) < n:
            chunk = s.recv(n - len(data))
            if not chunk:
                raise ConnectionError("the instance closed its socket")
            data += chunk
        return data

    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
        s.settimeout(300)
        s.connect(sock_path)
        body = json.dumps({"id": 1, "method": method, "params": params}).encode()
        s.sendall(struct.pack(">I", len(body)) + body)
        while True:
            frame = json.loads(read(s, struct.unpack(">I", read(s, 4))[0]))
            if "progress" not in frame:
                return frame


class IndexTest(InstanceCalls, unittest.TestCase):
    iid = IID

    @classmethod
    def setUpClass(cls):
        cls.start_platform()
        cls.sock = cls.p.socket(IID)
        src = cls.p.path("source")
        mailgen.write_eml_tree(os.path.join(src, "jdoe"), 40)
        mailgen.write_eml_tree(os.path.join(src, "amy"), 10, folders=("Inbox",))
        for user in ("jdoe", "amy", "boss"):
            cls.p.ok("CreateUser", instanceID=IID, userName=user, privileges="none")
        for user in ("jdoe", "amy"):
            r = cls.p.ok("RunTemporaryProfile", instanceID=IID, raw=True, properties={
                "name": user, "connector": "emlDirectory",
                "details": {"path": os.path.join(src, user), "targetUserFolder": user}})
            assert r["itemsArchived"] > 0, r

    @classmethod
    def tearDownClass(cls):
        cls.p.stop()


    def search(self, user, query, **extra):
        params = {"userName": user, "query": query}
        params.update(extra)
        frame = instance_rpc(self.sock, "search", params)
        return frame

    def hits(self, user, query, **extra):
        frame = self.search(user, query, **extra)
        self.assertIn("result", frame, frame)
        return frame["result"]

    def imap_search_alerts(self, user):
        """The untagged NO answers to an IMAP SEARCH FROM by `user` over its INBOX (after the
        search found its messages: the SEARCH itself succeeds)."""
        self.ok("SetUserPassword", userName=user, password="index-test-password-1")
        ctx = ssl.create_default_context()
        ctx.check_hostname, ctx.verify_mode = False, ssl.CERT_NONE
        deadline = time.time() + 30
        while True:  # the CAS learns the instance from heartbeats
            try:
                m = imaplib.IMAP4_SSL("127.0.0.1", self.p.ports["imaps"], ssl_context=ctx, timeout=60)
                m.login(IID + "/" + user, "index-test-password-1")
                break
            except (imaplib.IMAP4.error, OSError):
                if time.time() > deadline:
                    raise
                time.sleep(0.5)
        try:
            typ, _ = m.select("INBOX", readonly=True)
            self.assertEqual(typ, "OK")
            m.untagged_responses.pop("NO", None)
            typ, _ = m.search(None, "FROM", "example.com")
            self.assertEqual(typ, "OK")
            return list(m.untagged_responses.get("NO", []))
        finally:
            m.logout()

    def test_01_configuration(self):
        self.assertEqual(self.ok("GetIndexConfiguration"), {"attachmentExtensions": None,
                                                            "includeAttachmentsOfPDFs": False})
        self.failed("SetIndexConfiguration", "'.xyz'", config={"attachmentExtensions": ["pdf", "xyz"]})
        self.failed("SetIndexConfiguration", "includeAttachmentsOfPDFs", config={"includeAttachmentsOfPDFs": "yes"})
        self.failed("SetIndexConfiguration", "colour", config={"colour": "red"})
        self.failed("SetIndexConfiguration", "attachmentExtensions", config={"attachmentExtensions": "pdf docx"})
        self.failed("SetIndexConfiguration", "config", config=[1, 2])
        self.ok("SetIndexConfiguration", config={"attachmentExtensions": [".PDF", "docx", "txt"],
                                                 "includeAttachmentsOfPDFs": True})
        want = {"attachmentExtensions": ["pdf", "docx", "txt"], "includeAttachmentsOfPDFs": True}
        self.assertEqual(self.ok("GetIndexConfiguration"), want)
        self.p.ok("RestartInstances", instanceFilter=IID)
        self.assertEqual(self.ok("GetIndexConfiguration"), want)
        self.ok("SetIndexConfiguration", config={"attachmentExtensions": None})
        self.assertEqual(self.ok("GetIndexConfiguration")["attachmentExtensions"], None)

    def test_02_search_who_may_read_what(self):
        mine = self.hits("jdoe", "from:example.com")
        self.assertEqual(mine["total"], 40)
        self.assertTrue(all(h["folder"].startswith("jdoe/") for h in mine["hits"]))
        dates = [h["date"] for h in mine["hits"]]
        self.assertEqual(dates, sorted(dates, reverse=True))
        self.assertEqual(self.hits("amy", "from:example.com")["total"], 10)
        self.assertEqual(self.hits("boss", "from:example.com")["total"], 0)
        self.assertEqual(self.hits("$archiveadmin", "from:example.com")["total"], 50)
        self.ok("SetUserPrivilegesOnFolder", userName="boss", folder="amy", privileges="read")
        self.assertEqual(self.hits("boss", "from:example.com")["total"], 10)
        self.ok("SetUserPrivileges", userName="boss", privileges="admin")
        self.assertEqual(self.hits("boss", "from:example.com")["total"], 50)
        self.assertEqual(self.hits("jdoe", "Grüße")["total"], 8)  # the ISO-8859-1 ones
        self.assertEqual(self.hits("jdoe", "subject:html")["total"], 8)
        self.assertEqual(self.hits("jdoe", "folder:jdoe/Sent")["total"], 13)
        self.assertEqual(len(self.hits("jdoe", "from:example.com", offset=35, limit=10)["hits"]), 5)
        self.assertEqual(self.hits("jdoe", "fox")["total"], 32)  # not in the HTML ones
        bad = self.search("jdoe", '"unclosed')
        self.assertIn("not valid", bad["error"]["message"])
        self.assertIn("error", self.search("nobody", "from:example.com"))

    def test_03_corrupt_index_detected_reported_rebuilt(self):
        self.assertEqual([r["problems"] for r in self.ok("VerifyStores")], [[]])
        store = self.ok("GetStores")[0]
        self.assertFalse(store["searchIndexesNeedRebuild"])
        self.assertGreater(self.ok("GetInstanceStatistics")["indexFileSizeMB"], 0)
        # Damage jdoe's index (the indexer lets go of idle indexes).
        table = os.path.join(store["indexPath"], "jdoe", "postlist.glass")
        self.assertTrue(os.path.exists(table), glob.glob(store["indexPath"] + "/*/*"))
        with open(table, "r+b") as f:
            f.write(b"\x5a" * 8192)
        # The indexer may still hold the index open from the searches before (it lets go of
        # idle ones): the damage shows once it reads the file again.
        deadline = time.time() + 60
        while True:
            problems = self.ok("VerifyStore", id=store["id"])["problems"]
            if any("jdoe" in p for p in problems) or time.time() > deadline:
                break
            time.sleep(0.5)
        self.assertTrue(any("jdoe" in p for p in problems), problems)
        self.assertTrue(self.ok("GetStores")[0]["searchIndexesNeedRebuild"])
        # IMAP says a SEARCH may miss messages (an untagged NO with ALERT, RFC 3501 7.1.2),
        # without the index's path.
        alerts = self.imap_search_alerts("jdoe")
        self.assertEqual(len(alerts), 1, alerts)
        self.assertIn(b"[ALERT] Some search indexes of this archive need a rebuild", alerts[0])
        self.assertNotIn(store["indexPath"].encode(), alerts[0])
        status = self.p.ok("GetServiceStatus")
        texts = [m["text"] for m in status["messages"]]
        self.assertIn("Instance idx on 127.0.0.1: One or more search indexes have to be rebuilt.", texts)
        sub = [m for m in status["messages"] if m["isSubItem"] and m["tag"] == "instance:idx"]
        self.assertEqual(len(sub), 1, status["messages"])
        self.assertIn("Archive store 'DefaultFileGroup' (id %d): broken: " % store["id"], sub[0]["text"])
        self.assertIn("jdoe", sub[0]["text"])
        # amy's index still answers.
        self.assertEqual(self.hits("amy", "from:example.com")["total"], 10)
        env = self.p.invoke("RebuildSelectedStoreIndexes", instanceID=IID)
        self.assertEqual(env["statusCode"], "succeeded", env)
        self.assertEqual(env["result"], {"rebuiltStores": [store["id"]]})
        self.assertFalse(self.ok("GetStores")[0]["searchIndexesNeedRebuild"])
        self.assertEqual([r["problems"] for r in self.ok("VerifyStores")], [[]])
        self.assertEqual(self.hits("jdoe", "from:example.com")["total"], 40)
        self.assertEqual(self.imap_search_alerts("jdoe"), [])
        texts = [m["text"] for m in self.p.ok("GetServiceStatus")["messages"]]
        self.assertFalse(any("search indexes" in t for t in texts), texts)

    def test_04_select_all_and_rebuild_with_progress(self):
        self.ok("SelectAllStoreIndexesForRebuild")
        self.assertTrue(all(s["searchIndexesNeedRebuild"] for s in self.ok("GetStores")))
        env = self.p.invoke("RebuildSelectedStoreIndexes", instanceID=IID)
        self.assertEqual(env["statusCode"], "succeeded", env)
        self.assertFalse(any(s["searchIndexesNeedRebuild"] for s in self.ok("GetStores")))
        self.assertEqual(self.hits("$archiveadmin", "from:example.com")["total"], 50)
        # Nothing selected: nothing to do.
        self.assertEqual(self.ok("RebuildSelectedStoreIndexes"), {"rebuiltStores": []})


if __name__ == "__main__":
    unittest.main()
