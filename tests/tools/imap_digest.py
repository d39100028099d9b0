"""What an IMAP account holds, to compare two reads of it: {mailbox: sorted sha256 of each message}."""
import hashlib


def mailbox_digests(m):
    """Reads every non-empty mailbox of the logged-in imaplib connection `m` (read-only)."""
    out = {}
    for line in m.list()[1]:
        name = line.decode().rsplit(' "/" ', 1)[-1].strip('"')
        typ, data = m.select('"%s"' % name, readonly=True)
        if typ != "OK" or int(data[0]) == 0:
            continue
        typ, data = m.fetch("1:*", "(BODY.PEEK[])")
        out[name] = sorted(hashlib.sha256(item[1]).hexdigest() for item in data if isinstance(item, tuple))
    return out
