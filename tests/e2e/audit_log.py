"""Reading an instance's audit log in e2e tests the way a third party would:
with spe-audit (verify, export) on its base directory, instance running or
stopped, no keys needed."""
import json
import os
import subprocess

from harness import BIN


def spe_audit(*args):
    return subprocess.run([os.path.join(BIN, "spe-audit"), *args], capture_output=True, text=True, timeout=120)


def audit_entries(base_directory):
    """Every entry, oldest first, as dicts (sequence, time, actorKind, actor, source, event, object, details,
    outcome, hash)."""
    out = spe_audit("export", base_directory)
    if out.returncode != 0:
        raise AssertionError("spe-audit export failed: " + out.stderr)
    lines = [json.loads(line) for line in out.stdout.splitlines() if line]
    return [e for e in lines if e["type"] == "entry"]


def verify(base_directory):
    """(exit code, report dict, stderr) of spe-audit verify."""
    out = spe_audit("verify", base_directory)
    report = json.loads(out.stdout) if out.stdout.strip() else {}
    return out.returncode, report, out.stderr


class VerifiedAfterEachTest:
    """A mixin for InstanceCalls test cases (before InstanceCalls in the bases): after each test the
    instance's audit log must verify (spe-audit verify exits 0), whatever the test did."""

    def tearDown(self):
        cls = type(self)
        if getattr(cls, "_audit_base", None) is None:
            cls._audit_base = self.p.ok("GetInstanceConfiguration", instanceID=self.iid)["baseDirectory"]
        code, report, err = verify(cls._audit_base)
        self.assertEqual(code, 0, "the audit log does not verify after %s: %s %s" % (self.id(), report, err))
        super().tearDown()
