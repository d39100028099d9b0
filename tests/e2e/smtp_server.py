"""A real SMTP server for the SMTP tests (test_smtp; docs/testing.md
"aiosmtpd"): Debian's aiosmtpd, run as its own process with /usr/bin/python3
(the test's python3 may not be Debian's), listening on free loopback ports,
one listener per case:

  plain       SMTP, AUTH PLAIN and LOGIN offered (not required, allowed
              without TLS), recipients in REFUSED refused with 550
  login_only  SMTP, AUTH required, only LOGIN offered
  starttls    SMTP with STARTTLS required before anything else, AUTH
              required (PLAIN and LOGIN); a self-signed certificate
  smtps       implicit TLS (SMTP-SSL), AUTH required; the same certificate
  silent      accepts connections and never answers

Every mail received is written to the mail directory as <n>.eml (the
DATA as received) and <n>.json (listener, MAIL FROM, RCPT TO, the AUTH
mechanism and login used). Started and stopped by its process id.

Run as a program (what SmtpServer does):
  /usr/bin/python3 smtp_server.py MAILDIR CERT KEY
prints one JSON line with the ports when every listener is up."""
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading

USER = "mailer@example.com"
PASSWORD = "Smtp-Pass-1 ä"
REFUSED = "nobody@example.com"
PYTHON = "/usr/bin/python3"


def available():
    if not os.path.exists(PYTHON):
        return False
    return subprocess.run([PYTHON, "-c", "import aiosmtpd"], capture_output=True).returncode == 0


class SmtpServer:
    """The server process and what it received."""

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="spe-smtp-")
        self.maildir = os.path.join(self.dir, "mail")
        os.makedirs(self.maildir)
        self.cert, self.key = os.path.join(self.dir, "cert.pem"), os.path.join(self.dir, "key.pem")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                        "-keyout", self.key, "-out", self.cert, "-days", "2", "-subj", "/CN=localhost",
                        "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"], check=True, capture_output=True)
        self._log = open(os.path.join(self.dir, "server.log"), "w")
        self.proc = subprocess.Popen([PYTHON, os.path.abspath(__file__), self.maildir, self.cert, self.key],
                                     stdout=subprocess.PIPE, stderr=self._log, text=True)
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError("the SMTP server did not start: " + self.log())
        self.ports = json.loads(line)

    def log(self):
        with open(os.path.join(self.dir, "server.log")) as f:
            return f.read()

    def received(self):
        """[(meta dict, raw bytes)] in order of arrival."""
        out = []
        names = sorted((n for n in os.listdir(self.maildir) if n.endswith(".json")), key=lambda n: int(n[:-5]))
        for n in names:
            with open(os.path.join(self.maildir, n)) as f:
                meta = json.load(f)
            with open(os.path.join(self.maildir, n[:-5] + ".eml"), "rb") as f:
                out.append((meta, f.read()))
        return out

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc.stdout.close()
        self._log.close()
        shutil.rmtree(self.dir, ignore_errors=True)


# ---------------------------------------------------------------- the server process
def _serve(maildir, cert, key):
    import ssl
    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import AuthResult, LoginPassword

    counter = {"n": 0}
    lock = threading.Lock()

    class Handler:
        def __init__(self, name):
            self.name = name

        async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
            if address.lower() == REFUSED:
                return "550 5.1.1 <%s>: Recipient address rejected: User unknown" % address
            envelope.rcpt_tos.append(address)
            return "250 2.1.5 OK"

        async def handle_DATA(self, server, session, envelope):
            with lock:
                counter["n"] += 1
                n = counter["n"]
            base = os.path.join(maildir, str(n))
            with open(base + ".eml", "wb") as f:
                f.write(envelope.original_content or envelope.content)
            meta = {"listener": self.name, "mailFrom": envelope.mail_from, "rcptTos": envelope.rcpt_tos,
                    "mechanism": getattr(session, "spe_mechanism", None), "login": getattr(session, "spe_login", None),
                    "tls": server.transport.get_extra_info("ssl_object") is not None}
            with open(base + ".json.tmp", "w") as f:
                json.dump(meta, f)
            os.rename(base + ".json.tmp", base + ".json")
            return "250 2.0.0 Ok: queued as SPE%d" % n

    def authenticator(server, session, envelope, mechanism, auth_data):
        if isinstance(auth_data, LoginPassword):
            login, password = auth_data.login.decode(), auth_data.password.decode()
            if login == USER and password == PASSWORD:
                session.spe_mechanism, session.spe_login = mechanism, login
                return AuthResult(success=True)
        return AuthResult(success=False, handled=False)

    def free_port():
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
        s.close()
        return port

    tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    tls.load_cert_chain(cert, key)
    common = {"hostname": "127.0.0.1", "authenticator": authenticator, "auth_require_tls": False,
              "decode_data": False, "timeout": 30}
    cases = {
        "plain": {},
        "login_only": {"auth_required": True, "auth_exclude_mechanism": ["PLAIN"]},
        "starttls": {"auth_required": True, "tls_context": tls, "require_starttls": True},
        "smtps": {"auth_required": True, "ssl_context": tls},
    }
    ports, controllers = {}, []
    for name, extra in cases.items():
        port = free_port()
        c = Controller(Handler(name), port=port, **{**common, **extra})
        c.start()
        controllers.append(c)
        ports[name] = port

    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(16)
    ports["silent"] = silent.getsockname()[1]
    held = []

    def hold():
        while True:
            conn, _ = silent.accept()
            held.append(conn)  # never answered, closed when the process ends

    threading.Thread(target=hold, daemon=True).start()
    print(json.dumps(ports), flush=True)
    threading.Event().wait()


if __name__ == "__main__":
    _serve(*sys.argv[1:4])
