#!/usr/bin/env python3
"""Makes the data directory e2e test_upgrade starts the current release on:
a whole platform's data (Management Server, Instance Host, CAS, one
instance with two archive stores, users, mail in several folders, search
indexes) written by an OLDER release, and a manifest of what must survive the
upgrade (every message's SHA-256 by folder, what searches find).

Run it with the older release's programs and its own test harness (its
configuration keys are the ones those programs accept):

    git worktree add /tmp/old v26.1.0.1 && cmake -S /tmp/old -B /tmp/old/build -G Ninja \\
        -DSPE_BUILD_TESTS=OFF && cmake --build /tmp/old/build
    SPE_BIN=/tmp/old/build/bin tests/tools/make_upgrade_fixture.py /tmp/old/tests/e2e \\
        tests/e2e/fixtures/upgrade-26.1.0.1.tar.gz

The platform lives at FIXED (below) while it is made: the Management
Server's database keeps the instances' absolute paths, so the test unpacks it
at the same place."""
import imaplib
import json
import os
import shutil
import ssl
import sys
import tarfile
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from imap_digest import mailbox_digests  # noqa: E402

FIXED = "/var/tmp/spe-upgrade-fixture"
IID = "acme"
PASSWORD = "Upgrade-Passw0rd-1"
QUERIES = ["fox", "message", "Gr\u00fc\u00dfe", "attachment"]


def tls():
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    return ctx


def messages_by_folder(port, user):
    """{mailbox: sorted sha256 of each message} over IMAPS."""
    m = imaplib.IMAP4_SSL("127.0.0.1", port, ssl_context=tls(), timeout=60)
    m.login("%s/%s" % (IID, user), PASSWORD)
    out = mailbox_digests(m)
    m.logout()
    return out


def main():
    harness_dir, target = sys.argv[1], os.path.abspath(sys.argv[2])
    sys.path.insert(0, harness_dir)
    import harness  # the older release's
    import mailgen
    shutil.rmtree(FIXED, ignore_errors=True)
    os.makedirs(FIXED)
    tempfile.mkdtemp = lambda prefix=None: FIXED  # the harness's platform directory
    os.environ["SPE_KEEP_TEST_DIRS"] = "1"
    p = harness.Platform(instancehost_config={"instanceUsers": "hostUser"})
    try:
        p.ok("CreateInstance", config={"instanceID": IID, "instanceHost": "127.0.0.1", "startMode": "automatic"})
        p.ok("StartInstances", instanceFilter=IID)
        for user in ("alice", "bob"):
            p.ok("CreateUser", instanceID=IID, userName=user, privileges="login", loginPrivileges="web,imap",
                 password=PASSWORD)
        src = p.source_dir("mail")
        mailgen.write_eml_tree(os.path.join(src, "alice"), 40)
        mailgen.write_eml_tree(os.path.join(src, "bob1"), 15, folders=("Inbox",))
        for user, folder in (("alice", "alice"), ("bob", "bob1")):
            p.ok("RunTemporaryProfile", instanceID=IID, raw=True, properties={
                "name": "import " + user, "connector": "emlDirectory",
                "details": {"path": os.path.join(src, folder), "targetUserFolder": user}})
        # A second store, current: what comes next goes there.
        p.ok("CreateStore", instanceID=IID, name="Second", databasePath="~/Data/Second", requestedState="current")
        second = [mailgen.message(1000 + i) for i in range(10)]
        os.makedirs(os.path.join(src, "bob2", "Inbox"))
        for i, data in enumerate(second):
            with open(os.path.join(src, "bob2", "Inbox", "n%d.eml" % i), "wb") as f:
                f.write(data)
        p.ok("RunTemporaryProfile", instanceID=IID, raw=True, properties={
            "name": "import bob 2", "connector": "emlDirectory",
            "details": {"path": os.path.join(src, "bob2"), "targetUserFolder": "bob"}})
        web = harness.WebAccess(p, IID)
        searches = {}
        for user in ("alice", "bob"):
            session = web.login({"userName": user, "password": PASSWORD})
            total = 40 if user == "alice" else 25
            deadline = time.time() + 120
            while True:  # indexing follows archiving
                status, found = web.call(session, "search", {"folder": user, "limit": 100})
                if status == 200 and len(found["hits"]) == total:
                    break
                if time.time() > deadline:
                    raise AssertionError("never indexed: %r" % found)
                time.sleep(0.5)
            for q in QUERIES:
                status, found = web.call(session, "search", {"folder": user, "query": q, "limit": 100})
                assert status == 200, found
                searches["%s:%s" % (user, q)] = sorted(h["subject"] for h in found["hits"])
        manifest = {
            "madeBy": p.ok("GetEnvironmentInfo")["version"],
            "instanceID": IID,
            "password": PASSWORD,
            "stores": sorted(s["name"] for s in p.ok("GetStores", instanceID=IID)),
            "messages": {u: messages_by_folder(p.ports["imaps"], u) for u in ("alice", "bob")},
            "searches": searches,
        }
    finally:
        p.stop()
    with open(os.path.join(FIXED, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1, sort_keys=True)
    # The data only: configurations (with that run's ports), logs and the
    # imported files stay out; runtime sockets are gone with the daemons.
    keep = ["management", "instancehost", "cas", "instances", "manifest.json"]
    with tarfile.open(target, "w:gz") as tar:
        for name in keep:
            tar.add(os.path.join(FIXED, name), arcname=name,
                    filter=lambda t: None if "/run/" in t.name or t.name.endswith("/run") else t)
    print("wrote %s (%d bytes) from release %s" % (target, os.path.getsize(target), manifest["madeBy"]))


if __name__ == "__main__":
    main()
