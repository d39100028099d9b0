// Your Settings' logic (src/account.js): finding one's own record, the
// checks of the forms, and changing one's own password with a fake login
// and a fake SetSystemAdministratorPassword: the current password is proven
// first, nothing changes when it is wrong, and the session is renewed.
import { test } from "node:test";
import assert from "node:assert/strict";
import { changeOwnPassword, findSelf, hasProblem, loginProblem, passwordProblems, profileProblems } from "../src/account.js";

test("one's own record, names without case", () => {
  const admins = [{ userName: "root" }, { userName: "Admin", fullName: "A" }];
  assert.equal(findSelf(admins, "admin").fullName, "A");
  assert.equal(findSelf(admins, "nobody"), null);
  assert.equal(findSelf(null, "admin"), null);
});

test("the profile: e-mail address and length of the name", () => {
  assert.deepEqual(profileProblems({ fullName: "Ada", emailAddress: "ada@example.com" }), { fullName: null, emailAddress: null });
  assert.deepEqual(profileProblems({ fullName: "", emailAddress: "" }), { fullName: null, emailAddress: null });
  assert.deepEqual(profileProblems({ fullName: "x".repeat(257), emailAddress: "nope" }),
                   { fullName: { key: "fullNameTooLong" }, emailAddress: { key: "emailInvalid" } });
});

test("the password form: current given, the server's rule, not the same, repeated", () => {
  const ok = passwordProblems({ current: "Old-Password-1", next: "New-Password-2", repeat: "New-Password-2" }, "admin");
  assert.equal(hasProblem(ok), false);
  assert.deepEqual(passwordProblems({ current: "", next: "short", repeat: "x" }, "admin"),
                   { current: { key: "ysCurrentEmpty" }, next: { key: "passwordTooShort" }, repeat: { key: "passwordsDiffer" } });
  assert.deepEqual(passwordProblems({ current: "Same-Password-1", next: "Same-Password-1", repeat: "Same-Password-1" }, "admin").next,
                   { key: "ysPasswordSame" });
  assert.deepEqual(passwordProblems({ current: "a", next: "alllowercaseletters", repeat: "alllowercaseletters" }, "admin").next,
                   { key: "passwordWeak" });
});

test("what a refused login of the current password means", () => {
  assert.deepEqual(loginProblem({ ok: false, status: 401, error: "Wrong user name or password." }), { key: "ysCurrentWrong" });
  assert.deepEqual(loginProblem({ ok: false, status: 429, retryAfterSeconds: 8 }), { key: "ysThrottled", n: 8 });
  assert.deepEqual(loginProblem({ ok: false, status: 500, error: "boom" }), { key: "ysLoginFailed", detail: "boom" });
});

function fakes({ password = "Old-Password-1", failRenewal = false, refuseSet = null } = {}) {
  const log = [];
  let stored = password;
  return {
    log,
    login: async (user, pw) => {
      log.push(["login", user, pw]);
      if (failRenewal && pw !== password) return { ok: false, status: 429, retryAfterSeconds: 5 };
      return pw === stored ? { ok: true, userName: user } : { ok: false, status: 401, error: "Wrong user name or password." };
    },
    setPassword: async (user, pw) => {
      log.push(["set", user, pw]);
      if (refuseSet) throw new Error(refuseSet);
      stored = pw;
    },
  };
}

test("changing one's password: proven, set, session renewed", async () => {
  const f = fakes();
  const r = await changeOwnPassword({ ...f, user: "admin", current: "Old-Password-1", next: "New-Password-2" });
  assert.deepEqual(r, { ok: true, renewed: true });
  assert.deepEqual(f.log, [["login", "admin", "Old-Password-1"], ["set", "admin", "New-Password-2"],
                           ["login", "admin", "New-Password-2"]]);
});

test("a wrong current password changes nothing", async () => {
  const f = fakes();
  const r = await changeOwnPassword({ ...f, user: "admin", current: "Guess-Word-9", next: "New-Password-2" });
  assert.deepEqual(r, { ok: false, problem: { key: "ysCurrentWrong" } });
  assert.deepEqual(f.log, [["login", "admin", "Guess-Word-9"]]);
});

test("the server's refusal of the new password is thrown with its message", async () => {
  const f = fakes({ refuseSet: "The password is too weak." });
  await assert.rejects(changeOwnPassword({ ...f, user: "admin", current: "Old-Password-1", next: "New-Password-2" }),
                       /too weak/);
});

test("a failed renewal is reported, not thrown (the next call asks for the password)", async () => {
  const f = fakes({ failRenewal: true });
  const r = await changeOwnPassword({ ...f, user: "admin", current: "Old-Password-1", next: "New-Password-2" });
  assert.deepEqual(r, { ok: true, renewed: false });
  const thrower = { login: async (u, pw) => { if (pw === "New-Password-2") throw new Error("network"); return { ok: true }; },
                    setPassword: async () => {} };
  assert.deepEqual(await changeOwnPassword({ ...thrower, user: "a", current: "x", next: "New-Password-2" }),
                   { ok: true, renewed: false });
});

test("with MFA the password step's ticket proves the current password; the new session needs a code", async () => {
  const log = [];
  let stored = "Old-Password-1";
  const mfa = { step: "mfaRequired", ticket: "t".repeat(64) };
  const login = async (user, pw) => {
    log.push(["login", pw]);
    return pw === stored ? { ok: false, status: 200, mfa } : { ok: false, status: 401, error: "Wrong." };
  };
  const setPassword = async (user, pw) => { log.push(["set", pw]); stored = pw; };
  assert.deepEqual(await changeOwnPassword({ login, setPassword, user: "admin", current: "Wrong-1", next: "New-Password-2" }),
                   { ok: false, problem: { key: "ysCurrentWrong" } });
  assert.deepEqual(await changeOwnPassword({ login, setPassword, user: "admin", current: "Old-Password-1", next: "New-Password-2" }),
                   { ok: true, renewed: false });
  assert.deepEqual(log, [["login", "Wrong-1"], ["login", "Old-Password-1"], ["set", "New-Password-2"], ["login", "New-Password-2"]]);
});
