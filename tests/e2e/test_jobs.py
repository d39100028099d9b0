"""Jobs (docs/jobs.md) with real processes: the default job and its no-op
result, a job that runs RunProfile (an EML import) through RunJobAsync and
GetJobResults, cancelling a run with CancelJobAsync (the run waits for a
frozen instance), renaming, enabling, rescheduling and deleting, the refusals of bad
actions, intervals and owners, and safe mode: a due job does not start by
itself (RunJobAsync still runs it) and its missed run comes once at the next
normal start."""
import datetime
import os
import time
import unittest
from zoneinfo import ZoneInfo

import audit_log
import mailgen
from harness import InstanceCalls

IID = "jobs"
WINDOW = {"fromIncluding": "2000-01-01T00:00:00", "toExcluding": "2100-01-01T00:00:00"}


class JobsTest(audit_log.VerifiedAfterEachTest, InstanceCalls, unittest.TestCase):
    iid = IID

    @classmethod
    def setUpClass(cls):
        cls.start_platform()
        cls.src = cls.p.path("source")
        mailgen.write_eml_tree(os.path.join(cls.src, "eml"), 12)
        cls.p.ok("CreateUser", instanceID=IID, userName="jdoe", privileges="archive")
        cls.profile = cls.p.ok("CreateProfile", instanceID=IID, raw=True, properties={
            "name": "EML jdoe", "type": "archive", "owner": "$archiveadmin", "connector": "emlDirectory",
            "details": {"path": os.path.join(cls.src, "eml"), "targetUserFolder": "jdoe"}})["id"]

    @classmethod
    def tearDownClass(cls):
        cls.p.stop()

    def job(self, job_id):
        return next(j for j in self.ok("GetJobs") if j["id"] == job_id)

    def wait_result(self, job_id, result_id, timeout=60):
        """The job result once its run has ended (polled with a deadline)."""
        deadline = time.monotonic() + timeout
        while True:
            rows = self.ok("GetJobResults", jobId=job_id, timeZoneId="UTC", **WINDOW)
            row = next((r for r in rows if r["jobResultId"] == result_id), None)
            if row and row["completeTime"] is not None:
                return row
            self.assertLess(time.monotonic(), deadline, rows)
            time.sleep(0.1)

    def test_01_default_job_processes_retention_policies(self):
        jobs = self.ok("GetJobs")
        self.assertEqual(len(jobs), 1)
        j = jobs[0]
        self.assertEqual(list(j), ["id", "name", "action", "owner", "creationDateTimeUtc", "lastStartDateTimeUtc",
                                   "lastCompleteDateTimeUtc", "nextStartDateTimeUtc", "enabled", "schedule",
                                   "running"])
        self.assertEqual((j["name"], j["action"], j["owner"], j["enabled"]),
                         ("Process Retention Policies", "ProcessRetentionPolicies", "$system", True))
        self.assertEqual(j["schedule"], {"timeZoneId": "$Local", "time": "01:00:00"})
        nxt = datetime.datetime.fromisoformat(j["nextStartDateTimeUtc"])
        now = datetime.datetime.now(datetime.timezone.utc)
        self.assertTrue(now < nxt <= now + datetime.timedelta(days=1, hours=2), nxt)
        started = self.ok("RunJobAsync", id=j["id"])
        row = self.wait_result(j["id"], started["jobResultId"])
        self.assertEqual(row["result"], "succeeded")
        self.assertIn("No retention policies: nothing to do.", row["log"])
        self.assertEqual(row["action"], "ProcessRetentionPolicies")

    def test_02_a_job_runs_run_profile(self):
        j = self.ok("CreateJob", name="Import jdoe", action="RunProfile --id=%d" % self.profile,
                    owner="admin", timeZoneId="Europe/Berlin", time="03:00", dayOfWeek="Monday")
        self.assertEqual(j["schedule"], {"timeZoneId": "Europe/Berlin", "time": "03:00:00", "dayOfWeek": "Monday"})
        self.assertEqual((j["action"], j["owner"], j["lastStartDateTimeUtc"]),
                         ("RunProfile --id=%d" % self.profile, "admin", None))
        local = datetime.datetime.fromisoformat(j["nextStartDateTimeUtc"]).astimezone(ZoneInfo("Europe/Berlin"))
        self.assertEqual((local.weekday(), local.hour, local.minute), (0, 3, 0))  # Monday 03:00 in Berlin
        started = self.ok("RunJobAsync", id=j["id"])
        row = self.wait_result(j["id"], started["jobResultId"])
        self.assertIn('"itemsArchived":12', row["log"])
        self.assertTrue(row["startTime"].endswith("+00:00"))
        # the run is the profile's worker result; the job's result is the run's
        # (mailgen writes two messages the import warns about)
        runs = self.ok("GetWorkerResults", timeZoneID="UTC", profileID=self.profile, **WINDOW)
        self.assertEqual([(r["itemsArchived"], r["result"]) for r in runs], [(12, "completedWithWarnings")])
        self.assertEqual(row["result"], "completedWithWarnings", row)
        after = self.job(j["id"])
        self.assertIsNotNone(after["lastStartDateTimeUtc"])
        self.assertIsNotNone(after["lastCompleteDateTimeUtc"])
        self.assertFalse(after["running"])
        # a second run finds only duplicates
        started = self.ok("RunJobAsync", id=j["id"])
        row = self.wait_result(j["id"], started["jobResultId"])
        self.assertIn('"itemsArchived":0', row["log"])
        berlin = self.ok("GetJobResults", jobId=j["id"], timeZoneId="Europe/Berlin", **WINDOW)
        self.assertEqual(len(berlin), 2)
        self.assertIn(berlin[0]["startTime"][-6:], ("+01:00", "+02:00"))

    def test_03_cancel_a_run_waiting_for_a_frozen_instance(self):
        j = self.ok("CreateJob", name="Rename", action="SetUserFullName --userName=jdoe --fullName \"J. Doe\"",
                    interval=60)
        self.assertEqual(j["owner"], "admin")  # the caller
        self.p.ok("FreezeInstances", instanceFilter=IID)
        try:
            started = self.ok("RunJobAsync", id=j["id"])
            deadline = time.monotonic() + 30
            while not self.job(j["id"])["running"]:
                self.assertLess(time.monotonic(), deadline)
                time.sleep(0.05)
            self.failed("RunJobAsync", "running already", id=j["id"])
            self.assertEqual(self.ok("CancelJobAsync", id=j["id"]), {"cancelled": True})
            row = self.wait_result(j["id"], started["jobResultId"])
            self.assertEqual(row["result"], "cancelled")
            self.assertIn("frozen", row["log"])
        finally:
            self.p.ok("ThawInstances", instanceFilter=IID)
        self.assertEqual(self.ok("CancelJobAsync", id=j["id"]), {"cancelled": False})
        self.assertIsNone(self.ok("GetUserInfo", userName="jdoe")["fullName"])
        started = self.ok("RunJobAsync", id=j["id"])
        self.assertEqual(self.wait_result(j["id"], started["jobResultId"])["result"], "succeeded")
        self.assertEqual(self.ok("GetUserInfo", userName="jdoe")["fullName"], "J. Doe")

    def test_04_rename_enable_reschedule_delete(self):
        j = self.ok("CreateJob", name="Monthly", action="GetStores", timeZoneId="America/New_York", time="23:30",
                    dayOfMonth="Last")
        self.assertEqual(j["schedule"]["dayOfMonth"], "Last")
        self.ok("RenameJob", id=j["id"], name="Month end")
        self.ok("SetJobEnabled", id=j["id"], enabled=False)
        got = self.job(j["id"])
        self.assertEqual((got["name"], got["enabled"], got["nextStartDateTimeUtc"]), ("Month end", False, None))
        self.ok("SetJobEnabled", id=j["id"], enabled=True)
        self.assertIsNotNone(self.job(j["id"])["nextStartDateTimeUtc"])
        self.ok("SetJobSchedule", id=j["id"], timeZoneId="UTC", interval=15)
        got = self.job(j["id"])
        self.assertEqual(got["schedule"], {"timeZoneId": "UTC", "interval": 15})
        nxt = datetime.datetime.fromisoformat(got["nextStartDateTimeUtc"])
        self.assertEqual((nxt.minute % 15, nxt.second), (0, 0))
        self.ok("SetJobSchedule", id=j["id"], timeZoneId="Europe/Berlin", date="2099-12-31T23:59:00")
        self.assertEqual(self.job(j["id"])["nextStartDateTimeUtc"], "2099-12-31T22:59:00+00:00")
        self.ok("DeleteJob", id=j["id"])
        self.assertNotIn(j["id"], [x["id"] for x in self.ok("GetJobs")])
        self.failed("DeleteJob", "no job with the id %d" % j["id"], id=j["id"])
        self.failed("RenameJob", "no job", id=j["id"], name="x")

    def test_05_refusals(self):
        base = {"name": "bad", "time": "01:00"}
        self.failed("CreateJob", "no function 'NoSuchFunction'", action="NoSuchFunction --id=1", **base)
        self.failed("CreateJob", "not a function of an instance", action="StopInstances --instanceFilter=*", **base)
        self.failed("CreateJob", "'id'", action="RunProfile --id=abc", **base)
        self.failed("CreateJob", "bogus", action="RunProfile --id=1 --bogus=1", **base)
        self.failed("CreateJob", "do not write instanceID", action="GetStores --instanceID=other", **base)
        self.failed("CreateJob", "not closed", action="SetUserFullName --userName=\"jdoe", **base)
        self.failed("CreateJob", "is not a system administrator", action="GetStores", owner="jdoe", **base)
        self.failed("CreateJob", "'interval' must be one of", action="GetStores", name="x", interval=7)
        self.failed("CreateJob", "exactly one", action="GetStores", name="x", interval=5, time="01:00")
        self.failed("CreateJob", "'dayOfMonth' must be 1 to 31 or Last", action="GetStores", name="x",
                    time="01:00", dayOfMonth="32")
        self.failed("CreateJob", "'dayOfWeek'", action="GetStores", name="x", time="01:00", dayOfWeek="Funday")
        self.failed("CreateJob", "not a known time zone", action="GetStores", name="x", time="01:00",
                    timeZoneId="Mars/Olympus")
        self.failed("SetJobSchedule", "'interval' must be one of", id=1, timeZoneId="UTC", interval=260)
        self.failed("RunJobAsync", "no job with the id 999", id=999)
        self.failed("GetJobResults", "'toExcluding' must be after", timeZoneId="UTC",
                    fromIncluding="2026-01-02T00:00:00", toExcluding="2026-01-01T00:00:00")
        self.assertEqual([j["name"] for j in self.ok("GetJobs") if j["name"] in ("bad", "x")], [])

    def test_06_safe_mode_starts_no_job_and_the_missed_run_comes_at_the_normal_start(self):
        self.p.ok("StopInstances", instanceFilter=IID)
        self.p.ok("StartInstances", instanceFilter=IID, safeMode=True)
        try:
            self.assertTrue(self.p.ok("GetInstances", instanceFilter=IID)[0]["safeMode"])
            due = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0) + datetime.timedelta(seconds=3)
            j = self.ok("CreateJob", name="Due in safe mode", action="GetStores", timeZoneId="UTC",
                        date=due.strftime("%Y-%m-%dT%H:%M:%S"))
            self.assertEqual(datetime.datetime.fromisoformat(j["nextStartDateTimeUtc"]), due)
            # Six seconds past its moment the job has not started by itself.
            while datetime.datetime.now(datetime.timezone.utc) < due + datetime.timedelta(seconds=6):
                self.assertEqual(self.ok("GetJobResults", jobId=j["id"], timeZoneId="UTC", **WINDOW), [],
                                 "safe mode starts no job by itself")
                self.assertFalse(self.job(j["id"])["running"])
                time.sleep(0.2)
            self.assertEqual(self.job(j["id"])["nextStartDateTimeUtc"], j["nextStartDateTimeUtc"])
            # RunJobAsync still runs it (the missed moment stays due).
            started = self.ok("RunJobAsync", id=j["id"])
            self.assertEqual(self.wait_result(j["id"], started["jobResultId"])["result"], "succeeded")
            self.assertEqual(self.job(j["id"])["nextStartDateTimeUtc"], j["nextStartDateTimeUtc"])
        finally:
            self.p.ok("StopInstances", instanceFilter=IID)
            self.p.ok("StartInstances", instanceFilter=IID)
        self.assertFalse(self.p.ok("GetInstances", instanceFilter=IID)[0]["safeMode"])
        # Started normally, the missed moment runs once, at the start; a
        # "once" job then has no next run.
        deadline = time.monotonic() + 30
        while True:
            rows = self.ok("GetJobResults", jobId=j["id"], timeZoneId="UTC", **WINDOW)
            if len(rows) == 2 and all(r["completeTime"] is not None for r in rows):
                break
            self.assertLess(time.monotonic(), deadline, rows)
            time.sleep(0.1)
        missed = next(r for r in rows if r["jobResultId"] != started["jobResultId"])
        self.assertEqual(missed["result"], "succeeded")
        self.assertGreaterEqual(datetime.datetime.fromisoformat(missed["startTime"]), due + datetime.timedelta(seconds=6))
        self.assertIsNone(self.job(j["id"])["nextStartDateTimeUtc"])
        look_until = time.monotonic() + 2  # a bounded look for a second automatic run: there is none
        while time.monotonic() < look_until:
            self.assertEqual(len(self.ok("GetJobResults", jobId=j["id"], timeZoneId="UTC", **WINDOW)), 2, "runs once")
            time.sleep(0.2)


if __name__ == "__main__":
    unittest.main()
