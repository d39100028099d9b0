"""Starts the real daemons of a single-server platform on free loopback ports
in a temporary directory, pairs them the way `./spe up` does, and offers a
small Management API client built on the Python standard library.

Used by the e2e tests and the benchmarks. Binaries come from $SPE_BIN.
"""
import base64
import hashlib
import json
import os
import shutil
import signal
import socket
import ssl
import subprocess
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request

BIN = os.environ.get("SPE_BIN") or os.path.join(
    os.path.dirname(__file__), "..", "..", "build", "release", "bin")
ADMIN_PASSWORD = "E2e-Admin-Pass1"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def free_ports(n):
    """`n` different free ports (free_port() alone may give the same port twice)."""
    ports = []
    while len(ports) < n:
        port = free_port()
        if port not in ports:
            ports.append(port)
    return ports


def wait_port(port, timeout=30.0, proc=None):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError("process exited with %s" % proc.returncode)
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("port %d did not open" % port)


def insecure_context():
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    return ctx


def wait_until(what, check, seconds=60, step=0.2):
    """check()'s first true value, asked every `step` s; fails naming `what` after `seconds`."""
    deadline = time.monotonic() + seconds
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError("%s did not happen within %d s" % (what, seconds))
        time.sleep(step)


def make_cert(directory, name):
    """A throw-away self-signed certificate made with the openssl CLI."""
    cert, key = os.path.join(directory, name + ".pem"), os.path.join(directory, name + ".key")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                    "-nodes", "-keyout", key, "-out", cert, "-days", "2", "-subj", "/CN=" + name],
                   check=True, capture_output=True)
    return cert, key


class ApiClient:
    """A small Management API client on the standard library; the class using
    it has `api_url`."""

    def request(self, path, fields=None, user="admin", password=ADMIN_PASSWORD, method="POST", headers=None):
        """One raw request; returns (status, headers, body bytes)."""
        data = urllib.parse.urlencode(fields or {}).encode() if method == "POST" else None
        req = urllib.request.Request(self.api_url + path, data=data, method=method)
        if user is not None:
            token = base64.b64encode(("%s:%s" % (user, password)).encode()).decode()
            req.add_header("Authorization", "Basic " + token)
        for k, v in (headers or {}).items():
            req.add_header(k, v)
        try:
            with urllib.request.urlopen(req, context=insecure_context(), timeout=60) as r:
                return r.status, dict(r.headers), r.read()
        except urllib.error.HTTPError as e:
            return e.code, dict(e.headers), e.read()

    def invoke(self, function, _user="admin", _password=ADMIN_PASSWORD, **args):
        """Invokes a function and returns the decoded envelope (HTTP 200 expected)."""
        args = {k: (json.dumps(v) if isinstance(v, (dict, list)) else
                    ("true" if v is True else "false" if v is False else str(v))) for k, v in args.items()}
        status, _, body = self.request("/api/invoke/" + function, args, _user, _password)
        if status != 200:
            raise AssertionError("HTTP %d for %s: %r" % (status, function, body[:300]))
        env = json.loads(body.decode("utf-8-sig"))
        while env["statusCode"] == "running":  # follow long-running calls
            status, _, body = self.request("/api/get-status", {
                "token": env["token"], "lastKnownStatusVersion": env["statusVersion"],
                "millisecondsTimeout": 5000}, _user, _password)
            if status != 200:
                raise AssertionError("HTTP %d polling %s" % (status, function))
            env = json.loads(body.decode("utf-8-sig"))
        return env

    def ok(self, function, **args):
        env = self.invoke(function, **args)
        if env["statusCode"] != "succeeded":
            raise AssertionError("%s failed: %s" % (function, env["error"]))
        return env["result"]


class Daemons:
    """The daemons a test started (self.procs: name -> Popen), each logging
    to <dir>/<name>.log (the class has path())."""

    def kill(self, name, sig=signal.SIGKILL):
        proc = self.procs.pop(name)
        proc.send_signal(sig)
        proc.wait(timeout=30)
        return proc.returncode

    def log(self, name):
        with open(self.path(name + ".log"), errors="replace") as f:
            return f.read()

    def stop_daemons(self):
        for name in list(self.procs):
            try:
                self.kill(name, signal.SIGTERM)
            except Exception:
                pass


