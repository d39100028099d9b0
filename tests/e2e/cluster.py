"""A multi-server platform on one machine: every role on its own network
stack (a Linux network namespace), as on separate machines.

    namespace   address      what runs there
    <p>-br      (none)       the bridge joining the others (the "switch")
    <p>-mgmt    10.47.0.10   spe-management (8470 console, 8471 roles, 8474 API)
    <p>-ih1/2   10.47.0.21/22 spe-instancehost (8472) and its instances
    <p>-cas1/2  10.47.0.31/32 spe-cas (443, 143, 993, 8473)
    <p>-lb      10.47.0.5    HAProxy in front of both CASes (443, 143, 993)
    <p>-client  10.47.0.100-103 the administrators and end users (the tests)

<p> is "spe<pid>" of the process that made the cluster, so clusters of
parallel test runs never meet; the addresses exist only inside these
namespaces. Each role's namespace has an nftables firewall that lets through
only the flows of the product's firewall table (docs/multi-server.md) and
counts what it refuses, so a role that needs another port is seen
(refused()). Roles reach each other by name (mgmt.spe.test, ...), from a
hosts file per namespace (/etc/netns/<ns>/hosts).

Pairing is done as docs/multi-server.md tells an operator: the Management
Server first, then each role configured with its thumbprint and registered
over the Management API (PairWithManagementServer).

Needs root, iproute2, nftables and haproxy. Run it by hand with
`python3 tests/e2e/cluster.py` (SPE_BIN as for the tests): it prints how to
reach the cluster and keeps it up until Ctrl-C.
"""
import ctypes
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

from harness import ADMIN_PASSWORD, BIN, ApiClient, Daemons

SUBNET = "10.47.0"
ADDRESSES = {"mgmt": SUBNET + ".10", "ih1": SUBNET + ".21", "ih2": SUBNET + ".22", "cas1": SUBNET + ".31",
             "cas2": SUBNET + ".32", "lb": SUBNET + ".5", "client": SUBNET + ".100"}
# Further addresses of the client namespace: end users behind different
# source addresses (HAProxy keeps each on one CAS).
CLIENT_ADDRESSES = [SUBNET + ".%d" % n for n in range(100, 104)]
DOMAIN = "spe.test"
HOSTS = ("ih1", "ih2")
CASES = ("cas1", "cas2")
ROLE_PORTS = {"mgmt": (8474, 8471), "ih1": (8472,), "ih2": (8472,), "cas1": (8473, 443), "cas2": (8473, 443),
              "lb": (443, 993)}
CLONE_NEWNET = 0x40000000
# Debian's libfaketime (package faketime), multithreaded variant: a role's
# machine with its clock off.
FAKETIME_LIBRARY = "/usr/lib/x86_64-linux-gnu/faketime/libfaketimeMT.so.1"
# Outbound ports of an Instance Host: the mail servers, directories and web
# services its profiles reach (product firewall table, docs/multi-server.md).
MAIL_PORTS = "25, 80, 110, 143, 389, 443, 465, 587, 636, 993, 995"


def name(role):
    return role + "." + DOMAIN


def available():
    """None when a cluster can be made here, else why not (for a skip)."""
    if os.geteuid() != 0:
        return "network namespaces need root"
    for tool in ("ip", "nft", "haproxy"):
        if not shutil.which(tool):
            return "%s is not installed (./spe setup installs it)" % tool
    probe = "spe%dprobe" % os.getpid()
    out = subprocess.run(["ip", "netns", "add", probe], capture_output=True, text=True)
    if out.returncode != 0:
        return "network namespaces are not permitted here: " + out.stderr.strip()
    subprocess.run(["ip", "netns", "del", probe], capture_output=True)
    return None


def _setns(path):
    libc = ctypes.CDLL(None, use_errno=True)
    fd = os.open(path, os.O_RDONLY)
    try:
        if libc.setns(fd, CLONE_NEWNET) != 0:
            err = ctypes.get_errno()
            raise OSError(err, "setns(%s): %s" % (path, os.strerror(err)))
    finally:
        os.close(fd)


def _run(*cmd, check=True, input=None):
    out = subprocess.run(cmd, capture_output=True, text=True, input=input)
    if check and out.returncode != 0:
        raise RuntimeError("%s failed (%d): %s" % (" ".join(cmd), out.returncode, out.stderr.strip()))
    return out.stdout


