// The login form: a system administrator's name and password, the server's
// error in place, and the wait after too many failed logins (429 with
// retryAfterSeconds) counted down. Built as steps so a second factor (MFA,
// a later issue) can follow the password step.
import { useEffect, useRef, useState } from "preact/hooks";
import { messageOf, useApp } from "./ui.jsx";

export function LoginForm({ presetUser = "", onLoggedIn, embedded = false }) {
  const { t, api } = useApp();
  const [userName, setUserName] = useState(presetUser || "");
  const [password, setPassword] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState("");
  const [waitUntil, setWaitUntil] = useState(0);
  const [now, setNow] = useState(Date.now());
  const userRef = useRef(null);
  const passwordRef = useRef(null);

  useEffect(() => {
    (presetUser ? passwordRef : userRef).current?.focus();
  }, []);
  useEffect(() => {
    if (waitUntil <= now) return undefined;
    const timer = setTimeout(() => setNow(Date.now()), 250);
    return () => clearTimeout(timer);
  }, [waitUntil, now]);

  const waitSeconds = Math.max(0, Math.ceil((waitUntil - now) / 1000));
  const submit = async (e) => {
    e.preventDefault();
    if (busy || waitSeconds > 0) return;
    if (!userName.trim() || !password) {
      setError(t("loginMissing"));
      return;
    }
    setBusy(true);
    setError("");
    try {
      const r = await api.login(userName.trim(), password);
      if (r.ok) {
        setPassword("");
        onLoggedIn(r.userName, r.session);
        return;
      }
      if (r.status === 429) {
        const seconds = r.retryAfterSeconds ?? 30;
        setWaitUntil(Date.now() + seconds * 1000);
        setNow(Date.now());
        setError(t("loginThrottled", { n: seconds }));  // said once; the button counts down
      } else if (r.status === 401) {
        setError(r.error && r.error !== "HTTP 401" ? r.error : t("loginRefused"));
        passwordRef.current?.select();
      } else {
        setError(r.error || t("loginFailed"));
      }
    } catch (err) {
      setError(messageOf(err, t));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class={"login-form" + (embedded ? " embedded" : "")} onSubmit={submit} noValidate>
      <div class="field">
        <label for="login-user">{t("userName")}</label>
        <input id="login-user" ref={userRef} name="username" autocomplete="username" value={userName}
               onInput={(e) => setUserName(e.currentTarget.value)} aria-invalid={error ? "true" : undefined}
               aria-describedby={error ? "login-error" : undefined} autocapitalize="off" spellcheck={false} />
      </div>
      <div class="field">
        <label for="login-password">{t("password")}</label>
        <input id="login-password" ref={passwordRef} name="password" type="password" autocomplete="current-password"
               value={password} onInput={(e) => setPassword(e.currentTarget.value)}
               aria-invalid={error ? "true" : undefined} aria-describedby={error ? "login-error" : undefined} />
      </div>
      {error && (
        <div id="login-error" class="note error" role="alert">
          <span class="note-icon" aria-hidden="true">!</span>
          <span class="note-text">{error}</span>
        </div>
      )}
      <button id="login-button" class="primary block" type="submit" disabled={busy || waitSeconds > 0}>
        {busy ? t("loggingIn") : waitSeconds > 0 ? t("loginWaitButton", { n: waitSeconds }) : t("logIn")}
      </button>
    </form>
  );
}
