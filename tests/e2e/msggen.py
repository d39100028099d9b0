"""Outlook .msg files for tests ([MS-OXMSG] layout), written with libgsf's
compound-file writer through GObject introspection (Debian: gir1.2-gsf-1,
python3-gi; run with /usr/bin/python3). Enough of the format to carry
properties, recipients, attachments and embedded messages; not a general
writer. A message is a dict:
  {"props": [(id, type, value)], "recipients": [[(id, type, value)]],
   "attachments": [{"props": [...], "embedded": <message> or None}]}
with values as str (type 0x001F), int (0x0003) or bytes (0x0102, 0x001E)."""
import struct

import gi

gi.require_version("Gsf", "1")
from gi.repository import Gsf  # noqa: E402

UNICODE, INT32, BINARY, STRING8, TIME = 0x001F, 0x0003, 0x0102, 0x001E, 0x0040
SUBJECT, BODY, HTML, MESSAGE_CLASS = 0x0037, 0x1000, 0x1013, 0x001A
SENDER_NAME, SENDER_EMAIL, SENDER_ADDRTYPE, SUBMIT_TIME = 0x0C1A, 0x0C1F, 0x0C1E, 0x0039
RECIPIENT_TYPE, DISPLAY_NAME, ADDRTYPE, EMAIL, SMTP = 0x0C15, 0x3001, 0x3002, 0x3003, 0x39FE
ATTACH_DATA, ATTACH_FILENAME, ATTACH_METHOD, ATTACH_LONG_FILENAME, ATTACH_MIME = 0x3701, 0x3704, 0x3705, 0x3707, 0x370E
MESSAGE_ID, CODEPAGE = 0x1035, 0x3FDE


def _bytes(ptype, value):
    if ptype == UNICODE:
        return value.encode("utf-16-le")
    if ptype == INT32:
        return struct.pack("<I", value)
    if ptype == TIME:  # seconds since 1970 -> FILETIME
        return struct.pack("<Q", (value + 11644473600) * 10000000)
    return value


def _stream(parent, name, data):
    out = parent.new_child(name, False)
    out.write(data)
    out.close()


def _props(parent, props, header, recips=0, atts=0):
    stream = bytearray(header)
    if header >= 24:
        stream[8:24] = struct.pack("<IIII", recips, atts, recips, atts)
    for pid, ptype, value in props:
        tag = (pid << 16) | ptype
        data = _bytes(ptype, value)
        if ptype in (INT32, TIME):
            stream += struct.pack("<II", tag, 6) + data.ljust(8, b"\0")
        else:
            extra = 2 if ptype == UNICODE else 1 if ptype == STRING8 else 0
            stream += struct.pack("<IIII", tag, 6, len(data) + extra, 0)
            _stream(parent, "__substg1.0_%08X" % tag, data)
    _stream(parent, "__properties_version1.0", bytes(stream))


def _node(parent, msg, top):
    recips, atts = msg.get("recipients", []), msg.get("attachments", [])
    _props(parent, msg["props"], 32 if top else 24, len(recips), len(atts))
    for i, r in enumerate(recips):
        sub = parent.new_child("__recip_version1.0_#%08X" % i, True)
        _props(sub, r, 8)
        sub.close()
    for i, a in enumerate(atts):
        sub = parent.new_child("__attach_version1.0_#%08X" % i, True)
        _props(sub, a["props"], 8)
        if a.get("embedded"):
            inner = sub.new_child("__substg1.0_3701000D", True)
            _node(inner, a["embedded"], False)
            inner.close()
        sub.close()


def write_msg(path, msg):
    out = Gsf.OutputStdio.new(path)
    ole = Gsf.OutfileMSOle.new(out)
    _node(ole, msg, True)
    ole.close()


def mail(subject, sender, to, body=None, html=None, attachments=(), cc=(), submit=1700000000, message_id=None):
    """A message dict: `to`/`cc` as (name, address) pairs, attachments as
    (name, mime type, bytes) or ("", None, <embedded message dict>)."""
    props = [(MESSAGE_CLASS, UNICODE, "IPM.Note"), (SUBJECT, UNICODE, subject), (SENDER_NAME, UNICODE, sender[0]),
             (SENDER_EMAIL, UNICODE, sender[1]), (SENDER_ADDRTYPE, UNICODE, "SMTP"), (SUBMIT_TIME, TIME, submit),
             (CODEPAGE, INT32, 65001)]
    if body is not None:
        props.append((BODY, UNICODE, body))
    if html is not None:
        props.append((HTML, BINARY, html.encode("utf-8")))
    if message_id:
        props.append((MESSAGE_ID, UNICODE, message_id))
    recips = [[(RECIPIENT_TYPE, INT32, kind), (DISPLAY_NAME, UNICODE, n), (ADDRTYPE, UNICODE, "SMTP"),
               (EMAIL, UNICODE, a)] for kind, people in ((1, to), (2, cc)) for n, a in people]
    atts = []
    for name, mime, data in attachments:
        if isinstance(data, dict):
            atts.append({"props": [(ATTACH_METHOD, INT32, 5), (DISPLAY_NAME, UNICODE, name or "message")],
                         "embedded": data})
        else:
            p = [(ATTACH_METHOD, INT32, 1), (ATTACH_LONG_FILENAME, UNICODE, name), (ATTACH_DATA, BINARY, data)]
            if mime:
                p.append((ATTACH_MIME, UNICODE, mime))
            atts.append({"props": p})
    return {"props": props, "recipients": recips, "attachments": atts}
