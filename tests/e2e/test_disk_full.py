"""A full disk under an archive store, with real processes (docs/operations.md
"Disk full"): a store created with CreateStore on a small loop-mounted ext4
file system (96 MiB, half of it taken by a filler file) takes mail until the
file system is full. Archiving then stops with a clear error (the run's
answer, its worker result and the log say the disk is full and name the
file); nothing archived before is lost or damaged (VerifyStores, every
message byte for byte over IMAP); the instance keeps serving reads and
searches; once the filler is deleted, the same run archives the rest and the
indexes catch up. Needs root and loop devices; skipped with the reason
otherwise."""
import base64
import imaplib
import os
import re
import shutil
import ssl
import subprocess
import time
import unittest

import mailgen
from harness import InstanceCalls

PASSWORD = "Disk-Full-Pass1"
COUNT = 80  # about 1 MB each (0.7 MB stored): more than the room left beside the filler, less than with it gone
FILLER = 48 << 20
SMALL = 400  # small messages for the database's turn to run out of space


def big_message(n):
    """A message of about 1 MB that does not compress (random bytes as an
    attachment), findable by the word 'quokka'."""
    attachment = base64.encodebytes(os.urandom(700000)).decode().replace("\n", "\r\n")
    return ("From: Sender <sender%d@example.com>\r\nTo: alice@example.org\r\nSubject: quokka report %d\r\n"
            "Date: Wed, 7 Feb 2024 09:%02d:00 +0100\r\nMessage-ID: <full%d@diskfull.test>\r\nMIME-Version: 1.0\r\n"
            "Content-Type: multipart/mixed; boundary=\"b%d\"\r\n\r\n--b%d\r\n"
            "Content-Type: text/plain; charset=utf-8\r\n\r\nThe quokka figures, part %d.\r\n--b%d\r\n"
            "Content-Type: application/octet-stream; name=\"data%d.bin\"\r\nContent-Transfer-Encoding: base64\r\n\r\n"
            "%s--b%d--\r\n" % (n, n, n % 60, n, n, n, n, n, n, attachment, n)).encode()


def loop_unavailable():
    """Why a loop-mounted file system cannot be made here, or None."""
    if os.geteuid() != 0:
        return "mounting a loop device needs root"
    if shutil.which("mkfs.ext4") is None:
        return "mkfs.ext4 is missing (apt install e2fsprogs)"
    if not os.path.exists("/dev/loop-control"):
        return "there are no loop devices"
    return None


def tls_context():
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE  # the CAS's self-signed default certificate
    return ctx


