"""Backup and restore the way docs/operations.md tells an administrator, with
real processes: two instances with several archive stores (one outside its
base directory), FreezeInstances with spe-cli, a plain file copy of every
data directory the guide lists, ThawInstances, mail archived after the copy,
then everything stopped, the data destroyed, the copy put back and the
platform started again: every store and index verifies, searches find what
was archived before the copy and nothing after it, the message counts are
those of the copy, and the management database (administrators, instances)
and the branding are back. Also: archiving waits while the instances are
frozen and their files do not change; and the same with a btrfs snapshot
instead of a copy (skipped where btrfs or loop devices are missing)."""
import base64
import json
import os
import re
import shutil
import signal
import stat
import subprocess
import tempfile
import threading
import time
import unittest

from harness import ADMIN_PASSWORD, BIN, Platform, WebAccess, wait_until

IIDS = ("acme", "globex")
GUIDE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "docs", "operations.md")
PASSWORD = "Backup-Restore-Pass1"


def message(tag, n):
    """A small message whose subject and body hold the word `tag`."""
    return ("From: Sender %d <sender%d@example.com>\r\nTo: alice@example.org\r\n"
            "Subject: %s report %d\r\nDate: Tue, 6 Feb 2024 10:%02d:00 +0100\r\n"
            "Message-ID: <%s%d@backup.test>\r\nMIME-Version: 1.0\r\n"
            "Content-Type: text/plain; charset=utf-8\r\n\r\n"
            "The %s figures, part %d.\r\n" % (n % 7, n % 7, tag, n, n % 60, tag, n, tag, n)).encode()


def write_messages(directory, tag, count):
    os.makedirs(directory, exist_ok=True)
    for n in range(count):
        with open(os.path.join(directory, "%s-%03d.eml" % (tag, n)), "wb") as f:
            f.write(message(tag, n))
    return directory


def copy_like_cp_a(src, dst):
    """`cp -a` as the guide says, with shutil.copytree: files with their modes,
    times and owners, without the Firebird lock directories (.fblock), the
    Instance Host's runtime directory (run/) and sockets, which the guide
    leaves out."""
    def ignore(directory, names):
        skipped = {".fblock"}
        if directory == src:
            skipped.add("run")
        for name in names:
            mode = os.lstat(os.path.join(directory, name)).st_mode
            if not (stat.S_ISREG(mode) or stat.S_ISDIR(mode) or stat.S_ISLNK(mode)):
                skipped.add(name)
        return [n for n in names if n in skipped]

    shutil.copytree(src, dst, symlinks=True, ignore=ignore)
    for root, dirs, files in os.walk(dst):
        for name in dirs + files:
            copied = os.path.join(root, name)
            st = os.lstat(os.path.join(src, os.path.relpath(copied, dst)))
            os.lchown(copied, st.st_uid, st.st_gid)
    st = os.stat(src)
    os.chown(dst, st.st_uid, st.st_gid)
    os.chmod(dst, stat.S_IMODE(st.st_mode))


def tree_state(directory):
    """{relative path: (size, mtime_ns)} of the files below `directory`,
    without Firebird's lock files."""
    out = {}
    for root, dirs, files in os.walk(directory):
        dirs[:] = [d for d in dirs if d != ".fblock"]
        for name in files:
            st = os.lstat(os.path.join(root, name))
            out[os.path.relpath(os.path.join(root, name), directory)] = (st.st_size, st.st_mtime_ns)
    return out


def guide_function(name):
    """The shell function `name` as docs/operations.md defines it in a code block."""
    with open(GUIDE) as f:
        text = f.read()
    found = re.search(r"^%s\(\) \{.*?^\}$" % re.escape(name), text, re.S | re.M)
    if not found:
        raise AssertionError("docs/operations.md defines no shell function %s()" % name)
    return found.group(0)


class BackupRestoreTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.p = p = Platform()
        cls.addClassCleanup(p.stop)
        for iid in IIDS:
            p.ok("CreateInstance", config={"instanceID": iid, "instanceHost": "127.0.0.1", "startMode": "automatic"})
        p.ok("StartInstances", instanceFilter="*")
        cls.base = {iid: p.ok("GetInstanceConfiguration", instanceID=iid)["baseDirectory"] for iid in IIDS}
        for iid in IIDS:
            p.ok("CreateUser", instanceID=iid, userName="alice", privileges="none", password=PASSWORD,
                 loginPrivileges="web")
        # acme: three stores, the third outside its base directory (in an
        # allowed root, as a provider keeps big stores on another disk).
        cls.archive("acme", "zebrafinch", 12, "first")
        p.ok("CreateStore", instanceID="acme", name="Second", databasePath="~/Data/Second", requestedState="current")
        cls.archive("acme", "zebrafinch", 9, "second")
        outside = p.source_dir("stores", "acme")
        owner = os.stat(cls.base["acme"])
        os.chown(outside, owner.st_uid, owner.st_gid)
        os.chmod(outside, 0o700)
        cls.outside_store = os.path.join(outside, "Outside")
        p.ok("CreateStore", instanceID="acme", name="Outside", databasePath=cls.outside_store, requestedState="current")
        cls.archive("acme", "zebrafinch", 7, "outside")
        cls.archive("globex", "zebrafinch", 10, "globex")
        # The Management Server's own data: an administrator and the branding.
        p.ok("CreateSystemAdministrator", config={"userName": "backupadmin", "fullName": "Backup Admin"},
             password="Second-Admin-Pass1")
        cls.branding = json.dumps({"webName": "Archive Before"}).encode()
        p.ok("SetBrandingFiles", files={"WebBranding.json": base64.b64encode(cls.branding).decode()})

    @classmethod
    def archive(cls, iid, tag, count, batch):
        src = write_messages(cls.p.source_dir(iid, batch), tag, count)
        r = cls.p.ok("RunTemporaryProfile", instanceID=iid, raw=True, properties={
            "name": batch, "connector": "emlDirectory", "details": {"path": src, "targetUserFolder": "alice"}})
        assert r["itemsArchived"] == count, r
        return r

    def cli(self, *args):
        """spe-cli as the guide shows it: the server's thumbprint pinned, the password in the environment."""
        out = subprocess.run([os.path.join(BIN, "spe-cli"), "-s", "127.0.0.1:%d" % self.p.ports["api"], "-u", "admin",
                              "-t", self.p.mgmt_thumbprint] + list(args),
                             env=dict(os.environ, SPE_CLI_PASSWORD=ADMIN_PASSWORD), capture_output=True, text=True,
                             timeout=300)
        self.assertEqual(out.returncode, 0, out.stderr)
        return out.stdout

    def frozen(self):
        return {i["instanceID"]: i["frozen"] for i in self.p.ok("GetInstances", instanceFilter="*")}

    def message_counts(self):
        return {iid: self.p.ok("GetInstanceStatistics", instanceID=iid)["numberOfMessages"] for iid in IIDS}

    def search_total(self, iid, query):
        web = WebAccess(self.p, iid)
        status, answer = web.call(web.login({"userName": "alice", "password": PASSWORD}), "search", {"query": query})
        self.assertEqual(status, 200, answer)
        return answer["total"]

    def verify_everything(self, iid):
        results = self.p.ok("VerifyStores", instanceID=iid)  # includeIndexes: true by default
        self.assertTrue(results)
        for r in results:
            self.assertEqual((r["problems"], r["indexesChecked"]), ([], True), r)
        return results

    # ------------------------------------------------------------ freeze
    def test_01_archiving_waits_while_frozen_and_the_files_stay_as_they_are(self):
        p = self.p
        self.cli("-c", "FreezeInstances", "--instanceFilter=acme")
        self.addCleanup(p.invoke, "ThawInstances", instanceFilter="acme")  # also when a check fails
        self.assertEqual(self.frozen(), {"acme": True, "globex": False})
        self.assertIs(p.ok("CanRunArchiveProfiles", instanceID="acme"), False)
        before = {path: tree_state(path) for path in (self.base["acme"], self.outside_store)}
        counts = self.message_counts()
        src = write_messages(p.source_dir("acme", "during"), "pelican", 5)
        status, _, body = p.request("/api/invoke/RunTemporaryProfile", {
            "instanceID": "acme", "raw": "true", "properties": json.dumps({
                "name": "during", "connector": "emlDirectory", "details": {"path": src, "targetUserFolder": "alice"}})})
        env = json.loads(body.decode("utf-8-sig"))
        self.assertEqual((status, env["statusCode"]), (200, "running"), env)
        # Two long polls of 2 s each (the server waits, not the test): the run
        # waits for the thaw; reads and searches go on meanwhile.
        for _ in range(2):
            _, _, body = p.request("/api/get-status", {"token": env["token"], "millisecondsTimeout": 2000,
                                                       "lastKnownStatusVersion": env["statusVersion"]})
            env = json.loads(body.decode("utf-8-sig"))
            self.assertEqual(env["statusCode"], "running", env)
            self.assertEqual(self.message_counts(), counts)
            self.assertEqual(self.search_total("acme", "zebrafinch"), 28)
            self.assertEqual(self.search_total("acme", "pelican"), 0)
        # What a backup copies does not change under it: no file comes or
        # goes, archive content, recovery records, indexes and keys stay as
        # they are. What reads still touch (docs/operations.md): the Firebird
        # files' bookkeeping (same size) and the audit log (end users' logins).
        for path, files in before.items():
            now = tree_state(path)
            self.assertEqual(sorted(now), sorted(files))
            for name in files:
                if name.endswith(".fdb"):
                    self.assertEqual(now[name][0], files[name][0], name)
                elif not name.startswith("Audit/"):
                    self.assertEqual(now[name], files[name], name)
        # The thaw with the guide's curl function, the Management Server's certificate pinned.
        script = guide_function("api").replace("mgmt.example.com:8474", "127.0.0.1:%d" % p.ports["api"])
        script = script.replace("mgmt-cert.pem", p.path("management", "tls", "cert.pem"))
        script += "\napi ThawInstances --data-urlencode 'instanceFilter=acme'\n"
        out = subprocess.run(["bash", "-c", script], env=dict(os.environ, SPE_CLI_PASSWORD=ADMIN_PASSWORD),
                             capture_output=True, text=True, timeout=120)
        self.assertEqual((out.returncode, out.stdout, out.stderr), (0, "succeeded\n", ""))
        while env["statusCode"] == "running":
            _, _, body = p.request("/api/get-status", {"token": env["token"], "millisecondsTimeout": 5000,
                                                       "lastKnownStatusVersion": env["statusVersion"]})
            env = json.loads(body.decode("utf-8-sig"))
        self.assertEqual((env["statusCode"], env["result"]["itemsArchived"]), ("succeeded", 5), env)
        self.assertEqual(self.frozen(), {"acme": False, "globex": False})
        self.assertEqual(self.search_total("acme", "pelican"), 5)

    # ------------------------------------------------------------ backup, destroy, restore
    def test_02_freeze_copy_thaw_then_destroy_and_restore(self):
        p = self.p
        backup = tempfile.mkdtemp(prefix="backup-", dir=p.dir)
        # What to copy (docs/operations.md "What to back up"): the data
        # directories of the three roles, every instance's base directory, and
        # every store GetStores places outside a base directory.
        what = {"management": p.path("management"), "instancehost": p.path("instancehost"), "cas": p.path("cas")}
        for iid in IIDS:
            what["base-" + iid] = self.base[iid]
            for s in p.ok("GetStores", instanceID=iid):
                if not s["databasePath"].startswith(self.base[iid] + "/"):
                    what["store-%s-%d" % (iid, s["id"])] = s["databasePath"]
        self.assertIn(self.outside_store, what.values())
        stores = {iid: p.ok("GetStores", instanceID=iid) for iid in IIDS}

        self.cli("-c", "FreezeInstances", "--instanceFilter=* .running")
        self.assertEqual(self.frozen(), {"acme": True, "globex": True})
        counts = self.message_counts()
        # End users go on reading while the copy is made.
        readers = Readers(self)
        for name, path in what.items():
            copy_like_cp_a(path, os.path.join(backup, name))
        self.assertGreater(readers.stop(), 0)
        self.cli("-c", "ThawInstances", "--instanceFilter=* .running")
        validate_firebird_files(self, backup)
        self.assertEqual(self.frozen(), {"acme": False, "globex": False})

        # Life goes on after the copy: more mail, another administrator, other branding.
        self.archive("acme", "cormorant", 6, "after")
        self.archive("globex", "cormorant", 4, "after")
        p.ok("CreateSystemAdministrator", config={"userName": "lateadmin"}, password="Late-Admin-Pass1")
        p.ok("SetBrandingFiles", files={"WebBranding.json": base64.b64encode(b'{"webName": "After"}').decode()})
        self.assertEqual(self.message_counts(), {iid: counts[iid] + n for iid, n in (("acme", 6), ("globex", 4))})

        # The disk is lost: stop every role, destroy the data, put the copy back.
        for role in ("cas", "instancehost", "management"):
            p.kill(role, signal.SIGTERM)
        for path in what.values():
            shutil.rmtree(path)
        for name, path in what.items():
            copy_like_cp_a(os.path.join(backup, name), path)
        # Start the Management Server first, then the host and the CAS.
        for role in ("management", "instancehost", "cas"):
            p.start(role)

        wait_until("both instances running again", lambda: all(
            i["status"] == "running" for i in p.ok("GetInstances", instanceFilter="*")))
        self.assertEqual(sorted(i["instanceID"] for i in p.ok("GetInstances", instanceFilter="*")), list(IIDS))
        admins = [a["userName"] for a in p.ok("GetSystemAdministrators")]
        self.assertIn("backupadmin", admins)
        self.assertNotIn("lateadmin", admins)
        self.assertEqual(p.invoke("Ping", _user="backupadmin", _password="Second-Admin-Pass1")["statusCode"], "succeeded")
        self.assertEqual(base64.b64decode(p.ok("GetBrandingFile", name="WebBranding.json")["content"]), self.branding)
        p.ok("ReloadBranding")
        self.assertEqual(self.message_counts(), counts)
        for iid in IIDS:
            self.assertEqual([(s["id"], s["databasePath"], s["error"]) for s in p.ok("GetStores", instanceID=iid)],
                             [(s["id"], s["databasePath"], None) for s in stores[iid]])
            self.verify_everything(iid)
            self.assertEqual(self.search_total(iid, "cormorant"), 0)
        self.assertEqual(self.search_total("acme", "zebrafinch"), 28)
        self.assertEqual(self.search_total("acme", "pelican"), 5)
        self.assertEqual(self.search_total("globex", "zebrafinch"), 10)
        # Mail archived after the backup is archived again from its source.
        again = self.archive("acme", "cormorant", 6, "after")
        self.assertEqual(again["duplicates"], 0)
        self.assertEqual(self.search_total("acme", "cormorant"), 6)

    # ------------------------------------------------------------ btrfs snapshot
    def test_03_btrfs_snapshot_instead_of_a_copy(self):
        why_not = btrfs_unavailable()
        if why_not:
            self.skipTest("btrfs snapshot variant skipped: " + why_not)
        p = self.p
        image = p.path("btrfs.img")
        with open(image, "wb") as f:
            f.truncate(320 << 20)  # sparse; btrfs wants more than 256 MiB for its default profile
        subprocess.run(["mkfs.btrfs", "-q", "-f", image], check=True, capture_output=True)
        volume = p.path("instances", "btrfs")
        os.makedirs(volume)
        mounted = subprocess.run(["mount", "-o", "loop", image, volume], capture_output=True, text=True)
        if mounted.returncode != 0:
            self.skipTest("btrfs snapshot variant skipped: cannot mount a loop device here (%s)" %
                          mounted.stderr.strip())
        self.addCleanup(unmount, volume, p, "snap1")
        os.chmod(volume, 0o711)
        subprocess.run(["btrfs", "subvolume", "create", os.path.join(volume, "data")], check=True, capture_output=True)
        os.chmod(os.path.join(volume, "data"), 0o711)
        p.ok("CreateInstance", config={"instanceID": "snap1", "instanceHost": "127.0.0.1", "startMode": "manual",
                                       "baseDirectory": "~/btrfs/data/snap1"})
        p.ok("StartInstances", instanceFilter="snap1")
        p.ok("CreateUser", instanceID="snap1", userName="alice", privileges="none")
        base = os.path.join(volume, "data", "snap1")
        self.assertEqual(p.ok("GetInstanceConfiguration", instanceID="snap1")["baseDirectory"], base)
        for batch, count in (("one", 8), ("two", 5)):
            src = write_messages(p.source_dir("snap1", batch), "heron", count)
            p.ok("RunTemporaryProfile", instanceID="snap1", raw=True, properties={
                "name": batch, "connector": "emlDirectory", "details": {"path": src, "targetUserFolder": "alice"}})
            if batch == "one":
                p.ok("CreateStore", instanceID="snap1", name="Second", databasePath="~/Data/Second",
                     requestedState="current")

        self.cli("-c", "FreezeInstances", "--instanceFilter=snap1")
        snapshot = os.path.join(volume, "backup-1")
        subprocess.run(["btrfs", "subvolume", "snapshot", "-r", os.path.join(volume, "data"), snapshot],
                       check=True, capture_output=True)
        self.cli("-c", "ThawInstances", "--instanceFilter=snap1")
        at_snapshot = p.ok("GetInstanceStatistics", instanceID="snap1")["numberOfMessages"]
        self.assertEqual(at_snapshot, 13)
        src = write_messages(p.source_dir("snap1", "three"), "ibis", 4)
        p.ok("RunTemporaryProfile", instanceID="snap1", raw=True, properties={
            "name": "three", "connector": "emlDirectory", "details": {"path": src, "targetUserFolder": "alice"}})

        # Restore one instance: stop it, put its directory back from the snapshot, start it.
        p.ok("StopInstances", instanceFilter="snap1")
        shutil.rmtree(base)
        subprocess.run(["cp", "-a", "--reflink=auto", os.path.join(snapshot, "snap1"), base], check=True)
        p.ok("StartInstances", instanceFilter="snap1")
        self.assertEqual(p.ok("GetInstanceStatistics", instanceID="snap1")["numberOfMessages"], at_snapshot)
        self.assertEqual(len(self.verify_everything("snap1")), 2)
        subprocess.run(["btrfs", "subvolume", "delete", snapshot], check=True, capture_output=True)


