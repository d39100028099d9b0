"""Web Access downloads of any size and many users at once, with real
processes (CAS -> Instance Host -> instance) and curl: messages of 13, 60
and 150 MB come back byte-identical as .eml and their attachments decoded,
streamed in pieces (the CAS's memory stays flat: its peak is printed and
checked); 200 logged-in sessions searching and downloading at the same
time are all answered."""
import base64
import hashlib
import http.client
import json
import os
import random
import socket
import ssl
import struct
import subprocess
import threading
import time
import unittest

from harness import Platform

PASSWORD = "Corr3ct-Horse-Battery"
IID = "bigmail"
SIZES_MB = (13, 60, 150)
SESSIONS = 200
USERS = 20  # logins of one user name are checked one at a time


def big_message(mb, seed):
    """A message with a text part and one attachment of random bytes, about `mb` MB as sent."""
    rng = random.Random(seed)
    attachment = rng.randbytes(int(mb * 1e6 * 3 / 4))
    encoded = base64.encodebytes(attachment).replace(b"\n", b"\r\n")
    head = ("From: Big Sender <big@example.com>\r\nTo: alice@example.org\r\nSubject: Big %d MB\r\n"
            "Date: Mon, 5 Feb 2024 10:00:00 +0100\r\nMessage-ID: <big%d@example.com>\r\nMIME-Version: 1.0\r\n"
            "Content-Type: multipart/mixed; boundary=\"BIG\"\r\n\r\n--BIG\r\n"
            "Content-Type: text/plain; charset=us-ascii\r\n\r\nThe %d MB message.\r\n--BIG\r\n"
            "Content-Type: application/octet-stream; name=\"big%d.bin\"\r\n"
            "Content-Disposition: attachment; filename=\"big%d.bin\"\r\n"
            "Content-Transfer-Encoding: base64\r\n\r\n" % (mb, mb, mb, mb, mb)).encode()
    return head + encoded + b"--BIG--\r\n", attachment


def rss_kb(pid, field="VmRSS"):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


class Sampler:
    """Samples the resident memory of some processes until stopped; keeps the peak."""

    def __init__(self, pids):
        self.pids, self.peak, self.stop_flag = pids, {p: 0 for p in pids}, threading.Event()
        self.thread = threading.Thread(target=self.run)
        self.thread.start()

    def run(self):
        while not self.stop_flag.is_set():
            for p in self.pids:
                self.peak[p] = max(self.peak[p], rss_kb(p))
            self.stop_flag.wait(0.02)

    def stop(self):
        self.stop_flag.set()
        self.thread.join()
        return self.peak


class InstanceWebStream:
    """A web stream on the instance's own socket, as the CAS opens one (through the host)."""

    def __init__(self, path):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(120)
        self.sock.connect(path)
        self.next_id = 1
        opened = self._exchange({"method": "stream.open", "params": {"service": "web"}})
        assert "result" in opened, opened

    def _frame(self):
        head = self._read(4)
        return json.loads(self._read(struct.unpack(">I", head)[0]))

    def _read(self, n):
        data = b""
        while len(data) < n:
            chunk = self.sock.recv(n - len(data))
            assert chunk, "the instance closed the stream"
            data += chunk
        return data

    def _exchange(self, frame):
        frame["id"] = self.next_id
        self.next_id += 1
        body = json.dumps(frame).encode()
        self.sock.sendall(struct.pack(">I", len(body)) + body)
        return self._frame()

    def call(self, request):
        answer = self._exchange({"method": "web", "params": request})
        assert "result" in answer, answer
        return answer["result"]

    def close(self):
        self.sock.close()


