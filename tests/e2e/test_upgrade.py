"""An upgrade: this release started on a data directory the previous release
wrote (tests/e2e/fixtures/upgrade-<release>.tar.gz, made by
tests/tools/make_upgrade_fixture.py with that release's programs; docs/
operations.md "Upgrades"). The Management Server's database is migrated as
it opens; the instance starts by itself, its master database migrated, its
two stores open without errors, and every message the old release archived
reads back byte for byte over IMAP in its folder; the search indexes answer
what they answered before, without a rebuild; the users log in with the
passwords the old release hashed; new mail is archived and found beside the
old; what this release added to the management database works
(CreateLicenseRequest keeps counts)."""
import glob
import imaplib
import json
import os
import shutil
import sys
import tarfile
import unittest

import mailgen
from harness import Platform, WebAccess, insecure_context, wait_until

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tools"))
from imap_digest import mailbox_digests  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
FIXED = "/var/tmp/spe-upgrade-fixture"  # where the old release ran (its database keeps absolute paths)


class UpgradeTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        fixtures = sorted(glob.glob(os.path.join(HERE, "fixtures", "upgrade-*.tar.gz")))
        assert fixtures, "no upgrade fixture in tests/e2e/fixtures"
        shutil.rmtree(FIXED, ignore_errors=True)
        os.makedirs(FIXED)
        os.chmod(FIXED, 0o711)
        with tarfile.open(fixtures[-1]) as tar:
            tar.extractall(FIXED)
        with open(os.path.join(FIXED, "manifest.json")) as f:
            cls.manifest = json.load(f)
        cls.iid = cls.manifest["instanceID"]
        # The old release's files with this release's configuration (new
        # keys, new ports: pairing again updates the roles' ports).
        cls.p = Platform(directory=FIXED, instancehost_config={"instanceUsers": "hostUser"})
        cls.addClassCleanup(cls.p.stop)
        wait_until("the instance to start by itself", lambda: [
            i["status"] for i in cls.p.ok("GetInstances", instanceFilter=cls.iid)] == ["running"], 60, 0.5)

    def imap_messages(self, user):
        password = self.manifest["password"]

        def login():
            m = imaplib.IMAP4_SSL("127.0.0.1", self.p.ports["imaps"], ssl_context=insecure_context(), timeout=60)
            try:
                m.login("%s/%s" % (self.iid, user), password)
                return m
            except imaplib.IMAP4.error:  # the CAS may not route to the instance yet
                m.shutdown()
                return None
        m = wait_until("an IMAP login of " + user, login, 30, 0.5)
        out = mailbox_digests(m)
        m.logout()
        return out

    def test_01_made_by_the_previous_release(self):
        self.assertNotEqual(self.manifest["madeBy"], self.p.ok("GetEnvironmentInfo")["version"])

    def test_02_stores_open_and_verify(self):
        stores = self.p.ok("GetStores", instanceID=self.iid)
        self.assertEqual(sorted(s["name"] for s in stores), self.manifest["stores"])
        for s in stores:
            self.assertIsNone(s["error"], s)
            self.assertFalse(s["searchIndexesNeedRebuild"], s)
        self.p.ok("VerifyStores", instanceID=self.iid, includeIndexes=True)

    def test_03_every_message_byte_for_byte(self):
        for user, folders in self.manifest["messages"].items():
            self.assertEqual(self.imap_messages(user), folders, user)

    def test_04_indexes_answer_as_before(self):
        web = WebAccess(self.p, self.iid)
        for key, subjects in sorted(self.manifest["searches"].items()):
            user, query = key.split(":", 1)
            session = web.login({"userName": user, "password": self.manifest["password"]})
            status, found = web.call(session, "search", {"folder": user, "query": query, "limit": 100})
            self.assertEqual(status, 200, found)
            self.assertEqual(sorted(h["subject"] for h in found["hits"]), subjects, key)

    def test_05_new_mail_beside_the_old(self):
        src = self.p.source_dir("after", "Inbox")
        for i in range(6):
            with open(os.path.join(src, "new%d.eml" % i), "wb") as f:
                f.write(mailgen.message(7000 + i))
        run = self.p.ok("RunTemporaryProfile", instanceID=self.iid, raw=True, properties={
            "name": "after the upgrade", "connector": "emlDirectory",
            "details": {"path": os.path.dirname(src), "targetUserFolder": "alice"}})
        self.assertEqual(run["itemsArchived"], 6)
        before = sum(len(v) for v in self.manifest["messages"]["alice"].values())
        web = WebAccess(self.p, self.iid)
        session = web.login({"userName": "alice", "password": self.manifest["password"]})
        def found_all():  # indexing follows archiving
            status, found = web.call(session, "search", {"folder": "alice", "limit": 200})
            return status == 200 and found["total"] == before + 6
        wait_until("the new mail found beside the old", found_all, 60, 0.5)

    def test_06_what_this_release_added(self):
        request = self.p.ok("CreateLicenseRequest")
        entry = [e for e in request["instanceData"] if e["instanceID"] == self.iid][0]
        self.assertEqual(entry["usedLicenseCount"], 2)  # alice and bob hold mail


if __name__ == "__main__":
    unittest.main()
