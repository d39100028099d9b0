#!/usr/bin/env python3
"""The smoke test of an installed platform: what a provider does first after
`apt install ./build/packages/*.deb`, against the running services on their
documented ports (tests/package/test_packages.sh runs it inside the
container the packages were installed in; it needs only Python's standard
library, curl, and harness.py and mailgen.py beside it).

The roles report active; an instance is created and started, a user made,
five messages archived from the instance's import directory, read back byte
for byte over IMAPS through the CAS (993), found by Web Access's search
through the CAS (443), and counted by the Instance Host's metrics (9472).

    smoke.py --password-file /var/lib/spe/management/initial-admin-password --version 26.2.0.0
"""
import argparse
import imaplib
import os
import sys
import time

import mailgen
from harness import ApiClient, WebAccess, curl, insecure_context

IID = "smoke"
USER_PASSWORD = "Smoke-Test-Passw0rd"


class Installed(ApiClient):
    api_url = "https://127.0.0.1:8474"
    web_url = "https://127.0.0.1:443"

    def __init__(self, password):
        self.password = password

    def invoke(self, function, **args):
        return ApiClient.invoke(self, function, _password=self.password, **args)


def step(text):
    print("smoke: " + text, flush=True)


def until(what, check, seconds=120):
    deadline = time.time() + seconds
    while True:
        try:
            result = check()
            if result:
                return result
        except Exception as e:  # the services may still be starting: try again until the deadline
            last = e
        else:
            last = None
        if time.time() > deadline:
            raise AssertionError("%s: not within %d s (%s)" % (what, seconds, last))
        time.sleep(1)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--password-file", required=True)
    parser.add_argument("--version", required=True)
    parser.add_argument("--imports", default="/var/lib/spe/imports")
    a = parser.parse_args()
    with open(a.password_file) as f:
        api = Installed(f.read().strip())

    info = until("the Management API answers", lambda: api.ok("GetEnvironmentInfo"))
    assert info["version"] == a.version, info
    step("Management API answers, version %s" % info["version"])

    def roles_active():
        status = api.ok("GetServiceStatus")
        servers = {s["serverType"]: s["active"] for s in status["serverInfos"]}
        return servers if servers.get("instanceHost") and servers.get("clientAccessServer") else None
    step("roles active: %s" % until("both roles active", roles_active))

    api.ok("CreateInstance", config={"instanceID": IID, "instanceHost": "localhost", "startMode": "automatic"})
    api.ok("StartInstances", instanceFilter=IID)
    running = until("the instance runs", lambda: [i for i in api.ok("GetInstances", instanceFilter=IID)
                                                  if i["status"] == "running"])
    step("instance %s running as process %s" % (IID, running[0]["processID"]))

    api.ok("CreateUser", instanceID=IID, userName="alice", privileges="login", loginPrivileges="web,imap",
           password=USER_PASSWORD)
    source = os.path.join(a.imports, IID, "mail")
    messages = mailgen.write_eml_tree(source, 5, folders=("Inbox",))["Inbox"]
    run = api.ok("RunTemporaryProfile", instanceID=IID, raw=True, properties={
        "name": "smoke", "connector": "emlDirectory",
        "details": {"path": source, "targetUserFolder": "alice"}})
    assert run["itemsArchived"] == 5, run
    step("archived 5 messages")

    def imap_login():
        m = imaplib.IMAP4_SSL("127.0.0.1", 993, ssl_context=insecure_context(), timeout=30)
        m.login("%s/alice" % IID, USER_PASSWORD)
        return m
    m = until("IMAP login through the CAS", imap_login)
    typ, data = m.select("INBOX", readonly=True)
    assert typ == "OK" and int(data[0]) == 5, (typ, data)
    typ, data = m.fetch("1:*", "(BODY.PEEK[])")
    fetched = sorted(item[1] for item in data if isinstance(item, tuple))
    assert fetched == sorted(messages), "the messages read over IMAP differ from the archived files"
    m.logout()
    step("IMAPS through the CAS: 5 messages, byte for byte")

    web = WebAccess(api, IID)
    session = web.login({"userName": "alice", "password": USER_PASSWORD})

    def searched():  # indexing follows archiving closely, not at once
        status, found = web.call(session, "search", {"folder": "alice", "limit": 100})
        assert status == 200, found
        return len(found["hits"]) == 5
    until("Web Access's search finds the 5 messages", searched, 60)
    step("Web Access through the CAS: search finds 5 messages")

    def counted():
        status, _, body = curl("https://127.0.0.1:9472/metrics")
        return status == 200 and ('spe_archived_messages_total{instance="%s"} 5' % IID) in body.decode()
    until("the Instance Host's metrics count the messages", counted, 30)
    step("metrics: spe_archived_messages_total{instance=\"%s\"} 5" % IID)
    print("SMOKE OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
