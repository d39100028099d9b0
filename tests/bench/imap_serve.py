#!/usr/bin/env python3
"""Serving an archive over IMAP, against Dovecot: N messages (default
20,000, derived SpamAssassin corpus) are put in a Dovecot maildir and
archived into an instance (an IMAP profile from that Dovecot). One client
then fetches every message (UID FETCH 1:* BODY.PEEK[]) over IMAPS from
Dovecot and from the CAS (CAS -> Instance Host -> instance, decrypting and
decompressing each message), same run, same client: messages per second of
both and ratio_vs_dovecot (goal >= 2.5). Then 500 (--sessions; the goal: 5,000) concurrent
logged-in idle sessions through the CAS: resident memory of the CAS and of
the instance before and after.

Latency (another platform, without Dovecot): a mailbox of --latency-messages
(default 100,000) small messages and one of 100, both archived from EML
files; median and p95 milliseconds of NOOP on the selected mailbox, of
STATUS (MESSAGES UIDNEXT UIDVALIDITY) and of IDLE's check for new mail
(IDLE then DONE, nothing new), each at both sizes, and of LOGIN through the
CAS with the right password (the TLS connection is made before the clock
starts): "login" (repeated logins of one user, the usual case: the instance's
verified-login cache answers, docs/security.md) with login_p50_ms and
login_p95_ms next to the goal (login_goal_p50_ms, 10 ms), and
"login_uncached" (each user's first LOGIN: Argon2id runs). --latency-only
runs just this part. Progress goes to stderr, JSON to stdout.

    ./spe bench imap-serve [--messages N] [--sessions N] [--latency-messages N] [--latency-only]
                           [--login-users N]
"""
import argparse
import json
import os
import socket
import ssl
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "e2e"))
sys.path.insert(0, os.path.join(HERE, "..", "tools"))
from dovecot import Dovecot  # noqa: E402
from harness import Platform  # noqa: E402
from imap_archive import fill  # noqa: E402
from procstat import mem_kb  # noqa: E402

PASSWORD = "bench-pw"
IID = "servebench"
LOGIN_GOAL_P50_MS = 10  # issue 25


def say(*a):
    print("imap-serve:", *a, file=sys.stderr, flush=True)


def tls():
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    return ctx


class Client:
    """A minimal IMAP client that reads literals without parsing them."""

    def __init__(self, port):
        self.sock = tls().wrap_socket(socket.create_connection(("127.0.0.1", port)))
        self.f = self.sock.makefile("rb", buffering=1 << 20)
        self.f.readline()  # greeting
        self.n = 0

    def command(self, text):
        """Sends a command; returns (messages, literal bytes) read before its tagged answer."""
        self.n += 1
        tag = b"t%d" % self.n
        self.sock.sendall(tag + b" " + text.encode() + b"\r\n")
        messages = size = 0
        while True:
            line = self.f.readline()
            if not line:
                raise SystemExit("connection closed during: " + text)
            if line.startswith(tag + b" "):
                if not line.startswith(tag + b" OK"):
                    raise SystemExit("%s: %s" % (text, line.decode(errors="replace")))
                return messages, size
            while line.endswith(b"}\r\n"):
                n = int(line[line.rindex(b"{") + 1:-3])
                data = self.f.read(n)
                messages += 1
                size += len(data)
                line = self.f.readline()

    def close(self):
        try:
            self.sock.sendall(b"z LOGOUT\r\n")
        finally:
            self.sock.close()


def fetch_all(port, user):
    c = Client(port)
    c.command('LOGIN "%s" "%s"' % (user, PASSWORD))
    c.command("EXAMINE INBOX")
    t0 = time.perf_counter()
    messages, size = c.command("UID FETCH 1:* (BODY.PEEK[])")
    seconds = time.perf_counter() - t0
    c.close()
    return messages, size, seconds