def remove_leftovers():
    """Namespaces of clusters whose process is gone (a killed test run)."""
    for line in _run("ip", "netns", "list").splitlines():
        ns = line.split()[0]
        if not ns.startswith("spe") or "-" not in ns:
            continue
        pid = ns[3:].split("-")[0]
        if pid.isdigit() and not os.path.exists("/proc/" + pid):
            _run("ip", "netns", "del", ns, check=False)
            shutil.rmtree("/etc/netns/" + ns, ignore_errors=True)


def _firewall(role):
    """The nftables rules of a role's namespace: only the product's flows."""
    a = ADDRESSES
    hosts = "{ %s }" % ", ".join(a[h] for h in HOSTS)
    cases = "{ %s }" % ", ".join(a[c] for c in CASES)
    roles = "{ %s }" % ", ".join(a[r] for r in HOSTS + CASES)
    if role == "mgmt":
        inbound = ["ip saddr %s tcp dport { 8470, 8474 } accept" % a["client"],
                   "ip saddr %s tcp dport 8471 accept" % roles]
        outbound = ["ip daddr %s tcp dport 8472 accept" % hosts, "ip daddr %s tcp dport 8473 accept" % cases,
                    "tcp dport { 25, 465, 587 } accept"]  # the system SMTP settings
    elif role in HOSTS:
        # 8472 from the other hosts too: a host fetches a moved instance's data from its old host.
        inbound = ["ip saddr { %s } tcp dport 8472 accept" % ", ".join([a["mgmt"]] + [a[c] for c in CASES + HOSTS])]
        outbound = ["ip daddr %s tcp dport 8471 accept" % a["mgmt"], "ip daddr %s tcp dport 8472 accept" % hosts,
                    "tcp dport { %s } accept" % MAIL_PORTS]
    elif role in CASES:
        inbound = ["tcp dport { 143, 443, 993 } accept", "ip saddr %s tcp dport 8473 accept" % a["mgmt"]]
        outbound = ["ip daddr %s tcp dport 8471 accept" % a["mgmt"], "ip daddr %s tcp dport 8472 accept" % hosts,
                    "tcp dport { 80, 443 } accept"]  # remote images shown through the CAS
    elif role == "lb":
        inbound = ["tcp dport { 143, 443, 993 } accept"]
        outbound = ["ip daddr %s tcp dport { 143, 443, 993 } accept" % cases]
    else:
        return None
    # Packets of no connection conntrack knows (the late retransmission of a
    # connection one side has reset, on a loaded machine) are dropped as
    # "invalid": they are no flow. refused_in/out count what opens a flow the
    # product must not have.
    lines = ["table inet spe {", "  counter refused_in { }", "  counter refused_out { }",
             "  counter invalid_in { }", "  counter invalid_out { }",
             "  chain input {", "    type filter hook input priority 0; policy drop;",
             "    iif lo accept", "    ct state established,related accept",
             "    ct state invalid counter name invalid_in drop", "    icmp type echo-request accept"]
    lines += ["    " + r for r in inbound]
    lines += ["    counter name refused_in drop", "  }", "  chain output {",
              "    type filter hook output priority 0; policy drop;",
              "    oif lo accept", "    ct state established,related accept",
              "    ct state invalid counter name invalid_out drop", "    icmp type echo-request accept"]
    lines += ["    " + r for r in outbound]
    lines += ["    counter name refused_out drop", "  }", "}"]
    return "\n".join(lines) + "\n"


def _haproxy_config(run_dir):
    cases = [(c, ADDRESSES[c]) for c in CASES]

    def backend(port, balance):
        out = ["backend cas_%d" % port, "  balance " + balance, "  option redispatch"]
        out += ["  server %s %s:%d check inter 500ms fall 2 rise 2" % (c, addr, port) for c, addr in cases]
        return out

    lines = ["global", "  maxconn 4096", "  pidfile " + os.path.join(run_dir, "haproxy.pid"),
             "  stats socket %s mode 600 level admin" % os.path.join(run_dir, "haproxy.sock"),
             "defaults", "  mode tcp", "  timeout connect 3s", "  timeout client 30m", "  timeout server 30m",
             "  retries 2"]
    for port in (443, 143, 993):
        lines += ["frontend public_%d" % port, "  bind %s:%d" % (ADDRESSES["lb"], port),
                  "  default_backend cas_%d" % port]
        # Web Access keeps its session on one CAS: the same source address
        # goes to the same CAS while it is up. IMAP connections are spread.
        lines += backend(port, "source" if port == 443 else "leastconn")
    return "\n".join(lines) + "\n"


