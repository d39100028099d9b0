"""./spe bench search [--messages N] [--queries Q]

Search over a large archive against notmuch: N messages (default
1,000,000) derived from the SpamAssassin corpus (tests/tools/corpus.py) are
archived and indexed by a fresh instance (RunProfile), and indexed by
`notmuch new` from a hard-linked copy of the same maildir. Then Q (default
200) mixed queries (words common and rare, AND, OR, phrases, from: domain,
subject:, date ranges, trailing wildcards, exclusions) run against both,
each asking for the newest 50 hits and the total: ours through the
instance's search (the path Web Access and IMAP use, over its local
socket), notmuch's through its Python bindings in this process (no process
start per query). Reports p50/p95/p99 latency of both (goal: ours p95 <=
50 ms) and index bytes over raw bytes (goal <= 0.15). Progress goes to
stderr; the last line is one JSON object."""
import argparse
import email
import email.policy
import json
import os
import random
import re
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(__file__)
sys.path.insert(0, os.path.join(HERE, "..", "e2e"))
sys.path.insert(0, os.path.join(HERE, "..", "tools"))
import corpus  # noqa: E402
from harness import Platform  # noqa: E402
from bench_archive import maildir_instance, notmuch_new, settled_size, store_directory  # noqa: E402
from procstat import tree_bytes  # noqa: E402
from test_index import instance_rpc  # noqa: E402

WORD = re.compile(r"[a-z]{4,12}")


def say(*a):
    print("search:", *a, file=sys.stderr, flush=True)


def vocabulary(base):
    """Words of bodies and subjects (by frequency), sender domains, subject word pairs."""
    counts, pairs, domains = {}, [], []
    for raw in base[:3000]:
        msg = email.message_from_bytes(raw, policy=email.policy.compat32)
        subject = str(msg.get("Subject", "")).lower()
        words = WORD.findall(subject)
        if len(words) >= 2:
            pairs.append((words[0], words[1]))
        sender = str(msg.get("From", "")).lower()
        m = re.search(r"@([a-z0-9.-]+\.[a-z]{2,})", sender)
        if m:
            domains.append(m.group(1))
        part = msg.get_payload(decode=True) if not msg.is_multipart() else None
        text = (part or b"").decode("latin-1", "replace").lower()
        for w in set(WORD.findall(text)) | set(words):
            counts[w] = counts.get(w, 0) + 1
    ranked = [w for w, _ in sorted(counts.items(), key=lambda x: -x[1])]
    return ranked, pairs, sorted(set(domains))


def queries(base, n, seed=5):
    """n mixed queries as (ours, notmuch's, kind)."""
    rng = random.Random(seed)
    ranked, pairs, domains = vocabulary(base)
    common, middle, rare = ranked[:200], ranked[200:3000], ranked[3000:]
    out = []
    kinds = (["word"] * 6 + ["rare"] * 3 + ["and"] * 4 + ["or"] * 2 + ["phrase"] * 2 + ["from"] * 2 + ["subject"]
             + ["date"] + ["wild"] + ["not"])
    for i in range(n):
        kind = kinds[i % len(kinds)]
        if kind == "word":
            w = rng.choice(middle)
            out.append((w, w, kind))
        elif kind == "rare":
            w = rng.choice(rare)
            out.append((w, w, kind))
        elif kind == "and":
            a, b = rng.choice(common), rng.choice(middle)
            out.append(("%s %s" % (a, b), "%s and %s" % (a, b), kind))
        elif kind == "or":
            a, b = rng.choice(middle), rng.choice(rare)
            out.append(("%s OR %s" % (a, b), "%s or %s" % (a, b), kind))
        elif kind == "phrase":
            a, b = rng.choice(pairs)
            out.append(('"%s %s"' % (a, b), '"%s %s"' % (a, b), kind))
        elif kind == "from":
            d = rng.choice(domains)
            out.append(("from:" + d, "from:" + d, kind))
        elif kind == "subject":
            a, _ = rng.choice(pairs)
            out.append(("subject:" + a, "subject:" + a, kind))
        elif kind == "date":
            w = rng.choice(middle)
            y = 2002 + rng.randrange(20)
            out.append(("%s date:%d-01-01..%d-06-30" % (w, y, y), "%s date:%d-01-01..%d-06-30" % (w, y, y), kind))
        elif kind == "wild":
            w = rng.choice(middle)[:4]
            out.append((w + "*", w + "*", kind))
        else:
            a, b = rng.choice(common), rng.choice(common)
            out.append(("%s -%s" % (a, b), "%s and not %s" % (a, b), kind))
    return out


def percentiles(ms):
    ms = sorted(ms)
    pick = lambda q: round(ms[min(len(ms) - 1, int(q * len(ms)))], 2)  # noqa: E731
    return {"p50_ms": pick(0.50), "p95_ms": pick(0.95), "p99_ms": pick(0.99), "mean_ms": round(statistics.mean(ms), 2)}


