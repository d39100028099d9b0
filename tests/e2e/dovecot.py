"""A real Dovecot for end-to-end tests and benchmarks (docs/testing.md):
IMAP and POP3 on free loopback ports, plain with STARTTLS and implicit TLS,
a self-signed certificate for "localhost", users in a passwd file with
Maildir homes owned by `nobody`. Mail is written into the Maildirs
directly (Dovecot picks new files up on the next access)."""
import imaplib
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time

from harness import free_ports


class Dovecot:
    def __init__(self, directory):
        self.dir = directory
        os.makedirs(os.path.join(directory, "home"), exist_ok=True)
        # Dovecot's own users must reach the files: every directory above
        # gets search (x) permission for others (not read).
        d = os.path.abspath(directory)
        while d not in ("/", "/tmp"):
            mode = os.stat(d).st_mode & 0o7777
            os.chmod(d, mode | 0o011)
            d = os.path.dirname(d)
        self.run_dir = tempfile.mkdtemp(prefix="spe-dovecot-")  # socket paths must be short
        self.ports = dict(zip(("imap", "imaps", "pop3", "pop3s"), free_ports(4)))  # Dovecot refuses a duplicate
        self.nobody = pwd.getpwnam("nobody")
        self.counter = 0
        self.proc = None
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj",
                        "/CN=localhost", "-addext", "subjectAltName=DNS:localhost",
                        "-keyout", self.file("key.pem"), "-out", self.file("cert.pem")],
                       check=True, capture_output=True)
        open(self.file("users"), "w").close()
        with open(self.file("dovecot.conf"), "w") as f:
            f.write("""protocols = imap pop3
listen = 127.0.0.1
base_dir = {run}
state_dir = {state}
log_path = {log}
ssl = yes
ssl_cert = <{cert}
ssl_key = <{key}
disable_plaintext_auth = no
auth_mechanisms = plain login
mail_location = maildir:~/Maildir
namespace inbox {{
  inbox = yes
  separator = /
}}
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {users}
}}
userdb {{
  driver = passwd-file
  args = username_format=%u {users}
}}
service imap-login {{
  inet_listener imap {{
    port = {imap}
  }}
  inet_listener imaps {{
    port = {imaps}
    ssl = yes
  }}
}}
service pop3-login {{
  inet_listener pop3 {{
    port = {pop3}
  }}
  inet_listener pop3s {{
    port = {pop3s}
    ssl = yes
  }}
}}
""".format(run=self.run_dir, state=self.file("state"), log=self.file("dovecot.log"), cert=self.file("cert.pem"),
           key=self.file("key.pem"), users=self.file("users"), **self.ports))
        os.makedirs(self.file("state"), exist_ok=True)

    def file(self, name):
        return os.path.join(self.dir, name)

    def _own(self, path):
        os.chown(path, self.nobody.pw_uid, self.nobody.pw_gid)

    def add_user(self, name, password):
        home = os.path.join(self.dir, "home", name)
        for sub in ("cur", "new", "tmp"):
            os.makedirs(os.path.join(home, "Maildir", sub), exist_ok=True)
        with open(self.file("users"), "a") as f:
            f.write("%s:{PLAIN}%s:%d:%d::%s::\n" % (name, password, self.nobody.pw_uid, self.nobody.pw_gid, home))
        for root, dirs, _ in os.walk(home):
            self._own(root)

    def folder_dir(self, user, folder):
        d = os.path.join(self.dir, "home", user, "Maildir")
        if folder != "INBOX":
            d = os.path.join(d, "." + folder.replace("/", "."))
            for sub in ("cur", "new", "tmp"):
                os.makedirs(os.path.join(d, sub), exist_ok=True)
                self._own(os.path.join(d, sub))
            open(os.path.join(d, "maildirfolder"), "a").close()
            self._own(d)
        return d

    def add_message(self, user, folder, raw, seen=True):
        """Puts a message (bytes) into a folder ("INBOX", "Sent", "Projects/2024")."""
        self.counter += 1
        name = "%d.M%dP1.test:2,%s" % (1700000000 + self.counter, self.counter, "S" if seen else "")
        path = os.path.join(self.folder_dir(user, folder), "cur", name)
        with open(path, "wb") as f:
            f.write(raw)
        self._own(path)
        return path

    def messages(self, user, password):
        """{folder: [(FETCH response head, raw bytes)]} of a user's non-empty folders, over IMAP;
        the head holds the FLAGS and INTERNALDATE."""
        c = imaplib.IMAP4("127.0.0.1", self.ports["imap"])
        c.login(user, password)
        out = {}
        _, boxes = c.list()
        for line in boxes:
            text = line.decode()
            name = text.rsplit(' "/" ', 1)[-1].strip('"') if ' "/" ' in text else text.rsplit(" ", 1)[-1].strip('"')
            typ, _ = c.select('"%s"' % name, readonly=True)
            if typ != "OK":
                continue
            _, ids = c.uid("SEARCH", None, "ALL")
            for uid in ids[0].split():
                _, msg = c.uid("FETCH", uid, "(FLAGS INTERNALDATE BODY.PEEK[])")
                out.setdefault(name, []).append((msg[0][0], msg[0][1]))
        c.logout()
        return out

    def start(self):
        self.proc = subprocess.Popen(["/usr/sbin/dovecot", "-F", "-c", self.file("dovecot.conf")])
        deadline = time.time() + 20
        for port in (self.ports["imap"], self.ports["imaps"], self.ports["pop3"]):
            while True:
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=1).close()
                    break
                except OSError:
                    if time.time() > deadline or self.proc.poll() is not None:
                        raise RuntimeError("dovecot did not start: " + self.log())
                    time.sleep(0.05)

    def kill_imap_processes(self, sig=9):
        """Kills the imap processes of this Dovecot only (children of its
        master process, found in /proc), never another program's; returns
        how many."""
        killed = 0
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                with open("/proc/%s/stat" % entry) as f:
                    stat = f.read()
            except OSError:
                continue
            name = stat[stat.index("(") + 1:stat.rindex(")")]
            parent = int(stat[stat.rindex(")") + 2:].split()[1])
            if name == "imap" and parent == self.proc.pid:
                try:
                    os.kill(int(entry), sig)
                    killed += 1
                except ProcessLookupError:
                    pass
        return killed

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(20)
        shutil.rmtree(self.run_dir, ignore_errors=True)

    def log(self):
        try:
            with open(self.file("dovecot.log")) as f:
                return f.read()
        except OSError:
            return ""
