"""Single server mode (`./spe up`) creates instances as `automatic` unless
told otherwise, and `./spe up` starts the automatic ones (issue 17)."""
import base64
import json
import os
import random
import shutil
import subprocess
import tempfile
import time
import unittest
import urllib.error
import urllib.parse
import urllib.request

from harness import BIN, insecure_context
from test_spe_script import ROOT, ports_free

PASSWORD = "Env-Admin-Pass-7"


class SpeStartModeTest(unittest.TestCase):
    def setUp(self):
        self.data = tempfile.mkdtemp(prefix="spe-up-")
        while True:
            self.offset = random.randrange(20000, 50000)
            if ports_free(self.offset):
                break
        self.env = dict(os.environ, SPE_DATA_DIR=self.data, SPE_PORT_OFFSET=str(self.offset),
                        SPE_BUILD_DIR=os.path.dirname(os.path.abspath(BIN)), SPE_ADMIN_PASSWORD=PASSWORD)

    def tearDown(self):
        self.spe("down")
        shutil.rmtree(self.data, ignore_errors=True)

    def spe(self, *args):
        return subprocess.run([os.path.join(ROOT, "spe")] + list(args), env=self.env, capture_output=True,
                              text=True, timeout=600)

    def call(self, function, _path="/api/invoke/", **args):
        data = urllib.parse.urlencode({k: json.dumps(v) if isinstance(v, (dict, list)) else str(v)
                                       for k, v in args.items()}).encode()
        req = urllib.request.Request("https://127.0.0.1:%d%s%s" % (8474 + self.offset, _path, function), data=data,
                                     method="POST")
        req.add_header("Authorization", "Basic " + base64.b64encode(("admin:" + PASSWORD).encode()).decode())
        with urllib.request.urlopen(req, context=insecure_context(), timeout=60) as r:
            return json.loads(r.read().decode("utf-8-sig"))

    def ok(self, function, **args):
        r = self.call(function, **args)
        while r["statusCode"] == "running":
            r = self.call("get-status", _path="/api/", token=r["token"], lastKnownStatusVersion=r["statusVersion"],
                          millisecondsTimeout=5000)
        self.assertEqual(r["statusCode"], "succeeded", r)
        return r["result"]

    def status(self, iid):
        return self.ok("GetInstances", instanceFilter=iid)[0]["status"]

    def test_instances_are_automatic_by_default_and_up_starts_them(self):
        r = self.spe("up", "--detach")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.ok("CreateInstance", config={"instanceID": "auto2", "instanceHost": "localhost"})
        self.ok("CreateInstance", config={"instanceID": "hand2", "instanceHost": "localhost", "startMode": "manual"})
        self.assertEqual(self.ok("GetInstanceConfiguration", instanceID="auto2")["startMode"], "automatic")
        self.assertEqual(self.ok("GetInstanceConfiguration", instanceID="hand2")["startMode"], "manual")
        # Automatic means: started with its Instance Host (creating it starts nothing).
        self.assertEqual(self.status("auto2"), "stopped")
        self.assertEqual(self.spe("down").returncode, 0)
        r = self.spe("up", "--detach")
        self.assertEqual(r.returncode, 0, r.stderr)
        deadline = time.time() + 60
        while self.status("auto2") != "running":
            self.assertLess(time.time(), deadline, "the automatic instance did not start with ./spe up")
            time.sleep(0.2)
        self.assertEqual(self.status("hand2"), "stopped")
        # Web Access to the manual one, which nobody started, says that it is stopped.
        req = urllib.request.Request("https://127.0.0.1:%d/hand2/api/session" % (443 + self.offset), data=b"{}",
                                     method="POST", headers={"Content-Type": "application/json"})
        with self.assertRaises(urllib.error.HTTPError) as e:
            urllib.request.urlopen(req, context=insecure_context(), timeout=30)
        self.assertEqual(e.exception.code, 503)
        self.assertEqual(json.loads(e.exception.read()),
                         {"error": "This archive is stopped. Ask your provider.", "code": "archiveStopped"})


if __name__ == "__main__":
    unittest.main()
