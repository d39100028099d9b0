"""Writes a small ANSI (Outlook 97-2002, 32-bit) PST file: a test fixture for
the "pstFile" import, since no real ANSI PST can be fetched here.

Written from the published [MS-PST] specification (Microsoft Open
Specifications), standard library only. What it writes:

- NDB layer: the ANSI HEADER (wVer 14, wVerClient 19, dwCRCPartial, ROOT with
  32-bit BREFs, rgbFM/rgbFP deprecated maps filled with 0xFF,
  bCryptMethod = NDB_CRYPT_NONE), AMap pages every 253,952 bytes from 0x4400
  (valid, fAMapValid = VALID_AMAP2), PMap pages (deprecated, all 0xFF), data
  blocks with ANSI BLOCKTRAILERs, XBLOCK/XXBLOCK data trees for data over one
  block, SLBLOCK subnode trees, and the node (NBT) and block (BBT) B-trees in
  512-byte pages with ANSI PAGETRAILERs (leaf and intermediate levels).
- LTP layer: heap-on-node (HN, several pages when needed), BTH, property
  contexts (PC) and table contexts (TC, ANSI TCROWID with a 2-byte row index).
  Values over 3,580 bytes go into subnodes.
- Messaging layer: message store (NID 0x21, PR_IPM_SUBTREE_ENTRYID), a small
  name-to-id map (NID 0x61), the table templates, the root folder (0x122),
  "Top of Personal Folders" and the caller's folders (folder PC, hierarchy,
  contents and FAI contents TCs, [MS-PST] 2.4), messages (PC with a
  recipient TC 0x692 and an attachment TC 0x671 in subnodes, attachment PCs
  with PR_ATTACH_DATA_BIN, large data in a subnode of the attachment).

Strings are PT_STRING8 in code page 1252 (PR_MESSAGE_CODEPAGE and
PR_INTERNET_CPID say so); a text that cp1252 cannot hold raises
UnicodeEncodeError.

    write_ansi_pst(path, [{"name": "Inbox", "messages": [{
        "subject": "Hi", "sender_name": "Ann", "sender_email": "ann@example.com",
        "to": [("Bob", "bob@example.com")], "cc": [...], "bcc": [...],
        "body": "text", "html": "<p>text</p>", "date": 1700000000,
        "transport_headers": "...", "message_id": "<a@b>",
        "attachments": [("a.bin", b"...", "application/octet-stream")]}],
        "subfolders": [...]}])
"""
import struct
import uuid
import zlib

# ---------------------------------------------------------------- constants

PT_SHORT, PT_LONG, PT_BOOLEAN = 0x0002, 0x0003, 0x000B
PT_I8, PT_SYSTIME = 0x0014, 0x0040
PT_STRING8, PT_BINARY = 0x001E, 0x0102
FIXED_INLINE = {PT_SHORT: 2, PT_LONG: 4, PT_BOOLEAN: 1}
FIXED_8 = {PT_I8, PT_SYSTIME}

NID_TYPE_HID, NID_TYPE_INTERNAL, NID_TYPE_NORMAL_FOLDER = 0x00, 0x01, 0x02
NID_TYPE_NORMAL_MESSAGE, NID_TYPE_ATTACHMENT = 0x04, 0x05
NID_TYPE_HIERARCHY_TABLE, NID_TYPE_CONTENTS_TABLE, NID_TYPE_ASSOC_CONTENTS_TABLE = 0x0D, 0x0E, 0x0F
NID_TYPE_LTP = 0x1F

NID_MESSAGE_STORE = 0x21
NID_NAME_TO_ID_MAP = 0x61
NID_ROOT_FOLDER = 0x122
NID_HIERARCHY_TABLE_TEMPLATE = 0x60D
NID_CONTENTS_TABLE_TEMPLATE = 0x60E
NID_ASSOC_CONTENTS_TABLE_TEMPLATE = 0x60F
NID_ATTACHMENT_TABLE = 0x671
NID_RECIPIENT_TABLE = 0x692

BLOCK_SIZE = 8192
BLOCK_TRAILER = 12          # ANSI: cb, wSig, bid (4), dwCRC
MAX_BLOCK_DATA = BLOCK_SIZE - BLOCK_TRAILER   # 8180
PAGE_SIZE = 512
PAGE_TRAILER = 12           # ANSI: ptype, ptypeRepeat, wSig, bid (4), dwCRC
MAX_HEAP_ALLOC = 3580
AMAP_FIRST = 0x4400
AMAP_SPAN = 496 * 8 * 64    # 253,952 bytes mapped by one AMap page
PMAP_FIRST = 0x4600
PMAP_EVERY = 8              # one PMap page per 8 AMap pages

PTYPE_BBT, PTYPE_NBT, PTYPE_PMAP, PTYPE_AMAP = 0x80, 0x81, 0x83, 0x84

PSETID_COMMON = uuid.UUID("00062008-0000-0000-c000-000000000046")


