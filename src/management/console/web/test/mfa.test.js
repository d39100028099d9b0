// Multi-factor login's pieces in the console (src/mfa.js): codes as typed,
// the secret in groups, the status badges and the API password's date.
import { test } from "node:test";
import assert from "node:assert/strict";
import { codeProblem, groupSecret, loginInfoOf, mfaBadge, normalizeCode } from "../src/mfa.js";

test("a code: six digits, spaces as apps show them are fine", () => {
  assert.equal(normalizeCode(" 123 456 "), "123456");
  assert.equal(normalizeCode("123\u202f456"), "123456");
  assert.equal(codeProblem("123456"), null);
  assert.equal(codeProblem("123 456"), null);
  assert.deepEqual(codeProblem(""), { key: "mfaCodeEmpty" });
  assert.deepEqual(codeProblem("   "), { key: "mfaCodeEmpty" });
  for (const bad of ["12345", "1234567", "12345a", "١٢٣٤٥٦", "12-456"]) assert.deepEqual(codeProblem(bad), { key: "mfaCodeInvalid" }, bad);
});

test("the secret in groups of four", () => {
  assert.equal(groupSecret("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"), "GEZD GNBV GY3T QOJQ GEZD GNBV GY3T QOJQ");
  assert.equal(groupSecret("ABCDE"), "ABCD E");
  assert.equal(groupSecret(""), "");
});

test("the status as a badge", () => {
  assert.deepEqual(mfaBadge("Active"), { kind: "active", key: "mfaActive" });
  assert.deepEqual(mfaBadge("Pending"), { kind: "safeMode", key: "mfaPending" });
  assert.deepEqual(mfaBadge("Disabled"), { kind: "stopped", key: "mfaDisabled" });
  assert.deepEqual(mfaBadge(undefined), { kind: "stopped", key: "mfaDisabled" });
});

test("one's own login info: the API password's date", () => {
  const list = [
    { userName: "Admin", mfaStatus: "Active", hasApiPassword: true, apiPasswordCreated: "2026-01-02T03:04:05Z" },
    { userName: "old", mfaStatus: "Disabled", hasApiPassword: true, apiPasswordCreated: null },
    { userName: "none", mfaStatus: "Pending", hasApiPassword: false, apiPasswordCreated: null },
  ];
  const me = loginInfoOf(list, "admin");
  assert.equal(me.mfaStatus, "Active");
  assert.equal(me.created.toISOString(), "2026-01-02T03:04:05.000Z");
  assert.deepEqual(loginInfoOf(list, "old"), { mfaStatus: "Disabled", hasApiPassword: true, created: null });
  assert.deepEqual(loginInfoOf(list, "none"), { mfaStatus: "Pending", hasApiPassword: false, created: null });
  assert.equal(loginInfoOf(list, "nobody"), null);
  assert.equal(loginInfoOf(null, "admin"), null);
});
