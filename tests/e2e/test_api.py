"""The Management API wire protocol and the functions of the foundation,
against the real spe-management daemon (PRODUCT-SPEC §1)."""
import json
import socket
import unittest

from harness import ADMIN_PASSWORD, Platform, insecure_context

ENVELOPE_KEYS = ["error", "token", "statusVersion", "statusCode", "percentProgress", "statusText", "result",
                 "logOutput"]

IMPLEMENTED = {
    "Ping", "GetEnvironmentInfo", "GetServiceStatus", "CreateSystemAdministrator", "DeleteSystemAdministrator",
    "GetSystemAdministrators", "SetSystemAdministratorConfiguration", "SetSystemAdministratorPassword",
    "CreateSystemAdministratorAPIPassword", "InitializeSystemAdministratorMFA", "DeactivateSystemAdministratorMFA",
    "PairWithManagementServer", "CreateInstanceHost",
    "DeleteInstanceHost", "GetInstanceHosts", "SetInstanceHostConfiguration", "CreateClientAccessServer",
    "DeleteClientAccessServer", "GetClientAccessServers", "SetClientAccessServerConfiguration",
    "CreateDirectoryOnInstanceHost", "GetDirectoriesOnInstanceHost", "GetSystemSmtpConfiguration",
    "SetSystemSmtpConfiguration",
    # instances (issue 3)
    "CreateInstance", "GetInstances", "GetInstanceConfiguration", "SetInstanceConfiguration", "StartInstances",
    "StopInstances", "RestartInstances", "FreezeInstances", "ThawInstances", "DeleteInstances",
    "GetInstanceStatistics", "GetInstanceProcessLiveStatistics", "GetArchiveAdminEnabled", "SetArchiveAdminEnabled",
    # the archive (issue 4)
    "CreateUser", "DeleteUser", "GetUsers", "GetUserInfo", "RenameUser", "SetUserPassword", "SetUserFullName",
    "SetUserEmailAddresses", "SetUserPop3UserNames", "SetUserPrivileges", "SetUserLoginPrivileges",
    "SetUserAuthentication", "SetUserDistinguishedName", "SetUserPrivilegesOnFolder", "ClearUserPrivilegesOnFolders",
    # identity (issue 19): end users' MFA, directory services
    "InitializeMFA", "DisableMFA", "DeleteAppPasswords",
    "GetDirectoryServicesConfiguration", "SetDirectoryServicesConfiguration", "SyncUsersWithDirectoryServices",
    "GetCredentials",
    # jobs (issue 20)
    "CreateJob", "GetJobs", "RenameJob", "SetJobEnabled", "SetJobSchedule", "DeleteJob", "RunJobAsync",
    "CancelJobAsync", "GetJobResults",
    # SMTP (issue 20)
    "GetAuditLog", "ExportAuditLog", "VerifyAuditLog", "GetAuditLogPublicKey",
    "GetSmtpSettings", "SetSmtpSettings", "TestSmtpSettings", "TestSystemSmtpConfiguration",
    # status reports and notifications (issue 20; the notification settings are extensions)
    "SendStatusReport", "GetNotificationSettings", "SetNotificationSettings",
    # retention policies (issue 21)
    "GetRetentionPolicies", "SetRetentionPolicies", "ProcessRetentionPolicies",
    # compliance (issue 21)
    "GetComplianceConfiguration", "SetComplianceConfiguration",
    "GetChildFolders", "MoveFolder", "DeleteEmptyFolders", "GetFolderStatistics",
    "CreateStore", "AttachStore", "DetachStore", "RenameStore", "SetStorePath", "SetStoreRequestedState", "GetStores",
    "RetryOpenStores", "UnlockStore", "GetStoreAutoCreateConfiguration", "SetStoreAutoCreateConfiguration",
    "VerifyStore", "VerifyStores", "RecoverStore", "RecreateRecoveryRecords", "RefreshAllStoreStatistics",
    "UpgradeStore", "UpgradeStores", "RepairStoreDatabase", "MergeStore", "CompactStore",
    "MaintainFileSystemDatabases",
    "CreateProfile", "GetProfiles", "DeleteProfile", "SetProfileServerSideExecution", "CanRunArchiveProfiles",
    "RunProfile",
    "RunTemporaryProfile", "GetWorkerResults",
    "GetWorkerResultReport", "GetTimeZones",
    # search indexes (issue 5)
    "GetIndexConfiguration", "SetIndexConfiguration", "SelectAllStoreIndexesForRebuild", "RebuildSelectedStoreIndexes",
    "ReloadBranding", "CreateClientOneTimeUrlForArchiveAdmin",
    # beyond the product (docs/api.md "Extensions"): the branding folder, the figures the console's
    # charts draw, a report's entries page by page (issues 17, 18)
    "GetBranding", "GetBrandingFile", "SetBrandingFiles", "DeleteBrandingFile", "GetInstanceStatisticsHistory",
    "GetWorkerResultReportEntries",
    # each administrator's MFA status and API password time, for the console (issue 19)
    "GetSystemAdministratorLoginInfo",
    # usage for billing (issue 24; tests in test_license.py)
    "CreateLicenseRequest",
}


class ApiProtocolTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.p = Platform(with_roles=False)

    @classmethod
    def tearDownClass(cls):
        cls.p.stop()

    def raw(self, request_bytes):
        """Sends raw HTTP over TLS and returns the raw answer."""
        with socket.create_connection(("127.0.0.1", self.p.ports["api"]), timeout=10) as s:
            with insecure_context().wrap_socket(s) as t:
                t.sendall(request_bytes)
                data = b""
                while True:
                    chunk = t.recv(65536)
                    if not chunk:
                        break
                    data += chunk
                    if b"\r\n\r\n" in data:
                        head, _, body = data.partition(b"\r\n\r\n")
                        length = [int(l.split(b":")[1]) for l in head.split(b"\r\n")
                                  if l.lower().startswith(b"content-length:")]
                        if length and len(body) >= length[0]:
                            break
                return data

    # ---------------------------------------------------------------- envelope
    def test_envelope_has_bom_and_eight_fields(self):
        status, headers, body = self.p.request("/api/invoke/GetEnvironmentInfo")
        self.assertEqual(status, 200)
        self.assertTrue(body.startswith(b"\xef\xbb\xbf"), body[:10])
        self.assertTrue(headers["Content-Type"].startswith("application/json"))
        self.assertIn("no-store", headers["Cache-Control"])
        env = json.loads(body.decode("utf-8-sig"))
        self.assertEqual(list(env.keys()), ENVELOPE_KEYS)
        self.assertEqual(env["statusCode"], "succeeded")
        self.assertEqual(env["statusVersion"], 2)
        self.assertIsNone(env["token"])
        self.assertIsNone(env["error"])
        info = env["result"]
        for key in ["version", "webClientVersion", "copyright", "licenseeName", "licenseeID", "serverName",
                    "userName", "systemProperties"]:
            self.assertIn(key, info)
        self.assertEqual(info["userName"], "admin")
        self.assertRegex(info["version"], r"^\d+\.\d+\.\d+\.\d+$")
        props = info["systemProperties"]
        self.assertIsInstance(props["processors"], list)
        self.assertGreater(props["totalPhysicalMemory"], 0)
        self.assertIn("Linux", props["operatingSystem"])

    def test_ping_returns_null_result(self):
        env = self.p.invoke("Ping")
        self.assertEqual(env["statusCode"], "succeeded")
        self.assertIsNone(env["result"])

    # ---------------------------------------------------------------- HTTP level
    def test_401_without_credentials_with_challenge(self):
        status, headers, _ = self.p.request("/api/invoke/Ping", user=None)
        self.assertEqual(status, 401)
        self.assertTrue(headers["WWW-Authenticate"].startswith("Basic realm="))

    def test_401_with_wrong_password_and_unknown_user(self):
        self.assertEqual(self.p.request("/api/invoke/Ping", password="wrong")[0], 401)
        self.assertEqual(self.p.request("/api/invoke/Ping", user="nobody")[0], 401)
        self.assertEqual(self.p.request("/api/get-metadata", password="wrong")[0], 401)
        self.assertEqual(self.p.request("/api/get-status", {"token": "x"}, password="wrong")[0], 401)

    def test_401_with_malformed_authorization(self):
        for value in ["Bearer abc", "Basic", "Basic !!!!", "Basic YWRtaW4="]:
            status, _, _ = self.p.request("/api/invoke/Ping", user=None, headers={"Authorization": value})
            self.assertEqual(status, 401, value)

    def test_411_without_content_length(self):
        import base64
        auth = base64.b64encode(("admin:" + ADMIN_PASSWORD).encode()).decode()
        answer = self.raw(("POST /api/invoke/Ping HTTP/1.1\r\nHost: x\r\nAuthorization: Basic %s\r\n"
                           "Connection: close\r\n\r\n" % auth).encode())
        self.assertTrue(answer.startswith(b"HTTP/1.1 411"), answer[:100])

    def test_content_length_zero_is_fine(self):
        import base64
        auth = base64.b64encode(("admin:" + ADMIN_PASSWORD).encode()).decode()
        answer = self.raw(("POST /api/invoke/Ping HTTP/1.1\r\nHost: x\r\nAuthorization: Basic %s\r\n"
                           "Content-Length: 0\r\nConnection: close\r\n\r\n" % auth).encode())
        self.assertTrue(answer.startswith(b"HTTP/1.1 200"), answer[:100])

    def test_garbage_http_closes_connection_and_server_survives(self):
        self.raw(b"\x00\x01\x02 NOT HTTP\r\n\r\n")
        self.raw(b"POST /api/invoke/Ping HTTP/1.1\r\nContent-Length: 99999999999\r\n\r\n")
        self.assertEqual(self.p.invoke("Ping")["statusCode"], "succeeded")

    def test_unknown_paths_and_methods(self):
        self.assertEqual(self.p.request("/api/nothing")[0], 404)
        self.assertEqual(self.p.request("/")[0], 404)
        self.assertEqual(self.p.request("/api/invoke/Ping", method="GET")[0], 405)

    def test_double_slash_tolerated(self):
        status, _, body = self.p.request("/api//get-metadata")
        self.assertEqual(status, 200)
        self.assertIsInstance(json.loads(body.decode("utf-8-sig")), list)
        self.assertEqual(self.p.request("/api//invoke/Ping")[0], 200)
        self.assertEqual(self.p.request("/api//get-status", {"token": "nope", "lastKnownStatusVersion": "1",
                                                               "millisecondsTimeout": "10"})[0], 404)

    def test_get_status_unknown_token_is_404(self):
        status, _, _ = self.p.request("/api/get-status", {"token": "0123", "lastKnownStatusVersion": "2",
                                                           "millisecondsTimeout": "100"})
        self.assertEqual(status, 404)
        self.assertEqual(self.p.request("/api/cancel-async", {"token": "0123"})[0], 404)

    # ---------------------------------------------------------------- metadata
    def test_metadata_lists_exactly_the_working_functions(self):
        for method in ("POST", "GET"):
            status, _, body = self.p.request("/api/get-metadata", method=method)
            self.assertEqual(status, 200)
            self.assertTrue(body.startswith(b"\xef\xbb\xbf"))
            meta = json.loads(body.decode("utf-8-sig"))
            self.assertIsInstance(meta, list)
            self.assertEqual({f["name"] for f in meta}, IMPLEMENTED)
            for f in meta:
                # The product's keys, a description (ours) and the long-running flag where it is one.
                self.assertEqual(set(f.keys()) - {"longRunning"}, {"name", "args", "description"}, f["name"])
                self.assertTrue(f["description"], f["name"])
                self.assertIn(f.get("longRunning", True), (True,), f["name"])
                for a in f["args"]:
                    self.assertEqual(set(a.keys()), {"name", "type", "nullable"})
                    self.assertIn(a["type"], ("string", "number", "bool", "json"))
        by_name = {f["name"]: f for f in meta}
        self.assertEqual(by_name["GetClientAccessServers"]["args"],
                         [{"name": "serverNameFilter", "type": "string", "nullable": True},
                          {"name": "withServiceStatus", "type": "bool", "nullable": False}])
        self.assertEqual(by_name["PairWithManagementServer"]["args"][2],
                         {"name": "port", "type": "number", "nullable": False})

    def test_unknown_functions(self):
        # Every function of the product is implemented (CreateLicenseRequest was the last one that
        # answered "not supported"; the registry's unit test keeps that answer checked). Without
        # instances its request is empty.
        env = self.p.invoke("CreateLicenseRequest")
        self.assertEqual(env["statusCode"], "succeeded", env)
        self.assertEqual((env["result"]["instanceData"], env["result"]["total"]), ([], 0))
        status, _, body = self.p.request("/api/invoke/NoSuchFunction")
        self.assertEqual(status, 404)
        self.assertIn("Unknown function", json.loads(body.decode("utf-8-sig"))["error"]["message"])
        status, _, _ = self.p.request("/api/invoke/ping")  # names are case-sensitive
        self.assertEqual(status, 404)

    # ---------------------------------------------------------------- argument checking
    def assertFailedNaming(self, env, word):
        self.assertEqual(env["statusCode"], "failed", env)
        self.assertIn(word, env["error"]["message"])
        self.assertEqual(list(env.keys()), ENVELOPE_KEYS)

    def test_missing_unknown_and_mistyped_arguments(self):
        self.assertFailedNaming(self.p.invoke("DeleteSystemAdministrator"), "'userName'")
        self.assertFailedNaming(self.p.invoke("Ping", bogus="1"), "'bogus'")
        self.assertFailedNaming(self.p.invoke("GetClientAccessServers", withServiceStatus="yes"),
                                "'withServiceStatus'")
        self.assertFailedNaming(self.p.invoke("PairWithManagementServer", serverType="instanceHost",
                                              serverName="h", port="eighty", thumbprint="x"), "'port'")
        status, _, body = self.p.request("/api/invoke/CreateSystemAdministrator",
                                         {"config": "{\"userName\": ", "password": "Xx-123456789"})
        self.assertFailedNaming(json.loads(body.decode("utf-8-sig")), "'config'")
        status, _, body = self.p.request("/api/invoke/Ping?x=1", {"a": "1"})
        self.assertFailedNaming(json.loads(body.decode("utf-8-sig")), "'a'")

    def test_malformed_form_body(self):
        import urllib.request
        req = urllib.request.Request(self.p.api_url + "/api/invoke/Ping", data=b"a=%zz", method="POST")
        import base64
        req.add_header("Authorization", "Basic " + base64.b64encode(("admin:" + ADMIN_PASSWORD).encode()).decode())
        with urllib.request.urlopen(req, context=insecure_context()) as r:
            env = json.loads(r.read().decode("utf-8-sig"))
        self.assertFailedNaming(env, "escape")

    # ---------------------------------------------------------------- administrators
    def test_system_administrators_lifecycle(self):
        p = self.p
        p.ok("CreateSystemAdministrator", config={"userName": "jdoe", "fullName": "John Doe",
                                                  "emailAddress": "jdoe@example.com"}, password="Jd-Secret-123")
        admins = {a["userName"]: a for a in p.ok("GetSystemAdministrators")}
        self.assertEqual(admins["jdoe"], {"userName": "jdoe", "fullName": "John Doe",
                                          "emailAddress": "jdoe@example.com", "mfaStatus": "Disabled"})
        self.assertNotIn("password", json.dumps(admins).lower().replace("mfastatus", ""))
        # the new administrator can call the API
        self.assertEqual(p.invoke("Ping", _user="jdoe", _password="Jd-Secret-123")["statusCode"], "succeeded")
        p.ok("SetSystemAdministratorConfiguration", config={"userName": "jdoe", "fullName": "J. Doe",
                                                            "emailAddress": "j@example.com"})
        admins = {a["userName"]: a for a in p.ok("GetSystemAdministrators")}
        self.assertEqual(admins["jdoe"]["fullName"], "J. Doe")
        p.ok("SetSystemAdministratorPassword", userName="jdoe", password="Jd-Changed-456")
        self.assertEqual(p.request("/api/invoke/Ping", user="jdoe", password="Jd-Secret-123")[0], 401)
        self.assertEqual(p.invoke("Ping", _user="jdoe", _password="Jd-Changed-456")["statusCode"], "succeeded")
        p.ok("DeleteSystemAdministrator", userName="jdoe")
        self.assertNotIn("jdoe", [a["userName"] for a in p.ok("GetSystemAdministrators")])
        self.assertEqual(p.request("/api/invoke/Ping", user="jdoe", password="Jd-Changed-456")[0], 401)

    def test_administrator_bad_inputs(self):
        p = self.p
        cases = [
            (dict(config={"userName": "weak"}, password="short"), "too short"),
            (dict(config={"userName": "weak"}, password="alllowercaseletters"), "too weak"),
            (dict(config={"userName": "admin"}, password="Admin-Pass-123"), "exists already"),
            (dict(config={"userName": "ADMIN"}, password="Admin-Pass-123"), "exists already"),
            (dict(config={"userName": "bad name"}, password="Admin-Pass-123"), "userName"),
            (dict(config={"userName": ""}, password="Admin-Pass-123"), "userName"),
            (dict(config={"fullName": "x"}, password="Admin-Pass-123"), "'config.userName' is required"),
            (dict(config={"userName": "x1", "role": "root"}, password="Admin-Pass-123"), "config.role"),
            (dict(config={"userName": "x2", "emailAddress": "nope"}, password="Admin-Pass-123"), "emailAddress"),
            (dict(config=["userName"], password="Admin-Pass-123"), "JSON object"),
            (dict(config={"userName": 5}, password="Admin-Pass-123"), "must be a string"),
        ]
        for args, word in cases:
            self.assertFailedNaming(p.invoke("CreateSystemAdministrator", **args), word)
        self.assertFailedNaming(p.invoke("DeleteSystemAdministrator", userName="ghost"), "no system administrator")
        self.assertFailedNaming(p.invoke("DeleteSystemAdministrator", userName="admin"), "own")
        self.assertFailedNaming(p.invoke("SetSystemAdministratorPassword", userName="admin", password="abc"),
                                "too short")
        self.assertFailedNaming(p.invoke("SetSystemAdministratorPassword", userName="ghost",
                                         password="Ghost-Pass-123"), "no system administrator")
        self.assertFailedNaming(p.invoke("SetSystemAdministratorConfiguration", config={"userName": "ghost"}),
                                "no system administrator")
        # the last administrator cannot be removed, even by another one
        p.ok("CreateSystemAdministrator", config={"userName": "second"}, password="Second-Pass-1")
        self.assertEqual(p.invoke("DeleteSystemAdministrator", userName="admin", _user="second",
                                  _password="Second-Pass-1")["statusCode"], "succeeded")
        self.assertFailedNaming(p.invoke("DeleteSystemAdministrator", userName="second", _user="second",
                                         _password="Second-Pass-1"), "own")
        # restore admin for the other tests
        self.assertEqual(p.invoke("CreateSystemAdministrator", _user="second", _password="Second-Pass-1",
                                  config={"userName": "admin"}, password=ADMIN_PASSWORD)["statusCode"], "succeeded")
        p.ok("DeleteSystemAdministrator", userName="second")

    def test_api_password(self):
        p = self.p
        api_pw = p.ok("CreateSystemAdministratorAPIPassword")
        self.assertIsInstance(api_pw, str)
        self.assertGreaterEqual(len(api_pw), 32)
        self.assertEqual(p.invoke("Ping", _password=api_pw)["statusCode"], "succeeded")
        again = p.ok("CreateSystemAdministratorAPIPassword")
        self.assertEqual(p.request("/api/invoke/Ping", password=api_pw)[0], 401)
        self.assertEqual(p.invoke("Ping", _password=again)["statusCode"], "succeeded")

    # ---------------------------------------------------------------- SMTP
    def test_system_smtp_configuration(self):
        p = self.p
        default = p.ok("GetSystemSmtpConfiguration")
        self.assertIsNone(default["password"])
        cfg = {"hostname": "mail.example.com", "port": 587, "protocol": "SMTP-TLS", "ignoreSslPolicyErrors": False,
               "authenticationRequired": True, "username": "sender@example.com", "password": "smtp-secret",
               "fromDisplayName": "Sending User", "fromEmailAddress": "sender@example.com",
               "recipientSystemAdministrator": ["admin"]}
        p.ok("SetSystemSmtpConfiguration", config=cfg)
        got = p.ok("GetSystemSmtpConfiguration")
        self.assertIsNone(got["password"])
        self.assertNotIn("smtp-secret", json.dumps(got))
        for k, v in cfg.items():
            if k != "password":
                self.assertEqual(got[k], v, k)
        self.assertNotIn("smtp-secret", self.p.log("management"))
        for bad, word in [({**cfg, "protocol": "FTP"}, "protocol"), ({**cfg, "port": 0}, "port"),
                          ({**cfg, "recipientSystemAdministrator": ["ghost"]}, "ghost"),
                          ({**cfg, "extra": 1}, "config.extra"), ({"port": 25}, "hostname")]:
            self.assertFailedNaming(p.invoke("SetSystemSmtpConfiguration", config=bad), word)
        # unencrypted SMTP is flagged in the service status
        p.ok("SetSystemSmtpConfiguration", config={**cfg, "protocol": "SMTP"})
        texts = [m["text"] for m in p.ok("GetServiceStatus")["messages"]]
        self.assertTrue(any("unencrypted" in t for t in texts), texts)
        p.ok("SetSystemSmtpConfiguration", config=cfg)

    def test_zz_repeated_failed_logins_are_slowed_down(self):
        # Runs last in this class: earlier tests used some of the free failures of 127.0.0.1.
        import time
        times = []
        for _ in range(7):
            t0 = time.time()
            self.assertEqual(self.p.request("/api/invoke/Ping", password="guess")[0], 401)
            times.append(time.time() - t0)
        self.assertGreaterEqual(times[-1], 0.9)
        # a client without credentials (waiting for the challenge) is not slowed
        t0 = time.time()
        self.assertEqual(self.p.request("/api/invoke/Ping", user=None)[0], 401)
        self.assertLess(time.time() - t0, 0.5)
        self.assertEqual(self.p.invoke("Ping")["statusCode"], "succeeded")
        self.assertIn("repeated failed logins from 127.0.0.1", self.p.log("management"))

    def test_no_password_in_logs(self):
        self.p.request("/api/invoke/Ping", password="Leaky-Password-99")
        log = self.p.log("management")
        self.assertNotIn(ADMIN_PASSWORD, log)
        self.assertNotIn("Leaky-Password-99", log)


if __name__ == "__main__":
    unittest.main()