def main():
    ap = argparse.ArgumentParser(prog="./spe bench search")
    ap.add_argument("--messages", type=int, default=1000000)
    ap.add_argument("--queries", type=int, default=200)
    ap.add_argument("--skip-notmuch", action="store_true")
    ap.add_argument("--kinds", help="only these query kinds, comma-separated (e.g. phrase,not)")
    args = ap.parse_args()
    p = Platform()
    try:
        say("deriving %d messages ..." % args.messages)
        raw = corpus.write_maildir(p.source_dir("maildir"), args.messages)
        subprocess.run(["cp", "-al", p.source_dir("maildir"), p.path("notmuch-mail")], check=True)
        qs = queries(corpus.base_messages(), args.queries)
        if args.kinds:
            qs = [q for q in qs if q[2] in args.kinds.split(",")]
        pid = maildir_instance(p, "search", p.source_dir("maildir"))
        say("archiving and indexing ...")
        t0 = time.perf_counter()
        r = p.ok("RunProfile", instanceID="search", id=pid)
        ingest = time.perf_counter() - t0
        say("archived %d in %.0f s; waiting for the index to settle ..." % (r["itemsArchived"], ingest))
        index_bytes = settled_size(os.path.join(store_directory(p, "search"), "Index"), 5)
        sock = p.socket("search")
        ours, totals = [], []
        for q, _, _ in qs[:20]:  # warm up
            instance_rpc(sock, "search", {"userName": "bench", "query": q, "limit": 50})
        errors = []
        by_kind = {}
        phrase_reads, phrase_candidates = [], []
        for q, _, kind in qs:
            t = time.perf_counter()
            frame = instance_rpc(sock, "search", {"userName": "bench", "query": q, "limit": 50})
            ours.append((time.perf_counter() - t) * 1000)
            by_kind.setdefault(kind, []).append(ours[-1])
            if "error" in frame:
                errors.append("%s: %s" % (q, frame["error"]["message"]))
            else:
                totals.append(frame["result"]["total"])
                if kind == "phrase":
                    phrase_reads.append(frame["result"].get("messagesRead", 0))
                    phrase_candidates.append(frame["result"].get("candidatesLookedAt", 0))
        say("ours: %s" % percentiles(ours))
        out = {
            "benchmark": "search",
            "messages": args.messages,
            "archived": r["itemsArchived"],
            "raw_mb": round(raw / 1e6, 1),
            "ingest_seconds": round(ingest, 1),
            "ingest_messages_per_second": round(r["itemsArchived"] / ingest, 1),
            "queries": len(qs),
            "ours": percentiles(ours),
            "ours_by_kind_p95_ms": {k: percentiles(v)["p95_ms"] for k, v in sorted(by_kind.items())},
            "goal_p95_ms": 50,
            "ours_query_errors": errors,
            "median_total": statistics.median(totals) if totals else None,
            # What the phrase queries cost: candidates put to their word-pair
            # filters and messages read to check them (per query, mean and max).
            "phrase_candidates_mean": round(statistics.mean(phrase_candidates), 1) if phrase_candidates else None,
            "phrase_messages_read_mean": round(statistics.mean(phrase_reads), 1) if phrase_reads else None,
            "phrase_messages_read_max": max(phrase_reads) if phrase_reads else None,
            "index_mb": round(index_bytes / 1e6, 1),
            "index_over_raw": round(index_bytes / raw, 3),
            "goal_index_over_raw": 0.15,
        }
        p.ok("StopInstances", instanceFilter="search")
        if not args.skip_notmuch:
            import notmuch2
            say("notmuch new ...")
            new_seconds = notmuch_new(p.path("notmuch-mail"), p.path("notmuch-config"))
            db = notmuch2.Database(p.path("notmuch-mail"), config=notmuch2.Database.CONFIG.EMPTY)
            theirs = []

            def run(q):
                first = [m.messageid for _, m in zip(range(50), db.messages(q, sort=notmuch2.Database.SORT.NEWEST_FIRST))]
                return first, db.count_messages(q)
            for _, q, _ in qs[:20]:
                run(q)
            theirs_by_kind = {}
            for _, q, kind in qs:
                t = time.perf_counter()
                run(q)
                theirs.append((time.perf_counter() - t) * 1000)
                theirs_by_kind.setdefault(kind, []).append(theirs[-1])
            out["notmuch_by_kind_p95_ms"] = {k: percentiles(v)["p95_ms"] for k, v in sorted(theirs_by_kind.items())}
            out["notmuch"] = percentiles(theirs)
            out["notmuch_new_seconds"] = round(new_seconds, 1)
            out["notmuch_index_over_raw"] = round(tree_bytes(os.path.join(p.path("notmuch-mail"), ".notmuch")) / raw, 3)
            out["p95_ratio_notmuch_over_ours"] = round(out["notmuch"]["p95_ms"] / max(out["ours"]["p95_ms"], 0.01), 2)
        print(json.dumps(out))
    finally:
        p.stop()


if __name__ == "__main__":
    main()
