// System → Your Settings: the logged-in administrator's own account.
// Profile: full name and e-mail address (SetSystemAdministratorConfiguration
// on oneself; the record from GetSystemAdministrators). Password: the
// current one proven by a console login, then SetSystemAdministratorPassword,
// then a login with the new one so the console goes on with a new session
// (account.js says why). Multi-factor login: the status (GetSystemAdministrators),
// set it up or make a new secret (InitializeSystemAdministratorMFA on
// oneself, which ends this session: the page asks for the login with the
// set-up step at once) or turn it off (DeactivateSystemAdministratorMFA).
// API password: when it was made (GetSystemAdministratorLoginInfo, an
// extension), CreateSystemAdministratorAPIPassword after asking, shown once.
// Language: the console's, kept in this browser.
import { useState } from "preact/hooks";
import "./settings.css";
import { changeOwnPassword, findSelf, hasProblem, passwordProblems, profileProblems } from "../account.js";
import { LANGUAGES } from "../i18n.js";
import { LoginForm } from "../login.jsx";
import { loginInfoOf, mfaBadge } from "../mfa.js";
import { Badge, ConfirmDialog, CopyButton, Dialog, ErrorNote, Loading, Notice, PageHeader, focusFirstProblem, useApp,
         useCall, useLoad } from "../ui.jsx";
import { TextField } from "./wizard.jsx";

export function YourSettings() {
  const { t, user, hasFn } = useApp();
  const call = useCall();
  const admins = useLoad(() => call("GetSystemAdministrators"), []);
  const info = useLoad(() => (hasFn("GetSystemAdministratorLoginInfo") ? call("GetSystemAdministratorLoginInfo") : null), []);
  const me = admins.data ? findSelf(admins.data, user) : null;
  const mine = loginInfoOf(info.data, user);
  const reload = () => { admins.reload(); info.reload(); };
  return (
    <div class="page your-settings">
      <PageHeader title={t("navSettings")} subtitle={t("ysSubtitle", { user })} />
      <div class="ys-grid">
        <ProfilePanel admins={admins} />
        {hasFn("SetSystemAdministratorPassword") && <PasswordPanel />}
        {me && (hasFn("InitializeSystemAdministratorMFA") || hasFn("DeactivateSystemAdministratorMFA")) &&
          <MfaPanel status={me.mfaStatus} noApiPassword={Boolean(mine && !mine.hasApiPassword)} onChanged={reload} />}
        {hasFn("CreateSystemAdministratorAPIPassword") && <ApiPasswordPanel mine={mine} onCreated={info.reload} />}
        <LanguagePanel />
      </div>
    </div>
  );
}

function ProfilePanel({ admins }) {
  const { t, user, hasFn } = useApp();
  const me = admins.data ? findSelf(admins.data, user) : null;
  return (
    <section class="panel ys-panel" aria-labelledby="ys-profile-title">
      <h2 id="ys-profile-title">{t("ysProfile")}</h2>
      <ErrorNote error={admins.error} />
      {admins.loading && !admins.data ? <Loading /> : admins.data && (me
        ? <ProfileForm key={me.userName} me={me}
                       canSave={hasFn("SetSystemAdministratorConfiguration")} onSaved={admins.reload} />
        : <p class="muted">{t("ysNotListed", { user })}</p>)}
    </section>
  );
}

