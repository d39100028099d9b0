// The console's API client against a fake fetch: envelope parsing (BOM),
// form bodies, the anti-CSRF header, a new login after 401, a fresh token
// after 403, non-envelope answers.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Api, ApiError, envelopeError, formBody, isEnvelope, normalizeMetadata, parseJsonText, resultOf } from "../src/api.js";

const ok = (result) => ({ error: null, token: null, statusVersion: 2, statusCode: "succeeded", percentProgress: null,
                          statusText: null, result, logOutput: null });
const failed = (message) => ({ ...ok(null), statusCode: "failed", error: { message, details: "d" } });

// A fetch that answers from a list of [status, text] and records each request.
function fakeFetch(answers) {
  const calls = [];
  const fn = async (url, init) => {
    calls.push({ url, ...init, headers: { ...init.headers } });
    const next = answers.shift();
    if (next instanceof Error) throw next;
    const [status, body] = next;
    return { status, text: async () => (typeof body === "string" ? body : JSON.stringify(body)) };
  };
  fn.calls = calls;
  return fn;
}

test("parseJsonText strips a UTF-8 BOM", () => {
  assert.deepEqual(parseJsonText("\ufeff{\"a\":1}"), { a: 1 });
  assert.deepEqual(parseJsonText("[1,2]"), [1, 2]);
});

test("parseJsonText names what it got when the answer is not JSON", () => {
  assert.throws(() => parseJsonText("<html>oops</html>"), (e) => e instanceof ApiError && e.code === "badAnswer" && /<html>oops/.test(e.message));
  assert.throws(() => parseJsonText(""), /empty/);
  assert.throws(() => parseJsonText("\ufeff"), /empty/);
});

test("formBody: strings, numbers, bools, JSON objects; null and undefined left out", () => {
  assert.equal(formBody({ a: "x y&z", n: 5, b: true, c: false, j: { k: [1, "ü"] }, u: undefined, z: null }),
               "a=x+y%26z&n=5&b=true&c=false&j=%7B%22k%22%3A%5B1%2C%22%C3%BC%22%5D%7D");
  assert.equal(formBody({}), "");
});

test("envelopeError and resultOf", () => {
  assert.equal(envelopeError(ok(1)), null);
  assert.equal(envelopeError(failed("The instance is running.")), "The instance is running.");
  assert.equal(envelopeError({ ...ok(null), statusCode: "failed", error: null }), "The function failed without a message.");
  assert.equal(envelopeError({ ...ok(null), statusCode: "running" }), null);
  assert.equal(resultOf(ok({ v: 1 })).v, 1);
  assert.throws(() => resultOf(failed("nope")), (e) => e.message === "nope" && e.details === "d" && e.code === "failed");
  assert.equal(isEnvelope(ok(null)), true);
  assert.equal(isEnvelope([]), false);
});

test("invoke posts the form with the anti-CSRF token and returns the envelope (with BOM)", async () => {
  const fetchFn = fakeFetch([[200, "\ufeff" + JSON.stringify(ok([{ instanceID: "acme" }]))]]);
  const api = new Api({ fetchFn });
  api.csrfToken = "tok";
  const env = await api.invoke("GetInstances", { instanceFilter: "*" });
  assert.deepEqual(env.result, [{ instanceID: "acme" }]);
  const c = fetchFn.calls[0];
  assert.equal(c.url, "/api/invoke/GetInstances");
  assert.equal(c.method, "POST");
  assert.equal(c.body, "instanceFilter=*");  // * needs no escape in a form
  assert.equal(c.headers["X-AntiXsrfToken"], "tok");
  assert.match(c.headers["Content-Type"], /^application\/x-www-form-urlencoded/);
});

test("a failed function is an envelope, not an exception", async () => {
  const api = new Api({ fetchFn: fakeFetch([[200, failed("There is no instance 'x'.")]]) });
  const env = await api.invoke("GetInstanceConfiguration", { instanceID: "x" });
  assert.equal(env.statusCode, "failed");
  assert.equal(envelopeError(env), "There is no instance 'x'.");
});

test("404 with an envelope (unknown function) is returned as the envelope", async () => {
  const api = new Api({ fetchFn: fakeFetch([[404, "\ufeff" + JSON.stringify(failed("Unknown function 'Nope'."))]]) });
  const env = await api.invoke("Nope");
  assert.equal(envelopeError(env), "Unknown function 'Nope'.");
});

