"""Limits that keep one hostile caller or one stuck instance from costing
anyone else anything, with the real daemons:

- TLS 1.2 offers only ECDHE with AES-GCM or ChaCha20-Poly1305 on every
  public port (API, IMAP STARTTLS, IMAPS, Web Access) and every role port:
  CBC, SHA-1 and suites without forward secrecy are refused;
- connections not logged in are capped per address (the API, and the CAS's
  IMAP, IMAPS and Web Access together): the one over the cap is closed at
  once (IMAP says "* BYE Too many connections"), sessions already logged
  in carry on, and the slots come back when connections close or time out;
- an instance whose process is stopped (SIGSTOP) holds at most a few Web
  Access requests and IMAP logins of the CAS (more are refused at once),
  each waits only instanceTimeoutSeconds, and meanwhile another tenant's
  Web Access login and search and IMAP login answer at once;
- LIST with a 1,000-character hostile pattern answers at once.
The CAS and the Management Server run here with small caps (cas.json,
management.json) so the tests stay quick."""
import http.client
import imaplib
import json
import os
import signal
import socket
import ssl
import threading
import time
import unittest

from harness import ADMIN_PASSWORD, Platform

PASSWORD = "Corr3ct-Horse-Battery"
API_PER_ADDRESS = 8
CAS_PER_ADDRESS = 24
WEB_PER_INSTANCE = 4
WEB_WAITING = 3  # in line behind them
IMAP_PER_INSTANCE = 2
INSTANCE_TIMEOUT = 6


def client_context(cipher=None, cert=None):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    if cipher:
        ctx.minimum_version = ssl.TLSVersion.TLSv1_2
        ctx.maximum_version = ssl.TLSVersion.TLSv1_2
        ctx.set_ciphers(cipher + ":@SECLEVEL=0")
    if cert:
        ctx.load_cert_chain(*cert)
    return ctx


def refused_at_once(sock, timeout=5.0):
    """True when the server closes the connection (or sends BYE and closes)
    without waiting for the client; False when it waits for the client."""
    sock.settimeout(timeout)
    data = b""
    try:
        while True:
            chunk = sock.recv(4096)
            if not chunk:
                return True, data
            data += chunk
    except socket.timeout:
        return False, data
    except ConnectionResetError:
        return True, data


class LimitsTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.p = Platform()
        cls.reconfigure("management", unauthenticatedConnectionsPerAddress=API_PER_ADDRESS)
        cls.reconfigure("cas", unauthenticatedConnectionsPerAddress=CAS_PER_ADDRESS,
                        webRequestsPerInstance=WEB_PER_INSTANCE, webWaitingPerInstance=WEB_WAITING,
                        imapLoginsPerInstance=IMAP_PER_INSTANCE,
                        instanceTimeoutSeconds=INSTANCE_TIMEOUT)
        for iid in ("acme", "globex"):
            cls.p.ok("CreateInstance", config={"instanceID": iid, "instanceHost": "127.0.0.1", "startMode": "manual"})
            cls.p.ok("StartInstances", instanceFilter=iid)
            cls.p.ok("CreateUser", instanceID=iid, userName="alice", privileges="none", password=PASSWORD,
                     loginPrivileges="web,imap")
        deadline = time.time() + 30
        while not all(cls.web("GET", "/%s/" % iid)[0] == 200 for iid in ("acme", "globex")):
            if time.time() > deadline:
                raise AssertionError("the CAS never routed to the instances")
            time.sleep(0.3)

    @classmethod
    def tearDownClass(cls):
        cls.p.stop()

    @classmethod
    def reconfigure(cls, name, **keys):
        cls.p.reconfigure(name, **keys)

    @classmethod
    def web(cls, method, path, body=None, headers=None, timeout=30):
        conn = http.client.HTTPSConnection("127.0.0.1", cls.p.ports["https"], context=client_context(), timeout=timeout)
        try:
            data = json.dumps(body).encode() if body is not None else None
            conn.request(method, path, body=data, headers=dict(headers or {}, **(
                {"Content-Type": "application/json"} if data else {})))
            r = conn.getresponse()
            return r.status, r.getheader("Set-Cookie"), r.read()
        finally:
            conn.close()

    @classmethod
    def web_login(cls, iid, timeout=30):
        return cls.web("POST", "/%s/api/login" % iid, {"userName": "alice", "password": PASSWORD}, timeout=timeout)

    def imaps(self, timeout=30):
        return imaplib.IMAP4_SSL("127.0.0.1", self.p.ports["imaps"], ssl_context=client_context(), timeout=timeout)

    def handshake(self, port, cipher, cert=None, starttls=False):
        """True when a TLS 1.2 handshake offering only `cipher` succeeds."""
        with socket.create_connection(("127.0.0.1", port), timeout=10) as raw:
            if starttls:
                f = raw.makefile("rb")
                f.readline()
                raw.sendall(b"s STARTTLS\r\n")
                self.assertTrue(f.readline().startswith(b"s OK"))
            try:
                with client_context(cipher, cert).wrap_socket(raw) as s:
                    return s.cipher()[0] == cipher
            except (ssl.SSLError, ConnectionResetError):
                return False

    def test_1_tls12_only_aead_with_forward_secrecy(self):
        mgmt = (self.p.path("management", "tls", "cert.pem"), self.p.path("management", "tls", "key.pem"))
        host = (self.p.path("instancehost", "tls", "cert.pem"), self.p.path("instancehost", "tls", "key.pem"))
        ports = [("api", self.p.ports["api"], None, False), ("https", self.p.ports["https"], None, False),
                 ("imaps", self.p.ports["imaps"], None, False), ("imap STARTTLS", self.p.ports["imap"], None, True),
                 ("management role port", self.p.ports["role"], host, False),
                 ("host role port", self.p.ports["host"], mgmt, False),
                 ("CAS role port", self.p.ports["cas"], mgmt, False)]
        good = ["ECDHE-ECDSA-AES128-GCM-SHA256", "ECDHE-ECDSA-AES256-GCM-SHA384", "ECDHE-ECDSA-CHACHA20-POLY1305"]
        bad = ["ECDHE-ECDSA-AES128-SHA",     # CBC with SHA-1, even with forward secrecy
               "ECDHE-ECDSA-AES128-SHA256",  # CBC
               "AES128-GCM-SHA256",          # no forward secrecy (RSA key exchange)
               "AES128-SHA", "DES-CBC3-SHA"]
        for name, port, cert, starttls in ports:
            for cipher in good:
                self.assertTrue(self.handshake(port, cipher, cert, starttls), "%s refused %s" % (name, cipher))
            for cipher in bad:
                self.assertFalse(self.handshake(port, cipher, cert, starttls), "%s accepted %s" % (name, cipher))

    def test_2_api_caps_connections_not_logged_in(self):
        auth = "Basic " + __import__("base64").b64encode(("admin:" + ADMIN_PASSWORD).encode()).decode()
        logged_in = http.client.HTTPSConnection("127.0.0.1", self.p.ports["api"], context=client_context(), timeout=30)
        logged_in.request("POST", "/api/invoke/GetServiceStatus", body=b"", headers={"Authorization": auth})
        self.assertEqual(logged_in.getresponse().read()[:3], b"\xef\xbb\xbf")  # an envelope: logged in
        flood = [socket.create_connection(("127.0.0.1", self.p.ports["api"])) for _ in range(API_PER_ADDRESS)]
        try:
            for s in flood[:2]:
                self.assertFalse(refused_at_once(s, 0.5)[0])  # these wait for their TLS handshake
            extra = socket.create_connection(("127.0.0.1", self.p.ports["api"]))
            start = time.time()
            self.assertTrue(refused_at_once(extra)[0])
            self.assertLess(time.time() - start, 2)
            extra.close()
            # The session that logged in before carries on.
            logged_in.request("POST", "/api/invoke/GetServiceStatus", body=b"", headers={"Authorization": auth})
            r = logged_in.getresponse()
            self.assertEqual(r.status, 200)
            r.read()
        finally:
            for s in flood:
                s.close()
            logged_in.close()
        self.assertIn("over the limits of connections not logged in", self.p.log("management"))
        deadline = time.time() + 10  # closed connections give their slots back
        while True:
            try:
                self.assertEqual(self.p.invoke("GetServiceStatus")["statusCode"], "succeeded")
                break
            except (OSError, http.client.HTTPException, AssertionError):
                if time.time() > deadline:
                    raise
                time.sleep(0.2)

    def test_3_cas_caps_connections_not_logged_in(self):
        session = self.imaps()
        session.login("globex/alice", PASSWORD)
        flood = [socket.create_connection(("127.0.0.1", self.p.ports["imap"])) for _ in range(CAS_PER_ADDRESS)]
        try:
            for s in flood:  # each greeted: accepted and counted
                s.settimeout(10)
                self.assertTrue(s.recv(100).startswith(b"* OK"))
            extra = socket.create_connection(("127.0.0.1", self.p.ports["imap"]))
            refused, data = refused_at_once(extra)
            self.assertTrue(refused)
            self.assertTrue(data.startswith(b"* BYE Too many connections"), data)
            extra.close()
            for port in (self.p.ports["https"], self.p.ports["imaps"]):  # one count for every public port
                extra = socket.create_connection(("127.0.0.1", port))
                self.assertTrue(refused_at_once(extra)[0])
                extra.close()
            self.assertEqual(session.noop()[0], "OK")  # logged in: not counted, not refused
            self.assertEqual(session.list()[0], "OK")
        finally:
            for s in flood:
                s.close()
        session.logout()
        deadline = time.time() + 10
        while True:
            try:
                m = self.imaps(timeout=5)
                m.login("globex/alice", PASSWORD)
                m.logout()
                break
            except (OSError, imaplib.IMAP4.error):
                if time.time() > deadline:
                    raise
                time.sleep(0.2)

    def test_4_idle_connections_before_tls_time_out(self):
        # Web Access and the API give a client 15 s for its TLS handshake.
        for port in (self.p.ports["https"], self.p.ports["api"]):
            s = socket.create_connection(("127.0.0.1", port))
            start = time.time()
            refused, _ = refused_at_once(s, timeout=30)
            s.close()
            self.assertTrue(refused)
            self.assertLess(time.time() - start, 25)

    def test_5_a_stopped_instance_costs_other_tenants_nothing(self):
        pid = self.p.ok("GetInstances", instanceFilter="acme")[0]["processID"]
        self.assertEqual(self.web_login("acme")[0], 200)
        results = {"web": [], "imap": []}
        lock = threading.Lock()

        def web_hog():
            start = time.time()
            try:
                status = self.web_login("acme", timeout=60)[0]
            except OSError as e:
                status = repr(e)
            with lock:
                results["web"].append((status, time.time() - start))

        def imap_hog():
            start = time.time()
            try:
                m = self.imaps(timeout=60)
                try:
                    m.login("acme/alice", PASSWORD)
                    outcome = "OK"
                except imaplib.IMAP4.error as e:
                    outcome = str(e)
                m.shutdown()
            except OSError as e:
                outcome = repr(e)
            with lock:
                results["imap"].append((outcome, time.time() - start))

        os.kill(pid, signal.SIGSTOP)
        try:
            hogs = [threading.Thread(target=web_hog) for _ in range(WEB_PER_INSTANCE + WEB_WAITING + 2)]
            hogs += [threading.Thread(target=imap_hog) for _ in range(IMAP_PER_INSTANCE + 1)]
            for t in hogs:
                t.start()
            # The requests over the caps (out and in line) are refused at once ("busy").
            deadline = time.time() + 10
            while True:
                with lock:
                    busy_web = [r for r in results["web"] if r[0] == 503]
                    busy_imap = [r for r in results["imap"] if "busy" in r[0]]
                if len(busy_web) >= 2 and len(busy_imap) >= 1:
                    break
                self.assertLess(time.time(), deadline, results)
                time.sleep(0.05)
            for r in busy_web + busy_imap:
                self.assertLess(r[1], 3, results)
            # Meanwhile the other tenant is served at once, by Web Access and IMAP.
            start = time.time()
            status, cookie, body = self.web_login("globex", timeout=10)
            self.assertEqual(status, 200, body)
            csrf = json.loads(body)["csrfToken"]
            status, _, body = self.web("POST", "/globex/api/search", {"query": "anything"},
                                       {"Cookie": cookie.split(";")[0], "X-CSRF-Token": csrf}, timeout=10)
            self.assertEqual(status, 200, body)
            m = self.imaps(timeout=10)
            m.login("globex/alice", PASSWORD)
            self.assertEqual(m.list()[0], "OK")
            m.logout()
            self.assertLess(time.time() - start, 5)
            # Those waiting on the stopped instance give up after instanceTimeoutSeconds.
            for t in hogs:
                t.join(timeout=INSTANCE_TIMEOUT + 30)
            for outcome, took in results["web"] + results["imap"]:
                self.assertLess(took, INSTANCE_TIMEOUT + 10, results)
                self.assertNotEqual(outcome, 200)
                self.assertNotEqual(outcome, "OK")
        finally:
            try:
                os.kill(pid, signal.SIGCONT)
            except ProcessLookupError:
                pass
        deadline = time.time() + 30  # and the instance answers again once it runs
        while self.web_login("acme")[0] != 200:
            self.assertLess(time.time(), deadline)
            time.sleep(0.3)

    def test_6_hostile_list_pattern(self):
        m = self.imaps()
        m.login("globex/alice", PASSWORD)
        for pattern in ("*" * 1000 + "Z", "%" * 999 + "Z", ("*a%" * 333) + "Z"):
            start = time.time()
            typ, _ = m.list('""', '"%s"' % pattern)
            self.assertEqual(typ, "OK")
            self.assertLess(time.time() - start, 2, pattern[:20])
        self.assertEqual(m.noop()[0], "OK")
        m.logout()


if __name__ == "__main__":
    unittest.main()
