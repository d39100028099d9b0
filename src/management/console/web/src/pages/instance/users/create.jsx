// The New user dialog (CreateUser): name, full and distinguished name,
// authentication, password, privileges and login privileges, each checked
// as typed (users.js); the server's message stays in the dialog.
import { useState } from "preact/hooks";
import { DEFAULT_LOGIN_PRIVILEGES, DEFAULT_PRIVILEGES, LOGIN_PRIVILEGES, PRIVILEGES, distinguishedNameProblem,
         fullNameProblem, passwordProblem, privilegeArg, repeatProblem, userNameProblem } from "../../../users.js";
import { Dialog, ErrorNote, focusFirstProblem, useApp, useCall } from "../../../ui.jsx";
import { TextField } from "../../wizard.jsx";
import { AuthChoice, PrivilegeChecks } from "./pieces.jsx";
import { loginTexts, privilegeTexts, problemText } from "./texts.js";

export function CreateUserDialog({ instanceId, users, onClose, onCreated }) {
  const { t } = useApp();
  const call = useCall();
  const [v, setV] = useState({ userName: "", fullName: "", distinguishedName: "", authentication: "integrated",
                               password: "", repeat: "", privileges: DEFAULT_PRIVILEGES, loginPrivileges: DEFAULT_LOGIN_PRIVILEGES });
  const [typed, setTyped] = useState({});           // fields typed in: their problems show at once
  const [submitted, setSubmitted] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  const needsPassword = v.authentication === "integrated" || v.password !== "";
  const problems = {
    userName: userNameProblem(v.userName, users),
    fullName: fullNameProblem(v.fullName),
    distinguishedName: distinguishedNameProblem(v.distinguishedName),
    password: needsPassword ? passwordProblem(v.password) : null,
    repeat: needsPassword ? repeatProblem(v.password, v.repeat) : null,
  };
  const p = (k) => ((submitted || typed[k]) && problems[k] ? problemText(t, problems[k]) : null);
  const set = (k) => (x) => { setV((o) => ({ ...o, [k]: x })); setTyped((o) => ({ ...o, [k]: true })); };
  const submit = async (e) => {
    e.preventDefault();
    setSubmitted(true);
    if (Object.values(problems).some(Boolean)) { focusFirstProblem(e.currentTarget); return; }
    setBusy(true);
    setError(null);
    const args = {
      instanceID: instanceId, userName: v.userName,
      privileges: privilegeArg(v.privileges, PRIVILEGES), loginPrivileges: privilegeArg(v.loginPrivileges, LOGIN_PRIVILEGES),
      authentication: v.authentication,
      fullName: v.fullName || undefined, distinguishedName: v.distinguishedName || undefined,
      password: v.password || undefined,
    };
    try {
      await call("CreateUser", args);
      onCreated(v.userName);
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };
  return (
    <Dialog title={t("usrNew")} onClose={busy ? null : onClose} wide className="usr-create">
      <form onSubmit={submit} noValidate>
        <div class="form-row usr-two">
          <TextField id="usr-c-name" label={t("userName")} value={v.userName} autoFocus onInput={set("userName")}
                     problem={p("userName")} hint={t("usrNameRule")} />
          <TextField id="usr-c-full" label={t("usrFullNameOptional")} value={v.fullName} onInput={set("fullName")}
                     problem={p("fullName")} />
        </div>
        <TextField id="usr-c-dn" label={t("usrDistinguishedNameOptional")} value={v.distinguishedName}
                   onInput={set("distinguishedName")} problem={p("distinguishedName")} hint={t("usrDnHint")} />
        <AuthChoice idPrefix="usr-c-auth-" value={v.authentication} onChange={set("authentication")} />
        <div class="form-row usr-two">
          <TextField id="usr-c-pw" label={needsPassword ? t("password") : t("usrPasswordOptional")} type="password"
                     value={v.password} onInput={set("password")} problem={p("password")} hint={t("usrPasswordRule")}
                     autocomplete="new-password" />
          <TextField id="usr-c-pw2" label={t("repeatPassword")} type="password" value={v.repeat} onInput={set("repeat")}
                     problem={p("repeat")} autocomplete="new-password" />
        </div>
        <fieldset class="usr-group">
          <legend>{t("usrPrivileges")}</legend>
          <PrivilegeChecks idPrefix="usr-c-priv-" names={PRIVILEGES} texts={privilegeTexts(t)} chosen={v.privileges}
                           onChange={(x) => setV((o) => ({ ...o, privileges: x }))} exclusive="admin" compact />
        </fieldset>
        <fieldset class="usr-group">
          <legend>{t("usrLoginPrivileges")}</legend>
          <p class="hint">{t("usrLoginNoneHint")}</p>
          <PrivilegeChecks idPrefix="usr-c-login-" names={LOGIN_PRIVILEGES} texts={loginTexts(t)} chosen={v.loginPrivileges}
                           onChange={(x) => setV((o) => ({ ...o, loginPrivileges: x }))} compact />
        </fieldset>
        <ErrorNote error={error} />
        <div class="dialog-actions">
          <button type="button" class="ghost" onClick={onClose} disabled={busy}>{t("cancel")}</button>
          <button type="submit" class="primary" id="usr-c-submit" disabled={busy}>{busy ? t("working") : t("usrCreate")}</button>
        </div>
      </form>
    </Dialog>
  );
}
