"""`./spe up --detach`, `./spe status`, `./spe down` in single server mode,
with SPE_DATA_DIR and SPE_PORT_OFFSET, against the already built tree."""
import json
import os
import random
import shutil
import socket
import stat
import subprocess
import tempfile
import unittest

from harness import BIN, insecure_context

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


def ports_free(offset):
    for port in (8471, 8472, 8473, 8474):
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

    def api(self, password, function):
        import base64
        import urllib.request
        req = urllib.request.Request("https://127.0.0.1:%d/api/invoke/%s" % (8474 + self.offset, function),
                                     data=b"", method="POST")
        req.add_header("Authorization", "Basic " + base64.b64encode(("admin:" + password).encode()).decode())
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
