"""IMAP SEARCH exact to RFC 3501 where clients notice, and Web Access search
(issue 17), against the real daemons with imaplib and curl: the UIDs each
search returns are compared with exact expected sets.

- SENTON/SENTBEFORE/SENTSINCE: the day written in the Date header, in any
  zone, near midnight; no or an unreadable Date header: the internal date.
  ON/BEFORE/SINCE: the internal date (the archiving time, UTC).
- HEADER <field> "": the messages that have the field (empty value too).
- BODY: every text part (inline parts with a file name, HTML, quoted-
  printable, base64, text attachments, attached messages however deep), text
  after a NUL byte; TEXT: headers and body.
- SUBJECT/BODY/TEXT: words and the starts of words; Chinese and Japanese
  by any word inside a run of characters.
- Web Access search lists each message once, however many grants lead to
  its archive.
"""
import base64
import imaplib
import json
import os
import re
import ssl
import subprocess
import time
import unittest

from harness import Platform

PASSWORD = "Corr3ct-Horse-Battery"
IID = "rfcsearch"
JAN = "Date: Mon, 1 Jan 2024 10:00:00 +0000\r\n"


def msg(name, headers, body, content_type="Content-Type: text/plain; charset=utf-8\r\n"):
    """A message named by its Message-ID; `headers` without Message-ID."""
    head = "Message-ID: <%s@rfc.test>\r\nFrom: Sender <sender@example.com>\r\nTo: alice@example.com\r\n" % name
    data = (head + headers + "MIME-Version: 1.0\r\n" + content_type + "\r\n").encode() + \
        (body if isinstance(body, bytes) else body.encode())
    return name, data


def mixed(parts):
    body = ""
    for p in parts:
        body += "--B\r\n" + p
    return body + "--B--\r\n"


MIXED = "Content-Type: multipart/mixed; boundary=\"B\"\r\n"
PLAIN = "Content-Type: text/plain; charset=utf-8\r\n\r\n"
NESTED = ("Subject: inner\r\nFrom: x@example.com\r\nContent-Type: multipart/mixed; boundary=\"C\"\r\n\r\n"
          "--C\r\n" + PLAIN + "middle words\r\n--C\r\nContent-Type: message/rfc822\r\n\r\n"
          "Subject: innermost\r\nFrom: y@example.com\r\n\r\nnestedbodymarker deep down\r\n--C--\r\n")

ALICE = [
    # Sent dates in several zones, near midnight; none; unreadable.
    msg("d1", "Subject: Quarterly reporting\r\nDate: Mon, 1 Apr 2024 23:30:00 -0800\r\n", "plain words\r\n"),
    msg("d2", "Subject: Nothing\r\nDate: Tue, 2 Apr 2024 00:30:00 +1400\r\n", "plain words\r\n"),
    msg("d3", "Subject: Noon\r\nDate: Tue, 2 Apr 2024 12:00:00 +0000\r\nCc: c@example.com\r\n", "plain\r\n"),
    msg("d4", "Subject: No date\r\n", "plain words\r\n"),
    msg("d5", "Subject: Bad date\r\nDate: sometime next week\r\n", "plain words\r\n"),
    msg("d6", "Subject: Late\r\nDate: Sun, 31 Mar 2024 23:00:00 -0100\r\n", "plain words\r\n"),
    # Header fields present, empty, absent.
    msg("h1", "Subject:\r\nX-Priority: 1\r\n" + JAN, "plain\r\n"),
    msg("h2", "X-Priority:\r\n" + JAN, "no subject field at all\r\n"),
    # Body parts of every kind.
    msg("b1", "Subject: inline named\r\n" + JAN, mixed([
        PLAIN + "first part\r\n",
        "Content-Type: text/plain; charset=utf-8; name=\"notes.txt\"\r\nContent-Disposition: inline; "
        "filename=\"notes.txt\"\r\n\r\ninlinenamedmarker here\r\n"]), MIXED),
    msg("b2", "Subject: forwarded\r\n" + JAN, mixed([
        PLAIN + "see the attached\r\n", "Content-Type: message/rfc822\r\n\r\n" + NESTED]), MIXED),
    msg("b3", "Subject: html\r\n" + JAN, "<html><body><p>An <b>htmlbodymarker</b> here</p></body></html>\r\n",
        "Content-Type: text/html; charset=utf-8\r\n"),
    msg("b4", "Subject: qp\r\n" + JAN, "qpbody=\r\nmarker and Gr=C3=BC=C3=9Fe\r\n",
        "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n"),
    msg("b5", "Subject: b64\r\n" + JAN, base64.encodebytes(b"the base64bodymarker text\r\n").decode(),
        "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n"),
    msg("b6", "Subject: nul\r\n" + JAN, b"before\x00afternulmarker words\r\n"),
    msg("b7", "Subject: patch\r\n" + JAN, mixed([
        PLAIN + "the fix\r\n",
        "Content-Type: text/x-diff; charset=utf-8\r\nContent-Disposition: attachment; filename=\"fix.patch\"\r\n"
        "\r\n+patchmarker line\r\n"]), MIXED),
    # Words and the starts of words.
    msg("p1", "Subject: Reporting season\r\n" + JAN, "The reporter files reports.\r\n"),
    msg("p2", "Subject: Misreported\r\n" + JAN, "nothing here\r\n"),
    # Chinese and Japanese.
    msg("c1", "Subject: =?UTF-8?B?%s?=\r\n" % base64.b64encode("2024年度报告书".encode()).decode() + JAN,
        "明日の会議の議事録を送ります\r\n"),
    msg("c2", "Subject: =?UTF-8?B?%s?=\r\n" % base64.b64encode("报告".encode()).decode() + JAN, "議事 録\r\n"),
]
BOB = [msg("o1", "Subject: Bob's reporting\r\n" + JAN, "bobmarker words\r\n")]


