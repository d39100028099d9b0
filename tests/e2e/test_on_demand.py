"""On-demand instances (issue 25, docs/instances.md "On-demand instances"):
an instance with the start mode onDemand has no process until it is used,
GetInstances calls it standby; an end user's IMAP login through the CAS, a
Web Access request or a Management API call starts it and is answered; after
the host's idle time without use (2 s here) it stops again, not while an
IMAP session is open nor while it is frozen; and it starts by itself for a
scheduled job."""
import imaplib
import time
import unittest

from harness import Platform, WebAccess, insecure_context, wait_until

PASSWORD = "OnDemand-User-Pass1"
WINDOW = {"fromIncluding": "2000-01-01T00:00:00", "toExcluding": "2100-01-01T00:00:00"}


class OnDemandTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.p = Platform(instancehost_config={"onDemandIdleStopSeconds": 2, "logLevel": "debug"})
        try:
            cls.p.ok("CreateInstance", config={"instanceID": "lazy", "instanceHost": "127.0.0.1",
                                               "startMode": "onDemand"})
            # A call to the instance starts it (CreateUser is one).
            cls.p.ok("CreateUser", instanceID="lazy", userName="lou", privileges="none", password=PASSWORD,
                     loginPrivileges="imap,web")
        except BaseException:
            cls.p.stop()  # tearDownClass does not run when setUpClass fails
            raise

    @classmethod
    def tearDownClass(cls):
        cls.p.stop()

    def status(self):
        return self.p.ok("GetInstances", instanceFilter="lazy")[0]

    def wait_standby(self, seconds=60):
        wait_until("the instance to stop for idleness", lambda: self.status()["status"] == "standby", seconds)

    def imap(self):
        m = imaplib.IMAP4_SSL("127.0.0.1", self.p.ports["imaps"], ssl_context=insecure_context(), timeout=60)
        m.login("lazy/lou", PASSWORD)
        return m

    def test_1_it_stops_when_idle_and_an_imap_login_starts_it(self):
        self.wait_standby()
        s = self.status()
        self.assertIsNone(s["processID"])
        self.assertEqual(s["startMode"], "onDemand")
        self.assertIn(s, self.p.ok("GetInstances", instanceFilter="* .stopped"))  # not running
        self.assertEqual(self.p.ok("GetInstances", instanceFilter="* .running"), [])
        t0 = time.monotonic()
        m = self.imap()
        first_login = time.monotonic() - t0
        try:
            typ, data = m.list()
            self.assertEqual(typ, "OK")
            self.assertEqual(self.status()["status"], "running")
            # Not stopped while the session is open, however long it is idle: a sweep
            # finds it past the idle time and keeps it.
            wait_until("a sweep to keep the instance in use",
                       lambda: "[Ilazy] idle long enough but in use" in self.p.log("instancehost"), 60)
            self.assertEqual(self.status()["status"], "running")
            self.assertEqual(m.noop()[0], "OK")
        finally:
            m.logout()
        self.wait_standby()
        self.assertLess(first_login, 30, "the first login waited for the start")

    def test_2_an_api_call_and_a_web_access_request_start_it(self):
        self.wait_standby()
        users = self.p.ok("GetUsers", instanceID="lazy")
        self.assertIn("lou", [u["userName"] for u in users])
        self.assertEqual(self.status()["status"], "running")
        self.wait_standby()
        web = WebAccess(self.p, "lazy")
        session = web.login({"userName": "lou", "password": PASSWORD})
        self.assertEqual(self.status()["status"], "running")
        # An open Web Access session keeps it running (its sessions live in the process): log out.
        self.assertEqual(web.call(session, "logout")[0], 200)

    def test_3_it_starts_by_itself_for_a_scheduled_job(self):
        self.wait_standby()
        at = time.gmtime(time.time() + 130)  # a whole minute at least a minute after the idle stop below
        job = self.p.ok("CreateJob", instanceID="lazy", name="soon", action="ProcessRetentionPolicies",
                        owner="admin", timeZoneId="UTC", date=time.strftime("%Y-%m-%dT%H:%M:00", at))
        self.wait_standby()  # CreateJob started it; idle again, it must say when to start next

        def ran():
            return self.p.ok("GetJobResults", instanceID="lazy", jobId=job["id"], timeZoneId="UTC", **WINDOW)
        self.assertEqual(ran(), [])  # GetJobResults starts it too; it stops again before the job is due
        self.wait_standby()
        self.assertIn("starts again in", self.p.log("instancehost"))
        # GetInstances asks the host, never the instance: nothing but the job's time starts it now.
        wait_until("the instance to start for its job", lambda: self.status()["status"] == "running", 240)
        wait_until("the job to run", lambda: any(r["completeTime"] is not None for r in ran()), 120)

    def test_4_a_frozen_instance_is_not_stopped(self):
        self.wait_standby()
        self.p.ok("FreezeInstances", instanceFilter="lazy")  # starts it, then freezes it
        try:
            wait_until("the host to keep the frozen instance running",
                       lambda: "it is frozen" in self.p.log("instancehost"), 60)
            s = self.status()
            self.assertEqual((s["status"], s["frozen"]), ("running", True))
        finally:
            self.p.ok("ThawInstances", instanceFilter="lazy")
        self.wait_standby()

    def test_5_reading_its_figures_does_not_start_it(self):
        self.wait_standby()
        r = self.p.invoke("GetInstanceStatistics", instanceID="lazy")  # also the Management Server's hourly sample
        self.assertEqual(r["statusCode"], "failed")
        self.assertEqual(self.status()["status"], "standby")

    def test_6_other_start_modes_are_not_started_by_use(self):
        self.p.ok("CreateInstance", config={"instanceID": "still", "instanceHost": "127.0.0.1",
                                            "startMode": "manual"})
        r = self.p.invoke("GetUsers", instanceID="still")
        self.assertEqual(r["statusCode"], "failed")
        self.assertEqual(self.p.ok("GetInstances", instanceFilter="still")[0]["status"], "stopped")
        bad = self.p.invoke("CreateInstance", config={"instanceID": "odd", "instanceHost": "127.0.0.1",
                                                      "startMode": "sometimes"})
        self.assertIn("onDemand", bad["error"]["message"])


if __name__ == "__main__":
    unittest.main()
