"""Checks tests/tools/ansi_pst.py: builds sample ANSI PSTs in a temporary
directory and reads them back with Debian's pypff (python3-pypff), pffinfo
and pffexport (pff-tools, when installed), and with a structural check of
its own (header and trailer CRCs and signatures, B-trees, AMaps, data and
subnode trees, the heaps and tables that libpff does not look at).

    /usr/bin/python3 tests/tools/ansi_pst_test.py    (exit 0: all hold)
"""
import hashlib
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import unittest

try:
    import pypff
except ImportError:                      # pypff is Debian's: run again with the system python
    if os.path.realpath(sys.executable) != os.path.realpath("/usr/bin/python3") and os.path.exists("/usr/bin/python3"):
        os.execv("/usr/bin/python3", ["/usr/bin/python3"] + sys.argv)
    raise

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ansi_pst  # noqa: E402
from ansi_pst import pst_crc, signature  # noqa: E402

DATA = bytes(range(256)) * 40            # 10,240 bytes: over one block, an XBLOCK of two
BIG = hashlib.sha256(b"seed").digest() * 12500   # 400,000 bytes: 49 blocks, and over one AMap section


def sample():
    return [
        {"name": "Inbox", "messages": [
            {"subject": "Grüße aus Köln", "sender_name": "Jürgen Müller", "sender_email": "juergen@example.com",
             "to": [("Bob", "bob@example.com"), ("Carol", "carol@example.com")], "cc": [("Dora", "dora@example.com")],
             "body": "Hallo Bob,\r\nanbei die Datei.\r\n", "date": 1700000000,
             "attachments": [("Daten März.bin", DATA, "application/octet-stream"),
                             ("note.txt", b"hello\r\n", "text/plain")]},
            {"subject": "HTML only-ish", "sender_name": "Eve", "sender_email": "eve@example.com",
             "to": [("Bob", "bob@example.com")], "body": "Look below\r\n",
             "html": "<html><body><p>Look <b>below</b> \u2013 5 \u20ac</p></body></html>", "date": 1700000100,
             "transport_headers": "Received: from mx.example.com\r\nX-Mailer: Outlook 2002\r\n"},
        ], "subfolders": [
            {"name": "Projekte", "messages": [
                {"subject": "Big one", "sender_name": "Frank", "sender_email": "frank@example.com",
                 "to": [("Bob", "bob@example.com")], "bcc": [("Gina", "gina@example.com")],
                 "body": "x" * 9000, "date": 1700000200, "message_id": "<big@example.com>",
                 "attachments": [("big.dat", BIG, "application/octet-stream")]},
            ]},
        ]},
        {"name": "Sent Items", "messages": [
            {"subject": "plain", "sender_name": "Bob", "sender_email": "bob@example.com",
             "to": [("Jürgen Müller", "juergen@example.com")], "body": "ok", "date": 1700000300},
        ]},
        {"name": "Empty", "messages": []},
    ]


def many():
    """120 messages in one folder: NBT/BBT with intermediate levels, a row matrix in a subnode,
    multi-page heaps, 30 attachments on one message."""
    msgs = [{"subject": "m%03d" % i, "sender_name": "S%d" % i, "sender_email": "s%d@x.org" % i,
             "to": [("R%d" % j, "r%d@x.org" % j) for j in range(i % 4)], "body": "b%d " % i * (i * 10),
             "date": 1600000000 + i} for i in range(120)]
    msgs[5]["attachments"] = [("a%d.txt" % k, b"x" * k, "text/plain") for k in range(1, 31)]
    msgs[6].update(body="B" * 3500, html="<p>" + "H" * 3500 + "</p>", transport_headers="X: " + "t" * 3500)
    msgs[7].update(body="\u00e9" * 20000, html="<p>" + "\u00fc" * 9000 + "</p>")
    return [{"name": "Many", "messages": msgs}]


# ------------------------------------------------------------ an independent structural check

