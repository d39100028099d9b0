"""Directory services against a real OpenLDAP slapd started by the test
(slapd_directory.py): the configuration's checks and its password never
returned, a dry run, a sync that creates, updates, renames (the archive
follows) and deletes users, the group filter, disabled users, directory
users logging in through the CAS by IMAP (imaplib) and Web Access (HTTP)
with their LDAP password, LDAPS and StartTLS with the right CA, a wrong CA
(refused unless ignoreSslPolicyErrors), the generic LDAP type, and the
directory stopped in the middle of a sync and while users log in."""
import imaplib
import json
import re
import socket
import ssl
import threading
import time
import unittest

import mailgen
import slapd_directory as sd
from harness import Platform
from test_index import instance_rpc
from test_web_access import curl

IID = "dirco"


def tls_context():
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE  # the CAS's self-signed default certificate
    return ctx


class CuttingProxy:
    """A TCP relay to slapd that, after `cut_after` bytes from the server,
    stops relaying, sets `reached`, and closes both sides once `release` is
    set: the directory going away in the middle of an answer. With
    cut=False it relays on once released: the directory pausing."""

    def __init__(self, upstream_port, cut_after, cut=True):
        self.upstream_port, self.cut_after, self.sent = upstream_port, cut_after, 0
        self.cut, self.resumed = cut, False
        self.reached, self.release = threading.Event(), threading.Event()
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.port = self.sock.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                client, _ = self.sock.accept()
            except OSError:
                return
            try:
                up = socket.create_connection(("127.0.0.1", self.upstream_port))
            except OSError:  # slapd is gone
                client.close()
                continue
            threading.Thread(target=self._pipe, args=(client, up, False), daemon=True).start()
            threading.Thread(target=self._pipe, args=(up, client, True), daemon=True).start()

    def _pipe(self, src, dst, counted):
        try:
            while True:
                data = src.recv(65536)
                if not data:
                    break
                if counted and self.sent >= self.cut_after and not self.resumed:
                    self.reached.set()
                    self.release.wait(60)
                    if self.cut:
                        break
                    self.resumed = True
                if counted:
                    self.sent += len(data)
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for s in (src, dst):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                s.close()

    def close(self):
        self.release.set()
        self.sock.close()


