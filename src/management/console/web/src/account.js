// Your Settings' logic (pages/settings.jsx), free of the DOM: the logged-in
// administrator's own record, the checks of the profile and password forms
// (the server's rules, validate.js), and changing one's own password
// without losing the console.
//
// The console server ends every session of an administrator whose password
// changed at its next request (console_server.cpp liveSession: the session
// remembers the hash it logged in with). So the page proves the current
// password first (a console login: wrong answers count as failed logins,
// like any other), sets the new one, and logs in again with it at once:
// the new session's cookie and anti-CSRF token replace the old ones, and
// the next call goes on as if nothing happened. If that last login fails
// (say, too many logins), the next call meets a 401 and the console asks
// for the password as it always does. For an administrator with
// multi-factor login the password step answers a ticket instead of a
// session: that proves the current password just as well, and the login
// with the new one cannot finish without a code, so the console asks for
// the password and the code at the next call (the re-login dialog).
import { emailProblem, passwordProblem } from "./validate.js";

/** The caller's own entry of GetSystemAdministrators (names compare without case), or null. */
export function findSelf(admins, user) {
  const me = String(user || "").toLowerCase();
  return (admins || []).find((a) => a && String(a.userName).toLowerCase() === me) || null;
}

const asKey = (k) => (k ? { key: k } : null);

/** {fullName, emailAddress}: each null or {key} of the catalogue. */
export function profileProblems({ fullName = "", emailAddress = "" }) {
  return {
    fullName: fullName.length > 256 ? { key: "fullNameTooLong" } : null,
    emailAddress: asKey(emailProblem(emailAddress)),
  };
}

/** {current, next, repeat}: each null or {key} of the catalogue. */
export function passwordProblems({ current = "", next = "", repeat = "" }, user) {
  let nextProblem = asKey(passwordProblem(next, user));
  if (!nextProblem && next === current) nextProblem = { key: "ysPasswordSame" };
  return {
    current: current ? null : { key: "ysCurrentEmpty" },
    next: nextProblem,
    repeat: repeat === next ? null : { key: "passwordsDiffer" },
  };
}

export const hasProblem = (problems) => Object.values(problems).some(Boolean);

/** What a refused login of the current password means: {key, n?}. */
export function loginProblem(r) {
  if (r.status === 401) return { key: "ysCurrentWrong" };
  if (r.status === 429) return { key: "ysThrottled", n: r.retryAfterSeconds ?? 30 };
  return { key: "ysLoginFailed", detail: r.error || "" };
}

/**
 * Changes the caller's own password: login(user, password) is Api.login,
 * setPassword(user, password) invokes SetSystemAdministratorPassword (it
 * throws the API's error). Returns {ok: false, problem} when the current
 * password was not accepted (nothing changed), else {ok: true, renewed}:
 * renewed is false when the new session could not be opened at once.
 */
export async function changeOwnPassword({ login, setPassword, user, current, next }) {
  const check = await login(user, current);
  if (!check.ok && !check.mfa) return { ok: false, problem: loginProblem(check) };
  await setPassword(user, next);
  let renewed = false;
  try {
    renewed = (await login(user, next)).ok;
  } catch {
    renewed = false;  // the next call asks for the password
  }
  return { ok: true, renewed };
}
