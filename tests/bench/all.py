"""./spe bench all [--only a,b] [--skip a,b] [--quick] [--out DIR]

Runs every benchmark of tests/bench/ one after another (each starts its own
platform and peers), keeps each one's JSON in DIR (default
build/bench-results/<UTC time>/<name>.json), and prints a summary table of
every figure that has a goal next to it (a key starting with "goal" in the
same JSON object) or is a ratio against a peer, then one JSON object as the
last line. docs/performance.md lists the figures of a run with the machine,
date and commit.

--quick runs each with small sizes: a check that they all work, not figures
to report. A full run takes several hours on 2 cores."""
import argparse
import datetime
import json
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))

# (name, options of a full run, options of a quick run), in the order they run.
BENCHES = [
    ("api", [], ["--calls", "200", "--clients", "4"]),
    ("instances", ["--start", "200", "--registered", "10000", "--calls", "300"],
     ["--start", "5", "--registered", "1000", "--calls", "50"]),
    ("density", ["--registered", "10000", "--running", "1000"], ["--registered", "200", "--running", "20"]),
    ("ingest", [], ["--messages", "2000"]),
    ("index", [], ["--messages", "2000"]),
    ("imap-archive", [], ["--messages", "2000"]),
    ("imap-serve", ["--sessions", "5000"], ["--messages", "2000", "--sessions", "50", "--latency-messages", "2000"]),
    ("search", [], ["--messages", "5000"]),
    ("export", [], ["--messages", "2000"]),
    ("web", [], ["--messages", "500", "--clients", "1,4", "--seconds", "3", "--processes", "2"]),
    ("audit", [], ["--appends", "5000", "--verify-entries", "20000"]),
    ("crash", [], ["--kills", "5", "--messages", "2000"]),
    ("cluster", [], ["--messages", "200", "--seconds", "5"]),
]


def say(*a):
    print(*a, file=sys.stderr, flush=True)


def figures(obj, path=""):
    """(path, value, goal) of each number that has a goal beside it, and each ratio."""
    out = []
    if isinstance(obj, dict):
        goals = {k: v for k, v in obj.items() if k.startswith("goal") and isinstance(v, (int, float))}
        for k, v in obj.items():
            here = path + "." + k if path else k
            if isinstance(v, (dict, list)):
                out += figures(v, here)
                continue
            if not isinstance(v, (int, float)) or isinstance(v, bool) or k.startswith("goal"):
                continue
            ratio = k.startswith("ratio") or k.endswith("_ratio")
            goal = goals.get("goal_" + k)
            if goal is None and ratio:
                goal = goals.get("goal_ratio")
            if goal is None and k in ("p50", "p95", "p99", "median", "max", "value", "per_second"):
                goal = goals.get("goal")
            if goal is not None or ratio:
                out.append((here, v, goal))
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            out += figures(v, "%s[%d]" % (path, i))
    return out


def run(name, options, out_dir):
    script = os.path.join(HERE, name.replace("-", "_") + ".py")
    say("== %s %s" % (name, " ".join(options)))
    t0 = time.monotonic()
    proc = subprocess.run([sys.executable, script] + options, stdout=subprocess.PIPE, text=True,
                          env=dict(os.environ))
    seconds = round(time.monotonic() - t0, 1)
    lines = [line for line in proc.stdout.strip().splitlines() if line.strip()]
    try:
        result = json.loads(lines[-1])
    except (IndexError, ValueError):
        result = {"error": "no JSON last line (exit status %d)" % proc.returncode}
    if proc.returncode != 0 and "error" not in result:
        result["error"] = "exit status %d" % proc.returncode
    result["_seconds"] = seconds
    result["_options"] = options
    with open(os.path.join(out_dir, name + ".json"), "w") as f:
        json.dump(result, f, indent=1)
    say("== %s: %s in %.0f s" % (name, "failed: " + result["error"] if "error" in result else "done", seconds))
    return result


def summary(results):
    rows = ["| benchmark | figure | value | goal |", "| --- | --- | --- | --- |"]
    for name, result in results.items():
        if "error" in result:
            rows.append("| %s | (failed) | %s | |" % (name, result["error"]))
            continue
        found = figures(result)
        if not found:
            rows.append("| %s | (no figure with a goal; see %s.json) | | |" % (name, name))
        for path, value, goal in found:
            rows.append("| %s | %s | %s | %s |" % (name, path, value, "" if goal is None else goal))
    return "\n".join(rows) + "\n"


def main():
    ap = argparse.ArgumentParser(prog="./spe bench all")
    ap.add_argument("--only", default="")
    ap.add_argument("--skip", default="")
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--out", default="")
    args = ap.parse_args()
    only = {x for x in args.only.split(",") if x}
    skip = {x for x in args.skip.split(",") if x}
    known = {name for name, _, _ in BENCHES}
    unknown = (only | skip) - known
    if unknown:
        ap.error("unknown benchmarks: %s (known: %s)" % (", ".join(sorted(unknown)), ", ".join(sorted(known))))
    stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    out_dir = args.out or os.path.join(ROOT, "build", "bench-results", stamp)
    os.makedirs(out_dir, exist_ok=True)
    commit = subprocess.run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"], capture_output=True,
                            text=True).stdout.strip() or "unknown"
    results = {}
    for name, full, quick in BENCHES:
        if (only and name not in only) or name in skip:
            continue
        results[name] = run(name, quick if args.quick else full, out_dir)
    table = summary(results)
    header = "Benchmarks of commit %s, %s, %d cores%s\n\n" % (commit, stamp, os.cpu_count(),
                                                              " (quick sizes: not figures to report)"
                                                              if args.quick else "")
    with open(os.path.join(out_dir, "summary.md"), "w") as f:
        f.write(header + table)
    say("")
    say(header + table)
    failed = [n for n, r in results.items() if "error" in r]
    print(json.dumps({"benchmark": "all", "commit": commit, "quick": args.quick, "results_directory": out_dir,
                      "ran": list(results), "failed": failed}))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
