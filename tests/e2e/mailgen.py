"""Deterministic test mail: varied charsets, HTML, multipart with
attachments, one message without any header, written as an EML directory
tree, an mbox file or a Maildir++ tree."""
import base64
import os


def message(n, size_lines=12):
    """Message number n as bytes (CRLF line ends), unique by Message-ID."""
    kind = n % 5
    head = ("From: Sender %d <sender%d@example.com>\r\nTo: user%d@example.org\r\n"
            "Date: Tue, %d Feb 2024 %02d:%02d:00 +0100\r\nMessage-ID: <gen%d@mailgen.test>\r\n"
            "MIME-Version: 1.0\r\n" % (n % 7, n % 7, n % 3, 1 + n % 28, n % 24, n % 60, n))
    body = "".join("Line %d of message %d: the quick brown fox.\r\n" % (i, n) for i in range(size_lines))
    if kind == 0:
        return (head + "Subject: Plain %d\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\n" % n + body).encode()
    if kind == 1:
        subject = "=?ISO-8859-1?Q?Gr=FC=DFe_aus_K=F6ln_%d?=" % n
        text = ("Gr\u00fc\u00dfe %d\r\n" % n + body).encode("latin-1")
        return (head + "Subject: %s\r\nContent-Type: text/plain; charset=iso-8859-1\r\n"
                "Content-Transfer-Encoding: 8bit\r\n\r\n" % subject).encode() + text
    if kind == 2:
        return (head + "Subject: HTML %d\r\nContent-Type: text/html; charset=utf-8\r\n\r\n"
                "<html><body><p>Hello <b>%d</b></p><script>x()</script></body></html>\r\n" % (n, n)).encode()
    if kind == 3:
        att = base64.b64encode(bytes(range(256)) * 4).decode()
        return (head + "Subject: Attachment %d\r\nContent-Type: multipart/mixed; boundary=\"XX%d\"\r\n\r\n"
                "--XX%d\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n%s\r\n--XX%d\r\n"
                "Content-Type: application/pdf; name=\"r%d.pdf\"\r\nContent-Disposition: attachment; "
                "filename=\"r%d.pdf\"\r\nContent-Transfer-Encoding: base64\r\n\r\n%s\r\n--XX%d--\r\n"
                % (n, n, n, body, n, n, n, att, n)).encode()
    subject = "=?UTF-8?B?%s?=" % base64.b64encode(("\u65e5\u672c %d" % n).encode()).decode()
    return (head + "Subject: %s\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" % subject + body).encode()


HEADERLESS = b"this is not a mail message at all\r\njust text without headers\r\n"


def write_eml_tree(root, count, folders=("Inbox", "Sent", "Projects/2024")):
    """count messages spread over folders; returns {relative folder: [bytes]}."""
    out = {}
    for n in range(count):
        folder = folders[n % len(folders)]
        data = message(n)
        d = os.path.join(root, folder)
        os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, "m%05d.eml" % n), "wb") as f:
            f.write(data)
        out.setdefault(folder, []).append(data)
    return out


def write_mbox(path, messages):
    """mboxrd: 'From ' lines in bodies get a '>'."""
    with open(path, "wb") as f:
        for m in messages:
            f.write(b"From sender@example.com Tue Feb  1 10:00:00 2024\n")
            for line in m.splitlines(keepends=True):
                stripped = line.lstrip(b">")
                f.write(b">" + line if stripped.startswith(b"From ") else line)
            if not m.endswith(b"\n"):
                f.write(b"\n")
            f.write(b"\n")


def write_maildir(root, folders):
    """folders: {name: [bytes]}; "" is the root (Inbox); others as Maildir++ ".A.B"."""
    for name, messages in folders.items():
        d = root if name == "" else os.path.join(root, "." + name.replace("/", "."))
        for sub in ("cur", "new", "tmp"):
            os.makedirs(os.path.join(d, sub), exist_ok=True)
        for i, m in enumerate(messages):
            with open(os.path.join(d, "cur" if i % 2 else "new", "%d.%d.host:2,S" % (1700000000 + i, i)), "wb") as f:
                f.write(m)
