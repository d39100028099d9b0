"""./spe bench instances [--start N] [--registered M] [--calls K]

Starts a real single-server platform on free loopback ports, then
  1. creates N instances (default 200) and starts them one by one:
     time to start one (StartInstances of one instance, API to ready), p50/p95;
  2. resident and private memory of an idle running instance (median, max);
  3. registers instances up to M (default 1000), timing every CreateInstance
     (on one keep-alive connection):
     the first 100 and the last 100 registered (p50/p95), and their ratio;
  4. at 1,000 instances registered: every read-only Management API function
     that needs no running instance, K calls each, p99 (goal 5 ms);
  5. at M: K GetInstances("*") calls on one keep-alive connection and from
     4 concurrent clients, p50/p99.
Goals (issue 3): start <= 300 ms, idle RSS <= 25 MB. Issue 25: CreateInstance
costs the same at 10 and 10,000 instances, GetInstances("*") over 10,000 p99
<= 10 ms (one client) and <= 25 ms (4 clients), every read-only function p99
<= 5 ms at 1,000. api_bench does not parse the answers (the server's time).
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
from keepalive_api import KeepAliveApi  # noqa: E402
from procstat import mem_kb, pss_kb  # noqa: E402


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p * (len(values) - 1))))]


def api_bench(p, function, calls, args=(), clients=4):
    """api_bench's JSON for `calls` calls of `function` (one connection, then `clients`)."""
    cmd = [os.path.join(BIN, "api_bench"), "--port", str(p.ports["api"]), "--user", "admin",
           "--password", ADMIN_PASSWORD, "--calls", str(calls), "--clients", str(clients), "--function", function]
    for a in args:
        cmd += ["--arg", a]
    out = subprocess.run(cmd, capture_output=True, text=True, check=False)  # exit status 1: some calls failed
    if not out.stdout.strip():
        raise RuntimeError("api_bench %s printed nothing: %s" % (function, out.stderr.strip()))
    return json.loads(out.stdout.strip().splitlines()[-1])


def read_only_functions(p, calls):
    """p99 (ms) of each read-only function that answers without a running instance.

    GetServiceStatus is left out: it probes every role over the network (a
    TLS handshake each), which is what it is for, not a read."""
    out = {}
    iid = "bench-%05d" % 999
    cases = [("GetInstances", ["instanceFilter=*"]), ("GetInstances", ["instanceFilter=" + iid]),
             ("GetInstanceConfiguration", ["instanceID=" + iid]), ("GetArchiveAdminEnabled", ["instanceID=" + iid]),
             ("GetEnvironmentInfo", []), ("GetInstanceHosts", []),
             ("GetClientAccessServers", ["withServiceStatus=false"]), ("GetSystemAdministrators", []),
             ("GetSystemSmtpConfiguration", []), ("GetTimeZones", ["instanceID=bench-00000"]),  # a running one
             ("GetDirectoriesOnInstanceHost", ["serverName=127.0.0.1"]),
             ("Ping", [])]
    skipped = []
    for name, a in cases:
        key = name + ("(" + a[0] + ")" if name == "GetInstances" else "")
        r = api_bench(p, name, calls, a, clients=1)
        if r["sequential_keep_alive"]["failures"]:
            skipped.append(key)  # not a function of this release, or it needs more than it is given here
            continue
        out[key] = round(r["sequential_keep_alive"]["p99_ms"], 2)
    return {"functions": out, "goal": 5, "max": max(out.values()) if out else None, "failed_not_timed": skipped}


def registering(ms, skip):
    """CreateInstance times of the first and the last 100 instances registered after `skip`."""
    if len(ms) < 200:
        return {"note": "fewer than 200 instances registered"}
    first, last = ms[:100], ms[-100:]
    return {"first_100": {"from": skip + 1, "p50": round(pct(first, 0.5), 1), "p95": round(pct(first, 0.95), 1)},
            "last_100": {"to": skip + len(ms), "p50": round(pct(last, 0.5), 1), "p95": round(pct(last, 0.95), 1)},
            "ratio_last_to_first_p50": round(pct(last, 0.5) / pct(first, 0.5), 2), "goal_ratio": 1.0,
            "total_seconds": round(sum(ms) / 1000, 1)}


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
            iid = "bench-%05d" % n
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
        registered_ms = []
        read_only = {}
        api = KeepAliveApi(p.ports["api"], "admin", ADMIN_PASSWORD)  # the server's time, not a handshake per call
        for n in range(args.start, args.registered):
            t0 = time.perf_counter()
            api.call("CreateInstance", config={"instanceID": "bench-%05d" % n, "instanceHost": "127.0.0.1",
                                               "startMode": "manual"})
            registered_ms.append((time.perf_counter() - t0) * 1000)
            if (n + 1) % 500 == 0:
                print("registered %d of %d instances" % (n + 1, args.registered), file=sys.stderr)
            if n + 1 == 1000:
                print("timing the read-only functions at 1,000 instances", file=sys.stderr)
                read_only = read_only_functions(p, args.calls)
        gi = api_bench(p, "GetInstances", args.calls, ["instanceFilter=*"])
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
            "register_one_ms": registering(registered_ms, args.start),
            "read_only_at_1000_p99_ms": read_only,
            "idle_instance_rss_mb": {"median": round(statistics.median(rss), 1), "max": round(max(rss), 1),
                                     "goal": 25},
            "idle_instance_private_mb": {"median": round(statistics.median(anon), 1), "max": round(max(anon), 1)},
            "idle_instance_pss_mb": {"median": round(statistics.median(pss), 1), "max": round(max(pss), 1),
                                     "note": "proportional share: shared libraries divided among the instances"},
            "get_instances_ms": {"registered": args.registered, "running": len(running),
                                 "p50": round(gi["sequential_keep_alive"]["p50_ms"], 2),
                                 "p99": round(gi["sequential_keep_alive"]["p99_ms"], 2), "goal_p99": 10,
                                 "concurrent_4_clients_p99": round(gi["concurrent"]["p99_ms"], 2),
                                 "goal_concurrent_4_clients_p99": 25,
                                 "client": "api_bench (C++), keep-alive TLS connection, answers not parsed"},
        }
        print(json.dumps(result))
    finally:
        p.stop()


if __name__ == "__main__":
    main()
