"""mbsync (isync) pulling every folder of an IMAP account into a maildir:
a real client for the tests and benchmarks."""
import os
import subprocess
import time


def _run(direction, port, user, password, cert, maildir, host):
    """One mbsync run between the account and the Maildir++ tree `maildir`:
    "pull" (creating its folders here) or "push" (creating them there);
    returns the seconds it took."""
    os.makedirs(maildir, exist_ok=True)
    config = maildir.rstrip("/") + "." + direction + ".mbsyncrc"
    with open(config, "w") as f:
        f.write("""IMAPAccount account
Host {host}
Port {port}
User "{user}"
Pass "{password}"
SSLType IMAPS
CertificateFile {cert}

IMAPStore remote
Account account

MaildirStore local
Path {out}/
Inbox {out}/INBOX
SubFolders Verbatim

Channel sync
Far :remote:
Near :local:
Patterns *
Create {create}
Sync {sync}
SyncState *
""".format(host=host, port=port, user=user, password=password, cert=cert, out=maildir,
           create="Near" if direction == "pull" else "Far", sync="Pull" if direction == "pull" else "Push"))
    t0 = time.perf_counter()
    subprocess.run(["mbsync", "-c", config, "-a", "-q"], check=True, capture_output=True)
    return time.perf_counter() - t0


def pull(port, user, password, cert, out, host="localhost"):
    """Runs mbsync once over IMAPS, pulling every folder into the maildir `out`; returns the seconds."""
    return _run("pull", port, user, password, cert, out, host)


def push(port, user, password, cert, maildir, host="localhost"):
    """Runs mbsync once over IMAPS, pushing every folder of the Maildir++ tree
    `maildir` (INBOX and its sub-folders as directories) to the account,
    creating its folders; returns the seconds it took."""
    return _run("push", port, user, password, cert, maildir, host)


def messages(out):
    """{folder relative to out: [bytes]} of a maildir tree mbsync wrote."""
    found = {}
    for root, _, files in os.walk(out):
        if os.path.basename(root) not in ("cur", "new"):
            continue
        folder = os.path.relpath(os.path.dirname(root), out)
        for name in files:
            with open(os.path.join(root, name), "rb") as f:
                found.setdefault(folder, []).append(f.read())
    return found
