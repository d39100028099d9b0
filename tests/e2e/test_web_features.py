"""Web Access features with real processes (issue 17, "Web Access: reading
and finding mail"): the back-end operations through the CAS with curl
(folder tree with archive roots and sent-mail flags; search in one folder,
a folder with its subfolders, a whole archive; the search form's fields;
sorting by date, sender, recipient, subject and size both ways; snippets
with the hits marked; conversations), then Debian's Chromium driven by
Playwright (browser/web_features.mjs) walking every feature at 1366x768
and 390x844 with screenshots in tests/e2e/artifacts/web-features/ and
axe-core on every view, including dates typed in the chosen language's format
and the server's errors shown in German."""
import base64
import json
import os
import time
import unittest
import zipfile
from datetime import datetime, timedelta, timezone

from harness import Platform, assert_walked_clean, run_browser_scenario
from test_web_access import curl

PASSWORD = "Corr3ct-Horse-Battery"
HERE = os.path.dirname(os.path.abspath(__file__))
ARTIFACTS = os.path.join(HERE, "artifacts", "web-features")
IID = "acme"

SENDERS = ["Anna Albers <anna@example.com>", "Bernd Becker <bernd@example.com>", "Clara Cortez <clara@example.com>",
           "dieter@example.com", "Emil Ernst <emil@example.com>", "\"Fischer, Frida\" <frida@example.com>",
           "Gustav Gruber <gustav@example.com>", "Hanna Hofmann <hanna@example.com>", "Ida Iwanowa <ida@example.com>",
           "Zoe Zimmer <zoe@example.com>"]
TOPICS = ["budget", "travel", "hiring", "roadmap", "security", "offsite", "quarterly figures"]
START = datetime(2024, 1, 1, 8, 0, tzinfo=timezone.utc)
LINK_TARGET = "https://real.example.net/offer?id=7"


def rfc2822(d):
    return d.strftime("%a, %d %b %Y %H:%M:%S +0000")


def mail(sender, to, subject, date, body, extra="", html=None, attachment=None):
    head = ("From: %s\r\nTo: %s\r\nSubject: %s\r\nDate: %s\r\nMIME-Version: 1.0\r\n%s"
            % (sender, to, subject, rfc2822(date), extra))
    if attachment:
        name, data = attachment
        return (head + "Content-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n--b1\r\n"
                "Content-Type: text/plain; charset=utf-8\r\n\r\n%s\r\n--b1\r\nContent-Type: application/pdf; "
                "name=\"%s\"\r\nContent-Disposition: attachment; filename=\"%s\"\r\n"
                "Content-Transfer-Encoding: base64\r\n\r\n%s\r\n--b1--\r\n"
                % (body, name, name, base64.b64encode(data).decode())).encode()
    if html:
        return (head + "Content-Type: text/html; charset=utf-8\r\n\r\n" + html + "\r\n").encode()
    return (head + "Content-Type: text/plain; charset=utf-8\r\n\r\n" + body).encode()


