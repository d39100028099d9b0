"""State left right after a failure (issue 15), against the real daemons:
UnlockStore checks the recovery key in every case, store ids are never
reused after DetachStore (also after a restart), SetInstanceConfiguration
refuses to point a stopped instance away from its data, and a failed
PairWithManagementServer keeps the working registration."""
import os
import re
import shutil
import time
import unittest

from harness import InstanceCalls, free_port

IID = "wst"


class WrongStateTest(InstanceCalls, unittest.TestCase):
    iid = IID

    @classmethod
    def setUpClass(cls):
        cls.start_platform()
        cls.base = os.path.join(cls.p.base_directory, IID)

    @classmethod
    def tearDownClass(cls):
        cls.p.stop()

    def recovery_key(self):
        with open(os.path.join(self.base, "RecoveryKey.txt")) as f:
            return re.search(r"[0-9a-fA-F]{8}(-[0-9a-fA-F]{8}){7}", f.read()).group(0)

    @staticmethod
    def off_by_one(key):
        """The key with its last digit changed (never the key itself)."""
        return key[:-1] + ("1" if key[-1] == "0" else "0")

    def wait_status(self, iid, status, timeout=60):
        deadline = time.monotonic() + timeout
        while True:
            now = self.p.ok("GetInstances", instanceFilter=iid)[0]["status"]
            if now == status:
                return
            self.assertLess(time.monotonic(), deadline, "instance %s stays %s" % (iid, now))
            time.sleep(0.2)

    # ------------------------------------------------------------ UnlockStore
    def test_1_unlock_store_checks_the_passphrase_of_an_open_store(self):
        store = self.ok("GetStores")[0]["id"]
        key_file = os.path.join(self.base, "Data")
        for bad in ["", "\x00", "0" * 64, "wrong", self.off_by_one(self.recovery_key())]:
            with self.subTest(passphrase=repr(bad)):
                env = self.p.invoke("UnlockStore", instanceID=IID, id=store, passphrase=bad)
                self.assertEqual(env["statusCode"], "failed", env)
                self.assertRegex(env["error"]["message"], "recovery key|passphrase|hexadecimal")
        said = self.ok("UnlockStore", id=store, passphrase=self.recovery_key())
        self.assertIn("was open already", said)
        self.assertTrue(os.path.isdir(key_file))
        self.assertEqual(self.ok("GetStores")[0]["id"], store)  # still open and listed

    # ------------------------------------------------------------ store ids
    def test_2_store_ids_are_never_reused(self):
        first = self.ok("CreateStore", name="One", databasePath="~/Data/One", requestedState="normal")["id"]
        self.ok("DetachStore", id=first)
        second = self.ok("CreateStore", name="Two", databasePath="~/Data/Two", requestedState="normal")["id"]
        self.assertGreater(second, first)
        self.ok("DetachStore", id=second)
        self.p.ok("RestartInstances", instanceFilter=IID)
        third = self.ok("AttachStore", name="One again", databasePath="~/Data/One", requestedState="normal")["id"]
        self.assertGreater(third, second)
        ids = [s["id"] for s in self.ok("GetStores")]
        self.assertEqual(len(ids), len(set(ids)))

    # ------------------------------------------------------------ moving an instance
    def test_3_set_instance_configuration_keeps_the_instance_with_its_data(self):
        self.p.ok("CreateInstance", config={"instanceID": "mov", "instanceHost": "127.0.0.1", "startMode": "manual"})
        # never started: there is no data yet, so its place may change freely
        self.p.ok("SetInstanceConfiguration", config={"instanceID": "mov", "baseDirectory": "~/mov-a"})
        self.p.ok("StartInstances", instanceFilter="mov")
        self.p.ok("StopInstances", instanceFilter="mov")
        self.wait_status("mov", "stopped")
        before = self.p.ok("GetInstanceConfiguration", instanceID="mov")
        # a directory holding other files is refused, and nothing changes
        os.makedirs(os.path.join(self.p.base_directory, "taken"))
        with open(os.path.join(self.p.base_directory, "taken", "x"), "w") as f:
            f.write("x")
        env = self.p.invoke("SetInstanceConfiguration", config={"instanceID": "mov", "baseDirectory": "~/taken"})
        self.assertEqual(env["statusCode"], "failed", env)
        self.assertIn("is not empty. Nothing was changed.", env["error"]["message"])
        self.assertEqual(self.p.ok("GetInstanceConfiguration", instanceID="mov"), before)
        # another directory on the same host: the data is copied there, checked, and the old copy removed
        self.p.ok("SetInstanceConfiguration", config={"instanceID": "mov", "baseDirectory": "~/mov-b"})
        self.assertFalse(os.path.exists(os.path.join(self.p.base_directory, "mov-a")))
        self.assertTrue(os.path.exists(os.path.join(self.p.base_directory, "mov-b", "MailStoreMaster.fdb")))
        self.p.ok("StartInstances", instanceFilter="mov")
        stores = self.p.ok("GetStores", instanceID="mov")
        self.assertEqual([(s["id"], s["databasePath"]) for s in stores],
                         [(1, os.path.join(self.p.base_directory, "mov-b", "Data", "DefaultFileGroup"))])
        self.p.ok("StopInstances", instanceFilter="mov")
        self.wait_status("mov", "stopped")
        # moved by hand: the old place holds nothing any more, the new one the data
        shutil.move(os.path.join(self.p.base_directory, "mov-b"), os.path.join(self.p.base_directory, "mov-c"))
        self.p.ok("SetInstanceConfiguration", config={"instanceID": "mov", "baseDirectory": "~/mov-c"})
        self.p.ok("StartInstances", instanceFilter="mov")
        self.assertEqual(self.p.ok("GetStores", instanceID="mov")[0]["id"], 1)
        self.p.ok("StopInstances", instanceFilter="mov")

    # ------------------------------------------------------------ pairing
    def test_4_failed_pairing_keeps_the_working_registration(self):
        hosts = self.p.ok("GetInstanceHosts")
        host = hosts[0]
        wrong = [(free_port(), host["serverCertificate"]["thumbprint"]),  # nothing listens there
                 (host["port"], "ab" * 32),  # another certificate
                 (self.p.ports["cas"], self.p.cas_thumbprint)]  # a role of the other type
        for port, thumbprint in wrong:
            with self.subTest(port=port, thumbprint=thumbprint[:8]):
                env = self.p.invoke("PairWithManagementServer", serverType="instanceHost",
                                    serverName=host["serverName"], port=port, thumbprint=thumbprint)
                self.assertEqual(env["statusCode"], "failed", env)
                self.assertIn("Nothing was changed", env["error"]["message"])
                self.assertIn("stays in use", env["error"]["message"])
                self.assertEqual(self.p.ok("GetInstanceHosts"), hosts)
                # the host still answers and still reaches the Management Server
                self.assertEqual(self.p.ok("GetInstances", instanceFilter=IID)[0]["status"], "running")
                self.assertEqual(self.ok("GetStores")[0]["id"], 1)
        # the right pairing is proven and kept
        self.p.ok("PairWithManagementServer", serverType="instanceHost", serverName=host["serverName"],
                  port=host["port"], thumbprint=host["serverCertificate"]["thumbprint"].upper())
        self.assertEqual(self.p.ok("GetInstanceHosts"), hosts)


if __name__ == "__main__":
    unittest.main()
