"""./spe bench index [--messages N]

Archiving with full-text indexing against notmuch: N messages (default
50,000) derived from the SpamAssassin corpus (tests/tools/corpus.py) in a
maildir are imported into a fresh instance with RunProfile (the run ends
when every message is archived and indexed), then `notmuch new` indexes a
hard-linked copy of the same maildir. Reports messages per second of both
and ratio_vs_notmuch (goal >= 2.0), the index size over the raw bytes, and
the instance's peak resident memory. Progress goes to stderr; the last
line is one JSON object."""
import argparse
import json
import os
import subprocess
import sys
import time

HERE = os.path.dirname(__file__)
sys.path.insert(0, os.path.join(HERE, "..", "e2e"))
sys.path.insert(0, os.path.join(HERE, "..", "tools"))
import corpus  # noqa: E402
from harness import Platform  # noqa: E402
from bench_archive import maildir_instance, notmuch_new, settled_size, store_directory  # noqa: E402
from procstat import mem_kb, tree_bytes  # noqa: E402


def main():
    ap = argparse.ArgumentParser(prog="./spe bench index")
    ap.add_argument("--messages", type=int, default=50000)
    args = ap.parse_args()
    p = Platform()
    try:
        print("index: deriving %d messages ..." % args.messages, file=sys.stderr)
        raw = corpus.write_maildir(p.source_dir("maildir"), args.messages)
        subprocess.run(["cp", "-al", p.source_dir("maildir"), p.path("notmuch-mail")], check=True)
        pid = maildir_instance(p, "index", p.source_dir("maildir"))
        print("index: archiving and indexing ...", file=sys.stderr)
        t0 = time.perf_counter()
        r = p.ok("RunProfile", instanceID="index", id=pid)
        ours = time.perf_counter() - t0
        proc = {i["instanceID"]: i for i in p.ok("GetInstances", instanceFilter="index")}["index"]["processID"]
        peak = mem_kb(proc, "VmHWM")
        store = store_directory(p, "index")
        index_bytes = settled_size(os.path.join(store, "Index"))
        tables = {}
        for root, _, files in os.walk(os.path.join(store, "Index")):
            for name in files:
                tables[name] = tables.get(name, 0) + os.path.getsize(os.path.join(root, name))
        if os.environ.get("SPE_BENCH_KEEP"):
            subprocess.run(["cp", "-a", os.path.join(store, "Index"), os.environ["SPE_BENCH_KEEP"]], check=True)
        p.ok("StopInstances", instanceFilter="index")
        print("index: notmuch new ...", file=sys.stderr)
        theirs = notmuch_new(p.path("notmuch-mail"), p.path("notmuch-config"))
        notmuch_bytes = tree_bytes(os.path.join(p.path("notmuch-mail"), ".notmuch"))
        ours_rate = r["itemsArchived"] / ours
        theirs_rate = args.messages / theirs
        out = {
            "benchmark": "index",
            "messages": args.messages,
            "archived": r["itemsArchived"],
            "raw_mb": round(raw / 1e6, 1),
            "seconds": round(ours, 2),
            "messages_per_second": round(ours_rate, 1),
            "notmuch_seconds": round(theirs, 2),
            "notmuch_messages_per_second": round(theirs_rate, 1),
            "ratio_vs_notmuch": round(ours_rate / theirs_rate, 2),
            "goal_ratio_vs_notmuch": 2.0,
            "index_over_raw": round(index_bytes / raw, 3),
            "goal_index_over_raw": 0.15,
            "index_tables_mb": {k: round(v / 1e6, 1) for k, v in sorted(tables.items()) if v > 100000},
            "notmuch_index_over_raw": round(notmuch_bytes / raw, 3),
            "instance_peak_rss_mb": round(peak / 1024, 1),
            "warnings": r.get("warnings"),
        }
        print(json.dumps(out))
    finally:
        p.stop()


if __name__ == "__main__":
    main()
