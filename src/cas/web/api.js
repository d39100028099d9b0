// The API client: JSON to ./api/<op> (the CAS passes every request to the
// instance). The session is an HttpOnly cookie; every request but login
// carries the CSRF token the instance gave at login (X-CSRF-Token, or csrf=
// in download links). A refusal becomes an Error whose message is the text
// for its code in the chosen language (i18n.js errorText); it keeps the
// status, the code and the params.
import { errorText, t } from "./i18n.js";
import { app } from "./state.js";

const base = location.pathname.replace(/\/+$/, "") + "/";  // /<instance>/
let sessionEnded = () => {};
// A 401 means the session is gone, except for the login's own steps and
// for a wrong password or code asked inside a session (changePassword).
const BEFORE_SESSION = new Set(["login", "loginMfa", "session"]);
const NOT_THE_SESSION = new Set(["wrongPassword", "wrongMfaCode"]);

// `handler(message)` runs when a request finds the session gone (401).
export function onSessionEnded(handler) { sessionEnded = handler; }

export async function api(op, body = {}) {
  let res;
  try {
    res = await fetch(base + "api/" + op, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": app.csrf },
      body: JSON.stringify(body),
    });
  } catch (e) {
    throw new Error(t("networkError"));
  }
  let data = {};
  try { data = await res.json(); } catch (e) { data = { error: t("unreadableAnswer") }; }
  if (!data || typeof data !== "object") data = {};
  if (res.status === 401 && !BEFORE_SESSION.has(op) && !NOT_THE_SESSION.has(data.code)) sessionEnded(t("sessionEnded"));
  if (!res.ok) {
    const err = new Error(errorText(data, t("requestFailed", { status: res.status })));
    err.status = res.status;
    err.code = data.code;
    err.params = data.params && typeof data.params === "object" ? data.params : {};
    throw err;
  }
  return data;
}

export function downloadUrl(op, params) {
  return base + "api/" + op + "?" + new URLSearchParams({ ...params, csrf: app.csrf }).toString();
}
