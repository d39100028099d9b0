#!/usr/bin/env python3
"""Web Access through the CAS under load: one archive of N messages
(default 2,000, derived SpamAssassin corpus) is archived and indexed by a
fresh instance; then for each client count (default 1, 8, 32) that many
logged-in clients search it at once through the CAS's HTTPS port (CAS ->
Instance Host -> instance), each on its own keep-alive connection, for
--seconds each. Every search asks for the newest 50 hits of one word of the
corpus (a different word each time) and the total. Reports searches per
second and p50/p95/p99 latency per client count (goal: 32 clients >= 300
searches/s, p95 <= 150 ms), and the resident memory of the CAS and the
instance. Clients run in --processes worker processes (threads inside
them), so that the load generator is not one Python interpreter's lock.
Progress goes to stderr; the last line is one JSON object.

    ./spe bench web [--messages N] [--clients 1,8,32] [--seconds S]
"""
import argparse
import email
import email.policy
import json
import multiprocessing
import os
import random
import re
import statistics
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "e2e"))
sys.path.insert(0, os.path.join(HERE, "..", "tools"))
import corpus  # noqa: E402
from harness import Platform  # noqa: E402
from procstat import mem_kb  # noqa: E402
from test_web_downloads import Session  # noqa: E402

IID = "webbench"
USER = "bench"
PASSWORD = "bench-Password-1"
WORD = re.compile(r"[a-z]{5,12}")


def say(*a):
    print("web:", *a, file=sys.stderr, flush=True)


def words(count):
    """Words of the corpus bodies that occur in a few percent of the messages."""
    seen = {}
    for raw in corpus.base_messages()[:count]:
        msg = email.message_from_bytes(raw, policy=email.policy.compat32)
        part = msg.get_payload(decode=True) if not msg.is_multipart() else None
        for w in set(WORD.findall((part or b"").decode("latin-1", "replace").lower())):
            seen[w] = seen.get(w, 0) + 1
    ranked = [w for w, _ in sorted(seen.items(), key=lambda x: -x[1])]
    return ranked[50:1050]


class WebClient(Session):
    """One logged-in Web Access session on one keep-alive connection."""

    def __init__(self, port):
        super().__init__(port, USER, instance=IID, password=PASSWORD)

    def search(self, query, folder=""):
        status, _, body = self.request("POST", "search", {"query": query, "folder": folder})
        if status != 200:
            raise RuntimeError("search %r: %d %s" % (query, status, body[:200]))
        return json.loads(body)["total"]


def worker(port, threads, seconds, vocabulary, seed, out):
    """Runs `threads` clients for `seconds`; puts (latencies in ms, errors) on `out`."""
    clients = [WebClient(port) for _ in range(threads)]
    start = threading.Barrier(threads)
    latencies, errors, lock = [], [], threading.Lock()

    def run(i, client):
        rng = random.Random(seed * 1000 + i)
        start.wait()
        mine = []
        end = time.perf_counter() + seconds
        while time.perf_counter() < end:
            t = time.perf_counter()
            try:
                client.search(rng.choice(vocabulary))
            except Exception as e:  # noqa: BLE001 (reported, not hidden)
                with lock:
                    errors.append(str(e)[:200])
                return
            mine.append((time.perf_counter() - t) * 1000)
        with lock:
            latencies.extend(mine)

    ts = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(clients)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    out.put((latencies, errors))


def percentiles(ms):
    ms = sorted(ms)
    pick = lambda q: round(ms[min(len(ms) - 1, int(q * len(ms)))], 1)  # noqa: E731
    return {"p50_ms": pick(0.50), "p95_ms": pick(0.95), "p99_ms": pick(0.99), "mean_ms": round(statistics.mean(ms), 1)}


def load(port, clients, processes, seconds, vocabulary):
    procs = min(processes, clients)
    out = multiprocessing.Queue()
    shares = [clients // procs + (1 if i < clients % procs else 0) for i in range(procs)]
    workers = [multiprocessing.Process(target=worker, args=(port, n, seconds, vocabulary, i, out))
               for i, n in enumerate(shares)]
    for w in workers:
        w.start()
    latencies, errors = [], []
    for _ in workers:
        lat, err = out.get(timeout=seconds + 300)
        latencies += lat
        errors += err
    for w in workers:
        w.join()
    return latencies, errors


def main():
    ap = argparse.ArgumentParser(prog="./spe bench web")
    ap.add_argument("--messages", type=int, default=2000)
    ap.add_argument("--clients", default="1,8,32")
    ap.add_argument("--seconds", type=float, default=15)
    ap.add_argument("--processes", type=int, default=4)
    args = ap.parse_args()
    p = Platform()
    try:
        raw = corpus.write_maildir(p.source_dir("maildir"), args.messages)
        vocabulary = words(args.messages)
        p.ok("CreateInstance", config={"instanceID": IID, "instanceHost": "127.0.0.1", "startMode": "manual"})
        p.ok("StartInstances", instanceFilter=IID)
        p.ok("CreateUser", instanceID=IID, userName=USER, privileges="none", password=PASSWORD,
             loginPrivileges="web")
        pid = p.ok("CreateProfile", instanceID=IID, raw=True, properties={
            "name": "bench", "connector": "maildir", "details": {"path": p.source_dir("maildir"), "targetUserFolder": USER}})
        r = p.ok("RunProfile", instanceID=IID, id=pid["id"])
        say("archived %d messages (%.1f MB); waiting for the CAS route and the index ..." %
            (r["itemsArchived"], raw / 1e6))
        port = p.ports["https"]
        deadline = time.time() + 600
        while True:
            try:
                if WebClient(port).search("", folder=USER) >= args.messages:
                    break
            except Exception as e:  # noqa: BLE001 (not routed or not indexed yet)
                last = str(e)
            else:
                last = "not all indexed"
            if time.time() > deadline:
                sys.exit("web: the archive never became searchable: %s" % last)
            time.sleep(1)
        cas_pid = p.procs["cas"].pid
        instance_pid = {i["instanceID"]: i for i in p.ok("GetInstances", instanceFilter=IID)}[IID]["processID"]
        out = {"benchmark": "web", "messages": args.messages, "seconds_per_step": args.seconds, "steps": []}
        for clients in [int(c) for c in args.clients.split(",")]:
            say("%d clients ..." % clients)
            latencies, errors = load(port, clients, args.processes, args.seconds, vocabulary)
            step = {"clients": clients, "searches": len(latencies),
                    "searches_per_second": round(len(latencies) / args.seconds, 1), "errors": len(errors)}
            if latencies:
                step.update(percentiles(latencies))
            if errors:
                step["first_error"] = errors[0]
            say(json.dumps(step))
            out["steps"].append(step)
        out["cas_peak_rss_mb"] = round(mem_kb(cas_pid, "VmHWM") / 1024, 1)
        out["instance_peak_rss_mb"] = round(mem_kb(instance_pid, "VmHWM") / 1024, 1)
        out["goal"] = "32 clients: >= 300 searches/s, p95 <= 150 ms"
        print(json.dumps(out))
    finally:
        p.stop()


if __name__ == "__main__":
    main()
