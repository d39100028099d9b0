"""kill -9 of the real instance process while audited actions are written,
50 times (issue 21): afterwards spe-audit verify finds the log intact and
every action the instance acknowledged has its entry.

Writers call the instance's own socket (as the Management Server does) so
that many actions are under way at each kill: CreateUser (the API path:
the user is stored, then its UserAdd entry written, then the answer) and
the socket's `audit` method (the Management Server's own records)."""
import os
import random
import signal
import threading
import time
import unittest

import audit_log
from harness import InstanceCalls
from test_index import instance_rpc

IID = "auditcrash"
KILLS = 50
WRITERS = 3


def rpc(path, method, params):
    """One call on the instance's socket; the answer frame, or None when the
    instance went away before answering (not acknowledged)."""
    try:
        return instance_rpc(path, method, params)
    except OSError:  # ConnectionError too
        return None


class AuditCrashTest(InstanceCalls, unittest.TestCase):
    iid = IID

    @classmethod
    def setUpClass(cls):
        cls.start_platform()
        cls.base_dir = cls.p.ok("GetInstanceConfiguration", instanceID=IID)["baseDirectory"]
        cls.sock = cls.p.socket(IID)

    def instance(self):
        return {i["instanceID"]: i for i in self.p.ok("GetInstances", instanceFilter=IID)}[IID]

    def wait_status(self, running, deadline_s=60):
        deadline = time.time() + deadline_s
        while True:
            status = self.instance()
            if (status["status"] == "running") == running:
                if not running or rpc(self.sock, "ping", {}) is not None:
                    return status
            self.assertLess(time.time(), deadline, status)
            time.sleep(0.1)

    def test_kill_while_writing(self):
        acked_users, acked_records = set(), set()
        lock = threading.Lock()
        rng = random.Random(21)
        attempts = 0
        for kill in range(KILLS):
            self.wait_status(True)
            stop = threading.Event()

            def writer(w):
                i = 0
                while not stop.is_set():
                    i += 1
                    tag = "k%d-w%d-%d" % (kill, w, i)
                    if i % 2:
                        frame = rpc(self.sock, "api", {"function": "CreateUser", "caller": "admin",
                                                       "args": {"instanceID": IID, "userName": "u-" + tag,
                                                                "privileges": "none"}})
                        if frame is not None and "result" in frame:
                            with lock:
                                acked_users.add("u-" + tag)
                    else:
                        frame = rpc(self.sock, "audit", {"userName": "admin", "event": "CredentialsChange",
                                                         "details": "record " + tag})
                        if frame is not None and "result" in frame:
                            with lock:
                                acked_records.add("record " + tag)
                    if frame is None:
                        return  # the instance is gone

            threads = [threading.Thread(target=writer, args=(w,)) for w in range(WRITERS)]
            before = len(acked_users) + len(acked_records)
            for t in threads:
                t.start()
            # Kill once some actions went through, at a random moment after.
            deadline = time.time() + 30
            while len(acked_users) + len(acked_records) - before < 5:
                self.assertLess(time.time(), deadline, "no action was acknowledged")
                time.sleep(0.005)
            time.sleep(rng.uniform(0, 0.2))
            pid = self.instance()["processID"]
            os.kill(pid, signal.SIGKILL)
            for t in threads:
                t.join(60)
            stop.set()
            for t in threads:
                t.join()
            attempts += 1
            self.wait_status(False)
            self.p.ok("StartInstances", instanceFilter=IID)
        self.wait_status(True)

        code, report, err = audit_log.verify(self.base_dir)
        self.assertEqual(code, 0, (report, err))
        self.assertTrue(report["intact"], report)
        entries = audit_log.audit_entries(self.base_dir)
        self.assertEqual([e["sequence"] for e in entries], list(range(1, len(entries) + 1)))
        added = {e["details"].split("=", 1)[1] for e in entries if e["event"] == "UserAdd"}
        records = {e["details"] for e in entries if e["event"] == "CredentialsChange"}
        self.assertEqual(acked_users - added, set(), "acknowledged CreateUser calls without a UserAdd entry")
        self.assertEqual(acked_records - records, set(), "acknowledged records missing")
        self.assertGreater(len(acked_users), KILLS)
        self.assertGreater(len(acked_records), KILLS)
        # Users stored and audited match: nothing audited that was not done.
        users = {u["userName"] for u in self.ok("GetUsers")}
        self.assertEqual(added - users, set(), "a UserAdd entry for a user that is not there")
        print("audit crash: %d kills, %d users and %d records acknowledged, %d entries, %d torn tails cut" % (
            attempts, len(acked_users), len(acked_records), len(entries),
            sum(1 for e in entries if e["event"] == "AuditLogTailTruncated")))


if __name__ == "__main__":
    unittest.main()
