"""RFC 6238 time-based one-time codes, as an authenticator app computes
them from the secret a set-up step showed (HMAC-SHA-1, 6 digits, 30-second
steps), for the tests of multi-factor login."""
import base64
import hashlib
import hmac
import struct
import time


def totp(secret_b32, step, digits=6):
    """RFC 6238 with HMAC-SHA-1: the code of time step `step` (Unix time // 30)."""
    key = base64.b32decode(secret_b32 + "=" * (-len(secret_b32) % 8))
    mac = hmac.new(key, struct.pack(">Q", step), hashlib.sha1).digest()
    offset = mac[-1] & 0x0F
    number = (struct.unpack(">I", mac[offset:offset + 4])[0] & 0x7FFFFFFF) % 10 ** digits
    return "%0*d" % (digits, number)


def current_step():
    return int(time.time()) // 30


class Codes:
    """Fresh codes of one secret: each of a later step than the one before
    (the server accepts a step once), within the server's window of ±1 step
    with at least 10 s of it left;
    waits (polling the clock, at most 70 s) when the next step lies ahead."""

    def __init__(self, secret):
        self.secret = secret
        self.last = None

    def next(self):
        deadline = time.time() + 70
        while True:
            now = time.time()
            # The previous step's code is accepted to the end of this step: take it only while
            # at least 10 s of that remain, so the code is still good when the server looks.
            earliest = int(now) // 30 - (1 if now % 30 < 20 else 0)
            step = earliest if self.last is None else max(self.last + 1, earliest)
            if step <= current_step() + 1:
                self.last = step
                return totp(self.secret, step)
            if time.time() > deadline:
                raise AssertionError("the clock did not reach step %d" % step)
            time.sleep(0.2)

    def used(self):
        return totp(self.secret, self.last)
