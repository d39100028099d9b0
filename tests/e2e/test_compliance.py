"""Compliance configuration, legal hold and admin e-mail preview (issue 21),
with the real daemons: Get/SetComplianceConfiguration (the product's fields,
the seed's example, every refusal naming its key or event), legal hold
against every path that deletes messages (CompactStore, RecoverStore without
the deleted messages; DeleteUser, DeleteEmptyFolders and DetachStore keep
every message and stay allowed), $archiveadmin through the CAS with admin
e-mail preview off and on, and the audit records of all of it."""
import json
import os
import time
import unittest

import audit_log
import mailgen
from audit_log import audit_entries
from harness import InstanceCalls
from test_web_access import curl

IID = "comp"
PASSWORD = "Corr3ct-Horse-Battery"
SEED_EXAMPLE = {
    "adminEmailPreviewEnabled": True,
    "legalHoldEnabled": False,
    "logSuccessfulUserActivities": [
        "AdminRestored", "ComplianceChangeSettings", "FileGroupAttach", "FileGroupCreate", "FileGroupDetach",
        "FileGroupRename", "FileGroupSetProperties", "FileGroupSetRequestedState", "ProfileChangeUserName",
        "UserAdd", "UserDelete", "UserRename", "UserSetFolderAccess", "UserSetMappings", "UserUpdate"]}


def audit_text(base):
    """The instance's audit records as text lines "actor event outcome object details" (spe-audit export)."""
    return "\n".join("%s %s %s %s %s" % (e["actor"], e["event"], e["outcome"], e.get("object", ""), e.get("details", ""))
                     for e in audit_entries(base))


