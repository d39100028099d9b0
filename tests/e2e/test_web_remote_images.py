"""Remote images in Web Access, through the CAS, with real processes and a
real HTTP server standing in for a newsletter's image host: off by
default; when the user asks, each remote <img> of the message points to
the CAS under a token, and the CAS fetches the image (no cookie, no
referrer, a plain User-Agent) and answers only raster images within the
size limit; tokens are capabilities that cannot be guessed; other remote
references stay removed. (The CAS refuses private networks by default;
this test allows them, because its image host runs on loopback: the
refusal itself is tested in cas_unit_tests, RemoteImagesTest.)"""
import http.server
import json
import os
import re
import threading
import time
import unittest

from harness import Platform
from test_web_downloads import Session

PASSWORD = "Corr3ct-Horse-Battery"
IID = "bigmail"  # Session talks to this instance
PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
       b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")


class ImageHost(http.server.ThreadingHTTPServer):
    def __init__(self):
        self.seen = []  # (path, headers) of every request
        super().__init__(("127.0.0.1", 0), ImageHandler)
        threading.Thread(target=self.serve_forever, daemon=True).start()


class ImageHandler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_GET(self):  # noqa: N802 (the library's name)
        self.server.seen.append((self.path, dict(self.headers)))
        answers = {
            "/pixel.png": ("image/png", PNG),
            "/page.html": ("text/html", b"<script>alert(1)</script>"),
            "/vector.svg": ("image/svg+xml", b"<svg xmlns='http://www.w3.org/2000/svg'><script/></svg>"),
            "/huge.png": ("image/png", PNG + b"\0" * (5 << 20)),
        }
        if self.path == "/moved.png":
            self.send_response(302)
            self.send_header("Location", "/pixel.png")
            self.end_headers()
            return
        if self.path not in answers:
            self.send_response(404)
            self.end_headers()
            return
        kind, body = answers[self.path]
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        try:
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the CAS stops reading an image over its limit


class WebRemoteImagesTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.host = ImageHost()
        base = "http://127.0.0.1:%d" % cls.host.server_address[1]
        cls.p = Platform()
        cls.p.reconfigure("cas", remoteImagesFromPrivateNetworks=True)
        cls.p.ok("CreateInstance", config={"instanceID": IID, "instanceHost": "127.0.0.1", "startMode": "manual"})
        cls.p.ok("StartInstances", instanceFilter=IID)
        cls.p.ok("CreateUser", instanceID=IID, userName="alice", privileges="none", password=PASSWORD,
                 loginPrivileges="web")
        src = cls.p.path("source", "alice", "Inbox")
        os.makedirs(src)
        html = ("<html><body><p>Spring offers</p>"
                "<img src='%(b)s/pixel.png'><img src='%(b)s/page.html'><img src='%(b)s/vector.svg'>"
                "<img src='%(b)s/huge.png'><img src='%(b)s/moved.png'><img src='%(b)s/missing.png'>"
                "<div style='background:url(%(b)s/bg.png)'>x</div></body></html>" % {"b": base})
        with open(os.path.join(src, "news.eml"), "wb") as f:
            f.write(("From: News <news@example.com>\r\nTo: alice@example.org\r\nSubject: Newsletter\r\n"
                     "Date: Wed, 7 Feb 2024 10:00:00 +0100\r\nMessage-ID: <news@example.com>\r\nMIME-Version: 1.0\r\n"
                     "Content-Type: text/html; charset=utf-8\r\n\r\n" + html + "\r\n").encode())
        cls.p.ok("RunTemporaryProfile", instanceID=IID, raw=True, properties={
            "name": "alice", "connector": "emlDirectory",
            "details": {"path": cls.p.path("source", "alice"), "targetUserFolder": "alice"}})
        deadline = time.time() + 120
        while True:
            try:
                cls.s = Session(cls.p.ports["https"], "alice")
                hits = cls.s.post("search", {"folder": "alice"})["hits"]
                if hits:
                    break
            except (AssertionError, OSError, KeyError):
                pass
            assert time.time() < deadline, "never searchable"
            time.sleep(0.5)
        cls.hit = hits[0]

    @classmethod
    def tearDownClass(cls):
        cls.p.stop()
        cls.host.shutdown()

    def message(self, **extra):
        return self.s.post("message", dict({"storeID": self.hit["storeID"], "messageID": self.hit["messageID"]}, **extra))

    def image(self, path, cookie=False):
        """GET of an image address as the sandboxed frame makes it: no cookie."""
        import http.client
        import ssl
        ctx = ssl.create_default_context()
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
        conn = http.client.HTTPSConnection("127.0.0.1", self.p.ports["https"], context=ctx, timeout=60)
        conn.request("GET", "/%s/%s" % (IID, path), headers={"Cookie": self.s.cookie} if cookie else {})
        res = conn.getresponse()
        return res.status, res.getheader("Content-Type"), res.read()

    def test_1_off_by_default(self):
        before = len(self.host.seen)
        m = self.message()
        self.assertEqual(m["remoteImagesShown"], 0)
        self.assertEqual(m["remoteContentRemoved"], 7)
        self.assertNotIn("127.0.0.1", m["html"])
        self.assertNotIn("remoteImage", m["html"])
        self.assertEqual(len(self.host.seen), before, "nothing was fetched")

    def test_2_shown_through_the_cas_on_request(self):
        m = self.message(remoteImages=True)
        self.assertEqual(m["remoteImagesShown"], 6)
        self.assertEqual(m["remoteContentRemoved"], 1, "the style's background stays removed")
        self.assertNotIn("127.0.0.1", m["html"])
        links = re.findall(r'src="(api/remoteImage\?token=[0-9a-f]{32})"', m["html"])
        self.assertEqual(len(links), 6, m["html"])
        results = [self.image(link) for link in links]
        pixel, page, svg, huge, moved, missing = results
        self.assertEqual(pixel, (200, "image/png", PNG))
        self.assertEqual(moved, (200, "image/png", PNG), "a redirect on the same host is followed")
        for refused in (page, svg, huge, missing):
            self.assertIn(refused[0], (502, 404), refused[:2])
            self.assertNotIn(b"<script", refused[2])
        # What the image host saw: no cookie, no referrer, no browser.
        for path, headers in self.host.seen:
            lowered = {k.lower(): v for k, v in headers.items()}
            self.assertNotIn("cookie", lowered, path)
            self.assertNotIn("referer", lowered, path)
            self.assertEqual(lowered["user-agent"], "Mozilla/5.0 (compatible; image proxy)")

    def test_3_tokens_cannot_be_guessed_or_forged(self):
        for token in ("0" * 32, "f" * 32):
            status, _, body = self.image("api/remoteImage?token=" + token)
            self.assertEqual(status, 404, body)
        for bad in ("x" * 32, "", "1" * 65, "abc%0d%0aSet-Cookie:%20x"):
            status, _, body = self.image("api/remoteImage?token=" + bad)
            self.assertIn(status, (400, 404), (bad, body))
            self.assertIn("error", json.loads(body))


if __name__ == "__main__":
    unittest.main()
