"""Metrics and health of every role (docs/metrics.md, "Metrics and
health"), read as Prometheus would: curl fetches /metrics over TLS from each
role's monitoring port and Python's prometheus_client parser (Debian's
python3-prometheus-client) reads the text format. After mail is archived
(twice: duplicates), IMAP and Web Access logins (right and wrong), a search,
a Management API call and a TLS handshake that fails, each of these shows up
as the series the guide names, with the instance's label where an Instance
Host serves an instance's metrics. /health answers 200 with what it checked,
reports the Management Server unreachable while it is down, and a bearer
token guards /metrics but not /health."""
import imaplib
import json
import re
import socket
import time
import unittest

from prometheus_client.parser import text_string_to_metric_families

import mailgen
from harness import Platform, WebAccess, curl, insecure_context, wait_port

IID = "acme"
PASSWORD = "Corr3ct-Horse-Battery"
NAME = re.compile(r"^[a-zA-Z_:][a-zA-Z0-9_:]*$")


def scrape(p, role, headers=()):
    """{(sample name, frozenset of labels): value} of a role's /metrics, and the raw text."""
    status, hdrs, body = curl(p.metrics_url(role), headers=headers)
    assert status == 200, (status, body[:300])
    assert hdrs["content-type"][0].startswith("text/plain; version=0.0.4"), hdrs
    text = body.decode()
    samples = {}
    families = {}
    for family in text_string_to_metric_families(text):
        families[family.name] = family.type
        for s in family.samples:
            samples[(s.name, frozenset(s.labels.items()))] = s.value
    return samples, families, text


def value(samples, name, **labels):
    """The value of the one series `name` with (at least) these labels; None when absent."""
    found = [v for (n, ls), v in samples.items() if n == name and set(labels.items()) <= set(ls)]
    return sum(found) if found else None


class MetricsTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.p = Platform()
        cls.addClassCleanup(cls.p.stop)
        p = cls.p
        p.ok("CreateInstance", config={"instanceID": IID, "instanceHost": "127.0.0.1", "startMode": "manual"})
        p.ok("StartInstances", instanceFilter=IID)
        p.ok("CreateUser", instanceID=IID, userName="alice", privileges="login", loginPrivileges="web,imap",
             password=PASSWORD)
        p.ok("SetUserPrivilegesOnFolder", instanceID=IID, userName="alice", folder="alice", privileges="read")
        src = p.source_dir("mail")
        mailgen.write_eml_tree(src, 12, folders=("Inbox",))
        profile = {"name": "eml", "connector": "emlDirectory",
                   "details": {"path": src, "targetUserFolder": "alice"}}
        cls.first = p.ok("RunTemporaryProfile", instanceID=IID, raw=True, properties=profile)
        cls.second = p.ok("RunTemporaryProfile", instanceID=IID, raw=True, properties=profile)  # all duplicates
        # End users: IMAP through the CAS (once the CAS routes), a wrong
        # password, a search; Web Access; a TLS handshake that fails.
        deadline = time.time() + 30
        while True:
            try:
                cls.imap = imaplib.IMAP4_SSL("127.0.0.1", p.ports["imaps"], ssl_context=insecure_context(), timeout=30)
                cls.imap.login("%s/alice" % IID, PASSWORD)
                break
            except imaplib.IMAP4.error:
                if time.time() > deadline:
                    raise
                time.sleep(0.5)
        cls.addClassCleanup(cls.close_imap)
        typ, data = cls.imap.select("INBOX", readonly=True)
        assert typ == "OK", data
        typ, cls.found = cls.imap.search(None, "TEXT", "message")
        assert typ == "OK", cls.found
        wrong = imaplib.IMAP4_SSL("127.0.0.1", p.ports["imaps"], ssl_context=insecure_context(), timeout=30)
        try:
            wrong.login("%s/alice" % IID, "not the password")
        except imaplib.IMAP4.error:
            pass
        wrong.logout()
        web = WebAccess(p, IID)
        web.login({"userName": "alice", "password": PASSWORD})
        with socket.create_connection(("127.0.0.1", p.ports["imaps"])) as raw:
            raw.sendall(b"GET / HTTP/1.0\r\n\r\n")  # not TLS: the handshake fails
            raw.settimeout(30)
            try:
                while raw.recv(4096):
                    pass
            except OSError:
                pass

    @classmethod
    def close_imap(cls):
        try:
            cls.imap.logout()
        except (OSError, imaplib.IMAP4.error):
            pass  # test_06 restarted the CAS under it

    def test_01_every_role_serves_forty_series_by_prometheus_rules(self):
        for role in ("management", "instancehost", "cas"):
            samples, families, text = scrape(self.p, role)
            self.assertGreaterEqual(len(samples), 40, "%s serves only %d series" % (role, len(samples)))
            for (name, labels), _ in samples.items():
                self.assertRegex(name, NAME)
                for label, _v in labels:
                    self.assertRegex(label, r"^[a-zA-Z_][a-zA-Z0-9_]*$")
            for name, kind in families.items():
                if kind == "counter":  # the parser names a counter's family without _total
                    self.assertIn(name + "_total", text, name)
            self.assertIsNotNone(value(samples, "spe_build_info"), role)
            self.assertGreater(value(samples, "process_resident_memory_bytes"), 0, role)
            self.assertGreater(value(samples, "spe_filesystem_avail_bytes", directory="data"), 0, role)

    def test_02_management_server(self):
        self.p.ok("GetInstances", instanceFilter="*")
        samples, _, _ = scrape(self.p, "management")
        self.assertGreaterEqual(value(samples, "spe_api_requests_total", function="GetInstances", status="ok"), 1)
        self.assertGreaterEqual(value(samples, "spe_api_request_duration_seconds_count", function="GetInstances"), 1)
        self.assertGreaterEqual(value(samples, "spe_management_authentications_total", interface="api",
                                      result="accepted"), 1)
        self.assertEqual(value(samples, "spe_instances", state="running"), 1)
        self.assertEqual(value(samples, "spe_instances", state="stopped"), 0)
        self.assertEqual(value(samples, "spe_role_servers", role="instanceHost", state="live"), 1)
        self.assertEqual(value(samples, "spe_role_servers", role="clientAccessServer", state="live"), 1)
        self.assertEqual(value(samples, "spe_administrators"), 1)
        with self.assertRaisesRegex(AssertionError, "HTTP 404"):
            self.p.invoke("NoSuchFunction")
        samples, _, _ = scrape(self.p, "management")
        self.assertGreaterEqual(value(samples, "spe_api_requests_total", function="unknown", status="notFound"), 1)

    def test_03_instance_host_serves_its_instances(self):
        samples, _, _ = scrape(self.p, "instancehost")
        archived = self.first["itemsArchived"]
        self.assertEqual(archived, 12)
        self.assertEqual(value(samples, "spe_archived_messages_total", instance=IID), archived)
        self.assertGreater(value(samples, "spe_archived_bytes_total", instance=IID), 12 * 100)
        self.assertEqual(value(samples, "spe_archive_duplicates_total", instance=IID), 12)
        self.assertEqual(value(samples, "spe_worker_results_total", instance=IID), 2)  # both runs
        self.assertGreaterEqual(value(samples, "spe_worker_results_total", instance=IID, result="succeeded"), 1)
        self.assertEqual(value(samples, "spe_store_messages", instance=IID, store="DefaultFileGroup"), 12)
        self.assertGreater(value(samples, "spe_store_bytes", instance=IID, part="content"), 0)
        self.assertIsNotNone(value(samples, "spe_index_lag_messages", instance=IID))
        self.assertGreaterEqual(value(samples, "spe_search_duration_seconds_count", instance=IID), 1)
        self.assertGreaterEqual(value(samples, "spe_end_user_logins_total", instance=IID, service="imap",
                                      result="accepted"), 1)
        self.assertGreaterEqual(value(samples, "spe_end_user_logins_total", instance=IID, service="imap",
                                      result="refused"), 1)
        self.assertGreaterEqual(value(samples, "spe_end_user_logins_total", instance=IID, service="web",
                                      result="accepted"), 1)
        self.assertEqual(value(samples, "spe_imap_sessions", instance=IID), 1)  # the class's session
        self.assertGreaterEqual(value(samples, "spe_web_sessions", instance=IID), 1)
        self.assertGreater(value(samples, "spe_instance_process_resident_memory_bytes", instance=IID), 0)
        self.assertGreater(value(samples, "spe_instance_process_cpu_seconds_total", instance=IID), 0)
        self.assertEqual(value(samples, "spe_instance_metrics_up", instance=IID), 1)
        self.assertEqual(value(samples, "spe_host_instances", state="running"), 1)
        self.assertGreater(value(samples, "spe_filesystem_avail_bytes", directory="instances"), 0)

    def test_04_client_access_server(self):
        samples, _, _ = scrape(self.p, "cas")
        self.assertGreaterEqual(value(samples, "spe_cas_connections_total", service="imaps"), 3)
        self.assertGreaterEqual(value(samples, "spe_cas_connections_total", service="web"), 1)
        self.assertGreaterEqual(value(samples, "spe_cas_connections", service="imaps"), 1)  # the open session
        self.assertGreaterEqual(value(samples, "spe_tls_handshake_failures_total", listener="imap"), 1)
        self.assertGreaterEqual(value(samples, "spe_cas_route_names"), 1)
        self.assertGreaterEqual(value(samples, "spe_cas_imap_logins_total", result="accepted"), 1)
        self.assertGreaterEqual(value(samples, "spe_cas_imap_logins_total", result="refused"), 1)
        self.assertGreaterEqual(value(samples, "spe_cas_web_requests_total", code="2xx"), 1)
        self.assertGreaterEqual(value(samples, "spe_cas_web_request_duration_seconds_count"), 1)
        self.assertEqual(value(samples, "spe_cas_route_hosts"), 1)

    def health(self, role):
        status, _, body = curl(self.p.metrics_url(role, "health"))
        return status, json.loads(body)

    def wait_health(self, role, want, seconds=40):
        deadline = time.time() + seconds
        while True:
            status, body = self.health(role)
            if body["status"] == want or time.time() > deadline:
                return status, body
            time.sleep(0.5)

    def test_05_health_and_the_management_server_away(self):
        for role in ("management", "instancehost", "cas"):
            status, body = self.wait_health(role, "ok")
            self.assertEqual((status, body["status"]), (200, "ok"), (role, body))
        self.assertEqual(self.health("management")[1]["checks"]["database"], "ok")
        self.p.kill("management")
        try:
            for role in ("instancehost", "cas"):
                status, body = self.wait_health(role, "degraded")
                self.assertEqual((status, body["status"]), (200, "degraded"), (role, body))
                self.assertEqual(body["checks"]["managementServer"], "unreachable")
            self.assertEqual(self.health("cas")[1]["checks"]["routingTable"], "ok")  # it still routes
        finally:
            self.p.start("management")
        for role in ("instancehost", "cas"):
            self.assertEqual(self.wait_health(role, "ok")[1]["status"], "ok", role)

    def test_06_bearer_token_methods_and_paths(self):
        token = "metrics-token-0123456789"
        self.p.reconfigure("cas", metricsBearerToken=token)
        wait_port(self.p.ports["metrics_cas"])  # bound after the role port reconfigure() waits for
        status, hdrs, _ = curl(self.p.metrics_url("cas"))
        self.assertEqual(status, 401)
        self.assertIn("Bearer", hdrs["www-authenticate"][0])
        self.assertEqual(curl(self.p.metrics_url("cas"), headers=["Authorization: Bearer wrong-token-0123456789"])[0],
                         401)
        scrape(self.p, "cas", headers=["Authorization: Bearer " + token])
        self.assertEqual(curl(self.p.metrics_url("cas", "health"))[0], 200)  # health needs no token
        self.assertEqual(curl(self.p.metrics_url("cas", "nothing-here"))[0], 404)
        self.assertEqual(curl("-X", "POST", self.p.metrics_url("management"))[0], 405)


if __name__ == "__main__":
    unittest.main()
