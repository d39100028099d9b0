"""./spe bench audit [--appends N] [--verify-entries M]

Appends N (default 100,000) audit events to a fresh log (target: under
10 µs each) and verifies a log of M (default 1,000,000) entries with its
checkpoints (target: under 10 s). The work is done by the audit_bench
binary in a temporary directory; the last line is its JSON."""
import argparse
import os
import subprocess
import sys
import tempfile


def main():
    ap = argparse.ArgumentParser(prog="./spe bench audit")
    ap.add_argument("--appends", type=int, default=100000)
    ap.add_argument("--verify-entries", type=int, default=1000000)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="spe-audit-bench-") as work:
        r = subprocess.run([os.path.join(os.environ["SPE_BIN"], "audit_bench"), "--work", os.path.join(work, "Audit"),
                            "--appends", str(args.appends), "--verify-entries", str(args.verify_entries)],
                           stdout=subprocess.PIPE, text=True)
    print(r.stdout.strip().splitlines()[-1] if r.stdout.strip() else '{"benchmark": "audit", "error": "no output"}')
    sys.exit(r.returncode)


if __name__ == "__main__":
    main()
