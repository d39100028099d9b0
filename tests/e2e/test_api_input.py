"""Input handling of the Management API as a class (issue 15): every function
of get-metadata is called with each bad value for each argument of a type
(fractions and out-of-range numbers, booleans as MailStore's clients send
them, over-long strings), older argument names, empty optional arguments and
bodies over the limit. No answer may come from the database refusing a
statement, and no error may quote more than about 200 characters."""
import http.client
import json
import socket
import unittest

from harness import ADMIN_PASSWORD, InstanceCalls, insecure_context

IID = "inp"
# Functions left out of the sweeps: they contact other servers by the name
# given (a made-up host name would wait for the resolver) or end the platform.
SKIP = {"PairWithManagementServer", "DeleteInstances", "StopInstances", "RestartInstances", "FreezeInstances"}
MAX_ECHO = 200


class ApiInputTest(InstanceCalls, unittest.TestCase):
    iid = IID

    @classmethod
    def setUpClass(cls):
        cls.start_platform()
        status, _, body = cls.p.request("/api/get-metadata")
        cls.meta = {f["name"]: f["args"] for f in json.loads(body.decode("utf-8-sig"))}

    @classmethod
    def tearDownClass(cls):
        cls.p.stop()

    def filler(self, arg):
        """A well-typed value for an argument that is not the one under test."""
        if arg["name"] == "instanceID":
            return IID
        if arg["name"] == "instanceFilter":
            return "nothing-matches"
        return {"string": "x", "number": "1", "bool": "false", "json": "{}"}[arg["type"]]

    def call(self, function, name, value):
        fields = {a["name"]: self.filler(a) for a in self.meta[function] if not a["nullable"] or a["name"] == name}
        fields[name] = value
        status, _, body = self.p.request("/api/invoke/" + function, fields)
        self.assertEqual(status, 200, (function, name, body[:200]))
        env = json.loads(body.decode("utf-8-sig"))
        while env["statusCode"] == "running":  # a long-running call given a good value: wait for its end
            _, _, body = self.p.request("/api/get-status", {"token": env["token"],
                                                            "lastKnownStatusVersion": env["statusVersion"],
                                                            "millisecondsTimeout": 5000})
            env = json.loads(body.decode("utf-8-sig"))
        return env

    def args_of_type(self, t):
        for function, args in sorted(self.meta.items()):
            if function in SKIP:
                continue
            for a in args:
                if a["type"] == t:
                    yield function, a

    def assertRefused(self, env, function, name, *words):
        self.assertEqual(env["statusCode"], "failed", (function, name, env))
        message = env["error"]["message"]
        self.assertIn("'%s'" % name, message, (function, name))
        for w in words:
            self.assertIn(w, message, (function, name))
        self.assertLess(len(message), 2 * MAX_ECHO + 200, (function, name))

    # ------------------------------------------------------------ numbers
    def test_numbers_are_whole_and_in_range(self):
        count = 0
        for function, a in self.args_of_type("number"):
            for bad in ("1.5", "2147483648", "99999999999999999999", "-1", "1e3", "0x10", " 1", "twelve"):
                env = self.call(function, a["name"], bad)
                self.assertRefused(env, function, a["name"], "whole number from")
                count += 1
        self.assertGreater(count, 80)
        # the port says its range; the error names 'port', not 'config.port'
        env = self.p.invoke("PairWithManagementServer", serverType="instanceHost", serverName="127.0.0.1",
                            port="70000", thumbprint="a" * 64)
        self.assertRefused(env, "PairWithManagementServer", "port", "from 1 to 65535")
        self.assertNotIn("config.", env["error"]["message"])
        env = self.p.invoke("PairWithManagementServer", serverType="instanceHost", serverName="127.0.0.1",
                            port="8472.5", thumbprint="a" * 64)
        self.assertRefused(env, "PairWithManagementServer", "port", "from 1 to 65535")
        env = self.p.invoke("PairWithManagementServer", serverType="instanceHost", serverName="127.0.0.1",
                            port="8472", thumbprint="zz")
        self.assertRefused(env, "PairWithManagementServer", "thumbprint")
        self.assertNotIn("config.", env["error"]["message"])
        # the product's range of the pause includes 0
        env = self.p.invoke("SetProfileServerSideExecution", instanceID=IID, id="1", automatic="true",
                            automaticPauseBetweenExecutions="0")
        self.assertNotIn("whole number", json.dumps(env["error"]))

    # ------------------------------------------------------------ booleans
    def test_booleans_as_clients_send_them(self):
        count = 0
        for function, a in self.args_of_type("bool"):
            for good in ("True", "FALSE", "false", "tRUE"):
                env = self.call(function, a["name"], good)
                if env["statusCode"] == "failed":
                    self.assertNotIn("'%s' must be" % a["name"], env["error"]["message"], (function, good))
            for bad in ("yes", "1", "0", "t", "truth", "true "):
                self.assertRefused(self.call(function, a["name"], bad), function, a["name"], "'true' or 'false'")
                count += 1
        self.assertGreater(count, 40)
        self.assertEqual(self.ok("GetStores", includeSize="True")[0]["id"], 1)

    # ------------------------------------------------------------ strings
    def test_over_long_strings_are_refused_before_any_database(self):
        count = 0
        for function, a in self.args_of_type("string"):
            env = self.call(function, a["name"], "x" * 70000)
            self.assertRefused(env, function, a["name"], "at most")
            count += 1
        self.assertGreater(count, 100)

    def test_lengths_around_every_column_size_never_reach_a_refusing_database(self):
        """Values just at and over the column sizes of the schemas either work,
        or fail with a message that names the limit, never in the database."""
        failures = []
        for function, a in self.args_of_type("string"):
            for n in (33, 65, 256, 257, 501, 1001, 1025, 4001, 8001):
                env = self.call(function, a["name"], "x" * n)
                if env["statusCode"] == "failed":
                    message = env["error"]["message"]
                    if "refused a statement" in message or len(message) > 2 * MAX_ECHO + 200:
                        failures.append((function, a["name"], n, message[:300]))
        self.assertEqual(failures, [], "\n".join(map(str, failures)))

    def test_json_fields_over_their_columns(self):
        long = "y" * 9000
        cases = [
            ("CreateInstance", {"config": {"instanceID": "abc", "instanceHost": "127.0.0.1", "displayName": long}}),
            ("CreateInstance", {"config": {"instanceID": "abd", "instanceHost": "127.0.0.1",
                                           "baseDirectory": "/" + long}}),
            ("CreateInstance", {"config": {"instanceID": "abe", "instanceHost": long}}),
            ("SetInstanceConfiguration", {"config": {"instanceID": IID, "displayName": long}}),
            ("CreateInstanceHost", {"config": {"serverName": "h" * 300, "port": 1,
                                               "serverCertificate": {"thumbprint": "a" * 64}}}),
            ("SetInstanceHostConfiguration", {"config": {"serverName": "127.0.0.1", "port": 1,
                                                         "serverCertificate": {"thumbprint": "a" * 64},
                                                         "baseDirectory": "/" + long}}),
            ("CreateSystemAdministrator", {"config": {"userName": "u" * 300, "fullName": "x"},
                                           "password": "Long-enough-1"}),
            ("CreateSystemAdministrator", {"config": {"userName": "jl", "fullName": long},
                                           "password": "Long-enough-1"}),
            ("CreateSystemAdministrator", {"config": {"userName": "jm", "fullName": "x", "emailAddress": long},
                                           "password": "Long-enough-1"}),
            ("SetSystemAdministratorConfiguration", {"config": {"userName": "admin", "fullName": long}}),
            ("SetSystemSmtpConfiguration", {"config": {"hostname": long}}),
            ("CreateProfile", {"instanceID": IID, "raw": True,
                               "properties": {"name": long, "type": "archive", "owner": "$archiveadmin",
                                              "connector": "file_eml", "details": {"path": "/tmp"}}}),
            ("CreateProfile", {"instanceID": IID, "raw": True,
                               "properties": {"name": "p", "type": "archive", "owner": "$archiveadmin",
                                              "connector": "file_eml", "details": {"path": long}}}),
            ("SetStoreAutoCreateConfiguration", {"instanceID": IID, "config": {"namePattern": long}}),
            ("SetIndexConfiguration", {"instanceID": IID, "config": {"attachmentTypes": [long]}}),
        ]
        failures = []
        for function, args in cases:
            env = self.p.invoke(function, **args)
            message = (env["error"] or {}).get("message", "")
            if env["statusCode"] != "failed" or "refused a statement" in message or len(message) > 2 * MAX_ECHO + 200:
                failures.append((function, json.dumps(args)[:120], env["statusCode"], message[:300]))
        self.assertEqual(failures, [], "\n".join(map(str, failures)))

    # ------------------------------------------------------------ names
    def test_older_argument_names_are_aliases(self):
        store = self.ok("CreateStore", name="Aliased", path="~/Data/Aliased", requestedState="normal")["id"]
        stores = {s["id"]: s for s in self.ok("GetStores")}
        self.assertTrue(stores[store]["databasePath"].endswith("/Data/Aliased"), stores[store])
        self.ok("SetStoreRequestedState", id=store, requestedState="disabled")
        self.ok("SetStorePath", id=store, path="~/Data/Aliased2")
        self.assertTrue(self.ok("GetStores")[-1]["databasePath"].endswith("/Data/Aliased2"))
        self.failed("SetStorePath", "not both", id=store, path="~/Data/A", databasePath="~/Data/B")
        self.failed("SetStorePath", "'databasePath'", id=store)
        names = [a["name"] for a in self.meta["SetStorePath"]]
        self.assertNotIn("path", names)  # get-metadata lists the current names only

    # ------------------------------------------------------------ empty and 0
    def test_empty_optional_arguments_are_absent_and_zero_is_a_value(self):
        every = self.p.ok("GetClientAccessServers", withServiceStatus=False)
        self.assertEqual(self.p.ok("GetClientAccessServers", serverNameFilter="", withServiceStatus=False), every)
        self.assertEqual(self.p.ok("GetInstanceHosts", serverNameFilter=""), self.p.ok("GetInstanceHosts"))
        self.assertEqual(self.ok("GetChildFolders", maxLevels=""), self.ok("GetChildFolders"))
        self.assertEqual(self.ok("GetStores", includeSize=""), self.ok("GetStores"))
        env = self.p.invoke("GetWorkerResults", instanceID=IID, fromIncluding="2020-01-01T00:00:00",
                            toExcluding="2030-01-01T00:00:00", timeZoneID="$Local", profileID="0")
        self.assertRefused(env, "GetWorkerResults", "profileID", "from 1 to")
        env = self.p.invoke("GetChildFolders", instanceID=IID, maxLevels="0")
        self.assertRefused(env, "GetChildFolders", "maxLevels", "from 1 to")
        # a required argument may not be left empty when it is a number
        self.assertRefused(self.p.invoke("DetachStore", instanceID=IID, id=""), "DetachStore", "id")

    # ------------------------------------------------------------ echo
    def test_errors_quote_at_most_200_characters(self):
        big = "q" * 5000
        for function, args in [("GetInstanceConfiguration", {"instanceID": "i" * 32}),
                               ("CreateInstance", {"config": {"instanceID": big, "instanceHost": "x"}}),
                               ("GetUserInfo", {"instanceID": IID, "userName": "u" * 255}),
                               ("GetDirectoriesOnInstanceHost", {"serverName": "127.0.0.1", "path": "/" + big}),
                               ("Ping", {big: "1"})]:
            env = self.p.invoke(function, **args)
            self.assertEqual(env["statusCode"], "failed", function)
            self.assertLess(len(env["error"]["message"]), 2 * MAX_ECHO + 200, function)

    # ------------------------------------------------------------ body limit
    def test_body_over_the_limit_gets_413_with_the_envelope(self):
        import base64
        body = b"a=" + b"x" * (17 * 1024 * 1024)
        auth = "Basic " + base64.b64encode(("admin:" + ADMIN_PASSWORD).encode()).decode()
        conn = http.client.HTTPSConnection("127.0.0.1", self.p.ports["api"], context=insecure_context(), timeout=60)
        conn.request("POST", "/api/invoke/Ping", body=body,
                     headers={"Authorization": auth, "Content-Type": "application/x-www-form-urlencoded"})
        r = conn.getresponse()
        self.assertEqual(r.status, 413)
        env = json.loads(r.read().decode("utf-8-sig"))
        self.assertEqual((env["statusCode"], env["statusVersion"]), ("failed", 2))
        self.assertIn("16 MiB", env["error"]["message"])
        conn.close()
        # a client that only sends the header learns the answer at once too
        with socket.create_connection(("127.0.0.1", self.p.ports["api"]), timeout=30) as s:
            with insecure_context().wrap_socket(s) as t:
                t.sendall(("POST /api/invoke/Ping HTTP/1.1\r\nHost: x\r\nAuthorization: %s\r\n"
                           "Content-Length: %d\r\n\r\n" % (auth, 17 * 1024 * 1024)).encode())
                data = b""
                while b"\r\n\r\n" not in data:
                    data += t.recv(65536)
                self.assertTrue(data.startswith(b"HTTP/1.1 413"), data[:100])
        # the server goes on answering
        self.assertEqual(self.p.invoke("Ping")["statusCode"], "succeeded")


if __name__ == "__main__":
    unittest.main()