@unittest.skipUnless(sd.available(), "slapd, ldap-utils and openssl are needed (./spe setup)")
class DirectoryServicesTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.d = sd.SlapdDirectory()
        cls.addClassCleanup(cls.d.stop)
        cls.p = Platform()
        cls.addClassCleanup(cls.p.stop)
        cls.p.ok("CreateInstance", config={"instanceID": IID, "instanceHost": "127.0.0.1", "startMode": "manual"})
        cls.p.ok("StartInstances", instanceFilter=IID)
        cls.p.ok("CreateUser", instanceID=IID, userName="localadmin", privileges="admin", password="Local-Pass-123",
                 loginPrivileges="web")
        cls.base = "https://127.0.0.1:%d" % cls.p.ports["https"]

    # ------------------------------------------------------------ helpers
    def ok(self, function, **args):
        return self.p.ok(function, instanceID=IID, **args)

    def failed(self, function, **args):
        env = self.p.invoke(function, instanceID=IID, **args)
        self.assertEqual(env["statusCode"], "failed", env)
        return env["error"]["message"]

    def ad_config(self, **over):
        c = {"type": "activeDirectory", "serverName": "127.0.0.1", "port": self.d.port, "protocol": "LDAP",
             "userName": sd.BIND_DN, "baseDN": sd.PEOPLE_DN, "timeoutSeconds": 10}
        c.update(over)
        return c

    def set_config(self, config):
        self.ok("SetDirectoryServicesConfiguration", config=config)

    def sync(self, dry_run=False):
        return self.ok("SyncUsersWithDirectoryServices", dryRun=dry_run)

    def follow(self, function, on_frame, **args):
        """Invokes a long-running function and follows its /api/get-status frames to the end
        (as a product client does), calling on_frame(frame) for each; returns every frame."""
        status, _, body = self.p.request("/api/invoke/" + function, dict(instanceID=IID, **args))
        self.assertEqual(status, 200, body[:300])
        frames = [json.loads(body.decode("utf-8-sig"))]
        on_frame(frames[-1])
        deadline = time.time() + 300
        while frames[-1]["statusCode"] == "running":
            self.assertLess(time.time(), deadline, frames[-1])
            status, _, body = self.p.request("/api/get-status", {
                "token": frames[-1]["token"], "lastKnownStatusVersion": frames[-1]["statusVersion"],
                "millisecondsTimeout": 1000})
            self.assertEqual(status, 200, body[:300])
            frames.append(json.loads(body.decode("utf-8-sig")))
            on_frame(frames[-1])
        return frames

    def user_names(self):
        return sorted(u["userName"] for u in self.ok("GetUsers") if u["userName"] != "$archiveadmin")

    def audit_events(self):
        """The instance's audit log, read on its socket as its host does."""
        answer = instance_rpc(self.p.socket(IID), "auditLog", {"limit": 1000})
        self.assertIn("result", answer, answer)
        return [(e["event"], e["details"]) for e in answer["result"]]

    def web_login(self, user, password):
        status, _, body = curl(self.base + "/%s/api/login" % IID, data={"userName": user, "password": password})
        return status, json.loads(body or b"{}")

    def wait_routed(self):
        deadline = time.time() + 30
        while curl(self.base + "/%s/" % IID)[0] != 200:  # the CAS learns instances from heartbeats
            self.assertLess(time.time(), deadline, "the CAS never routed to the instance")
            time.sleep(0.5)

    def imap_login(self, user, password):
        m = imaplib.IMAP4_SSL("127.0.0.1", self.p.ports["imaps"], ssl_context=tls_context(), timeout=30)
        try:
            m.login("%s/%s" % (IID, user), password)
            return "OK"
        except imaplib.IMAP4.error as e:
            return str(e)
        finally:
            try:
                m.logout()
            except Exception:
                pass

    # ------------------------------------------------------------ tests
    def test_01_configuration_is_checked_and_the_password_never_returned(self):
        got = self.ok("GetDirectoryServicesConfiguration")
        self.assertEqual(got["type"], "none")
        self.assertIsNone(got["password"])
        self.assertIn("config.serverName", self.failed("SetDirectoryServicesConfiguration",
                                                       config=self.ad_config(serverName="ldap://x")))
        self.assertIn("config.bogus", self.failed("SetDirectoryServicesConfiguration",
                                                  config=self.ad_config(bogus=1)))
        self.assertIn("config.timeoutSeconds", self.failed("SetDirectoryServicesConfiguration",
                                                           config=self.ad_config(timeoutSeconds=0)))
        self.assertIn("config.groups[0]", self.failed("SetDirectoryServicesConfiguration",
                                                      config=self.ad_config(groups=["not a dn"])))
        self.set_config(self.ad_config(password=sd.BIND_PASSWORD))
        got = self.ok("GetDirectoryServicesConfiguration")
        self.assertIsNone(got["password"])
        self.assertEqual(got["port"], self.d.port)
        self.assertNotIn(sd.BIND_PASSWORD, json.dumps(got))
        # Cloud types are stored and say why they cannot sync.
        self.set_config({"type": "office365"})
        self.assertIn("needs a cloud connection", self.failed("SyncUsersWithDirectoryServices", dryRun=True))
        self.assertEqual(self.ok("GetCredentials"), [])
        # The product's Microsoft 365 shape (PRODUCT-SPEC 1.10) comes back key for key, and its
        # groups are names, not DNs.
        m365 = {"type": "office365OpenIDConnect", "credentialId": "1", "licensedExchangeOnlineUsersOnly": True,
                "enabledUsersOnly": True, "groups": ["Archive Users", "legal@example.com"],
                "redirectUrl": "https://127.0.0.1/%s/oidc/signin" % IID, "deleteUsers": True}
        self.set_config(m365)
        got = self.ok("GetDirectoryServicesConfiguration")
        self.assertEqual({k: got.get(k) for k in m365}, m365)
        self.assertIsNone(got["password"])
        self.set_config(got)  # what Get answers, Set takes back
        self.assertEqual(self.ok("GetDirectoryServicesConfiguration"), got)
        self.assertIn("config.redirectUrl", self.failed("SetDirectoryServicesConfiguration",
                                                        config=dict(m365, redirectUrl="not a url")))
        self.assertIn("config.credentialId", self.failed("SetDirectoryServicesConfiguration",
                                                         config=dict(m365, credentialId=1)))
        self.assertIn("office365OpenIDConnect", self.failed("SyncUsersWithDirectoryServices", dryRun=True))
        # Back to LDAP without a password: the stored one stays (the sync below binds with it).
        self.set_config(self.ad_config())
        self.assertNotIn(sd.BIND_PASSWORD, self.p.log("instancehost"))
        changes = [d for e, d in self.audit_events() if e == "DirectoryServicesChangeSettings"]
        self.assertEqual(len(changes), 5, changes)
        self.assertIn("(bind password set)", changes[-1])  # the log is newest first
        self.assertNotIn(sd.BIND_PASSWORD, json.dumps(changes))

    def test_02_dry_run_reports_and_changes_nothing(self):
        r = self.sync(dry_run=True)
        self.assertTrue(r["dryRun"])
        self.assertEqual(sorted(u["userName"] for u in r["created"]), ["asmith", "jdoe", "outsider"])  # not olduser
        self.assertEqual(self.user_names(), ["localadmin"])

    def test_03_sync_creates_directory_users(self):
        r = self.sync()
        self.assertFalse(r["dryRun"])
        self.assertEqual(sorted(u["userName"] for u in r["created"]), ["asmith", "jdoe", "outsider"])
        self.assertEqual(self.user_names(), ["asmith", "jdoe", "localadmin", "outsider"])
        info = self.ok("GetUserInfo", userName="jdoe")
        self.assertEqual(info["authentication"], "directoryServices")
        self.assertEqual(info["fullName"], "John Doe")
        self.assertEqual(info["distinguishedName"], "uid=jdoe," + sd.PEOPLE_DN)
        # mail, then the primary SMTP: proxy address, then the other smtp: ones; X500: left out.
        emails = info["emailAddresses"]
        emails = emails if isinstance(emails, list) else [e.strip() for e in emails.split(",")]
        self.assertEqual(emails, ["jdoe@example.com", "john.doe@example.com", "jd@example.com"])
        again = self.sync()
        self.assertEqual((again["created"], again["updated"], again["deleted"], again["unchanged"]), ([], [], [], 3))
        # An update in the directory is an update here, with the change listed.
        self.d.modify("uid=asmith," + sd.PEOPLE_DN, displayName="Anna Smith-Jones")
        r = self.sync()
        self.assertEqual(r["updated"], [{"userName": "asmith", "changes": [
            {"field": "fullName", "from": "Anna Smith", "to": "Anna Smith-Jones"}]}])

    def test_04_directory_users_log_in_with_their_ldap_password(self):
        self.wait_routed()
        status, body = self.web_login("jdoe", sd.password_of("jdoe"))
        self.assertEqual(status, 200, body)
        self.assertEqual(body["userName"], "jdoe")
        self.assertIn("csrfToken", body)
        status, body = self.web_login("jdoe", "wrong-password")
        self.assertEqual(status, 401, body)
        # An empty password would be an anonymous bind, which LDAP "accepts".
        status, body = self.web_login("jdoe", "")
        self.assertNotEqual(status, 200, body)
        self.assertEqual(self.imap_login("asmith", sd.password_of("asmith")), "OK")
        self.assertIn("AUTHENTICATIONFAILED", self.imap_login("asmith", sd.password_of("jdoe")))
        # The archive keeps no copy of the password: the integrated password check never matches.
        self.assertNotIn(sd.password_of("jdoe"), self.p.log("instancehost"))

    def test_04a_set_user_authentication_and_distinguished_name(self):
        self.ok("CreateUser", userName="manual", privileges="none", password="Manual-Pass-123", loginPrivileges="web")
        self.ok("SetUserAuthentication", userName="manual", authentication="directoryServices")
        self.assertIn("distinguishedName", self.failed("SetUserDistinguishedName", userName="manual",
                                                       distinguishedName="not a dn"))
        self.ok("SetUserDistinguishedName", userName="manual", distinguishedName="uid=olduser," + sd.PEOPLE_DN)
        # The archive's own password no longer counts; the directory's does, for enabled entries only.
        self.assertEqual(self.web_login("manual", "Manual-Pass-123")[0], 401)
        self.assertEqual(self.web_login("manual", sd.password_of("olduser"))[0], 401)  # disabled
        self.d.modify("uid=olduser," + sd.PEOPLE_DN, userAccountControl="512")
        try:
            status, body = self.web_login("manual", sd.password_of("olduser"))
            self.assertEqual(status, 200, body)
        finally:
            self.d.modify("uid=olduser," + sd.PEOPLE_DN, userAccountControl="514")
        self.ok("SetUserAuthentication", userName="manual", authentication="integrated")
        status, body = self.web_login("manual", "Manual-Pass-123")
        self.assertEqual(status, 200, body)
        self.ok("DeleteUser", userName="manual")

    def test_05_group_filter_and_deletes(self):
        self.set_config(self.ad_config(groups=[sd.ARCHIVE_GROUP], deleteUsers=True))
        r = self.sync(dry_run=True)
        self.assertEqual(r["deleted"], [{"userName": "outsider"}])
        self.assertIn("outsider", self.user_names())
        r = self.sync()
        self.assertEqual(r["deleted"], [{"userName": "outsider"}])
        # Only directory users are deleted: the local administrator stays.
        self.assertEqual(self.user_names(), ["asmith", "jdoe", "localadmin"])
        # A disabled entry counts once enabledUsersOnly is off (still in the group).
        self.set_config(self.ad_config(groups=[sd.ARCHIVE_GROUP], enabledUsersOnly=False))
        r = self.sync(dry_run=True)
        self.assertEqual([u["userName"] for u in r["created"]], ["olduser"])
        self.set_config(self.ad_config(groups=[sd.ARCHIVE_GROUP], deleteUsers=True))

    def test_06_a_renamed_user_keeps_the_archive(self):
        src = self.p.source_dir("jdoe")
        mailgen.write_eml_tree(src, 4, folders=("Inbox",))
        r = self.ok("RunTemporaryProfile", raw=True, properties={
            "name": "jdoe", "connector": "emlDirectory", "details": {"path": src, "targetUserFolder": "jdoe"}})
        self.assertEqual(r["itemsArchived"], 4)
        self.d.modify("uid=jdoe," + sd.PEOPLE_DN, sAMAccountName="john.doe")
        r = self.sync()
        self.assertEqual(r["updated"], [{"userName": "jdoe", "changes": [
            {"field": "userName", "from": "jdoe", "to": "john.doe"}]}])
        self.assertEqual(r["created"], [])
        self.assertEqual(r["deleted"], [])
        self.assertEqual(self.user_names(), ["asmith", "john.doe", "localadmin"])
        folders = json.dumps(self.ok("GetChildFolders", folder="john.doe"))
        self.assertIn("john.doe/Inbox", folders)
        self.assertIn("jdoe", self.failed("GetChildFolders", folder="jdoe"))
        status, body = self.web_login("john.doe", sd.password_of("jdoe"))
        self.assertEqual(status, 200, body)
        events = self.audit_events()
        self.assertIn(("UserRename", "oldUserName=jdoe newUserName=john.doe (directory sync)"), events)
        self.assertIn(("UserAdd", "userName=asmith (directory sync)"), events)
        self.assertIn(("UserDelete", "userName=outsider (the archive stays) (directory sync)"), events)

    def test_07_ldaps_and_starttls_check_the_certificate(self):
        right, wrong = self.d.read_pem(self.d.ca_cert), self.d.read_pem(self.d.wrong_ca_cert)
        ldaps = dict(protocol="LDAPS", port=self.d.ldaps_port, groups=[sd.ARCHIVE_GROUP])
        # The system's store does not know the test CA; neither does a wrong CA.
        self.set_config(self.ad_config(**ldaps))
        message = self.failed("SyncUsersWithDirectoryServices", dryRun=True)
        self.assertIn("ldaps://127.0.0.1:%d" % self.d.ldaps_port, message)
        self.assertIn("caCertificates", message)
        self.assertNotIn("not reachable", message)  # it is the directory, not the instance
        self.set_config(self.ad_config(caCertificates=wrong, **ldaps))
        self.assertIn("not trusted", self.failed("SyncUsersWithDirectoryServices", dryRun=True))
        status, body = self.web_login("asmith", sd.password_of("asmith"))
        self.assertEqual((status, body.get("code")), (503, "directoryUnavailable"), body)
        # The explicit opt-out, and the right CA.
        self.set_config(self.ad_config(caCertificates=wrong, ignoreSslPolicyErrors=True, **ldaps))
        self.assertEqual(self.sync(dry_run=True)["unchanged"], 2)
        self.set_config(self.ad_config(caCertificates=right, **ldaps))
        self.assertEqual(self.sync(dry_run=True)["unchanged"], 2)
        status, body = self.web_login("asmith", sd.password_of("asmith"))
        self.assertEqual(status, 200, body)
        # StartTLS on the plain port: the same checks.
        starttls = dict(protocol="LDAP-StartTLS", groups=[sd.ARCHIVE_GROUP])
        self.set_config(self.ad_config(caCertificates=wrong, **starttls))
        self.assertIn("StartTLS", self.failed("SyncUsersWithDirectoryServices", dryRun=True))
        self.set_config(self.ad_config(caCertificates=right, **starttls))
        self.assertEqual(self.sync(dry_run=True)["unchanged"], 2)
        self.set_config(self.ad_config(groups=[sd.ARCHIVE_GROUP], deleteUsers=True))

    def test_08_generic_ldap_type(self):
        self.set_config({"type": "genericLdap", "serverName": "127.0.0.1", "port": self.d.port,
                         "userName": sd.BIND_DN, "baseDN": sd.PEOPLE_DN, "groups": [sd.ARCHIVE_GROUP],
                         "userFilter": "(objectClass=inetOrgPerson)", "userNameAttribute": "uid",
                         "fullNameAttribute": "displayName", "emailAttributes": ["mail"],
                         "groupMemberAttribute": "member", "disabledFilter": "(employeeType=disabled)"})
        r = self.sync(dry_run=True)
        # By uid, jdoe's entry names john.doe "jdoe" again; olduser is disabled by the filter.
        self.assertEqual([u["userName"] for u in r["created"]], [])
        renamed = [c for u in r["updated"] for c in u["changes"] if c["field"] == "userName"]
        self.assertEqual(renamed, [{"field": "userName", "from": "john.doe", "to": "jdoe"}])
        self.assertEqual(r["skipped"], [])
        status, body = self.web_login("asmith", sd.password_of("asmith"))
        self.assertEqual(status, 200, body)
        self.set_config(self.ad_config(groups=[sd.ARCHIVE_GROUP], deleteUsers=True))

    def test_09_the_directory_stopped_mid_sync_changes_nothing(self):
        self.d.add_many("bulk", 1200)  # three pages of 500
        self.set_config(self.ad_config(deleteUsers=True))
        before = self.user_names()
        proxy = CuttingProxy(self.d.port, cut_after=150000)  # within the second page
        self.addCleanup(proxy.close)
        self.set_config(self.ad_config(port=proxy.port, deleteUsers=True))
        result = {}
        worker = threading.Thread(target=lambda: result.update(
            env=self.p.invoke("SyncUsersWithDirectoryServices", instanceID=IID, dryRun=False)))
        worker.start()
        self.assertTrue(proxy.reached.wait(120), "the sync never read that far")
        self.d.kill()  # slapd, by the pid this test started it with
        proxy.release.set()
        worker.join(120)
        self.assertFalse(worker.is_alive())
        env = result["env"]
        self.assertEqual(env["statusCode"], "failed", env)
        message = env["error"]["message"]
        self.assertIn("Nothing was changed", message)
        self.assertNotIn("not reachable", message)
        self.assertRegex(message, r"after [1-9]\d* entries")
        self.assertEqual(self.user_names(), before)

        # While it is down: logins get a temporary error, never "wrong password".
        self.set_config(self.ad_config(deleteUsers=True))
        self.wait_routed()
        status, body = self.web_login("asmith", sd.password_of("asmith"))
        self.assertEqual((status, body.get("code")), (503, "directoryUnavailable"), body)
        answer = self.imap_login("asmith", sd.password_of("asmith"))
        self.assertIn("UNAVAILABLE", answer)
        self.assertNotIn("AUTHENTICATIONFAILED", answer)
        self.assertIn("ldap://127.0.0.1:%d" % self.d.port, self.failed("SyncUsersWithDirectoryServices"))

        # Back again: the whole sync goes through, and reports its progress. A relay holds the
        # directory's answer within the second page until a status frame that says the directory
        # is being read has been seen.
        self.d.start()
        pause = CuttingProxy(self.d.port, cut_after=150000, cut=False)
        self.addCleanup(pause.close)
        self.set_config(self.ad_config(port=pause.port, deleteUsers=True))
        reading = re.compile(r"Reading the users of ldap://|entries from the directory")

        def release_when_reading(frame):
            if frame["statusCode"] == "running" and reading.search(frame["statusText"] or ""):
                pause.release.set()

        frames = self.follow("SyncUsersWithDirectoryServices", release_when_reading, dryRun="false")
        running = [f for f in frames if f["statusCode"] == "running"]
        self.assertTrue(any(reading.search(f["statusText"] or "") for f in running),
                        [f["statusText"] for f in running])
        self.assertTrue(pause.reached.is_set())
        percents = [f["percentProgress"] for f in frames if f["percentProgress"] is not None]
        self.assertEqual(percents, sorted(percents))
        self.assertLess(percents[0], percents[-1])
        final = frames[-1]
        self.assertEqual(final["statusCode"], "succeeded", final)
        self.assertEqual(final["percentProgress"], 100)
        self.assertEqual(len(final["result"]["created"]), 1200 + 1)  # the bulk users and outsider (no group now)
        self.set_config(self.ad_config(deleteUsers=True))
        self.assertEqual(self.imap_login("asmith", sd.password_of("asmith")), "OK")


if __name__ == "__main__":
    unittest.main()
