"""Routes reach every CAS at once (issue 17): the Management Server pushes
each change of the routing table to its CASes, and a CAS asks about a name
it does not know before refusing it (once, bounded).

Three CASes whose heartbeats come once an hour, so that only a push or a
question can explain what they know: cas1 and cas2 are reachable for pushes;
cas3 is registered with a wrong role port, so every push to it fails and it
has to ask."""
import concurrent.futures
import imaplib
import json
import os
import subprocess
import time
import unittest
import urllib.error
import urllib.request

from harness import BIN, Platform, free_port, insecure_context

PASSWORD = "Amy-Secret-42"
HOUR = 3600


class RoutesPushTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.p = p = Platform()
        cls.addClassCleanup(p.stop)
        # cas1: the harness's CAS, restarted with hourly heartbeats and a debug log.
        p.kill("cas")
        with open(p.conf["cas"]) as f:
            conf = json.load(f)
        conf.update(heartbeatSeconds=HOUR, logLevel="debug")
        p._write("cas", conf)
        p.start("cas")
        cls.web = {"cas1": p.ports["https"]}
        cls.imaps = {"cas1": p.ports["imaps"]}
        # cas2 (reachable) and cas3 (registered with a port where nothing listens).
        for name, address, registered_port in (("cas2", "127.0.0.2", None), ("cas3", "127.0.0.3", free_port())):
            role_port, https, imaps = free_port(), free_port(), free_port()
            p._write(name, {
                "serverName": address, "dataDirectory": p.path(name), "listenAddress": address, "port": role_port,
                "managementServer": {"serverName": "127.0.0.1", "port": p.ports["role"],
                                     "thumbprint": p.mgmt_thumbprint},
                "heartbeatSeconds": HOUR, "logLevel": "debug", "publicListenAddress": "127.0.0.1",
                "imapPort": -1, "imapsPort": imaps, "httpsPort": https})
            tp = subprocess.run([os.path.join(BIN, "spe-cas"), "--config", p.conf[name], "--show-thumbprint"],
                                check=True, capture_output=True, text=True).stdout.strip()
            p.ok("CreateClientAccessServer", config={"serverName": address, "port": registered_port or role_port,
                                                    "serverCertificate": {"thumbprint": tp}})
            p.BINARIES[name] = ("spe-cas", name + "-https")
            p.ports[name + "-https"] = https
            p.start(name)
            cls.web[name] = https
            cls.imaps[name] = imaps
        # Each CAS has had its one heartbeat of the hour (the table of that moment).
        deadline = time.time() + 30
        while not all("routing table:" in p.log(n) for n in ("cas", "cas2", "cas3")):
            if time.time() > deadline:
                raise AssertionError("a CAS got no routing table at start")
            time.sleep(0.1)

    # ------------------------------------------------------------ helpers
    def page(self, cas, name):
        """The HTTP status of Web Access's page for `name` on `cas`."""
        req = urllib.request.Request("https://127.0.0.1:%d/%s/" % (self.web[cas], name))
        try:
            with urllib.request.urlopen(req, context=insecure_context(), timeout=30) as r:
                return r.status
        except urllib.error.HTTPError as e:
            return e.code

    def login(self, cas, user):
        m = imaplib.IMAP4_SSL("127.0.0.1", self.imaps[cas], ssl_context=insecure_context(), timeout=30)
        try:
            typ, _ = m.login(user, PASSWORD)
            self.assertEqual(typ, "OK")
            self.assertEqual(m.noop()[0], "OK")
        finally:
            m.logout()

    def questions(self, cas_log, name):
        return self.p.log(cas_log).count("asked for a route to '%s'" % name)

    def create(self, iid):
        self.p.ok("CreateInstance", config={"instanceID": iid, "instanceHost": "127.0.0.1", "startMode": "manual"})

    # ------------------------------------------------------------ tests
    def test_01_new_instance_is_reachable_through_every_cas_at_once(self):
        self.create("fresh1")
        # No wait: CreateInstance returns once the CASes have the table.
        for cas in ("cas1", "cas2"):
            self.assertEqual(self.page(cas, "fresh1"), 200, cas)
        self.assertEqual(self.questions("cas", "fresh1"), 0, "cas1 had to ask: the push did not reach it")
        self.assertEqual(self.questions("cas2", "fresh1"), 0, "cas2 had to ask: the push did not reach it")
        # ... and its users log in through each of them.
        self.p.ok("StartInstances", instanceFilter="fresh1")
        self.p.ok("CreateUser", instanceID="fresh1", userName="amy", privileges="none", password=PASSWORD,
                  loginPrivileges="imap")
        for cas in ("cas1", "cas2", "cas3"):
            self.login(cas, "fresh1/amy")

    def test_02_a_cas_the_push_missed_asks_once(self):
        self.create("fresh2")
        self.assertIn("routing table not pushed to the Client Access Server '127.0.0.3'", self.p.log("management"))
        self.assertEqual(self.page("cas3", "fresh2"), 200)
        self.assertEqual(self.page("cas3", "FRESH2"), 200)
        self.assertEqual(self.questions("cas3", "fresh2"), 1)
        # A name nobody knows: asked once, then refused without asking.
        for _ in range(5):
            self.assertEqual(self.page("cas3", "nosuch1"), 404)
        self.assertEqual(self.questions("cas3", "nosuch1"), 1)
        self.assertEqual(self.p.log("management").count("routes.lookup 'nosuch1': unknown"), 1)

    def test_03_a_flood_of_unknown_names_is_no_flood_of_questions(self):
        before = self.p.log("cas3").count("asked for a route to '")
        started = time.monotonic()
        with concurrent.futures.ThreadPoolExecutor(max_workers=20) as pool:
            statuses = list(pool.map(lambda n: self.page("cas3", "flood%d" % n), range(100)))
        elapsed = time.monotonic() - started
        self.assertEqual(statuses, [404] * 100)
        asked = self.p.log("cas3").count("asked for a route to '") - before
        # At most 4 at a time and 10 a second (a bucket of 10 to start with).
        self.assertLessEqual(asked, 10 + 10 * elapsed + 1, (asked, elapsed))
        self.assertLess(asked, 100)
        self.assertIn("refused without asking the Management Server", self.p.log("cas3"))

    def test_04_alias_changes_and_deletes_reach_the_cases_at_once(self):
        logs = {"cas1": "cas", "cas2": "cas2"}
        self.create("fresh4")
        self.p.ok("SetInstanceConfiguration", config={"instanceID": "fresh4", "alias": "fourth"})
        for cas in ("cas1", "cas2"):
            self.assertEqual(self.page(cas, "fourth"), 200, cas)
            self.assertEqual(self.questions(logs[cas], "fourth"), 0, cas)
        self.p.ok("SetInstanceConfiguration", config={"instanceID": "fresh4", "alias": "quatre"})
        for cas in ("cas1", "cas2"):
            self.assertEqual(self.page(cas, "quatre"), 200, cas)
            self.assertEqual(self.questions(logs[cas], "quatre"), 0, cas)
            self.assertEqual(self.page(cas, "fourth"), 404, cas)
        # Deleted: no CAS routes it when DeleteInstances returns (a CAS with the
        # old table would have served the page without asking).
        self.p.ok("DeleteInstances", instanceFilter="fresh4")
        for cas in ("cas1", "cas2"):
            self.assertEqual(self.page(cas, "fresh4"), 404, cas)
            self.assertEqual(self.page(cas, "quatre"), 404, cas)
            self.assertEqual(self.questions(logs[cas], "fresh4"), 1, cas)  # asked once: unknown


if __name__ == "__main__":
    unittest.main()
