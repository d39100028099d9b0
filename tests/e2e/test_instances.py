"""Instances through the Management API with real processes: create, start,
kill -9 and the supervised restart, stop, filters, freeze holding a write
until thaw, safe mode, statistics, archive admin access, host down and back,
delete, and bad input."""
import json
import os
import signal
import threading
import time
import unittest

from harness import Platform


class InstancesTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.p = Platform()
        cls.host = "127.0.0.1"

    @classmethod
    def tearDownClass(cls):
        cls.p.stop()

    def create(self, instance_id, **extra):
        cfg = {"instanceID": instance_id, "alias": "", "displayName": instance_id.title(),
               "instanceHost": self.host, "startMode": "manual"}
        cfg.update(extra)
        return self.p.invoke("CreateInstance", config=cfg)

    def instances(self, flt="*"):
        return {i["instanceID"]: i for i in self.p.ok("GetInstances", instanceFilter=flt)}

    def wait_status(self, instance_id, status, timeout=20, pid_not=None):
        deadline = time.time() + timeout
        while True:
            i = self.instances(instance_id)[instance_id]
            if i["status"] == status and (pid_not is None or i["processID"] != pid_not):
                return i
            if time.time() > deadline:
                self.fail("%s never reached %s: %s" % (instance_id, status, i))
            time.sleep(0.2)

    def failed(self, env, word):
        self.assertEqual(env["statusCode"], "failed", env)
        self.assertIn(word, env["error"]["message"])

    def test_01_create_start_stop_delete(self):
        p = self.p
        self.assertEqual(self.create("acme", alias="acme-corp", debugLogEnabled=True)["statusCode"], "succeeded")
        cfg = p.ok("GetInstanceConfiguration", instanceID="acme")
        self.assertEqual(cfg, {"instanceID": "acme", "alias": "acme-corp", "displayName": "Acme",
                               "instanceHost": self.host, "startMode": "manual",
                               "baseDirectory": os.path.join(p.base_directory, "acme"), "debugLogEnabled": True,
                               "imapServerConnectionLogEnabled": False, "vssWriterEnabled": False,
                               "vssWriterExcludeIndexes": False})
        i = self.instances()["acme"]
        self.assertEqual((i["status"], i["processID"]), ("stopped", None))
        self.assertEqual(list(i.keys())[:8], ["instanceID", "alias", "displayName", "instanceHost", "startMode",
                                              "processID", "status", "startStopError"])
        env = p.invoke("StartInstances", instanceFilter="acme")
        while env["statusCode"] == "running":
            status, _, body = p.request("/api/get-status", {"token": env["token"], "millisecondsTimeout": 5000,
                                                            "lastKnownStatusVersion": env["statusVersion"]})
            env = json.loads(body.decode("utf-8-sig"))
        self.assertEqual(env["statusCode"], "succeeded", env)
        i = self.instances()["acme"]
        self.assertEqual(i["status"], "running")
        self.assertIsInstance(i["processID"], int)
        os.kill(i["processID"], 0)
        base = os.path.join(p.base_directory, "acme")
        self.assertTrue(os.path.isfile(os.path.join(base, "MailStoreMaster.fdb")))
        self.assertTrue(os.path.isdir(os.path.join(base, "Data")))
        self.assertIn("[Iacme]", p.log("instancehost"))
        # statistics from the instance process
        stats = p.ok("GetInstanceStatistics", instanceID="acme")
        self.assertEqual(list(stats), ["totalSizeMB", "databaseFileSizeMB", "contentFileSizeMB", "indexFileSizeMB",
                                       "numberOfMessages"])
        self.assertEqual(stats["numberOfMessages"], 0)
        self.assertGreater(stats["databaseFileSizeMB"], 0)  # master database and the first store's database
        # a new instance has its recovery key file and one current store
        self.assertEqual(os.stat(os.path.join(base, "RecoveryKey.txt")).st_mode & 0o777, 0o600)
        stores = p.ok("GetStores", instanceID="acme")
        self.assertEqual([(s["name"], s["requestedState"]) for s in stores], [("DefaultFileGroup", "current")])
        live = p.ok("GetInstanceProcessLiveStatistics", instanceID="acme")
        for k in ["processUniqueID", "timestamp", "totalProcessorMilliseconds", "totalIOReadBytes",
                  "totalIOWriteBytes", "totalIOOtherBytes", "totalRemoteProcedureCalls", "totalMessagesArchived",
                  "totalMessagesChecked", "currentPrivateMemoryBytes"]:
            self.assertIn(k, live)
        self.assertGreater(live["currentPrivateMemoryBytes"], 0)
        self.assertRegex(live["processUniqueID"], r"^[0-9a-f]{8}-[0-9a-f]{4}-")
        self.assertLess(abs(live["timestamp"] / 1000 - time.time()), 60)
        # running instances cannot be deleted or moved
        self.failed(p.invoke("DeleteInstances", instanceFilter="acme"), "stop it")
        self.failed(p.invoke("SetInstanceConfiguration", config={"instanceID": "acme", "baseDirectory": "~/x"}),
                    "only be changed while the instance is stopped")
        p.ok("SetInstanceConfiguration", config={"instanceID": "acme", "displayName": "ACME Inc."})
        self.assertEqual(self.instances()["acme"]["displayName"], "ACME Inc.")
        pid = i["processID"]
        p.ok("StopInstances", instanceFilter="acme")
        self.assertEqual(self.instances()["acme"]["status"], "stopped")
        with self.assertRaises(ProcessLookupError):
            for _ in range(50):
                os.kill(pid, 0)
                time.sleep(0.1)
        deleted = p.ok("DeleteInstances", instanceFilter="acme")
        self.assertEqual(deleted[0]["instanceID"], "acme")
        self.assertEqual(deleted[0]["baseDirectory"], base)
        self.assertIn(base, deleted[0]["message"])
        self.assertNotIn("acme", self.instances())
        self.assertTrue(os.path.isfile(os.path.join(base, "MailStoreMaster.fdb")))  # data stays

    def test_02_crashed_automatic_instance_is_restarted(self):
        p = self.p
        self.assertEqual(self.create("auto1", startMode="automatic")["statusCode"], "succeeded")
        p.ok("StartInstances", instanceFilter="auto1")
        first = self.instances()["auto1"]
        os.kill(first["processID"], signal.SIGKILL)
        t0 = time.time()
        again = self.wait_status("auto1", "running", timeout=15, pid_not=first["processID"])
        self.assertGreater(time.time() - t0, 1.0)  # after the 2 s backoff, not at once
        self.assertNotEqual(again["processID"], first["processID"])
        self.assertIn("exited unexpectedly", p.log("instancehost"))
        # a manual instance that crashes goes to error, with the reason
        self.create("manual1")
        p.ok("StartInstances", instanceFilter="manual1")
        pid = self.instances()["manual1"]["processID"]
        os.kill(pid, signal.SIGKILL)
        err = self.wait_status("manual1", "error")
        self.assertIn("signal 9", err["startStopError"])
        p.ok("StartInstances", instanceFilter="manual1")
        self.assertEqual(self.instances()["manual1"]["status"], "running")
        p.ok("StopInstances", instanceFilter="manual1 auto1")

    def test_03_filters(self):
        p = self.p
        for i in ("flt-a", "flt-b", "flt-c"):
            self.create(i)
        p.ok("StartInstances", instanceFilter="flt-a flt-b")
        self.assertEqual(set(self.instances("flt-a flt-c")), {"flt-a", "flt-c"})
        running = set(self.instances("* .running"))
        self.assertTrue({"flt-a", "flt-b"} <= running)
        self.assertNotIn("flt-c", running)
        stopped = set(self.instances("* .stopped"))
        self.assertIn("flt-c", stopped)
        self.assertNotIn("flt-a", stopped)
        on_host = set(self.instances("*" + self.host))
        self.assertTrue({"flt-a", "flt-b", "flt-c"} <= on_host)
        self.assertEqual(set(self.instances("*%s .stopped flt-a" % self.host)) & {"flt-a", "flt-b", "flt-c"},
                         {"flt-c"})
        for bad, word in [("", "selects nothing"), ("   ", "selects nothing"), ("nope", "unknown instance 'nope'"),
                          ("*nohost", "unknown Instance Host 'nohost'"), ("* .sleeping", "unknown qualifier"),
                          ("* .running .stopped", "both")]:
            self.failed(p.invoke("GetInstances", instanceFilter=bad), word)
        p.ok("StopInstances", instanceFilter="* .running")
        self.assertEqual(set(self.instances("* .running")), set())

    def test_04_freeze_holds_writes_until_thaw(self):
        p = self.p
        self.create("frozen1")
        p.ok("StartInstances", instanceFilter="frozen1")
        p.ok("FreezeInstances", instanceFilter="frozen1")
        self.assertTrue(self.instances()["frozen1"]["frozen"])
        done = {}

        def write():  # SetArchiveAdminEnabled writes the instance's audit log
            done["env"] = p.invoke("SetArchiveAdminEnabled", instanceID="frozen1", enabled=False)
            done["at"] = time.time()

        t = threading.Thread(target=write)
        t.start()
        time.sleep(1.5)
        self.assertNotIn("env", done, "a write went through while frozen")
        # reads go on while frozen
        self.assertIn("processUniqueID", p.ok("GetInstanceProcessLiveStatistics", instanceID="frozen1"))
        thawed_at = time.time()
        p.ok("ThawInstances", instanceFilter="frozen1")
        t.join(20)
        self.assertEqual(done["env"]["statusCode"], "succeeded")
        self.assertGreaterEqual(done["at"], thawed_at)
        self.assertFalse(self.instances()["frozen1"]["frozen"])
        self.assertIs(p.ok("GetArchiveAdminEnabled", instanceID="frozen1"), False)
        # a restarted instance is thawed
        p.ok("FreezeInstances", instanceFilter="frozen1")
        p.ok("RestartInstances", instanceFilter="frozen1")
        self.assertFalse(self.instances()["frozen1"]["frozen"])
        p.ok("SetArchiveAdminEnabled", instanceID="frozen1", enabled=True)
        p.ok("StopInstances", instanceFilter="frozen1")

    def test_05_safe_mode_and_disabled(self):
        p = self.p
        self.create("safe1")
        p.ok("StartInstances", instanceFilter="safe1", safeMode=True)
        i = self.instances()["safe1"]
        self.assertTrue(i["safeMode"])
        p.ok("RestartInstances", instanceFilter="safe1")
        self.assertFalse(self.instances()["safe1"]["safeMode"])
        p.ok("StopInstances", instanceFilter="safe1")
        self.create("off1", startMode="disabled")
        env = p.invoke("StartInstances", instanceFilter="off1")
        self.failed(env, "disabled")
        self.assertEqual(self.instances()["off1"]["status"], "stopped")

    def test_06_bad_input(self):
        p = self.p
        cases = [
            ({"instanceID": "ab"}, "instanceID"), ({"instanceID": "1abc"}, "instanceID"),
            ({"instanceID": "Abc"}, "instanceID"), ({"instanceID": "a" * 33}, "instanceID"),
            ({"instanceID": "a_b_c"}, "instanceID"),
            ({"instanceID": "good1", "startMode": "sometimes"}, "startMode"),
            ({"instanceID": "good1", "instanceHost": "nohost"}, "unknown Instance Host 'nohost'"),
            ({"instanceID": "good1", "baseDirectory": "/etc/spe"}, "outside"),
            ({"instanceID": "good1", "baseDirectory": "~/../../x"}, "outside"),
            ({"instanceID": "good1", "baseDirectory": "relative"}, "absolute"),
            ({"instanceID": "good1", "alias": "Bad Alias"}, "alias"),
            ({"instanceID": "good1", "colour": "red"}, "config.colour"),
            ({"instanceID": "good1", "debugLogEnabled": "yes"}, "debugLogEnabled"),
        ]
        for cfg, word in cases:
            full = {"instanceHost": self.host, "startMode": "manual", **cfg}
            self.failed(p.invoke("CreateInstance", config=full), word)
        self.failed(p.invoke("CreateInstance", config={"instanceID": "good1"}), "instanceHost")
        self.assertEqual(self.create("dup1", alias="dup-alias")["statusCode"], "succeeded")
        self.failed(self.create("dup1"), "exists already")
        self.failed(self.create("dup2", alias="dup-alias"), "already used")
        self.failed(self.create("dup3", alias="dup1"), "already used")
        self.failed(self.create("dup-alias"), "already the alias")
        self.failed(self.create("dup4", baseDirectory=os.path.join(self.p.base_directory, "dup1")), "overlaps")
        self.assertEqual(self.create("tilde1", baseDirectory="~/custom/tilde1")["statusCode"], "succeeded")
        self.assertEqual(p.ok("GetInstanceConfiguration", instanceID="tilde1")["baseDirectory"],
                         os.path.join(self.p.base_directory, "custom", "tilde1"))
        # the alias selects the instance in filters
        self.assertEqual(set(self.instances("dup-alias")), {"dup1"})
        self.failed(p.invoke("GetInstanceConfiguration", instanceID="ghost"), "no instance 'ghost'")
        self.failed(p.invoke("GetInstanceStatistics", instanceID="dup1"), "not running")
        self.failed(p.invoke("SetInstanceConfiguration", config={"instanceID": "ghost"}), "no instance")
        self.failed(p.invoke("SetInstanceConfiguration", config={"instanceID": "dup1", "startMode": "x"}),
                    "startMode")

    def test_07_host_down_and_back(self):
        p = self.p
        self.create("hd-auto", startMode="automatic")
        self.create("hd-manual")
        p.ok("StartInstances", instanceFilter="hd-auto hd-manual")
        old = self.instances("hd-auto")["hd-auto"]["processID"]
        p.kill("instancehost", signal.SIGTERM)  # a clean host stop stops its instances
        i = self.instances("hd-auto hd-manual")
        for name in ("hd-auto", "hd-manual"):
            self.assertEqual(i[name]["status"], "error")
            self.assertIn("not reachable", i[name]["startStopError"])
        self.assertEqual(p.invoke("Ping")["statusCode"], "succeeded")
        self.failed(p.invoke("StartInstances", instanceFilter="hd-manual"), "not reachable")
        p.start("instancehost")
        back = self.wait_status("hd-auto", "running", timeout=20)
        self.assertNotEqual(back["processID"], old)
        self.assertEqual(self.instances("hd-manual")["hd-manual"]["status"], "stopped")
        p.ok("StopInstances", instanceFilter="hd-auto")


class ArchiveAdminTest(unittest.TestCase):
    def test_get_and_set(self):
        p = Platform()
        try:
            p.ok("CreateInstance", config={"instanceID": "aa1", "instanceHost": "127.0.0.1", "startMode": "manual"})
            self.assertIs(p.ok("GetArchiveAdminEnabled", instanceID="aa1"), True)
            p.ok("StartInstances", instanceFilter="aa1")
            p.ok("SetArchiveAdminEnabled", instanceID="aa1", enabled=False)
            self.assertIs(p.ok("GetArchiveAdminEnabled", instanceID="aa1"), False)
            p.ok("SetArchiveAdminEnabled", instanceID="aa1", enabled=True)
            env = p.invoke("SetArchiveAdminEnabled", instanceID="aa1", enabled="maybe")
            self.assertEqual(env["statusCode"], "failed")
            p.ok("StopInstances", instanceFilter="aa1")
        finally:
            p.stop()


if __name__ == "__main__":
    unittest.main()
