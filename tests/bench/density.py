"""./spe bench density [--registered N] [--running M] [--calls K]

How many customers one host carries (issue 25): starts a real single-server
platform on free loopback ports, then
  1. registers N instances (default 10,000) with the start mode onDemand:
     none of them has a process (GetInstances: standby);
  2. starts M of them (default 1,000) once, which creates their databases
     (new_instance_first_request_ms), and stops them again (standby);
  3. sends the first Management API call (GetUsers) to each of the M, one
     after another on one keep-alive connection: each starts its instance on
     demand and is answered once it is ready (first_request_ms); then K more
     calls to running ones (warm_request_ms);
  4. with the M running idle: each one's private memory (RssAnon) and
     proportional share (PSS), the Instance Host's and the Management Server's
     resident memory.
Goals: private <= 8 MB and PSS <= 10 MB per idle instance, first request
p95 <= 300 ms, host <= 200 MB. 1,000 running instances need about 20 GB
today (see docs/performance.md); --running sizes that part.
Progress goes to stderr; the last line is one JSON object."""
import argparse
import json
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "e2e"))
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tools"))
from harness import ADMIN_PASSWORD, Platform  # noqa: E402
from keepalive_api import KeepAliveApi  # noqa: E402
from procstat import mem_kb, pss_kb  # noqa: E402


def say(*a):
    print(*a, file=sys.stderr, flush=True)


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p * (len(values) - 1))))]


def summary(values, digits=1, **goals):
    out = {"p50": round(pct(values, 0.5), digits), "median": round(statistics.median(values), digits),
           "p95": round(pct(values, 0.95), digits), "max": round(max(values), digits), "samples": len(values)}
    out.update(goals)
    return out


def main():
    ap = argparse.ArgumentParser(prog="./spe bench density")
    ap.add_argument("--registered", type=int, default=10000)
    ap.add_argument("--running", type=int, default=1000)
    ap.add_argument("--calls", type=int, default=200)
    args = ap.parse_args()
    running_count = min(args.running, args.registered)
    # No idle stops while it measures (an hour: longer than the run).
    p = Platform(instancehost_config={"onDemandIdleStopSeconds": 3600})
    try:
        api = KeepAliveApi(p.ports["api"], "admin", ADMIN_PASSWORD)
        register_ms = []
        for n in range(args.registered):
            t0 = time.perf_counter()
            api.call("CreateInstance", config={"instanceID": "d-%05d" % n, "instanceHost": "127.0.0.1",
                                               "startMode": "onDemand"})
            register_ms.append((time.perf_counter() - t0) * 1000)
            if (n + 1) % 1000 == 0:
                say("registered %d of %d instances" % (n + 1, args.registered))
        listed = api.call("GetInstances", instanceFilter="*")
        standby = sum(1 for i in listed if i["status"] == "standby")
        host_rss_registered = mem_kb(p.procs["instancehost"].pid, "VmRSS") / 1024
        step = max(1, args.registered // running_count)
        ids = ["d-%05d" % n for n in range(0, args.registered, step)][:running_count]
        new_ms = []
        for k, iid in enumerate(ids):
            t0 = time.perf_counter()
            api.call("GetUsers", instanceID=iid)  # the first start of a new instance creates its databases
            new_ms.append((time.perf_counter() - t0) * 1000)
            if (k + 1) % 100 == 0:
                say("started %d of %d new instances" % (k + 1, len(ids)))
        say("stopping them (standby)")
        p.ok("StopInstances", instanceFilter="* .running")  # long-running: the harness follows its token
        first_ms = []
        for k, iid in enumerate(ids):
            t0 = time.perf_counter()
            api.call("GetUsers", instanceID=iid)
            first_ms.append((time.perf_counter() - t0) * 1000)
            if (k + 1) % 100 == 0:
                say("started %d of %d instances on demand (last: %.0f ms)" % (k + 1, len(ids), first_ms[-1]))
        warm_ms = []
        for k in range(args.calls):
            t0 = time.perf_counter()
            api.call("GetUsers", instanceID=ids[k % len(ids)])
            warm_ms.append((time.perf_counter() - t0) * 1000)
        time.sleep(5)  # let them settle idle (what is measured next is the idle state, not a result)
        running = [i for i in api.call("GetInstances", instanceFilter="* .running")]
        private = [mem_kb(i["processID"], "RssAnon") / 1024 for i in running]
        pss = [pss_kb(i["processID"]) / 1024 for i in running]
        rss = [mem_kb(i["processID"], "VmRSS") / 1024 for i in running]
        result = {
            "benchmark": "density",
            "registered": args.registered,
            "standby_after_registering": standby,
            "running_idle": len(running),
            "register_one_ms": summary(register_ms),
            "first_request_ms": summary(first_ms, goal_p95=300,
                                        note="GetUsers to an instance without a process: start on demand "
                                             "and answer, one keep-alive API connection"),
            "new_instance_first_request_ms": summary(new_ms, note="the first start ever: creates the databases"),
            "warm_request_ms": summary(warm_ms, 2),
            "idle_instance_private_mb": summary(private, goal=8),
            "idle_instance_pss_mb": summary(pss, goal=10),
            "idle_instance_rss_mb": summary(rss),
            "host_rss_mb": {"value": round(mem_kb(p.procs["instancehost"].pid, "VmRSS") / 1024, 1), "goal": 200,
                            "with_none_running": round(host_rss_registered, 1)},
            "management_rss_mb": round(mem_kb(p.procs["management"].pid, "VmRSS") / 1024, 1),
            "private_mb_all_running": round(sum(private), 1),
        }
        print(json.dumps(result))
    finally:
        p.stop()


if __name__ == "__main__":
    main()
