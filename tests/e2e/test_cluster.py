"""Multi server mode on separate network stacks (cluster.py): one Management
Server, two Instance Hosts, two CASes behind HAProxy, each role in its own
network namespace behind a firewall that lets only the product's flows
through. Pairing as the documentation tells operators, end users on both
CASes reaching instances on both hosts, and the loss of each kind of
machine: a CAS killed, the Management Server killed, an Instance Host cut
off the network for 60 s under load.

Skipped, saying why, where network namespaces cannot be made (not root)."""
import imaplib
import json
import os
import signal
import threading
import time
import unittest

import cluster
import mailgen
from harness import WebAccess, curl, insecure_context, wait_until

PASSWORD = "Cluster-User-Pass1"
# instance -> (its host, the messages archived for its user at the start)
INSTANCES = {"alpha": ("ih1", 40), "beta": ("ih2", 40)}
WHY_NOT = cluster.available()


def imaps(address=cluster.ADDRESSES["lb"], timeout=30):
    return imaplib.IMAP4_SSL(address, 993, ssl_context=insecure_context(), timeout=timeout)


class Reader:
    """An IMAP user reading an instance through HAProxy, round after round,
    in a thread, until stop() (which returns (rounds, failures))."""

    def __init__(self, test, iid):
        self.test, self.iid = test, iid
        self.rounds, self.failures = 0, []
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        while not self.done.is_set():
            try:
                m = imaps(timeout=10)
                m.login("%s/ann" % self.iid, PASSWORD)
                typ, data = m.select("INBOX", readonly=True)
                typ, data = m.uid("FETCH", "1:*", "(BODY.PEEK[])")
                got = [item for item in data if isinstance(item, tuple)]
                m.logout()
                if typ != "OK" or len(got) != INSTANCES[self.iid][1]:
                    self.failures.append("round %d: %s %d messages" % (self.rounds, typ, len(got)))
                self.rounds += 1
            except (imaplib.IMAP4.error, OSError) as e:
                self.failures.append("round %d: %r" % (self.rounds, e))

    def stop(self):
        self.done.set()
        self.thread.join(timeout=60)
        return self.rounds, self.failures


