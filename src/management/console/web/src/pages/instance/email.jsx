// An instance's E-mail tab: its SMTP settings (GetSmtpSettings /
// SetSmtpSettings), through which status reports and notifications reach
// its recipients, and a test message (TestSmtpSettings) that reports the
// step that failed (connect, TLS, certificate, authentication, a refused
// sender or recipient, the message refused, no answer in time). The
// password is never shown: empty keeps the stored one, a box clears it.
// Below it the instance's notification mails, kind by kind
// (GetNotificationSettings / SetNotificationSettings, saved as switched),
// and "Send status report now" (SendStatusReport: a time span, its time
// zone from GetTimeZones, recipients or the SMTP settings' ones).
// Everything here is kept by the instance: it must be running.
import { useEffect, useState } from "preact/hooks";
import { NOTIFICATION_KINDS, REPORT_SPANS, SMTP_PROTOCOLS, notificationsOf, recipientList, reportArgs, smtpFormOf,
         smtpProblems, smtpSettingsOf } from "../../email.js";
import { focusFirstProblem, ErrorNote, Field, Loading, Notice, useApp, useCall, useLoad } from "../../ui.jsx";
import "./email.css";

export function EmailTab({ id, instance }) {
  const { t, hasFn } = useApp();
  const call = useCall();
  const up = instance.status === "running";
  const settings = useLoad(() => (up && hasFn("GetSmtpSettings") ? call("GetSmtpSettings", { instanceID: id }) : null), [id, up]);
  if (!up) return <div class="email-tab"><h2 class="sr-only">{t("tabEmail")}</h2><p class="note warn" id="eml-not-running">{t("emlNotRunning")}</p></div>;
  return (
    <div class="email-tab">
      {hasFn("GetSmtpSettings") ? <SmtpPanel id={id} settings={settings} /> : <p class="muted">{t("emlNotAvailable")}</p>}
      {hasFn("GetNotificationSettings") && <NotificationsPanel id={id} />}
      {hasFn("SendStatusReport") && <ReportPanel id={id} smtp={settings.data} />}
    </div>
  );
}