def pst_crc(data):
    """[MS-PST] 5.3: CRC-32 (0xEDB88320) from 0, without the final inversion."""
    return zlib.crc32(data, 0xFFFFFFFF) ^ 0xFFFFFFFF


def signature(ib, bid):
    """[MS-PST] 5.5: the block/page signature wSig."""
    v = (ib ^ bid) & 0xFFFFFFFF
    return ((v >> 16) ^ v) & 0xFFFF


def nid(index, nid_type):
    return (index << 5) | nid_type


def filetime(unix_seconds):
    return (int(unix_seconds) + 11644473600) * 10000000


def roundup(n, m):
    return (n + m - 1) // m * m


def tag(prop_id, prop_type):
    return (prop_id << 16) | prop_type


# ---------------------------------------------------------------- NDB layer

class Ndb:
    """Blocks, subnode trees and the node B-tree; laid out and written by write()."""

    def __init__(self):
        self.blocks = []        # (bid, data)
        self.nodes = {}         # nid -> (bidData, bidSub, nidParent)
        self.next_bid = 1       # bidIndex counter for blocks (bidNextB)

    def block(self, data, internal=False):
        assert 0 < len(data) <= MAX_BLOCK_DATA, len(data)
        bid = (self.next_bid << 2) | (2 if internal else 0)
        self.next_bid += 1
        self.blocks.append((bid, bytes(data)))
        return bid

    def data_tree(self, chunks):
        """A node's data from blocks of at most 8180 bytes: one block, an XBLOCK or an XXBLOCK."""
        chunks = list(chunks)
        if not chunks:
            return 0
        if len(chunks) == 1:
            return self.block(chunks[0])
        total = sum(len(c) for c in chunks)
        bids = [self.block(c) for c in chunks]
        per = (MAX_BLOCK_DATA - 8) // 4      # 2043 BIDs per XBLOCK
        if len(bids) <= per:
            return self.block(struct.pack("<BBHI", 0x01, 0x01, len(bids), total)
                              + b"".join(struct.pack("<I", b) for b in bids), internal=True)
        xbids = []
        for i in range(0, len(bids), per):
            part = bids[i:i + per]
            size = sum(len(c) for c in chunks[i:i + per])
            xbids.append(self.block(struct.pack("<BBHI", 0x01, 0x01, len(part), size)
                                    + b"".join(struct.pack("<I", b) for b in part), internal=True))
        if len(xbids) > per:
            raise ValueError("data too large")
        return self.block(struct.pack("<BBHI", 0x01, 0x02, len(xbids), total)
                          + b"".join(struct.pack("<I", b) for b in xbids), internal=True)

    def raw_tree(self, data):
        return self.data_tree([data[i:i + MAX_BLOCK_DATA] for i in range(0, len(data), MAX_BLOCK_DATA)])

    def subnode_tree(self, entries):
        """SLBLOCK (or SIBLOCK over SLBLOCKs) of (nid, bidData, bidSub) entries; 0 for none."""
        entries = sorted(entries)
        if not entries:
            return 0
        per = (MAX_BLOCK_DATA - 4) // 12     # 681 SLENTRYs (ANSI: no dwPadding)
        leaves = []
        for i in range(0, len(entries), per):
            part = entries[i:i + per]
            leaves.append((part[0][0], self.block(struct.pack("<BBH", 0x02, 0x00, len(part)) + b"".join(
                struct.pack("<III", n, d, s) for n, d, s in part), internal=True)))
        if len(leaves) == 1:
            return leaves[0][1]
        if len(leaves) > (MAX_BLOCK_DATA - 4) // 8:
            raise ValueError("too many subnodes")
        return self.block(struct.pack("<BBH", 0x02, 0x01, len(leaves)) + b"".join(
            struct.pack("<II", n, b) for n, b in leaves), internal=True)

    def node(self, node_id, bid_data, bid_sub=0, parent=0):
        assert node_id not in self.nodes, hex(node_id)
        self.nodes[node_id] = (bid_data, bid_sub, parent)

    # -- layout and output

    def write(self, path, rgnid):
        alloc = Allocator()
        placed = []             # (ib, bid, data) of blocks
        for bid, data in self.blocks:
            ib = alloc.place(roundup(len(data) + BLOCK_TRAILER, 64), 64)
            placed.append((ib, bid, data))
        next_page = [1]
        pages = []              # (ib, bytes)

        def page_bid():
            b = next_page[0] << 2
            next_page[0] += 1
            return b

        def btree(ptype, leaf_entries, cb_ent):
            """Leaf entries: sorted (key, bytes); returns the root BREF (bid, ib)."""
            level, cb, entries = 0, cb_ent, leaf_entries
            while True:
                per = 496 // cb
                groups = [entries[i:i + per] for i in range(0, len(entries), per)] or [[]]
                parents = []
                for g in groups:
                    ib = alloc.place(PAGE_SIZE, PAGE_SIZE)
                    bid = page_bid()
                    body = b"".join(e for _, e in g).ljust(496, b"\0")
                    body += struct.pack("<BBBB", len(g), per, cb, level)
                    trailer_sig = signature(ib, bid)
                    crc = pst_crc(body)
                    pages.append((ib, body + struct.pack("<BBHII", ptype, ptype, trailer_sig, bid, crc)))
                    parents.append((g[0][0] if g else 0, bid, ib))
                if len(parents) == 1:
                    return parents[0][1], parents[0][2]
                entries = [(k, struct.pack("<III", k, b, i)) for k, b, i in parents]
                level, cb = level + 1, 12

        bbt_entries = [(bid, struct.pack("<IIHH", bid, ib, len(data), 1))
                       for ib, bid, data in sorted(placed, key=lambda p: p[1])]
        nbt_entries = [(n, struct.pack("<IIII", n, d, s, p)) for n, (d, s, p) in sorted(self.nodes.items())]
        nbt_root = btree(PTYPE_NBT, nbt_entries, 16)
        bbt_root = btree(PTYPE_BBT, bbt_entries, 12)

        size = alloc.file_size()
        out = bytearray(size)
        for ib, bid, data in placed:
            total = roundup(len(data) + BLOCK_TRAILER, 64)
            out[ib:ib + len(data)] = data
            out[ib + total - BLOCK_TRAILER:ib + total] = struct.pack(
                "<HHII", len(data), signature(ib, bid), bid, pst_crc(data))
        for ib, page in pages:
            out[ib:ib + PAGE_SIZE] = page
        amap_free = 0
        for k, (start, bits) in enumerate(alloc.amaps()):
            body = b"\0" * 4 + bytes(bits)     # ANSI: dwPadding, then rgbAMapBits
            out[start:start + PAGE_SIZE] = body + struct.pack(
                "<BBHII", PTYPE_AMAP, PTYPE_AMAP, 0, start, pst_crc(body))
            amap_free += sum(8 - bin(b).count("1") for b in bits) * 64
            if k % PMAP_EVERY == 0:
                pstart = start + PAGE_SIZE
                pbody = b"\0" * 4 + b"\xff" * 496
                out[pstart:pstart + PAGE_SIZE] = pbody + struct.pack(
                    "<BBHII", PTYPE_PMAP, PTYPE_PMAP, 0, pstart, pst_crc(pbody))
        last_amap = alloc.amaps()[-1][0]

        # HEADER, ANSI layout.
        h = bytearray(512)
        h[0:4] = b"!BDN"
        struct.pack_into("<2sHHBB", h, 8, b"SM", 14, 19, 1, 1)
        struct.pack_into("<II", h, 16, 0, 0)                       # dwReserved1, dwReserved2
        struct.pack_into("<II", h, 24, self.next_bid << 2, next_page[0] << 2)   # bidNextB, bidNextP
        struct.pack_into("<I", h, 32, 1)                           # dwUnique
        struct.pack_into("<32I", h, 36, *rgnid)
        struct.pack_into("<IIIIIIIIIBBH", h, 164, 0, size, last_amap, amap_free, 0,
                         nbt_root[0], nbt_root[1], bbt_root[0], bbt_root[1], 0x02, 0, 0)
        h[204:332] = b"\xff" * 128                                 # rgbFM (deprecated)
        h[332:460] = b"\xff" * 128                                 # rgbFP (deprecated)
        h[460] = 0x80                                              # bSentinel
        h[461] = 0                                                 # bCryptMethod: NDB_CRYPT_NONE
        struct.pack_into("<I", h, 4, pst_crc(bytes(h[8:8 + 471])))
        out[0:512] = h
        with open(path, "wb") as f:
            f.write(out)
        return {"size": size, "blocks": len(placed), "pages": len(pages), "nodes": len(self.nodes),
                "amaps": len(alloc.amaps())}


