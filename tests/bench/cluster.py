#!/usr/bin/env python3
"""Multi server mode against single server mode under the same load.

The cluster (tests/e2e/cluster.py: Management Server, two Instance Hosts,
two CASes behind HAProxy, each on its own network stack) gets one instance
on each host; single server mode (tests/e2e/harness.py) gets the same two
instances on its one host. Each instance holds --messages generated
messages. Then, for --seconds, --web clients search (Web Access through the
CAS: newest 50 hits of a word and the total) and --imap clients FETCH a
random whole message (IMAPS through the CAS), half of them on each instance,
all at once. In the cluster everything goes through HAProxy, Web Access
clients from four source addresses (HAProxy keeps each address on one CAS)
and IMAP spread over both CASes. Reports requests per second and p50/p95
per kind for both set-ups, and how the cluster's requests were spread over
the CASes. Needs root (network namespaces), nftables and haproxy.
Progress goes to stderr; the last line is one JSON object.

    ./spe bench cluster [--messages N] [--web 8] [--imap 8] [--seconds S]
"""
import argparse
import http.client
import imaplib
import json
import multiprocessing
import os
import random
import statistics
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "e2e"))
import cluster  # noqa: E402
import mailgen  # noqa: E402
from harness import Platform, insecure_context  # noqa: E402

PASSWORD = "bench-Password-1"
INSTANCES = ("alpha", "beta")
WORDS = ["fox", "quick", "brown", "Plain", "Attachment", "Line", "message", "HTML"]


def say(*a):
    print("cluster:", *a, file=sys.stderr, flush=True)


class Web:
    """A logged-in Web Access session on one keep-alive connection."""

    def __init__(self, host, port, iid, source=None):
        self.iid = iid
        self.conn = http.client.HTTPSConnection(host, port, context=insecure_context(), timeout=60,
                                                source_address=(source, 0) if source else None)
        self.headers = {"Content-Type": "application/json"}
        status, headers, body = self.request("login", {"userName": "ann", "password": PASSWORD})
        if status != 200:
            raise RuntimeError("login: %d %s" % (status, body[:200]))
        self.headers.update({"Cookie": headers["set-cookie"].split(";")[0],
                             "X-CSRF-Token": json.loads(body)["csrfToken"]})

    def request(self, op, body):
        self.conn.request("POST", "/%s/api/%s" % (self.iid, op), body=json.dumps(body), headers=self.headers)
        res = self.conn.getresponse()
        return res.status, {k.lower(): v for k, v in res.getheaders()}, res.read()

    def once(self, rng):
        status, _, body = self.request("search", {"query": rng.choice(WORDS), "folder": "ann", "limit": 50})
        if status != 200:
            raise RuntimeError("search: %d %s" % (status, body[:200]))


class Imap:
    def __init__(self, host, port, iid, count):
        self.m = imaplib.IMAP4_SSL(host, port, ssl_context=insecure_context(), timeout=60)
        self.m.login("%s/ann" % iid, PASSWORD)
        self.m.select("INBOX", readonly=True)
        self.count = count

    def once(self, rng):
        typ, data = self.m.fetch(str(rng.randint(1, self.count)), "(BODY.PEEK[])")
        if typ != "OK" or not isinstance(data[0], tuple):
            raise RuntimeError("FETCH: %s %r" % (typ, data[:1]))


def worker(kind, target, index, seconds, count, out):
    host, port, sources = target
    iid = INSTANCES[index % 2]
    rng = random.Random(index)
    try:
        client = (Web(host, port, iid, sources[index % len(sources)] if sources else None) if kind == "web"
                  else Imap(host, port, iid, count))
    except Exception as e:  # noqa: BLE001 (reported)
        out.put((kind, [], [str(e)[:200]]))
        return
    latencies, errors = [], []
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        t = time.perf_counter()
        try:
            client.once(rng)
        except Exception as e:  # noqa: BLE001 (reported)
            errors.append(str(e)[:200])
            break
        latencies.append((time.perf_counter() - t) * 1000)
    out.put((kind, latencies, errors))


