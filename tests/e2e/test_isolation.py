"""Instance isolation with real processes (the e2e tests run as root, so the
host runs every instance as its own system user):

- each instance process runs as its own unprivileged user spe-i-<id>, two
  instances as two users; its base directory is its own, mode 700;
- that user cannot read another instance's base directory or the host's key;
- import profiles and store paths outside the allowed roots are refused with
  an error naming the roots, also through a symbolic link inside a root, and
  a symbolic link inside an import tree is not followed outside;
- instance processes die with their host (kill -9), a restarted host ends
  instance processes left over from an earlier run of itself and starts its
  instances again.
"""
import os
import pwd
import signal
import subprocess
import sys
import time
import unittest

import mailgen
from harness import Platform

A, B = "iso-a", "iso-b"


def uid_of(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("Uid:"):
                return [int(x) for x in line.split()[1:]]
    raise AssertionError("no Uid line")


def gone(pid):
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().rsplit(")", 1)[1].split()[0] == "Z"
    except FileNotFoundError:
        return True


def read_as(uid, gid, path):
    """Tries to read `path` in a child process that runs as uid:gid; returns the errno or 0."""
    pid = os.fork()
    if pid == 0:
        try:
            os.setgroups([])
            os.setgid(gid)
            os.setuid(uid)
            with open(path, "rb") as f:
                f.read(1)
            os._exit(0)
        except PermissionError:
            os._exit(13)
        except BaseException:
            os._exit(99)
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status)


