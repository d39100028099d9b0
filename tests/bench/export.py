"""./spe bench export [--messages N] [--folders F]

Export profiles against mbsync (docs/export.md): N messages (default 50,000)
derived from the SpamAssassin corpus (tests/tools/corpus.py) are archived
by a fresh instance (not timed), then exported by export profiles
(RunTemporaryProfile) to a directory of .eml files and to a real Dovecot
mailbox over IMAPS; in the same run `mbsync` pushes the same messages from
a maildir to another Dovecot mailbox over IMAPS. Reports messages per second
of each and ratio_vs_mbsync (our IMAP export / mbsync's push). Progress goes
to stderr; the last line is one JSON object."""
import argparse
import imaplib
import json
import os
import ssl
import sys
import time

HERE = os.path.dirname(__file__)
sys.path.insert(0, os.path.join(HERE, "..", "e2e"))
sys.path.insert(0, os.path.join(HERE, "..", "tools"))
import corpus  # noqa: E402
from dovecot import Dovecot  # noqa: E402
from harness import Platform  # noqa: E402
import mbsync  # noqa: E402

PASSWORD = "bench-pw"
IID = "exportbench"


def say(*a):
    print("export:", *a, file=sys.stderr, flush=True)


def write_sources(eml_root, maildir, count, folders):
    """The same messages as an .eml tree (for the archive) and a Maildir++
    tree (for mbsync); returns their total size."""
    base = corpus.base_messages()
    names = ["INBOX"] + ["Archive/%d" % (2020 + i) for i in range(folders - 1)]
    total = 0
    for n in range(count):
        raw = corpus.derive(base[n % len(base)], n // len(base), n % len(base))
        folder = names[n % len(names)]
        d = os.path.join(eml_root, folder)
        os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, "%07d.eml" % n), "wb") as f:
            f.write(raw)
        m = os.path.join(maildir, folder)
        for sub in ("cur", "new", "tmp"):
            os.makedirs(os.path.join(m, sub), exist_ok=True)
        with open(os.path.join(m, "cur", "%07d.bench:2,S" % n), "wb") as f:
            f.write(raw)
        total += len(raw)
    return total


def mailbox_count(port, user):
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    c = imaplib.IMAP4_SSL("127.0.0.1", port, ssl_context=ctx)
    c.login(user, PASSWORD)
    total = 0
    for line in c.list()[1]:
        name = line.decode().rsplit(" ", 1)[-1].strip('"')
        typ, data = c.status('"%s"' % name, "(MESSAGES)")
        if typ == "OK":
            total += int(data[0].decode().rsplit("MESSAGES ", 1)[1].rstrip(")"))
    c.logout()
    return total


def main():
    ap = argparse.ArgumentParser(prog="./spe bench export")
    ap.add_argument("--messages", type=int, default=50000)
    ap.add_argument("--folders", type=int, default=4)
    args = ap.parse_args()
    p = Platform()
    dovecot = Dovecot(p.path("dovecot"))
    try:
        for user in ("ours", "theirs"):
            dovecot.add_user(user, PASSWORD)
        say("writing %d messages ..." % args.messages)
        src = p.source_dir("bench")
        raw = write_sources(src, p.path("maildir"), args.messages, args.folders)
        dovecot.start()
        p.ok("CreateInstance", config={"instanceID": IID, "instanceHost": "127.0.0.1", "startMode": "manual"})
        p.ok("StartInstances", instanceFilter=IID)
        p.ok("CreateUser", instanceID=IID, userName="bench", privileges="none")
        say("archiving them (not timed) ...")
        r = p.ok("RunTemporaryProfile", instanceID=IID, raw=True, properties={
            "name": "in", "connector": "emlDirectory", "details": {"path": src, "targetUserFolder": "bench"}})
        if r["itemsArchived"] != args.messages:
            raise SystemExit("archived %d of %d messages" % (r["itemsArchived"], args.messages))
        base_dir = p.ok("GetInstanceConfiguration", instanceID=IID)["baseDirectory"]

        say("exporting to an .eml directory ...")
        t0 = time.perf_counter()
        eml = p.ok("RunTemporaryProfile", instanceID=IID, raw=True, properties={
            "name": "eml", "type": "export", "connector": "emlDirectory",
            "details": {"path": os.path.join(base_dir, "Exports", "bench"), "folders": ["bench"]}})
        eml_s = time.perf_counter() - t0

        say("exporting to Dovecot over IMAPS ...")
        t0 = time.perf_counter()
        imap = p.ok("RunTemporaryProfile", instanceID=IID, raw=True, properties={
            "name": "imap", "type": "export", "connector": "imap",
            "details": {"host": "localhost", "port": str(dovecot.ports["imaps"]), "protocol": "IMAP-SSL",
                        "userName": "ours", "password": PASSWORD, "ignoreSSLPolicyErrors": "1",
                        "folders": ["bench"]}})
        imap_s = time.perf_counter() - t0
        p.ok("StopInstances", instanceFilter=IID)

        say("mbsync pushing the maildir over IMAPS ...")
        theirs_s = mbsync.push(dovecot.ports["imaps"], "theirs", PASSWORD, dovecot.file("cert.pem"), p.path("maildir"))
        for user, n in (("ours", imap["itemsExported"]), ("theirs", args.messages)):
            got = mailbox_count(dovecot.ports["imaps"], user)
            if got != args.messages:
                raise SystemExit("%s's mailbox holds %d of %d messages (%d reported)" % (user, got, args.messages, n))
        ours_rate = imap["itemsExported"] / imap_s
        theirs_rate = args.messages / theirs_s
        print(json.dumps({
            "benchmark": "export",
            "messages": args.messages,
            "folders": args.folders,
            "raw_mb": round(raw / 1e6, 1),
            "eml_seconds": round(eml_s, 2),
            "eml_messages_per_second": round(eml["itemsExported"] / eml_s, 1),
            "imap_seconds": round(imap_s, 2),
            "imap_messages_per_second": round(ours_rate, 1),
            "mbsync_seconds": round(theirs_s, 2),
            "mbsync_messages_per_second": round(theirs_rate, 1),
            "ratio_vs_mbsync": round(ours_rate / theirs_rate, 2),
            "note": "both push the same messages to Dovecot over IMAPS on this machine; ours reads them from the "
                    "archive store (decrypt, decompress) and records each batch for resuming",
        }))
    finally:
        dovecot.stop()
        p.stop()


if __name__ == "__main__":
    main()
