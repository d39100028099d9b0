// The console's client of spe-management on the console port: the session
// endpoints (/console/login, /console/session, /console/logout) and the
// Management API itself (/api/invoke/<Function>, /api/get-status,
// /api/cancel-async, /api/get-metadata), authenticated by the session cookie
// plus the X-AntiXsrfToken header instead of HTTP Basic.
//
// Everything here is plain JavaScript without the DOM so `node --test` can
// check it with a fake fetch. The wire rules (PRODUCT-SPEC §1, docs/api.md):
// - arguments are form fields (application/x-www-form-urlencoded, UTF-8);
//   bool as true/false, json as JSON text, optional ones left out;
// - every answer of /api/* is the JSON envelope, which may start with a
//   UTF-8 BOM; a function's failure is HTTP 200 with statusCode "failed";
// - 401 means the session is gone (the app asks for the password again and
//   the request is sent once more, so the page keeps its state); 403 means
//   the anti-CSRF token was refused (the token is fetched again once).

/** An error a user can read: the API's message, or what went wrong on the way. */
export class ApiError extends Error {
  constructor(message, { status = 0, details = null, envelope = null, code = null } = {}) {
    super(message);
    this.name = "ApiError";
    this.status = status;      // HTTP status, 0 when the server was not reached
    this.details = details;    // the envelope's error.details, if any
    this.envelope = envelope;  // the failed envelope, if there was one
    this.code = code;          // "network", "badAnswer", "http", "failed"
  }
}

/** Parses an answer of the API: strips a leading BOM, then JSON. Throws ApiError("badAnswer"). */
export function parseJsonText(text) {
  const body = typeof text === "string" && text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  try {
    return JSON.parse(body);
  } catch {
    const shown = String(body ?? "").slice(0, 200);
    throw new ApiError(shown ? `The server's answer is not JSON: ${shown}` : "The server's answer was empty.",
                       { code: "badAnswer" });
  }
}

/** Whether `value` looks like the API's envelope. */
export function isEnvelope(value) {
  return value !== null && typeof value === "object" && !Array.isArray(value) &&
         "statusCode" in value && "error" in value;
}

/** The message of a failed envelope (error.message, else a generic line), or null when it did not fail. */
export function envelopeError(env) {
  if (!env || env.statusCode !== "failed") return null;
  const e = env.error;
  if (e && typeof e === "object" && e.message) return String(e.message);
  if (typeof e === "string" && e) return e;
  return "The function failed without a message.";
}

/** The form body of a call: one field per argument; undefined/null left out. */
export function formBody(args = {}) {
  const p = new URLSearchParams();
  for (const [name, value] of Object.entries(args)) {
    if (value === undefined || value === null) continue;
    if (typeof value === "boolean") p.append(name, value ? "true" : "false");
    else if (typeof value === "object") p.append(name, JSON.stringify(value));
    else p.append(name, String(value));
  }
  return p.toString();
}

const FORM = "application/x-www-form-urlencoded; charset=utf-8";

export class Api {
  /**
   * fetchFn: window.fetch or a fake. onUnauthorized(): called on a 401 of /api/*;
   * returns a promise that settles once the user logged in again (resolve: send
   * again; reject: give up with the reason). base: "" for the page's origin.
   */
  constructor({ fetchFn, onUnauthorized = null, base = "" } = {}) {
    this.fetchFn = fetchFn;
    this.onUnauthorized = onUnauthorized;
    this.base = base;
    this.csrfToken = null;
    this.userName = null;
    this.pendingLogin = null;  // one re-login shared by every request that met a 401
  }

