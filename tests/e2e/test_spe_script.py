"""`./spe up --detach`, `./spe status`, `./spe down` in single server mode,
with SPE_DATA_DIR and SPE_PORT_OFFSET, against the already built tree."""
import imaplib
import json
import os
import random
import shutil
import socket
import stat
import subprocess
import tempfile
import time
import unittest

from harness import BIN, insecure_context

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


def ports_free(offset):
    for port in (8471, 8472, 8473, 8474, 143, 993, 443):
        with socket.socket() as s:
            try:
                s.bind(("0.0.0.0", port + offset))
            except OSError:
                return False
    return True


class SpeScriptTest(unittest.TestCase):
    def setUp(self):
        self.data = tempfile.mkdtemp(prefix="spe-up-")
        while True:
            self.offset = random.randrange(20000, 50000)
            if ports_free(self.offset):
                break
        self.env = dict(os.environ, SPE_DATA_DIR=self.data, SPE_PORT_OFFSET=str(self.offset),
                        SPE_BUILD_DIR=os.path.dirname(os.path.abspath(BIN)))
        self.env.pop("SPE_ADMIN_PASSWORD", None)

    def tearDown(self):
        self.spe("down")
        shutil.rmtree(self.data, ignore_errors=True)

    def spe(self, *args, env=None):
        return subprocess.run([os.path.join(ROOT, "spe")] + list(args), env=env or self.env, capture_output=True,
                              text=True, timeout=600)

    def api(self, _password, function, _path="/api/invoke/", **args):
        import base64
        import urllib.parse
        import urllib.request
        data = urllib.parse.urlencode({k: json.dumps(v) if isinstance(v, (dict, list)) else str(v)
                                       for k, v in args.items()}).encode()
        req = urllib.request.Request("https://127.0.0.1:%d%s%s" % (8474 + self.offset, _path, function),
                                     data=data, method="POST")
        req.add_header("Authorization", "Basic " + base64.b64encode(("admin:" + _password).encode()).decode())
        with urllib.request.urlopen(req, context=insecure_context(), timeout=30) as r:
            return json.loads(r.read().decode("utf-8-sig"))

    def test_up_status_down_with_generated_password(self):
        r = self.spe("up", "--detach")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("https://127.0.0.1:%d/api/" % (8474 + self.offset), r.stderr)
        pw_file = os.path.join(self.data, "management", "initial-admin-password")
        self.assertIn(pw_file, r.stderr)
        self.assertEqual(stat.S_IMODE(os.stat(pw_file).st_mode), 0o600)
        with open(pw_file) as f:
            password = f.read().strip()
        self.assertNotIn(password, r.stderr + r.stdout)
        status = self.api(password, "GetServiceStatus")["result"]
        self.assertEqual(sorted(s["serverType"] for s in status["serverInfos"] if s["active"]),
                         ["clientAccessServer", "instanceHost", "managementServer"])
        self.assertEqual(self.spe("status").returncode, 0)
        again = self.spe("up", "--detach")
        self.assertNotEqual(again.returncode, 0)
        self.assertIn("running already", again.stderr)
        self.assertEqual(self.spe("down").returncode, 0)
        st = self.spe("status")
        self.assertEqual(st.returncode, 1)
        self.assertIn("management: stopped", st.stdout)
        # A second start keeps the administrator, the keys and the pairing.
        tp_before = status["serverInfos"][1]["serverCertificate"]["thumbprint"]
        self.assertEqual(self.spe("up", "--detach").returncode, 0)
        status = self.api(password, "GetServiceStatus")["result"]
        self.assertEqual(status["serverInfos"][1]["serverCertificate"]["thumbprint"], tp_before)
        self.assertTrue(all(s["active"] for s in status["serverInfos"]))

    def test_automatic_instance_survives_down_and_up(self):
        """`up` runs spe-instancehost --show-thumbprint before the real host: that must start no
        instance (it would hold the databases and the real host could not start them)."""
        env = dict(self.env, SPE_ADMIN_PASSWORD="Env-Admin-Pass-7")
        pw = "Env-Admin-Pass-7"
        r = self.spe("up", "--detach", env=env)
        self.assertEqual(r.returncode, 0, r.stderr)

        def ok(function, **args):
            r = self.api(pw, function, **args)
            while r["statusCode"] == "running":
                r = self.api(pw, "get-status", _path="/api/", token=r["token"], lastKnownStatusVersion=r["statusVersion"],
                             millisecondsTimeout=5000)
            self.assertEqual(r["statusCode"], "succeeded", r)
            return r["result"]

        ok("CreateInstance", config={"instanceID": "auto1", "instanceHost": "localhost", "startMode": "automatic"})
        ok("StartInstances", instanceFilter="auto1")
        ok("CreateUser", instanceID="auto1", userName="amy", privileges="none", password="Amy-Secret-42",
           loginPrivileges="imap")
        # The instance's own import directory, made by the host.
        imports = os.path.join(self.data, "imports", "auto1")
        self.assertTrue(os.path.isdir(imports))
        message = (b"From: a@example.com\r\nTo: amy@example.com\r\nSubject: kept across restarts\r\n"
                   b"Message-ID: <restart@example.com>\r\n\r\nHello again.\r\n")
        os.makedirs(os.path.join(imports, "mail"))
        with open(os.path.join(imports, "mail", "1.eml"), "wb") as f:
            f.write(message)
        r = ok("RunTemporaryProfile", instanceID="auto1", raw=True, properties={
            "name": "m", "connector": "emlDirectory",
            "details": {"path": os.path.join(imports, "mail"), "targetUserFolder": "amy/Inbox"}})
        self.assertEqual(r["itemsArchived"], 1)
        self.assertEqual(self.spe("down").returncode, 0)
        # What `up` runs first: it prints the thumbprint and starts nothing.
        tp = subprocess.run([os.path.join(BIN, "spe-instancehost"), "--config",
                             os.path.join(self.data, "config", "instancehost.json"), "--show-thumbprint"],
                            capture_output=True, text=True, timeout=60)
        self.assertEqual(tp.returncode, 0, tp.stderr)
        self.assertRegex(tp.stdout, r"^[0-9a-f]{64}\n$")
        self.assertNotIn("auto1", tp.stderr)
        self.assertNotIn("cached list", tp.stderr)
        r = self.spe("up", "--detach", env=env)
        self.assertEqual(r.returncode, 0, r.stderr)
        deadline = time.time() + 60
        while True:
            status = ok("GetInstances", instanceFilter="auto1")[0]
            if status["status"] == "running" or time.time() > deadline:
                break
            time.sleep(0.5)
        self.assertEqual(status["status"], "running", status)
        # Read the mail over IMAP through the CAS (it learns the instance from heartbeats).
        ctx = insecure_context()
        deadline = time.time() + 30
        while True:
            try:
                m = imaplib.IMAP4_SSL("127.0.0.1", 993 + self.offset, ssl_context=ctx, timeout=30)
                m.login("auto1/amy", "Amy-Secret-42")
                break
            except (imaplib.IMAP4.error, OSError):
                if time.time() > deadline:
                    raise
                time.sleep(0.5)
        try:
            typ, _ = m.select("INBOX", readonly=True)
            self.assertEqual(typ, "OK")
            typ, data = m.fetch("1", "(BODY.PEEK[])")
            self.assertEqual(typ, "OK")
            self.assertEqual(data[0][1], message)
        finally:
            m.logout()
        with open(os.path.join(self.data, "logs", "instancehost.log"), errors="replace") as f:
            self.assertNotIn("already opened", f.read())

    def test_status_checks_the_process_not_only_the_pid_file(self):
        run = os.path.join(self.data, "run")
        os.makedirs(run, exist_ok=True)
        # A crashed role whose parent has not reaped it yet (a zombie still answers kill -0) ...
        zombie = subprocess.Popen(["true"])
        deadline = time.time() + 10
        while not self.is_zombie(zombie.pid) and time.time() < deadline:
            time.sleep(0.02)
        self.assertTrue(self.is_zombie(zombie.pid))
        # ... and a pid that another program took over.
        other = subprocess.Popen(["sleep", "600"])
        try:
            for name, pid in (("management", zombie.pid), ("cas", other.pid)):
                with open(os.path.join(run, name + ".pid"), "w") as f:
                    f.write("%d\n" % pid)
            st = self.spe("status")
            self.assertEqual(st.returncode, 1, st.stdout)
            self.assertIn("management: stopped (not running as pid %d" % zombie.pid, st.stdout)
            self.assertIn("cas: stopped (not running as pid %d" % other.pid, st.stdout)
            self.assertIn("instancehost: stopped\n", st.stdout)
            self.assertEqual(self.spe("down").returncode, 0)
            self.assertIsNone(other.poll(), "down killed a process that is not a role")
        finally:
            other.kill()
            other.wait()
            zombie.wait()

    @staticmethod
    def is_zombie(pid):
        try:
            with open("/proc/%d/stat" % pid) as f:
                return f.read().rsplit(")", 1)[1].split()[0] == "Z"
        except FileNotFoundError:
            return False

    def test_admin_password_from_environment(self):
        env = dict(self.env, SPE_ADMIN_PASSWORD="Env-Admin-Pass-7")
        r = self.spe("up", "--detach", env=env)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertFalse(os.path.exists(os.path.join(self.data, "management", "initial-admin-password")))
        self.assertEqual(self.api("Env-Admin-Pass-7", "Ping")["statusCode"], "succeeded")

    def test_weak_admin_password_is_refused_at_first_start(self):
        env = dict(self.env, SPE_ADMIN_PASSWORD="weak")
        r = self.spe("up", "--detach", env=env)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("too short", r.stderr)


if __name__ == "__main__":
    unittest.main()
