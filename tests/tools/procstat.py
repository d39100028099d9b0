"""What benchmarks read about processes and files: memory from /proc, bytes under a directory."""
import os


def mem_kb(pid, field):
    """A field of /proc/PID/status in kB (VmRSS, VmHWM, RssAnon, ...); 0 when absent."""
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def pss_kb(pid):
    """Proportional set size in kB."""
    with open("/proc/%d/smaps_rollup" % pid) as f:
        for line in f:
            if line.startswith("Pss:"):
                return int(line.split()[1])
    return 0


def tree_bytes(path):
    """Total size of the regular files below path."""
    total = 0
    for root, _, files in os.walk(path):
        for f in files:
            total += os.path.getsize(os.path.join(root, f))
    return total
