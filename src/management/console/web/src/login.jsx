// The login form: a system administrator's name and password, the server's
// error in place, and the wait after too many failed logins (429 with
// retryAfterSeconds) counted down. For an administrator with multi-factor
// login the password step answers a ticket instead of a session, and the
// form goes on to the second step (CodeStep): the 6-digit code of the
// authenticator app, or, while the set-up is pending, first the QR code
// and the secret as text to add the account to the app. A refused code shows
// in place; when the ticket is gone (too many wrong codes, expired, MFA
// changed) the form goes back to the password with the server's words.
import { useEffect, useRef, useState } from "preact/hooks";
import "./login.css";
import { codeProblem, groupSecret, normalizeCode } from "./mfa.js";
import { CopyButton, messageOf, useApp } from "./ui.jsx";

// The wait after a 429: seconds left, counted down; start(n) begins one.
function useWait() {
  const [waitUntil, setWaitUntil] = useState(0);
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    if (waitUntil <= now) return undefined;
    const timer = setTimeout(() => setNow(Date.now()), 250);
    return () => clearTimeout(timer);
  }, [waitUntil, now]);
  return {
    seconds: Math.max(0, Math.ceil((waitUntil - now) / 1000)),
    start(n) {
      setWaitUntil(Date.now() + n * 1000);
      setNow(Date.now());
    },
  };
}

function LoginError({ error }) {
  if (!error) return null;
  return (
    <div id="login-error" class="note error" role="alert">
      <span class="note-icon" aria-hidden="true">!</span>
      <span class="note-text">{error}</span>
    </div>
  );
}

export function LoginForm({ presetUser = "", onLoggedIn, embedded = false }) {
  const { t, api } = useApp();
  const [userName, setUserName] = useState(presetUser || "");
  const [password, setPassword] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState("");
  const [mfa, setMfa] = useState(null);  // the password step's answer for an account with MFA
  const wait = useWait();
  const userRef = useRef(null);
  const passwordRef = useRef(null);

  useEffect(() => {
    if (!mfa) (presetUser ? passwordRef : userRef).current?.focus();
  }, [mfa]);

  const submit = async (e) => {
    e.preventDefault();
    if (busy || wait.seconds > 0) return;
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
      if (r.mfa) {
        setPassword("");
        setMfa(r.mfa);
        return;
      }
      if (r.status === 429) {
        const seconds = r.retryAfterSeconds ?? 30;
        wait.start(seconds);
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

  if (mfa) {
    return <CodeStep mfa={mfa} embedded={embedded} onLoggedIn={onLoggedIn}
                     onRestart={(message) => { setMfa(null); setError(message || ""); }} />;
  }
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
      <LoginError error={error} />
      <button id="login-button" class="primary block" type="submit" disabled={busy || wait.seconds > 0}>
        {busy ? t("loggingIn") : wait.seconds > 0 ? t("loginWaitButton", { n: wait.seconds }) : t("logIn")}
      </button>
    </form>
  );
}

// The second step: the code (and, for a pending set-up, what to scan first).
function CodeStep({ mfa, embedded, onLoggedIn, onRestart }) {
  const { t, api } = useApp();
  const [code, setCode] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState("");
  const wait = useWait();
  const codeRef = useRef(null);
  const titleRef = useRef(null);
  const setup = mfa.step === "mfaSetupRequired" ? mfa.setup : null;

  useEffect(() => {
    // The set-up starts at its heading (a screen reader reads the steps from there); a code step at the field.
    (setup ? titleRef : codeRef).current?.focus();
  }, []);

  const submit = async (e) => {
    e.preventDefault();
    if (busy || wait.seconds > 0) return;
    const problem = codeProblem(code);
    if (problem) {
      setError(t(problem.key));
      codeRef.current?.focus();
      return;
    }
    setBusy(true);
    setError("");
    try {
      const r = await api.loginCode(mfa.ticket, normalizeCode(code));
      if (r.ok) {
        onLoggedIn(r.userName, r.session);
        return;
      }
      if (r.restart) {
        onRestart(r.error);
        return;
      }
      if (r.status === 429) {
        const seconds = r.retryAfterSeconds ?? 30;
        wait.start(seconds);
        setError(t("loginThrottled", { n: seconds }));
      } else {
        setError(r.status === 401 && r.error && r.error !== "HTTP 401" ? r.error : r.error || t("loginFailed"));
      }
      setCode("");
      codeRef.current?.focus();
    } catch (err) {
      setError(messageOf(err, t));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class={"login-form mfa-step" + (embedded ? " embedded" : "") + (setup ? " mfa-setup" : "")}
          onSubmit={submit} noValidate aria-labelledby="mfa-title">
      <h2 id="mfa-title" tabIndex={-1} ref={titleRef}>
        {setup ? t("mfaSetupTitle") : t("mfaCodeTitle")}
      </h2>
      {setup ? (
        <ol class="mfa-setup-steps">
          <li>{t("mfaSetupApp")}</li>
          <li>
            {t("mfaSetupScan")}
            <img id="mfa-qr" class="mfa-qr" src={setup.qrCode} alt={t("mfaQrAlt", { user: mfa.userName })}
                 width="196" height="196" />
          </li>
          <li>
            {t("mfaSetupType")}
            <div class="secret-box mfa-secret">
              <code id="mfa-secret" aria-label={t("mfaSecretLabel")}>{groupSecret(setup.secret)}</code>
              <CopyButton text={setup.secret} label={t("mfaCopySecret")} />
            </div>
          </li>
          <li>{t("mfaSetupConfirm")}</li>
        </ol>
      ) : (
        <p class="hint">{t("mfaCodeIntro", { user: mfa.userName })}</p>
      )}
      <div class="field">
        <label for="login-code">{t("mfaCode")}</label>
        <input id="login-code" ref={codeRef} name="one-time-code" autocomplete="one-time-code" inputMode="numeric"
               maxLength={9} value={code} onInput={(e) => setCode(e.currentTarget.value)} spellcheck={false}
               aria-invalid={error ? "true" : undefined} aria-describedby={error ? "login-error mfa-code-hint" : "mfa-code-hint"} />
        <p id="mfa-code-hint" class="hint">{t("mfaCodeHint")}</p>
      </div>
      <LoginError error={error} />
      <button id="login-code-button" class="primary block" type="submit" disabled={busy || wait.seconds > 0}>
        {busy ? t("loggingIn") : wait.seconds > 0 ? t("loginWaitButton", { n: wait.seconds })
              : setup ? t("mfaConfirmAndLogIn") : t("mfaVerify")}
      </button>
      <button id="login-back" class="ghost block" type="button" onClick={() => onRestart("")} disabled={busy}>
        {t("mfaBack")}
      </button>
    </form>
  );
}
