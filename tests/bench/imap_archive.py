"""./spe bench imap-archive [--messages N] [--folders F]

Archiving from an IMAP server against mbsync: N messages (default 20,000)
derived from the SpamAssassin corpus (tests/tools/corpus.py) are put into a
real Dovecot mailbox (F folders, default 4), then archived by a fresh
instance with an imap profile over IMAPS, and pulled by `mbsync` over IMAPS
into a maildir, in the same run. Reports messages per second of both:
ours until every message is durable and acknowledged to the source (the
run report's durableSeconds: ratio_vs_mbsync) and until it is searchable
(RunProfile returns then: searchable_ratio_vs_mbsync), and the instance's
peak resident memory. Progress goes to
stderr; the last line is one JSON object."""
import argparse
import json
import os
import sys
import time

HERE = os.path.dirname(__file__)
sys.path.insert(0, os.path.join(HERE, "..", "e2e"))
sys.path.insert(0, os.path.join(HERE, "..", "tools"))
import corpus  # noqa: E402
from dovecot import Dovecot  # noqa: E402
from harness import Platform  # noqa: E402
import mbsync  # noqa: E402
from procstat import mem_kb  # noqa: E402

PASSWORD = "bench-pw"


def say(*a):
    print("imap-archive:", *a, file=sys.stderr, flush=True)


def fill(dovecot, count, folders):
    """count derived messages spread over `folders` folders; returns raw bytes."""
    base = corpus.base_messages()
    names = ["INBOX"] + ["Archive/%d" % (2020 + i) for i in range(folders - 1)]
    total = 0
    for n in range(count):
        raw = corpus.derive(base[n % len(base)], n // len(base), n % len(base))
        dovecot.add_message("bench", names[n % len(names)], raw)
        total += len(raw)
    return total


def main():
    ap = argparse.ArgumentParser(prog="./spe bench imap-archive")
    ap.add_argument("--messages", type=int, default=20000)
    ap.add_argument("--folders", type=int, default=4)
    args = ap.parse_args()
    p = Platform()
    dovecot = Dovecot(p.path("dovecot"))
    try:
        dovecot.add_user("bench", PASSWORD)
        say("filling the Dovecot mailbox with %d messages ..." % args.messages)
        raw = fill(dovecot, args.messages, args.folders)
        dovecot.start()
        p.ok("CreateInstance", config={"instanceID": "imapbench", "instanceHost": "127.0.0.1", "startMode": "manual"})
        p.ok("StartInstances", instanceFilter="imapbench")
        p.ok("CreateUser", instanceID="imapbench", userName="bench", privileges="none")
        pid = p.ok("CreateProfile", instanceID="imapbench", raw=True, properties={
            "name": "bench", "connector": "imap", "details": {
                "host": "localhost", "port": str(dovecot.ports["imaps"]), "protocol": "IMAP-SSL",
                "userName": "bench", "password": PASSWORD, "ignoreSSLPolicyErrors": "1",
                "targetUserFolder": "bench"}})["id"]
        say("archiving over IMAPS ...")
        t0 = time.perf_counter()
        r = p.ok("RunProfile", instanceID="imapbench", id=pid)
        ours = time.perf_counter() - t0
        report = p.ok("GetWorkerResultReport", instanceID="imapbench", id=r["workerResultId"])["report"]
        durable = report["durableSeconds"]
        proc = {i["instanceID"]: i for i in p.ok("GetInstances", instanceFilter="imapbench")}["imapbench"]["processID"]
        peak = mem_kb(proc, "VmHWM")
        p.ok("StopInstances", instanceFilter="imapbench")
        say("mbsync over IMAPS ...")
        theirs = mbsync.pull(dovecot.ports["imaps"], "bench", PASSWORD, dovecot.file("cert.pem"),
                             p.path("mbsync-maildir"))
        pulled = sum(len(files) for root, _, files in os.walk(p.path("mbsync-maildir"))
                     if os.path.basename(root) in ("cur", "new"))
        if pulled != args.messages:
            raise SystemExit("mbsync pulled %d of %d messages" % (pulled, args.messages))
        out = {
            "benchmark": "imap-archive",
            "messages": args.messages,
            "folders": args.folders,
            "raw_mb": round(raw / 1e6, 1),
            "archived": r["itemsArchived"],
            "ours_durable_seconds": round(durable, 2),
            "ours_messages_per_second": round(r["itemsArchived"] / durable, 1),
            "ours_searchable_seconds": round(ours, 2),
            "ours_searchable_messages_per_second": round(r["itemsArchived"] / ours, 1),
            "mbsync_seconds": round(theirs, 2),
            "mbsync_messages_per_second": round(args.messages / theirs, 1),
            "ratio_vs_mbsync": round((r["itemsArchived"] / durable) / (args.messages / theirs), 2),
            "goal_ratio_vs_mbsync": 1.0,
            "searchable_ratio_vs_mbsync": round((r["itemsArchived"] / ours) / (args.messages / theirs), 2),
            "instance_peak_rss_mb": round(peak / 1024, 1) if peak else None,
            "note": "ratio_vs_mbsync: until every message is durable and acknowledged to the source (the run's "
                    "durableSeconds); the run itself ends when the mail is searchable (searchable_*)",
        }
        print(json.dumps(out))
    finally:
        dovecot.stop()
        p.stop()


if __name__ == "__main__":
    main()
