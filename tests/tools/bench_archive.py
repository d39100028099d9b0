"""Steps the archive benchmarks share: an instance with a maildir import
profile, waiting for the search indexes to settle, and notmuch as the
baseline indexer."""
import os
import subprocess
import time

from procstat import tree_bytes


def maildir_instance(p, instance_id, maildir):
    """Creates and starts an instance with user 'bench' and a maildir profile
    into the archive 'bench'; returns the profile id."""
    p.ok("CreateInstance", config={"instanceID": instance_id, "instanceHost": "127.0.0.1", "startMode": "manual"})
    p.ok("StartInstances", instanceFilter=instance_id)
    p.ok("CreateUser", instanceID=instance_id, userName="bench", privileges="none")
    return p.ok("CreateProfile", instanceID=instance_id, raw=True, properties={
        "name": "bench", "connector": "maildir", "details": {"path": maildir, "targetUserFolder": "bench"}})["id"]


def store_directory(p, instance_id):
    return os.path.join(p.base_directory, instance_id, "Data", "DefaultFileGroup")


def settled_size(directory, quiet_seconds=3):
    """The size of a tree once it stopped changing (the indexer compacts
    indexes that grew when it is idle)."""
    size, quiet = tree_bytes(directory), 0
    while quiet < quiet_seconds:
        time.sleep(1)
        now = tree_bytes(directory)
        quiet = quiet + 1 if now == size else 0
        size = now
    return size


def notmuch_config(path, config):
    """Writes a notmuch configuration for the mail in `path`; returns the environment to use it."""
    with open(config, "w") as f:
        f.write("[database]\npath=%s\n[user]\nname=Bench\nprimary_email=bench@example.com\n[new]\ntags=\n"
                "[search]\nexclude_tags=\n[maildir]\nsynchronize_flags=false\n" % path)
    return dict(os.environ, NOTMUCH_CONFIG=config)


def notmuch_new(path, config):
    """Runs `notmuch new` on the mail in `path`; returns the seconds it took."""
    env = notmuch_config(path, config)
    t0 = time.perf_counter()
    subprocess.run(["notmuch", "new", "--quiet"], env=env, check=True)
    return time.perf_counter() - t0