class Cluster(ApiClient, Daemons):
    """The cluster, paired and running; the calling thread is moved into the
    client namespace (enter_client) so that the tests' requests come from
    there. stop() takes everything down again."""

    def __init__(self, log_level="debug", heartbeat_seconds=2):
        remove_leftovers()
        self.prefix = "spe%d" % os.getpid()
        self.dir = tempfile.mkdtemp(prefix="spe-cluster-")
        os.chmod(self.dir, 0o711)
        self.procs = {}
        self.conf = {}
        self.thumbprints = {}
        self.namespaces = []
        self.log_level = log_level
        self.heartbeat_seconds = heartbeat_seconds
        self._home_ns = os.open("/proc/thread-self/ns/net", os.O_RDONLY)
        try:
            self._network()
            self._configure()
            self._start_and_pair()
        except BaseException:
            self.stop()
            raise

    # ------------------------------------------------------------ network
    def ns(self, role):
        return "%s-%s" % (self.prefix, role)

    def run_in(self, role, *cmd, check=True):
        return _run("ip", "netns", "exec", self.ns(role), *cmd, check=check)

    def _network(self):
        br = self.ns("br")
        self._add_namespace(br)
        _run("ip", "-n", br, "link", "add", "br0", "type", "bridge")
        _run("ip", "-n", br, "link", "set", "br0", "up")
        hosts = "127.0.0.1 localhost\n" + "".join(
            "%s %s\n" % (ADDRESSES[r], name(r)) for r in ADDRESSES if r != "client")
        for role, address in ADDRESSES.items():
            ns = self.ns(role)
            self._add_namespace(ns)
            os.makedirs("/etc/netns/" + ns, exist_ok=True)
            with open("/etc/netns/%s/hosts" % ns, "w") as f:
                f.write(hosts)
            _run("ip", "-n", br, "link", "add", "v-" + role, "type", "veth", "peer", "name", "eth0", "netns", ns)
            _run("ip", "-n", br, "link", "set", "v-" + role, "master", "br0", "up")
            for addr in CLIENT_ADDRESSES if role == "client" else [address]:
                _run("ip", "-n", ns, "addr", "add", addr + "/24", "dev", "eth0")
            _run("ip", "-n", ns, "link", "set", "eth0", "up")
            _run("ip", "-n", ns, "link", "set", "lo", "up")
            self.run_in(role, "sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1")
            rules = _firewall(role)
            if rules:
                subprocess.run(["ip", "netns", "exec", ns, "nft", "-f", "-"], input=rules, text=True,
                               check=True, capture_output=True)

    def _add_namespace(self, ns):
        _run("ip", "netns", "add", ns)
        self.namespaces.append(ns)

    def link(self, role, up):
        """Cuts a role's machine off the network (up=False) or joins it again."""
        _run("ip", "-n", self.ns("br"), "link", "set", "v-" + role, "up" if up else "down")

    def block(self, role, source, port):
        """Drops what `source` sends to `role`'s `port` (a firewall missing a
        flow); returns a function that lifts the block."""
        rule = "ip saddr %s tcp dport %d drop" % (ADDRESSES[source], port)
        self.run_in(role, "nft", "insert", "rule", "inet", "spe", "input", *rule.split())
        listing = self.run_in(role, "nft", "-a", "list", "chain", "inet", "spe", "input")
        handle = [line.split("# handle ")[1].strip() for line in listing.splitlines() if rule in line][0]
        return lambda: self.run_in(role, "nft", "delete", "rule", "inet", "spe", "input", "handle", handle)

    def refused(self, counters=("refused_in", "refused_out")):
        """{role: packets its firewall refused in and out} (only non-zero): what
        opened a flow outside the product's; invalid_in/out (packets of no known
        connection) when asked for."""
        out = {}
        for role in ROLE_PORTS:
            data = json.loads(self.run_in(role, "nft", "-j", "list", "counters"))
            for item in data.get("nftables", []):
                c = item.get("counter")
                if c and c.get("packets") and c["name"] in counters:
                    out.setdefault(role, {})[c["name"]] = c["packets"]
        return out

    def enter_client(self):
        """Moves the calling thread (and what it starts) into the client namespace."""
        _setns("/run/netns/" + self.ns("client"))

    def leave_client(self):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.setns(self._home_ns, CLONE_NEWNET)

    # ------------------------------------------------------------ roles
    def path(self, *parts):
        return os.path.join(self.dir, *parts)

    def source_dir(self, *parts):
        """Below source/, which every instance of both hosts may import from."""
        d = self.path("source", *parts)
        os.makedirs(d, exist_ok=True)
        return d

    BINARIES = {"mgmt": "spe-management", "ih1": "spe-instancehost", "ih2": "spe-instancehost",
                "cas1": "spe-cas", "cas2": "spe-cas"}

    @property
    def instances_dir(self):
        """The hosts' base directory: one both see, as a shared file system
        mounted on both machines would be (moving an instance between them
        then hands over only its key; to another directory it is copied)."""
        return self.path("instances")

    def _write(self, role, config):
        self.conf[role] = self.path(role + ".json")
        with open(self.conf[role], "w") as f:
            json.dump(config, f, indent=1)

    def _thumbprint(self, role):
        return self.run_in(role, os.path.join(BIN, self.BINARIES[role]), "--config", self.conf[role],
                           "--show-thumbprint").strip()

    def _configure(self):
        self._write("mgmt", {"serverName": name("mgmt"), "dataDirectory": self.path("mgmt"), "listenAddress": "0.0.0.0",
                             "apiPort": 8474, "rolePort": 8471, "consolePort": 8470, "logLevel": self.log_level})
        self.thumbprints["mgmt"] = self._thumbprint("mgmt")
        mgmt = {"serverName": name("mgmt"), "port": 8471, "thumbprint": self.thumbprints["mgmt"]}
        os.makedirs(self.instances_dir)
        for h in HOSTS:
            self._write(h, {"serverName": name(h), "dataDirectory": self.path(h, "data"), "listenAddress": "0.0.0.0",
                            "port": 8472, "baseDirectory": self.instances_dir, "managementServer": mgmt,
                            "heartbeatSeconds": self.heartbeat_seconds, "importDirectory": self.path(h, "imports"),
                            "allowedPathRoots": [self.path("source")], "logLevel": self.log_level})
        for c in CASES:
            self._write(c, {"serverName": name(c), "dataDirectory": self.path(c), "listenAddress": "0.0.0.0",
                            "port": 8473, "managementServer": mgmt, "heartbeatSeconds": self.heartbeat_seconds,
                            "publicListenAddress": "0.0.0.0", "imapPort": 143, "imapsPort": 993, "httpsPort": 443,
                            "logLevel": self.log_level})
        for role in HOSTS + CASES:
            self.thumbprints[role] = self._thumbprint(role)
        os.makedirs(self.path("lb"))
        with open(self.path("lb", "haproxy.cfg"), "w") as f:
            f.write(_haproxy_config(self.path("lb")))

    def start(self, role, clock_offset=None):
        """Starts a role's daemon in its namespace and waits for its port.
        clock_offset: e.g. "+5m", the machine's wall clock that far off
        (libfaketime; what the role starts, such as instances, inherits it)."""
        if role == "lb":
            cmd = ["haproxy", "-db", "-f", self.path("lb", "haproxy.cfg")]
        else:
            cmd = [os.path.join(BIN, self.BINARIES[role]), "--config", self.conf[role]]
        env = dict(os.environ, SPE_ADMIN_PASSWORD=ADMIN_PASSWORD)
        if clock_offset:
            env.update(LD_PRELOAD=FAKETIME_LIBRARY, FAKETIME=clock_offset, FAKETIME_DONT_FAKE_MONOTONIC="1")
        log = open(self.path(role + ".log"), "ab")
        with log:
            proc = subprocess.Popen(["ip", "netns", "exec", self.ns(role)] + cmd, stdout=log,
                                    stderr=subprocess.STDOUT, env=env)
        self.procs[role] = proc
        self.wait_listening(role, ROLE_PORTS[role], proc)
        return proc

    def wait_listening(self, role, ports, proc=None, seconds=30):
        deadline = time.time() + seconds
        while True:
            if proc is not None and proc.poll() is not None:
                raise RuntimeError("%s exited with %s:\n%s" % (role, proc.returncode, self.log(role)[-3000:]))
            listening = self.run_in(role, "ss", "-Hltn")
            if all(":%d " % p in listening for p in ports):
                return
            if time.time() > deadline:
                raise RuntimeError("%s did not listen on %s" % (role, ports))
            time.sleep(0.1)

    def haproxy(self, command):
        """A command on HAProxy's admin socket (a Unix socket: reachable from any namespace)."""
        with socket.socket(socket.AF_UNIX) as s:
            s.connect(self.path("lb", "haproxy.sock"))
            s.sendall(command.encode() + b"\n")
            out = b""
            while True:
                piece = s.recv(65536)
                if not piece:
                    return out.decode()
                out += piece

    def sessions(self, port):
        """{CAS: (sessions now, sessions in all, up)} of HAProxy's backend for a public port."""
        rows = self.haproxy("show stat").splitlines()
        head = rows[0].lstrip("# ").split(",")
        out = {}
        for row in rows[1:]:
            f = dict(zip(head, row.split(",")))
            if f.get("pxname") == "cas_%d" % port and f.get("svname") in CASES:
                out[f["svname"]] = (int(f["scur"]), int(f["stot"]), f["status"].startswith("UP"))
        return out

    def _start_and_pair(self):
        self.start("mgmt")
        for role in HOSTS + CASES:
            self.start(role)
        self.start("lb")
        self.enter_client()
        for h in HOSTS:
            self.pair_host(h)
        for c in CASES:
            self.pair_cas(c)

    def pair_cas(self, c):
        self.ok("PairWithManagementServer", serverType="clientAccessServer", serverName=name(c), port=8473,
                thumbprint=self.thumbprints[c])

    def replace_machine(self, role, keep=()):
        """A role's machine replaced by a new one at the same name and
        address: the daemon stopped, a new data directory with only the
        entries named in `keep` copied from the old one (so a new TLS
        identity: a new thumbprint), started again. Returns the new
        thumbprint; pairing it again is the caller's (the operator's) step."""
        self.kill(role, signal.SIGTERM)
        with open(self.conf[role]) as f:
            data = json.load(f)["dataDirectory"]
        old = data + ".old-machine"
        os.rename(data, old)
        os.makedirs(data)
        for entry in keep:
            src = os.path.join(old, entry)
            (shutil.copytree if os.path.isdir(src) else shutil.copy2)(src, os.path.join(data, entry))
        self.thumbprints[role] = self._thumbprint(role)
        self.start(role)
        return self.thumbprints[role]

    def pair_host(self, h):
        self.ok("PairWithManagementServer", serverType="instanceHost", serverName=name(h), port=8472,
                thumbprint=self.thumbprints[h])
        self.ok("SetInstanceHostConfiguration", config={
            "serverName": name(h), "port": 8472, "serverCertificate": {"thumbprint": self.thumbprints[h]},
            "baseDirectory": self.instances_dir})

    @property
    def api_url(self):
        return "https://%s:8474" % ADDRESSES["mgmt"]

    @property
    def web_url(self):
        return "https://%s" % ADDRESSES["lb"]

    def stop(self):
        self.stop_daemons()
        try:
            self.leave_client()
        except Exception:
            pass
        for ns in self.namespaces:
            _run("ip", "netns", "del", ns, check=False)
            shutil.rmtree("/etc/netns/" + ns, ignore_errors=True)
        self.namespaces = []
        if not os.environ.get("SPE_KEEP_TEST_DIRS"):
            shutil.rmtree(self.dir, ignore_errors=True)


def main():
    why = available()
    if why:
        sys.exit("cluster: " + why)
    cluster = Cluster(log_level="info")
    try:
        c = cluster.prefix
        print("The cluster runs (data and logs in %s). Reach it from the client namespace:" % cluster.dir)
        print("  ip netns exec %s-client curl -k %s/           # Web Access through HAProxy" % (c, cluster.web_url))
        print("  ip netns exec %s-client bash                  # a shell on the 'client' machine" % c)
        print("  Management API  %s  (user admin, password %s)" % (cluster.api_url, ADMIN_PASSWORD))
        print("  Console         https://%s:8470/" % ADDRESSES["mgmt"])
        for role, address in ADDRESSES.items():
            print("  %-7s %-13s namespace %s-%s" % (role, address, c, role))
        print("Ctrl-C takes it down.")
        signal.sigwait([signal.SIGINT, signal.SIGTERM])
    finally:
        cluster.stop()


if __name__ == "__main__":
    main()
