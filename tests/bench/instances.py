"""./spe bench instances [--start N] [--registered M] [--calls K]

Starts a real single-server platform on free loopback ports, then
  1. creates N instances (default 200) and starts them one by one:
     time to start one (StartInstances of one instance, API to ready), p50/p95;
  2. resident and private memory of an idle running instance (median, max);
  3. registers instances up to M (default 1000) and measures K (default 200)
     GetInstances("*") calls: p50/p99.
Goals (issue 3): start <= 300 ms, idle RSS <= 25 MB, GetInstances p99 <= 10 ms.
Progress goes to stderr; the last line is one JSON object."""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "e2e"))
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tools"))
from harness import ADMIN_PASSWORD, BIN, Platform  # noqa: E402
from procstat import mem_kb, pss_kb  # noqa: E402


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p * (len(values) - 1))))]


def main():
    ap = argparse.ArgumentParser(prog="./spe bench instances")
    ap.add_argument("--start", type=int, default=200)
    ap.add_argument("--registered", type=int, default=1000)
    ap.add_argument("--calls", type=int, default=200)
    args = ap.parse_args()
    p = Platform()
    try:
        create_ms, start_ms = [], []
        for n in range(args.start):
            iid = "bench-%04d" % n
            t0 = time.perf_counter()
            p.ok("CreateInstance", config={"instanceID": iid, "instanceHost": "127.0.0.1", "startMode": "manual"})
            t1 = time.perf_counter()
            p.ok("StartInstances", instanceFilter=iid)
            t2 = time.perf_counter()
            create_ms.append((t1 - t0) * 1000)
            start_ms.append((t2 - t1) * 1000)
            if (n + 1) % 20 == 0:
                print("started %d of %d instances" % (n + 1, args.start), file=sys.stderr)
        running = p.ok("GetInstances", instanceFilter="* .running")
        time.sleep(2)  # let them settle idle
        rss = [mem_kb(i["processID"], "VmRSS") / 1024 for i in running]
        anon = [mem_kb(i["processID"], "RssAnon") / 1024 for i in running]
        pss = [pss_kb(i["processID"]) / 1024 for i in running]
        for n in range(args.start, args.registered):
            p.ok("CreateInstance", config={"instanceID": "bench-%04d" % n, "instanceHost": "127.0.0.1",
                                           "startMode": "manual"})
            if (n + 1) % 100 == 0:
                print("registered %d of %d instances" % (n + 1, args.registered), file=sys.stderr)
        # api_bench: one keep-alive TLS connection (C++ client), then 4 concurrent clients.
        out = subprocess.run([os.path.join(BIN, "api_bench"), "--port", str(p.ports["api"]), "--user", "admin",
                              "--password", ADMIN_PASSWORD, "--calls", str(args.calls), "--clients", "4",
                              "--function", "GetInstances", "--arg", "instanceFilter=*"],
                             capture_output=True, text=True, check=True)
        gi = json.loads(out.stdout.strip().splitlines()[-1])
        got = p.ok("GetInstances", instanceFilter="*")
        assert len(got) == args.registered, len(got)
        print("stopping %d instances" % len(running), file=sys.stderr)
        p.ok("StopInstances", instanceFilter="* .running")
        result = {
            "benchmark": "instances",
            "instances_started": len(running),
            "start_one_ms": {"p50": round(pct(start_ms, 0.5), 1), "p95": round(pct(start_ms, 0.95), 1),
                             "max": round(max(start_ms), 1), "goal": 300},
            "create_one_ms": {"p50": round(pct(create_ms, 0.5), 1), "p95": round(pct(create_ms, 0.95), 1)},
            "idle_instance_rss_mb": {"median": round(statistics.median(rss), 1), "max": round(max(rss), 1),
                                     "goal": 25},
            "idle_instance_private_mb": {"median": round(statistics.median(anon), 1), "max": round(max(anon), 1)},
            "idle_instance_pss_mb": {"median": round(statistics.median(pss), 1), "max": round(max(pss), 1),
                                     "note": "proportional share: shared libraries divided among the instances"},
            "get_instances_ms": {"registered": args.registered, "running": len(running),
                                 "p50": round(gi["sequential_keep_alive"]["p50_ms"], 2),
                                 "p99": round(gi["sequential_keep_alive"]["p99_ms"], 2), "goal_p99": 10,
                                 "concurrent_4_clients_p99": round(gi["concurrent"]["p99_ms"], 2),
                                 "client": "api_bench (C++), keep-alive TLS connection"},
        }
        print(json.dumps(result))
    finally:
        p.stop()


if __name__ == "__main__":
    main()
