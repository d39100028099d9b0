"""More of the Management Console (issue 18): the folder browser on an
Instance Host, Branding and Your Settings, in Debian's Chromium
(browser/console_more.mjs, screenshots in artifacts/console-more, axe-core
on every view), and the branding functions beyond the product
(GetBranding, GetBrandingFile, SetBrandingFiles, DeleteBrandingFile) over
the Management API: a valid upload is written, an invalid one is refused
naming the problem and writes nothing, and ReloadBranding takes the result
to the Client Access Server."""
import base64
import json
import os
import shutil
import sys
import tempfile
import unittest
import urllib.error
import urllib.request

from harness import Platform, assert_walked_clean, insecure_context, run_browser_scenario

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tools"))
from png import png  # noqa: E402

ARTIFACTS = os.path.join(HERE, "artifacts", "console-more")
SAMPLE = os.path.join(HERE, "..", "..", "branding.sample")
USER = "console-more"
PASSWORD = "Console-More-Pass1"
NEW_PASSWORD = "Console-More-Pass2!"


def b64(data):
    return base64.b64encode(data).decode()


class ConsoleMoreTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.p = Platform()
        cls.addClassCleanup(cls.p.stop)

    def cas_get(self, path):
        """GET from the CAS's HTTPS port: (status, body)."""
        req = urllib.request.Request("https://127.0.0.1:%d%s" % (self.p.ports["https"], path))
        try:
            with urllib.request.urlopen(req, context=insecure_context(), timeout=30) as r:
                return r.status, r.read()
        except urllib.error.HTTPError as e:
            return e.code, e.read()

    def sample(self, name):
        with open(os.path.join(SAMPLE, name), "rb") as f:
            return f.read()

    def test_1_branding_functions_over_the_api(self):
        folder = self.p.path("management", "Branding")
        status, _, body = self.p.request("/api/get-metadata", method="GET")
        self.assertEqual(status, 200)
        meta = {f["name"]: f["args"] for f in json.loads(body.decode("utf-8-sig"))}
        self.assertEqual(meta["SetBrandingFiles"], [{"name": "files", "type": "json", "nullable": False}])
        self.assertEqual(meta["GetBranding"], [])
        self.assertIn("GetBrandingFile", meta)
        self.assertIn("DeleteBrandingFile", meta)

        empty = self.p.ok("GetBranding")
        self.assertEqual((empty["files"], empty["valid"]), ([], True))

        # Invalid: a picture of the wrong size is refused naming it and its size; nothing is written.
        web = json.dumps({"webName": "API Archive", "webHeaderBackgroundColor": "#203040",
                          "webHeaderBackgroundImage_autox36_png": "head.png"}).encode()
        env = self.p.invoke("SetBrandingFiles", files={"WebBranding.json": b64(web), "head.png": b64(png(200, 40))})
        self.assertEqual(env["statusCode"], "failed", env)
        self.assertIn("head.png", env["error"]["message"])
        self.assertIn("200x40", env["error"]["message"])
        self.assertFalse(os.path.exists(os.path.join(folder, "WebBranding.json")))
        # A picture without the JSON file that names it, bad base64, a path as a name.
        for files, word in (({"head.png": b64(png(200, 36))}, "not a branding file"),
                            ({"index.html": "%%%"}, "base64"),
                            ({"../index.html": b64(b"<title>x</title>")}, "plain file name"),
                            ({"WebBranding.json": b64(b'{"bogus": "1"}')}, "unknown field 'bogus'")):
            env = self.p.invoke("SetBrandingFiles", files=files)
            self.assertEqual(env["statusCode"], "failed", files)
            self.assertIn(word, env["error"]["message"])
        self.assertEqual(os.listdir(folder) if os.path.isdir(folder) else [], [])

        # Valid: written, listed, read back, and ReloadBranding reaches the CAS.
        self.p.ok("SetBrandingFiles", files={"WebBranding.json": b64(web), "head.png": b64(png(200, 36))})
        self.assertEqual(sorted(os.listdir(folder)), ["WebBranding.json", "head.png"])
        got = self.p.ok("GetBranding")
        self.assertTrue(got["valid"], got["problem"])
        self.assertEqual(got["webBranding"]["webName"], "API Archive")
        head = [f for f in got["files"] if f["name"] == "head.png"][0]
        self.assertEqual((head["width"], head["height"], head["used"], head["type"]), (200, 36, True, "png"))
        self.assertEqual(base64.b64decode(self.p.ok("GetBrandingFile", name="head.png")["content"]), png(200, 36))
        self.p.ok("ReloadBranding")
        status, css = self.cas_get("/-/branding.css")
        self.assertEqual(status, 200)
        self.assertIn(b"--header: #203040", css)
        status, image = self.cas_get("/-/branding/head.png")
        self.assertEqual((status, image), (200, png(200, 36)))

        # Deleting a picture in use is refused; the JSON file first, then the picture.
        env = self.p.invoke("DeleteBrandingFile", name="head.png")
        self.assertEqual(env["statusCode"], "failed")
        self.assertIn("cannot be deleted", env["error"]["message"])
        self.p.ok("DeleteBrandingFile", name="WebBranding.json")
        self.assertFalse([f for f in self.p.ok("GetBranding")["files"] if f["used"]])
        self.p.ok("DeleteBrandingFile", name="head.png")
        self.assertEqual(os.listdir(folder), [])
        self.p.ok("ReloadBranding")
        status, css = self.cas_get("/-/branding.css")
        self.assertNotIn(b"#203040", css)

    def test_2_folders_branding_and_settings_in_chromium(self):
        self.p.ok("CreateSystemAdministrator", config={"userName": USER, "fullName": "", "emailAddress": ""},
                  password=PASSWORD)
        folders = {"parent": "alpha", "child": "beta", "created": "gamma"}
        os.makedirs(os.path.join(self.p.base_directory, folders["parent"], folders["child"]), exist_ok=True)
        files = tempfile.mkdtemp(prefix="console-more-")
        self.addCleanup(shutil.rmtree, files, True)
        branding = sorted(os.path.join(SAMPLE, n) for n in os.listdir(SAMPLE) if n != "README.md")
        bad = os.path.join(files, "bad")
        os.makedirs(bad)
        with open(os.path.join(bad, "WebBranding.json"), "w") as f:
            json.dump({"webName": "Wrong", "webHeaderBackgroundImage_autox36_png": "webHeader_160x36.png"}, f)
        with open(os.path.join(bad, "webHeader_160x36.png"), "wb") as f:
            f.write(png(160, 40))
        args = {"url": "https://127.0.0.1:%d/" % self.p.ports["console"], "user": USER, "password": PASSWORD,
                "newPassword": NEW_PASSWORD, "host": "127.0.0.1", "folders": folders, "brandingFiles": branding,
                "badFiles": [os.path.join(bad, "WebBranding.json"), os.path.join(bad, "webHeader_160x36.png")]}
        r = run_browser_scenario("console_more.mjs", args, ARTIFACTS)
        assert_walked_clean(self, r, ARTIFACTS, 18)
        # What the browser did is what the platform has.
        self.assertTrue(os.path.isdir(os.path.join(self.p.base_directory, folders["parent"], folders["created"])))
        got = self.p.ok("GetBranding")
        self.assertTrue(got["valid"], got["problem"])
        self.assertEqual(sorted(f["name"] for f in got["files"]), sorted(os.path.basename(b) for b in branding))
        with open(os.path.join(self.p.path("management", "Branding", "webHeader_160x36.png")), "rb") as f:
            self.assertEqual(f.read(), self.sample("webHeader_160x36.png"))
        status, css = self.cas_get("/-/branding.css")
        self.assertIn(b"--header: #1f4e79", css)  # applied from the page
        me = [a for a in self.p.ok("GetSystemAdministrators") if a["userName"] == USER][0]
        self.assertEqual((me["fullName"], me["emailAddress"]), ("Console More", "more@example.com"))
        env = self.p.invoke("GetEnvironmentInfo", _user=USER, _password=NEW_PASSWORD)
        self.assertEqual(env["statusCode"], "succeeded")
        status, _, _ = self.p.request("/api/invoke/GetEnvironmentInfo", {}, USER, PASSWORD)
        self.assertEqual(status, 401)


if __name__ == "__main__":
    unittest.main()
