"""Replacing the self-signed certificates as docs/operations.md
("Certificates") tells an administrator, with real processes and a test CA
made with openssl: the CAS's public certificate (certificateFile/keyFile,
then IMAPS and Web Access show it and verify against the CA), an Instance
Host's role certificate (refused until paired again under its new
thumbprint, then its instance is reachable through the CAS again), and the
Management Server's certificate (every role's managementServer.thumbprint
changed, roles restarted; spe-cli pins the new thumbprint and refuses the
old one)."""
import hashlib
import json
import os
import shutil
import signal
import socket
import ssl
import subprocess
import unittest

from harness import ADMIN_PASSWORD, BIN, Platform, WebAccess, curl, wait_until

PASSWORD = "Cert-Replace-Pass1"


def openssl(*args, cwd):
    subprocess.run(["openssl"] + list(args), check=True, capture_output=True, cwd=cwd)


def make_ca(directory):
    openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "ca.key",
            "-out", "ca.pem", "-days", "2", "-subj", "/CN=SPE Test CA", "-addext", "basicConstraints=critical,CA:TRUE",
            "-addext", "keyUsage=critical,keyCertSign,cRLSign", cwd=directory)
    return os.path.join(directory, "ca.pem")


def make_signed(directory, name):
    """A key and a certificate for 127.0.0.1 signed by the test CA; returns
    (chain file: the certificate then the CA's, key file)."""
    with open(os.path.join(directory, name + ".ext"), "w") as f:
        f.write("subjectAltName=IP:127.0.0.1,DNS:localhost\n")
    openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", name + ".key",
            "-out", name + ".csr", "-subj", "/CN=127.0.0.1", cwd=directory)
    openssl("x509", "-req", "-in", name + ".csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
            "-out", name + ".crt", "-days", "2", "-extfile", name + ".ext", cwd=directory)
    chain = os.path.join(directory, name + "-chain.pem")
    with open(chain, "wb") as out:
        for part in (name + ".crt", "ca.pem"):
            with open(os.path.join(directory, part), "rb") as f:
                out.write(f.read())
    key = os.path.join(directory, name + ".key")
    os.chmod(key, 0o600)
    return chain, key


def thumbprint_of_pem(path):
    with open(path) as f:
        pem = f.read()
    first = pem[:pem.index("-----END CERTIFICATE-----") + len("-----END CERTIFICATE-----")]
    return hashlib.sha256(ssl.PEM_cert_to_DER_cert(first)).hexdigest()


def verified_handshake(port, ca_file):
    """A TLS handshake that checks the certificate against the CA and the name 127.0.0.1."""
    ctx = ssl.create_default_context(cafile=ca_file)
    with socket.create_connection(("127.0.0.1", port), timeout=10) as raw:
        with ctx.wrap_socket(raw, server_hostname="127.0.0.1") as s:
            return s.getpeercert()["subject"]


class CertificatesTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.p = p = Platform()
        cls.addClassCleanup(p.stop)
        p.ok("CreateInstance", config={"instanceID": "certs", "instanceHost": "127.0.0.1", "startMode": "automatic"})
        p.ok("StartInstances", instanceFilter="certs")
        p.ok("CreateUser", instanceID="certs", userName="alice", privileges="none", password=PASSWORD,
             loginPrivileges="web")
        cls.pki = p.path("pki")
        os.makedirs(cls.pki)
        cls.ca = make_ca(cls.pki)

    def cli(self, thumbprint, *args):
        return subprocess.run([os.path.join(BIN, "spe-cli"), "-s", "127.0.0.1:%d" % self.p.ports["api"], "-u", "admin",
                               "-t", thumbprint] + list(args), env=dict(os.environ, SPE_CLI_PASSWORD=ADMIN_PASSWORD),
                              capture_output=True, text=True, timeout=120)

    def web_login_works(self):
        """Alice logs in to Web Access through the CAS and searches; after a
        role changed its certificate this works within a few heartbeats."""
        web = WebAccess(self.p, "certs")

        def search():
            status, hdrs, raw = curl(web.url("api/login"), data={"userName": "alice", "password": PASSWORD})
            if status != 200:
                return False
            session = {"cookie": hdrs["set-cookie"][0].split(";")[0], "csrf": json.loads(raw)["csrfToken"]}
            return web.call(session, "search", {"query": "x"})[0] == 200

        wait_until("a Web Access search through the CAS", search, seconds=30)

    def all_roles_active(self):
        infos = self.p.ok("GetServiceStatus")["serverInfos"]
        return len(infos) == 3 and all(s["active"] for s in infos)

    def test_01_the_public_certificate_of_a_cas(self):
        p = self.p
        with self.assertRaises(ssl.SSLCertVerificationError):
            verified_handshake(p.ports["imaps"], self.ca)  # the self-signed one of the first start
        chain, key = make_signed(self.pki, "cas-public")
        # The guide's check that key and certificate belong together.
        pubkeys = [subprocess.run(cmd, shell=True, check=True, capture_output=True).stdout for cmd in (
            "openssl x509 -in %s -noout -pubkey | openssl sha256" % chain,
            "openssl pkey -in %s -pubout | openssl sha256" % key)]
        self.assertEqual(pubkeys[0], pubkeys[1])
        p.reconfigure("cas", certificateFile=chain, keyFile=key)
        for port in (p.ports["imaps"], p.ports["https"]):
            self.assertIn(((("commonName", "127.0.0.1"),)), verified_handshake(port, self.ca))
        self.web_login_works()  # nothing to pair: the role certificate is the same
        self.assertEqual(p.ok("GetClientAccessServers", withServiceStatus=False)[0]["serverCertificate"]["thumbprint"],
                         p.cas_thumbprint)

    def test_02_the_role_certificate_of_an_instance_host(self):
        p = self.p
        chain, key = make_signed(self.pki, "host-role")
        p.kill("instancehost", signal.SIGTERM)
        shutil.copyfile(chain, p.path("instancehost", "tls", "cert.pem"))
        shutil.copyfile(key, p.path("instancehost", "tls", "key.pem"))
        new_tp = subprocess.run([os.path.join(BIN, "spe-instancehost"), "--config", p.conf["instancehost"],
                                 "--show-thumbprint"], check=True, capture_output=True, text=True).stdout.strip()
        self.assertEqual(new_tp, thumbprint_of_pem(chain))
        self.assertNotEqual(new_tp, p.host_thumbprint)
        p.start("instancehost")
        # Refused until paired again: the Management Server pins the old thumbprint.
        hosts = {s["serverType"]: s for s in p.ok("GetServiceStatus")["serverInfos"]}
        self.assertFalse(hosts["instanceHost"]["active"])
        out = self.cli(p.mgmt_thumbprint, "-c", "PairWithManagementServer", "--serverType=instanceHost",
                       "--serverName=127.0.0.1", "--port=%d" % p.ports["host"], "--thumbprint=" + new_tp)
        self.assertEqual(out.returncode, 0, out.stderr)
        wait_until("every role active", self.all_roles_active)
        wait_until("the instance running", lambda: p.ok("GetInstances", instanceFilter="certs")[0]["status"] ==
                   "running")
        self.web_login_works()  # the CAS has the host's new thumbprint

    def test_03_the_certificate_of_the_management_server(self):
        p = self.p
        chain, key = make_signed(self.pki, "management")
        old_tp = p.mgmt_thumbprint
        for role in ("cas", "instancehost", "management"):
            p.kill(role, signal.SIGTERM)
        shutil.copyfile(chain, p.path("management", "tls", "cert.pem"))
        shutil.copyfile(key, p.path("management", "tls", "key.pem"))
        new_tp = subprocess.run([os.path.join(BIN, "spe-management"), "--config", p.conf["management"],
                                 "--show-thumbprint"], check=True, capture_output=True, text=True).stdout.strip()
        self.assertEqual(new_tp, thumbprint_of_pem(chain))
        p.start("management")
        mgmt = {"serverName": "127.0.0.1", "port": p.ports["role"], "thumbprint": new_tp}
        for role in ("instancehost", "cas"):
            with open(p.conf[role]) as f:
                conf = json.load(f)
            conf["managementServer"] = mgmt
            with open(p.conf[role], "w") as f:
                json.dump(conf, f)
            p.start(role)
        wait_until("every role active", self.all_roles_active)
        self.assertIn(((("commonName", "127.0.0.1"),)), verified_handshake(p.ports["api"], self.ca))
        self.assertEqual(self.cli(new_tp, "-c", "Ping").returncode, 0)
        refused = self.cli(old_tp, "-c", "Ping")
        self.assertEqual(refused.returncode, 1, refused.stdout)
        wait_until("the instance running", lambda: p.ok("GetInstances", instanceFilter="certs")[0]["status"] ==
                   "running")
        self.web_login_works()


if __name__ == "__main__":
    unittest.main()