test("a non-envelope error answer becomes an ApiError with the HTTP status and reason", async () => {
  const api = new Api({ fetchFn: fakeFetch([[500, "Internal trouble"]]) });
  await assert.rejects(api.invoke("Ping"), (e) => e.status === 500 && e.message === "HTTP 500: Internal trouble");
});

test("an unreachable server is a readable ApiError", async () => {
  const api = new Api({ fetchFn: fakeFetch([new TypeError("Failed to fetch")]) });
  await assert.rejects(api.invoke("Ping"), (e) => e.code === "network" && /could not be reached/.test(e.message));
});

test("401: the app is asked to log in again, then the call is sent once more", async () => {
  const fetchFn = fakeFetch([[401, "Unauthorized"], [200, ok("pong")]]);
  let asked = 0;
  const api = new Api({ fetchFn, onUnauthorized: async () => { asked += 1; api.csrfToken = "new"; } });
  api.csrfToken = "old";
  const env = await api.invoke("Ping");
  assert.equal(env.result, "pong");
  assert.equal(asked, 1);
  assert.equal(fetchFn.calls[1].headers["X-AntiXsrfToken"], "new");
});

test("401: calls that meet it together share one login", async () => {
  const fetchFn = fakeFetch([[401, ""], [401, ""], [200, ok(1)], [200, ok(2)]]);
  let asked = 0;
  let release;
  const api = new Api({ fetchFn, onUnauthorized: () => { asked += 1; return new Promise((r) => { release = r; }); } });
  const a = api.invoke("A");
  const b = api.invoke("B");
  await new Promise((r) => setTimeout(r, 10));
  release();
  const results = (await Promise.all([a, b])).map((e) => e.result).sort();
  assert.deepEqual(results, [1, 2]);
  assert.equal(asked, 1);
});

test("401 when the user gives up: the call fails", async () => {
  const api = new Api({ fetchFn: fakeFetch([[401, ""]]),
                        onUnauthorized: () => Promise.reject(new ApiError("You are not logged in.", { status: 401 })) });
  await assert.rejects(api.invoke("Ping"), /not logged in/);
});

test("403: the token is fetched again from /console/session and the call repeated", async () => {
  const fetchFn = fakeFetch([[403, "Forbidden"], [200, { userName: "admin", csrfToken: "fresh" }], [200, ok(null)]]);
  const api = new Api({ fetchFn });
  api.csrfToken = "stale";
  await api.invoke("Ping");
  assert.equal(fetchFn.calls[1].url, "/console/session");
  assert.equal(fetchFn.calls[1].method, "GET");
  assert.equal(fetchFn.calls[2].headers["X-AntiXsrfToken"], "fresh");
});

test("403 twice is an error, not a loop", async () => {
  const fetchFn = fakeFetch([[403, ""], [200, { userName: "a", csrfToken: "t" }], [403, ""]]);
  const api = new Api({ fetchFn });
  await assert.rejects(api.invoke("Ping"), (e) => e.status === 403);
});

test("login: 200 keeps the token, 401 and 429 are reported with the server's words", async () => {
  const fetchFn = fakeFetch([
    [401, { error: "The user name or password is wrong." }],
    [429, { error: "Too many failed logins.", retryAfterSeconds: 12 }],
    [200, { userName: "Admin", csrfToken: "c1" }],
  ]);
  const api = new Api({ fetchFn });
  assert.deepEqual(await api.login("admin", "x"), { ok: false, status: 401, error: "The user name or password is wrong.", retryAfterSeconds: null });
  assert.deepEqual(await api.login("admin", "x"), { ok: false, status: 429, error: "Too many failed logins.", retryAfterSeconds: 12 });
  const r = await api.login("admin", "right");
  assert.equal(r.ok, true);
  assert.equal(r.userName, "Admin");
  assert.equal(api.csrfToken, "c1");
  assert.deepEqual(JSON.parse(fetchFn.calls[0].body), { userName: "admin", password: "x" });
  assert.equal(fetchFn.calls[0].headers["Content-Type"], "application/json");
  assert.equal(fetchFn.calls[0].headers["X-AntiXsrfToken"], undefined);
});