function ProfileForm({ me, canSave, onSaved }) {
  const { t } = useApp();
  const call = useCall();
  const [v, setV] = useState({ fullName: me.fullName || "", emailAddress: me.emailAddress || "" });
  const [touched, setTouched] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  const [notice, setNotice] = useState(null);
  const problems = profileProblems(v);
  const changed = v.fullName !== (me.fullName || "") || v.emailAddress !== (me.emailAddress || "");
  const submit = async (e) => {
    e.preventDefault();
    setTouched(true);
    if (hasProblem(problems)) { focusFirstProblem(e.currentTarget); return; }
    setBusy(true);
    setError(null);
    setNotice(null);
    try {
      await call("SetSystemAdministratorConfiguration",
                 { config: { userName: me.userName, fullName: v.fullName, emailAddress: v.emailAddress } });
      setNotice(t("ysProfileSaved"));
      onSaved();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const p = (k) => (touched && problems[k] ? t(problems[k].key) : null);
  const set = (k) => (x) => setV((o) => ({ ...o, [k]: x }));
  return (
    <form onSubmit={submit} noValidate>
      <dl class="facts compact ys-facts">
        <div><dt>{t("userName")}</dt><dd><strong id="ys-user">{me.userName}</strong></dd></div>
      </dl>
      <TextField id="ys-full" label={t("fullName")} value={v.fullName} onInput={set("fullName")} problem={p("fullName")}
                 autocomplete="name" />
      <TextField id="ys-mail" label={t("emailAddress")} type="email" value={v.emailAddress} onInput={set("emailAddress")}
                 problem={p("emailAddress")} hint={t("ysEmailHint")} autocomplete="email" />
      <Notice onDismiss={() => setNotice(null)}>{notice}</Notice>
      <ErrorNote error={error} />
      {canSave && (
        <div class="form-actions">
          <button type="submit" class="primary" id="ys-save-profile" disabled={busy || !changed}>
            {busy ? t("working") : t("save")}</button>
        </div>
      )}
    </form>
  );
}

function PasswordPanel() {
  const { t, user, api } = useApp();
  const call = useCall();
  const empty = { current: "", next: "", repeat: "" };
  const [v, setV] = useState(empty);
  const [touched, setTouched] = useState(false);
  const [refused, setRefused] = useState(null);  // {key, n?, detail?}: the current password was not accepted
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  const [notice, setNotice] = useState(null);
  const problems = passwordProblems(v, user);
  const submit = async (e) => {
    e.preventDefault();
    setTouched(true);
    setRefused(null);
    const form = e.currentTarget;
    if (hasProblem(problems)) { focusFirstProblem(form); return; }
    setBusy(true);
    setError(null);
    setNotice(null);
    try {
      const r = await changeOwnPassword({
        login: (u, pw) => api.login(u, pw),
        setPassword: (u, pw) => call("SetSystemAdministratorPassword", { userName: u, password: pw }),
        user, current: v.current, next: v.next,
      });
      if (!r.ok) {
        setRefused(r.problem);
        focusFirstProblem(form);
      } else {
        setV(empty);
        setTouched(false);
        setNotice(t(r.renewed ? "ysPasswordChanged" : "ysPasswordChangedLogIn"));
      }
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const refusedText = refused && (refused.key === "ysThrottled" ? t("ysThrottled", { n: refused.n })
                                  : refused.key === "ysLoginFailed" ? t("ysLoginFailed", { detail: refused.detail })
                                  : t("ysCurrentWrong"));
  const p = (k) => (touched && problems[k] ? t(problems[k].key) : null);
  const set = (k) => (x) => { setRefused(null); setV((o) => ({ ...o, [k]: x })); };
  return (
    <section class="panel ys-panel" aria-labelledby="ys-password-title">
      <h2 id="ys-password-title">{t("ysPassword")}</h2>
      <p class="hint ys-intro">{t("ysPasswordIntro")}</p>
      <form onSubmit={submit} noValidate>
        <input type="text" name="username" autocomplete="username" value={user} readOnly hidden />
        <TextField id="ys-current" label={t("ysCurrentPassword")} type="password" value={v.current} onInput={set("current")}
                   problem={refusedText || p("current")} autocomplete="current-password" />
        <TextField id="ys-new" label={t("newPassword")} type="password" value={v.next} onInput={set("next")}
                   problem={p("next")} hint={t("passwordRule")} autocomplete="new-password" />
        <TextField id="ys-repeat" label={t("repeatPassword")} type="password" value={v.repeat} onInput={set("repeat")}
                   problem={p("repeat")} autocomplete="new-password" />
        <Notice onDismiss={() => setNotice(null)}>{notice}</Notice>
        <ErrorNote error={error} />
        <div class="form-actions">
          <button type="submit" class="primary" id="ys-change-password" disabled={busy}>
            {busy ? t("working") : t("ysChangePassword")}</button>
        </div>
      </form>
    </section>
  );
}

function LanguagePanel() {
  const { t, lang, setLang } = useApp();
  return (
    <section class="panel ys-panel" aria-labelledby="ys-language-title">
      <h2 id="ys-language-title">{t("ysLanguage")}</h2>
      <fieldset class="ys-languages">
        <legend class="sr-only">{t("ysLanguage")}</legend>
        {LANGUAGES.map((l) => (
          <div class="field check-field" key={l}>
            <input type="radio" id={"ys-lang-" + l} name="ys-language" value={l} checked={lang === l}
                   onChange={() => setLang(l)} />
            <label for={"ys-lang-" + l} lang={l}>{l === "de" ? "Deutsch" : "English"}</label>
          </div>
        ))}
      </fieldset>
      <p class="hint">{t("ysLanguageHint")}</p>
    </section>
  );
}

// Multi-factor login of oneself. Initialize ends this session (a new secret
// ends every session of its administrator), so the page opens the login at
// once: password, then the set-up step with the QR code, then a new session.
function MfaPanel({ status, noApiPassword, onChanged }) {
  const { t, user, hasFn } = useApp();
  const call = useCall();
  const [asking, setAsking] = useState(null);   // "setUp" | "reset" | "off"
  const [loggingIn, setLoggingIn] = useState(false);
  const [notice, setNotice] = useState(null);
  const badge = mfaBadge(status);
  const initialize = async () => {
    await call("InitializeSystemAdministratorMFA", { userName: user });
    setAsking(null);
    setLoggingIn(true);
  };
  const deactivate = async () => {
    await call("DeactivateSystemAdministratorMFA", { userName: user });
    setAsking(null);
    setNotice(t("ysMfaOff"));
    onChanged();
  };
  return (
    <section class="panel ys-panel" aria-labelledby="ys-mfa-title">
      <h2 id="ys-mfa-title">{t("ysMfa")}</h2>
      <p class="ys-mfa-status"><Badge kind={badge.kind}><span id="ys-mfa-status">{t(badge.key)}</span></Badge></p>
      <p class="hint ys-intro">{status === "Active" ? t("ysMfaActiveText") : status === "Pending" ? t("ysMfaPendingText")
                                 : t("ysMfaDisabledText")}</p>
      {status === "Active" && noApiPassword && <p class="note warn"><span class="note-text">{t("ysMfaNoApiPassword")}</span></p>}
      <Notice onDismiss={() => setNotice(null)}>{notice}</Notice>
      <div class="form-actions">
        {status === "Disabled" && hasFn("InitializeSystemAdministratorMFA") &&
          <button type="button" class="primary" id="ys-mfa-set-up" onClick={() => setAsking("setUp")}>{t("ysMfaSetUp")}</button>}
        {status === "Pending" &&
          <button type="button" class="primary" id="ys-mfa-set-up" onClick={() => setLoggingIn(true)}>{t("ysMfaSetUpNow")}</button>}
        {status === "Active" && hasFn("InitializeSystemAdministratorMFA") &&
          <button type="button" class="ghost" id="ys-mfa-reset" onClick={() => setAsking("reset")}>{t("ysMfaReset")}</button>}
        {status !== "Disabled" && hasFn("DeactivateSystemAdministratorMFA") &&
          <button type="button" class="ghost danger-text" id="ys-mfa-off" onClick={() => setAsking("off")}>{t("ysMfaTurnOff")}</button>}
      </div>
      {(asking === "setUp" || asking === "reset") && (
        <ConfirmDialog title={t(asking === "reset" ? "ysMfaResetTitle" : "ysMfaSetUpTitle")}
                       confirmLabel={t(asking === "reset" ? "ysMfaReset" : "ysMfaSetUp")}
                       onClose={() => setAsking(null)} onConfirm={initialize}>
          <p>{t(asking === "reset" ? "ysMfaResetText" : "mfaInitializeSelfText")}</p>
        </ConfirmDialog>
      )}
      {asking === "off" && (
        <ConfirmDialog title={t("ysMfaTurnOffTitle")} confirmLabel={t("ysMfaTurnOff")} danger
                       onClose={() => setAsking(null)} onConfirm={deactivate}>
          <p>{t("ysMfaTurnOffText")}</p>
        </ConfirmDialog>
      )}
      {loggingIn && (
        <Dialog title={t("ysMfaLoginTitle")} onClose={() => { setLoggingIn(false); onChanged(); }} className="ys-mfa-login">
          <p>{t("ysMfaLoginText")}</p>
          <LoginForm presetUser={user} embedded
                     onLoggedIn={() => { setLoggingIn(false); setNotice(t("ysMfaOn")); onChanged(); }} />
        </Dialog>
      )}
    </section>
  );
}

function ApiPasswordPanel({ mine, onCreated }) {
  const { t, fmt } = useApp();
  const call = useCall();
  const [asking, setAsking] = useState(false);
  const [password, setPassword] = useState(null);
  return (
    <section class="panel ys-panel" aria-labelledby="ys-api-title">
      <h2 id="ys-api-title">{t("apiPassword")}</h2>
      <p class="hint ys-intro">{t("ysApiPasswordText")}</p>
      {mine && (
        <p id="ys-api-password-age">
          {mine.created ? t("ysApiPasswordCreated", { date: fmt.dateTime(mine.created) })
            : mine.hasApiPassword ? t("ysApiPasswordUnknown") : t("ysApiPasswordNone")}
        </p>
      )}
      <div class="form-actions">
        <button type="button" class="ghost" id="ys-api-password" onClick={() => setAsking(true)}>{t("createApiPassword")}</button>
      </div>
      {asking && (
        <ConfirmDialog title={t("ysApiPasswordConfirmTitle")} confirmLabel={t("createApiPassword")}
                       onClose={() => setAsking(false)}
                       onConfirm={async () => {
                         const pw = await call("CreateSystemAdministratorAPIPassword");
                         setAsking(false);
                         setPassword(pw);
                         onCreated();
                       }}>
          <p>{t("ysApiPasswordConfirmText")}</p>
        </ConfirmDialog>
      )}
      {password && (
        <Dialog title={t("apiPassword")} onClose={() => setPassword(null)}
                footer={<button type="button" class="primary" onClick={() => setPassword(null)}>{t("done")}</button>}>
          <p>{t("apiPasswordShownOnce")}</p>
          <div class="secret-box"><code id="ys-api-password-value">{password}</code>
            <CopyButton text={password} label={t("copy")} /></div>
        </Dialog>
      )}
    </section>
  );
}