class Platform(ApiClient, Daemons):
    """Management Server, Instance Host and CAS, paired, on free ports."""

    def __init__(self, with_roles=True, management_binary="spe-management", management_config=None,
                 instancehost_config=None, directory=None):
        """management_config, instancehost_config: keys added to management.json (e.g. a short
        statisticsIntervalSeconds) and instancehost.json (e.g. webRestoreServers). directory: the
        platform's directory, when it holds data already (test_upgrade); a new one otherwise."""
        self.BINARIES = dict(self.BINARIES, management=(management_binary, "api"))
        self.management_config = management_config or {}
        self.instancehost_config = instancehost_config or {}
        self.dir = directory or tempfile.mkdtemp(prefix="spe-e2e-")
        self.procs = {}
        try:
            self._set_up(with_roles)
        except BaseException:
            self.stop()  # what did start does not outlive the failure
            raise

    def _set_up(self, with_roles):
        # Instances run as their own users (spe-i-<id>) when the tests run as
        # root: they pass through (not list) this directory to theirs.
        os.chmod(self.dir, 0o711)
        self.ports = dict(zip(("api", "role", "host", "cas", "imap", "imaps", "https", "console",
                               "metrics_management", "metrics_instancehost", "metrics_cas"), free_ports(11)))
        self.conf = {}
        self._write("management", {
            "serverName": "127.0.0.1", "dataDirectory": self.path("management"),
            "listenAddress": "127.0.0.1", "apiPort": self.ports["api"], "rolePort": self.ports["role"],
            "consolePort": self.ports["console"], "metricsPort": self.ports["metrics_management"],
            "logLevel": "debug", **self.management_config})
        self.mgmt_thumbprint = self._thumbprint("spe-management", "management")
        self.base_directory = self.path("instances")
        os.makedirs(self.base_directory, exist_ok=True)
        mgmt = {"serverName": "127.0.0.1", "port": self.ports["role"], "thumbprint": self.mgmt_thumbprint}
        self._write("instancehost", {
            "serverName": "127.0.0.1", "dataDirectory": self.path("instancehost"), "listenAddress": "127.0.0.1",
            "port": self.ports["host"], "baseDirectory": self.base_directory, "managementServer": mgmt,
            "heartbeatSeconds": 1, "importDirectory": self.path("imports"),
            "metricsPort": self.ports["metrics_instancehost"],
            # Tests write the mail they import below source/ (see source_dir()).
            "allowedPathRoots": [self.path("source")], **self.instancehost_config})
        self._write("cas", {
            "serverName": "127.0.0.1", "dataDirectory": self.path("cas"), "listenAddress": "127.0.0.1",
            "port": self.ports["cas"], "managementServer": mgmt, "heartbeatSeconds": 1,
            "publicListenAddress": "127.0.0.1", "imapPort": self.ports["imap"], "imapsPort": self.ports["imaps"],
            "httpsPort": self.ports["https"], "metricsPort": self.ports["metrics_cas"]})
        self.host_thumbprint = self._thumbprint("spe-instancehost", "instancehost")
        self.cas_thumbprint = self._thumbprint("spe-cas", "cas")
        if with_roles:
            self._pair("instanceHost", self.ports["host"], self.host_thumbprint, self.base_directory)
            self._pair("clientAccessServer", self.ports["cas"], self.cas_thumbprint)
        self.start("management")
        if with_roles:
            self.start("instancehost")
            self.start("cas")

    @property
    def api_url(self):
        return "https://127.0.0.1:%d" % self.ports["api"]

    def metrics_url(self, role, path="metrics"):
        """https://127.0.0.1:<port>/<path> of a role's monitoring listener
        (role: management, instancehost or cas)."""
        return "https://127.0.0.1:%d/%s" % (self.ports["metrics_" + role], path)

    @property
    def web_url(self):
        return "https://127.0.0.1:%d" % self.ports["https"]

    def path(self, *parts):
        return os.path.join(self.dir, *parts)

    def source_dir(self, *parts):
        """A directory below source/, which every instance may import from
        (the host's allowedPathRoots); readable by the instances' users."""
        d = self.path("source", *parts)
        os.makedirs(d, exist_ok=True)
        return d

    def import_dir(self, iid):
        """The instance's own import directory (made by the host at start)."""
        return self.path("imports", iid)

    def socket(self, iid):
        """The instance's Unix socket, in the host's runtime directory."""
        return self.path("instancehost", "run", iid, "instance.sock")

    def _write(self, name, config):
        self.conf[name] = self.path(name + ".json")
        with open(self.conf[name], "w") as f:
            json.dump(config, f)

    def _thumbprint(self, binary, name):
        out = subprocess.run([os.path.join(BIN, binary), "--config", self.conf[name], "--show-thumbprint"],
                             check=True, capture_output=True, text=True)
        return out.stdout.strip()

    def _pair(self, server_type, port, thumbprint, base=None):
        cmd = [os.path.join(BIN, "spe-management"), "--config", self.conf["management"], "pair",
               "--server-type", server_type, "--server-name", "127.0.0.1", "--port", str(port),
               "--thumbprint", thumbprint]
        if base:
            cmd += ["--base-directory", base]
        subprocess.run(cmd, check=True, capture_output=True, env=dict(os.environ, SPE_ADMIN_PASSWORD=ADMIN_PASSWORD))

    BINARIES = {"management": ("spe-management", "api"), "instancehost": ("spe-instancehost", "host"),
                "cas": ("spe-cas", "cas")}

    def start(self, name):
        binary, port = self.BINARIES[name]
        log = open(self.path(name + ".log"), "ab")
        env = dict(os.environ, SPE_ADMIN_PASSWORD=ADMIN_PASSWORD)
        with log:
            proc = subprocess.Popen([os.path.join(BIN, binary), "--config", self.conf[name]],
                                    stdout=log, stderr=subprocess.STDOUT, env=env)
        self.procs[name] = proc
        wait_port(self.ports[port], proc=proc)
        return proc

    def reconfigure(self, name, **keys):
        """Restarts daemon `name` with `keys` set in its configuration file."""
        self.kill(name, signal.SIGTERM)
        with open(self.conf[name]) as f:
            conf = json.load(f)
        conf.update(keys)
        with open(self.conf[name], "w") as f:
            json.dump(conf, f)
        self.start(name)

    def stop(self):
        self.stop_daemons()
        if not os.environ.get("SPE_KEEP_TEST_DIRS"):  # set it to look at the daemons' logs afterwards
            shutil.rmtree(self.dir, ignore_errors=True)


