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
    def cli(self, *args, thumbprint="*", password=ADMIN_PASSWORD, columns=None):
        return self.cli_raw("-s", "127.0.0.1:%d" % self.port, "-u", "admin", "-p", password, "-t", thumbprint,
                            *args, columns=columns)

    @staticmethod
    def cli_raw(*args, columns=None):
        env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "SPE_CLI_PASSWORD")}
        if columns is not None:
            env["COLUMNS"] = str(columns)
        return subprocess.run([os.path.join(BIN, "spe-cli")] + list(args), capture_output=True, text=True,
                              timeout=120, env=env)

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

    def test_cli_help_without_a_server(self):
        r = self.cli_raw("--help")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stderr, "")
        for word in ("-s host[:port]", "-u user", "-p password", "-t thumbprint|*", "-c Function", "--name=value",
                     "--list", "--output json|table", "-h, --help", "SPE_CLI_PASSWORD", "COLUMNS", "Examples:",
                     "Exit codes:"):
            self.assertIn(word, r.stdout)
        self.assertEqual(self.cli_raw("-h").stdout, r.stdout)
        none = self.cli_raw()
        self.assertEqual((none.returncode, none.stdout), (0, r.stdout))

    def test_cli_list_shows_every_function_sorted_with_its_arguments(self):
        r = self.cli("--list")
        self.assertEqual(r.returncode, 0, r.stderr)
        lines = r.stdout.splitlines()
        names = [line.split()[0] for line in lines]
        self.assertEqual(names, sorted(names))
        metadata = WrapperStyleClient(self.port, "admin", ADMIN_PASSWORD).get_metadata()
        self.assertEqual(set(names), {f["name"] for f in metadata})
        self.assertEqual(len(names), len(metadata))
        self.assertIn("TestLongRunning", names)
        line = {line.split()[0]: line for line in lines}
        self.assertRegex(line["TestLongRunning"], r"^TestLongRunning +\[--steps=<number>\] \[--stepMilliseconds=<number>\]$")
        self.assertRegex(line["DeleteSystemAdministrator"], r"^DeleteSystemAdministrator +--userName=<string>$")
        self.assertEqual(line["GetEnvironmentInfo"], "GetEnvironmentInfo")
        r = self.cli("--list", password="wrong")
        self.assertEqual(r.returncode, 1)
        self.assertIn("401", r.stderr)

    def test_cli_function_help(self):
        r = self.cli("-c", "TestLongRunning", "--help")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertRegex(r.stdout, r"(?m)^steps +number +optional$")
        self.assertRegex(r.stdout, r"(?m)^stepMilliseconds +number +optional$")
        self.assertIn("-c TestLongRunning [--steps=<number>] [--stepMilliseconds=<number>]", r.stdout)
        r = self.cli("-c", "DeleteSystemAdministrator", "--help")
        self.assertRegex(r.stdout, r"(?m)^userName +string +required$")
        r = self.cli("-c", "GetEnvironmentInfo", "--help")
        self.assertIn("Arguments: none", r.stdout)
        r = self.cli("-c", "getenvironmentinfo", "--help")
        self.assertEqual(r.returncode, 1)
        self.assertIn("did you mean 'GetEnvironmentInfo'?", r.stderr)
        r = self.cli("-c", "NoSuchFunction", "--help")
        self.assertEqual(r.returncode, 1)
        self.assertIn("The server offers no function 'NoSuchFunction'", r.stderr)

    def test_cli_table_output(self):
        r = self.cli("-c", "GetSystemAdministrators", "--output", "table")  # a list of objects
        self.assertEqual(r.returncode, 0, r.stderr)
        lines = r.stdout.splitlines()
        self.assertRegex(lines[0], r"^userName +fullName +emailAddress +mfaStatus$")
        self.assertRegex(lines[1], r"^-+  -+  -+  -+$")
        self.assertTrue(any(line.startswith("admin ") for line in lines[2:]), r.stdout)
        narrow = self.cli("-c", "GetSystemAdministrators", "--output=table", columns=30)
        self.assertEqual(narrow.returncode, 0, narrow.stderr)
        self.assertTrue(all(len(line) <= 30 for line in narrow.stdout.splitlines()), narrow.stdout)
        self.assertIn("\u2026", narrow.stdout)
        r = self.cli("-c", "GetEnvironmentInfo", "--output", "table")  # an object
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertRegex(r.stdout, r"(?m)^userName +admin$")
        self.assertNotIn('"statusCode"', r.stdout)
        r = self.cli("-c", "TestLongRunning", "--steps=3", "--stepMilliseconds=150", "--output", "table")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout, "steps  3\n")
        self.assertIn("Step ", r.stderr)  # progress and the log stay on stderr
        self.assertIn("done", r.stderr)
        r = self.cli("-c", "DeleteSystemAdministrator", "--userName=ghost", "--output", "table")
        self.assertEqual((r.returncode, r.stdout), (1, ""))
        self.assertIn("spe-cli: DeleteSystemAdministrator failed: ", r.stderr)

    def test_cli_unknown_function_names_the_servers_reason(self):
        r = self.cli("-c", "NoSuchFunction")
        self.assertEqual(r.returncode, 1)
        self.assertIn("HTTP 404: Unknown function 'NoSuchFunction'.", r.stderr)

    def test_cli_usage_errors(self):
        server = ["-s", "127.0.0.1:%d" % self.port, "-u", "admin", "-p", ADMIN_PASSWORD]
        cases = [
            (["-x"], "unknown option '-x'"),
            (["-c"], "-c needs a function name"),
            (server + ["-c", "--help"], "-c needs a function name, not the option '--help'"),
            (server + ["-c", "../GetUsers"], "-c: '../GetUsers' is not a function name"),
            (server + ["-c", "Ping", "--output", "xml"], "--output must be json or table, not 'xml'"),
            (server + ["-c", "Ping", "--output"], "--output needs a value: json or table"),
            (server + ["-c", "Ping", "--name"], "--name needs a value"),
            (server + ["-c", "Ping", "stray"], "unexpected argument 'stray'"),
            (server + ["--list", "-c", "Ping"], "--list and -c cannot be combined"),
            (server + ["--x=1"], "the function argument '--x' needs -c Function"),
            (server, "-c Function, --list or --help is required"),
            (["-c", "Ping"], "-u user is required"),
            (["-s", "127.0.0.1:99999", "-u", "admin", "-c", "Ping"], "-s: the port in '127.0.0.1:99999' is not within"),
            (["-t", "zz", "-u", "admin", "-c", "Ping"], "-t must be * or the server certificate's SHA-256 thumbprint"),
        ]
        for args, message in cases:
            with self.subTest(args=args):
                r = self.cli_raw(*args)
                self.assertEqual(r.returncode, 2, r.stderr)
                self.assertEqual(r.stdout, "")
                lines = r.stderr.splitlines()
                self.assertTrue(lines[0].startswith("spe-cli: " + message), lines[0])
                self.assertIn("spe-cli --help", lines[-1])

    def test_curl(self):
        r = subprocess.run(["curl", "-sk", "-u", "admin:" + ADMIN_PASSWORD, "-X", "POST", "-d", "",
                            "https://127.0.0.1:%d/api/invoke/GetEnvironmentInfo" % self.port],
                           capture_output=True, timeout=30)
        self.assertEqual(r.returncode, 0)
        self.assertTrue(r.stdout.startswith(b"\xef\xbb\xbf"))
        self.assertEqual(json.loads(r.stdout.decode("utf-8-sig"))["statusCode"], "succeeded")


if __name__ == "__main__":
    unittest.main()
