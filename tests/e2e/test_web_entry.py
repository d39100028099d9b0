"""Coming into Web Access (issue 17): a stopped archive says so in words
the end user can act on, and CreateClientOneTimeUrlForArchiveAdmin without
instanceUrl makes a URL that works (the CAS's public name and Web Access
port, from the first CAS by name that serves Web Access)."""
import json
import os
import signal
import subprocess
import time
import unittest
import urllib.error
import urllib.request

from harness import BIN, Platform, free_port, insecure_context

STOPPED = "This archive is stopped. Ask your provider."


def request(url, body=None):
    """(status, parsed JSON or raw bytes) of a GET, or of a POST with a JSON body."""
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(url, data=data, method="GET" if body is None else "POST")
    if body is not None:
        req.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(req, context=insecure_context(), timeout=30) as r:
            status, raw, kind = r.status, r.read(), r.headers.get("Content-Type", "")
    except urllib.error.HTTPError as e:
        status, raw, kind = e.code, e.read(), e.headers.get("Content-Type", "")
    return status, json.loads(raw) if kind.startswith("application/json") else raw


class WebEntryTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.p = p = Platform()
        cls.addClassCleanup(p.stop)
        cls.web = "https://127.0.0.1:%d" % p.ports["https"]
        for iid in ("open1", "shut1"):
            p.ok("CreateInstance", config={"instanceID": iid, "instanceHost": "127.0.0.1", "startMode": "manual"})
        p.ok("StartInstances", instanceFilter="open1")

    def test_a_stopped_archive_says_so(self):
        # Never started, and stopped after running: the same words, for every request.
        for stop in (False, True):
            if stop:
                self.p.ok("StartInstances", instanceFilter="shut1")
                self.assertEqual(request(self.web + "/shut1/api/session", {})[0], 401)  # running: no session yet
                self.p.ok("StopInstances", instanceFilter="shut1")
            self.assertEqual(request(self.web + "/shut1/")[0], 200)  # the application, which shows the words
            for op, body in (("session", {}), ("login", {"userName": "amy", "password": "x"})):
                status, answer = request(self.web + "/shut1/api/" + op, body)
                self.assertEqual((status, answer), (503, {"error": STOPPED, "code": "archiveStopped"}), (stop, op))
        # A running archive is not "stopped"; an unknown one is not found.
        self.assertEqual(request(self.web + "/open1/api/session", {})[0], 401)
        self.assertEqual(request(self.web + "/nosuch/api/session", {})[0], 404)
        # The application shows a server error's words when it starts (e.g. this one).
        with open(os.path.join(os.path.dirname(BIN.rstrip("/")), "share", "web", "session.js")) as f:
            self.assertIn('showLogin(e.status >= 500 ? e.message : "")', f.read())

    def one_time_url(self):
        url = self.p.ok("CreateClientOneTimeUrlForArchiveAdmin", instanceID="open1")
        base, _, otp = url.partition("/#archiveadmin=")
        self.assertRegex(otp, r"^[0-9a-f]{64}$")
        return base, otp

    def check_url_works(self, base, otp):
        local = base.replace("://localhost:", "://127.0.0.1:")  # the test resolves the public name itself
        self.assertEqual(request(local + "/")[0], 200)
        # A CAS paired a moment ago reaches the Instance Host once the host has heard of it (its next
        # heartbeat answer, 1 s here): until then its requests end in 503.
        deadline = time.time() + 15
        while request(local + "/api/session", {})[0] == 503 and time.time() < deadline:
            time.sleep(0.2)
        status, answer = request(local + "/api/login", {"oneTimePassword": otp})
        self.assertEqual(status, 200, answer)
        self.assertEqual(answer["userName"], "$archiveadmin")

    def test_one_time_url_without_instance_url_works(self):
        # One CAS: its name (publicHostName defaults to serverName) and its Web Access port.
        base, otp = self.one_time_url()
        self.assertEqual(base, "https://127.0.0.1:%d/open1" % self.p.ports["https"])
        self.check_url_works(base, otp)
        # The first CAS by name that serves Web Access: 127.0.0.1 without Web Access is passed over
        # for 127.0.0.2, whose public name is localhost.
        p = self.p
        with open(p.conf["cas"]) as f:
            conf = json.load(f)
        p.kill("cas", signal.SIGTERM)
        conf["httpsPort"] = -1
        p._write("cas", conf)
        p.BINARIES["cas"] = ("spe-cas", "imaps")
        p.start("cas")
        role_port, https = free_port(), free_port()
        p._write("cas2", {
            "serverName": "127.0.0.2", "dataDirectory": p.path("cas2"), "listenAddress": "127.0.0.2",
            "port": role_port, "managementServer": {"serverName": "127.0.0.1", "port": p.ports["role"],
                                                    "thumbprint": p.mgmt_thumbprint},
            "publicListenAddress": "127.0.0.1", "publicHostName": "localhost", "imapPort": -1, "imapsPort": -1,
            "httpsPort": https})
        tp = subprocess.run([os.path.join(BIN, "spe-cas"), "--config", p.conf["cas2"], "--show-thumbprint"],
                            check=True, capture_output=True, text=True, timeout=60).stdout.strip()
        p.ok("CreateClientAccessServer", config={"serverName": "127.0.0.2", "port": role_port,
                                                "serverCertificate": {"thumbprint": tp}})
        p.BINARIES["cas2"] = ("spe-cas", "cas2-https")
        p.ports["cas2-https"] = https
        p.start("cas2")
        base, otp = self.one_time_url()
        self.assertEqual(base, "https://localhost:%d/open1" % https)
        self.check_url_works(base, otp)
        # No CAS serves Web Access: the error says what to do.
        p.kill("cas2", signal.SIGTERM)
        env = p.invoke("CreateClientOneTimeUrlForArchiveAdmin", instanceID="open1")
        self.assertEqual(env["statusCode"], "failed")
        self.assertIn("give 'instanceUrl'", env["error"]["message"])
        self.assertIn("127.0.0.1: no Web Access", env["error"]["message"])


if __name__ == "__main__":
    unittest.main()
