"""cancel-async honoured by long-running functions (issue 15): archiving runs
of a few thousand messages cancelled while they run, and every function that
changes a store cancelled while it waits for a frozen instance, must end
promptly as `failed` with "The operation was cancelled.", leaving the archive
consistent (VerifyStores afterwards finds no problem). Verification and the
other store functions are cancelled at every check in
store_integration_tests (MaintenanceIsCancellableAtEveryCheck...): on a test
store they end before a cancellation could reach them through the API."""
import json
import os
import time
import unittest

import mailgen
from harness import InstanceCalls

IID = "canc"
MESSAGES = 4000
CANCELLED = "The operation was cancelled."


class CancelTest(InstanceCalls, unittest.TestCase):
    iid = IID

    @classmethod
    def setUpClass(cls):
        cls.start_platform()
        cls.src = cls.p.path("source")
        mailgen.write_eml_tree(os.path.join(cls.src, "eml"), MESSAGES)
        cls.p.ok("CreateUser", instanceID=IID, userName="jdoe", privileges="login")

    @classmethod
    def tearDownClass(cls):
        cls.p.stop()

    def start(self, function, **args):
        """Invokes a long-running function; returns its first envelope."""
        status, _, body = self.p.request("/api/invoke/" + function, dict(
            {k: (json.dumps(v) if isinstance(v, (dict, list)) else str(v)) for k, v in args.items()},
            instanceID=IID))
        self.assertEqual(status, 200)
        return json.loads(body.decode("utf-8-sig"))

    def poll(self, env, timeout=5000):
        _, _, body = self.p.request("/api/get-status", {"token": env["token"], "lastKnownStatusVersion":
                                                        env["statusVersion"], "millisecondsTimeout": timeout})
        return json.loads(body.decode("utf-8-sig"))

    def run_and_cancel(self, function, at_percent=0, **args):
        """Starts `function`, cancels it once it reports at_percent or more and
        returns (final envelope, seconds from cancel to end, was running)."""
        env = self.start(function, **args)
        deadline = time.monotonic() + 120
        while env["statusCode"] == "running" and (env["percentProgress"] or 0) < at_percent:
            self.assertLess(time.monotonic(), deadline, function)
            env = self.poll(env, 1000)
        if env["statusCode"] != "running":
            return env, 0.0, False
        cancelled_at = time.monotonic()
        _, _, body = self.p.request("/api/cancel-async", {"token": env["token"]})
        answer = json.loads(body.decode("utf-8-sig"))
        while env["statusCode"] == "running":
            self.assertLess(time.monotonic() - cancelled_at, 30, function + " did not end after the cancellation")
            env = self.poll(env)
        return env, time.monotonic() - cancelled_at, answer["statusCode"] == "running"

    def assertCancelled(self, function, at_percent=0, **args):
        env, seconds, was_running = self.run_and_cancel(function, at_percent, **args)
        self.assertTrue(was_running, "%s ended before it could be cancelled: %s" % (function, env))
        self.assertEqual(env["statusCode"], "failed", (function, env))
        self.assertTrue(env["error"]["message"].startswith(CANCELLED), (function, env["error"]))
        self.assertLess(seconds, 3, function)
        return env

    def profile(self, name, target):
        return self.ok("CreateProfile", raw=True, properties={
            "name": name, "type": "archive", "owner": "$archiveadmin", "connector": "emlDirectory",
            "details": {"path": os.path.join(self.src, "eml"), "targetUserFolder": target}})["id"]

    def verify_clean(self):
        for report in self.ok("VerifyStores"):
            self.assertEqual(report["problems"], [], report)

    def test_1_run_profile(self):
        pid = self.profile("eml", "jdoe")
        # Cancelled while it waits for a frozen instance: the same every time.
        self.p.ok("FreezeInstances", instanceFilter=IID)
        try:
            env = self.assertCancelled("RunProfile", id=pid)
        finally:
            self.p.ok("ThawInstances", instanceFilter=IID)
        self.assertIn("0 messages were archived before", env["error"]["message"])
        # Cancelled while it archives, where the machine is slow enough to
        # catch it there (a fast one may finish 4,000 messages first).
        env, seconds, was_running = self.run_and_cancel("RunProfile", 5, id=pid)
        if was_running and env["statusCode"] == "failed":
            self.assertTrue(env["error"]["message"].startswith(CANCELLED), env["error"])
            self.assertIn("messages were archived before", env["error"]["message"])
            self.assertLess(seconds, 3)
        # What was archived stays; the next run archives the rest, nothing twice.
        done = self.ok("RunProfile", id=pid)
        self.assertEqual(done["itemsArchived"] + done["duplicates"], MESSAGES)
        self.assertEqual(self.ok("RunProfile", id=pid)["duplicates"], MESSAGES)
        self.verify_clean()

    def test_2_run_temporary_profile(self):
        # The messages are all in the archive after test 1, so a run of
        # duplicates may end before a cancellation reaches it. It is
        # cancelled while it waits for a frozen instance instead: the same
        # cancellation, whatever the machine's speed.
        self.p.ok("FreezeInstances", instanceFilter=IID)
        try:
            env = self.assertCancelled("RunTemporaryProfile", raw=True, properties={
                "name": "tmp", "type": "archive", "owner": "$archiveadmin", "connector": "emlDirectory",
                "details": {"path": os.path.join(self.src, "eml"), "targetUserFolder": "jdoe/again"}})
        finally:
            self.p.ok("ThawInstances", instanceFilter=IID)
        self.assertIn("0 messages were archived before", env["error"]["message"])

    def test_4_writes_waiting_for_a_frozen_instance(self):
        """Functions that change a store wait while the instance is frozen;
        a cancellation ends the wait and nothing is done."""
        stores = self.ok("GetStores")
        store = stores[0]["id"]
        other = self.ok("CreateStore", name="Other", databasePath="~/Data/Other", requestedState="normal")["id"]
        self.p.ok("FreezeInstances", instanceFilter=IID)
        try:
            for function, args in [("RecreateRecoveryRecords", {"id": store}), ("UpgradeStore", {"id": store}),
                                   ("UpgradeStores", {}), ("RepairStoreDatabase", {"id": store}),
                                   ("CompactStore", {"id": store}), ("MergeStore", {"id": store, "sourceId": other}),
                                   ("MaintainFileSystemDatabases", {}), ("RecoverStore", {"id": other})]:
                with self.subTest(function=function):
                    env = self.assertCancelled(function, **args)
                    self.assertIn("frozen", env["error"]["message"])
        finally:
            self.p.ok("ThawInstances", instanceFilter=IID)
        self.assertEqual(len(self.ok("GetStores")), len(stores) + 1)  # MergeStore did not detach the source
        self.verify_clean()


if __name__ == "__main__":
    unittest.main()