  async raw(path, { method = "POST", body = null, contentType = null, csrf = true, signal } = {}) {
    const headers = { Accept: "application/json" };
    if (contentType) headers["Content-Type"] = contentType;
    if (csrf && this.csrfToken) headers["X-AntiXsrfToken"] = this.csrfToken;
    let response;
    try {
      response = await this.fetchFn(this.base + path, {
        method, headers, body: method === "GET" ? undefined : (body ?? ""), credentials: "same-origin", signal,
      });
    } catch (e) {
      if (e && e.name === "AbortError") throw e;
      throw new ApiError("The Management Server could not be reached.", { code: "network" });
    }
    const text = await response.text();
    return { status: response.status, text };
  }

  // ---- the session -------------------------------------------------------

  /**
   * The password step. {ok:true, userName, session} |
   * {ok:false, mfa:{step, ticket, userName, expiresInSeconds, setup?}} when an
   * administrator with multi-factor login must give a code next (step
   * "mfaRequired") or set it up first ("mfaSetupRequired", with setup:
   * {secret, otpauthUri, qrCode}) |
   * {ok:false, status, error, retryAfterSeconds}.
   */
  async login(userName, password) {
    const r = await this.raw("/console/login", {
      body: JSON.stringify({ userName, password }), contentType: "application/json", csrf: false,
    });
    const body = this.sessionOrRefusal(r, userName);
    if (!body.ok && r.status === 200 && body.answer && typeof body.answer.ticket === "string" &&
        (body.answer.step === "mfaRequired" || body.answer.step === "mfaSetupRequired")) {
      const a = body.answer;
      return {
        ok: false, status: 200,
        mfa: { step: a.step, ticket: a.ticket, userName: a.userName || userName, expiresInSeconds: a.expiresInSeconds ?? 300,
               setup: a.setup || null },
      };
    }
    delete body.answer;
    return body;
  }

  /**
   * The second step: the ticket of the password step and a one-time code.
   * {ok:true, userName, session} | {ok:false, status, error, retryAfterSeconds, restart}
   * (restart: the ticket is gone, the password must be given again).
   */
  async loginCode(ticket, code) {
    const r = await this.raw("/console/login/mfa", {
      body: JSON.stringify({ ticket, code }), contentType: "application/json", csrf: false,
    });
    const body = this.sessionOrRefusal(r, null);
    if (!body.ok) body.restart = Boolean(body.answer && body.answer.restart);
    delete body.answer;
    return body;
  }

  // A login answer: the session (kept) or the refusal; `answer` is the parsed body.
  sessionOrRefusal(r, userName) {
    let body = {};
    try { body = parseJsonText(r.text); } catch { body = {}; }
    if (r.status === 200 && body && body.csrfToken) {
      this.csrfToken = body.csrfToken;
      this.userName = body.userName || userName;
      return { ok: true, userName: this.userName, session: body };
    }
    return {
      ok: false, status: r.status, error: (body && body.error) || `HTTP ${r.status}`,
      retryAfterSeconds: body && Number.isFinite(body.retryAfterSeconds) ? body.retryAfterSeconds : null,
      answer: body && typeof body === "object" ? body : null,
    };
  }

  /** The live session ({userName, csrfToken, ...}) or null. Throws ApiError("network"). */
  async session() {
    const r = await this.raw("/console/session", { method: "GET", csrf: false });
    if (r.status !== 200) return null;
    const body = parseJsonText(r.text);
    if (!body || !body.csrfToken) return null;
    this.csrfToken = body.csrfToken;
    this.userName = body.userName;
    return body;
  }

  async logout() {
    try {
      await this.raw("/console/logout", { body: "", contentType: FORM });
    } finally {
      this.csrfToken = null;
      this.userName = null;
    }
  }

  // ---- the API -------------------------------------------------------------

  /**
   * Sends a request to /api/*: retries once after a new login (401) or a fresh
   * anti-CSRF token (403). Returns {status, text}.
   */
  async apiRequest(path, options, retried = false) {
    const r = await this.raw(path, options);
    if (r.status === 401 && !retried) {
      await this.reLogin();
      return this.apiRequest(path, options, true);
    }
    if (r.status === 403 && !retried) {
      const s = await this.session().catch(() => null);
      if (!s) await this.reLogin();
      return this.apiRequest(path, options, true);
    }
    if (r.status === 401 || r.status === 403) {
      throw new ApiError(r.status === 401 ? "You are not logged in." : "The request was refused (security token).",
                         { status: r.status, code: "http" });
    }
    return r;
  }

