"""./spe bench crash [--kills N] [--messages M] [--seed S]

100 (N) random kill -9 of a process archiving M (default 20,000) messages
derived from the SpamAssassin corpus into one store; then every
acknowledged message is read back and compared with its source. Prints
acknowledged, found, lost (must be 0) and duplicated (must be 0).
The work is done by the crash_bench binary; the last line is its JSON."""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(__file__)
sys.path.insert(0, os.path.join(HERE, "..", "tools"))
import corpus  # noqa: E402


def main():
    ap = argparse.ArgumentParser(prog="./spe bench crash")
    ap.add_argument("--kills", type=int, default=100)
    ap.add_argument("--messages", type=int, default=20000)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    work = tempfile.mkdtemp(prefix="spe-crash-")
    try:
        print("crash: deriving %d messages ..." % args.messages, file=sys.stderr)
        corpus.write_maildir(os.path.join(work, "maildir"), args.messages)
        r = subprocess.run([os.path.join(os.environ["SPE_BIN"], "crash_bench"), "--maildir",
                            os.path.join(work, "maildir"), "--work", os.path.join(work, "run"),
                            "--kills", str(args.kills), "--seed", str(args.seed)], stdout=subprocess.PIPE, text=True)
        print(r.stdout.strip().splitlines()[-1] if r.stdout.strip() else '{"benchmark": "crash", "error": "no output"}')
        sys.exit(r.returncode)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