class Session:
    """One logged-in Web Access session on one keep-alive connection."""

    def __init__(self, port, user, instance=IID, password=PASSWORD):
        self.instance = instance
        ctx = ssl.create_default_context()
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
        self.conn = http.client.HTTPSConnection("127.0.0.1", port, context=ctx, timeout=120)
        self.cookie = self.csrf = None
        deadline = time.time() + 180
        while True:
            status, headers, body = self.request("POST", "login", {"userName": user, "password": password})
            if status == 200:
                break
            assert status in (429, 503) and time.time() < deadline, (status, body)
            time.sleep(0.2)  # another login of the same name is being checked
        self.cookie = headers["set-cookie"].split(";")[0]
        self.csrf = json.loads(body)["csrfToken"]

    def request(self, method, op, body=None):
        headers = {"Content-Type": "application/json"}
        if self.cookie:
            headers.update({"Cookie": self.cookie, "X-CSRF-Token": self.csrf})
        self.conn.request(method, "/%s/api/%s" % (self.instance, op), body=json.dumps(body) if body is not None else None,
                          headers=headers)
        res = self.conn.getresponse()
        return res.status, {k.lower(): v for k, v in res.getheaders()}, res.read()

    def post(self, op, body):
        status, _, data = self.request("POST", op, body)
        assert status == 200, (op, status, data[:300])
        return json.loads(data)

    def download(self, store_id, message_id):
        status, _, data = self.request("GET", "download?storeID=%d&messageID=%d&csrf=%s" % (
            store_id, message_id, self.csrf))
        assert status == 200, (status, data[:300])
        return data


class WebDownloadsTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.p = Platform()
        cls.p.ok("CreateInstance", config={"instanceID": IID, "instanceHost": "127.0.0.1", "startMode": "manual"})
        cls.p.ok("StartInstances", instanceFilter=IID)
        src = cls.p.path("source", "alice", "Inbox")
        os.makedirs(src)
        cls.big = {}
        for mb in SIZES_MB:
            raw, attachment = big_message(mb, mb)
            with open(os.path.join(src, "big%d.eml" % mb), "wb") as f:
                f.write(raw)
            cls.big[mb] = (hashlib.sha256(raw).hexdigest(), len(raw), hashlib.sha256(attachment).hexdigest(),
                           len(attachment))
            del raw, attachment
        small = cls.p.path("source", "alice", "Small")
        os.makedirs(small)
        cls.small = {}
        for n in range(20):
            raw = ("From: s%d@example.com\r\nTo: alice@example.org\r\nSubject: small note %d\r\n"
                   "Message-ID: <small%d@example.com>\r\nDate: Tue, 6 Feb 2024 10:00:00 +0100\r\n\r\n"
                   "hello %d\r\nFrom the start of a line\r\n>From quoted\r\n" % (n, n, n, n)).encode()
            cls.small["small note %d" % n] = raw
            with open(os.path.join(small, "m%d.eml" % n), "wb") as f:
                f.write(raw)
        cls.users = ["alice"] + ["reader%d" % i for i in range(1, USERS)]
        cls.p.ok("CreateUser", instanceID=IID, userName="mallory", privileges="none", password=PASSWORD,
                 loginPrivileges="web")
        for user in cls.users:
            cls.p.ok("CreateUser", instanceID=IID, userName=user, privileges="none", password=PASSWORD,
                     loginPrivileges="web")
            if user != "alice":
                cls.p.ok("SetUserPrivilegesOnFolder", instanceID=IID, userName=user, folder="alice",
                         privileges="read")
        r = cls.p.ok("RunTemporaryProfile", instanceID=IID, raw=True, properties={
            "name": "alice", "connector": "emlDirectory",
            "details": {"path": cls.p.path("source", "alice"), "targetUserFolder": "alice"}})
        assert r["itemsArchived"] == len(SIZES_MB) + 20, r
        cls.port = cls.p.ports["https"]
        deadline = time.time() + 300
        while True:  # routed by the CAS, and indexed
            try:
                hits = Session(cls.port, "alice").post("search", {"folder": "alice", "limit": 50})
                if hits["total"] == len(SIZES_MB) + 20:
                    break
            except (AssertionError, OSError, KeyError):
                pass
            assert time.time() < deadline, "never searchable"
            time.sleep(0.5)
        cls.hits = hits["hits"]

    @classmethod
    def tearDownClass(cls):
        cls.p.stop()

    def pids(self):
        instance = self.p.ok("GetInstances", instanceFilter=IID)[0]["processID"]
        return self.p.procs["cas"].pid, instance

    def curl_to_file(self, s, url, path):
        out = subprocess.run(["curl", "-sk", "--max-time", "600", "-o", path, "-w", "%{http_code}",
                              "-H", "Cookie: " + s.cookie, "https://127.0.0.1:%d/%s/api/%s" % (self.port, IID, url)],
                             capture_output=True, text=True, check=True).stdout
        return int(out)

    def fetch_and_check(self, s, url, size, sha):
        target = self.p.path("download.bin")
        self.assertEqual(self.curl_to_file(s, url, target), 200, url)
        self.assertEqual(os.path.getsize(target), size, url)
        with open(target, "rb") as f:
            self.assertEqual(hashlib.file_digest(f, "sha256").hexdigest(), sha, url)
        os.unlink(target)

    def test_1_big_messages_and_attachments_download_byte_identical_in_flat_memory(self):
        s = Session(self.port, "alice")
        cas, instance = self.pids()
        for mb in SIZES_MB:
            sha, size, att_sha, att_size = self.big[mb]
            hit = next(h for h in self.hits if h["subject"] == "Big %d MB" % mb)
            where = "storeID=%d&messageID=%d&csrf=%s" % (hit["storeID"], hit["messageID"], s.csrf)
            peaks = []
            for url, n, digest in (("download?" + where, size, sha), ("attachment?index=0&" + where, att_size, att_sha)):
                before = {cas: rss_kb(cas), instance: rss_kb(instance)}
                sampler = Sampler([cas, instance])
                try:
                    self.fetch_and_check(s, url, n, digest)
                finally:
                    peak = sampler.stop()
                peaks.append((before, peak))
                # The CAS holds a few pieces per download, never the file.
                self.assertLess(peak[cas] - before[cas], 32 * 1024, "the CAS's memory grew with %s" % url)
            (eml_before, eml_peak), (att_before, att_peak) = peaks
            print("\n%d MB message (%.1f MB as archived): CAS %.1f -> peak %.1f MB (.eml), %.1f -> %.1f MB "
                  "(attachment); instance %.1f -> %.1f MB (.eml), %.1f -> %.1f MB (attachment)" % (
                      mb, size / 1e6, eml_before[cas] / 1024, eml_peak[cas] / 1024, att_before[cas] / 1024,
                      att_peak[cas] / 1024, eml_before[instance] / 1024, eml_peak[instance] / 1024,
                      att_before[instance] / 1024, att_peak[instance] / 1024))
            # The instance reads the message from the store a frame (1 MiB)
            # at a time as it is sent: its memory does not grow with the size.
            self.assertLess(eml_peak[instance] - eml_before[instance], 48 * 1024, "instance, .eml")
            # An attachment is found in the message's skeleton (bodies left
            # out) read a frame at a time, then decoded piece by piece as it
            # is sent: the instance's memory does not grow with the size either.
            self.assertLess(att_peak[instance] - att_before[instance], 48 * 1024, "instance, attachment")

    def test_2_a_download_the_browser_abandons_costs_nothing_afterwards(self):
        s = Session(self.port, "alice")
        hit = next(h for h in self.hits if h["subject"] == "Big 150 MB")
        # Read a little, then go away.
        s.conn.request("GET", "/%s/api/download?storeID=%d&messageID=%d&csrf=%s" % (
            IID, hit["storeID"], hit["messageID"], s.csrf), headers={"Cookie": s.cookie})
        res = s.conn.getresponse()
        self.assertEqual(res.status, 200)
        self.assertEqual(len(res.read(1 << 20)), 1 << 20)
        s.conn.close()
        # The same user goes on at once, searching and downloading.
        t = Session(self.port, "alice")
        small = next(h for h in self.hits if h["subject"] == "small note 3")
        self.assertIn(b"hello 3", t.download(small["storeID"], small["messageID"]))
        self.assertEqual(t.post("search", {"query": "note", "folder": "alice"})["total"], 20)

    def test_2b_an_attachment_download_holds_no_copy_of_the_message_while_it_lasts(self):
        s = Session(self.port, "alice")
        _, instance = self.pids()
        sha, size, att_sha, att_size = self.big[150]
        hit = next(h for h in self.hits if h["subject"] == "Big 150 MB")
        before = rss_kb(instance)
        s.conn.request("GET", "/%s/api/attachment?index=0&storeID=%d&messageID=%d&csrf=%s" % (
            IID, hit["storeID"], hit["messageID"], s.csrf), headers={"Cookie": s.cookie})
        res = s.conn.getresponse()
        self.assertEqual(res.status, 200)
        digest = hashlib.sha256(res.read(1 << 20))
        # The browser pauses: the instance found the attachment and let the
        # message go; what it holds now does not grow with the message.
        deadline, held = time.time() + 30, None
        while time.time() < deadline:
            held = rss_kb(instance) - before
            if held < 48 * 1024:
                break
            time.sleep(0.1)
        print("\nattachment download of 150 MB, paused after 1 MB: instance holds %.1f MB more" % (held / 1024))
        self.assertLess(held, 48 * 1024)
        while True:
            data = res.read(1 << 20)
            if not data:
                break
            digest.update(data)
        self.assertEqual(digest.hexdigest(), att_sha)

    def restart_cas(self, **keys):
        """The CAS restarted with `keys`, and routing to the instance again (it learns instances
        from heartbeats: right after its start it may not listen or know the instance yet)."""
        self.p.reconfigure("cas", **keys)
        deadline = time.time() + 60
        while True:
            try:
                if Session(self.port, "alice").post("search", {"folder": "alice", "limit": 1})["total"] > 0:
                    return
            except (AssertionError, OSError, KeyError):
                pass
            if time.time() > deadline:
                raise AssertionError("the restarted CAS never routed to the instance")
            time.sleep(0.2)

    def test_4_downloads_have_their_own_places_and_never_keep_searches_out(self):
        # One download place per instance, no line: the second download at
        # once is refused, searches go on, and the place is free again when
        # the first download ends.
        self.restart_cas(webDownloadsPerInstance=1, webWaitingPerInstance=0)
        try:
            s = Session(self.port, "alice")
            hit = next(h for h in self.hits if h["subject"] == "Big 150 MB")
            where = "storeID=%d&messageID=%d&csrf=%s" % (hit["storeID"], hit["messageID"], s.csrf)
            s.conn.request("GET", "/%s/api/download?%s" % (IID, where), headers={"Cookie": s.cookie})
            res = s.conn.getresponse()
            self.assertEqual(res.status, 200)
            self.assertEqual(len(res.read(1 << 20)), 1 << 20)  # under way, paused
            t = Session(self.port, "alice")
            status, headers, body = t.request("GET", "attachment?index=0&" + where.replace(s.csrf, t.csrf))
            self.assertEqual(status, 503, body[:200])
            self.assertIn("Too many downloads", json.loads(body)["error"])
            self.assertEqual(t.post("search", {"query": "note", "folder": "alice"})["total"], 20)
            s.conn.close()  # the browser goes away: the place is free again
            small = next(h for h in self.hits if h["subject"] == "small note 3")
            deadline = time.time() + 30
            while True:
                status, _, data = t.request("GET", "download?storeID=%d&messageID=%d&csrf=%s" % (
                    small["storeID"], small["messageID"], t.csrf))
                if status == 200 or time.time() > deadline:
                    break
                time.sleep(0.1)  # the CAS notices the closed connection at its next write
            self.assertEqual(status, 200)
            self.assertIn(b"hello 3", data)
        finally:
            self.restart_cas(webDownloadsPerInstance=32, webWaitingPerInstance=256)

    def test_2c_an_export_nobody_waits_for_any_more_is_not_prepared(self):
        # Straight on the instance's web stream (as a CAS talks to it): the
        # CAS says in timeoutMs how long it waits; past that the instance
        # stops preparing (503 exportTooSlow) instead of working for nobody.
        web = InstanceWebStream(self.p.socket(IID))
        try:
            login = web.call({"op": "login", "body": {"userName": "alice", "password": PASSWORD},
                              "clientAddress": "127.0.0.1"})
            self.assertEqual(login["status"], 200, login)
            auth = {"session": login["setSession"], "csrf": login["body"]["csrfToken"], "clientAddress": "127.0.0.1"}
            chosen = [{"storeID": h["storeID"], "messageID": h["messageID"]} for h in self.hits]
            everything = {"format": "zip", "search": {"folder": "alice"}}
            late = web.call(dict(auth, op="export", timeoutMs=0, body=dict(everything)))
            self.assertEqual((late["status"], late["body"]["code"]), (503, "exportTooSlow"), late)
            late = web.call(dict(auth, op="export", timeoutMs=0, body={"format": "mbox", "messages": chosen}))
            self.assertEqual((late["status"], late["body"]["code"]), (503, "exportTooSlow"), late)
            done = web.call(dict(auth, op="export", timeoutMs=60000, body={"format": "mbox", "messages": chosen}))
            self.assertEqual((done["status"], done["body"]["count"]), (200, len(chosen)), done)
            done = web.call(dict(auth, op="export", body=dict(everything)))  # no timeoutMs: no limit
            self.assertEqual(done["status"], 200, done)
        finally:
            web.close()

    def test_3_two_hundred_sessions_search_and_download_at_once(self):
        sessions, lock, errors = [], threading.Lock(), []

        def login(user):
            try:
                mine = [Session(self.port, user) for _ in range(SESSIONS // USERS)]
            except Exception as e:  # noqa: BLE001 (reported below)
                with lock:
                    errors.append("login %s: %r" % (user, e))
                return
            with lock:
                sessions.extend(mine)

        ts = [threading.Thread(target=login, args=(u,)) for u in self.users]
        for t in ts:
            t.start()
        for t in ts:
            t.join()
        self.assertEqual(errors, [])
        self.assertEqual(len(sessions), SESSIONS)
        small = [h for h in self.hits if h["subject"].startswith("small note")]
        start, results = threading.Barrier(SESSIONS), []

        def work(i, s):
            start.wait()
            try:
                total = s.post("search", {"query": "note", "folder": "alice"})["total"]
                h = small[i % len(small)]
                data = s.download(h["storeID"], h["messageID"])
                ok = total == 20 and (b"hello %d" % int(h["subject"].split()[-1])) in data
            except Exception as e:  # noqa: BLE001 (reported below)
                ok = repr(e)
            with lock:
                results.append(ok)

        ts = [threading.Thread(target=work, args=(i, s)) for i, s in enumerate(sessions)]
        for t in ts:
            t.start()
        for t in ts:
            t.join()
        self.assertEqual(len(results), SESSIONS)
        self.assertEqual([r for r in results if r is not True], [])

    def export(self, s, body):
        exported = s.post("export", body)
        target = self.p.path("export.bin")
        url = "exportDownload?exportID=%s&csrf=%s" % (exported["exportID"], s.csrf)
        return exported, url, target

    def test_4_exports_as_zip_and_mbox_stream_every_message_back(self):
        import zipfile
        s = Session(self.port, "alice")
        cas, instance = self.pids()
        chosen = [h for h in self.hits if h["subject"] in ("Big 60 MB", "Big 150 MB", "small note 1", "small note 2")]
        exported, url, target = self.export(s, {"format": "zip", "messages": [
            {"storeID": h["storeID"], "messageID": h["messageID"]} for h in chosen]})
        self.assertEqual(exported["count"], 4)
        self.assertRegex(exported["name"], r"^archive-export-\d{4}-\d\d-\d\d\.zip$")
        before = {cas: rss_kb(cas), instance: rss_kb(instance)}
        sampler = Sampler([cas, instance])
        try:
            self.assertEqual(self.curl_to_file(s, url, target), 200)
        finally:
            peak = sampler.stop()
        print("\nzip export of %d MB: CAS %.1f -> peak %.1f MB, instance %.1f -> peak %.1f MB" % (
            os.path.getsize(target) // 10**6, before[cas] / 1024, peak[cas] / 1024, before[instance] / 1024,
            peak[instance] / 1024))
        self.assertLess(peak[cas] - before[cas], 32 * 1024)
        # Each message is read from the store and zipped a frame at a time.
        self.assertLess(peak[instance] - before[instance], 48 * 1024)
        with zipfile.ZipFile(target) as z:
            self.assertIsNone(z.testzip())
            names = z.namelist()
            self.assertEqual(len(names), 4, names)
            self.assertTrue(all(n.startswith("alice/") and n.endswith(".eml") for n in names), names)
            for n in names:
                data = z.read(n)
                subject = n.split(" ", 1)[1][:-4]
                if subject in self.small:
                    self.assertEqual(data, self.small[subject])
                else:
                    mb = int(subject.split()[1])
                    self.assertEqual(hashlib.sha256(data).hexdigest(), self.big[mb][0])
        os.unlink(target)
        # All results of a search, as mboxrd: every message comes back byte for byte.
        exported, url, target = self.export(s, {"format": "mbox", "search": {"query": "note", "folder": "alice"}})
        self.assertEqual(exported["count"], 20)
        self.assertEqual(self.curl_to_file(s, url, target), 200)
        with open(target, "rb") as f:
            mbox = f.read()
        entries = [e for e in mbox.split(b"From MAILER-DAEMON ") if e]
        self.assertEqual(len(entries), 20)
        back = set()
        for e in entries:
            body = e.split(b"\n", 1)[1][:-1]  # the "From " line, the blank line after the message
            lines = [l[1:] if l.lstrip(b">").startswith(b"From ") and l.startswith(b">") else l
                     for l in body.split(b"\n")]
            back.add(b"\n".join(lines))
        self.assertEqual(back, set(self.small.values()))

    def test_5_exports_are_their_users_own(self):
        alice, mallory = Session(self.port, "alice"), Session(self.port, "mallory")
        hit = next(h for h in self.hits if h["subject"] == "small note 1")
        status, _, body = mallory.request("POST", "export", {"format": "zip", "messages": [
            {"storeID": hit["storeID"], "messageID": hit["messageID"]}]})
        self.assertEqual(status, 404, body)
        exported = alice.post("export", {"format": "mbox", "messages": [
            {"storeID": hit["storeID"], "messageID": hit["messageID"]}]})
        status, _, body = mallory.request("GET", "exportDownload?exportID=%s&csrf=%s" % (
            exported["exportID"], mallory.csrf))
        self.assertEqual(status, 404, body)
        for bad in ({"format": "rar", "messages": []}, {"format": "zip"}, {"format": "zip", "messages": "x"},
                    {"format": "zip", "messages": [{"storeID": "1", "messageID": 1}]},
                    {"format": "zip", "messages": [], "search": {}}):
            status, _, body = alice.request("POST", "export", bad)
            self.assertEqual(status, 400, (bad, body))
            self.assertIn("error", json.loads(body))
        status, _, body = alice.request("GET", "exportDownload?exportID=zz&csrf=%s" % alice.csrf)
        self.assertEqual(status, 400, body)


if __name__ == "__main__":
    unittest.main()