@unittest.skipUnless(os.geteuid() == 0, "instances run as their own users only when the host runs as root")
class IsolationTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.p = Platform()
        for iid in (A, B):
            cls.p.ok("CreateInstance", config={"instanceID": iid, "instanceHost": "127.0.0.1", "startMode": "manual"})
            cls.p.ok("StartInstances", instanceFilter=iid)
            cls.p.ok("CreateUser", instanceID=iid, userName="amy", privileges="none")

    @classmethod
    def tearDownClass(cls):
        cls.p.stop()

    def pid(self, iid):
        return self.p.ok("GetInstances", instanceFilter=iid)[0]["processID"]

    def base(self, iid):
        return os.path.join(self.p.base_directory, iid)

    def refused(self, iid, function, path_word, **args):
        env = self.p.invoke(function, instanceID=iid, **args)
        self.assertEqual(env["statusCode"], "failed", env)
        message = env["error"]["message"]
        self.assertIn("outside the directories this instance may use", message)
        # The error names the roots the host allows.
        for root in (self.base(iid), self.p.import_dir(iid), self.p.path("source")):
            self.assertIn("'%s'" % root, message)
        self.assertIn(path_word, message)
        return message

    def profile(self, iid, path, connector="emlDirectory"):
        return dict(raw=True, properties={"name": "x", "connector": connector,
                                          "details": {"path": path, "targetUserFolder": "amy"}})

    def test_01_each_instance_runs_as_its_own_user(self):
        users = {}
        for iid in (A, B):
            real, effective, saved, fs_uid = uid_of(self.pid(iid))
            self.assertEqual(len({real, effective, saved, fs_uid}), 1)
            self.assertNotEqual(real, 0)
            self.assertEqual(pwd.getpwuid(real).pw_name, "spe-i-" + iid)
            self.assertEqual(pwd.getpwuid(real).pw_shell, "/usr/sbin/nologin")
            st = os.stat(self.base(iid))
            self.assertEqual((st.st_uid, st.st_mode & 0o777), (real, 0o700))
            users[iid] = real
        self.assertNotEqual(users[A], users[B])

    def test_02_the_user_cannot_read_other_instances_or_the_host_key(self):
        a = pwd.getpwnam("spe-i-" + A)
        self.assertEqual(read_as(a.pw_uid, a.pw_gid, os.path.join(self.base(A), "MailStoreMaster.fdb")), 0)
        for path in (os.path.join(self.base(B), "MailStoreMaster.fdb"), os.path.join(self.base(B), "RecoveryKey.txt"),
                     self.p.path("instancehost", "keys", "host.key"), self.p.path("instancehost", "tls", "key.pem")):
            self.assertEqual(read_as(a.pw_uid, a.pw_gid, path), 13, path)

    def test_03_import_paths_outside_the_roots_are_refused(self):
        host_key = self.p.path("instancehost", "keys", "host.key")
        for path in (host_key, self.base(B), os.path.join(self.base(B), "Data"), self.p.import_dir(B),
                     self.p.path("source", "..", "instances", B), "/etc"):
            self.refused(A, "CreateProfile", "details.path", **self.profile(A, path))
            self.refused(A, "RunTemporaryProfile", "details.path", **self.profile(A, path, "mbox"))
        # Inside an allowed root, but a symbolic link to another instance: refused too.
        link = os.path.join(self.p.source_dir(), "link-to-b")
        os.symlink(self.base(B), link)
        self.refused(A, "CreateProfile", "details.path", **self.profile(A, link))
        key_link = os.path.join(self.p.import_dir(A), "key")
        os.symlink(host_key, key_link)
        self.refused(A, "RunTemporaryProfile", "details.path", **self.profile(A, key_link, "mbox"))

    def test_04_a_link_inside_an_import_tree_is_not_followed_outside(self):
        tree = os.path.join(self.p.import_dir(A), "tree")
        os.makedirs(tree)
        with open(os.path.join(tree, "1.eml"), "wb") as f:
            f.write(mailgen.message(1))
        # A file outside every root that the instance's user could read (mode 644): only the
        # path check keeps it out.
        outside = self.p.path("outside")
        os.makedirs(outside)
        with open(os.path.join(outside, "secret.eml"), "wb") as f:
            f.write(mailgen.message(2))
        os.symlink(os.path.join(outside, "secret.eml"), os.path.join(tree, "2.eml"))
        os.symlink(outside, os.path.join(tree, "sub"))  # a linked directory is not walked either
        r = self.p.ok("RunTemporaryProfile", instanceID=A, **self.profile(A, tree))
        self.assertEqual(r["itemsArchived"], 1, r)
        # The instance's own import directory: the host made it, readable and not writable by the instance.
        st = os.stat(self.p.import_dir(A))
        self.assertEqual((st.st_uid, st.st_gid, st.st_mode & 0o777), (0, pwd.getpwnam("spe-i-" + A).pw_gid, 0o750))

    def test_05_store_paths_outside_the_roots_are_refused(self):
        self.refused(A, "CreateStore", "databasePath", name="x", databasePath=os.path.join(self.base(B), "Data", "X"))
        stores_b = self.p.ok("GetStores", instanceID=B)
        self.refused(A, "AttachStore", "databasePath", name="x", databasePath=stores_b[0]["databasePath"])
        self.refused(A, "CreateStore", "databasePath", name="x", databasePath="~/../%s/Data/Y" % B)
        link = os.path.join(self.base(A), "b-data")
        os.symlink(os.path.join(self.base(B), "Data"), link)
        self.refused(A, "CreateStore", "databasePath", name="x", databasePath="~/b-data/Z")
        self.refused(A, "SetStoreAutoCreateConfiguration", "config.baseDirectory",
                     config={"baseDirectory": self.p.path("instancehost")})
        # Inside the instance's own base directory stays possible.
        self.p.ok("CreateStore", instanceID=A, name="Second", databasePath="~/Data/Second", requestedState="normal")

    def test_06_instances_die_with_their_host_and_leftovers_are_ended(self):
        tree = self.p.source_dir("restart")
        with open(os.path.join(tree, "1.eml"), "wb") as f:
            f.write(mailgen.message(7))
        self.assertEqual(self.p.ok("RunTemporaryProfile", instanceID=B, **self.profile(B, tree))["itemsArchived"], 1)
        before = self.p.ok("GetInstanceStatistics", instanceID=B)["numberOfMessages"]
        pids = [self.pid(A), self.pid(B)]
        self.p.kill("instancehost", signal.SIGKILL)  # the host this test started, by its pid
        deadline = time.time() + 15
        while time.time() < deadline and not all(gone(pid) for pid in pids):
            time.sleep(0.05)
        self.assertTrue(all(gone(pid) for pid in pids), "instance processes outlived their host")
        # A leftover of an earlier run (a process named spe-instance whose socket is in the host's
        # runtime directory) is ended when the host starts.
        fake = self.p.path("fake", "spe-instance")
        os.makedirs(os.path.dirname(fake))
        os.symlink(sys.executable, fake)
        leftover = subprocess.Popen([fake, "-c", "import time; time.sleep(600)", "--socket",
                                     self.p.path("instancehost", "run", "old", "instance.sock")])
        unrelated = subprocess.Popen([fake, "-c", "import time; time.sleep(600)", "--socket", "/elsewhere/x.sock"])
        try:
            self.p.start("instancehost")
            self.assertEqual(leftover.wait(timeout=30), -signal.SIGTERM)
            self.assertIsNone(unrelated.poll())
            self.assertIn("ending 1 instance processes left over", self.p.log("instancehost"))
        finally:
            for proc in (leftover, unrelated):
                if proc.poll() is None:
                    proc.kill()
                    proc.wait()
        # The restarted host starts the instance again, and its mail is there.
        deadline = time.time() + 30
        while True:
            env = self.p.invoke("StartInstances", instanceFilter=B)
            if env["statusCode"] == "succeeded" or time.time() > deadline:
                break
            time.sleep(0.5)  # until the Management Server has the host back
        self.assertEqual(env["statusCode"], "succeeded", env)
        self.assertEqual(self.p.ok("GetInstanceStatistics", instanceID=B)["numberOfMessages"], before)
        self.assertNotIn("already opened", self.p.log("instancehost"))


if __name__ == "__main__":
    unittest.main()