class Structure:
    """Reads the NDB and LTP structures back and asserts what [MS-PST] requires of them."""

    def __init__(self, path, t):
        self.t = t
        with open(path, "rb") as f:
            self.d = f.read()
        d = self.d
        t.assertEqual(d[0:4], b"!BDN")
        t.assertEqual(d[8:10], b"SM")
        t.assertEqual(struct.unpack_from("<HH", d, 10), (14, 19))            # ANSI: wVer 14, wVerClient 19
        t.assertEqual(struct.unpack_from("<I", d, 4)[0], pst_crc(d[8:479]))  # dwCRCPartial
        self.bid_next_b, self.bid_next_p = struct.unpack_from("<II", d, 24)
        (_, eof, self.amap_last, self.amap_free, _, nbt_bid, nbt_ib, bbt_bid, bbt_ib,
         valid) = struct.unpack_from("<IIIIIIIIIB", d, 164)
        t.assertEqual(eof, len(d))
        t.assertEqual(valid, 0x02)
        t.assertEqual((d[460], d[461]), (0x80, 0))                          # bSentinel, NDB_CRYPT_NONE
        self.used = []                                                       # (ib, size)
        self.bbt = {}
        for e in self.btree(bbt_ib, bbt_bid, 0x80, 12, None):
            bid, ib, cb, ref = struct.unpack("<IIHH", e)
            self.bbt[bid] = (ib, cb)
        self.nbt = {}
        for e in self.btree(nbt_ib, nbt_bid, 0x81, 16, None):
            n, data, sub, parent = struct.unpack("<IIII", e)
            self.nbt[n] = (data, sub, parent)
        for bid, (ib, cb) in self.bbt.items():
            t.assertLess(bid, self.bid_next_b)
            total = (cb + 12 + 63) // 64 * 64
            tcb, sig, tbid, crc = struct.unpack_from("<HHII", d, ib + total - 12)
            t.assertEqual((tcb, sig, tbid, crc), (cb, signature(ib, bid), bid, pst_crc(d[ib:ib + cb])), hex(bid))
            self.used.append((ib, total))
        self.referenced = set()
        for n, (data, sub, parent) in self.nbt.items():
            self.data(data)
            self.subnodes(sub)
        t.assertEqual(self.referenced, set(self.bbt), "every block is used once")
        self.check_amaps()

    def btree(self, ib, bid, ptype, cb_leaf, key):
        d, t = self.d, self.t
        page = d[ib:ib + 512]
        pt, pt2, sig, pbid, crc = struct.unpack_from("<BBHII", page, 500)
        t.assertEqual((pt, pt2, sig, pbid, crc), (ptype, ptype, signature(ib, bid), bid, pst_crc(page[:500])))
        t.assertLess(bid, self.bid_next_p)
        self.used.append((ib, 512))
        c_ent, c_max, cb_ent, level = struct.unpack_from("<BBBB", page, 496)
        t.assertEqual((cb_ent, c_max), (cb_leaf if level == 0 else 12, 496 // (cb_leaf if level == 0 else 12)))
        entries = [page[i * cb_ent:(i + 1) * cb_ent] for i in range(c_ent)]
        keys = [struct.unpack_from("<I", e)[0] for e in entries]
        t.assertEqual(keys, sorted(set(keys)))
        if key is not None and keys:
            t.assertEqual(keys[0], key)
        if level == 0:
            return entries
        out = []
        for e in entries:
            k, cbid, cib = struct.unpack("<III", e)
            out += self.btree(cib, cbid, ptype, cb_leaf, k)
        return out

    def block(self, bid):
        self.t.assertIn(bid, self.bbt, hex(bid))
        self.t.assertNotIn(bid, self.referenced, hex(bid))
        self.referenced.add(bid)
        ib, cb = self.bbt[bid]
        return self.d[ib:ib + cb]

    def data(self, bid):
        """A data tree's blocks (lists of bytes)."""
        if bid == 0:
            return []
        raw = self.block(bid)
        if not bid & 2:
            return [raw]
        btype, level, n, total = struct.unpack_from("<BBHI", raw)
        self.t.assertEqual(btype, 0x01)
        out = []
        for i in range(n):
            child = struct.unpack_from("<I", raw, 8 + 4 * i)[0]
            out += self.data(child) if level == 2 else [self.block(child)]
        self.t.assertEqual(sum(len(b) for b in out), total)
        return out

    def subnodes(self, bid):
        """{nid: (blocks, subnodes)}"""
        if bid == 0:
            return {}
        raw = self.block(bid)
        btype, level, n = struct.unpack_from("<BBH", raw)
        self.t.assertEqual((btype, bid & 2), (0x02, 2))
        out = {}
        for i in range(n):
            if level == 0:
                sn, data, sub = struct.unpack_from("<III", raw, 4 + 12 * i)
                out[sn] = (self.data(data), self.subnodes(sub))
            else:
                out.update(self.subnodes(struct.unpack_from("<II", raw, 4 + 8 * i)[1]))
        self.t.assertEqual(list(out), sorted(out))
        return out

    def check_amaps(self):
        d, t = self.d, self.t
        span = ansi_pst.AMAP_SPAN
        count = (len(d) - 0x4400) // span
        t.assertEqual(self.amap_last, 0x4400 + (count - 1) * span)
        slots = set()
        for k in range(count):
            start = 0x4400 + k * span
            self.used.append((start, 512))
            if k % 8 == 0:
                self.used.append((start + 512, 512))
                pmap = d[start + 512:start + 1024]
                t.assertEqual(struct.unpack_from("<BBHI", pmap, 500), (0x83, 0x83, 0, start + 512))
        for ib, size in self.used:
            for s in range((ib - 0x4400) // 64, (ib + size - 0x4400 + 63) // 64):
                t.assertNotIn(s, slots, "overlap at %#x" % ib)
                slots.add(s)
        free = 0
        for k in range(count):
            start = 0x4400 + k * span
            page = d[start:start + 512]
            t.assertEqual(struct.unpack_from("<BBHII", page, 500),
                          (0x84, 0x84, 0, start, pst_crc(page[:500])))
            bits = page[4:500]
            for i in range(496 * 8):
                on = bool(bits[i // 8] & (0x80 >> (i % 8)))
                t.assertEqual(on, k * 496 * 8 + i in slots, "AMap %d bit %d" % (k, i))
                free += 0 if on else 64
        t.assertEqual(free, self.amap_free)

    # -- LTP: heaps, PCs and TCs

    def node(self, n):
        data, sub, _ = self.nbt[n]
        ib, cb = self.bbt[data]
        blocks = [self.d[ib:ib + cb]] if not data & 2 else self.reread(data)
        return blocks, self.resubnodes(sub)

    def reread(self, bid):
        ib, cb = self.bbt[bid]
        raw = self.d[ib:ib + cb]
        if not bid & 2:
            return [raw]
        _, level, n, _ = struct.unpack_from("<BBHI", raw)
        return [b for i in range(n) for b in self.reread(struct.unpack_from("<I", raw, 8 + 4 * i)[0])]

    def resubnodes(self, bid):
        if bid == 0:
            return {}
        ib, cb = self.bbt[bid]
        raw = self.d[ib:ib + cb]
        out = {}
        for i in range(struct.unpack_from("<H", raw, 2)[0]):
            sn, data, sub = struct.unpack_from("<III", raw, 4 + 12 * i)
            out[sn] = (self.reread(data), sub)
        return out

    def heap(self, blocks, client_sig):
        t = self.t
        ib_hnpm, sig, csig, root = struct.unpack_from("<HBBI", blocks[0])
        t.assertEqual((sig, csig), (0xEC, client_sig))
        allocs = []
        for i, b in enumerate(blocks):
            hnpm = struct.unpack_from("<H", b)[0]
            t.assertEqual(hnpm % 2, 0)
            c_alloc, c_free = struct.unpack_from("<HH", b, hnpm)
            offs = struct.unpack_from("<%dH" % (c_alloc + 1), b, hnpm + 4)
            t.assertEqual(list(offs), sorted(offs))
            t.assertLessEqual(offs[-1], hnpm)
            t.assertEqual(hnpm + 4 + 2 * (c_alloc + 1), len(b))
            allocs.append([b[offs[j]:offs[j + 1]] for j in range(c_alloc)])
            for a in allocs[-1]:
                t.assertLessEqual(len(a), 3580)

        def hid(h):
            t.assertEqual(h & 0x1F, 0)
            return allocs[h >> 16][((h >> 5) & 0x7FF) - 1]
        return hid, hid(root)

    def bth(self, hid, header_hid):
        b_type, cb_key, cb_ent, levels, root = struct.unpack("<BBBBI", hid(header_hid))
        self.t.assertEqual((b_type, levels), (0xB5, 0))
        if root == 0:
            return cb_key, cb_ent, []
        leaf = hid(root)
        size = cb_key + cb_ent
        recs = [leaf[i:i + size] for i in range(0, len(leaf), size)]
        keys = [int.from_bytes(r[:cb_key], "little") for r in recs]
        self.t.assertEqual(keys, sorted(set(keys)))
        return cb_key, cb_ent, recs

    def value(self, hid, subnodes, ptype, raw):
        if ptype in (0x0002, 0x0003, 0x000B):
            return int.from_bytes(raw[:{2: 2, 3: 4, 0xB: 1}[ptype]], "little", signed=ptype == 3)
        h = int.from_bytes(raw[:4], "little")
        data = hid(h) if h & 0x1F == 0 else b"".join(subnodes[h][0])
        if ptype == 0x001E:
            return data.decode("cp1252")
        if ptype == 0x0040:
            return struct.unpack("<Q", data)[0] // 10000000 - 11644473600
        return data

    def pc(self, blocks, subnodes):
        hid, root = self.heap(blocks, 0xBC)
        cb_key, cb_ent, recs = self.bth(hid, struct.unpack_from("<I", blocks[0], 4)[0])
        self.t.assertEqual((cb_key, cb_ent), (2, 6))
        out = {}
        for r in recs:
            pid, ptype = struct.unpack_from("<HH", r)
            out[pid] = self.value(hid, subnodes, ptype, r[4:8])
        return out

    def tc(self, blocks, subnodes):
        t = self.t
        hid, info = self.heap(blocks, 0x7C)
        b_type, c_cols, e4, e2, e1, ebm, hid_index, hnid_rows, _ = struct.unpack_from("<BB4HIII", info)
        t.assertEqual(b_type, 0x7C)
        cols = [struct.unpack_from("<IHBB", info, 22 + 8 * i) for i in range(c_cols)]
        t.assertEqual(len(info), 22 + 8 * c_cols)
        t.assertEqual([c for c in cols if c[0] == 0x67F20003], [(0x67F20003, 0, 4, 0)])   # PidTagLtpRowId
        for tg, ib, cb, ibit in cols:
            t.assertTrue(ib + cb <= (e4 if cb >= 4 else e2 if cb == 2 else e1))
        cb_key, cb_ent, index = self.bth(hid, hid_index)
        t.assertEqual((cb_key, cb_ent), (4, 2))                    # ANSI TCROWID
        if hnid_rows == 0:
            matrix = []
        elif hnid_rows & 0x1F == 0:
            matrix = [hid(hnid_rows)]
        else:
            matrix = subnodes[hnid_rows][0]
        rows = []
        for block in matrix:
            t.assertEqual(len(block) % ebm, 0)
            rows += [block[i:i + ebm] for i in range(0, len(block), ebm)]
        t.assertEqual(len(rows), len(index))
        out = []
        for row in rows:
            cells = {}
            for tg, ib, cb, ibit in cols:
                if row[e1 + ibit // 8] & (0x80 >> (ibit % 8)):
                    ptype = tg & 0xFFFF
                    raw = row[ib:ib + cb]
                    cells[tg >> 16] = (struct.unpack("<Q", raw)[0] // 10000000 - 11644473600 if ptype == 0x0040
                                       else self.value(hid, subnodes, ptype, raw))
            out.append(cells)
        for rec in index:
            rid, ri = struct.unpack("<IH", rec)
            t.assertEqual(out[ri][0x67F2], rid)
        return out


# ------------------------------------------------------------ the tests

def pypff_tree(path):
    """{folder path: [message]} below "Top of Personal Folders", as pypff reads it."""
    f = pypff.file()
    f.open(path)
    root = f.get_root_folder()
    tops = [root.get_sub_folder(i) for i in range(root.number_of_sub_folders)]
    out = {}

    def entries(item):
        rs = item.get_record_set(0)
        return {e.entry_type: e for e in rs.entries}

    def walk(folder, path):
        msgs = out.setdefault(path, [])
        for i in range(folder.number_of_sub_messages):
            m = folder.get_sub_message(i)
            e = entries(m)
            atts = []
            for j in range(m.number_of_attachments):
                a = m.get_attachment(j)
                ae = entries(a)
                atts.append((ae[0x3707].data_as_string, a.read_buffer(a.size) if a.size else b"",
                             ae[0x370E].data_as_string))
            msgs.append({
                "nid": m.identifier, "subject": m.subject, "sender_name": m.sender_name,
                "sender_email": e[0x0C1F].data_as_string,
                "date": e[0x0039].data_as_integer // 10000000 - 11644473600,
                "body": (m.plain_text_body or b"").decode("utf-8"), "html": m.html_body,
                "transport_headers": m.transport_headers, "attachments": atts,
                "codepages": (e[0x3FDE].data_as_integer, e[0x3FFD].data_as_integer),
                "types": {k: v.value_type for k, v in e.items()}})
        for i in range(folder.number_of_sub_folders):
            s = folder.get_sub_folder(i)
            walk(s, (path + "/" if path else "") + s.name)

    top = [x for x in tops if x.name == "Top of Personal Folders"]
    names = [x.name for x in tops]
    walk(top[0], "")
    store = entries(f.message_store)
    f.close()
    return names, out, store


def expected_tree(folders, path=""):
    out = {}
    for f in folders:
        p = (path + "/" if path else "") + f["name"]
        out[p] = f.get("messages") or []
        out.update(expected_tree(f.get("subfolders") or [], p))
    return out


def libpff_walk(path):
    """The calls src/common/mapi/pst_reader.cpp makes, through libpff's C API (ctypes): the IPM
    subtree by PR_IPM_SUBTREE_ENTRYID and libpff_file_get_item_by_identifier, recipients as the
    record sets of libpff_message_get_recipients, attachment types. {folder: [(nid, recipients,
    attachment types)]}, and the file's ASCII code page."""
    import ctypes
    import ctypes.util
    lib = ctypes.CDLL(ctypes.util.find_library("pff") or "libpff.so.1")
    P, I, U = ctypes.c_void_p, ctypes.c_int, ctypes.c_uint32

    def call(name, *args):
        if getattr(lib, name)(*args) != 1:
            raise AssertionError(name + " failed")

    def entry(record_set, entry_type, value_type):
        e, size = P(), ctypes.c_size_t()
        if lib.libpff_record_set_get_entry_by_type(record_set, U(entry_type), U(value_type), ctypes.byref(e),
                                                   ctypes.c_uint8(0), None) != 1:
            return None
        call("libpff_record_entry_get_data_size", e, ctypes.byref(size), None)
        buf = ctypes.create_string_buffer(size.value)
        call("libpff_record_entry_get_data", e, buf, size, None)
        lib.libpff_record_entry_free(ctypes.byref(e), None)
        return buf.raw

    def text(item, entry_type, value_type):
        rs = P()
        call("libpff_item_get_record_set_by_index", item, I(0), ctypes.byref(rs), None)
        value = entry(rs, entry_type, value_type)
        lib.libpff_record_set_free(ctypes.byref(rs), None)
        return value

    f = P()
    call("libpff_file_initialize", ctypes.byref(f), None)
    call("libpff_file_open", f, path.encode(), I(1), None)
    cp = I()
    call("libpff_file_get_ascii_codepage", f, ctypes.byref(cp), None)
    store = P()
    call("libpff_file_get_message_store", f, ctypes.byref(store), None)
    eid = text(store, 0x35E0, 0x0102)
    top = P()
    call("libpff_file_get_item_by_identifier", f, U(struct.unpack_from("<I", eid, 20)[0]), ctypes.byref(top), None)
    out = {}

    def walk(folder, name):
        n = I()
        call("libpff_folder_get_number_of_sub_messages", folder, ctypes.byref(n), None)
        for i in range(n.value):
            m, r, ident, sets = P(), P(), U(), I()
            call("libpff_folder_get_sub_message", folder, I(i), ctypes.byref(m), None)
            call("libpff_item_get_identifier", m, ctypes.byref(ident), None)
            people = []
            if lib.libpff_message_get_recipients(m, ctypes.byref(r), None) == 1:
                call("libpff_item_get_number_of_record_sets", r, ctypes.byref(sets), None)
                for k in range(sets.value):
                    rs = P()
                    call("libpff_item_get_record_set_by_index", r, I(k), ctypes.byref(rs), None)
                    people.append((entry(rs, 0x3001, 0x001E).decode("cp1252"),
                                   entry(rs, 0x39FE, 0x001E).decode("cp1252"),
                                   struct.unpack("<i", entry(rs, 0x0C15, 0x0003))[0]))
                    lib.libpff_record_set_free(ctypes.byref(rs), None)
                lib.libpff_item_free(ctypes.byref(r), None)
            count, types = I(), []
            call("libpff_message_get_number_of_attachments", m, ctypes.byref(count), None)
            for k in range(count.value):
                a, t = P(), I()
                call("libpff_message_get_attachment", m, I(k), ctypes.byref(a), None)
                call("libpff_attachment_get_type", a, ctypes.byref(t), None)
                types.append(chr(t.value))
                lib.libpff_item_free(ctypes.byref(a), None)
            out.setdefault(name, []).append((ident.value, people, types))
            lib.libpff_item_free(ctypes.byref(m), None)
        call("libpff_folder_get_number_of_sub_folders", folder, ctypes.byref(n), None)
        for i in range(n.value):
            sub = P()
            call("libpff_folder_get_sub_folder", folder, I(i), ctypes.byref(sub), None)
            walk(sub, (name + "/" if name else "") + text(sub, 0x3001, 0x001E).decode("cp1252"))
            lib.libpff_item_free(ctypes.byref(sub), None)

    walk(top, "")
    lib.libpff_item_free(ctypes.byref(top), None)
    lib.libpff_item_free(ctypes.byref(store), None)
    lib.libpff_file_close(f, None)
    lib.libpff_file_free(ctypes.byref(f), None)
    return out, cp.value


class AnsiPstTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp(prefix="ansi_pst_")
        cls.path = os.path.join(cls.dir, "sample.pst")
        cls.layout = ansi_pst.write_ansi_pst(cls.path, sample())
        cls.many_path = os.path.join(cls.dir, "many.pst")
        cls.many_layout = ansi_pst.write_ansi_pst(cls.many_path, many())

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.dir)

    def compare(self, path, folders):
        names, got, store = pypff_tree(path)
        self.assertEqual(names, ["Top of Personal Folders"])
        want = expected_tree(folders)
        self.assertEqual(sorted(got), sorted(list(want) + [""]))
        self.assertEqual(got[""], [])
        for p, msgs in want.items():
            self.assertEqual(len(got[p]), len(msgs), p)
            for g, m in zip(got[p], msgs):
                self.assertEqual((g["subject"], g["sender_name"], g["sender_email"], g["date"]),
                                 (m["subject"], m["sender_name"], m["sender_email"], m["date"]))
                self.assertEqual(g["body"], m.get("body", ""))
                html = m.get("html")
                self.assertEqual(g["html"], html.encode("cp1252") if html else None)
                self.assertEqual(g["transport_headers"], m.get("transport_headers"))
                self.assertEqual(g["attachments"], [(n, d, t) for n, d, t in m.get("attachments") or []])
                self.assertEqual(g["codepages"], (1252, 1252))
                self.assertEqual(g["types"][0x0037], 0x001E)           # PT_STRING8
                if m.get("body"):
                    self.assertEqual(g["types"][0x1000], 0x001E)
        # The IPM subtree by PR_IPM_SUBTREE_ENTRYID, as src/common/mapi/pst_reader.cpp finds it.
        eid = store[0x35E0].data
        self.assertEqual((len(eid), eid[4:20]), (24, store[0x0FF9].data))
        self.assertEqual(struct.unpack_from("<I", eid, 20)[0], 0x8022)
        return got

    def test_sample_with_pypff(self):
        got = self.compare(self.path, sample())
        counts = {p: len(m) for p, m in got.items()}
        self.assertEqual(counts, {"": 0, "Inbox": 2, "Inbox/Projekte": 1, "Sent Items": 1, "Empty": 0})
        print("\nsample:", self.layout, counts, file=sys.stderr)

    def test_many_with_pypff(self):
        got = self.compare(self.many_path, many())
        self.assertEqual([m["subject"] for m in got["Many"]], ["m%03d" % i for i in range(120)])
        print("\nmany:", self.many_layout, file=sys.stderr)

    def test_structure(self):
        for path, folders in ((self.path, sample()), (self.many_path, many())):
            s = Structure(path, self)
            _, got, _ = pypff_tree(path)
            want = expected_tree(folders)
            # Folders: PC, hierarchy, contents and FAI tables agree with the messages pypff found.
            folder_nids = {n: v for n, v in s.nbt.items() if n & 0x1F == 2}
            names = {}
            for n, (data, sub, parent) in folder_nids.items():
                blocks, subs = s.node(n)
                props = s.pc(blocks, subs)
                names[n] = props.get(0x3001)
                contents = s.tc(*s.node((n & ~0x1F) | 0x0E))
                hierarchy = s.tc(*s.node((n & ~0x1F) | 0x0D))
                self.assertEqual(s.tc(*s.node((n & ~0x1F) | 0x0F)), [])
                kids = sorted(k for k, v in folder_nids.items() if v[2] == n and k != n)
                self.assertEqual(sorted(r[0x67F2] for r in hierarchy), kids)
                msgs = sorted(k for k, v in s.nbt.items() if k & 0x1F == 4 and v[2] == n)
                self.assertEqual([r[0x67F2] for r in contents], msgs)
                self.assertEqual(props[0x3602], len(msgs))
                for row in contents:
                    mprops = s.pc(*s.node(row[0x67F2]))
                    for pid in (0x0037, 0x0042, 0x0E04, 0x0E06, 0x0E07, 0x001A):
                        self.assertEqual(row.get(pid), mprops.get(pid), hex(pid))
            for p, msgs in want.items():
                for g, m in zip(got[p], msgs):
                    blocks, subs = s.node(g["nid"])
                    recips = s.tc(*subs[0x692])
                    people = [(r[0x3001], r[0x3003], r[0x0C15]) for r in recips]
                    self.assertEqual(people, [(n, e, k) for k, key in ((1, "to"), (2, "cc"), (3, "bcc"))
                                              for n, e in m.get(key) or []])
                    if m.get("attachments"):
                        rows = s.tc(*subs[0x671])
                        self.assertEqual(len(rows), len(m["attachments"]))
                        for row, (name, data, mime) in zip(rows, m["attachments"]):
                            ablocks, asub = subs[row[0x67F2]]
                            aprops = s.pc(ablocks, s.resubnodes(asub))
                            self.assertEqual((aprops[0x3707], aprops[0x3701], aprops[0x370E], aprops[0x3705]),
                                             (name, data, mime, 1))
                    else:
                        self.assertNotIn(0x671, subs)

    def test_libpff_c_api_as_pst_reader_uses_it(self):
        got, cp = libpff_walk(self.path)
        self.assertEqual(cp, 1252)
        want = expected_tree(sample())
        self.assertEqual(sorted(got), sorted(p for p, m in want.items() if m))
        for p, msgs in want.items():
            for (ident, people, types), m in zip(got.get(p, []), msgs):
                self.assertEqual(ident & 0x1F, 0x04)
                self.assertEqual(people, [(n, e, k) for k, key in ((1, "to"), (2, "cc"), (3, "bcc"))
                                          for n, e in m.get(key) or []])
                self.assertEqual(types, ["d"] * len(m.get("attachments") or []))   # LIBPFF_ATTACHMENT_TYPE_DATA

    @unittest.skipUnless(shutil.which("pffinfo"), "pff-tools is not installed")
    def test_pffinfo_says_32_bit(self):
        out = subprocess.run(["pffinfo", self.path], capture_output=True, text=True, check=True).stdout
        self.assertRegex(out, r"File type:\s+32-bit")
        self.assertRegex(out, r"Encryption type:\s+none")
        self.assertRegex(out, r"Folders:\s+Subtree")
        out = subprocess.run(["pffinfo", "-a", self.path], capture_output=True, text=True, check=True).stdout
        self.assertIn("Unallocated data blocks", out)

    @unittest.skipUnless(shutil.which("pffexport"), "pff-tools is not installed")
    def test_pffexport(self):
        target = os.path.join(self.dir, "export")
        run = subprocess.run(["pffexport", "-m", "all", "-f", "text", "-t", target, self.path],
                             capture_output=True, text=True)
        self.assertEqual(run.returncode, 0, run.stdout + run.stderr)
        root = target + ".export"
        self.assertEqual(sorted(os.listdir(root)), ["Top of Personal Folders"])   # nothing orphaned or recovered
        base = os.path.join(root, "Top of Personal Folders")
        self.assertEqual(sorted(os.listdir(base)), ["Empty", "Inbox", "Sent Items"])
        m1 = os.path.join(base, "Inbox", "Message00001")
        with open(os.path.join(m1, "Recipients.txt"), encoding="utf-8") as f:
            recips = re.findall(r"Display name:\s+(.*)\nEmail address:\s+(.*)\nAddress type:\s+(.*)\n"
                                r"Recipient type:\s+(.*)", f.read())
        self.assertEqual(recips, [("Bob", "bob@example.com", "SMTP", "To"),
                                  ("Carol", "carol@example.com", "SMTP", "To"),
                                  ("Dora", "dora@example.com", "SMTP", "CC")])
        with open(os.path.join(m1, "Attachments", "1_Daten März.bin"), "rb") as f:
            self.assertEqual(f.read(), DATA)
        with open(os.path.join(m1, "OutlookHeaders.txt"), encoding="utf-8") as f:
            headers = f.read()
        self.assertRegex(headers, r"Subject:\s+Grüße aus Köln")
        self.assertRegex(headers, r"Sender email address:\s+juergen@example.com")
        self.assertRegex(headers, r"Flags:\s+0x00000011 \(Read, Has attachments\)")
        big = os.path.join(base, "Inbox", "Projekte", "Message00001")
        with open(os.path.join(big, "Attachments", "1_big.dat"), "rb") as f:
            self.assertEqual(f.read(), BIG)
        with open(os.path.join(big, "Recipients.txt"), encoding="utf-8") as f:
            self.assertIn("BCC", f.read())

    def test_unencodable_text_is_refused(self):
        with self.assertRaises(UnicodeEncodeError):
            ansi_pst.write_ansi_pst(os.path.join(self.dir, "x.pst"), [{"name": "\u4e2d", "messages": []}])


if __name__ == "__main__":
    unittest.main()
