// System → System Administrators: GetSystemAdministrators with New
// (CreateSystemAdministrator), Edit (SetSystemAdministratorConfiguration:
// full name, email address), Password (SetSystemAdministratorPassword),
// Delete (DeleteSystemAdministrator, after asking; the server refuses the
// caller and the last one) and, on the caller's own row, a new API password
// (CreateSystemAdministratorAPIPassword, shown once). Multi-factor login:
// the status as a badge, Initialize MFA (InitializeSystemAdministratorMFA: a
// new secret, set up at that administrator's next login; their sessions end)
// and Deactivate MFA (DeactivateSystemAdministratorMFA), each after asking.
import { useState } from "preact/hooks";
import "./administrators.css";
import { mfaBadge } from "../mfa.js";
import { adminNameProblem, emailProblem, passwordProblem } from "../validate.js";
import { focusFirstProblem, Badge, ConfirmDialog, CopyButton, Dialog, ErrorNote, Loading, Notice, PageHeader, useApp, useCall,
         useLoad } from "../ui.jsx";
import { TextField } from "./wizard.jsx";

export function Administrators() {
  const { t, user, hasFn } = useApp();
  const call = useCall();
  const list = useLoad(() => call("GetSystemAdministrators"), []);
  const [dialog, setDialog] = useState(null);
  const [notice, setNotice] = useState(null);
  const done = (text) => { setDialog(null); setNotice(text); list.reload(); };
  const admins = list.data || [];
  const isMe = (a) => a.userName.toLowerCase() === String(user).toLowerCase();

  return (
    <div class="page administrators">
      <PageHeader title={t("navAdministrators")} subtitle={list.data ? t("administratorsCount", { n: admins.length }) : null}>
        <button type="button" class="ghost" onClick={list.reload} disabled={list.loading}>{t("refresh")}</button>
        {hasFn("CreateSystemAdministrator") &&
          <button type="button" class="primary" onClick={() => setDialog({ type: "create" })}>{t("newAdministrator")}</button>}
      </PageHeader>
      <Notice onDismiss={() => setNotice(null)}>{notice}</Notice>
      <ErrorNote error={list.error} />
      {list.loading && !list.data ? <Loading /> : list.data && (
        <div class="table-wrap">
          <table class="table" aria-label={t("navAdministrators")}>
            <thead>
              <tr>
                <th scope="col">{t("userName")}</th>
                <th scope="col">{t("fullName")}</th>
                <th scope="col">{t("emailAddress")}</th>
                <th scope="col">{t("mfa")}</th>
                <th scope="col"><span class="sr-only">{t("actions")}</span></th>
              </tr>
            </thead>
            <tbody>
              {admins.map((a) => (
                <tr key={a.userName}>
                  <td data-label={t("userName")}><strong>{a.userName}</strong>{isMe(a) && <span class="muted"> ({t("you")})</span>}</td>
                  <td data-label={t("fullName")}>{a.fullName || <span class="muted">—</span>}</td>
                  <td data-label={t("emailAddress")}>{a.emailAddress || <span class="muted">—</span>}</td>
                  <td data-label={t("mfa")}><Badge kind={mfaBadge(a.mfaStatus).kind}>{t(mfaBadge(a.mfaStatus).key)}</Badge></td>
                  <td class="row-actions">
                    {hasFn("SetSystemAdministratorConfiguration") &&
                      <button type="button" class="ghost small" onClick={() => setDialog({ type: "edit", admin: a })}
                              aria-label={t("editNamed", { name: a.userName })}>{t("edit")}</button>}
                    {hasFn("SetSystemAdministratorPassword") &&
                      <button type="button" class="ghost small" onClick={() => setDialog({ type: "password", admin: a })}
                              aria-label={t("passwordOf", { name: a.userName })}>{t("password")}</button>}
                    {isMe(a) && hasFn("CreateSystemAdministratorAPIPassword") &&
                      <button type="button" class="ghost small" onClick={() => setDialog({ type: "apiPassword", admin: a })}>
                        {t("apiPassword")}</button>}
                    {hasFn("InitializeSystemAdministratorMFA") &&
                      <button type="button" class="ghost small" onClick={() => setDialog({ type: "mfaInitialize", admin: a })}
                              aria-label={t("mfaInitializeNamed", { name: a.userName })}>{t("mfaInitialize")}</button>}
                    {a.mfaStatus !== "Disabled" && hasFn("DeactivateSystemAdministratorMFA") &&
                      <button type="button" class="ghost small" onClick={() => setDialog({ type: "mfaDeactivate", admin: a })}
                              aria-label={t("mfaDeactivateNamed", { name: a.userName })}>{t("mfaDeactivate")}</button>}
                    {hasFn("DeleteSystemAdministrator") &&
                      <button type="button" class="ghost small danger-text" disabled={isMe(a) || admins.length <= 1}
                              title={isMe(a) ? t("cannotDeleteSelf") : admins.length <= 1 ? t("cannotDeleteLast") : undefined}
                              onClick={() => setDialog({ type: "delete", admin: a })}
                              aria-label={t("deleteNamed", { name: a.userName })}>{t("delete")}</button>}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}

      {dialog && dialog.type === "create" && <AdminDialog onClose={() => setDialog(null)}
        onDone={(name) => done(t("administratorCreated", { name }))} />}
      {dialog && dialog.type === "edit" && <AdminDialog admin={dialog.admin} onClose={() => setDialog(null)}
        onDone={(name) => done(t("administratorSaved", { name }))} />}
      {dialog && dialog.type === "password" && <PasswordDialog admin={dialog.admin} onClose={() => setDialog(null)}
        onDone={(name) => done(t("passwordChanged", { name }))} />}
      {dialog && dialog.type === "apiPassword" && <ApiPasswordDialog onClose={() => setDialog(null)} />}
      {dialog && dialog.type === "mfaInitialize" && (
        <ConfirmDialog title={t("mfaInitializeTitle", { name: dialog.admin.userName })} confirmLabel={t("mfaInitialize")}
                       onClose={() => setDialog(null)}
                       onConfirm={async () => {
                         await call("InitializeSystemAdministratorMFA", { userName: dialog.admin.userName });
                         done(t("mfaInitialized", { name: dialog.admin.userName }));
                       }}>
          <p>{isMe(dialog.admin) ? t("mfaInitializeSelfText") : t("mfaInitializeText", { name: dialog.admin.userName })}</p>
        </ConfirmDialog>
      )}
      {dialog && dialog.type === "mfaDeactivate" && (
        <ConfirmDialog title={t("mfaDeactivateTitle", { name: dialog.admin.userName })} confirmLabel={t("mfaDeactivate")} danger
                       onClose={() => setDialog(null)}
                       onConfirm={async () => {
                         await call("DeactivateSystemAdministratorMFA", { userName: dialog.admin.userName });
                         done(t("mfaDeactivated", { name: dialog.admin.userName }));
                       }}>
          <p>{t("mfaDeactivateText", { name: dialog.admin.userName })}</p>
        </ConfirmDialog>
      )}
      {dialog && dialog.type === "delete" && (
        <ConfirmDialog title={t("deleteAdministratorTitle", { name: dialog.admin.userName })} confirmLabel={t("delete")} danger
                       onClose={() => setDialog(null)}
                       onConfirm={async () => {
                         await call("DeleteSystemAdministrator", { userName: dialog.admin.userName });
                         done(t("administratorDeleted", { name: dialog.admin.userName }));
                       }}>
          <p>{t("deleteAdministratorText")}</p>
        </ConfirmDialog>
      )}
    </div>
  );
}

function AdminDialog({ admin, onClose, onDone }) {
  const { t } = useApp();
  const call = useCall();
  const creating = !admin;
  const [v, setV] = useState({ userName: admin ? admin.userName : "", fullName: admin ? admin.fullName || "" : "",
                               emailAddress: admin ? admin.emailAddress || "" : "", password: "", repeat: "" });
  const [touched, setTouched] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  const problems = {
    userName: creating ? adminNameProblem(v.userName) : null,
    emailAddress: emailProblem(v.emailAddress),
    fullName: v.fullName.length > 256 ? "fullNameTooLong" : null,
    password: creating ? passwordProblem(v.password, v.userName) : null,
    repeat: creating && v.repeat !== v.password ? "passwordsDiffer" : null,
  };
  const submit = async (e) => {
    e.preventDefault();
    setTouched(true);
    if (Object.values(problems).some(Boolean)) { focusFirstProblem(e.currentTarget); return; }
    setBusy(true);
    setError(null);
    const config = { userName: v.userName, fullName: v.fullName, emailAddress: v.emailAddress };
    try {
      if (creating) await call("CreateSystemAdministrator", { config, password: v.password });
      else await call("SetSystemAdministratorConfiguration", { config });
      onDone(v.userName);
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };
  const p = (name) => (touched && problems[name] ? t(problems[name]) : null);
  const set = (k) => (x) => setV((o) => ({ ...o, [k]: x }));
  return (
    <Dialog title={creating ? t("newAdministrator") : t("editNamed", { name: admin.userName })} onClose={busy ? null : onClose}>
      <form onSubmit={submit} noValidate>
        {creating && <TextField id="adm-name" label={t("userName")} value={v.userName} autoFocus onInput={set("userName")}
                                problem={p("userName")} hint={t("adminNameRule")} />}
        <TextField id="adm-full" label={t("fullName")} value={v.fullName} autoFocus={!creating} onInput={set("fullName")} problem={p("fullName")} />
        <TextField id="adm-mail" label={t("emailAddress")} value={v.emailAddress} type="email" onInput={set("emailAddress")}
                   problem={p("emailAddress")} />
        {creating && <>
          <TextField id="adm-pw" label={t("password")} type="password" value={v.password} onInput={set("password")}
                     problem={p("password")} hint={t("passwordRule")} autocomplete="new-password" />
          <TextField id="adm-pw2" label={t("repeatPassword")} type="password" value={v.repeat} onInput={set("repeat")}
                     problem={p("repeat")} autocomplete="new-password" />
        </>}
        <ErrorNote error={error} />
        <div class="dialog-actions">
          <button type="button" class="ghost" onClick={onClose} disabled={busy}>{t("cancel")}</button>
          <button type="submit" class="primary" disabled={busy}>{busy ? t("working") : creating ? t("create") : t("save")}</button>
        </div>
      </form>
    </Dialog>
  );
}

function PasswordDialog({ admin, onClose, onDone }) {
  const { t } = useApp();
  const call = useCall();
  const [v, setV] = useState({ password: "", repeat: "" });
  const [touched, setTouched] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  const problems = { password: passwordProblem(v.password, admin.userName),
                     repeat: v.repeat !== v.password ? "passwordsDiffer" : null };
  const submit = async (e) => {
    e.preventDefault();
    setTouched(true);
    if (Object.values(problems).some(Boolean)) { focusFirstProblem(e.currentTarget); return; }
    setBusy(true);
    setError(null);
    try {
      await call("SetSystemAdministratorPassword", { userName: admin.userName, password: v.password });
      onDone(admin.userName);
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };
  const p = (name) => (touched && problems[name] ? t(problems[name]) : null);
  return (
    <Dialog title={t("passwordOf", { name: admin.userName })} onClose={busy ? null : onClose}>
      <form onSubmit={submit} noValidate>
        <TextField id="pw-new" label={t("newPassword")} type="password" value={v.password} autoFocus
                   onInput={(x) => setV({ ...v, password: x })} problem={p("password")} hint={t("passwordRule")}
                   autocomplete="new-password" />
        <TextField id="pw-repeat" label={t("repeatPassword")} type="password" value={v.repeat}
                   onInput={(x) => setV({ ...v, repeat: x })} problem={p("repeat")} autocomplete="new-password" />
        <ErrorNote error={error} />
        <div class="dialog-actions">
          <button type="button" class="ghost" onClick={onClose} disabled={busy}>{t("cancel")}</button>
          <button type="submit" class="primary" disabled={busy}>{busy ? t("working") : t("setPassword")}</button>
        </div>
      </form>
    </Dialog>
  );
}

function ApiPasswordDialog({ onClose }) {
  const { t } = useApp();
  const call = useCall();
  const [password, setPassword] = useState(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  const create = async () => {
    setBusy(true);
    setError(null);
    try {
      setPassword(await call("CreateSystemAdministratorAPIPassword"));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Dialog title={t("apiPassword")} onClose={busy ? null : onClose}
            footer={password
              ? <button type="button" class="primary" onClick={onClose}>{t("done")}</button>
              : <>
                  <button type="button" class="ghost" onClick={onClose} disabled={busy}>{t("cancel")}</button>
                  <button type="button" class="primary" onClick={create} disabled={busy}>{busy ? t("working") : t("createApiPassword")}</button>
                </>}>
      {password ? (
        <>
          <p>{t("apiPasswordShownOnce")}</p>
          <div class="secret-box"><code id="api-password">{password}</code><CopyButton text={password} label={t("copy")} /></div>
        </>
      ) : <p>{t("apiPasswordText")}</p>}
      <ErrorNote error={error} />
    </Dialog>
  );
}
