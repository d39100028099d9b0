"""Three paired daemons: pairing over pinned mutual TLS, service status from
live connections, the Instance Host's directory functions, role registration
functions and refusal of unpaired certificates on 8471, 8472 and 8473."""
import os
import socket
import ssl
import struct
import time
import unittest

from harness import Platform, make_cert, server_thumbprint


class RolesTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.p = Platform()

    @classmethod
    def tearDownClass(cls):
        cls.p.stop()

    def setUp(self):
        for name in ("instancehost", "cas"):
            if name not in self.p.procs:
                self.p.start(name)

    def status(self):
        return self.p.ok("GetServiceStatus")

    def wait_active(self, server_type, active, timeout=15):
        deadline = time.time() + timeout
        while True:
            st = self.status()
            info = [s for s in st["serverInfos"] if s["serverType"] == server_type]
            if info and info[0]["active"] == active:
                return st
            if time.time() > deadline:
                self.fail("%s never became active=%s: %s" % (server_type, active, st))
            time.sleep(0.2)

    # ---------------------------------------------------------------- service status
    def test_service_status_shows_three_live_roles(self):
        st = self.wait_active("instanceHost", True)
        types = {s["serverType"]: s for s in st["serverInfos"]}
        self.assertEqual(set(types), {"managementServer", "instanceHost", "clientAccessServer"})
        for s in st["serverInfos"]:
            self.assertTrue(s["active"], s)
            self.assertEqual(set(s.keys()), {"serverName", "port", "serverCertificate", "serverType", "active",
                                             "systemProperties", "numberOfInstances", "numberOfRunningInstances"})
            self.assertEqual(len(s["serverCertificate"]["thumbprint"]), 64)
        self.assertEqual(types["instanceHost"]["serverCertificate"]["thumbprint"], self.p.host_thumbprint)
        self.assertEqual(types["instanceHost"]["numberOfInstances"], 0)
        self.assertIsNone(types["clientAccessServer"]["numberOfInstances"])
        self.assertEqual(types["managementServer"]["serverCertificate"]["thumbprint"], self.p.mgmt_thumbprint)
        self.assertEqual(server_thumbprint(self.p.ports["api"]), self.p.mgmt_thumbprint)
        self.assertEqual([m for m in st["messages"] if m["type"] == "error"], [])
        self.assertIn("environmentInfo", st)

    def test_heartbeats_reach_the_management_server(self):
        time.sleep(1.5)
        log = self.p.log("management")
        self.assertIn("heartbeat from 127.0.0.1", log)

    def test_killed_instance_host_is_reported_while_api_keeps_serving(self):
        self.wait_active("instanceHost", True)
        self.p.kill("instancehost")
        t0 = time.time()
        st = self.wait_active("instanceHost", False)
        self.assertLess(time.time() - t0, 10)
        errors = [m for m in st["messages"] if m["type"] == "error"]
        self.assertEqual(len(errors), 1, st["messages"])
        self.assertIn("Instance Host '127.0.0.1'", errors[0]["text"])
        self.assertIn("not reachable", errors[0]["text"])
        cas = [s for s in st["serverInfos"] if s["serverType"] == "clientAccessServer"][0]
        self.assertTrue(cas["active"])
        self.assertEqual(self.p.invoke("Ping")["statusCode"], "succeeded")
        env = self.p.invoke("GetDirectoriesOnInstanceHost", serverName="127.0.0.1")
        self.assertEqual(env["statusCode"], "failed")
        self.assertIn("not reachable", env["error"]["message"])
        self.p.start("instancehost")
        self.wait_active("instanceHost", True)

    def test_client_access_servers_with_service_status(self):
        plain = self.p.ok("GetClientAccessServers", withServiceStatus=False)
        self.assertEqual(plain, [{"serverName": "127.0.0.1", "port": self.p.ports["cas"],
                                  "serverCertificate": {"thumbprint": self.p.cas_thumbprint}}])
        with_status = self.p.ok("GetClientAccessServers", withServiceStatus=True)
        self.assertTrue(with_status[0]["serviceStatus"]["active"])
        self.assertEqual(self.p.ok("GetClientAccessServers", withServiceStatus=False, serverNameFilter="nope"), [])
        self.p.kill("cas")
        with_status = self.p.ok("GetClientAccessServers", withServiceStatus=True)
        self.assertFalse(with_status[0]["serviceStatus"]["active"])
        self.assertIn("not reachable", with_status[0]["serviceStatus"]["message"])

    # ---------------------------------------------------------------- directories
    def test_directories_on_instance_host(self):
        p = self.p
        p.ok("CreateDirectoryOnInstanceHost", serverName="127.0.0.1", path="customers/acme")
        p.ok("CreateDirectoryOnInstanceHost", serverName="127.0.0.1",
             path=os.path.join(p.base_directory, "customers", "beta"))
        top = p.ok("GetDirectoriesOnInstanceHost", serverName="127.0.0.1")
        self.assertIn({"name": "customers", "path": os.path.join(p.base_directory, "customers")}, top)
        sub = p.ok("GetDirectoriesOnInstanceHost", serverName="127.0.0.1", path="customers")
        self.assertEqual([d["name"] for d in sub], ["acme", "beta"])
        self.assertTrue(os.path.isdir(os.path.join(p.base_directory, "customers", "acme")))
        for bad in ["../escape", "/tmp", "customers/../../x", os.path.dirname(p.base_directory)]:
            env = p.invoke("CreateDirectoryOnInstanceHost", serverName="127.0.0.1", path=bad)
            self.assertEqual(env["statusCode"], "failed", bad)
            self.assertIn("outside", env["error"]["message"])
            env = p.invoke("GetDirectoriesOnInstanceHost", serverName="127.0.0.1", path=bad)
            self.assertEqual(env["statusCode"], "failed", bad)
        self.assertFalse(os.path.exists(os.path.join(p.dir, "escape")))
        env = p.invoke("GetDirectoriesOnInstanceHost", serverName="127.0.0.1", path="missing")
        self.assertIn("does not exist", env["error"]["message"])
        env = p.invoke("GetDirectoriesOnInstanceHost", serverName="nohost")
        self.assertIn("no Instance Host 'nohost'", env["error"]["message"])

    # ---------------------------------------------------------------- registration
    def test_instance_host_registration_functions(self):
        p = self.p
        hosts = p.ok("GetInstanceHosts")
        self.assertEqual(hosts, [{"serverName": "127.0.0.1", "port": p.ports["host"],
                                  "serverCertificate": {"thumbprint": p.host_thumbprint},
                                  "baseDirectory": p.base_directory}])
        tp = "ab" * 32
        p.ok("CreateInstanceHost", config={"serverName": "ih2.example.com", "port": 8472,
                                           "serverCertificate": {"thumbprint": tp.upper()}})
        self.assertEqual(p.ok("GetInstanceHosts", serverNameFilter="ih2.example.com")[0]["serverCertificate"],
                         {"thumbprint": tp})
        p.ok("SetInstanceHostConfiguration", config={"serverName": "ih2.example.com", "port": 9472,
                                                     "serverCertificate": {"thumbprint": tp},
                                                     "baseDirectory": "/srv/spe"})
        h = p.ok("GetInstanceHosts", serverNameFilter="ih2.example.com")[0]
        self.assertEqual((h["port"], h["baseDirectory"]), (9472, "/srv/spe"))
        # an unreachable registered host is an error in the service status
        texts = [m["text"] for m in p.ok("GetServiceStatus")["messages"] if m["type"] == "error"]
        self.assertTrue(any("ih2.example.com" in t for t in texts), texts)
        bad = [
            ({"serverName": "ih2.example.com", "port": 8472, "serverCertificate": {"thumbprint": tp}}, "already"),
            ({"serverName": "x", "port": 0, "serverCertificate": {"thumbprint": tp}}, "config.port"),
            ({"serverName": "x", "port": 8472, "serverCertificate": {"thumbprint": "xyz"}}, "thumbprint"),
            ({"serverName": "x y", "port": 8472, "serverCertificate": {"thumbprint": tp}}, "server name"),
            ({"serverName": "x", "port": 8472}, "serverCertificate"),
            ({"serverName": "x", "port": 8472, "serverCertificate": {"thumbprint": tp}, "extra": 1}, "config.extra"),
        ]
        for cfg, word in bad:
            env = p.invoke("CreateInstanceHost", config=cfg)
            self.assertEqual(env["statusCode"], "failed", cfg)
            self.assertIn(word, env["error"]["message"])
        env = p.invoke("SetInstanceHostConfiguration", config={"serverName": "ih9", "port": 1,
                                                               "serverCertificate": {"thumbprint": tp}})
        self.assertIn("no Instance Host 'ih9'", env["error"]["message"])
        env = p.invoke("SetInstanceHostConfiguration", config={"serverName": "ih2.example.com", "port": 1,
                                                               "serverCertificate": {"thumbprint": tp},
                                                               "baseDirectory": "relative/dir"})
        self.assertIn("absolute", env["error"]["message"])
        p.ok("DeleteInstanceHost", serverName="ih2.example.com")
        self.assertEqual(p.ok("GetInstanceHosts", serverNameFilter="ih2.example.com"), [])
        self.assertIn("no Instance Host", p.invoke("DeleteInstanceHost", serverName="ih2.example.com")
                      ["error"]["message"])

    def test_client_access_server_registration_functions(self):
        p = self.p
        tp = "cd" * 32
        p.ok("CreateClientAccessServer", config={"serverName": "cas2", "port": 8473,
                                                 "serverCertificate": {"thumbprint": tp}})
        p.ok("SetClientAccessServerConfiguration", config={"serverName": "cas2", "port": 9473,
                                                           "serverCertificate": {"thumbprint": tp}})
        got = p.ok("GetClientAccessServers", serverNameFilter="cas2", withServiceStatus=False)
        self.assertEqual(got, [{"serverName": "cas2", "port": 9473, "serverCertificate": {"thumbprint": tp}}])
        env = p.invoke("SetClientAccessServerConfiguration", config={"serverName": "cas2", "port": 9473,
                                                                      "serverCertificate": {"thumbprint": tp},
                                                                      "baseDirectory": "/x"})
        self.assertIn("config.baseDirectory", env["error"]["message"])
        p.ok("DeleteClientAccessServer", serverName="cas2")
        self.assertIn("no Client Access Server", p.invoke("DeleteClientAccessServer", serverName="cas2")
                      ["error"]["message"])

    def test_pair_with_management_server(self):
        p = self.p
        # Re-pairing the running host with its real thumbprint verifies the connection.
        p.ok("PairWithManagementServer", serverType="instanceHost", serverName="127.0.0.1",
             port=p.ports["host"], thumbprint=p.host_thumbprint)
        # The wrong role type at that address is detected.
        env = p.invoke("PairWithManagementServer", serverType="clientAccessServer", serverName="127.0.0.1",
                       port=p.ports["host"], thumbprint=p.host_thumbprint)
        self.assertEqual(env["statusCode"], "failed")
        self.assertIn("is a 'instanceHost'", env["error"]["message"])
        p.ok("DeleteClientAccessServer", serverName="127.0.0.1")
        p.ok("PairWithManagementServer", serverType="clientAccessServer", serverName="127.0.0.1",
             port=p.ports["cas"], thumbprint=p.cas_thumbprint)
        # A wrong thumbprint: the role's certificate does not match, pairing fails.
        env = p.invoke("PairWithManagementServer", serverType="clientAccessServer", serverName="127.0.0.1",
                       port=p.ports["cas"], thumbprint="ef" * 32)
        self.assertEqual(env["statusCode"], "failed")
        self.assertIn("could not be verified", env["error"]["message"])
        p.ok("PairWithManagementServer", serverType="clientAccessServer", serverName="127.0.0.1",
             port=p.ports["cas"], thumbprint=p.cas_thumbprint)
        env = p.invoke("PairWithManagementServer", serverType="mailServer", serverName="x", port=1,
                       thumbprint="ab" * 32)
        self.assertIn("'serverType'", env["error"]["message"])

    # ---------------------------------------------------------------- unpaired peers
    def handshake(self, port, with_cert):
        """Connects with a certificate nobody paired; returns the answer to a
        framed ping, or raises when the TLS session is refused."""
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
        if with_cert:
            cert, key = make_cert(self.p.dir, "stranger")
            ctx.load_cert_chain(cert, key)
        with socket.create_connection(("127.0.0.1", port), timeout=5) as raw:
            with ctx.wrap_socket(raw) as s:
                payload = b'{"id":1,"method":"ping","params":{}}'
                s.sendall(struct.pack(">I", len(payload)) + payload)
                return s.recv(65536)

    def test_unpaired_certificate_refused_on_every_role_port(self):
        for name in ("role", "host", "cas"):
            for with_cert in (True, False):
                with self.subTest(port=name, with_cert=with_cert):
                    try:
                        answer = self.handshake(self.p.ports[name], with_cert)
                    except (ssl.SSLError, ConnectionError, OSError):
                        answer = b""
                    self.assertEqual(answer, b"", "port %s answered an unpaired peer" % name)
        self.assertEqual(self.p.invoke("Ping")["statusCode"], "succeeded")
        self.wait_active("instanceHost", True)


if __name__ == "__main__":
    unittest.main()
