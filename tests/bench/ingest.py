"""./spe bench ingest [--messages N]

Imports N messages (default 50,000) derived from the SpamAssassin corpus
(tests/tools/corpus.py: unique Message-IDs, shifted dates) from a maildir
into a fresh instance of a real single-server platform with RunProfile,
and reports: messages per second, MB per second (raw), stored bytes / raw
bytes once the indexer has settled (the whole store directory: database,
content, recovery records and search index; goal <= 0.45) and each part's
share, the index's share right when the run ended (before the indexer
compacts what grew while it was written), and the instance process's peak
resident memory.
Progress goes to stderr; the last line is one JSON object."""
import argparse
import json
import os
import sys
import time

HERE = os.path.dirname(__file__)
sys.path.insert(0, os.path.join(HERE, "..", "e2e"))
sys.path.insert(0, os.path.join(HERE, "..", "tools"))
import corpus  # noqa: E402
from harness import Platform  # noqa: E402
from bench_archive import maildir_instance, settled_size, store_directory  # noqa: E402
from procstat import mem_kb, tree_bytes  # noqa: E402


def main():
    ap = argparse.ArgumentParser(prog="./spe bench ingest")
    ap.add_argument("--messages", type=int, default=50000)
    args = ap.parse_args()
    p = Platform()
    try:
        print("ingest: deriving %d messages ..." % args.messages, file=sys.stderr)
        raw = corpus.write_maildir(p.source_dir("maildir"), args.messages)
        pid = maildir_instance(p, "ingest", p.source_dir("maildir"))
        print("ingest: importing ...", file=sys.stderr)
        t0 = time.perf_counter()
        r = p.ok("RunProfile", instanceID="ingest", id=pid)
        seconds = time.perf_counter() - t0
        proc = {i["instanceID"]: i for i in p.ok("GetInstances", instanceFilter="ingest")}["ingest"]["processID"]
        peak = mem_kb(proc, "VmHWM")
        store = store_directory(p, "ingest")
        index_after_run = tree_bytes(os.path.join(store, "Index"))
        print("ingest: waiting for the indexer to settle (it compacts grown indexes when idle) ...",
              file=sys.stderr)
        sizes = {"Index": settled_size(os.path.join(store, "Index"))}
        sizes.update({sub: tree_bytes(os.path.join(store, sub)) for sub in ("Content", "Recovery")})
        sizes["database"] = os.path.getsize(os.path.join(store, "MailStoreFileGroup.fdb"))
        stored = tree_bytes(store)
        out = {
            "benchmark": "ingest",
            "messages": args.messages,
            "archived": r["itemsArchived"],
            "duplicates": r["duplicates"],
            "seconds": round(seconds, 2),
            "messages_per_second": round(r["itemsArchived"] / seconds, 1),
            "goal_messages_per_second": 2000,
            "raw_mb": round(raw / 1e6, 1),
            "mb_per_second": round(raw / 1e6 / seconds, 2),
            "stored_bytes": stored,
            "stored_over_raw": round(stored / raw, 3),
            "goal_stored_over_raw": 0.45,
            "content_over_raw": round(sizes["Content"] / raw, 3),
            "goal_content_over_raw": 0.25,
            "recovery_over_raw": round(sizes["Recovery"] / raw, 3),
            "index_over_raw": round(sizes["Index"] / raw, 3),
            "index_right_after_run_over_raw": round(index_after_run / raw, 3),
            "database_over_raw": round(sizes["database"] / raw, 3),
            "instance_peak_rss_mb": round(peak / 1024, 1),
        }
        print(json.dumps(out))
    finally:
        p.stop()


if __name__ == "__main__":
    main()