class Allocator:
    """Places blocks (64-byte aligned) and pages (512) in the AMap-mapped data sections,
    never over an AMap or PMap page nor across the end of a section."""

    def __init__(self):
        self.cursor = AMAP_FIRST
        self.used = []          # (ib, size)
        self.sections = 0

    def reserved_end(self, section):
        start = AMAP_FIRST + section * AMAP_SPAN
        return start + PAGE_SIZE * (2 if section % PMAP_EVERY == 0 else 1)

    def place(self, size, align):
        assert size <= AMAP_SPAN - 2 * PAGE_SIZE
        while True:
            ib = roundup(self.cursor, align)
            section = (ib - AMAP_FIRST) // AMAP_SPAN
            if ib < self.reserved_end(section):
                self.cursor = self.reserved_end(section)
                continue
            end = AMAP_FIRST + (section + 1) * AMAP_SPAN
            if ib + size > end:
                self.cursor = end
                continue
            if section >= 128:
                raise ValueError("files over 128 AMap sections (31 MB) would need FMap pages")
            self.cursor = ib + size
            self.used.append((ib, size))
            self.sections = max(self.sections, section + 1)
            return ib

    def file_size(self):
        return AMAP_FIRST + max(self.sections, 1) * AMAP_SPAN

    def amaps(self):
        n = max(self.sections, 1)
        maps = [[AMAP_FIRST + k * AMAP_SPAN, bytearray(496)] for k in range(n)]
        ranges = list(self.used)
        for k in range(n):
            ranges.append((AMAP_FIRST + k * AMAP_SPAN, self.reserved_end(k) - AMAP_FIRST - k * AMAP_SPAN))
        for ib, size in ranges:
            for slot in range((ib - AMAP_FIRST) // 64, (ib + size - AMAP_FIRST + 63) // 64):
                k, bit = divmod(slot, 496 * 8)
                maps[k][1][bit // 8] |= 0x80 >> (bit % 8)
        return [(start, bits) for start, bits in maps]


# ---------------------------------------------------------------- LTP layer

FILL_LIMITS = [3584, 2560, 2048, 1792, 1536, 1280, 1024, 768, 512, 256, 128, 64, 32, 16, 8]


def fill_level(free):
    for level, limit in enumerate(FILL_LIMITS):
        if free >= limit:
            return level
    return 0x0F


class Heap:
    """A heap-on-node: allocations of at most 3580 bytes, on pages of one block each."""

    def __init__(self, client_sig):
        self.client_sig = client_sig
        self.pages = [[]]
        self.root = 0

    @staticmethod
    def header_size(index):
        if index == 0:
            return 12                                   # HNHDR
        if index >= 8 and (index - 8) % 128 == 0:
            return 2 + 64                               # HNBITMAPHDR
        return 2                                        # HNPAGEHDR

    def page_size(self, index, allocs):
        return roundup(self.header_size(index) + sum(len(a) for a in allocs), 2) + 4 + 2 * (len(allocs) + 1)

    def alloc(self, data):
        if len(data) > MAX_HEAP_ALLOC:
            raise ValueError("heap allocation over 3580 bytes")
        index = len(self.pages) - 1
        if self.page_size(index, self.pages[-1] + [data]) > MAX_BLOCK_DATA:
            self.pages.append([])
            index += 1
        self.pages[-1].append(bytes(data))
        return (index << 16) | (len(self.pages[-1]) << 5)

    def build(self):
        frees = [MAX_BLOCK_DATA - self.page_size(i, p) for i, p in enumerate(self.pages)]
        out = []
        for i, allocs in enumerate(self.pages):
            offsets = [self.header_size(i)]
            for a in allocs:
                offsets.append(offsets[-1] + len(a))
            ib_hnpm = roundup(offsets[-1], 2)
            if i == 0:
                levels = [fill_level(f) for f in frees[:8]] + [0] * (8 - len(frees[:8]))
                fill = bytes(levels[j] | (levels[j + 1] << 4) for j in range(0, 8, 2))
                hdr = struct.pack("<HBBI", ib_hnpm, 0xEC, self.client_sig, self.root) + fill
            elif self.header_size(i) == 66:
                levels = [fill_level(f) for f in frees[i:i + 128]]
                levels += [0] * (128 - len(levels))
                hdr = struct.pack("<H", ib_hnpm) + bytes(levels[j] | (levels[j + 1] << 4) for j in range(0, 128, 2))
            else:
                hdr = struct.pack("<H", ib_hnpm)
            body = (hdr + b"".join(allocs)).ljust(ib_hnpm, b"\0")
            body += struct.pack("<HH", len(allocs), 0) + b"".join(struct.pack("<H", o) for o in offsets)
            out.append(body)
        return out


def bth(heap, key_size, data_size, records):
    """A one-level BTH of (key, record bytes) pairs, sorted by the key's value;
    returns the HID of its BTHHEADER."""
    records = [r for _, r in sorted(records, key=lambda kr: kr[0])]
    if len(records) * (key_size + data_size) > MAX_HEAP_ALLOC:
        raise ValueError("BTH over one leaf")
    root = heap.alloc(b"".join(records)) if records else 0
    return heap.alloc(struct.pack("<BBBBI", 0xB5, key_size, data_size, 0, root))


class Subnodes:
    """A node's subnode tree under construction."""

    def __init__(self, ndb):
        self.ndb = ndb
        self.entries = []
        self.next_index = 1

    def add_raw(self, data):
        n = nid(self.next_index, NID_TYPE_LTP)
        self.next_index += 1
        self.entries.append((n, self.ndb.raw_tree(data), 0))
        return n

    def add(self, node_id, bid_data, bid_sub=0):
        self.entries.append((node_id, bid_data, bid_sub))

    def build(self):
        return self.ndb.subnode_tree(self.entries)


def encode(ptype, value):
    if ptype == PT_STRING8:
        return value.encode("cp1252") if isinstance(value, str) else bytes(value)
    if ptype == PT_BINARY:
        return bytes(value)
    if ptype == PT_LONG:
        return struct.pack("<I", value & 0xFFFFFFFF)
    if ptype == PT_SHORT:
        return struct.pack("<H", value & 0xFFFF)
    if ptype == PT_BOOLEAN:
        return bytes([1 if value else 0])
    if ptype == PT_SYSTIME:
        return struct.pack("<Q", filetime(value))
    if ptype == PT_I8:
        return struct.pack("<q", value)
    raise ValueError("property type %#x" % ptype)


def variable_hnid(heap, subnodes, raw):
    if len(raw) <= MAX_HEAP_ALLOC:
        return heap.alloc(raw)
    if subnodes is None:
        raise ValueError("value over 3580 bytes without a subnode tree")
    return subnodes.add_raw(raw)


def property_context(props, subnodes):
    """props: [(tag, value)]; values None or empty are left out. Returns the heap pages."""
    heap = Heap(0xBC)
    records = []
    for t, value in sorted(props, key=lambda p: p[0]):
        if value is None:
            continue
        ptype, pid = t & 0xFFFF, t >> 16
        raw = encode(ptype, value)
        if ptype in FIXED_INLINE:
            hnid = struct.unpack("<I", raw.ljust(4, b"\0"))[0]
        elif ptype in FIXED_8:
            hnid = heap.alloc(raw)
        else:
            if not raw:
                continue
            hnid = variable_hnid(heap, subnodes, raw)
        records.append((pid, struct.pack("<HHI", pid, ptype, hnid)))
    heap.root = bth(heap, 2, 6, records)
    return heap.build()


def cell_size(ptype):
    if ptype in FIXED_8:
        return 8
    if ptype == PT_SHORT:
        return 2
    if ptype == PT_BOOLEAN:
        return 1
    return 4                                   # PT_LONG and HNIDs of variable values


def table_context(columns, rows, subnodes):
    """columns: property tags (PidTagLtpRowId/RowVer are added); rows: [{tag: value}],
    each with the row id under 0x67F20003. Returns the heap pages."""
    row_id, row_ver = tag(0x67F2, PT_LONG), tag(0x67F3, PT_LONG)
    cols = [c for c in columns if c not in (row_id, row_ver)]
    ordered = [row_id, row_ver] + sorted((c for c in cols if cell_size(c & 0xFFFF) >= 4),
                                         key=lambda c: -cell_size(c & 0xFFFF))
    ends = [0, 0, 0]
    layout = {}
    ib = 0
    for c in ordered:
        layout[c] = ib
        ib += cell_size(c & 0xFFFF)
    ends[0] = ib
    for c in cols:
        if cell_size(c & 0xFFFF) == 2:
            layout[c] = ib
            ib += 2
    ends[1] = ib
    for c in cols:
        if cell_size(c & 0xFFFF) == 1:
            layout[c] = ib
            ib += 1
    ends[2] = ib
    all_cols = [row_id, row_ver] + cols
    ibit = {c: i for i, c in enumerate(all_cols)}
    ceb = (len(all_cols) + 7) // 8
    row_size = ib + ceb

    heap = Heap(0x7C)
    matrix = []
    index_records = []
    for r, row in enumerate(rows):
        cells = bytearray(row_size)
        row = dict(row)
        row.setdefault(row_ver, 1)
        for c in all_cols:
            value = row.get(c)
            if value is None:
                continue
            ptype = c & 0xFFFF
            raw = encode(ptype, value)
            if ptype in FIXED_INLINE or ptype in FIXED_8:
                data = raw
            else:
                if not raw:
                    continue
                data = struct.pack("<I", variable_hnid(heap, subnodes, raw))
            cells[layout[c]:layout[c] + len(data)] = data
            cells[ends[2] + ibit[c] // 8] |= 0x80 >> (ibit[c] % 8)
        matrix.append(bytes(cells))
        index_records.append((row[row_id], struct.pack("<IH", row[row_id], r)))
    row_index = bth(heap, 4, 2, index_records)   # ANSI TCROWID: 4-byte id, 2-byte index
    data = b"".join(matrix)
    if not data:
        rows_hnid = 0
    elif len(data) <= MAX_HEAP_ALLOC:
        rows_hnid = heap.alloc(data)
    else:
        if subnodes is None:
            raise ValueError("row matrix over 3580 bytes without a subnode tree")
        per = MAX_BLOCK_DATA // row_size
        chunks = [b"".join(matrix[i:i + per]) for i in range(0, len(matrix), per)]
        rows_hnid = nid(subnodes.next_index, NID_TYPE_LTP)
        subnodes.next_index += 1
        subnodes.add(rows_hnid, subnodes.ndb.data_tree(chunks))
    descs = b"".join(struct.pack("<IHBB", c, layout[c], cell_size(c & 0xFFFF), ibit[c]) for c in sorted(all_cols))
    info = struct.pack("<BB4HIII", 0x7C, len(all_cols), ends[0], ends[1], ends[2], row_size,
                       row_index, rows_hnid, 0) + descs
    heap.root = heap.alloc(info)
    return heap.build()


# ---------------------------------------------------------------- messaging layer

S = PT_STRING8
HIERARCHY_COLUMNS = [tag(0x3001, S), tag(0x3602, PT_LONG), tag(0x3603, PT_LONG), tag(0x360A, PT_BOOLEAN),
                     tag(0x3613, S)]
CONTENTS_COLUMNS = [tag(0x0017, PT_LONG), tag(0x001A, S), tag(0x0036, PT_LONG), tag(0x0037, S),
                    tag(0x0039, PT_SYSTIME), tag(0x0042, S), tag(0x0070, S), tag(0x0E03, S), tag(0x0E04, S),
                    tag(0x0E06, PT_SYSTIME), tag(0x0E07, PT_LONG), tag(0x0E08, PT_LONG), tag(0x3008, PT_SYSTIME)]
ASSOC_COLUMNS = [tag(0x001A, S), tag(0x0E07, PT_LONG), tag(0x3008, PT_SYSTIME)]
RECIPIENT_COLUMNS = [tag(0x0C15, PT_LONG), tag(0x0E0F, PT_BOOLEAN), tag(0x0FFE, PT_LONG), tag(0x3001, S),
                     tag(0x3002, S), tag(0x3003, S), tag(0x3900, PT_LONG), tag(0x39FE, S), tag(0x3A40, PT_BOOLEAN)]
ATTACHMENT_COLUMNS = [tag(0x0E20, PT_LONG), tag(0x3704, S), tag(0x3705, PT_LONG), tag(0x370B, PT_LONG)]
ROW_ID = tag(0x67F2, PT_LONG)


def short_filename(name):
    """An 8.3 name for PR_ATTACH_FILENAME."""
    def clean(s):
        return "".join(ch for ch in s.upper() if ch.isalnum() and ord(ch) < 128)
    base, _, ext = name.rpartition(".") if "." in name else (name, "", "")
    base, ext = clean(base) or "ATTACH", clean(ext)[:3]
    return (base[:6] + "~1" if len(base) > 8 else base) + ("." + ext if ext else "")


class _Writer:
    def __init__(self):
        self.ndb = Ndb()
        self.next_folder = 0x401
        self.next_message = 0x10001
        self.store_uid = uuid.uuid4().bytes
        self.max_index = {}

    def used(self, node_id):
        t = node_id & 0x1F
        self.max_index[t] = max(self.max_index.get(t, 0), node_id >> 5)

    def put_pc(self, node_id, props, parent=0):
        sub = Subnodes(self.ndb)
        pages = property_context(props, sub)
        self.ndb.node(node_id, self.ndb.data_tree(pages), sub.build(), parent)
        self.used(node_id)

    def put_tc(self, node_id, columns, rows):
        sub = Subnodes(self.ndb)
        pages = table_context(columns, rows, sub)
        self.ndb.node(node_id, self.ndb.data_tree(pages), sub.build(), 0)

    def entry_id(self, node_id):
        return b"\0" * 4 + self.store_uid + struct.pack("<I", node_id)

    def folder(self, node_id, parent, name, children, messages, container_class="IPF.Note"):
        """children: [(nid, name, content count, has subfolders)]; messages: [(nid, message dict)]."""
        self.put_pc(node_id, [
            (tag(0x3001, S), name),
            (tag(0x3602, PT_LONG), len(messages)),
            (tag(0x3603, PT_LONG), 0),
            (tag(0x360A, PT_BOOLEAN), bool(children)),
            (tag(0x3613, S), container_class),
        ], parent)
        base = node_id & ~0x1F
        self.put_tc(base | NID_TYPE_HIERARCHY_TABLE, HIERARCHY_COLUMNS, [
            {ROW_ID: c, tag(0x3001, S): n, tag(0x3602, PT_LONG): count, tag(0x3603, PT_LONG): 0,
             tag(0x360A, PT_BOOLEAN): subs, tag(0x3613, S): "IPF.Note"} for c, n, count, subs in children])
        self.put_tc(base | NID_TYPE_CONTENTS_TABLE, CONTENTS_COLUMNS, [
            {ROW_ID: m_nid, tag(0x0017, PT_LONG): 1, tag(0x001A, S): "IPM.Note", tag(0x0036, PT_LONG): 0,
             tag(0x0037, S): m["subject"], tag(0x0039, PT_SYSTIME): m["date"], tag(0x0042, S): m["sender_name"],
             tag(0x0070, S): m["subject"], tag(0x0E03, S): display(m.get("cc")), tag(0x0E04, S): display(m.get("to")),
             tag(0x0E06, PT_SYSTIME): m["date"], tag(0x0E07, PT_LONG): message_flags(m),
             tag(0x0E08, PT_LONG): message_size(m), tag(0x3008, PT_SYSTIME): m["date"]} for m_nid, m in messages])
        self.put_tc(base | NID_TYPE_ASSOC_CONTENTS_TABLE, ASSOC_COLUMNS, [])

    def message(self, node_id, parent, m):
        sub = Subnodes(self.ndb)
        recipients = []
        for kind, key in ((1, "to"), (2, "cc"), (3, "bcc")):
            for name, email in m.get(key) or []:
                recipients.append({ROW_ID: len(recipients), tag(0x0C15, PT_LONG): kind,
                                   tag(0x0E0F, PT_BOOLEAN): False, tag(0x0FFE, PT_LONG): 6,
                                   tag(0x3001, S): name, tag(0x3002, S): "SMTP", tag(0x3003, S): email,
                                   tag(0x3900, PT_LONG): 0, tag(0x39FE, S): email,
                                   tag(0x3A40, PT_BOOLEAN): False})
        sub.add(NID_RECIPIENT_TABLE, self.ndb.data_tree(table_context(RECIPIENT_COLUMNS, recipients, sub)))
        attachments = m.get("attachments") or []
        if attachments:
            rows = []
            for i, (filename, data, mime) in enumerate(attachments):
                a_nid = nid(0x401 + i, NID_TYPE_ATTACHMENT)
                a_sub = Subnodes(self.ndb)
                ext = "." + filename.rpartition(".")[2] if "." in filename else None
                pages = property_context([
                    (tag(0x0E20, PT_LONG), len(data) + 200),
                    (tag(0x3001, S), filename or None),
                    (tag(0x3701, PT_BINARY), data),
                    (tag(0x3703, S), ext),
                    (tag(0x3704, S), short_filename(filename) if filename else None),
                    (tag(0x3705, PT_LONG), 1),                 # ATTACH_BY_VALUE
                    (tag(0x3707, S), filename or None),
                    (tag(0x370B, PT_LONG), -1),
                    (tag(0x370E, S), mime or None),
                    (tag(0x3FDE, PT_LONG), 1252),
                ], a_sub)
                sub.add(a_nid, self.ndb.data_tree(pages), a_sub.build())
                rows.append({ROW_ID: a_nid, tag(0x0E20, PT_LONG): len(data) + 200,
                             tag(0x3704, S): short_filename(filename) if filename else None,
                             tag(0x3705, PT_LONG): 1, tag(0x370B, PT_LONG): -1})
            sub.add(NID_ATTACHMENT_TABLE, self.ndb.data_tree(table_context(ATTACHMENT_COLUMNS, rows, sub)))
        html = m.get("html")
        if isinstance(html, str):
            html = html.encode("cp1252")
        date = m["date"]
        props = [
            (tag(0x0017, PT_LONG), 1),                         # PR_IMPORTANCE normal
            (tag(0x001A, S), m.get("message_class", "IPM.Note")),
            (tag(0x0036, PT_LONG), 0),                         # PR_SENSITIVITY
            (tag(0x0037, S), m["subject"]),
            (tag(0x0039, PT_SYSTIME), date),                   # PR_CLIENT_SUBMIT_TIME
            (tag(0x0042, S), m["sender_name"]),                # PR_SENT_REPRESENTING_*
            (tag(0x0064, S), "SMTP"),
            (tag(0x0065, S), m["sender_email"]),
            (tag(0x0070, S), m["subject"]),                    # PR_CONVERSATION_TOPIC
            (tag(0x007D, S), m.get("transport_headers")),
            (tag(0x0C1A, S), m["sender_name"]),                # PR_SENDER_*
            (tag(0x0C1E, S), "SMTP"),
            (tag(0x0C1F, S), m["sender_email"]),
            (tag(0x0E03, S), display(m.get("cc"))),
            (tag(0x0E04, S), display(m.get("to"))),
            (tag(0x0E06, PT_SYSTIME), date),                   # PR_MESSAGE_DELIVERY_TIME
            (tag(0x0E07, PT_LONG), message_flags(m)),
            (tag(0x0E08, PT_LONG), message_size(m)),
            (tag(0x0E1B, PT_BOOLEAN), bool(attachments)),      # PR_HASATTACH
            (tag(0x1000, S), m.get("body")),
            (tag(0x1013, PT_BINARY), html),
            (tag(0x1035, S), m.get("message_id")),
            (tag(0x3007, PT_SYSTIME), date),
            (tag(0x3008, PT_SYSTIME), date),
            (tag(0x3FDE, PT_LONG), 1252),                      # PR_INTERNET_CPID
            (tag(0x3FFD, PT_LONG), 1252),                      # PR_MESSAGE_CODEPAGE
            (tag(0x5D01, S), m["sender_email"]),               # PR_SENDER_SMTP_ADDRESS
            (tag(0x5D02, S), m["sender_email"]),               # PR_SENT_REPRESENTING_SMTP_ADDRESS
        ]
        pages = property_context(props, sub)
        self.ndb.node(node_id, self.ndb.data_tree(pages), sub.build(), parent)
        self.used(node_id)

    def tree(self, parent, folders):
        """Writes `folders` below `parent`; returns their hierarchy rows."""
        rows = []
        for f in folders:
            f_nid = nid(self.next_folder, NID_TYPE_NORMAL_FOLDER)
            self.next_folder += 1
            messages = []
            for m in f.get("messages") or []:
                m_nid = nid(self.next_message, NID_TYPE_NORMAL_MESSAGE)
                self.next_message += 1
                self.message(m_nid, f_nid, m)
                messages.append((m_nid, m))
            children = self.tree(f_nid, f.get("subfolders") or [])
            self.folder(f_nid, parent, f["name"], children, messages)
            rows.append((f_nid, f["name"], len(messages), bool(children)))
        return rows

    def name_to_id_map(self):
        guids = PSETID_COMMON.bytes_le
        lid, wguid = 0x8580, 3                                   # first GUID of the stream
        entries = struct.pack("<IHH", lid, wguid << 1, 0)
        name = "x-spe-fixture".encode("utf-16-le")
        strings = (struct.pack("<I", len(name)) + name).ljust(roundup(4 + len(name), 4), b"\0")
        entries += struct.pack("<IHH", 0, (2 << 1) | 1, 1)      # PS_PUBLIC_STRINGS, string name
        buckets = {}
        buckets.setdefault(0x1000 + (lid ^ (wguid << 1)) % 251, b"")
        buckets[0x1000 + (lid ^ (wguid << 1)) % 251] += struct.pack("<IHH", lid, wguid << 1, 0)
        h = pst_crc(name)
        b = 0x1000 + (h ^ ((2 << 1) | 1)) % 251
        buckets[b] = buckets.get(b, b"") + struct.pack("<IHH", h, (2 << 1) | 1, 1)
        props = [(tag(0x0001, PT_LONG), 251), (tag(0x0002, PT_BINARY), guids),
                 (tag(0x0003, PT_BINARY), entries), (tag(0x0004, PT_BINARY), strings)]
        props += [(tag(k, PT_BINARY), v) for k, v in buckets.items()]
        self.put_pc(NID_NAME_TO_ID_MAP, props)


def display(people):
    return "; ".join(n or e for n, e in people) if people else None


def message_flags(m):
    return 0x01 | (0x10 if m.get("attachments") else 0)   # MSGFLAG_READ, MSGFLAG_HASATTACH


def message_size(m):
    size = 1024 + len((m.get("body") or "").encode("cp1252", "replace")) + len(m.get("html") or "")
    return size + sum(len(a[1]) for a in m.get("attachments") or [])


def write_ansi_pst(path, folders, display_name="Personal Folders"):
    """Writes an ANSI PST with `folders` under "Top of Personal Folders"; returns layout numbers."""
    w = _Writer()
    top = nid(w.next_folder, NID_TYPE_NORMAL_FOLDER)          # 0x8022, as Outlook numbers it
    w.next_folder += 1
    children = w.tree(top, folders)
    w.folder(top, NID_ROOT_FOLDER, "Top of Personal Folders", children, [], container_class=None)
    w.folder(NID_ROOT_FOLDER, NID_ROOT_FOLDER, None, [(top, "Top of Personal Folders", 0, bool(children))], [],
             container_class=None)
    w.put_pc(NID_MESSAGE_STORE, [
        (tag(0x0FF9, PT_BINARY), w.store_uid),                 # PR_RECORD_KEY
        (tag(0x3001, S), display_name),
        (tag(0x35DF, PT_LONG), 0x01),                          # PR_VALID_FOLDER_MASK: IPM subtree
        (tag(0x35E0, PT_BINARY), w.entry_id(top)),             # PR_IPM_SUBTREE_ENTRYID
        (tag(0x67FF, PT_LONG), 0),                             # PR_PST_PASSWORD
    ])
    w.name_to_id_map()
    w.put_tc(NID_HIERARCHY_TABLE_TEMPLATE, HIERARCHY_COLUMNS, [])
    w.put_tc(NID_CONTENTS_TABLE_TEMPLATE, CONTENTS_COLUMNS, [])
    w.put_tc(NID_ASSOC_CONTENTS_TABLE_TEMPLATE, ASSOC_COLUMNS, [])
    w.put_tc(NID_ATTACHMENT_TABLE, ATTACHMENT_COLUMNS, [])
    w.put_tc(NID_RECIPIENT_TABLE, RECIPIENT_COLUMNS, [])
    defaults = [0x400] * 32
    defaults[0x03] = defaults[0x06] = defaults[0x07] = 0x4000
    defaults[NID_TYPE_NORMAL_MESSAGE] = 0x10000
    defaults[0x08] = 0x8000
    rgnid = [max(defaults[t], w.max_index.get(t, 0) + 1) for t in range(32)]
    return w.ndb.write(path, rgnid)


if __name__ == "__main__":
    # python3 tests/tools/ansi_pst.py out.pst: a small sample (tests/tools/ansi_pst_test.py checks it)
    import sys
    print(write_ansi_pst(sys.argv[1], [{"name": "Inbox", "messages": [{
        "subject": "Grüße aus Köln", "sender_name": "Jürgen Müller", "sender_email": "juergen@example.com",
        "to": [("Bob", "bob@example.com")], "body": "Hallo Bob,\r\nanbei die Datei.\r\n", "date": 1700000000,
        "html": "<p>Hallo <b>Bob</b></p>",
        "attachments": [("Daten März.bin", bytes(range(256)) * 40, "application/octet-stream")]}]}]))