class DiskFullTest(InstanceCalls, unittest.TestCase):
    iid = "full"

    @classmethod
    def setUpClass(cls):
        why_not = loop_unavailable()
        if why_not:
            raise unittest.SkipTest("disk full test skipped: " + why_not)
        cls.start_platform()
        p = cls.p
        cls.base = p.ok("GetInstanceConfiguration", instanceID=cls.iid)["baseDirectory"]
        cls.image = p.path("small.img")
        with open(cls.image, "wb") as f:
            f.truncate(96 << 20)
        # -m 0: no blocks kept for root, so the instance's user and the test see the same free space.
        subprocess.run(["mkfs.ext4", "-F", "-q", "-m", "0", cls.image], check=True, capture_output=True)
        cls.mount_point = os.path.join(cls.base, "Small")
        os.makedirs(cls.mount_point)
        mounted = subprocess.run(["mount", "-o", "loop", cls.image, cls.mount_point], capture_output=True, text=True)
        if mounted.returncode != 0:
            raise unittest.SkipTest("disk full test skipped: cannot mount a loop device here (%s)" %
                                    mounted.stderr.strip())
        cls.addClassCleanup(cls.unmount)  # runs before the platform's cleanup: stops the daemons first
        owner = os.stat(cls.base)
        os.chown(cls.mount_point, owner.st_uid, owner.st_gid)
        os.chmod(cls.mount_point, 0o700)
        cls.filler = os.path.join(cls.mount_point, "filler")
        with open(cls.filler, "wb") as f:  # real blocks: written, not sparse
            for _ in range(FILLER >> 20):
                f.write(bytes(1 << 20))
            os.fsync(f.fileno())
        cls.store_dir = os.path.join(cls.mount_point, "store")
        p.ok("CreateStore", instanceID=cls.iid, name="Small", databasePath="~/Small/store", requestedState="current")
        p.ok("CreateUser", instanceID=cls.iid, userName="alice", privileges="none", password=PASSWORD,
             loginPrivileges="imap")
        cls.source = p.source_dir("big")
        inbox = p.source_dir("big", "Inbox")
        cls.messages = {}
        for n in range(COUNT):
            cls.messages[n] = big_message(n)
            with open(os.path.join(inbox, "m%03d.eml" % n), "wb") as f:
                f.write(cls.messages[n])

    @classmethod
    def unmount(cls):
        """Stops the daemons (the instance holds the store's files), then
        unmounts; lazily when something still holds the mount."""
        cls.p.stop_daemons()
        deadline = time.time() + 20
        while subprocess.run(["umount", cls.mount_point], capture_output=True).returncode != 0:
            if time.time() > deadline:
                subprocess.run(["umount", "-l", cls.mount_point], capture_output=True)
                return
            time.sleep(0.2)

    # ------------------------------------------------------------ helpers
    def run_import(self, source=None):
        return self.p.invoke("RunTemporaryProfile", instanceID=self.iid, raw=True, properties={
            "name": "import", "connector": "emlDirectory",
            "details": {"path": source or self.source, "targetUserFolder": "alice"}})

    def last_worker_result(self):
        results = self.ok("GetWorkerResults", fromIncluding="2000-01-01", toExcluding="2100-01-01", timeZoneID="UTC")
        return results[-1], self.ok("GetWorkerResultReport", id=results[-1]["id"])["report"]

    def archived_count(self, folder="alice/Inbox"):
        counts = {f["folder"]: f["count"] for f in self.ok("GetFolderStatistics")}
        return counts.get(folder, 0)

    def imap(self):
        deadline = time.time() + 30
        while True:  # the CAS learns the instance from its heartbeats
            m = imaplib.IMAP4_SSL("127.0.0.1", self.p.ports["imaps"], ssl_context=tls_context(), timeout=60)
            try:
                m.login("%s/alice" % self.iid, PASSWORD)
                return m
            except imaplib.IMAP4.error:
                m.shutdown()
                if time.time() > deadline:
                    raise
                time.sleep(0.5)

    def assert_every_message_intact(self, expected_count):
        """Every archived message reads back byte for byte over IMAP, and a
        search answers."""
        m = self.imap()
        try:
            return self.check_mailbox(m, expected_count)
        finally:
            m.logout()

    def check_mailbox(self, m, expected_count):
        typ, data = m.select("INBOX", readonly=True)
        self.assertEqual((typ, int(data[0])), ("OK", expected_count))
        typ, data = m.uid("FETCH", "1:*", "(BODY.PEEK[])")
        self.assertEqual(typ, "OK")
        bodies = [item[1] for item in data if isinstance(item, tuple)]
        self.assertEqual(len(bodies), expected_count)
        known = set(self.messages.values())
        for body in bodies:
            self.assertIn(body, known)
        self.assertEqual(len(set(bodies)), expected_count)
        typ, data = m.uid("SEARCH", "SUBJECT", "quokka")
        self.assertEqual(typ, "OK")
        return len(data[0].split())

    # ------------------------------------------------------------ the tests
    def test_01_archiving_stops_with_a_clear_error(self):
        env = self.run_import()
        self.assertEqual(env["statusCode"], "failed", env)
        error = env["error"]["message"]
        self.assertIn("the disk is full", error)
        self.assertIn(self.store_dir, error)
        self.assertIn("run the profile again once the problem is fixed", error)
        result, report = self.last_worker_result()
        self.assertEqual(result["result"], "failed")
        self.assertIn("the disk is full", report["error"])
        self.assertIn(self.store_dir, report["error"])
        archived = result["itemsArchived"]
        self.assertTrue(10 < archived < COUNT, archived)
        self.assertEqual(self.archived_count(), archived)
        log = self.p.log("instancehost")
        self.assertRegex(log, r"%s[^\n]*the disk is full" % re.escape(self.store_dir))
        self.__class__.archived = archived

    def test_02_nothing_is_lost_and_reads_and_searches_go_on(self):
        archived = self.__class__.archived
        stores = self.ok("GetStores")
        self.assertEqual([s["error"] for s in stores], [None, None])
        results = self.ok("VerifyStores", includeIndexes=False)  # indexes may wait for space: checked in test_03
        self.assertEqual([r["problems"] for r in results], [[], []])
        found = self.assert_every_message_intact(archived)
        self.assertLessEqual(found, archived)
        # Small messages with 8 KiB left: the store's database cannot grow
        # either (usually it is the first to fail now), and says so.
        squeeze = os.path.join(self.mount_point, "squeeze")
        with open(squeeze, "wb") as f:
            f.write(bytes(max(0, shutil.disk_usage(self.mount_point).free - (8 << 10))))
            os.fsync(f.fileno())
        small = self.p.source_dir("small")
        for n in range(SMALL):
            with open(os.path.join(self.p.source_dir("small", "Small"), "s%04d.eml" % n), "wb") as f:
                f.write(mailgen.message(n, size_lines=3))
        env = self.run_import(small)
        self.assertEqual(env["statusCode"], "failed", env)
        error = env["error"]["message"]
        self.assertIn("the disk is full (no space left on the device)", error)
        self.assertRegex(error, r"Cannot write to '%s/[^']+'" % re.escape(self.store_dir))
        self.assertNotIn("The database refused a statement. Messages", error)  # never without the reason
        result, _ = self.last_worker_result()
        self.__class__.small_archived = result["itemsArchived"]
        self.assertEqual(self.archived_count("alice/Small"), result["itemsArchived"])
        os.remove(squeeze)
        results = self.ok("VerifyStores", includeIndexes=False)
        self.assertEqual([r["problems"] for r in results], [[], []])
        self.assertEqual(self.archived_count(), archived)

    def test_03_archiving_works_again_once_there_is_space(self):
        os.remove(self.filler)
        self.assertGreater(shutil.disk_usage(self.mount_point).free, FILLER - (2 << 20))
        env = self.run_import()
        self.assertEqual(env["statusCode"], "succeeded", env)
        r = env["result"]
        self.assertEqual((r["result"], r["itemsArchived"], r["duplicates"]),
                         ("succeeded", COUNT - self.archived, self.archived))
        env = self.run_import(self.p.path("source", "small"))
        self.assertEqual(env["statusCode"], "succeeded", env)
        self.assertEqual((env["result"]["itemsArchived"], env["result"]["duplicates"]),
                         (SMALL - self.small_archived, self.small_archived))
        self.assertEqual(self.archived_count("alice/Small"), SMALL)
        results = self.ok("VerifyStores")  # the indexes caught up and agree with the stores
        self.assertEqual([(r["problems"], r["indexesChecked"]) for r in results], [([], True), ([], True)])
        self.assertEqual(self.assert_every_message_intact(COUNT), COUNT)
        self.p.ok("RestartInstances", instanceFilter=self.iid)
        self.assertEqual(self.archived_count(), COUNT)
        self.assertEqual([s["error"] for s in self.ok("GetStores")], [None, None])


if __name__ == "__main__":
    unittest.main()
