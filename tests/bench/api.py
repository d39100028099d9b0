"""./spe bench api [--calls N] [--clients C]

Starts a real spe-management on free loopback ports (temporary data
directory), then runs api_bench: N sequential GetEnvironmentInfo calls over
one keep-alive TLS connection, and N calls spread over C concurrent clients.
Prints progress lines, then one JSON object as the last line."""
import argparse
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "e2e"))
from harness import ADMIN_PASSWORD, BIN, Platform  # noqa: E402


def main():
    ap = argparse.ArgumentParser(prog="./spe bench api")
    ap.add_argument("--calls", type=int, default=2000)
    ap.add_argument("--clients", type=int, default=8)
    args = ap.parse_args()
    print("starting spe-management ...", file=sys.stderr)
    p = Platform(with_roles=False)
    try:
        p.invoke("Ping")
        print("running %d sequential calls, then %d clients ..." % (args.calls, args.clients), file=sys.stderr)
        out = subprocess.run([os.path.join(BIN, "api_bench"), "--port", str(p.ports["api"]), "--user", "admin",
                              "--password", ADMIN_PASSWORD, "--calls", str(args.calls),
                              "--clients", str(args.clients)], capture_output=True, text=True, check=False)
        if out.returncode != 0 and not out.stdout.strip():
            print(out.stderr, file=sys.stderr)
            sys.exit(1)
        result = json.loads(out.stdout.strip().splitlines()[-1])
        result["server"] = "spe-management (release build), loopback, %d cores" % os.cpu_count()
        print(json.dumps(result))
        sys.exit(out.returncode)
    finally:
        p.stop()


if __name__ == "__main__":
    main()
