"""The audit log page of Web Access (issue 21: "the instance's $archiveadmin
sees its own instance's log in Web Access") with real processes.

Events made first: CreateUser (UserAdd), a failed Web Access login of the
user (SessionLoginFailed), a good one (SessionLogin) and 60 SetUserFullName
calls (UserUpdate), so the log has more than one page of 50. Then:
- the JSON API through the CAS (curl): the end user's session gets 403
  auditArchiveAdminOnly for auditLog and auditVerify; $archiveadmin's (from a
  one-time URL) gets pages newest first with `more`, the event names and the
  key, and 400 badField naming the field for a wrong limit, time, actor or
  order;
- Debian's Chromium (browser/web_audit.mjs; screenshots at 1280x800 and
  390x844 in artifacts/web-audit/, axe-core on each): the link only for
  $archiveadmin, the table newest first, paging, filters, Verify."""
import hashlib
import os
import unittest

from harness import Platform, WebAccess, assert_walked_clean, curl, run_browser_scenario

HERE = os.path.dirname(os.path.abspath(__file__))
ARTIFACTS = os.path.join(HERE, "artifacts", "web-audit")
IID = "acme"
USER = "ann"
PASSWORD = "Ann-Audit-Pass1"
RENAMES = 60


class WebAuditTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.p = Platform()
        cls.addClassCleanup(cls.p.stop)
        cls.p.ok("CreateInstance", config={"instanceID": IID, "instanceHost": "127.0.0.1", "startMode": "manual"})
        cls.p.ok("StartInstances", instanceFilter=IID)
        cls.p.ok("CreateUser", instanceID=IID, userName=USER, privileges="none", password=PASSWORD,
                 loginPrivileges="web,imap")
        cls.w = WebAccess(cls.p, IID)
        cls.base = cls.w.base
        status, _, _ = curl(cls.base + "/%s/api/login" % IID, data={"userName": USER, "password": "wrong"})
        assert status != 200, status
        cls.user = cls.login({"userName": USER, "password": PASSWORD})
        for i in range(RENAMES):
            cls.p.ok("SetUserFullName", instanceID=IID, userName=USER, fullName="Ann Audit %d" % i)

    @classmethod
    def login(cls, body):
        return cls.w.login(body)

    def admin_url(self):
        return self.p.ok("CreateClientOneTimeUrlForArchiveAdmin", instanceID=IID, instanceUrl=self.base + "/" + IID)

    def web(self, s, op, body=None):
        return self.w.call(s, op, body)

    def test_1_api(self):
        # An end user: refused, whatever is asked.
        for op in ("auditLog", "auditVerify"):
            status, body = self.web(self.user, op)
            self.assertEqual((status, body.get("code")), (403, "auditArchiveAdminOnly"), (op, body))

        admin = self.login({"oneTimePassword": self.admin_url().split("=", 1)[1]})
        everything = self.p.ok("GetAuditLog", instanceID=IID, limit=10000)
        total = len(everything)
        self.assertGreater(total, 50 + 1)  # more than a page

        status, page = self.web(admin, "auditLog")
        self.assertEqual(status, 200, page)
        self.assertEqual((page["offset"], page["limit"], page["more"]), (0, 50, True))
        seqs = [e["sequence"] for e in page["entries"]]
        self.assertEqual(len(seqs), 50)
        self.assertEqual(seqs, sorted(seqs, reverse=True))  # newest first
        self.assertGreaterEqual(seqs[0], total)  # this login came after GetAuditLog
        newest = page["entries"][0]
        self.assertEqual((newest["event"], newest["actorKind"], newest["actor"]),
                         ("ArchiveAdminOneTimeLogin", "$archiveadmin", "$archiveadmin"))
        self.assertEqual(set(newest), {"sequence", "time", "timeMicroseconds", "actorKind", "actor", "source", "event",
                                       "object", "details", "outcome", "hash"})
        for name in ("SessionLogin", "SessionLoginFailed", "UserAdd", "UserUpdate"):
            self.assertIn(name, page["events"])
        self.assertRegex(page["fingerprint"], "^[0-9a-f]{16}$")
        self.assertEqual(page["publicKey"], self.p.ok("GetAuditLogPublicKey", instanceID=IID)["publicKey"])

        status, rest = self.web(admin, "auditLog", {"offset": 50, "limit": 200})
        self.assertEqual(status, 200, rest)
        self.assertFalse(rest["more"])
        self.assertEqual([e["sequence"] for e in rest["entries"]], list(range(seqs[-1] - 1, 0, -1)))

        status, failed = self.web(admin, "auditLog", {"event": "SessionLoginFailed", "actor": USER})
        self.assertEqual(status, 200, failed)
        self.assertEqual({(e["event"], e["outcome"]) for e in failed["entries"]}, {("SessionLoginFailed", "failure")})

        for body, field in (({"limit": 0}, "limit"), ({"limit": 201}, "limit"),
                            ({"fromIncluding": "yesterday"}, "fromIncluding"), ({"actor": 5}, "actor"),
                            ({"newestFirst": "x"}, "newestFirst"), ({"offset": -1}, "offset"),
                            ({"fromIncluding": "2026-12-07T10:00:00Z", "toExcluding": "2026-12-07T09:00:00Z"},
                             "toExcluding")):
            status, answer = self.web(admin, "auditLog", body)
            self.assertEqual((status, answer.get("code"), answer.get("params")), (400, "badField", {"field": field}),
                             (body, answer))

        status, report = self.web(admin, "auditVerify")
        self.assertEqual(status, 200, report)
        self.assertTrue(report["intact"], report)
        self.assertGreaterEqual(report["entries"], seqs[0])
        self.assertGreaterEqual(report["checkpoints"], 1)
        self.assertEqual(report["instanceID"], IID)

    def test_2_browser(self):
        args = {"url": "%s/%s/" % (self.base, IID), "adminUrl": self.admin_url(), "user": USER, "password": PASSWORD}
        r = run_browser_scenario("web_audit.mjs", args, ARTIFACTS)
        assert_walked_clean(self, r, ARTIFACTS, 16)
        # The page's count is the log's: every entry up to the verification.
        log = self.p.ok("GetAuditLog", instanceID=IID, limit=10000)
        self.assertTrue(r["verdict"].startswith("Intact: %d entries, " % r["total"]), r["verdict"])
        self.assertLessEqual(r["total"], len(log))
        key = self.p.ok("GetAuditLogPublicKey", instanceID=IID)["publicKey"]
        self.assertEqual(r["fingerprint"], hashlib.sha256(key.encode()).hexdigest()[:16])


if __name__ == "__main__":
    unittest.main()