def tls_context():
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    return ctx


def curl(url, data=None, headers=()):
    cmd = ["curl", "-sk", "-i", "--max-time", "30"]
    for h in headers:
        cmd += ["-H", h]
    if data is not None:
        cmd += ["-H", "Content-Type: application/json", "--data-binary", json.dumps(data)]
    out = subprocess.run(cmd + [url], capture_output=True, check=True).stdout
    head, _, body = out.partition(b"\r\n\r\n")
    while head.startswith(b"HTTP/1.1 100"):
        head, _, body = body.partition(b"\r\n\r\n")
    lines = head.decode().split("\r\n")
    cookies = [line.split(":", 1)[1].strip() for line in lines[1:] if line.lower().startswith("set-cookie:")]
    return int(lines[0].split()[1]), cookies, body


# A mailbox whose words are also in newer messages of the folder below it.
ZOO = [msg("z%d" % i, "Subject: zoo %d\r\n" % i + JAN, "zebraword here\r\n") for i in range(3)]
LATER = [msg("l%d" % i, "Subject: later %d\r\nDate: Mon, 1 Jan 2030 10:00:00 +0000\r\n" % i, "zebraword too\r\n")
         for i in range(5)]


class ImapSearchRfcTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.p = Platform()
        cls.addClassCleanup(cls.p.stop)
        cls.p.ok("CreateInstance", config={"instanceID": IID, "instanceHost": "127.0.0.1", "startMode": "manual"})
        cls.p.ok("StartInstances", instanceFilter=IID)
        for user, login in (("alice", "imap,web"), ("bob", "web")):
            cls.p.ok("CreateUser", instanceID=IID, userName=user, privileges="none", password=PASSWORD,
                     loginPrivileges=login)
        # Alice reads her own archive by an explicit grant too, and Bob's
        # (granted twice, in other cases).
        for folder in ("alice", "Bob", "bob"):
            cls.p.ok("SetUserPrivilegesOnFolder", instanceID=IID, userName="alice", folder=folder, privileges="read")
        # Bob's Zoo has newer messages of the same words in a folder below it.
        folders = {"alice": {("Inbox",): ALICE}, "bob": {("Inbox",): BOB, ("Zoo",): ZOO, ("Zoo", "Later"): LATER}}
        for user, by_folder in folders.items():
            for folder, messages in by_folder.items():
                d = cls.p.source_dir(user, *folder)
                for name, data in messages:
                    with open(os.path.join(d, name + ".eml"), "wb") as f:
                        f.write(data)
            r = cls.p.ok("RunTemporaryProfile", instanceID=IID, raw=True, properties={
                "name": user, "connector": "emlDirectory",
                "details": {"path": cls.p.source_dir(user), "targetUserFolder": user}})
            assert r["itemsArchived"] == sum(len(m) for m in by_folder.values()), r
        cls.base = "https://127.0.0.1:%d" % cls.p.ports["https"]
        deadline = time.time() + 30
        while True:  # the CAS learns the instance from heartbeats
            try:
                m = cls.imaps()
                m.login(IID + "/alice", PASSWORD)
                break
            except imaplib.IMAP4.error:
                if time.time() > deadline:
                    raise
                time.sleep(0.5)
        cls.m = m
        typ, data = m.select("INBOX", readonly=True)
        assert typ == "OK" and int(data[0]) == len(ALICE), data
        # Names by UID, and each message's internal date.
        typ, data = m.uid("FETCH", "1:*", "(INTERNALDATE BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)])")
        cls.uid, cls.internal = {}, {}
        for item in data:
            if isinstance(item, tuple):
                uid = int(re.search(rb"UID (\d+)", item[0]).group(1))
                name = re.search(rb"<(\w+)@rfc.test>", item[1]).group(1).decode()
                cls.uid[name] = uid
                cls.internal[name] = re.search(rb'INTERNALDATE "\s?(\d+-\w+-\d+)', item[0]).group(1).decode()
        assert len(cls.uid) == len(ALICE), cls.uid
        # Text keys are answered by the index (an import ends when its
        # messages are searchable; this only guards against a slow index).
        deadline = time.time() + 60
        while len(cls.search("FROM", "sender@example.com")) < len(ALICE) and time.time() < deadline:
            time.sleep(0.5)

    @classmethod
    def imaps(cls):
        return imaplib.IMAP4_SSL("127.0.0.1", cls.p.ports["imaps"], ssl_context=tls_context(), timeout=60)

    @classmethod
    def search(cls, *criteria):
        criteria = list(criteria)
        if not criteria[-1].isascii():  # imaplib sends only ASCII in the command line: a literal
            cls.m.literal = criteria.pop().encode()
        typ, data = cls.m.uid("SEARCH", "CHARSET", "UTF-8", *criteria)
        assert typ == "OK", data
        return sorted(int(x) for x in data[0].split())

    @classmethod
    def names(cls, *names):
        return sorted(cls.uid[n] for n in names)

    def check(self, criteria, *names):
        self.assertEqual(self.search(*criteria), self.names(*names), criteria)

    def everything_but(self, *names):
        return [n for n, _ in ALICE if n not in names]

    def test_01_sent_dates_are_the_day_written_in_the_date_header(self):
        today = self.internal["d4"]  # no Date header: the internal date stands in
        self.assertEqual(self.internal["d5"], today)
        self.check(("SENTON", "1-Apr-2024"), "d1")
        self.check(("SENTON", "2-Apr-2024"), "d2", "d3")
        self.check(("SENTON", "31-Mar-2024"), "d6")
        self.check(("SENTBEFORE", "1-Apr-2024"), *self.everything_but("d1", "d2", "d3", "d4", "d5"))
        self.check(("SENTSINCE", "2-Apr-2024"), "d2", "d3", "d4", "d5")
        self.check(("SENTSINCE", "1-Apr-2024", "SENTBEFORE", "2-Apr-2024"), "d1")
        self.check(("NOT", "SENTON", "2-Apr-2024"), *self.everything_but("d2", "d3"))
        self.check(("SENTON", today), "d4", "d5")

    def test_02_internal_dates_are_the_archiving_time(self):
        def day(text):
            return time.strptime(text, "%d-%b-%Y")
        first = min(self.internal.values(), key=day)
        last = max(self.internal.values(), key=day)
        self.check(("ON", first), *[n for n in self.uid if self.internal[n] == first])
        self.check(("SINCE", last), *[n for n in self.uid if self.internal[n] == last])
        self.check(("SINCE", first), *self.uid)
        self.check(("BEFORE", first))
        self.check(("BEFORE", "1-Jan-2024"))
        self.check(("ON", "1-Apr-2024"))  # the Date header does not count

    def test_03_header_with_an_empty_string_is_having_the_field(self):
        self.check(("HEADER", "X-Priority", '""'), "h1", "h2")
        self.check(("HEADER", "Subject", '""'), *self.everything_but("h2"))
        self.check(("NOT", "HEADER", "Subject", '""'), "h2")
        self.check(("HEADER", "Cc", '""'), "d3")
        self.check(("HEADER", "Date", '""'), *self.everything_but("d4"))
        self.check(("HEADER", "X-Nothing", '""'))
        self.check(("HEADER", "X-Priority", "1"), "h1")

    def test_04_body_is_every_text_part(self):
        self.check(("BODY", "inlinenamedmarker"), "b1")
        self.check(("BODY", "nestedbodymarker"), "b2")
        self.check(("BODY", "htmlbodymarker"), "b3")
        self.check(("BODY", "qpbodymarker"), "b4")
        self.check(("BODY", "grüße"), "b4")
        self.check(("BODY", "base64bodymarker"), "b5")
        self.check(("BODY", "afternulmarker"), "b6")
        self.check(("BODY", '"afternulmarker words"'), "b6")
        self.check(("BODY", "patchmarker"), "b7")
        self.check(("BODY", "Quarterly"))  # a header, not the body
        self.check(("TEXT", "Quarterly"), "d1")
        self.check(("TEXT", "nestedbodymarker"), "b2")
        self.check(("TEXT", "patchmarker"), "b7")
        self.check(("NOT", "BODY", "afternulmarker"), *self.everything_but("b6"))

    def test_05_words_match_their_starts(self):
        self.check(("SUBJECT", "report"), "d1", "p1")
        self.check(("SUBJECT", "REPORTING"), "d1", "p1")
        self.check(("SUBJECT", "rep"), "d1", "p1")
        self.check(("SUBJECT", "re"))  # two letters: whole words only
        self.check(("BODY", "report"), "p1")
        self.check(("TEXT", "reporti"), "d1", "p1")
        self.check(("SUBJECT", "misreport"), "p2")
        self.check(("SUBJECT", '"quarterly repo"'))  # a phrase is whole words
        self.check(("SUBJECT", '"quarterly reporting"'), "d1")

    def test_06_chinese_and_japanese_by_any_word_inside(self):
        self.check(("SUBJECT", "报告"), "c1", "c2")
        self.check(("SUBJECT", "年度报告"), "c1")
        self.check(("SUBJECT", "书"), "c1")
        self.check(("BODY", "議事録"), "c1")
        self.check(("BODY", "議事"), "c1", "c2")
        self.check(("TEXT", "会議"), "c1")
        self.check(("TEXT", "报告"), "c1", "c2")

    def web_search(self, query):
        status, cookies, body = curl(self.base + "/%s/api/login" % IID, {"userName": "alice", "password": PASSWORD})
        self.assertEqual(status, 200, body)
        headers = ["Cookie: " + cookies[0].split(";")[0], "X-CSRF-Token: " + json.loads(body)["csrfToken"]]
        status, _, body = curl(self.base + "/%s/api/search" % IID, {"query": query}, headers)
        self.assertEqual(status, 200, body)
        return json.loads(body)

    def test_07_web_access_lists_each_message_once(self):
        for query, want in (("reporting", 3), ("report", 3), ("报告", 2), ("bobmarker", 1), ("folder:alice", len(ALICE)),
                            ("inlinenamedmarker", 1)):
            r = self.web_search(query)
            ids = [(h["storeID"], h["messageID"]) for h in r["hits"]]
            self.assertEqual(len(ids), len(set(ids)), query + ": a message listed twice")
            self.assertEqual(len(ids), want, query)
            self.assertEqual(r["total"], want, query)

    def test_08_a_mailbox_answers_for_its_own_messages_only_and_all_of_them(self):
        m = self.imaps()
        m.login(IID + "/alice", PASSWORD)
        for mailbox, want in (("Other Users/bob/Zoo", 3), ("Other Users/bob/Zoo/Later", 5)):
            typ, data = m.select('"%s"' % mailbox, readonly=True)
            self.assertEqual(typ, "OK", data)
            self.assertEqual(int(data[0]), want, mailbox)
            for criteria in (("BODY", "zebraword"), ("TEXT", '"zebraword"'), ("BODY", "zebra")):
                typ, data = m.uid("SEARCH", *criteria)
                self.assertEqual(typ, "OK", data)
                self.assertEqual(len(data[0].split()), want, (mailbox, criteria))
        m.logout()


if __name__ == "__main__":
    unittest.main()