  reLogin() {
    if (!this.onUnauthorized) {
      return Promise.reject(new ApiError("You are not logged in.", { status: 401, code: "http" }));
    }
    if (!this.pendingLogin) {
      this.pendingLogin = Promise.resolve(this.onUnauthorized()).finally(() => { this.pendingLogin = null; });
    }
    return this.pendingLogin;
  }

  /** An envelope from an /api/* answer; a non-envelope answer becomes an ApiError. */
  envelopeFrom(r) {
    let value;
    try {
      value = parseJsonText(r.text);
    } catch (e) {
      if (r.status !== 200) throw new ApiError(httpLine(r), { status: r.status, code: "http" });
      throw e;
    }
    if (isEnvelope(value)) return value;
    if (r.status !== 200) throw new ApiError(httpLine(r), { status: r.status, code: "http" });
    throw new ApiError("The server's answer is not an envelope.", { status: r.status, code: "badAnswer" });
  }

  /** POST /api/invoke/<fn>: the envelope as answered (succeeded, failed or running). */
  async invoke(fn, args = {}, { signal } = {}) {
    const r = await this.apiRequest(`/api/invoke/${encodeURIComponent(fn)}`,
                                    { body: formBody(args), contentType: FORM, signal });
    return this.envelopeFrom(r);
  }

  /** POST /api/get-status: the long-poll. */
  async getStatus(token, lastKnownStatusVersion, millisecondsTimeout = 10000, { signal } = {}) {
    const r = await this.apiRequest("/api/get-status", {
      body: formBody({ token, lastKnownStatusVersion, millisecondsTimeout }), contentType: FORM, signal,
    });
    return this.envelopeFrom(r);
  }

  /** POST /api/cancel-async: the status right after the request (cancellation is cooperative). */
  async cancel(token) {
    const r = await this.apiRequest("/api/cancel-async", { body: formBody({ token }), contentType: FORM });
    return this.envelopeFrom(r);
  }

  /** GET /api/get-metadata: [{name, args:[{name, type, nullable}]}] sorted by name. */
  async metadata() {
    const r = await this.apiRequest("/api/get-metadata", { method: "GET" });
    if (r.status !== 200) throw new ApiError(httpLine(r), { status: r.status, code: "http" });
    const list = parseJsonText(r.text);
    if (!Array.isArray(list)) throw new ApiError("get-metadata did not answer a list.", { code: "badAnswer" });
    return normalizeMetadata(list);
  }
}

function httpLine(r) {
  let reason = "";
  try {
    const v = parseJsonText(r.text);
    reason = (v && (v.error?.message || (typeof v.error === "string" ? v.error : ""))) || "";
  } catch {
    reason = String(r.text || "").trim().slice(0, 200);
  }
  return reason ? `HTTP ${r.status}: ${reason}` : `HTTP ${r.status}`;
}

/** get-metadata's list, checked and sorted: bad entries dropped, args always an array. */
export function normalizeMetadata(list) {
  return list
    .filter((f) => f && typeof f.name === "string" && f.name)
    .map((f) => ({
      ...f,
      args: Array.isArray(f.args)
        ? f.args.filter((a) => a && typeof a.name === "string").map((a) => ({
            ...a, type: typeof a.type === "string" ? a.type : "string", nullable: a.nullable === true,
          }))
        : [],
    }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** The result of a succeeded envelope; throws ApiError with the API's message when it failed. */
export function resultOf(env) {
  const message = envelopeError(env);
  if (message !== null) {
    throw new ApiError(message, { details: env.error?.details ?? null, envelope: env, code: "failed" });
  }
  return env.result;
}
