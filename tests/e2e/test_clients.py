"""Real clients of the Management API: a client that speaks as MailStore's
own Python API wrapper does, a client that waits for the 401 challenge,
spe-cli and curl. Uses spe-test-management, which adds a long-running test
function to the real Management Server."""
import base64
import json
import os
import subprocess
import time
import unittest
import urllib.parse
import urllib.request

from harness import ADMIN_PASSWORD, BIN, Platform, insecure_context


class WrapperStyleClient:
    """Form fields, Authorization header sent up front, UTF-8 with BOM
    decoded with utf-8-sig, long-running calls followed by token polling."""

    def __init__(self, port, user, password, wait_ms=1000):
        self.base = "https://127.0.0.1:%d/api/" % port
        self.auth = "Basic " + base64.b64encode(("%s:%s" % (user, password)).encode("utf-8")).decode("ascii")
        self.wait_ms = wait_ms
        self.ctx = insecure_context()
        self.statuses = []

    def _post(self, path, fields):
        data = urllib.parse.urlencode(fields).encode("utf-8")
        req = urllib.request.Request(self.base + path, data=data, method="POST",
                                     headers={"Authorization": self.auth,
                                              "Content-Type": "application/x-www-form-urlencoded"})
        with urllib.request.urlopen(req, context=self.ctx, timeout=60) as r:
            return json.loads(r.read().decode("utf-8-sig"))

    def get_metadata(self):
        return self._post("get-metadata", {})

    def call(self, function, **args):
        fields = {}
        for k, v in args.items():
            if v is None:
                continue  # nullable arguments are omitted
            fields[k] = str(v).lower() if isinstance(v, bool) else (json.dumps(v) if isinstance(v, dict) else v)
        status = self._post("invoke/" + function, fields)
        self.statuses.append(status)
        while status["statusCode"] == "running":
            status = self._post("get-status", {"token": status["token"],
                                               "lastKnownStatusVersion": status["statusVersion"],
                                               "millisecondsTimeout": self.wait_ms})
            self.statuses.append(status)
        return status

    def cancel(self, token):
        return self._post("cancel-async", {"token": token})


class ClientsTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.p = Platform(with_roles=False, management_binary="spe-test-management")
        cls.port = cls.p.ports["api"]

    @classmethod
    def tearDownClass(cls):
        cls.p.stop()

    def test_wrapper_style_client_follows_long_running_call(self):
        c = WrapperStyleClient(self.port, "admin", ADMIN_PASSWORD)
        names = {f["name"] for f in c.get_metadata()}
        self.assertIn("GetEnvironmentInfo", names)
        self.assertEqual(c.call("GetEnvironmentInfo")["result"]["userName"], "admin")
        final = c.call("TestLongRunning", steps=10, stepMilliseconds=60)
        self.assertEqual(final["statusCode"], "succeeded")
        self.assertEqual(final["result"], {"steps": 10})
        self.assertEqual(final["logOutput"], "done\n")
        running = [s for s in c.statuses if s["statusCode"] == "running"]
        self.assertGreaterEqual(len(running), 3)
        versions = [s["statusVersion"] for s in c.statuses[-len(running) - 1:]]
        self.assertEqual(versions, sorted(versions))
        percents = [s["percentProgress"] for s in running if s["percentProgress"] is not None]
        self.assertEqual(percents, sorted(percents))
        self.assertTrue(any(s["statusText"] and s["statusText"].startswith("Step ") for s in running))
        self.assertEqual(final["percentProgress"], 100)

    def test_cancel_async(self):
        c = WrapperStyleClient(self.port, "admin", ADMIN_PASSWORD)
        first = c._post("invoke/TestLongRunning", {"steps": "1000", "stepMilliseconds": "20"})
        self.assertEqual(first["statusCode"], "running")
        c.cancel(first["token"])
        status = first
        deadline = time.time() + 20
        while status["statusCode"] == "running" and time.time() < deadline:
            status = c._post("get-status", {"token": first["token"], "lastKnownStatusVersion": status["statusVersion"],
                                            "millisecondsTimeout": 1000})
        self.assertEqual(status["statusCode"], "failed")
        self.assertIn("cancelled", status["error"]["message"])

    def test_long_poll_returns_early_on_change_and_waits_otherwise(self):
        c = WrapperStyleClient(self.port, "admin", ADMIN_PASSWORD)
        first = c._post("invoke/TestLongRunning", {"steps": "3", "stepMilliseconds": "1500"})
        token = first["token"]
        t0 = time.time()
        nxt = c._post("get-status", {"token": token, "lastKnownStatusVersion": first["statusVersion"],
                                     "millisecondsTimeout": 10000})
        self.assertGreater(nxt["statusVersion"], first["statusVersion"])
        self.assertLess(time.time() - t0, 5)
        t0 = time.time()
        same = c._post("get-status", {"token": token, "lastKnownStatusVersion": nxt["statusVersion"],
                                      "millisecondsTimeout": 200})
        elapsed = time.time() - t0
        if same["statusVersion"] == nxt["statusVersion"]:
            self.assertGreaterEqual(elapsed, 0.18)
        c.cancel(token)

    def test_client_that_waits_for_the_challenge(self):
        mgr = urllib.request.HTTPPasswordMgrWithDefaultRealm()
        mgr.add_password(None, "https://127.0.0.1:%d/" % self.port, "admin", ADMIN_PASSWORD)
        opener = urllib.request.build_opener(urllib.request.HTTPSHandler(context=insecure_context()),
                                             urllib.request.HTTPBasicAuthHandler(mgr))
        req = urllib.request.Request("https://127.0.0.1:%d/api/invoke/GetEnvironmentInfo" % self.port, data=b"",
                                     method="POST")
        self.assertFalse(req.has_header("Authorization"))
        with opener.open(req, timeout=30) as r:
            env = json.loads(r.read().decode("utf-8-sig"))
        self.assertEqual(env["statusCode"], "succeeded")
        with opener.open(urllib.request.Request("https://127.0.0.1:%d/api/get-metadata" % self.port, data=b"",
                                                method="POST"), timeout=30) as r:
            self.assertIsInstance(json.loads(r.read().decode("utf-8-sig")), list)

    # ---------------------------------------------------------------- spe-cli
    def cli(self, *args, thumbprint="*", password=ADMIN_PASSWORD):
        cmd = [os.path.join(BIN, "spe-cli"), "-s", "127.0.0.1:%d" % self.port, "-u", "admin", "-p", password,
               "-t", thumbprint] + list(args)
        return subprocess.run(cmd, capture_output=True, text=True, timeout=120)

    def test_cli_success_failure_and_pinning(self):
        r = self.cli("-c", "GetEnvironmentInfo")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(json.loads(r.stdout)["result"]["userName"], "admin")
        r = self.cli("-c", "GetEnvironmentInfo", thumbprint=self.p.mgmt_thumbprint.upper())
        self.assertEqual(r.returncode, 0, r.stderr)
        r = self.cli("-c", "GetEnvironmentInfo", thumbprint="ab" * 32)
        self.assertEqual(r.returncode, 1)
        self.assertIn("TLS handshake failed", r.stderr)
        r = self.cli("-c", "DeleteSystemAdministrator", "--userName=ghost")
        self.assertEqual(r.returncode, 1)
        self.assertEqual(json.loads(r.stdout)["statusCode"], "failed")
        r = self.cli("-c", "SetSystemSmtpConfiguration", "-config", '{"hostname": "smtp.example.com"}')
        self.assertEqual(r.returncode, 0, r.stdout)
        r = self.cli("-c", "Ping", password="wrong")
        self.assertEqual(r.returncode, 1)
        self.assertIn("401", r.stderr)
        r = subprocess.run([os.path.join(BIN, "spe-cli"), "-c"], capture_output=True, text=True)
        self.assertEqual(r.returncode, 2)

    def test_cli_follows_long_running_call_with_progress(self):
        r = self.cli("-c", "TestLongRunning", "--steps=6", "--stepMilliseconds=150")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(json.loads(r.stdout)["result"], {"steps": 6})
        self.assertIn("Step ", r.stderr)
        self.assertIn("%]", r.stderr)

    def test_curl(self):
        r = subprocess.run(["curl", "-sk", "-u", "admin:" + ADMIN_PASSWORD, "-X", "POST", "-d", "",
                            "https://127.0.0.1:%d/api/invoke/GetEnvironmentInfo" % self.port],
                           capture_output=True, timeout=30)
        self.assertEqual(r.returncode, 0)
        self.assertTrue(r.stdout.startswith(b"\xef\xbb\xbf"))
        self.assertEqual(json.loads(r.stdout.decode("utf-8-sig"))["statusCode"], "succeeded")


if __name__ == "__main__":
    unittest.main()