test("login with MFA: the password step's ticket, then the code gives the session", async () => {
  const setup = { secret: "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", otpauthUri: "otpauth://totp/x", qrCode: "data:image/svg+xml;base64,PHN2Zy8+" };
  const ticket = "a".repeat(64);
  const fetchFn = fakeFetch([
    [200, { userName: "Admin", step: "mfaSetupRequired", ticket, expiresInSeconds: 300, setup }],
    [401, { error: "Wrong code." }],
    [429, { error: "Too many failed logins; try again in 2 s.", retryAfterSeconds: 2 }],
    [401, { error: "This login has expired or was used; enter your password again.", restart: true }],
    [200, { userName: "Admin", csrfToken: "c2" }],
  ]);
  const api = new Api({ fetchFn });
  const first = await api.login("admin", "right");
  assert.deepEqual(first, { ok: false, status: 200,
                            mfa: { step: "mfaSetupRequired", ticket, userName: "Admin", expiresInSeconds: 300, setup } });
  assert.equal(api.csrfToken, null);  // no session yet
  assert.deepEqual(await api.loginCode(ticket, "123456"),
                   { ok: false, status: 401, error: "Wrong code.", retryAfterSeconds: null, restart: false });
  assert.deepEqual(await api.loginCode(ticket, "123456"),
                   { ok: false, status: 429, error: "Too many failed logins; try again in 2 s.", retryAfterSeconds: 2, restart: false });
  assert.equal((await api.loginCode(ticket, "123456")).restart, true);
  const r = await api.loginCode(ticket, "654321");
  assert.equal(r.ok, true);
  assert.equal(api.csrfToken, "c2");
  assert.equal(fetchFn.calls[0].url, "/console/login");
  assert.equal(fetchFn.calls[1].url, "/console/login/mfa");
  assert.deepEqual(JSON.parse(fetchFn.calls[4].body), { ticket, code: "654321" });
  assert.equal(fetchFn.calls[4].headers["X-AntiXsrfToken"], undefined);
});

test("session: 200 is the session, 401 is none", async () => {
  const api = new Api({ fetchFn: fakeFetch([[200, { userName: "a", csrfToken: "t" }], [401, { error: "no" }]]) });
  assert.equal((await api.session()).userName, "a");
  assert.equal(api.csrfToken, "t");
  assert.equal(await api.session(), null);
});

test("logout sends the token and forgets it", async () => {
  const fetchFn = fakeFetch([[200, {}]]);
  const api = new Api({ fetchFn });
  api.csrfToken = "t";
  await api.logout();
  assert.equal(fetchFn.calls[0].url, "/console/logout");
  assert.equal(fetchFn.calls[0].headers["X-AntiXsrfToken"], "t");
  assert.equal(api.csrfToken, null);
});

test("get-status and cancel-async send the token and version", async () => {
  const fetchFn = fakeFetch([[200, { ...ok(null), statusCode: "running", token: "k", statusVersion: 3 }], [200, ok(null)]]);
  const api = new Api({ fetchFn });
  await api.getStatus("k", 2, 5000);
  assert.equal(fetchFn.calls[0].url, "/api/get-status");
  assert.equal(fetchFn.calls[0].body, "token=k&lastKnownStatusVersion=2&millisecondsTimeout=5000");
  await api.cancel("k");
  assert.equal(fetchFn.calls[1].url, "/api/cancel-async");
  assert.equal(fetchFn.calls[1].body, "token=k");
});

test("get-status 404 (expired token) is an ApiError with status 404 and the server's reason", async () => {
  const api = new Api({ fetchFn: fakeFetch([[404, "Session expired or wrong token."]]) });
  await assert.rejects(api.getStatus("k", 1), (e) => e.status === 404 && /Session expired/.test(e.message));
});

test("metadata: a bare list (BOM allowed), sorted, args checked", async () => {
  const list = [{ name: "Ping", args: [] }, { name: "GetUsers", args: [{ name: "instanceID", type: "string", nullable: false }] },
                { name: "", args: [] }, { nope: 1 }, { name: "X" }];
  const api = new Api({ fetchFn: fakeFetch([[200, "\ufeff" + JSON.stringify(list)]]) });
  const m = await api.metadata();
  assert.deepEqual(m.map((f) => f.name), ["GetUsers", "Ping", "X"]);
  assert.deepEqual(m[2].args, []);
  assert.equal(m[0].args[0].nullable, false);
});

test("normalizeMetadata gives every argument a type and a nullable flag", () => {
  const m = normalizeMetadata([{ name: "F", args: [{ name: "a" }, { name: "b", type: "bool", nullable: true }, null] }]);
  assert.deepEqual(m[0].args, [{ name: "a", type: "string", nullable: false }, { name: "b", type: "bool", nullable: true }]);
});
