// A user's password (SetUserPassword) and name (RenameUser) in the side
// panel.
import { useState } from "preact/hooks";
import { passwordProblem, repeatProblem, userNameProblem } from "../../../users.js";
import { focusFirstProblem, useApp, useCall } from "../../../ui.jsx";
import { TextField } from "../../wizard.jsx";
import { SaveRow, Section, useSaving } from "./pieces.jsx";
import { problemText } from "./texts.js";

export function PasswordForm({ instanceId, userName, reload }) {
  const { t } = useApp();
  const call = useCall();
  const saving = useSaving();
  const [v, setV] = useState({ password: "", repeat: "" });
  const [typed, setTyped] = useState({});
  const [submitted, setSubmitted] = useState(false);
  const problems = { password: passwordProblem(v.password), repeat: repeatProblem(v.password, v.repeat) };
  const p = (k) => ((submitted || typed[k]) && problems[k] ? problemText(t, problems[k]) : null);
  const set = (k) => (x) => { saving.clear(); setV((o) => ({ ...o, [k]: x })); setTyped((o) => ({ ...o, [k]: true })); };
  const submit = async (e) => {
    e.preventDefault();
    setSubmitted(true);
    if (Object.values(problems).some(Boolean)) { focusFirstProblem(e.currentTarget); return; }
    const ok = await saving.save(() => call("SetUserPassword", { instanceID: instanceId, userName, password: v.password }),
                                 t("usrPasswordSet"));
    if (ok) {
      setV({ password: "", repeat: "" });
      setTyped({});
      setSubmitted(false);
      reload();
    }
  };
  return (
    <Section id="usr-sec-password" title={t("password")} hint={t("usrPasswordHint")}>
      <form onSubmit={submit} noValidate>
        <div class="form-row usr-two">
          <TextField id="usr-e-pw" label={t("newPassword")} type="password" value={v.password} onInput={set("password")}
                     problem={p("password")} hint={t("usrPasswordRule")} autocomplete="new-password" />
          <TextField id="usr-e-pw2" label={t("repeatPassword")} type="password" value={v.repeat} onInput={set("repeat")}
                     problem={p("repeat")} autocomplete="new-password" />
        </div>
        <SaveRow saving={saving} label={t("setPassword")} disabled={!v.password && !v.repeat} />
      </form>
    </Section>
  );
}

export function RenameForm({ instanceId, userName, users, onRenamed }) {
  const { t } = useApp();
  const call = useCall();
  const saving = useSaving();
  const [name, setName] = useState(userName);
  const problem = userNameProblem(name, users, userName);
  const submit = async (e) => {
    e.preventDefault();
    if (problem) { focusFirstProblem(e.currentTarget); return; }
    const ok = await saving.save(() => call("RenameUser", { instanceID: instanceId, oldUserName: userName, newUserName: name }),
                                 t("usrSaved"));
    if (ok) onRenamed(userName, name);
  };
  return (
    <Section id="usr-sec-name" title={t("usrRename")} hint={t("usrRenameHint")}>
      <form onSubmit={submit} noValidate>
        <TextField id="usr-e-name" label={t("usrNewUserName")} value={name}
                   onInput={(x) => { saving.clear(); setName(x); }} problem={problemText(t, problem)} />
        <SaveRow saving={saving} label={t("usrRenameButton")} disabled={name === userName} />
      </form>
    </Section>
  );
}
