"""The report of a worker run keeps every folder and warning, however many
there are (issue 17: a run over about 100 folders used to lose its whole
report to a cut-off at 8,000 bytes, and only 200 warnings were listed)."""
import os
import unittest

from harness import InstanceCalls

IID = "wrep"
FOLDERS = 330
WARNINGS = 260  # messages without headers: one warning each


def message(n):
    return (b"From: sender%d@example.com\r\nTo: jdoe@example.com\r\nSubject: folder message %d\r\n"
            b"Date: Tue, 1 Oct 2024 10:00:00 +0000\r\nMessage-ID: <report-%d@example.com>\r\n\r\n"
            b"Body of message %d.\r\n" % (n, n, n, n))


class WorkerReportTest(InstanceCalls, unittest.TestCase):
    iid = IID

    @classmethod
    def setUpClass(cls):
        cls.start_platform()
        cls.p.ok("CreateUser", instanceID=IID, userName="jdoe", privileges="login,archive", password="S3cret pass")

    def run_import(self, path, target):
        pid = self.ok("CreateProfile", raw=True, properties={
            "name": target, "type": "archive", "owner": "$archiveadmin", "connector": "emlDirectory",
            "details": {"path": path, "targetUserFolder": target}})["id"]
        run = self.ok("RunProfile", id=pid)
        results = self.ok("GetWorkerResults", fromIncluding="2000-01-01", toExcluding="2100-01-01",
                          timeZoneID="$Local", profileID=pid)
        self.assertEqual(len(results), 1)
        return run, self.ok("GetWorkerResultReport", id=results[0]["id"])

    def test_run_over_many_folders_keeps_every_folder(self):
        root = self.p.source_dir("many-folders")
        for n in range(FOLDERS):
            d = os.path.join(root, "Folder %03d with a longer name" % n)
            os.makedirs(d)
            with open(os.path.join(d, "m.eml"), "wb") as f:
                f.write(message(n))
        run, answer = self.run_import(root, "jdoe/Many")
        self.assertEqual((run["result"], run["itemsArchived"]), ("succeeded", FOLDERS))
        report = answer["report"]
        self.assertEqual(answer["result"], "succeeded")
        self.assertEqual(len(report["folders"]), FOLDERS)
        for n in range(FOLDERS):
            folder = "jdoe/Many/Folder %03d with a longer name" % n
            self.assertEqual(report["folders"][folder], {"archived": 1, "duplicates": 0, "failed": 0}, folder)
        self.assertEqual((report["archived"], report["warnings"], report["errors"]), (FOLDERS, [], []))

    def test_run_with_many_warnings_lists_every_warning(self):
        root = self.p.source_dir("many-warnings")
        for n in range(WARNINGS):
            with open(os.path.join(root, "headerless-%03d.eml" % n), "wb") as f:
                f.write(b"not a mail message, number %d\r\njust text without headers\r\n" % n)
        run, answer = self.run_import(root, "jdoe/Warned")
        self.assertEqual((run["result"], run["itemsArchived"], run["warnings"]),
                         ("completedWithWarnings", WARNINGS, WARNINGS))
        warnings = answer["report"]["warnings"]
        self.assertEqual(len(warnings), WARNINGS)
        for n in range(WARNINGS):
            self.assertEqual(len([w for w in warnings if "headerless-%03d.eml" % n in w]), 1, n)
        self.assertNotIn("moreWarnings", answer["report"])  # all of them in the report's own list
        # Page by page (the extension that also reads those beyond the report's 50,000).
        pages, start = [], 0
        while True:
            page = self.ok("GetWorkerResultReportEntries", id=answer["id"], kind="warnings", **{"from": start},
                           count=100)
            self.assertEqual((page["kind"], page["from"], page["total"]), ("warnings", start, WARNINGS))
            if not page["entries"]:
                break
            pages.append(page["entries"])
            start += len(page["entries"])
        self.assertEqual([len(p) for p in pages], [100, 100, 60])
        self.assertEqual(sum(pages, []), warnings)
        self.assertEqual(self.ok("GetWorkerResultReportEntries", id=answer["id"], kind="errors")["total"], 0)
        self.failed("GetWorkerResultReportEntries", "'kind' must be", id=answer["id"], kind="notes")


if __name__ == "__main__":
    unittest.main()