function SmtpPanel({ id, settings }) {
  const { t, hasFn } = useApp();
  const call = useCall();
  const [f, setF] = useState(null);
  const [touched, setTouched] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  const [notice, setNotice] = useState(null);
  const [testing, setTesting] = useState({ busy: false, error: null, ok: null });

  useEffect(() => { if (settings.data) setF(smtpFormOf(settings.data)); }, [settings.data]);

  if (!f) return settings.error ? <ErrorNote error={settings.error} /> : <Loading />;

  const problems = smtpProblems(f);
  const p = (k) => (touched && problems[k] ? t("emlProblem_" + problems[k]) : null);
  const set = (k) => (e) => {
    const el = e.currentTarget;
    setF((o) => ({ ...o, [k]: el.type === "checkbox" ? el.checked : el.value }));
  };
  const save = async (e) => {
    e.preventDefault();
    setTouched(true);
    if (Object.keys(problems).length) { focusFirstProblem(e.currentTarget); return; }
    setBusy(true);
    setError(null);
    setNotice(null);
    try {
      await call("SetSmtpSettings", { instanceID: id, settings: smtpSettingsOf(f) });
      setNotice(t("emlSaved"));
      setTesting({ busy: false, error: null, ok: null });
      settings.reload();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const test = async () => {
    setTesting({ busy: true, error: null, ok: null });
    try {
      const r = await call("TestSmtpSettings", { instanceID: id });
      setTesting({ busy: false, error: null, ok: t("emlTestSent", { to: (r && r.recipients || []).join(", ") }) });
    } catch (err) {
      setTesting({ busy: false, error: err, ok: null });
    }
  };
  const input = (k, label, extra = {}) => (
    <Field label={label} problem={p(k)} hint={extra.hint}>
      {({ id: fid, describedBy, invalid }) => (
        <input id={fid} name={k} type={extra.type || "text"} value={f[k]} onInput={set(k)} spellcheck={false}
               autocomplete={extra.autocomplete || "off"} inputmode={extra.inputmode}
               aria-describedby={describedBy} aria-invalid={invalid ? "true" : undefined} />
      )}
    </Field>
  );

  return (
    <form class="panel form-panel eml-smtp" onSubmit={save} noValidate aria-labelledby="eml-smtp-title">
      <h2 id="eml-smtp-title">{t("emlTitle")}</h2>
      <p class="hint">{t("emlIntro")}</p>
      <fieldset class="group">
        <legend>{t("smtpServer")}</legend>
        <div class="form-row">
          {input("hostname", t("hostname"), { hint: t("emlHostHint") })}
          {input("port", t("port"), { inputmode: "numeric" })}
          <Field label={t("protocol")}>
            {({ id: fid }) => (
              <select id={fid} name="protocol" value={f.protocol} onChange={set("protocol")}>
                {SMTP_PROTOCOLS.map((x) => <option key={x} value={x}>{t("protocol_" + x.replace("-", ""))}</option>)}
              </select>
            )}
          </Field>
          {input("timeoutSeconds", t("emlTimeout"), { inputmode: "numeric" })}
        </div>
        {f.protocol === "SMTP" && <p class="note warn">{t("smtpUnencrypted")}</p>}
        <div class="field check-field">
          <input id="eml-ignore" type="checkbox" checked={f.ignoreSslPolicyErrors} onChange={set("ignoreSslPolicyErrors")} />
          <label for="eml-ignore">{t("acceptAllCertificates")}</label>
        </div>
        {f.ignoreSslPolicyErrors && f.protocol !== "SMTP" && <p class="note warn">{t("emlIgnoreWarning")}</p>}
      </fieldset>
      <fieldset class="group">
        <legend>{t("authentication")}</legend>
        <div class="field check-field">
          <input id="eml-auth" type="checkbox" checked={f.authenticationRequired} onChange={set("authenticationRequired")} />
          <label for="eml-auth">{t("authenticationRequired")}</label>
        </div>
        {f.authenticationRequired && (
          <div class="form-row">
            {input("username", t("userName"))}
            {!f.clearPassword && input("password", t("password"), { type: "password", autocomplete: "new-password",
                                                                    hint: t("smtpPasswordKept") })}
          </div>
        )}
        <div class="field check-field">
          <input id="eml-clear" type="checkbox" checked={f.clearPassword} onChange={set("clearPassword")} />
          <label for="eml-clear">{t("emlClearPassword")}</label>
        </div>
      </fieldset>
      <fieldset class="group">
        <legend>{t("sender")}</legend>
        <div class="form-row">
          {input("fromDisplayName", t("fromDisplayName"))}
          {input("fromEmailAddress", t("fromEmailAddress"), { type: "email" })}
        </div>
      </fieldset>
      <fieldset class="group">
        <legend>{t("recipients")}</legend>
        <Field label={t("emlRecipients")} hint={t("emlRecipientsHint")} problem={p("recipients")}>
          {({ id: fid, describedBy, invalid }) => (
            <textarea id={fid} name="recipients" rows="3" value={f.recipients} onInput={set("recipients")} spellcheck={false}
                      aria-describedby={describedBy} aria-invalid={invalid ? "true" : undefined} />
          )}
        </Field>
      </fieldset>
      <div id="eml-save-result">
        <ErrorNote error={error} id="eml-save-error" />
        <Notice onDismiss={() => setNotice(null)}>{notice}</Notice>
      </div>
      <div class="form-actions">
        <button type="submit" class="primary" id="eml-save" disabled={busy}>{busy ? t("saving") : t("save")}</button>
        {hasFn("TestSmtpSettings") && (
          <button type="button" class="ghost" id="eml-test" onClick={test} disabled={testing.busy}>
            {testing.busy ? t("working") : t("sendTestMessage")}</button>
        )}
      </div>
      {hasFn("TestSmtpSettings") && <p class="hint">{t("emlTestHint")}</p>}
      <div id="eml-test-result">
        <ErrorNote error={testing.error} id="eml-test-error" />
        <Notice>{testing.ok}</Notice>
      </div>
    </form>
  );
}

// The notification mails, kind by kind: each switch is saved as it is
// switched (SetNotificationSettings with that kind alone) and read back.
function NotificationsPanel({ id }) {
  const { t, hasFn } = useApp();
  const call = useCall();
  const loaded = useLoad(() => call("GetNotificationSettings", { instanceID: id }), [id]);
  const [on, setOn] = useState(null);
  const [busy, setBusy] = useState(null);   // the kind being saved
  const [error, setError] = useState(null);
  const [notice, setNotice] = useState(null);
  useEffect(() => { if (loaded.data) setOn(notificationsOf(loaded.data)); }, [loaded.data]);
  const canSet = hasFn("SetNotificationSettings");
  const flip = async (kind, value) => {
    setBusy(kind);
    setError(null);
    setNotice(null);
    setOn((o) => ({ ...o, [kind]: value }));
    try {
      await call("SetNotificationSettings", { instanceID: id, settings: { [kind]: value } });
      setNotice(t(value ? "emlNotifyOn" : "emlNotifyOff", { kind: t("emlNotify_" + kind) }));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(null);
      loaded.reload();
    }
  };
  return (
    <section class="panel form-panel eml-notify" aria-labelledby="eml-notify-title">
      <h2 id="eml-notify-title">{t("emlNotifyTitle")}</h2>
      <p class="hint">{t("emlNotifyIntro")}</p>
      <ErrorNote error={loaded.error} />
      {!on ? !loaded.error && <Loading /> : (
        <ul class="eml-switches">
          {NOTIFICATION_KINDS.map((k) => (
            <li key={k} class="eml-switch">
              <input type="checkbox" role="switch" id={"eml-notify-" + k} checked={on[k]} disabled={!canSet || busy !== null}
                     aria-describedby={"eml-notify-" + k + "-text"} onChange={(e) => flip(k, e.currentTarget.checked)} />
              <div>
                <label for={"eml-notify-" + k}>{t("emlNotify_" + k)}</label>
                <p class="hint" id={"eml-notify-" + k + "-text"}>{t("emlNotifyText_" + k)}</p>
              </div>
            </li>
          ))}
        </ul>
      )}
      <div id="eml-notify-result">
        <ErrorNote error={error} id="eml-notify-error" />
        <Notice onDismiss={() => setNotice(null)}>{notice}</Notice>
      </div>
    </section>
  );
}

// "Send status report now": the span, its time zone, and to whom.
function ReportPanel({ id, smtp }) {
  const { t, hasFn } = useApp();
  const call = useCall();
  const zones = useLoad(() => (hasFn("GetTimeZones") ? call("GetTimeZones", { instanceID: id }) : null), [id]);
  const [form, setForm] = useState({ timespan: "yesterday", timeZoneId: "$Local", recipients: "" });
  const [problem, setProblem] = useState(null);
  const [state, setState] = useState({ busy: false, error: null, ok: null });
  const set = (k) => (e) => { const v = e.currentTarget.value; setForm((f) => ({ ...f, [k]: v })); };
  const zoneList = Array.isArray(zones.data) ? zones.data.filter((z) => z && typeof z.id === "string") : [];
  const configured = smtp ? recipientList((smtp.recipientEmailAddresses || []).join("\n")) : [];
  const send = async (e) => {
    e.preventDefault();
    const r = reportArgs(id, form);
    setProblem(r.problem || null);
    if (r.problem) { focusFirstProblem(e.currentTarget); return; }
    setState({ busy: true, error: null, ok: null });
    try {
      await call("SendStatusReport", r.args);
      const to = r.args.recipients || configured.join(", ");
      setState({ busy: false, error: null,
                 ok: t(to ? "emlReportSentTo" : "emlReportSent", { span: t("emlSpan_" + form.timespan), to }) });
    } catch (err) {
      setState({ busy: false, error: err, ok: null });
    }
  };
  return (
    <form class="panel form-panel eml-report" onSubmit={send} noValidate aria-labelledby="eml-report-title">
      <h2 id="eml-report-title">{t("emlReportTitle")}</h2>
      <p class="hint">{t("emlReportIntro")}</p>
      <div class="form-row">
        <Field label={t("emlReportSpan")}>
          {({ id: fid }) => (
            <select id={fid} name="timespan" value={form.timespan} onChange={set("timespan")}>
              {REPORT_SPANS.map((s) => <option key={s} value={s}>{t("emlSpan_" + s)}</option>)}
            </select>
          )}
        </Field>
        <Field label={t("emlReportZone")}>
          {({ id: fid }) => (
            <select id={fid} name="timeZoneId" value={form.timeZoneId} onChange={set("timeZoneId")}>
              {!zoneList.some((z) => z.id === "$Local") && <option value="$Local">$Local</option>}
              {zoneList.map((z) => <option key={z.id} value={z.id}>{z.displayName || z.id}</option>)}
            </select>
          )}
        </Field>
      </div>
      <Field label={t("emlReportRecipients")} problem={problem ? t("emlProblem_" + problem) : null}
             hint={configured.length ? t("emlReportRecipientsHint", { to: configured.join(", ") }) : t("emlReportRecipientsNone")}>
        {({ id: fid, describedBy, invalid }) => (
          <input id={fid} name="reportRecipients" value={form.recipients} onInput={set("recipients")} spellcheck={false}
                 autocomplete="off" aria-describedby={describedBy} aria-invalid={invalid ? "true" : undefined} />
        )}
      </Field>
      <div class="form-actions">
        <button type="submit" class="primary" id="eml-report-send" disabled={state.busy}>
          {state.busy ? t("working") : t("emlReportSend")}</button>
      </div>
      <div id="eml-report-result">
        <ErrorNote error={state.error} id="eml-report-error" />
        <Notice>{state.ok}</Notice>
      </div>
    </form>
  );
}
