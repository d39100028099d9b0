"""Hostile input against the real daemons (issue 15): every Web Access
operation gets each field as every wrong JSON type, bodies that are not
objects and JSON nested far too deep (within the 64 KiB body limit); the Management API forwards a deeply
nested argument towards an instance; user names and function names carrying
CR, LF and NUL try to forge log lines. Each instance process must live
through all of it (its processUniqueID stays the same), every answer must be
a 4xx naming the field, and no log line may be forged or unbounded."""
import glob
import json
import os
import re
import socket
import ssl
import subprocess
import time
import unittest

from harness import Platform

PASSWORD = "Corr3ct-Horse-Battery"
FORGED = "FORGED-LINE-MARK"
# One of each JSON type but the right one is tried for every field.
WRONG_TYPES = {
    "string": [5, -1, 1.5, True, [], ["x"], {}, {"a": 1}, 18446744073709551616],
    "integer": ["7", "", 1.5, -1e300, True, [], {}, 18446744073709551616, -9223372036854775809],
}
# Every operation of the Web Access back end with the fields it reads.
OPERATIONS = {
    "login": {"userName": "string", "password": "string", "oneTimePassword": "string"},
    "session": {},
    "folders": {},
    "search": {"query": "string", "folder": "string", "after": "string", "before": "string", "sort": "string",
               "offset": "integer", "limit": "integer", "zoneOffsetSeconds": "integer"},
    "message": {"storeID": "integer", "messageID": "integer"},
    "download": {"storeID": "integer", "messageID": "integer"},
    "attachment": {"storeID": "integer", "messageID": "integer", "index": "integer"},
    "logout": {},
}


def https(url, body=None, raw=None, headers=(), method="POST"):
    """One request with curl; returns (status, body bytes)."""
    cmd = ["curl", "-sk", "-o", "-", "-w", "\n%{http_code}", "--max-time", "60", "-X", method]
    for h in headers:
        cmd += ["-H", h]
    if raw is not None or body is not None:
        data = raw if raw is not None else json.dumps(body).encode()
        cmd += ["-H", "Content-Type: application/json", "--data-binary", "@-"]
    else:
        data = b""
    out = subprocess.run(cmd + [url], input=data, capture_output=True, check=True).stdout
    payload, _, code = out.rpartition(b"\n")
    return int(code), payload


class HostileInputTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.p = Platform()
        cls.p.ok("CreateInstance", config={"instanceID": "acme", "instanceHost": "127.0.0.1", "startMode": "manual"})
        cls.p.ok("StartInstances", instanceFilter="acme")
        cls.p.ok("CreateUser", instanceID="acme", userName="alice", privileges="none", password=PASSWORD,
                 loginPrivileges="web,imap")
        cls.base = "https://127.0.0.1:%d/acme" % cls.p.ports["https"]
        deadline = time.time() + 30
        while https(cls.base + "/", method="GET")[0] != 200:  # the CAS learns instances from heartbeats
            if time.time() > deadline:
                raise AssertionError("the CAS never routed to the instance")
            time.sleep(0.5)
        cls.process = cls.process_id()

    @classmethod
    def tearDownClass(cls):
        cls.p.stop()

    @classmethod
    def process_id(cls):
        return cls.p.ok("GetInstanceProcessLiveStatistics", instanceID="acme")["processUniqueID"]

    def login(self):
        out = subprocess.run(["curl", "-sk", "-i", "--max-time", "30", "-H", "Content-Type: application/json",
                              "--data-binary", json.dumps({"userName": "alice", "password": PASSWORD}),
                              self.base + "/api/login"], capture_output=True, check=True).stdout
        head, _, body = out.partition(b"\r\n\r\n")
        self.assertIn(b" 200 ", head.split(b"\r\n")[0], body)
        cookie = re.search(rb"spe_session=([0-9a-f]+)", head).group(1).decode()
        return ["Cookie: spe_session=" + cookie, "X-CSRF-Token: " + json.loads(body)["csrfToken"]]

    def assert_instance_lives(self):
        self.assertEqual(self.process_id(), self.process, "the instance process was restarted")

    def test_01_every_field_of_every_operation_as_every_wrong_type(self):
        headers = self.login()
        tried = 0
        for op, fields in OPERATIONS.items():
            for field, kind in fields.items():
                for wrong in WRONG_TYPES[kind]:
                    status, body = https(self.base + "/api/" + op, {field: wrong}, headers=headers)
                    tried += 1
                    self.assertTrue(400 <= status < 500, (op, field, wrong, status, body))
                    if status == 400:
                        self.assertIn(field.encode(), body, (op, field, wrong, body))
            if op == "logout":
                continue
            for body in (b"[]", b"\"x\"", b"5", b"null", b"{\"a\":" * 12000, b"[" * 60000, b"{\"body\":",
                         b"{\"limit\":1e400}", b"{\"userName\":\"\\ud800\"}"):
                status, _ = https(self.base + "/api/" + op, raw=body, headers=headers)
                tried += 1
                self.assertTrue(400 <= status < 500, (op, body[:20], status))
        self.assertGreater(tried, 100)
        self.assert_instance_lives()
        # Wrong numbers in the query of a download.
        for query in ("storeID=99999999999999999999&messageID=1", "storeID=1&messageID=-5", "storeID=x"):
            status, _ = https(self.base + "/api/download?" + query, headers=headers, method="GET")
            self.assertTrue(400 <= status < 500, (query, status))
        # The real user is still served.
        status, body = https(self.base + "/api/folders", {}, headers=self.login())
        self.assertEqual(status, 200, body)
        self.assert_instance_lives()

    def test_02_deep_json_arguments_never_reach_a_host(self):
        deep = "[" * 50000 + "]" * 50000
        for function, args in (("RunTemporaryProfile", {"instanceID": "acme", "raw": "true", "properties": deep}),
                               ("SetIndexConfiguration", {"instanceID": "acme", "config": deep}),
                               ("SetIndexConfiguration", {"instanceID": "acme", "config": '{"a":1e400}'})):
            status, _, body = self.p.request("/api/invoke/" + function, args)
            self.assertEqual(status, 200)
            envelope = json.loads(body.decode("utf-8-sig"))
            self.assertEqual(envelope["statusCode"], "failed", envelope)
            self.assertRegex(envelope["error"]["message"], "deeper than|not valid JSON")
        # An RPC frame nested too deep is refused too (the CAS's own role port
        # takes frames from the Management Server only, so try the API body).
        status, _, _ = self.p.request("/api/invoke/GetServiceStatus", {"x": deep})
        self.assertLess(status, 500)
        self.assertTrue(self.p.ok("GetServiceStatus")["serverInfos"])
        self.assert_instance_lives()

    def test_03_log_lines_cannot_be_forged(self):
        forged = "x\r\n2026-12-06 10:00:00.000 info  [cas.web] " + FORGED + "\x00\x1b[31m" + "y" * 100000
        https(self.base + "/api/login", {"userName": forged, "password": "wrong-" + forged})
        https(self.base + "/api/login", {"userName": "alice\n" + FORGED, "password": "wrong"})
        self.p.request("/api/invoke/No%0d%0a" + FORGED, {})
        self.p.request("/api/invoke/GetServiceStatus", {}, user="ad\r\n" + FORGED, password="x")
        self.p.invoke("CreateUser", instanceID="acme", userName="bob\r\n" + FORGED, password=PASSWORD)
        self.p.invoke("GetUserInfo", instanceID="acme", userName="bob\n" + FORGED + "\x00")
        # IMAP: a literal user name with CR LF inside.
        ctx = ssl.create_default_context()
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
        with socket.create_connection(("127.0.0.1", self.p.ports["imaps"]), timeout=30) as raw:
            with ctx.wrap_socket(raw) as s:
                s.recv(4096)
                user = ("acme/al\r\n" + FORGED).encode()
                s.sendall(b"a LOGIN {%d}\r\n" % len(user))
                s.recv(4096)
                s.sendall(user + b" wrong\r\n")
                s.settimeout(60)
                s.recv(4096)
        self.assert_instance_lives()
        for role in ("management", "instancehost", "cas"):
            with open(self.p.path(role + ".log"), "rb") as f:
                log = f.read()
            self.assertNotIn(b"\x00", log, role)
            self.assertNotIn(b"\x1b[31m", log, role)
            for line in log.split(b"\n"):
                self.assertLess(len(line), 10000, (role, line[:200]))
                text = line.decode("utf-8", "replace")
                self.assertFalse(text.startswith(FORGED) or text.startswith("2026-12-06 10:00:00.000"),
                                 (role, text[:200]))
                self.assertFalse(text.lstrip("\r").startswith(FORGED), (role, text[:200]))
                if FORGED in text:
                    self.assertRegex(text, r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} ", (role, text[:200]))
        # The instance's own lines reach the host's log too: the CreateUser and GetUserInfo calls above.
        with open(self.p.path("instancehost.log"), "rb") as f:
            self.assertIn(FORGED.encode(), f.read())

    # ------------------------------------------------------------ RPC
    RPC_FIELDS = ("function", "operationId", "args", "caller", "query", "userName", "password", "offset", "limit",
                  "sort", "zoneOffsetSeconds", "request", "event", "details", "service", "timeoutMilliseconds", "op",
                  "body", "session", "csrf", "clientAddress", "instanceID", "instanceIDs", "method", "params", "path",
                  "safeMode", "instances", "instancesVersion", "routesVersion", "serverType", "files")
    RPC_WRONG = (5, -1, 1.5, True, [], [5], {}, {"a": [1]}, "x", 18446744073709551616)

    @staticmethod
    def rpc_exchange(sock, frames):
        """Sends frames (dicts or raw bytes) and reads one answer per frame."""
        answers = []
        buf = b""
        for frame in frames:
            payload = frame if isinstance(frame, bytes) else json.dumps(frame).encode()
            sock.sendall(len(payload).to_bytes(4, "big") + payload)
            while True:
                if len(buf) >= 4 and len(buf) >= 4 + int.from_bytes(buf[:4], "big"):
                    n = int.from_bytes(buf[:4], "big")
                    answer = json.loads(buf[4:4 + n])
                    buf = buf[4 + n:]
                    if "progress" in answer:
                        continue
                    answers.append(answer)
                    break
                chunk = sock.recv(65536)
                if not chunk:
                    raise AssertionError("the peer closed the connection after %r" % (payload[:200],))
                buf += chunk
        return answers

    def hostile_frames(self, methods):
        frames = []
        for method in methods:
            for field in self.RPC_FIELDS:
                for wrong in self.RPC_WRONG:
                    frames.append({"id": len(frames), "method": method, "params": {field: wrong}})
            for params in (5, "x", [], [1, 2], True):
                frames.append({"id": len(frames), "method": method, "params": params})
        frames += [{"id": "x", "method": 5}, {"id": [], "method": None}, {"method": "ping", "id": {"a": 1}},
                   b"[]", b"5", b"{\"id\":1,\"method\":\"ping\",\"params\":{\"a\":1e400}}",
                   b"{\"id\":1,\"method\":\"ping\",\"params\":" + b"[" * 1000 + b"]" * 1000 + b"}"]
        return frames

    def test_04_every_rpc_method_with_every_field_as_every_wrong_type(self):
        # The instance's own socket (as its host talks to it).
        sockets = glob.glob(self.p.path("instancehost", "**", "*.sock"), recursive=True)
        self.assertTrue(sockets, "no instance socket")
        instance_methods = ("ping", "statistics", "api", "search", "web", "archiveAdmin.oneTimePassword",
                            "indexStatus", "cancel", "liveStatistics", "audit", "auditLog", "freeze", "nosuch")
        with socket.socket(socket.AF_UNIX) as s:
            s.settimeout(120)
            s.connect(sockets[0])
            frames = self.hostile_frames(instance_methods)
            answers = self.rpc_exchange(s, frames)
            self.assertEqual(len(answers), len(frames))
            # Whatever froze the instance (a freeze whose only field was of no concern) is undone.
            self.rpc_exchange(s, [{"id": "t", "method": "thaw", "params": {}}])
        with socket.socket(socket.AF_UNIX) as s:  # a stream for a service of the wrong type
            s.settimeout(60)
            s.connect(sockets[0])
            answer = self.rpc_exchange(s, [{"id": 1, "method": "stream.open", "params": {"service": ["imap"]}}])[0]
            self.assertIn("error", answer)
        self.assert_instance_lives()
        # The host's role port, as the Management Server (its pinned certificate).
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
        ctx.load_cert_chain(self.p.path("management", "tls", "cert.pem"), self.p.path("management", "tls", "key.pem"))
        # Methods that act on every instance when given none are left out (stop, restart, freeze, sync).
        host_methods = ("listDirectories", "createDirectory", "resolvePath", "instances.status",
                        "instances.start", "instances.thaw", "instance.call", "ping", "nosuch")
        for port, methods in ((self.p.ports["host"], host_methods), (self.p.ports["cas"], ("ping", "nosuch"))):
            with socket.create_connection(("127.0.0.1", port), timeout=120) as raw:
                with ctx.wrap_socket(raw) as s:
                    frames = self.hostile_frames(methods)
                    self.assertEqual(len(self.rpc_exchange(s, frames)), len(frames))
        # The Management Server's role port, as the paired host and as the paired CAS.
        for role in ("instancehost", "cas"):
            peer = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
            peer.check_hostname = False
            peer.verify_mode = ssl.CERT_NONE
            peer.load_cert_chain(self.p.path(role, "tls", "cert.pem"), self.p.path(role, "tls", "key.pem"))
            with socket.create_connection(("127.0.0.1", self.p.ports["role"]), timeout=120) as raw:
                with peer.wrap_socket(raw) as s:
                    frames = self.hostile_frames(("heartbeat", "ping", "nosuch"))
                    self.assertEqual(len(self.rpc_exchange(s, frames)), len(frames))
        self.assert_instance_lives()
        self.assertTrue(all(i["active"] for i in self.p.ok("GetServiceStatus")["serverInfos"]))
        status, body = https(self.base + "/api/folders", {}, headers=self.login())
        self.assertEqual(status, 200, body)

    def test_05_names_that_are_not_utf8_never_end_a_process(self):
        # Folder and file names are bytes: a Latin-1 folder name reaches the
        # run's report and the RPC answer, which must still be written.
        root = self.p.source_dir("latin1")
        folder = os.path.join(os.fsencode(root), b"Caf\xe9 \xff")
        os.makedirs(folder)
        with open(os.path.join(folder, b"m\xe4il.eml"), "wb") as f:
            f.write(b"From: a@example.com\r\nTo: alice@example.org\r\nSubject: latin1 folder\r\n"
                    b"Message-ID: <latin1@example.com>\r\n\r\nbody\r\n")
        with open(os.path.join(folder, b"broken.eml"), "wb") as f:
            f.write(b"")  # an empty file: archived with a warning naming it
        envelope = self.p.invoke("RunTemporaryProfile", instanceID="acme", raw="true", properties=json.dumps({
            "name": "latin1", "connector": "emlDirectory", "details": {"path": root, "targetUserFolder": "alice"}}))
        self.assertEqual(envelope["statusCode"], "succeeded", envelope)
        # Both are archived (the empty one with a warning), under the folder name read as Windows-1252.
        self.assertEqual((envelope["result"]["itemsArchived"], envelope["result"]["failed"]), (2, 0), envelope)
        report = self.p.ok("GetWorkerResultReport", instanceID="acme", id=envelope["result"]["workerResultId"])
        self.assertIn("alice/Caf\u00e9 \u00ff", report["report"]["folders"], report)
        self.assert_instance_lives()
        self.assertEqual(self.p.ok("GetServiceStatus")["serverInfos"][1]["active"], True)


if __name__ == "__main__":
    unittest.main()