@unittest.skipIf(WHY_NOT, "cluster tests skipped: %s" % WHY_NOT)
class ClusterTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.c = cluster.Cluster()
        cls.addClassCleanup(cls.c.stop)
        cls.sources = {}
        for iid, (host, count) in INSTANCES.items():
            cls.c.ok("CreateInstance", config={"instanceID": iid, "instanceHost": cluster.name(host),
                                               "startMode": "manual"})
            cls.c.ok("StartInstances", instanceFilter=iid)
            cls.c.ok("CreateUser", instanceID=iid, userName="ann", privileges="none", password=PASSWORD,
                     loginPrivileges="web,imap")
            cls.sources[iid] = cls.archive(iid, "first", range(count))

    @classmethod
    def archive(cls, iid, batch, numbers, wait=True, folder="Inbox"):
        """Archives generated messages into ann's `folder`; returns their bytes
        (wait=False: only writes them, for start_run())."""
        src = cls.c.source_dir(iid, batch)
        inbox = cls.c.source_dir(iid, batch, folder)
        messages = {}
        for n in numbers:
            raw = mailgen.message(n + (1000 if iid == "beta" else 0))
            messages[n] = raw
            with open(os.path.join(inbox, "%05d.eml" % n), "wb") as f:
                f.write(raw)
        props = {"name": batch, "connector": "emlDirectory", "details": {"path": src, "targetUserFolder": "ann"}}
        if wait:
            r = cls.c.ok("RunTemporaryProfile", instanceID=iid, raw=True, properties=props)
            assert r["itemsArchived"] == len(messages), r
        return messages

    def fetch_inbox(self, m, iid):
        typ, data = m.select("INBOX", readonly=True)
        self.assertEqual(typ, "OK", data)
        typ, data = m.uid("FETCH", "1:*", "(BODY.PEEK[])")
        self.assertEqual(typ, "OK", data)
        return sorted(item[1] for item in data if isinstance(item, tuple))

    # ---------------------------------------------------------------- the cluster as set up
    def test_01_roles_on_their_own_machines_paired_over_the_network(self):
        st = self.c.ok("GetServiceStatus")
        roles = {(s["serverName"], s["serverType"]): s["active"] for s in st["serverInfos"]}
        self.assertEqual(roles, {
            ("mgmt.spe.test", "managementServer"): True, ("ih1.spe.test", "instanceHost"): True,
            ("ih2.spe.test", "instanceHost"): True, ("cas1.spe.test", "clientAccessServer"): True,
            ("cas2.spe.test", "clientAccessServer"): True})
        self.assertEqual([m for m in st["messages"] if m["type"] == "error"], [])
        # Each daemon in its own network namespace: none shares a network stack.
        stacks = {role: os.readlink("/proc/%d/ns/net" % proc.pid) for role, proc in self.c.procs.items()}
        self.assertEqual(len(set(stacks.values())), len(stacks), stacks)
        for iid, (host, _) in INSTANCES.items():
            info = self.c.ok("GetInstances", instanceFilter=iid)[0]
            self.assertEqual((info["instanceHost"], info["status"]), (cluster.name(host), "running"))
        self.assertEqual(self.c.refused(), {})  # no role needed a flow outside the firewall table

    def test_02_both_cases_serve_instances_of_both_hosts(self):
        before = {port: self.c.sessions(port) for port in (443, 993)}
        # Web Access from four addresses: HAProxy keeps each address on one CAS.
        for source in cluster.CLIENT_ADDRESSES:
            for iid in INSTANCES:
                w = WebAccess(self.c, iid, source=source)
                session = w.login({"userName": "ann", "password": PASSWORD})
                status, found = w.call(session, "search", {"folder": "ann", "limit": 100})
                self.assertEqual(status, 200, found)
                self.assertEqual(len(found["hits"]), INSTANCES[iid][1])
        # IMAP: connections open at the same time are spread over the CASes.
        clients = [imaps() for _ in range(4)]
        try:
            for i, m in enumerate(clients):
                iid = list(INSTANCES)[i % 2]
                m.login("%s/ann" % iid, PASSWORD)
                self.assertEqual(self.fetch_inbox(m, iid), sorted(self.sources[iid].values()))
        finally:
            for m in clients:
                m.logout()
        for port in (443, 993):
            after = self.c.sessions(port)
            used = {cas for cas in after if after[cas][1] > before[port][cas][1]}
            self.assertEqual(used, set(cluster.CASES), (port, before[port], after))
        self.assertEqual(self.c.refused(), {})

    # ---------------------------------------------------------------- losing machines
    def test_03_a_killed_cas_leaves_the_other_to_serve(self):
        m = imaps()
        m.login("alpha/ann", PASSWORD)
        self.assertEqual(len(self.fetch_inbox(m, "alpha")), 40)
        serving = [cas for cas, (now, _, _) in self.c.sessions(993).items() if now > 0]
        self.assertEqual(len(serving), 1, serving)
        dead = serving[0]
        self.c.kill(dead)
        self.addCleanup(self.restart_cas, dead)
        with self.assertRaises((imaplib.IMAP4.abort, OSError)):
            m.noop()
            m.select("INBOX", readonly=True)
        wait_until("HAProxy marking %s down" % dead, lambda: not self.c.sessions(993)[dead][2], 15)
        # The client reconnects and goes on where it was, on the other CAS.
        m = imaps()
        m.login("alpha/ann", PASSWORD)
        self.assertEqual(self.fetch_inbox(m, "alpha"), sorted(self.sources["alpha"].values()))
        m.logout()
        # New Web Access sessions from every address land on the living CAS.
        for source in cluster.CLIENT_ADDRESSES:
            w = WebAccess(self.c, "beta", source=source, seconds=20)
            session = w.login({"userName": "ann", "password": PASSWORD})
            self.assertEqual(w.call(session, "search", {"folder": "ann", "limit": 5})[0], 200)
        st = self.c.ok("GetServiceStatus")
        down = [s["serverName"] for s in st["serverInfos"] if not s["active"]]
        self.assertEqual(down, [cluster.name(dead)])

    def restart_cas(self, cas):
        self.c.start(cas)
        wait_until("HAProxy seeing %s again" % cas, lambda: all(
            self.c.sessions(port)[cas][2] for port in (443, 993)), 30)

    def test_04_without_the_management_server_users_read_and_hosts_archive(self):
        webs = {iid: WebAccess(self.c, iid) for iid in INSTANCES}
        # An archiving run under way when the Management Server goes.
        later = self.archive("alpha", "later", range(20000, 22000), wait=False, folder="Later")
        self.start_run("alpha", "later")
        self.c.kill("mgmt")
        self.addCleanup(self.restart_management)
        # End users log in anew and read, over both protocols, on both hosts.
        for iid in INSTANCES:
            session = webs[iid].login({"userName": "ann", "password": PASSWORD})
            status, found = webs[iid].call(session, "search", {"folder": "ann/Inbox", "limit": 100})
            self.assertEqual((status, len(found["hits"])), (200, INSTANCES[iid][1]))
            m = imaps()
            m.login("%s/ann" % iid, PASSWORD)
            self.assertEqual(len(self.fetch_inbox(m, iid)), INSTANCES[iid][1])
            m.logout()
        # The hosts go on without it: their heartbeats fail and are retried.
        wait_until("ih1 noticing", lambda: "heartbeat" in self.c.log("ih1").split("GetServiceStatus")[-1], 20)
        self.restart_management()
        # It catches up: every role is active again, and routes still serve.
        wait_until("every role active again", lambda: all(
            s["active"] for s in self.c.ok("GetServiceStatus")["serverInfos"]), 30)
        for iid in INSTANCES:
            self.assertEqual(self.c.ok("GetInstances", instanceFilter=iid)[0]["status"], "running")
        # The run went on in the instance and archived everything.
        run = wait_until("the run's end", lambda: self.run_of("alpha", "later", ended=True), 120, 0.5)
        # (mailgen's attachments are no real PDFs: 'not fully indexed' warnings)
        self.assertIn(run["result"], ("succeeded", "completedWithWarnings"), run)
        self.assertEqual(run["itemsArchived"], len(later), run)
        m = imaps()
        m.login("alpha/ann", PASSWORD)
        m.select("Later", readonly=True)
        typ, data = m.uid("FETCH", "1:*", "(BODY.PEEK[])")
        m.logout()
        self.assertEqual(sorted(i[1] for i in data if isinstance(i, tuple)), sorted(later.values()))
        self.assertEqual(self.c.refused(), {})

    def restart_management(self):
        if "mgmt" not in self.c.procs:
            self.c.start("mgmt")

    def test_05_an_instance_host_cut_off_for_60_s_under_load(self):
        # Load: a reader of alpha (on ih1) all along, and an archiving run on beta (on ih2).
        reader = Reader(self, "alpha")
        self.addCleanup(reader.stop)
        more = self.archive("beta", "second", range(100, 3100), wait=False)
        self.start_run("beta", "second")
        cut = time.monotonic()
        self.c.link("ih2", up=False)
        self.addCleanup(self.c.link, "ih2", True)
        # The API reports the host's instances unreachable within 10 s.
        status = wait_until("beta reported unreachable", lambda: self.unreachable("beta"), 10, 0.1)
        self.assertLess(time.monotonic() - cut, 10)
        self.assertIn("ih2.spe.test' (port 8472) is not reachable", status["startStopError"])
        self.assertEqual(self.c.ok("GetInstances", instanceFilter="alpha")[0]["status"], "running")
        # End users of beta get a clear temporary error, at once.
        for _ in range(3):
            t0 = time.monotonic()
            with self.assertRaises(imaplib.IMAP4.error) as e:
                imaps().login("beta/ann", PASSWORD)
            self.assertIn("[UNAVAILABLE] The archive is not available right now", str(e.exception))
            self.assertLess(time.monotonic() - t0, 10)
        status, answer = self.web_login("beta")
        self.assertEqual(status, 503, answer)
        self.assertEqual(json.loads(answer)["code"], "unavailable", answer)
        while time.monotonic() - cut < 60:
            time.sleep(1)
        self.c.link("ih2", up=True)
        # Everything resumes: the instance is reachable, and nothing was lost.
        wait_until("beta reachable again", lambda: self.c.ok("GetInstances", instanceFilter="beta")[0]["status"]
                   == "running", 30)
        result = wait_until("the run's end", lambda: self.run_of("beta", "second", ended=True), 60, 0.5)
        m = wait_until("an IMAP login to beta", lambda: self.try_login("beta"), 30, 1)
        got = self.fetch_inbox(m, "beta")
        m.logout()
        self.assertEqual(got, sorted(list(self.sources["beta"].values()) + list(more.values())), result)
        # alpha's users noticed nothing.
        rounds, failures = reader.stop()
        self.assertEqual(failures, [])
        self.assertGreater(rounds, 10)
        self.assertEqual(self.c.refused(), {})

    def test_06_clocks_five_minutes_apart(self):
        """ih2 and its instances 5 minutes ahead, cas2 5 minutes behind."""
        skewed = {"ih2": "+5m", "cas2": "-5m"}
        for role, offset in skewed.items():
            self.c.kill(role, signal.SIGTERM)
            self.c.start(role, clock_offset=offset)
            self.addCleanup(self.restart_unskewed, role)
        self.c.ok("StartInstances", instanceFilter="beta")
        for role, offset in skewed.items():
            with open("/proc/%d/environ" % self.c.procs[role].pid, "rb") as f:
                self.assertIn(b"FAKETIME=" + offset.encode(), f.read().split(b"\0"))
        # The skewed host's log is written by its skewed clock.
        self.assertIn(time.strftime("%H:%M", time.gmtime(time.time() + 300)), self.c.log("ih2")[-2000:])
        wait_until("every role active", lambda: all(
            s["active"] for s in self.c.ok("GetServiceStatus")["serverInfos"]), 30)
        # Archiving on the host ahead, its results read through the Management Server.
        more = self.archive("beta", "skewed", range(5000, 5010))
        # End users through the CAS behind, to instances on both hosts.
        for iid in INSTANCES:
            m = wait_until("a login through cas2", lambda: self.try_login(iid, cluster.ADDRESSES["cas2"]), 30, 0.5)
            got = self.fetch_inbox(m, iid)
            m.logout()
            self.assertGreaterEqual(len(got), INSTANCES[iid][1])
            w = WebAccess(self.c, iid)
            w.base = "https://%s" % cluster.ADDRESSES["cas2"]
            session = w.login({"userName": "ann", "password": PASSWORD})
            status, found = w.call(session, "search", {"folder": "ann", "limit": 5})
            self.assertEqual(status, 200, found)
        self.assertTrue(set(more.values()) <= set(self.fetch_all_beta()))
        self.assertEqual(self.c.refused(), {})

    def restart_unskewed(self, role):
        if role in self.c.procs:
            self.c.kill(role, signal.SIGTERM)
        self.c.start(role)
        if role.startswith("ih"):
            self.c.ok("StartInstances", instanceFilter="beta")

    def fetch_all_beta(self):
        m = wait_until("a login to beta", lambda: self.try_login("beta"), 30, 0.5)
        got = self.fetch_inbox(m, "beta")
        m.logout()
        return got

    # ---------------------------------------------------------------- moving instances
    def key_file(self, directory):
        with open(os.path.join(directory, "MailStoreMaster.key")) as f:
            return json.load(f)

    def read_everything(self, iid):
        m = wait_until("a login to %s" % iid, lambda: self.try_login(iid), 30, 0.5)
        got = self.fetch_inbox(m, iid)
        m.logout()
        return got

    def search_fox(self, iid):
        w = WebAccess(self.c, iid)
        session = w.login({"userName": "ann", "password": PASSWORD})
        status, found = w.call(session, "search", {"folder": "ann", "query": "fox", "limit": 100})
        self.assertEqual(status, 200, found)
        return sorted(h["subject"] for h in found["hits"])

    def test_07_an_instance_moved_to_another_host_is_copied_checked_and_removed_there(self):
        before = self.read_everything("alpha")
        found_before = self.search_fox("alpha")
        self.assertGreater(len(found_before), 20)
        old = self.c.ok("GetInstanceConfiguration", instanceID="alpha")
        self.assertEqual(old["instanceHost"], "ih1.spe.test")
        old_key = self.key_file(old["baseDirectory"])
        self.c.ok("StopInstances", instanceFilter="alpha")
        # A directory that is not empty is refused, and nothing changes.
        occupied = os.path.join(self.c.instances_dir, "occupied")
        os.makedirs(occupied)
        with open(os.path.join(occupied, "note.txt"), "w") as f:
            f.write("somebody else's")
        env = self.c.invoke("SetInstanceConfiguration", config={
            "instanceID": "alpha", "instanceHost": "ih2.spe.test", "baseDirectory": "~/occupied"})
        self.assertEqual(env["statusCode"], "failed", env)
        self.assertIn("is not empty. Nothing was changed.", env["error"]["message"])
        self.assertEqual(self.c.ok("GetInstanceConfiguration", instanceID="alpha"), old)
        # Another host and directory: the new host copies the data from the old one.
        self.c.ok("SetInstanceConfiguration", config={
            "instanceID": "alpha", "instanceHost": "ih2.spe.test", "baseDirectory": "~/alpha-moved"})
        new = self.c.ok("GetInstanceConfiguration", instanceID="alpha")
        self.assertEqual((new["instanceHost"], new["baseDirectory"]),
                         ("ih2.spe.test", os.path.join(self.c.instances_dir, "alpha-moved")))
        self.assertFalse(os.path.exists(old["baseDirectory"]))  # removed after the new host had it all
        self.assertFalse(os.path.exists(new["baseDirectory"] + ".incoming"))
        new_key = self.key_file(new["baseDirectory"])
        self.assertNotEqual(new_key["hostKeyId"], old_key["hostKeyId"])  # sealed for ih2 now
        self.assertEqual(new_key["recoveryPublicKey"], old_key["recoveryPublicKey"])
        self.assertIn("took over the data of 'alpha'", self.c.log("ih2"))
        self.assertIn("removed the old copy of 'alpha'", self.c.log("ih1"))
        # It starts on its new host, with every message and its search index.
        self.c.ok("StartInstances", instanceFilter="alpha")
        info = self.c.ok("GetInstances", instanceFilter="alpha")[0]
        self.assertEqual((info["instanceHost"], info["status"]), ("ih2.spe.test", "running"))
        self.assertEqual(self.read_everything("alpha"), before)
        self.assertEqual(self.search_fox("alpha"), found_before)  # its search index came along
        self.assertEqual(self.c.refused(), {})

    def test_08_an_instance_in_a_directory_both_hosts_see_changes_host_with_its_key_only(self):
        before = self.read_everything("beta")
        old = self.c.ok("GetInstanceConfiguration", instanceID="beta")
        old_key = self.key_file(old["baseDirectory"])
        files_before = sorted(os.listdir(old["baseDirectory"]))
        self.c.ok("StopInstances", instanceFilter="beta")
        self.c.ok("SetInstanceConfiguration", config={"instanceID": "beta", "instanceHost": "ih1.spe.test"})
        new = self.c.ok("GetInstanceConfiguration", instanceID="beta")
        self.assertEqual((new["instanceHost"], new["baseDirectory"]), ("ih1.spe.test", old["baseDirectory"]))
        # Nothing copied or removed: the key sealed for ih1 waits beside the old one ...
        self.assertEqual(sorted(os.listdir(new["baseDirectory"])), sorted(files_before + ["MailStoreMaster.key.next"]))
        self.assertEqual(self.key_file(new["baseDirectory"]), old_key)
        self.c.ok("StartInstances", instanceFilter="beta")
        # ... and takes the old one's place when the instance first starts on ih1.
        self.assertEqual(sorted(os.listdir(new["baseDirectory"])), files_before)
        new_key = self.key_file(new["baseDirectory"])
        self.assertNotEqual(new_key["hostKeyId"], old_key["hostKeyId"])
        self.assertEqual(new_key["recoveryPublicKey"], old_key["recoveryPublicKey"])
        self.assertEqual(self.read_everything("beta"), before)

    def test_08b_moves_that_must_not_happen_change_nothing(self):
        cfg = self.c.ok("GetInstanceConfiguration", instanceID="alpha")
        self.c.ok("StopInstances", instanceFilter="alpha")
        self.addCleanup(self.c.ok, "StartInstances", instanceFilter="alpha")
        files = sorted(os.listdir(cfg["baseDirectory"]))
        other = "ih1.spe.test" if cfg["instanceHost"] == "ih2.spe.test" else "ih2.spe.test"
        inside = os.path.join(cfg["baseDirectory"], "sub")
        for config, words in (({"instanceHost": other, "baseDirectory": inside}, "lie one inside the other"),
                              ({"baseDirectory": inside}, "lie one inside the other"),
                              ({"instanceHost": other, "baseDirectory": "~/beta"},
                               "overlaps the base directory of the instance 'beta'")):
            with self.subTest(config=config):
                env = self.c.invoke("SetInstanceConfiguration", config=dict(config, instanceID="alpha"))
                self.assertEqual(env["statusCode"], "failed", env)
                self.assertIn(words, env["error"]["message"])
                self.assertEqual(self.c.ok("GetInstanceConfiguration", instanceID="alpha"), cfg)
                self.assertEqual(sorted(os.listdir(cfg["baseDirectory"])), files)  # no probe left behind
        self.assertFalse(os.path.exists(inside))

    def test_08c_a_copy_that_fails_leaves_the_instance_where_it_was(self):
        cfg = self.c.ok("GetInstanceConfiguration", instanceID="alpha")
        old_host = cfg["instanceHost"].split(".")[0]
        new_host = "ih1" if old_host == "ih2" else "ih2"
        before = self.read_everything("alpha")
        files = sorted(os.listdir(cfg["baseDirectory"]))
        self.c.ok("StopInstances", instanceFilter="alpha")
        # The old host's firewall lacks the hosts' flow: the new host cannot fetch the data.
        unblock = self.c.block(old_host, new_host, 8472)
        self.addCleanup(unblock)
        env = self.c.invoke("SetInstanceConfiguration", config={
            "instanceID": "alpha", "instanceHost": cluster.name(new_host), "baseDirectory": "~/alpha-elsewhere"})
        self.assertEqual(env["statusCode"], "failed", env)
        self.assertIn("Nothing was changed; the data is still at %s" % cfg["baseDirectory"], env["error"]["message"])
        self.assertEqual(self.c.ok("GetInstanceConfiguration", instanceID="alpha"), cfg)
        self.assertEqual(sorted(os.listdir(cfg["baseDirectory"])), files)  # untouched, no probe left
        leftovers = [n for n in os.listdir(self.c.instances_dir) if n.startswith("alpha-elsewhere")]
        self.assertEqual(leftovers, [])
        # The offer ended: the instance starts where it was, with everything.
        self.c.ok("StartInstances", instanceFilter="alpha")
        self.assertEqual(self.read_everything("alpha"), before)

    def test_09_a_cas_and_a_host_replaced_by_new_machines(self):
        on_ih1 = [i["instanceID"] for i in self.c.ok("GetInstances", instanceFilter="*")
                  if i["instanceHost"] == "ih1.spe.test"]
        self.assertTrue(on_ih1)
        before = {iid: self.read_everything(iid) for iid in on_ih1}
        # A new CAS machine: a new identity, paired again; end users reach everything through it.
        old_cas = self.c.thumbprints["cas2"]
        self.assertNotEqual(self.c.replace_machine("cas2"), old_cas)
        self.c.pair_cas("cas2")
        for iid in INSTANCES:
            m = wait_until("a login through the new cas2", lambda: self.try_login(iid, cluster.ADDRESSES["cas2"]),
                           30, 0.5)
            m.logout()
        # A new host machine: its instances stopped, its data directory copied over but for its
        # TLS identity (the host key, which seals the instances' keys, comes along), paired again.
        self.c.ok("StopInstances", instanceFilter=",".join(on_ih1))
        old_host = self.c.thumbprints["ih1"]
        self.assertNotEqual(self.c.replace_machine("ih1", keep=("keys", "instances.json")), old_host)
        self.c.pair_host("ih1")
        self.c.ok("StartInstances", instanceFilter=",".join(on_ih1))
        for iid in on_ih1:
            self.assertEqual(self.read_everything(iid), before[iid])
        st = self.c.ok("GetServiceStatus")
        prints = {s["serverName"]: s["serverCertificate"]["thumbprint"] for s in st["serverInfos"]}
        self.assertEqual((prints["cas2.spe.test"], prints["ih1.spe.test"]),
                         (self.c.thumbprints["cas2"], self.c.thumbprints["ih1"]))
        self.assertTrue(all(s["active"] for s in st["serverInfos"]), st)
        self.assertEqual(self.c.refused(), {})

    def start_run(self, iid, batch):
        """Starts archiving source/<iid>/<batch> without waiting for its end; returns once it runs."""
        status, _, body = self.c.request("/api/invoke/RunTemporaryProfile", {
            "instanceID": iid, "raw": "true", "properties": json.dumps({
                "name": batch, "connector": "emlDirectory",
                "details": {"path": self.c.source_dir(iid, batch), "targetUserFolder": "ann"}})})
        self.assertEqual(status, 200, body)
        self.assertEqual(json.loads(body)["statusCode"], "running", body)
        wait_until("the run under way", lambda: (self.run_of(iid, batch) or {}).get("result") == "running", 30,
                   0.05)

    def run_of(self, iid, profile, ended=False):
        runs = [r for r in self.c.ok("GetWorkerResults", instanceID=iid, fromIncluding="2000-01-01T00:00:00",
                                     toExcluding="2100-01-01T00:00:00", timeZoneID="$Local")
                if r.get("profileName") == profile]
        if not runs:
            return None
        return runs[-1] if not ended or runs[-1].get("result") not in (None, "running") else None

    def unreachable(self, iid):
        info = self.c.ok("GetInstances", instanceFilter=iid)[0]
        return info if info["status"] == "error" else None

    def try_login(self, iid, address=cluster.ADDRESSES["lb"]):
        try:
            m = imaps(address, timeout=10)
            m.login("%s/ann" % iid, PASSWORD)
            return m
        except (imaplib.IMAP4.error, OSError):
            return None

    def web_login(self, iid):
        status, _, body = curl("%s/%s/api/login" % (self.c.web_url, iid), data={"userName": "ann", "password": PASSWORD})
        return status, body


if __name__ == "__main__":
    unittest.main()
