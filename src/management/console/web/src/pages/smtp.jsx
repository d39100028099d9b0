// System → SMTP Settings: the system-wide SMTP settings
// (GetSystemSmtpConfiguration / SetSystemSmtpConfiguration; the password is
// never returned: left empty it stays as stored), recipients chosen from
// the system administrators, and a test message when the server offers
// TestSystemSmtpConfiguration (to the chosen administrators' addresses,
// with the saved settings; an error names the step that failed).
import { useEffect, useState } from "preact/hooks";
import { emailProblem, portProblem } from "../validate.js";
import { SMTP_PROTOCOLS, smtpProtocolOf } from "../email.js";
import { focusFirstProblem, ErrorNote, Loading, Notice, PageHeader, useApp, useCall, useLoad } from "../ui.jsx";
import { TextField } from "./wizard.jsx";

export function SmtpSettings() {
  const { t, hasFn } = useApp();
  const call = useCall();
  const settings = useLoad(() => call("GetSystemSmtpConfiguration"), []);
  const admins = useLoad(() => call("GetSystemAdministrators"), []);
  const [v, setV] = useState(null);
  const [touched, setTouched] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  const [notice, setNotice] = useState(null);
  const [testState, setTestState] = useState({ busy: false, error: null, ok: null });

  useEffect(() => {
    if (!settings.data) return;
    const s = settings.data;
    setV({
      hostname: s.hostname || "", port: String(s.port ?? 587), protocol: smtpProtocolOf(s.protocol),
      ignoreSslPolicyErrors: !!s.ignoreSslPolicyErrors, authenticationRequired: !!s.authenticationRequired,
      username: s.username || "", password: "", fromDisplayName: s.fromDisplayName || "",
      fromEmailAddress: s.fromEmailAddress || "",
      recipients: Array.isArray(s.recipientSystemAdministrator) ? s.recipientSystemAdministrator : [],
    });
  }, [settings.data]);

  if (settings.loading && !settings.data) return <div class="page"><PageHeader title={t("navSmtp")} /><Loading /></div>;
  if (!v) return <div class="page"><PageHeader title={t("navSmtp")} /><ErrorNote error={settings.error} /></div>;

  const problems = {
    hostname: v.hostname.trim() ? null : "hostnameEmpty",
    port: portProblem(v.port),
    fromEmailAddress: emailProblem(v.fromEmailAddress),
  };
  const set = (k) => (x) => setV((o) => ({ ...o, [k]: x }));
  const p = (k) => (touched && problems[k] ? t(problems[k]) : null);
  const config = () => {
    const c = {
      hostname: v.hostname.trim(), port: Number(v.port), protocol: v.protocol,
      ignoreSslPolicyErrors: v.ignoreSslPolicyErrors, authenticationRequired: v.authenticationRequired,
      username: v.username, fromDisplayName: v.fromDisplayName, fromEmailAddress: v.fromEmailAddress,
      recipientSystemAdministrator: v.recipients,
    };
    if (v.password) c.password = v.password;  // left out: the stored one stays
    return c;
  };
  const save = async (e) => {
    e.preventDefault();
    setTouched(true);
    if (Object.values(problems).some(Boolean)) { focusFirstProblem(e.currentTarget); return; }
    setBusy(true);
    setError(null);
    setNotice(null);
    try {
      await call("SetSystemSmtpConfiguration", { config: config() });
      setNotice(t("smtpSaved"));
      setV((o) => ({ ...o, password: "" }));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const test = async () => {
    setTestState({ busy: true, error: null, ok: null });
    try {
      const r = await call("TestSystemSmtpConfiguration", {});
      const to = ((r && r.recipients) || []).map((x) => x.emailAddress).join(", ");
      setTestState({ busy: false, error: null, ok: to ? t("smtpTestSentTo", { to }) : t("smtpTestSent") });
    } catch (err) {
      setTestState({ busy: false, error: err, ok: null });
    }
  };
  const toggleRecipient = (name, on) => setV((o) => ({
    ...o, recipients: on ? [...o.recipients, name] : o.recipients.filter((r) => r !== name),
  }));

  return (
    <div class="page smtp">
      <PageHeader title={t("navSmtp")} subtitle={t("smtpIntro")} />
      <form class="panel form-panel" onSubmit={save} noValidate>
        <h2 class="sr-only">{t("smtpServer")}</h2>
        <fieldset class="group">
          <legend>{t("smtpServer")}</legend>
          <div class="form-row">
            <TextField id="smtp-host" label={t("hostname")} value={v.hostname} onInput={set("hostname")} problem={p("hostname")} />
            <TextField id="smtp-port" label={t("port")} value={v.port} onInput={set("port")} problem={p("port")} />
            <div class="field">
              <label for="smtp-protocol">{t("protocol")}</label>
              <select id="smtp-protocol" value={v.protocol} onChange={(e) => set("protocol")(e.currentTarget.value)}>
                {SMTP_PROTOCOLS.map((x) => <option key={x} value={x}>{t("protocol_" + x.replace("-", ""))}</option>)}
              </select>
            </div>
          </div>
          {v.protocol === "SMTP" && <p class="note warn">{t("smtpUnencrypted")}</p>}
          <div class="field check-field">
            <input id="smtp-ignore" type="checkbox" checked={v.ignoreSslPolicyErrors}
                   onChange={(e) => set("ignoreSslPolicyErrors")(e.currentTarget.checked)} />
            <label for="smtp-ignore">{t("acceptAllCertificates")}</label>
          </div>
        </fieldset>
        <fieldset class="group">
          <legend>{t("authentication")}</legend>
          <div class="field check-field">
            <input id="smtp-auth" type="checkbox" checked={v.authenticationRequired}
                   onChange={(e) => set("authenticationRequired")(e.currentTarget.checked)} />
            <label for="smtp-auth">{t("authenticationRequired")}</label>
          </div>
          {v.authenticationRequired && (
            <div class="form-row">
              <TextField id="smtp-user" label={t("userName")} value={v.username} onInput={set("username")} />
              <TextField id="smtp-password" label={t("password")} type="password" value={v.password}
                         onInput={set("password")} hint={t("smtpPasswordKept")} autocomplete="new-password" />
            </div>
          )}
        </fieldset>
        <fieldset class="group">
          <legend>{t("sender")}</legend>
          <div class="form-row">
            <TextField id="smtp-from-name" label={t("fromDisplayName")} value={v.fromDisplayName} onInput={set("fromDisplayName")} />
            <TextField id="smtp-from-mail" label={t("fromEmailAddress")} value={v.fromEmailAddress} type="email"
                       onInput={set("fromEmailAddress")} problem={p("fromEmailAddress")} />
          </div>
        </fieldset>
        <fieldset class="group">
          <legend>{t("recipients")}</legend>
          <p class="hint">{t("recipientsHint")}</p>
          <ErrorNote error={admins.error} />
          <div class="checks">
            {(admins.data || []).map((a) => (
              <div class="field check-field" key={a.userName}>
                <input id={"smtp-r-" + a.userName} type="checkbox" checked={v.recipients.includes(a.userName)}
                       onChange={(e) => toggleRecipient(a.userName, e.currentTarget.checked)} />
                <label for={"smtp-r-" + a.userName}>{a.userName}{a.emailAddress ? <span class="muted"> · {a.emailAddress}</span> : null}</label>
              </div>
            ))}
          </div>
        </fieldset>
        <ErrorNote error={error} />
        <Notice onDismiss={() => setNotice(null)}>{notice}</Notice>
        <div class="form-actions">
          <button type="submit" class="primary" disabled={busy}>{busy ? t("saving") : t("save")}</button>
          {hasFn("TestSystemSmtpConfiguration") && (
            <button type="button" class="ghost" onClick={test} disabled={testState.busy}>
              {testState.busy ? t("working") : t("sendTestMessage")}</button>
          )}
        </div>
        {hasFn("TestSystemSmtpConfiguration") && <p class="hint">{t("smtpTestHint")}</p>}
        <ErrorNote error={testState.error} />
        <Notice>{testState.ok}</Notice>
      </form>
    </div>
  );
}
