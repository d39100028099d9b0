"""Usage for billing (issue 24): CreateLicenseRequest on a real platform and
the console's License Information page in Debian's Chromium.

Three instances: lic-mail (alice, bob and carol hold mail, carol is deleted
afterwards and her archive stays, dave's archive is empty), lic-stopped
(erin holds mail; counted, then stopped) and lic-never (created, never
started). The counts are the rule of docs/api.md "Used licenses": user
archives holding at least one message. A stopped or frozen instance shows
the last count the Management Server kept (also across its restart), an
instance never counted null with the reason; no instance fails the request.
The page (browser/console_license.mjs, screenshots in
artifacts/console-license, axe-core on every view) shows the same numbers,
and its CSV download is read back."""
import csv
import io
import os
import re
import signal
import time
import unittest

import mailgen

from harness import ADMIN_PASSWORD, Platform, assert_walked_clean, run_browser_scenario

HERE = os.path.dirname(os.path.abspath(__file__))
ARTIFACTS = os.path.join(HERE, "artifacts", "console-license")
UTC_TEXT = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
ENTRY_KEYS = {"instanceID", "usedLicenseCount", "countedAt", "current", "storesNotCounted", "reason"}
PASSWORD = "Lic3nse-Users-Pass"


class LicenseTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.p = Platform()
        cls.addClassCleanup(cls.p.stop)
        p = cls.p
        for iid in ("lic-mail", "lic-stopped", "lic-never"):
            p.ok("CreateInstance", config={"instanceID": iid, "instanceHost": "127.0.0.1", "startMode": "manual"})
        p.ok("StartInstances", instanceFilter="lic-mail lic-stopped")
        for iid, users in (("lic-mail", {"alice": 3, "bob": 2, "carol": 1, "dave": 0}), ("lic-stopped", {"erin": 2})):
            for user, count in users.items():
                cls.archive_for(iid, user, count)
        p.ok("DeleteUser", instanceID="lic-mail", userName="carol")  # her archive stays

    @classmethod
    def archive_for(cls, iid, user, count):
        """Creates `user` in `iid` and archives `count` messages into the user's archive."""
        cls.p.ok("CreateUser", instanceID=iid, userName=user, privileges="none", password=PASSWORD)
        if not count:
            return
        source = cls.p.source_dir(iid, user)
        mailgen.write_eml_tree(source, count, folders=("Inbox",))
        r = cls.p.ok("RunTemporaryProfile", instanceID=iid, raw=True, properties={
            "name": user, "connector": "emlDirectory", "details": {"path": source, "targetUserFolder": user}})
        assert r["itemsArchived"] == count, r

    def request(self):
        """CreateLicenseRequest's result, checked for its shape; with its entries by instance ID."""
        r = self.p.ok("CreateLicenseRequest")
        self.assertEqual(set(r), {"machineName", "licenseeName", "createdAt", "total", "instanceData"})
        self.assertEqual(r["machineName"], "127.0.0.1")
        self.assertRegex(r["createdAt"], UTC_TEXT)
        self.assertEqual([d["instanceID"] for d in r["instanceData"]], sorted(d["instanceID"] for d in r["instanceData"]))
        for d in r["instanceData"]:
            self.assertEqual(set(d), ENTRY_KEYS, d)
            if d["usedLicenseCount"] is None:
                self.assertIsNone(d["countedAt"], d)
            else:
                self.assertRegex(d["countedAt"], UTC_TEXT)
            self.assertEqual(d["reason"] is None, d["current"], d)  # a reason exactly when not counted now
        self.assertEqual(r["total"], sum(d["usedLicenseCount"] or 0 for d in r["instanceData"]))
        return r, {d["instanceID"]: d for d in r["instanceData"]}

    def test_1_counts_the_archives_holding_mail(self):
        r, by_id = self.request()
        self.assertEqual(set(by_id), {"lic-mail", "lic-stopped", "lic-never"})
        mail = by_id["lic-mail"]
        # alice, bob and carol's kept archive; dave's empty one does not count.
        self.assertEqual((mail["usedLicenseCount"], mail["current"], mail["storesNotCounted"], mail["reason"]),
                         (3, True, 0, None))
        self.assertEqual((by_id["lic-stopped"]["usedLicenseCount"], by_id["lic-stopped"]["current"]), (1, True))
        never = by_id["lic-never"]
        self.assertEqual((never["usedLicenseCount"], never["countedAt"], never["current"]), (None, None, False))
        self.assertIn("stopped", never["reason"])
        self.assertIn("never been counted", never["reason"])
        self.assertEqual(r["total"], 4)
        # The deleted user is gone, her archive is not (the count above is not from a stale user list).
        self.assertNotIn("carol", [u["userName"] for u in self.p.ok("GetUsers", instanceID="lic-mail")])

    def test_2_stopped_and_frozen_instances_show_their_last_count(self):
        _, before = self.request()
        counted_at = before["lic-stopped"]["countedAt"]
        self.p.ok("StopInstances", instanceFilter="lic-stopped")
        _, by_id = self.request()
        stopped = by_id["lic-stopped"]
        self.assertEqual((stopped["usedLicenseCount"], stopped["countedAt"], stopped["current"]), (1, counted_at, False))
        self.assertIn("stopped", stopped["reason"])
        self.assertNotIn("never", stopped["reason"])
        self.assertTrue(by_id["lic-mail"]["current"])

        # Frozen: the last count, with the reason; counted again once thawed.
        self.p.ok("FreezeInstances", instanceFilter="lic-mail")
        try:
            _, by_id = self.request()
            frozen = by_id["lic-mail"]
            self.assertEqual((frozen["usedLicenseCount"], frozen["current"]), (3, False))
            self.assertIn("frozen", frozen["reason"])
        finally:
            self.p.ok("ThawInstances", instanceFilter="lic-mail")
        self.assertTrue(self.request()[1]["lic-mail"]["current"])

        # The count is kept in the management database: a restarted Management Server still has it.
        self.p.kill("management", signal.SIGTERM)
        self.p.start("management")
        deadline = time.monotonic() + 60
        while True:  # the host reports its instances again after the restart
            _, by_id = self.request()
            if by_id["lic-mail"]["current"] or time.monotonic() > deadline:
                break
            time.sleep(0.5)
        self.assertEqual((by_id["lic-stopped"]["usedLicenseCount"], by_id["lic-stopped"]["countedAt"]), (1, counted_at))
        self.assertTrue(by_id["lic-mail"]["current"], by_id["lic-mail"])

    def test_3_an_archive_counts_once_it_holds_mail(self):
        # dave's empty archive gets a message: lic-mail now uses 4.
        source = self.p.source_dir("lic-mail", "dave-later")
        mailgen.write_eml_tree(source, 1, folders=("Inbox",))
        self.p.ok("RunTemporaryProfile", instanceID="lic-mail", raw=True, properties={
            "name": "dave", "connector": "emlDirectory", "details": {"path": source, "targetUserFolder": "dave"}})
        _, by_id = self.request()
        self.assertEqual(by_id["lic-mail"]["usedLicenseCount"], 4)

    def test_4_the_license_information_page_in_chromium(self):
        r, by_id = self.request()
        expected = {iid: d["usedLicenseCount"] for iid, d in by_id.items()}
        stale = [iid for iid, d in by_id.items() if d["usedLicenseCount"] is not None and not d["current"]]
        args = {"url": "https://127.0.0.1:%d/" % self.p.ports["console"], "user": "admin", "password": ADMIN_PASSWORD,
                "expected": expected, "total": r["total"], "stale": stale}
        result = run_browser_scenario("console_license.mjs", args, ARTIFACTS)
        assert_walked_clean(self, result, ARTIFACTS, 5)
        # The downloaded file, read as CSV: the instances and their counts (times are the page's own).
        self.assertTrue(result["csv"].endswith("\r\n"))
        rows = list(csv.reader(io.StringIO(result["csv"], newline="")))
        self.assertEqual(rows[0], ["instanceID", "usedLicenseCount", "countedAt"])
        self.assertEqual({row[0]: row[1] for row in rows[1:]},
                         {iid: "" if n is None else str(n) for iid, n in expected.items()})
        for row in rows[1:]:
            self.assertTrue(row[2] == "" if expected[row[0]] is None else UTC_TEXT.match(row[2]), row)


if __name__ == "__main__":
    unittest.main()