def idle_sessions(port, user, count):
    clients, lock, errors = [], threading.Lock(), []

    def worker(n):
        try:
            for _ in range(n):
                c = Client(port)
                c.command('LOGIN "%s" "%s"' % (user, PASSWORD))
                c.command("EXAMINE INBOX")
                with lock:
                    clients.append(c)
        except BaseException as e:  # reported below (Client raises SystemExit on a refusal)
            with lock:
                errors.append(repr(e))

    threads = [threading.Thread(target=worker, args=(count // 8 + (1 if i < count % 8 else 0),)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise SystemExit("idle sessions: %d of %d failed, the first: %s" % (len(errors), count, errors[0]))
    return clients


def write_small_messages(directory, count):
    """count small distinct messages as EML files in one directory."""
    for n in range(count):
        with open(os.path.join(directory, "m%06d.eml" % n), "wb") as f:
            f.write(b"From: Sender %d <s%d@example.com>\r\nTo: r@example.org\r\nSubject: Message %d\r\n"
                    b"Date: Tue, 6 Feb 2024 10:00:00 +0100\r\nMessage-ID: <lat%d@bench.test>\r\n\r\n"
                    b"Body of message %d.\r\n" % (n % 50, n % 50, n, n, n))


def percentiles(samples):
    s = sorted(samples)
    return {"median_ms": round(s[len(s) // 2] * 1000, 2), "p95_ms": round(s[int(len(s) * 0.95)] * 1000, 2)}


def timed(fn, rounds):
    out = []
    for _ in range(rounds):
        t0 = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
    return percentiles(out)


def idle_check(c):
    """IDLE, then DONE at once: the server's look for new mail on both."""
    c.n += 1
    tag = b"t%d" % c.n
    c.sock.sendall(tag + b" IDLE\r\n")
    if not c.f.readline().startswith(b"+"):
        raise SystemExit("IDLE was not accepted")
    c.sock.sendall(b"DONE\r\n")
    while True:
        line = c.f.readline()
        if line.startswith(tag + b" OK"):
            return
        if not line or line.startswith(tag + b" "):
            raise SystemExit("IDLE: %r" % line)


def latency(big, rounds=40, login_users=10):
    """NOOP, STATUS, IDLE and LOGIN latency on a mailbox of `big` messages and one of 100; the first
    LOGIN of `login_users` new users (no cached verification: Argon2id runs)."""
    p = Platform()
    try:
        iid = "latbench"
        p.ok("CreateInstance", config={"instanceID": iid, "instanceHost": "127.0.0.1", "startMode": "manual"})
        p.ok("StartInstances", instanceFilter=iid)
        out = {"latency_messages": big}
        for user, count in (("big", big), ("small", 100)):
            p.ok("CreateUser", instanceID=iid, userName=user, privileges="none", password=PASSWORD,
                 loginPrivileges="imap")
            src = p.source_dir(user, "Inbox")
            say("latency: writing and archiving %d messages for '%s' ..." % (count, user))
            write_small_messages(src, count)
            t0 = time.perf_counter()
            r = p.ok("RunTemporaryProfile", instanceID=iid, raw=True, properties={
                "name": user, "connector": "emlDirectory",
                "details": {"path": p.source_dir(user), "targetUserFolder": user}})
            if r["itemsArchived"] != count:
                raise SystemExit("archived %d of %d" % (r["itemsArchived"], count))
            say("latency: archived in %.0f s" % (time.perf_counter() - t0))
        deadline = time.time() + 30
        while True:  # the CAS learns the instance from its next heartbeat
            try:
                Client(p.ports["imaps"]).command('LOGIN "%s/big" "%s"' % (iid, PASSWORD))
                break
            except SystemExit:
                if time.time() > deadline:
                    raise
                time.sleep(0.5)
        for user, count in (("big", big), ("small", 100)):
            c = Client(p.ports["imaps"])
            c.command('LOGIN "%s/%s" "%s"' % (iid, user, PASSWORD))
            t0 = time.perf_counter()
            c.command("EXAMINE INBOX")
            say("latency: first EXAMINE of %d messages took %.1f s" % (count, time.perf_counter() - t0))
            c.command("NOOP")  # warm
            key = "%d" % count if user == "big" else "100"
            out["noop_" + key] = timed(lambda: c.command("NOOP"), rounds)
            out["status_" + key] = timed(lambda: c.command("STATUS INBOX (MESSAGES UIDNEXT UIDVALIDITY)"), rounds)
            out["idle_" + key] = timed(lambda: idle_check(c), rounds)
            c.close()
        def login(user):
            c = Client(p.ports["imaps"])  # TCP and TLS before the clock starts
            t0 = time.perf_counter()
            c.command('LOGIN "%s/%s" "%s"' % (iid, user, PASSWORD))
            took = time.perf_counter() - t0
            c.close()
            return took

        out["login"] = percentiles([login("small") for _ in range(rounds)])
        out["login_p50_ms"] = out["login"]["median_ms"]
        out["login_p95_ms"] = out["login"]["p95_ms"]
        out["login_goal_p50_ms"] = LOGIN_GOAL_P50_MS
        out["login_goal_met"] = out["login_p50_ms"] <= LOGIN_GOAL_P50_MS
        fresh = ["first%d" % n for n in range(login_users)]
        for user in fresh:
            p.ok("CreateUser", instanceID=iid, userName=user, privileges="none", password=PASSWORD,
                 loginPrivileges="imap")
        if fresh:
            out["login_uncached"] = percentiles([login(user) for user in fresh])
        return out
    finally:
        p.stop()


def main():
    ap = argparse.ArgumentParser(prog="./spe bench imap-serve")
    ap.add_argument("--messages", type=int, default=20000)
    ap.add_argument("--sessions", type=int, default=500)
    ap.add_argument("--latency-messages", type=int, default=100000)
    ap.add_argument("--latency-only", action="store_true")
    ap.add_argument("--login-users", type=int, default=10, help="users whose first (uncached) LOGIN is timed")
    args = ap.parse_args()
    if args.latency_only:
        print(json.dumps(dict({"benchmark": "imap-serve"},
                              **latency(args.latency_messages, login_users=args.login_users))))
        return
    lat = latency(args.latency_messages, login_users=args.login_users) if args.latency_messages else {}
    p = Platform()
    dovecot = Dovecot(p.path("dovecot"))
    try:
        dovecot.add_user("bench", PASSWORD)
        say("filling the Dovecot maildir with %d messages ..." % args.messages)
        raw = fill(dovecot, args.messages, 1)
        dovecot.start()
        p.ok("CreateInstance", config={"instanceID": IID, "instanceHost": "127.0.0.1", "startMode": "manual"})
        p.ok("StartInstances", instanceFilter=IID)
        p.ok("CreateUser", instanceID=IID, userName="bench", privileges="none", password=PASSWORD,
             loginPrivileges="imap")
        say("archiving them into the instance ...")
        r = p.ok("RunTemporaryProfile", instanceID=IID, raw=True, properties={
            "name": "bench", "connector": "imap", "details": {
                "host": "localhost", "port": str(dovecot.ports["imaps"]), "protocol": "IMAP-SSL",
                "userName": "bench", "password": PASSWORD, "ignoreSSLPolicyErrors": "1",
                "targetUserFolder": "bench"}})
        if r["itemsArchived"] != args.messages:
            raise SystemExit("archived %d of %d" % (r["itemsArchived"], args.messages))
        user = IID + "/bench"
        deadline = time.time() + 30
        while True:  # the CAS learns the instance from its next heartbeat
            try:
                Client(p.ports["imaps"]).command('LOGIN "%s" "%s"' % (user, PASSWORD))
                break
            except SystemExit:
                if time.time() > deadline:
                    raise
                time.sleep(0.5)
        say("first look at the mailbox (UIDs are given once) ...")
        fetch_all(p.ports["imaps"], user)  # not timed: UID assignment and caches
        fetch_all(dovecot.ports["imaps"], "bench")
        say("FETCH BODY[] of every message: Dovecot, then the CAS ...")
        d_msgs, d_bytes, d_sec = fetch_all(dovecot.ports["imaps"], "bench")
        o_msgs, o_bytes, o_sec = fetch_all(p.ports["imaps"], user)
        if o_msgs != args.messages or d_msgs != args.messages or o_bytes != d_bytes:
            raise SystemExit("fetched %d/%d messages, %d/%d bytes" % (o_msgs, d_msgs, o_bytes, d_bytes))
        procs = {i["instanceID"]: i for i in p.ok("GetInstances", instanceFilter=IID)}
        instance_pid = procs[IID]["processID"]
        cas_pid = p.procs["cas"].pid
        before = {"cas": mem_kb(cas_pid, "VmRSS"), "instance": mem_kb(instance_pid, "VmRSS")}
        say("%d idle sessions through the CAS ..." % args.sessions)
        clients = idle_sessions(p.ports["imaps"], user, args.sessions)
        time.sleep(2)
        after = {"cas": mem_kb(cas_pid, "VmRSS"), "instance": mem_kb(instance_pid, "VmRSS")}
        for c in clients:
            c.sock.close()
        out = {
            "benchmark": "imap-serve",
            "messages": args.messages,
            "raw_mb": round(raw / 1e6, 1),
            "ours_seconds": round(o_sec, 2),
            "ours_messages_per_second": round(o_msgs / o_sec, 1),
            "dovecot_seconds": round(d_sec, 2),
            "dovecot_messages_per_second": round(d_msgs / d_sec, 1),
            "ratio_vs_dovecot": round((o_msgs / o_sec) / (d_msgs / d_sec), 2),
            "goal_ratio_vs_dovecot": 2.5,
            "idle_sessions": len(clients),
            "cas_rss_mb_before": round(before["cas"] / 1024, 1),
            "cas_rss_mb_with_sessions": round(after["cas"] / 1024, 1),
            "instance_rss_mb_before": round(before["instance"] / 1024, 1),
            "instance_rss_mb_with_sessions": round(after["instance"] / 1024, 1),
            "kb_per_session_cas": round((after["cas"] - before["cas"]) / max(len(clients), 1), 1),
            "goal_kb_per_session_cas": 100,
            "kb_per_session_instance": round((after["instance"] - before["instance"]) / max(len(clients), 1), 1),
        }
        out.update(lat)
        print(json.dumps(out))
    finally:
        dovecot.stop()
        p.stop()


if __name__ == "__main__":
    main()
