"""The archive through the Management API with real processes: users and
their privileges, file imports (EML tree, mbox, maildir) with duplicates and
worker results, folders, archive stores and their states, recovery, and bad
input. Messages are checked byte for byte with the spe-store tool."""
import glob
import hashlib
import json
import os
import shutil
import subprocess
import unittest

import mailgen
from harness import BIN, InstanceCalls

IID = "arch"


class ArchiveTest(InstanceCalls, unittest.TestCase):
    iid = IID

    @classmethod
    def setUpClass(cls):
        cls.start_platform()
        cls.base = os.path.join(cls.p.base_directory, IID)
        cls.src = cls.p.path("source")
        os.makedirs(cls.src)

    @classmethod
    def tearDownClass(cls):
        cls.p.stop()

    # ------------------------------------------------------------ helpers

    def import_profile(self, name, connector, path, target, **details):
        d = {"path": path, "targetUserFolder": target}
        d.update(details)
        return self.ok("CreateProfile", raw=True, properties={"name": name, "type": "archive", "owner": "$archiveadmin",
                                                              "connector": connector, "details": d})["id"]

    def store_messages(self, store_dir):
        """{folder: sorted sha256 list} read back byte for byte through spe-store (instance stopped)."""
        out = self.p.path("export-%d" % len(os.listdir(self.p.dir)))
        subprocess.run([os.path.join(BIN, "spe-store"), "export", "--store", store_dir, "--recovery-key-file",
                        os.path.join(self.base, "RecoveryKey.txt"), "--out", out], check=True)
        found = {}
        for path in glob.glob(os.path.join(out, "**", "*.eml"), recursive=True):
            folder = os.path.relpath(os.path.dirname(path), out)
            with open(path, "rb") as f:
                found.setdefault(folder, []).append(hashlib.sha256(f.read()).hexdigest())
        shutil.rmtree(out)
        return {k: sorted(v) for k, v in found.items()}

    # ------------------------------------------------------------ users
    def test_01_users(self):
        self.ok("CreateUser", userName="jdoe", privileges="login,archive", fullName="John Doe", password="S3cret pass")
        users = self.ok("GetUsers")
        self.assertEqual(users[0]["userName"], "$archiveadmin")
        self.assertEqual(users[1], {"userName": "jdoe", "fullName": "John Doe", "distinguishedName": None,
                                    "mfaStatus": "Disabled"})
        info = self.ok("GetUserInfo", userName="JDOE")
        self.assertEqual(list(info), ["userName", "fullName", "distinguishedName", "authentication", "mfaStatus",
                                      "emailAddresses", "pop3UserNames", "privileges", "loginPrivileges",
                                      "privilegesOnFolders"])
        self.assertEqual(info["privileges"], ["login", "archive"])
        self.assertEqual(info["loginPrivileges"], ["windows", "web", "outlook", "windowsCmd", "imap", "api"])
        admin = self.ok("GetUserInfo", userName="$archiveadmin")
        self.assertEqual((admin["privileges"], admin["privilegesOnFolders"]), (["admin"], []))
        self.ok("SetUserEmailAddresses", userName="jdoe", emailAddresses="john@example.com, jd@example.org")
        self.ok("SetUserPop3UserNames", userName="jdoe", pop3UserNames="john,jd")
        self.ok("SetUserPrivileges", userName="jdoe", privileges="admin")
        self.ok("SetUserLoginPrivileges", userName="jdoe", loginPrivileges="web,imap")
        self.ok("SetUserAuthentication", userName="jdoe", authentication="directoryServices")
        self.ok("SetUserDistinguishedName", userName="jdoe", distinguishedName="CN=John,DC=example,DC=com")
        self.ok("SetUserFullName", userName="jdoe", fullName="John Q. Doe")
        self.ok("SetUserPassword", userName="jdoe", password="another one")
        self.ok("CreateUser", userName="amy", privileges="none", loginPrivileges="none")
        self.ok("SetUserPrivilegesOnFolder", userName="amy", folder="jdoe", privileges="read,delete")
        info = self.ok("GetUserInfo", userName="jdoe")
        self.assertEqual(info["emailAddresses"], ["john@example.com", "jd@example.org"])
        self.assertEqual(info["pop3UserNames"], ["john", "jd"])
        self.assertEqual((info["privileges"], info["loginPrivileges"]), (["admin"], ["web", "imap"]))
        self.assertEqual((info["authentication"], info["fullName"]), ("directoryServices", "John Q. Doe"))
        self.assertEqual(self.ok("GetUserInfo", userName="amy")["privilegesOnFolders"],
                         [{"folder": "jdoe", "privileges": ["read", "delete"]}])
        # bad input names what is wrong
        self.failed("CreateUser", "already exists", userName="JDoe", privileges="none")
        self.failed("CreateUser", "'none' must be the only value", userName="x1", privileges="none,login")
        self.failed("CreateUser", "'admin' must be the only value", userName="x1", privileges="admin,login")
        self.failed("CreateUser", "unknown value 'superuser'", userName="x1", privileges="superuser")
        self.failed("CreateUser", "reserved", userName="$root", privileges="none")
        self.failed("CreateUser", "not allowed", userName="a/b", privileges="none")
        self.failed("CreateUser", "'loginPrivileges'", userName="x1", privileges="none", loginPrivileges="none,web")
        self.failed("CreateUser", "'authentication'", userName="x1", privileges="none", authentication="ldap")
        self.failed("SetUserEmailAddresses", "not an e-mail address", userName="jdoe", emailAddresses="nope")
        self.failed("SetUserPrivilegesOnFolder", "user archive", userName="amy", folder="jdoe/Inbox",
                    privileges="read")
        self.failed("SetUserPrivilegesOnFolder", "no user archive", userName="amy", folder="ghost", privileges="read")
        self.failed("GetUserInfo", "no user 'ghost'", userName="ghost")
        self.failed("DeleteUser", "cannot be deleted", userName="$archiveadmin")
        self.failed("SetUserPassword", "cannot be changed", userName="$archiveadmin", password="x")
        self.ok("ClearUserPrivilegesOnFolders", userName="amy")
        self.assertEqual(self.ok("GetUserInfo", userName="amy")["privilegesOnFolders"], [])
        log = self.p.log("instancehost")
        self.assertNotIn("S3cret pass", log)
        self.assertNotIn("another one", log)

    # ------------------------------------------------------------ imports
    def test_02_eml_import_duplicates_and_worker_results(self):
        tree = mailgen.write_eml_tree(os.path.join(self.src, "eml"), 90)
        with open(os.path.join(self.src, "eml", "Inbox", "zz-headerless.eml"), "wb") as f:
            f.write(mailgen.HEADERLESS)
        pid = self.import_profile("EML jdoe", "emlDirectory", os.path.join(self.src, "eml"), "jdoe/Imported")
        r = self.ok("RunProfile", id=pid)
        # Warnings: the message without headers, and each unreadable PDF the
        # index could not read (the run waits until its mail is indexed).
        report = self.ok("GetWorkerResultReport", id=self.ok("GetWorkerResults", fromIncluding="2000-01-01",
                         toExcluding="2100-01-01", timeZoneID="$Local")[0]["id"])["report"]
        broken_pdfs = len([n for n in range(90) if n % 5 == 3])
        self.assertEqual(len([w for w in report["warnings"] if "not fully indexed: r" in w and
                              w.endswith(".pdf: the PDF document cannot be read")]), broken_pdfs)
        self.assertEqual((r["result"], r["itemsArchived"], r["duplicates"], r["warnings"]),
                         ("completedWithWarnings", 91, 0, 1 + broken_pdfs))
        # Where the time went: archiving until durable, then the wait for the index.
        self.assertGreater(report["durableSeconds"], 0)
        self.assertGreaterEqual(report["searchableWaitSeconds"], 0)
        self.assertAlmostEqual(report["durableSeconds"] + report["searchableWaitSeconds"], report["seconds"], places=3)
        again = self.ok("RunProfile", id=pid)
        self.assertEqual((again["itemsArchived"], again["duplicates"]), (0, 91))
        folders = {f["folder"]: f for f in self.ok("GetChildFolders", folder="jdoe")}
        self.assertEqual(sorted(folders), ["jdoe/Imported", "jdoe/Imported/Inbox", "jdoe/Imported/Projects",
                                           "jdoe/Imported/Projects/2024", "jdoe/Imported/Sent"])
        one = self.ok("GetChildFolders", folder="jdoe/Imported", maxLevels=1)
        self.assertEqual([f["folder"] for f in one], ["jdoe/Imported/Inbox", "jdoe/Imported/Projects",
                                                      "jdoe/Imported/Sent"])
        stats = {f["folder"]: f for f in self.ok("GetFolderStatistics")}
        self.assertEqual(stats["jdoe/Imported/Inbox"]["count"], 31)
        self.assertEqual(stats["jdoe/Imported/Inbox"]["size"],
                         sum(len(m) for m in tree["Inbox"]) + len(mailgen.HEADERLESS))
        results = self.ok("GetWorkerResults", fromIncluding="2000-01-01T00:00:00", toExcluding="2100-01-01",
                          timeZoneID="Europe/Berlin", profileID=pid)
        self.assertEqual(len(results), 2)
        self.assertEqual(list(results[0]), ["id", "userName", "profileId", "profileName", "result", "itemsArchived",
                                            "startTime", "completeTime", "machineName"])
        self.assertRegex(results[0]["startTime"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+0[12]:00$")
        report = self.ok("GetWorkerResultReport", id=results[0]["id"])["report"]
        self.assertEqual(report["folders"]["jdoe/Imported/Inbox"]["archived"], 31)
        self.assertIn("zz-headerless.eml", report["warnings"][0])
        self.assertEqual(len(self.ok("GetWorkerResults", fromIncluding="2000-01-01", toExcluding="2000-01-02",
                                     timeZoneID="W. Europe Standard Time")), 0)
        self.failed("GetWorkerResults", "not a known time zone", fromIncluding="2000-01-01",
                    toExcluding="2001-01-01", timeZoneID="Mars/Olympus")
        self.failed("GetWorkerResults", "'fromIncluding'", fromIncluding="yesterday", toExcluding="2001-01-01",
                    timeZoneID="$Local")
        zones = [z["id"] for z in self.ok("GetTimeZones")]
        self.assertEqual(zones[0], "$Local")
        self.assertIn("Europe/Berlin", zones)

    def test_03_mbox_and_maildir(self):
        msgs = [mailgen.message(1000 + i) for i in range(12)]
        msgs.append(b"From: x@example.com\r\nSubject: has From line\r\n\r\nFrom here on\r\n>From there\r\n")
        mailgen.write_mbox(os.path.join(self.src, "archive.mbox"), msgs)
        pid = self.import_profile("mbox", "mbox", os.path.join(self.src, "archive.mbox"), "amy")
        r = self.ok("RunProfile", id=pid)
        # two of the messages carry a PDF the index cannot read (a warning each)
        self.assertEqual((r["result"], r["itemsArchived"], r["warnings"]), ("completedWithWarnings", 13, 2))
        mailgen.write_maildir(os.path.join(self.src, "maildir"),
                              {"": msgs[:4], "Sent": msgs[4:6], "Lists/Debian": msgs[6:9]})
        r = self.ok("RunTemporaryProfile", raw=True, properties={
            "name": "tmp", "connector": "maildir", "details": {"path": os.path.join(self.src, "maildir"),
                                                               "targetUserFolder": "amy/Mail"}})
        self.assertEqual(r["itemsArchived"], 9)
        names = [f["folder"] for f in self.ok("GetChildFolders", folder="amy")]
        self.assertEqual(names, ["amy/Mail", "amy/Mail/Inbox", "amy/Mail/Lists", "amy/Mail/Lists/Debian",
                                 "amy/Mail/Sent", "amy/archive"])
        self.__class__.mbox_messages = msgs

    def test_04_profiles_bad_input(self):
        self.failed("CreateProfile", "Only raw=true", raw=False, properties={"name": "x"})
        self.failed("CreateProfile", "'properties.connector' 'pst' is unknown", raw=True,
                    properties={"name": "x", "connector": "pst", "details": {}})
        self.failed("CreateProfile", "'details.path' is required", raw=True,
                    properties={"name": "x", "connector": "mbox", "details": {"targetUserFolder": "amy"}})
        self.failed("CreateProfile", "must be omitted", raw=True,
                    properties={"id": 3, "name": "x", "connector": "mbox", "details": {}})
        self.failed("CreateProfile", "no user 'ghost'", raw=True, properties={
            "name": "x", "owner": "ghost", "connector": "mbox", "details": {"path": self.src, "targetUserFolder": "amy"}})
        bad = self.import_profile("missing", "emlDirectory", os.path.join(self.src, "nonexistent"), "amy")
        self.failed("RunProfile", "does not exist", id=bad)
        nouser = self.import_profile("nouser", "emlDirectory", self.src, "nobody/x")
        self.failed("RunProfile", "no user 'nobody'", id=nouser)
        self.failed("RunProfile", "no profile", id=999)
        secret = self.ok("CreateProfile", raw=True, properties={
            "name": "with secret", "connector": "emlDirectory",
            "details": {"path": self.src, "targetUserFolder": "amy", "password": "TopSecret-42"}})["id"]
        profiles = self.ok("GetProfiles", raw=True)
        self.assertIn("missing", [p["name"] for p in profiles])
        self.assertNotIn("TopSecret-42", json.dumps(profiles))
        self.assertNotIn("password", [p for p in profiles if p["id"] == secret][0]["details"])
        self.ok("DeleteProfile", id=secret)
        self.assertEqual(set(profiles[0]), {"id", "name", "type", "owner", "connector", "details",
                                            "serverSideExecution"})
        self.ok("DeleteProfile", id=bad)
        self.assertNotIn("missing", [p["name"] for p in self.ok("GetProfiles", raw=True)])
        self.failed("DeleteProfile", "no profile", id=bad)

    # ------------------------------------------------------------ folders
    def test_05_folders_move_rename_delete(self):
        self.ok("MoveFolder", fromFolder="jdoe/Imported/Sent", toFolder="jdoe/Sent Items")
        names = [f["folder"] for f in self.ok("GetChildFolders", folder="jdoe", maxLevels=1)]
        self.assertIn("jdoe/Sent Items", names)
        self.assertNotIn("jdoe/Imported/Sent", [f["folder"] for f in self.ok("GetChildFolders", folder="jdoe")])
        self.failed("MoveFolder", "user archive", fromFolder="jdoe", toFolder="amy/x")
        self.failed("MoveFolder", "inside it", fromFolder="jdoe/Imported", toFolder="jdoe/Imported/x")
        self.failed("MoveFolder", "no folder", fromFolder="jdoe/Nope", toFolder="jdoe/x")
        self.failed("MoveFolder", "no user archive", fromFolder="jdoe/Imported", toFolder="ghost/x")
        self.ok("CreateUser", userName="tmpuser", privileges="none")
        self.ok("RenameUser", oldUserName="amy", newUserName="amelia")
        self.assertIn("amelia/archive", [f["folder"] for f in self.ok("GetChildFolders", folder="amelia")])
        self.ok("DeleteUser", userName="amelia")  # the archive stays
        self.assertIn("amelia/archive", [f["folder"] for f in self.ok("GetFolderStatistics")])
        self.assertEqual(self.ok("DeleteEmptyFolders"), {"deletedFolders": 0})

    # ------------------------------------------------------------ stores
    def test_06_stores_states_paths_attach_detach(self):
        stores = self.ok("GetStores", includeSize=True)
        self.assertEqual(list(stores[0]), ["id", "name", "requestedState", "error", "statisticsCount",
                                           "statisticsSize", "needsUpgrade", "searchIndexesNeedRebuild",
                                           "databasePath", "contentPath", "indexPath"])
        first = stores[0]
        self.assertEqual((first["name"], first["requestedState"], first["error"]), ("DefaultFileGroup", "current", None))
        self.assertEqual(first["statisticsCount"], 91 + 13 + 9)
        self.assertEqual(first["contentPath"], first["databasePath"] + "/Content")
        new = self.ok("CreateStore", name="Second", databasePath="~/Data/Second", requestedState="current")["id"]
        stores = {s["id"]: s for s in self.ok("GetStores")}
        self.assertEqual((stores[first["id"]]["requestedState"], stores[new]["requestedState"]), ("normal", "current"))
        self.assertEqual(stores[new]["databasePath"], os.path.join(self.base, "Data", "Second"))
        mailgen.write_eml_tree(os.path.join(self.src, "eml2"), 10, folders=("Inbox",))
        more = [mailgen.message(5000 + i) for i in range(5)]
        os.makedirs(os.path.join(self.src, "eml3"))
        for i, m in enumerate(more):
            with open(os.path.join(self.src, "eml3", "%d.eml" % i), "wb") as f:
                f.write(m)
        r = self.ok("RunTemporaryProfile", raw=True, properties={
            "name": "t", "connector": "emlDirectory", "details": {"path": os.path.join(self.src, "eml3"),
                                                                  "targetUserFolder": "jdoe/Imported/Inbox"}})
        self.assertEqual(r["itemsArchived"], 5)
        counts = {s["id"]: s["statisticsCount"] for s in self.ok("GetStores")}  # kept without a recount
        self.assertEqual(counts[new], 5)
        counts = {s["id"]: s["statisticsCount"] for s in self.ok("GetStores", includeSize=True)}
        self.assertEqual(counts[new], 5)
        # write-protected stores refuse changes to folders holding mail there
        self.ok("SetStoreRequestedState", id=first["id"], requestedState="writeProtected")
        self.failed("MoveFolder", "write-protected", fromFolder="jdoe/Imported/Projects", toFolder="jdoe/P")
        self.failed("SetStoreRequestedState", "current store", id=new, requestedState="normal")
        self.failed("SetStoreRequestedState", "must be current, normal", id=first["id"], requestedState="frozen")
        # disabled: not loaded, its folders vanish from the view; set path only when disabled
        self.failed("SetStorePath", "must be disabled", id=first["id"], databasePath="~/Data/Moved")
        self.ok("SetStoreRequestedState", id=first["id"], requestedState="disabled")
        stats = {f["folder"]: f["count"] for f in self.ok("GetFolderStatistics")}
        self.assertEqual(stats["jdoe/Imported/Inbox"], 5)
        os.rename(first["databasePath"], os.path.join(self.base, "Data", "Moved"))
        self.ok("SetStorePath", id=first["id"], databasePath="~/Data/Moved")
        self.ok("SetStoreRequestedState", id=first["id"], requestedState="normal")
        stats = {f["folder"]: f["count"] for f in self.ok("GetFolderStatistics")}
        self.assertEqual(stats["jdoe/Imported/Inbox"], 36)
        self.ok("RenameStore", id=first["id"], name="First")
        # detach and attach back (a new id)
        self.failed("DetachStore", "current store", id=new)
        self.ok("DetachStore", id=first["id"])
        self.assertEqual([s["id"] for s in self.ok("GetStores")], [new])
        self.failed("AttachStore", "does not contain an archive store", name="x", databasePath="~/Data")
        again = self.ok("AttachStore", name="Back", databasePath="~/Data/Moved")["id"]
        self.assertNotEqual(again, first["id"])
        self.failed("AttachStore", "already uses", name="x", databasePath="~/Data/Moved")
        self.failed("CreateStore", "must be an absolute path", name="x", databasePath="relative/dir")
        self.failed("CreateStore", "content and index directories live inside", name="x",
                    databasePath="~/Data/X", contentPath="~/Elsewhere")
        self.assertEqual(self.ok("GetInstanceStatistics")["numberOfMessages"], 91 + 13 + 9 + 5)
        results = self.ok("VerifyStores", includeIndexes=False)
        self.assertEqual([r["problems"] for r in results], [[], []])
        results = self.ok("VerifyStores")  # includeIndexes defaults to true: indexes caught up and consistent
        self.assertEqual([(r["problems"], r["indexesChecked"]) for r in results], [([], True), ([], True)])
        cfg = self.ok("GetStoreAutoCreateConfiguration")
        self.assertEqual(cfg["sizeThreshold"], None)
        self.failed("SetStoreAutoCreateConfiguration", "sizeThreshold", config={"sizeThreshold": "lots"})
        self.failed("SetStoreAutoCreateConfiguration", "unknown key", config={"colour": "red"})
        self.__class__.store_ids = (again, new)

    def test_07_auto_create(self):
        before = len(self.ok("GetStores"))
        self.ok("SetStoreAutoCreateConfiguration", config={"sizeThreshold": "1", "baseDirectory": "~/Auto"})
        self.assertEqual(self.ok("GetStoreAutoCreateConfiguration")["sizeThreshold"], "1")
        big = os.path.join(self.src, "big")
        os.makedirs(big)
        for i in range(30):  # 30 × 140 KB of random hex: about 2 MB compressed, past the 1 MB threshold
            with open(os.path.join(big, "%d.eml" % i), "wb") as f:
                f.write(("Subject: big %d\r\n\r\n" % i).encode() + os.urandom(70000).hex().encode())
        self.ok("RunTemporaryProfile", raw=True, properties={
            "name": "big", "connector": "emlDirectory", "details": {"path": big, "targetUserFolder": "jdoe/Big"}})
        stores = self.ok("GetStores")
        self.assertEqual(len(stores), before + 1)
        current = [s for s in stores if s["requestedState"] == "current"][0]
        self.assertTrue(current["databasePath"].startswith(os.path.join(self.base, "Auto")), current)
        self.ok("SetStoreAutoCreateConfiguration", config={"sizeThreshold": None})

    # ------------------------------------------------------------ restart, missing store, recovery
    def test_08_missing_store_recover_and_bytes(self):
        back, second = self.store_ids
        stores = {s["id"]: s for s in self.ok("GetStores")}
        moved = stores[back]["databasePath"]
        self.p.ok("StopInstances", instanceFilter=IID)
        # every imported message is in the store byte for byte
        found = self.store_messages(moved)
        expected = sorted(hashlib.sha256(m).hexdigest() for m in self.mbox_messages)
        self.assertEqual(found["amelia/archive"], expected)
        # a store directory missing at start: that store is in error, the instance runs
        os.rename(moved, moved + ".away")
        self.p.ok("StartInstances", instanceFilter=IID)
        stores = {s["id"]: s for s in self.ok("GetStores")}
        self.assertIn("does not exist", stores[back]["error"])
        self.assertIsNone(stores[second]["error"])
        os.rename(moved + ".away", moved)
        self.assertEqual(self.ok("RetryOpenStores"), {"storesInError": 0})
        self.assertIsNone({s["id"]: s for s in self.ok("GetStores")}[back]["error"])
        # RecoverStore rebuilds a lost metadata database from the recovery records
        self.failed("RecoverStore", "must be disabled", id=back)
        self.ok("SetStoreRequestedState", id=back, requestedState="disabled")
        os.remove(os.path.join(moved, "MailStoreFileGroup.fdb"))
        self.failed("SetStoreRequestedState", "RecoverStore rebuilds it", id=back, requestedState="normal")
        self.failed("RecoverStore", "does not unlock", id=back, encryptionKey="00" * 32)
        self.ok("RecoverStore", id=back)
        self.ok("SetStoreRequestedState", id=back, requestedState="normal")
        self.assertEqual(self.ok("GetInstanceStatistics")["numberOfMessages"], 91 + 13 + 9 + 5 + 30)
        self.ok("RecreateRecoveryRecords", id=back)
        self.assertEqual(self.ok("VerifyStore", id=back, includeIndexes=False)["problems"], [])
        # no plaintext anywhere under Content/ or Recovery/
        for path in glob.glob(os.path.join(self.base, "Data", "**", "*.dat"), recursive=True) + \
                glob.glob(os.path.join(self.base, "Data", "**", "*.rec"), recursive=True):
            with open(path, "rb") as f:
                data = f.read()
            self.assertNotIn(b"quick brown fox", data, path)
            self.assertNotIn(b"jdoe", data, path)

    def test_09_merge_upgrade_repair(self):
        stores = self.ok("GetStores", includeSize=True)
        self.assertEqual([s["needsUpgrade"] for s in stores], [False] * len(stores))
        self.assertEqual(self.ok("UpgradeStores"), {"upgradedStores": 0})
        current = [s for s in stores if s["requestedState"] == "current"][0]
        others = [s for s in stores if s["requestedState"] != "current"]
        before = self.ok("GetInstanceStatistics")["numberOfMessages"]
        folders_before = {f["folder"]: f["count"] for f in self.ok("GetFolderStatistics")}
        self.failed("MergeStore", "current store", id=others[0]["id"], sourceId=current["id"])
        self.failed("MergeStore", "the same store", id=current["id"], sourceId=current["id"])
        merged = self.ok("MergeStore", id=current["id"], sourceId=others[0]["id"])
        self.assertEqual(merged["mergedMessages"] + merged["duplicates"], others[0]["statisticsCount"])
        self.assertNotIn(others[0]["id"], [s["id"] for s in self.ok("GetStores")])
        self.assertEqual(self.ok("GetInstanceStatistics")["numberOfMessages"], before - merged["duplicates"])
        after = {f["folder"]: f["count"] for f in self.ok("GetFolderStatistics")}
        self.assertEqual(after, folders_before)
        self.ok("RepairStoreDatabase", id=current["id"])
        self.assertEqual(self.ok("MaintainFileSystemDatabases"), {"databases": 1 + len(self.ok("GetStores"))})
        self.assertEqual({f["folder"]: f["count"] for f in self.ok("GetFolderStatistics")}, after)
        self.assertEqual(self.ok("GetUserInfo", userName="jdoe")["fullName"], "John Q. Doe")
        # nothing was deleted: compaction only rewrites the recovery records
        self.assertGreaterEqual(self.ok("CompactStore", id=current["id"])["reclaimedBytes"], 0)
        self.assertEqual({f["folder"]: f["count"] for f in self.ok("GetFolderStatistics")}, after)
        self.assertEqual(self.ok("VerifyStore", id=current["id"], includeIndexes=False)["problems"], [])

    def test_10_cancel_a_running_import(self):
        many = os.path.join(self.src, "many")
        mailgen.write_eml_tree(many, 8000, folders=("A", "B"))
        self.ok("CreateUser", userName="cancel", privileges="none")
        pid = self.import_profile("many", "emlDirectory", many, "cancel")
        status, _, body = self.p.request("/api/invoke/RunProfile", {"instanceID": IID, "id": pid})
        env = json.loads(body.decode("utf-8-sig"))
        self.assertEqual(env["statusCode"], "running", env)
        while env["statusCode"] == "running" and (env["percentProgress"] or 0) < 5:
            status, _, body = self.p.request("/api/get-status", {"token": env["token"], "millisecondsTimeout": 2000,
                                                                 "lastKnownStatusVersion": env["statusVersion"]})
            env = json.loads(body.decode("utf-8-sig"))
        self.assertEqual(env["statusCode"], "running", "the import ended before it could be cancelled")
        self.assertRegex(env["statusText"], r"Archived \d+, duplicates \d+, failed \d+")
        self.p.request("/api/cancel-async", {"token": env["token"]})
        while env["statusCode"] == "running":
            status, _, body = self.p.request("/api/get-status", {"token": env["token"], "millisecondsTimeout": 5000,
                                                                 "lastKnownStatusVersion": env["statusVersion"]})
            env = json.loads(body.decode("utf-8-sig"))
        self.assertEqual(env["statusCode"], "failed")
        self.assertIn("ancel", env["error"]["message"])
        results = self.ok("GetWorkerResults", fromIncluding="2000-01-01", toExcluding="2100-01-01", timeZoneID="UTC",
                          profileID=pid)
        self.assertEqual(results[-1]["result"], "cancelled")
        archived = results[-1]["itemsArchived"]
        self.assertTrue(0 < archived < 8000, archived)
        counts = {f["folder"]: f["count"] for f in self.ok("GetFolderStatistics")}
        self.assertEqual(counts.get("cancel/A", 0) + counts.get("cancel/B", 0), archived)

    def test_11_corrupt_record_is_named_and_the_rest_stays_readable(self):
        store = [s for s in self.ok("GetStores") if s["requestedState"] == "current"][0]
        self.p.ok("StopInstances", instanceFilter=IID)
        container = sorted(glob.glob(os.path.join(store["databasePath"], "Content", "*.dat")))[0]
        with open(container, "r+b") as f:
            data = f.read()
            at = data.find(b"SPEC", data.find(b"SPEC") + 1)  # the second record
            f.seek(at + 40)
            f.write(bytes([data[at + 40] ^ 0x5A]))
        self.p.ok("StartInstances", instanceFilter=IID)
        report = self.ok("VerifyStore", id=store["id"], includeIndexes=False)
        self.assertEqual(len(report["problems"]), 1, report)
        self.assertRegex(report["problems"][0], r"^message \d+ in folder '[^']+' \(container 1, offset \d+\): ")
        self.assertIn("failed authentication", report["problems"][0])
        # everything else is still there and readable
        self.p.ok("StopInstances", instanceFilter=IID)
        out = subprocess.run([os.path.join(BIN, "spe-store"), "verify", "--store", store["databasePath"],
                              "--recovery-key-file", os.path.join(self.base, "RecoveryKey.txt")],
                             capture_output=True, text=True)
        self.assertEqual(out.returncode, 1)
        self.assertEqual(len(json.loads(out.stdout)["problems"]), 1)
        self.p.ok("StartInstances", instanceFilter=IID)

    def test_12_requires_running_instance_and_archive_admin(self):
        self.p.ok("SetArchiveAdminEnabled", instanceID=IID, enabled=False)
        self.failed("GetUsers", "archive admin access")
        self.assertIsInstance(self.ok("GetStores"), list)  # store functions stay available
        self.p.ok("SetArchiveAdminEnabled", instanceID=IID, enabled=True)
        env = self.p.invoke("GetStores", instanceID="nosuch")
        self.assertEqual(env["statusCode"], "failed")
        self.assertIn("no instance 'nosuch'", env["error"]["message"])


if __name__ == "__main__":
    unittest.main()