class InstanceCalls:
    """ok() and failed() for a test case about one instance: the class sets
    `p` (a Platform) and `iid` (the instance ID), e.g. with start_platform()."""

    @classmethod
    def start_platform(cls):
        """A fresh platform with the class's instance created and running."""
        cls.p = Platform()
        cls.addClassCleanup(cls.p.stop)  # also when the rest of setUpClass fails (stop() may run twice)
        cls.p.ok("CreateInstance", config={"instanceID": cls.iid, "instanceHost": "127.0.0.1", "startMode": "manual"})
        cls.p.ok("StartInstances", instanceFilter=cls.iid)

    def ok(self, function, **args):
        return self.p.ok(function, instanceID=self.iid, **args)

    def failed(self, function, word, **args):
        env = self.p.invoke(function, instanceID=self.iid, **args)
        self.assertEqual(env["statusCode"], "failed", env)
        self.assertIn(word, env["error"]["message"])
        return env["error"]["message"]


def server_thumbprint(port):
    """SHA-256 of the DER certificate the server at `port` presents."""
    with socket.create_connection(("127.0.0.1", port)) as raw:
        with insecure_context().wrap_socket(raw) as s:
            return hashlib.sha256(s.getpeercert(binary_form=True)).hexdigest()


# ------------------------------------------------------------ Web Access over curl
def curl(*args, data=None, headers=()):
    """An HTTPS request with curl (certificates not checked): (status, {header: [values]}, body)."""
    cmd = ["curl", "-sk", "-i", "--max-time", "30", "--path-as-is"]
    for h in headers:
        cmd += ["-H", h]
    if data is not None:
        cmd += ["-H", "Content-Type: application/json", "--data-binary", json.dumps(data)]
    out = subprocess.run(cmd + list(args), capture_output=True, check=True).stdout
    head, _, body = out.partition(b"\r\n\r\n")
    while head.startswith(b"HTTP/1.1 100"):
        head, _, body = body.partition(b"\r\n\r\n")
    lines = head.decode().split("\r\n")
    status = int(lines[0].split()[1])
    hdrs = {}
    for line in lines[1:]:
        k, _, v = line.partition(":")
        hdrs.setdefault(k.strip().lower(), []).append(v.strip())
    return status, hdrs, body