def corpus():
    """{archive: {folder: [bytes]}} and facts the tests check."""
    inbox, receipts, sent, projects = [], [], [], []
    for i in range(230):
        date = START + timedelta(hours=7 * i)
        filler = "".join("Filler line %d of message %d, to make sizes differ.\r\n" % (k, i) for k in range((i * 3) % 23))
        words = "The invoice for March is attached below.\r\n" if i % 10 == 3 else "Nothing special today.\r\n"
        body = ("Hello,\r\n\r\nthis is message %d about %s. " % (i, TOPICS[i % len(TOPICS)]) +
                "It goes on for a while so that a snippet has to choose a window. " * 3 + "\r\n" + words + filler)
        inbox.append(mail(SENDERS[(i * 7) % len(SENDERS)], "Alice Archer <alice@example.org>",
                          "Report %03d on %s" % (i, TOPICS[i % len(TOPICS)]), date, body,
                          "Message-ID: <r%d@example.com>\r\n" % i))
    # A newsletter whose link says one address and goes to another.
    inbox.append(mail("News <news@example.com>", "alice@example.org", "Newsletter with links", START + timedelta(days=80),
                      "", html="<html><body><h1>Spring offers</h1><p>Our <b>invoice</b> portal moved. "
                      "<a href=\"%s\">https://bank.example.com/login</a></p><p>Plain text after the link.</p>"
                      "</body></html>" % LINK_TARGET))
    inbox.append(mail("Pics <pics@example.com>", "alice@example.org", "Remote pictures", START + timedelta(days=83),
                      "", html="<html><body><p>A picture from elsewhere:</p>"
                      "<img src=\"https://images.example.net/pixel.png\" alt=\"pixel\"></body></html>"))
    quoted = ("Dear Alice,\r\n\r\nthanks for the invoice. This line is long enough that it has to wrap in the "
              "reading pane on every screen, because nobody breaks lines by hand any more and the archive must "
              "still show it properly without a horizontal scroll bar.\r\n\r\nOn Monday, Alice wrote:\r\n"
              "> Here is the invoice you asked for.\r\n> Please check the amounts.\r\n>> Earlier: can you send "
              "the invoice?\r\n\r\nBest,\r\nBernd\r\n")
    inbox.append(mail(SENDERS[1], "alice@example.org", "Quoted reply about the invoice", START + timedelta(days=81),
                      quoted, "Message-ID: <q1@example.com>\r\n"))
    inbox.append(mail("Frank Fuchs <frank@example.com>", "alice@example.org", "Contract draft",
                      START + timedelta(days=82), "Attached the contract and the invoice terms.\r\n",
                      "Message-ID: <c1@example.com>\r\n", attachment=("contract.pdf", b"%PDF-1.4 fake" * 50)))
    subject = "Offer for the spring campaign"
    t1 = mail("Carol Carter <carol@partner.example>", "alice@example.org", subject, START + timedelta(days=90),
              "Here is our offer.\r\n", "Message-ID: <t1@partner.example>\r\n")
    t2 = mail("Alice Archer <alice@example.org>", "Carol Carter <carol@partner.example>", "Re: " + subject,
              START + timedelta(days=90, hours=2), "Thanks, looks good.\r\n",
              "Message-ID: <t2@example.org>\r\nIn-Reply-To: <t1@partner.example>\r\n"
              "References: <t1@partner.example>\r\n")
    t3 = mail("Carol Carter <carol@partner.example>", "alice@example.org", "RE: " + subject,
              START + timedelta(days=90, hours=5), "> Thanks, looks good.\r\nGreat, signed.\r\n",
              "Message-ID: <t3@partner.example>\r\nReferences: <t1@partner.example>\r\n <t2@example.org>\r\n")
    t4 = mail("Dave Dorn <dave@example.com>", "alice@example.org", "AW: " + subject,
              START + timedelta(days=91), "Ich bin auch dabei.\r\n", "Message-ID: <t4@example.com>\r\n")
    inbox += [t1, t3, t4]
    sent.append(t2)
    for i in range(20):
        sent.append(mail("Alice Archer <alice@example.org>", SENDERS[(i * 3) % len(SENDERS)], "Status update %d" % i,
                         START + timedelta(days=i, hours=3), "Status %d: all fine; the invoice is paid.\r\n" % i))
    for i in range(12):
        receipts.append(mail("Shop <shop@store.example>", "alice@example.org", "Receipt %d" % i,
                             START + timedelta(days=30 + i), "Your invoice number %d.\r\n" % (1000 + i)))
    for i in range(5):
        projects.append(mail(SENDERS[i], "alice@example.org", "Project kickoff %d" % i, START + timedelta(days=60 + i),
                             "Kickoff notes %d.\r\n" % i))
    bob = [mail(SENDERS[i], "bob@example.org", "Bob note %d" % i, START + timedelta(days=i), "Note %d.\r\n" % i)
           for i in range(6)]
    return {"alice": {"Inbox": inbox, "Inbox/Receipts": receipts, "Sent": sent, "Projects/2024": projects},
            "bob": {"Inbox": bob}}


class WebFeaturesTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.p = Platform()
        cls.addClassCleanup(cls.p.stop)
        cls.p.ok("CreateInstance", config={"instanceID": IID, "instanceHost": "127.0.0.1", "startMode": "manual"})
        cls.p.ok("StartInstances", instanceFilter=IID)
        cls.mail = corpus()
        src = cls.p.source_dir("web")
        for archive, folders in cls.mail.items():
            for folder, messages in folders.items():
                d = os.path.join(src, archive, folder)
                os.makedirs(d, exist_ok=True)
                for n, data in enumerate(messages):
                    with open(os.path.join(d, "m%04d.eml" % n), "wb") as f:
                        f.write(data)
        for user in ("alice", "bob", "erin"):
            cls.p.ok("CreateUser", instanceID=IID, userName=user, privileges="none", password=PASSWORD,
                     loginPrivileges="web")
        cls.p.ok("SetUserPrivilegesOnFolder", instanceID=IID, userName="alice", folder="bob", privileges="read")
        for archive in cls.mail:
            cls.p.ok("RunTemporaryProfile", instanceID=IID, raw=True, properties={
                "name": archive, "connector": "emlDirectory",
                "details": {"path": os.path.join(src, archive), "targetUserFolder": archive}})
        cls.base = "https://127.0.0.1:%d" % cls.p.ports["https"]
        deadline = time.time() + 60
        while curl(cls.base + "/%s/" % IID)[0] != 200:
            if time.time() > deadline:
                raise AssertionError("the CAS never routed to the instance")
            time.sleep(0.5)
        cls.counts = {a: sum(len(m) for m in f.values()) for a, f in cls.mail.items()}
        deadline = time.time() + 120
        while True:
            s = cls.session("alice")
            if all(cls.search(s, folder=a)["total"] == n for a, n in cls.counts.items()):
                break
            if time.time() > deadline:
                raise AssertionError("the messages were never indexed")
            time.sleep(0.5)

    @classmethod
    def session(cls, user):
        status, hdrs, body = curl(cls.base + "/%s/api/login" % IID, data={"userName": user, "password": PASSWORD})
        assert status == 200, (status, body)
        return {"cookie": hdrs["set-cookie"][0].split(";")[0], "csrf": json.loads(body)["csrfToken"]}

    @classmethod
    def call(cls, s, op, body):
        status, _, answer = curl(cls.base + "/%s/api/%s" % (IID, op), data=body,
                                 headers=["Cookie: " + s["cookie"], "X-CSRF-Token: " + s["csrf"]])
        return status, json.loads(answer)

    @classmethod
    def search(cls, s, **body):
        status, answer = cls.call(s, "search", body)
        assert status == 200, (status, answer)
        return answer

    def test_01_folder_tree_roots_and_sent_folders(self):
        s = self.session("alice")
        status, answer = self.call(s, "folders", {})
        self.assertEqual(status, 200)
        tree = answer["archives"]
        self.assertEqual([(a["archive"], a["own"]) for a in tree], [("alice", True), ("bob", False)])
        folders = {f["path"]: f for f in tree[0]["folders"]}
        self.assertEqual([f["path"] for f in tree[0]["folders"]],
                         ["alice/Inbox", "alice/Inbox/Receipts", "alice/Projects", "alice/Projects/2024", "alice/Sent"])
        self.assertTrue(folders["alice/Sent"]["sent"])
        self.assertFalse(folders["alice/Inbox"]["sent"])
        self.assertFalse(folders["alice/Projects"]["hasMessages"])  # only holds a folder: selectable anyway
        self.assertTrue(folders["alice/Inbox"]["hasChildren"])
        self.assertEqual(self.call(self.session("erin"), "folders", {})[1]["archives"],
                         [{"archive": "erin", "own": True, "folders": []}])  # an empty archive is listed

    def test_02_scopes_whole_archive_folder_and_subfolders(self):
        s = self.session("alice")
        inbox = len(self.mail["alice"]["Inbox"])
        receipts = len(self.mail["alice"]["Inbox/Receipts"])
        for folder, subfolders, total in (("alice/Inbox", False, inbox), ("alice/Inbox", True, inbox + receipts),
                                          ("alice", True, self.counts["alice"]), ("alice/Projects", True, 5),
                                          ("alice/Projects", False, 0), ("bob", True, 6), ("alice/Inbox/", False, inbox)):
            answer = self.search(s, folder=folder, subfolders=subfolders, limit=1)
            self.assertEqual((answer["total"], answer["totalIsEstimate"]), (total, False), (folder, subfolders))
        # The whole archive with words: every folder of it, and only it.
        hits = self.search(s, folder="alice", query="invoice", limit=200)["hits"]
        self.assertEqual({h["folder"] for h in hits}, {"alice/Inbox", "alice/Inbox/Receipts", "alice/Sent"})
        self.assertEqual(self.search(self.session("erin"), folder="bob")["total"], 0)  # not hers to read

    def test_03_sorting_both_ways(self):
        s = self.session("alice")
        scope = {"folder": "alice/Inbox", "subfolders": False, "limit": 200}

        def rows(sort, ascending):
            out = []
            for offset in (0, 200):
                out += self.search(s, sort=sort, ascending=ascending, offset=offset, **scope)["hits"]
            return out
        key = {"date": lambda h: h["date"], "size": lambda h: h["size"],
               "subject": lambda h: h["subject"].lower().removeprefix("re: ").removeprefix("aw: "),
               "sender": lambda h: h["from"].lower().strip('"')}
        for sort in ("date", "size", "subject", "sender"):
            for ascending in (False, True):
                got = rows(sort, ascending)
                self.assertEqual(len(got), len(self.mail["alice"]["Inbox"]))
                values = [key[sort](h) for h in got]
                self.assertEqual(values, sorted(values, reverse=not ascending), (sort, ascending))
        sent = self.search(s, folder="alice/Sent", sort="recipient", ascending=True)["hits"]
        recipients = [h["to"].lower().strip('"') for h in sent]
        self.assertEqual(recipients, sorted(recipients))
        self.assertTrue(all(h["sent"] for h in sent))
        status, answer = self.call(s, "search", {"folder": "alice", "sort": "colour"})
        self.assertEqual(status, 400)
        self.assertIn("'sort'", answer["error"])

    def test_04_form_fields_snippets_and_terms(self):
        s = self.session("alice")
        answer = self.search(s, folder="alice", **{"from": "Carol"}, subject="spring offer")
        self.assertEqual(answer["total"], 2)  # t1 and t3
        answer = self.search(s, folder="alice", hasAttachment=True, query="contract")
        self.assertEqual([h["subject"] for h in answer["hits"]], ["Contract draft"])
        day = START + timedelta(days=30)
        answer = self.search(s, folder="alice/Inbox/Receipts", after=day.strftime("%Y-%m-%d"),
                             until=(day + timedelta(days=2)).strftime("%Y-%m-%d"))
        self.assertEqual(answer["total"], 3)  # Date from/to both count their day
        status, answer = self.call(s, "search", {"folder": "alice", "until": "2024-02-30"})
        self.assertEqual(status, 400)
        self.assertIn("'until'", answer["error"])
        answer = self.search(s, folder="alice/Inbox", query="invoice", snippets=True, limit=5)
        self.assertEqual(answer["terms"], ["invoice"])
        for hit in answer["hits"]:
            marked = [p["text"] for p in hit["snippet"] if p["hit"]]
            self.assertTrue(marked and all(m.lower() == "invoice" for m in marked), hit["snippet"])
        self.assertNotIn("snippet", self.search(s, folder="alice/Inbox", query="invoice", limit=1)["hits"][0])

    def test_05_conversation(self):
        s = self.session("alice")
        hits = self.search(s, folder="alice", query="subject:spring subject:campaign")["hits"]
        t3 = next(h for h in hits if h["subject"].startswith("RE:"))
        status, answer = self.call(s, "thread", {"storeID": t3["storeID"], "messageID": t3["messageID"]})
        self.assertEqual(status, 200, answer)
        got = [(m["subject"], m["current"], m["sent"]) for m in answer["messages"]]
        subject = "Offer for the spring campaign"
        self.assertEqual(got, [(subject, False, False), ("Re: " + subject, False, True), ("RE: " + subject, True, False),
                               ("AW: " + subject, False, False)])
        single = self.search(s, folder="alice/Inbox", query="subject:\"Report 001\"")["hits"][0]
        status, answer = self.call(s, "thread", {"storeID": single["storeID"], "messageID": single["messageID"]})
        self.assertEqual(len(answer["messages"]), 1)
        status, _ = self.call(self.session("erin"), "thread", {"storeID": t3["storeID"], "messageID": t3["messageID"]})
        self.assertEqual(status, 404)  # not hers: as if it did not exist

    def test_10_in_chromium(self):
        otp = self.p.ok("CreateClientOneTimeUrlForArchiveAdmin", instanceID=IID, instanceUrl=self.base + "/" + IID)
        args = {"url": self.base + "/%s/" % IID, "password": PASSWORD, "adminUrl": otp,
                "linkTarget": LINK_TARGET, "inbox": len(self.mail["alice"]["Inbox"]),
                "inboxWithSub": len(self.mail["alice"]["Inbox"]) + len(self.mail["alice"]["Inbox/Receipts"]),
                "archive": self.counts["alice"]}
        r = run_browser_scenario("web_features.mjs", args, ARTIFACTS)
        assert_walked_clean(self, r, ARTIFACTS, 38)
        with zipfile.ZipFile(r["exportZip"]) as z:
            self.assertEqual(len([n for n in z.namelist() if n.endswith(".eml")]), 2)
        with open(r["exportMbox"], "rb") as f:
            self.assertEqual(f.read().count(b"\nFrom ") + 1, len(self.mail["alice"]["Inbox"]))


if __name__ == "__main__":
    unittest.main()