class ComplianceTest(audit_log.VerifiedAfterEachTest, InstanceCalls, unittest.TestCase):
    iid = IID

    @classmethod
    def setUpClass(cls):
        cls.start_platform()
        src = cls.p.path("source")
        cls.alice = mailgen.write_eml_tree(os.path.join(src, "alice"), 9, folders=("Inbox",))
        mailgen.write_eml_tree(os.path.join(src, "bob"), 4, folders=("Inbox",))
        for user in ("alice", "bob"):
            cls.p.ok("CreateUser", instanceID=IID, userName=user, privileges="none", password=PASSWORD,
                     loginPrivileges="web")
            cls.p.ok("RunTemporaryProfile", instanceID=IID, raw=True, properties={
                "name": user, "connector": "emlDirectory",
                "details": {"path": os.path.join(src, user), "targetUserFolder": user}})
        cls.base = "https://127.0.0.1:%d" % cls.p.ports["https"]
        deadline = time.time() + 30
        while curl(cls.base + "/%s/" % IID)[0] != 200:  # the CAS learns instances from heartbeats
            if time.time() > deadline:
                raise AssertionError("the CAS never routed to the instance")
            time.sleep(0.5)

    def messages(self):
        return self.ok("GetInstanceStatistics")["numberOfMessages"]

    def set(self, **config):
        self.ok("SetComplianceConfiguration", config=config)

    # ------------------------------------------------------------ configuration
    def test_1_configuration(self):
        default = self.ok("GetComplianceConfiguration")
        self.assertEqual(list(default), ["legalHoldEnabled", "adminEmailPreviewEnabled", "logSuccessfulUserActivities"])
        self.assertFalse(default["legalHoldEnabled"])
        self.assertFalse(default["adminEmailPreviewEnabled"])
        # By default every event is logged; the product's names are among them.
        for name in SEED_EXAMPLE["logSuccessfulUserActivities"] + ["SessionLogin", "RetentionPoliciesMessageDelete"]:
            self.assertIn(name, default["logSuccessfulUserActivities"])
        self.assertEqual(default["logSuccessfulUserActivities"], sorted(default["logSuccessfulUserActivities"]))
        # The seed's example is accepted and read back (the list sorted, as it is here).
        self.ok("SetComplianceConfiguration", config=SEED_EXAMPLE)
        self.assertEqual(self.ok("GetComplianceConfiguration"), {
            "legalHoldEnabled": False, "adminEmailPreviewEnabled": True,
            "logSuccessfulUserActivities": sorted(SEED_EXAMPLE["logSuccessfulUserActivities"])})
        # Absent keys keep their value; an empty list logs no success.
        self.set(adminEmailPreviewEnabled=False)
        got = self.ok("GetComplianceConfiguration")
        self.assertFalse(got["adminEmailPreviewEnabled"])
        self.assertEqual(len(got["logSuccessfulUserActivities"]), 15)
        self.set(logSuccessfulUserActivities=[])
        self.assertEqual(self.ok("GetComplianceConfiguration")["logSuccessfulUserActivities"], [])
        # Refusals name the event or the key; nothing changes.
        for bad, word in ((
                {"logSuccessfulUserActivities": ["UserAdd", "UserFly"]}, "'UserFly'"),
                ({"logSuccessfulUserActivities": ["useradd"]}, "'useradd'"),
                ({"logSuccessfulUserActivities": "UserAdd"}, "config.logSuccessfulUserActivities"),
                ({"legalHoldEnabled": "yes"}, "config.legalHoldEnabled"),
                ({"adminEmailPreviewEnabled": 1}, "config.adminEmailPreviewEnabled"),
                ({"globalRetentionTimeYears": 10}, "globalRetentionTimeYears")):
            self.failed("SetComplianceConfiguration", word, config=bad)
        self.failed("SetComplianceConfiguration", "JSON object", config=["UserAdd"])
        self.assertEqual(self.ok("GetComplianceConfiguration")["logSuccessfulUserActivities"], [])
        self.set(logSuccessfulUserActivities=default["logSuccessfulUserActivities"])

    # ------------------------------------------------------------ legal hold
    def test_2_legal_hold_refuses_every_deleting_path(self):
        before = self.messages()
        self.assertEqual(before, 13)
        store = [s for s in self.ok("GetStores")][0]["id"]
        self.set(legalHoldEnabled=True)
        self.assertTrue(self.ok("GetComplianceConfiguration")["legalHoldEnabled"])
        # Compaction destroys deleted messages' content for good.
        msg = self.failed("CompactStore", "legal hold", id=store)
        self.assertIn("CompactStore of store %d" % store, msg)
        # A recovery without the deleted messages leaves them out; with them it is not a deletion
        # (here it then fails for its own reason: the store is not disabled).
        self.failed("RecoverStore", "legal hold", id=store)
        self.failed("RecoverStore", "legal hold", id=store, recoverDeletedMessages=False)
        msg = self.failed("RecoverStore", "must be disabled", id=store, recoverDeletedMessages=True)
        self.assertNotIn("legal hold", msg)
        # Paths that keep every message stay allowed: deleting a user (the archive stays), deleting
        # empty folders, detaching a store (its files stay; attach brings it back).
        self.ok("DeleteUser", userName="bob")
        self.ok("DeleteEmptyFolders")
        self.assertEqual(self.messages(), before)
        spare = self.ok("CreateStore", name="spare", databasePath="~/Data/Spare", requestedState="normal")["id"]
        self.ok("DetachStore", id=spare)
        self.assertEqual(self.messages(), before)
        # Off again: the same calls go through.
        self.set(legalHoldEnabled=False)
        self.assertGreaterEqual(self.ok("CompactStore", id=store)["reclaimedBytes"], 0)
        self.assertEqual(self.messages(), before)

    # ------------------------------------------------------------ admin e-mail preview
    def admin_session(self):
        url = self.p.ok("CreateClientOneTimeUrlForArchiveAdmin", instanceID=IID, instanceUrl=self.base + "/" + IID)
        status, hdrs, body = curl(self.base + "/%s/api/login" % IID, data={"oneTimePassword": url.split("=", 1)[1]})
        self.assertEqual(status, 200, body)
        return {"cookie": hdrs["set-cookie"][0].split(";")[0], "csrf": json.loads(body)["csrfToken"]}

    def web(self, s, op, body=None):
        status, _, raw = curl(self.base + "/%s/api/%s" % (IID, op), data=body or {},
                              headers=["Cookie: " + s["cookie"], "X-CSRF-Token: " + s["csrf"]])
        return status, raw

    def get(self, s, path):
        status, _, raw = curl(self.base + "/%s/api/%s&csrf=%s" % (IID, path, s["csrf"]),
                              headers=["Cookie: " + s["cookie"]])
        return status, raw

    def code(self, answer):
        return answer[0], json.loads(answer[1]).get("code")

    def test_3_admin_email_preview(self):
        self.set(adminEmailPreviewEnabled=False)
        a = self.admin_session()
        self.assertEqual(self.web(a, "folders")[0], 200)  # folders: always
        for op, body in (("search", {"query": "fox"}), ("message", {"storeID": 1, "messageID": 1}),
                         ("thread", {"storeID": 1, "messageID": 1})):
            self.assertEqual(self.code(self.web(a, op, body)), (403, "adminCannotRead"), op)
        self.assertEqual(self.code(self.get(a, "download?storeID=1&messageID=1")), (403, "adminCannotRead"))
        # On: the admin browses every archive and opens messages (each opening audited, test_9).
        self.set(adminEmailPreviewEnabled=True)
        deadline = time.time() + 60
        while True:  # the index catches up with the import
            status, raw = self.web(a, "search", {"folder": "alice/Inbox"})
            self.assertEqual(status, 200, raw)
            if json.loads(raw)["total"] == len(self.alice["Inbox"]) or time.time() > deadline:
                break
            time.sleep(0.5)
        hits = json.loads(raw)["hits"]
        self.assertEqual(len(hits), len(self.alice["Inbox"]))
        ids = {"storeID": hits[0]["storeID"], "messageID": hits[0]["messageID"]}
        status, raw = self.web(a, "message", ids)
        self.assertEqual(status, 200, raw)
        self.assertIn("quick brown fox", raw.decode())
        status, raw = self.get(a, "download?storeID=%d&messageID=%d" % (ids["storeID"], ids["messageID"]))
        self.assertEqual(status, 200)
        self.assertIn(b"Message-ID: <gen", raw)
        # A message that is not there is not an opening.
        self.assertEqual(self.code(self.web(a, "message", {"storeID": ids["storeID"], "messageID": 10 ** 12})),
                         (404, "noSuchMessage"))
        # Never the Settings page or exports.
        self.assertEqual(self.code(self.web(a, "export", {"format": "zip", "messages": [ids]})),
                         (403, "adminCannotRead"))
        self.assertEqual(self.code(self.web(a, "settings")), (403, "adminCannotRead"))
        # Off again: the same session is refused at once.
        self.set(adminEmailPreviewEnabled=False)
        self.assertEqual(self.code(self.web(a, "message", ids)), (403, "adminCannotRead"))
        self.__class__.opened = ids

    # ------------------------------------------------------------ audit records
    def test_9_audited(self):
        config = self.p.ok("GetInstanceConfiguration", instanceID=IID)
        self.p.ok("StopInstances", instanceFilter=IID)
        self.addCleanup(self.p.ok, "StartInstances", instanceFilter=IID)
        out = audit_text(config["baseDirectory"])
        self.assertIn("legal hold turned on", out)
        self.assertIn("admin e-mail preview turned on", out)
        self.assertIn("-UserAdd", out)
        self.assertIn("LegalHoldRefused failure", out)  # a refusal is recorded as a failure
        self.assertIn("CompactStore of store", out)
        self.assertIn("without recoverDeletedMessages refused", out)
        opened = getattr(self, "opened", None)
        if opened:
            self.assertIn("message storeID=%(storeID)d messageID=%(messageID)d" % opened, out)
            self.assertIn("download storeID=%(storeID)d messageID=%(messageID)d" % opened, out)
            self.assertNotIn("messageID=1000000000000", out)
            self.assertIn('search query="" folder="alice/Inbox"', out)
        self.assertIn("$archiveadmin", out)


if __name__ == "__main__":
    unittest.main()
