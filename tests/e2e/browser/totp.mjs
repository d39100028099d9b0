// One-time codes for the browser scenarios (RFC 6238 as the platform uses
// it: HMAC-SHA-1, 6 digits, 30 s steps, ±1 step), computed with node's
// crypto from the base32 secret a page showed. Used by console_mfa.mjs and
// web_mfa.mjs.
import crypto from "node:crypto";

export function base32Decode(textIn) {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  let bits = 0, value = 0;
  const out = [];
  for (const c of textIn.replace(/[\s=]/g, "").toUpperCase()) {
    const v = alphabet.indexOf(c);
    if (v < 0) throw new Error(`not base32: ${c}`);
    value = (value << 5) | v;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
      value &= (1 << bits) - 1;
    }
  }
  return Buffer.from(out);
}

export function totp(secret, step) {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(step));
  const mac = crypto.createHmac("sha1", base32Decode(secret)).update(counter).digest();
  const offset = mac[mac.length - 1] & 0x0f;
  return String((mac.readUInt32BE(offset) & 0x7fffffff) % 1000000).padStart(6, "0");
}

export const currentStep = () => Math.floor(Date.now() / 1000 / 30);

// Fresh codes of one secret: each of a later step than the last (the server
// takes a step once), inside its window of ±1 step; waits for the clock when
// the next step lies ahead (polling, at most 70 s). `lastStep`: the step of
// the last code used already (a scenario run in parts passes it on).
export function codes(secret, lastStep = null) {
  let last = lastStep;
  return {
    async next() {
      const deadline = Date.now() + 70000;
      for (;;) {
        const now = currentStep();
        const step = last === null ? now - 1 : Math.max(last + 1, now - 1);
        if (step <= now + 1) {
          last = step;
          return totp(secret, step);
        }
        if (Date.now() > deadline) throw new Error("the clock did not move on");
        await new Promise((r) => setTimeout(r, 200));
      }
    },
    used: () => totp(secret, last),
    lastStep: () => last,
    wrong: () => String((Number(totp(secret, currentStep())) + 500000) % 1000000).padStart(6, "0"),
  };
}
