"""kill -9 of the instance process at random moments during a file import,
20 times, then the import run to the end: every message in the store is
byte-identical to its source, none is there twice, none is missing."""
import glob
import hashlib
import os
import random
import shutil
import signal
import subprocess
import time
import unittest

import mailgen
from harness import BIN, Platform

IID = "crashy"
COUNT = 6000
KILLS = 20


class CrashTest(unittest.TestCase):
    def setUp(self):
        self.p = Platform()
        self.p.ok("CreateInstance", config={"instanceID": IID, "instanceHost": "127.0.0.1", "startMode": "manual"})
        self.p.ok("StartInstances", instanceFilter=IID)
        self.base = os.path.join(self.p.base_directory, IID)

    def tearDown(self):
        self.p.stop()

    def status(self):
        return {i["instanceID"]: i for i in self.p.ok("GetInstances", instanceFilter=IID)}[IID]

    def export(self):
        """{folder: [sha256...]} of every message in the store, read back through spe-store."""
        out = self.p.path("export")
        shutil.rmtree(out, ignore_errors=True)
        subprocess.run([os.path.join(BIN, "spe-store"), "export", "--store",
                        os.path.join(self.base, "Data", "DefaultFileGroup"), "--recovery-key-file",
                        os.path.join(self.base, "RecoveryKey.txt"), "--out", out], check=True)
        found = {}
        for path in glob.glob(os.path.join(out, "**", "*.eml"), recursive=True):
            with open(path, "rb") as f:
                found.setdefault(os.path.relpath(os.path.dirname(path), out), []).append(
                    hashlib.sha256(f.read()).hexdigest())
        return found

    def check(self, found, expected, complete):
        for folder, shas in found.items():
            self.assertEqual(len(shas), len(set(shas)), "a message is twice in %s" % folder)
            self.assertTrue(set(shas) <= expected[folder], "a message in %s matches no source" % folder)
        if complete:
            self.assertEqual({f: set(s) for f, s in found.items()}, expected)

    def test_kill_during_import(self):
        p = self.p
        tree = mailgen.write_eml_tree(p.path("source"), COUNT)
        expected = {"victim/" + f: {hashlib.sha256(m).hexdigest() for m in ms} for f, ms in tree.items()}
        p.ok("CreateUser", instanceID=IID, userName="victim", privileges="none")
        pid = p.ok("CreateProfile", instanceID=IID, raw=True, properties={
            "name": "crash", "connector": "emlDirectory", "details": {"path": p.path("source"),
                                                                      "targetUserFolder": "victim"}})["id"]
        rng = random.Random(2024)
        for kill in range(KILLS):
            status, _, _ = p.request("/api/invoke/RunProfile", {"instanceID": IID, "id": pid})
            self.assertEqual(status, 200)
            time.sleep(rng.uniform(0.05, 0.6))
            victim = self.status()["processID"]
            os.kill(victim, signal.SIGKILL)
            deadline = time.time() + 20
            while self.status()["status"] == "running":
                self.assertLess(time.time(), deadline)
                time.sleep(0.1)
            if kill % 5 == 4:  # look inside while it is down
                self.check(self.export(), expected, complete=False)
            p.ok("StartInstances", instanceFilter=IID)
        r = p.ok("RunProfile", instanceID=IID, id=pid)
        if r["result"] != "succeeded":
            # The corpus has unreadable PDFs: when one of them is among what
            # this last run archives, it says so (which ones, depends on the kills).
            self.assertEqual(r["result"], "completedWithWarnings", r)
            warnings = p.ok("GetWorkerResultReport", instanceID=IID, id=r["workerResultId"])["report"]["warnings"]
            self.assertTrue(warnings == ["(the list was too long to keep)"]
                            or warnings and all("not fully indexed" in w and ".pdf" in w for w in warnings), warnings)
        self.assertEqual(r["itemsArchived"] + r["duplicates"], COUNT)
        self.assertGreater(r["duplicates"], 0, "the kills came too late to interrupt anything")
        stores = p.ok("GetStores", instanceID=IID, includeSize=True)
        self.assertEqual(stores[0]["statisticsCount"], COUNT)
        results = p.ok("GetWorkerResults", instanceID=IID, fromIncluding="2000-01-01", toExcluding="2100-01-01",
                       timeZoneID="UTC")
        # a run killed after it began is recorded as threadAbort once the instance is back
        aborted = sum(1 for w in results if w["result"] == "threadAbort")
        self.assertTrue(0 < aborted <= KILLS, aborted)
        p.ok("StopInstances", instanceFilter=IID)
        self.check(self.export(), expected, complete=True)


if __name__ == "__main__":
    unittest.main()