def run_load(targets, web, imap, seconds, count):
    """targets: {kind: (host, port, source addresses)}; returns per-kind figures."""
    out = multiprocessing.Queue()
    procs = [multiprocessing.Process(target=worker, args=("web", targets["web"], i, seconds, count, out))
             for i in range(web)]
    procs += [multiprocessing.Process(target=worker, args=("imap", targets["imap"], i, seconds, count, out))
              for i in range(imap)]
    for p in procs:
        p.start()
    got = {"web": ([], []), "imap": ([], [])}
    for _ in procs:
        kind, lat, err = out.get(timeout=seconds + 300)
        got[kind][0].extend(lat)
        got[kind][1].extend(err)
    for p in procs:
        p.join()
    result = {}
    for kind, (lat, err) in got.items():
        lat.sort()
        pick = lambda q: round(lat[min(len(lat) - 1, int(q * len(lat)))], 1) if lat else None  # noqa: E731
        result[kind] = {"requests": len(lat), "per_second": round(len(lat) / seconds, 1), "p50_ms": pick(0.5),
                        "p95_ms": pick(0.95), "mean_ms": round(statistics.mean(lat), 1) if lat else None,
                        "errors": len(err)}
        if err:
            result[kind]["first_error"] = err[0]
    return result


def fill(api, source_dir, host_of, count):
    for n, iid in enumerate(INSTANCES):
        api.ok("CreateInstance", config={"instanceID": iid, "instanceHost": host_of[iid], "startMode": "manual"})
        api.ok("StartInstances", instanceFilter=iid)
        api.ok("CreateUser", instanceID=iid, userName="ann", privileges="none", password=PASSWORD,
               loginPrivileges="web,imap")
        inbox = source_dir(iid, "Inbox")
        for i in range(count):
            with open(os.path.join(inbox, "%06d.eml" % i), "wb") as f:
                f.write(mailgen.message(n * count + i))
        r = api.ok("RunTemporaryProfile", instanceID=iid, raw=True, properties={
            "name": iid, "connector": "emlDirectory",
            "details": {"path": source_dir(iid), "targetUserFolder": "ann"}})
        assert r["itemsArchived"] == count, r


def wait_searchable(host, port, count, sources=None):
    deadline = time.time() + 600
    for iid in INSTANCES:
        while True:
            try:
                w = Web(host, port, iid, sources[0] if sources else None)
                status, _, body = w.request("search", {"query": "", "folder": "ann", "limit": 1})
                if status == 200 and json.loads(body)["total"] >= count:
                    break
            except Exception:  # noqa: BLE001 (not routed or not indexed yet)
                pass
            if time.time() > deadline:
                sys.exit("cluster: %s never became searchable" % iid)
            time.sleep(1)


def main():
    ap = argparse.ArgumentParser(prog="./spe bench cluster")
    ap.add_argument("--messages", type=int, default=1000)
    ap.add_argument("--web", type=int, default=8)
    ap.add_argument("--imap", type=int, default=8)
    ap.add_argument("--seconds", type=float, default=20)
    args = ap.parse_args()
    why = cluster.available()
    if why:
        sys.exit("cluster: " + why)
    out = {"benchmark": "cluster", "messages_per_instance": args.messages, "web_clients": args.web,
           "imap_clients": args.imap, "seconds": args.seconds}

    say("single server mode ...")
    p = Platform()
    try:
        fill(p, p.source_dir, {iid: "127.0.0.1" for iid in INSTANCES}, args.messages)
        wait_searchable("127.0.0.1", p.ports["https"], args.messages)
        single = {"web": ("127.0.0.1", p.ports["https"], None), "imap": ("127.0.0.1", p.ports["imaps"], None)}
        out["single_server"] = run_load(single, args.web, args.imap, args.seconds, args.messages)
        say(json.dumps(out["single_server"]))
    finally:
        p.stop()

    say("cluster ...")
    c = cluster.Cluster(log_level="info")
    try:
        fill(c, c.source_dir, {"alpha": cluster.name("ih1"), "beta": cluster.name("ih2")}, args.messages)
        lb = cluster.ADDRESSES["lb"]
        wait_searchable(lb, 443, args.messages, cluster.CLIENT_ADDRESSES)
        before = {port: c.sessions(port) for port in (443, 993)}
        targets = {"web": (lb, 443, cluster.CLIENT_ADDRESSES), "imap": (lb, 993, None)}
        out["cluster"] = run_load(targets, args.web, args.imap, args.seconds, args.messages)
        out["cluster"]["sessions_per_cas"] = {
            str(port): {cas: c.sessions(port)[cas][1] - before[port][cas][1] for cas in cluster.CASES}
            for port in (443, 993)}
        say(json.dumps(out["cluster"]))
    finally:
        c.stop()
    for kind in ("web", "imap"):
        single_rate = out["single_server"][kind]["per_second"]
        out["%s_ratio_cluster_vs_single" % kind] = (round(out["cluster"][kind]["per_second"] / single_rate, 2)
                                                    if single_rate else None)
    out["note"] = ("both set-ups share this machine's cores: the cluster runs five daemons and HAProxy on them, "
                   "so the ratio shows the cost of the extra hops, not the gain of more machines")
    print(json.dumps(out))


if __name__ == "__main__":
    main()