class Readers:
    """Web Access users of both instances logging in and searching in a
    thread until stop(), which returns how many searches answered."""

    def __init__(self, test):
        self.test, self.done, self.searches, self.errors = test, threading.Event(), 0, []
        self.thread = threading.Thread(target=self.run)
        self.thread.start()

    def run(self):
        while not self.done.is_set():
            for iid in IIDS:
                try:
                    web = WebAccess(self.test.p, iid)
                    status, _ = web.call(web.login({"userName": "alice", "password": PASSWORD}), "search",
                                         {"query": "zebrafinch"})
                    if status == 200:
                        self.searches += 1
                    else:
                        self.errors.append(status)
                except Exception as e:  # reported by stop()
                    self.errors.append(repr(e))

    def stop(self):
        self.done.set()
        self.thread.join(60)
        self.test.assertEqual(self.errors, [])
        return self.searches


def validate_firebird_files(test, directory):
    """Firebird's own validation (gfix -v -full, embedded) of every database
    file below `directory`; skipped where gfix is not installed."""
    gfix = shutil.which("gfix")
    if gfix is None:
        return
    locks = tempfile.mkdtemp(prefix="fblock-")
    try:
        for root, _, files in os.walk(directory):
            for name in files:
                if name.endswith(".fdb"):
                    path = os.path.join(root, name)
                    out = subprocess.run([gfix, "-v", "-full", "-user", "SYSDBA", path], capture_output=True,
                                         text=True, timeout=120, env=dict(os.environ, FIREBIRD_LOCK=locks))
                    test.assertEqual((out.returncode, out.stdout + out.stderr), (0, ""), path)
    finally:
        shutil.rmtree(locks, ignore_errors=True)


def btrfs_unavailable():
    """Why the btrfs variant cannot run here, or None."""
    if os.geteuid() != 0:
        return "mounting a loop device needs root"
    for tool in ("mkfs.btrfs", "btrfs"):
        if shutil.which(tool) is None:
            return "%s is missing (apt install btrfs-progs)" % tool
    with open("/proc/filesystems") as f:
        if "btrfs" not in f.read():
            return "the kernel has no btrfs"
    if not os.path.exists("/dev/loop-control"):
        return "there are no loop devices"
    return None


def unmount(mount_point, platform, instance_id):
    """Stops the instance whose files are on the mount, then unmounts (lazily
    when something still holds it); runs also when the test failed."""
    try:
        platform.invoke("StopInstances", instanceFilter=instance_id)
    except Exception:
        pass
    deadline = time.time() + 20
    while subprocess.run(["umount", mount_point], capture_output=True).returncode != 0:
        if time.time() > deadline:
            subprocess.run(["umount", "-l", mount_point], capture_output=True)
            return
        time.sleep(0.2)


if __name__ == "__main__":
    unittest.main()