class WebAccess:
    """Web Access of one instance through the CAS (curl): waits until the CAS
    routes to the instance (it learns instances from heartbeats), then logs
    in and calls the JSON API."""

    def __init__(self, platform, iid, seconds=60, source=None):
        """source: the client's address to send from (curl --interface)."""
        self.iid = iid
        self.base = platform.web_url
        self.source = ["--interface", source] if source else []
        deadline = time.time() + seconds
        while self.get("")[0] != 200:
            if time.time() > deadline:
                raise AssertionError("the CAS never routed to the instance %s" % iid)
            time.sleep(0.5)

    def url(self, path=""):
        return "%s/%s/%s" % (self.base, self.iid, path)

    def get(self, path):
        return curl(*self.source, self.url(path))

    def login(self, body):
        """A session {cookie, csrf} of a login that must succeed."""
        status, hdrs, raw = curl(*self.source, self.url("api/login"), data=body)
        assert status == 200, raw
        return {"cookie": hdrs["set-cookie"][0].split(";")[0], "csrf": json.loads(raw)["csrfToken"]}

    def call(self, session, op, body=None):
        """(status, JSON answer) of an operation in a session."""
        status, _, raw = curl(*self.source, self.url("api/" + op), data=body if body is not None else {},
                              headers=["Cookie: " + session["cookie"], "X-CSRF-Token: " + session["csrf"]])
        return status, json.loads(raw)


# ------------------------------------------------------------ browser scenarios
BROWSER_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "browser")


def run_browser_scenario(script, args, artifacts, timeout=900):
    """Runs browser/<script> with Node.js (Playwright driving Debian's
    Chromium) on `args`, with `shots` set to `artifacts` (emptied first).
    Returns the JSON object of its last output line, also kept as
    <artifacts>/result.json."""
    shutil.rmtree(artifacts, ignore_errors=True)
    os.makedirs(artifacts)
    out = subprocess.run(["node", os.path.join(BROWSER_DIR, script), json.dumps(dict(args, shots=artifacts))],
                         capture_output=True, text=True, timeout=timeout)
    if out.returncode != 0:
        raise AssertionError("%s failed: %s" % (script, out.stderr[-3000:]))
    result = json.loads(out.stdout.strip().splitlines()[-1])
    with open(os.path.join(artifacts, "result.json"), "w") as f:
        json.dump(result, f, indent=1)
    return result


def assert_walked_clean(test, result, artifacts, min_views):
    """A scenario's result: it ran to the end, every check held, axe-core
    found no violation on any of at least `min_views` views, and every
    screenshot has content."""
    test.assertTrue(result.get("ok"), result.get("error"))
    failed = {name: value for name, value in result["checks"].items() if value is not True}
    test.assertEqual(failed, {})
    test.assertEqual({view: v for view, v in result["axe"].items() if v}, {})  # no violation on any view
    test.assertGreaterEqual(len(result["axe"]), min_views)
    for name in result["shots"]:
        test.assertGreater(os.path.getsize(os.path.join(artifacts, name)), 5000, name)

