// An instance's Compliance tab (docs/compliance.md): legal hold, turned on or
// off after a confirmation that says what it blocks (SetComplianceConfiguration
// with legalHoldEnabled alone); the rest of the compliance configuration
// (GetComplianceConfiguration / SetComplianceConfiguration: admin e-mail
// preview and the successful activities to log, grouped, with select all and
// none); retention policies (Get/SetRetentionPolicies: add, edit, delete;
// ProcessRetentionPolicies as a task: a preview with dryRun, "Run now" after
// asking and not while legal hold is on); the audit log (GetAuditLog with
// filters and pages, ExportAuditLog as a task and a file, VerifyAuditLog,
// GetAuditLogPublicKey with a copy button). Each part asks hasFn() first: a
// server without the function says so instead of offering a button.
// Everything here is kept by the instance: it must be running.
import { useEffect, useMemo, useState } from "preact/hooks";
import { resultOf } from "../../api.js";
import { ALL_EVENTS, AUDIT_PAGE_SIZE, FROM, SCOPE_KINDS, SCOPE_LABELS, auditPageOf, auditQuery, canAddPolicy, configChanged,
         configFormOf, configOf, emptyPolicyForm, eventGroupsOf, exportFileName, periodParts, policiesWith, policyFormOf,
         policyOf, policyProblems, withEvents } from "../../compliance.js";
import { focusFirstProblem, Badge, ConfirmDialog, CopyButton, Dialog, ErrorNote, Field, Loading, Notice, useApp, useCall,
         useLoad } from "../../ui.jsx";
import { PAGE_SIZES } from "../../paging.jsx";
import "./compliance.css";

function Unavailable({ what }) {
  const { t } = useApp();
  return <p class="muted cmp-unavailable">{t("cmpNotAvailable", { what })}</p>;
}

export function ComplianceTab({ id, instance }) {
  const { t, hasFn } = useApp();
  const call = useCall();
  const up = instance.status === "running";
  const hasConfig = hasFn("GetComplianceConfiguration");
  const config = useLoad(() => (up && hasConfig ? call("GetComplianceConfiguration", { instanceID: id }) : null),
                         [id, up, hasConfig]);
  if (!up) {
    return (
      <div class="compliance-tab">
        <h2 class="sr-only">{t("tabCompliance")}</h2>
        <p class="note warn" id="cmp-not-running">{t("cmpNotRunning")}</p>
      </div>
    );
  }
  const legalHold = !!(config.data && config.data.legalHoldEnabled);
  return (
    <div class="compliance-tab">
      <section class="panel form-panel cmp-config" aria-labelledby="cmp-title">
        <h2 id="cmp-title">{t("cmpTitle")}</h2>
        {!hasConfig ? <Unavailable what="GetComplianceConfiguration" /> : (
          <>
            <ErrorNote error={config.error} />
            {!config.data && !config.error && <Loading />}
            {config.data && <LegalHold id={id} config={config} />}
            {config.data && <ConfigForm id={id} config={config} />}
          </>
        )}
      </section>
      <RetentionPanel id={id} legalHold={legalHold} holdLoading={config.loading && !config.data} />
      <AuditPanel id={id} />
    </div>
  );
}

// ---- Legal hold ----

function LegalHold({ id, config }) {
  const { t, hasFn } = useApp();
  const call = useCall();
  const on = !!config.data.legalHoldEnabled;
  const [asking, setAsking] = useState(false);
  const [notice, setNotice] = useState(null);
  const canSet = hasFn("SetComplianceConfiguration");
  const turn = async () => {
    await call("SetComplianceConfiguration", { instanceID: id, config: { legalHoldEnabled: !on } });
    setAsking(false);
    setNotice(t(on ? "cmpHoldTurnedOff" : "cmpHoldTurnedOn"));
    config.reload();
  };
  return (
    <div class={"cmp-hold" + (on ? " on" : "")} id="cmp-hold" role="group" aria-labelledby="cmp-hold-title">
      <div class="cmp-hold-head">
        <h3 id="cmp-hold-title">{t("cmpHoldTitle")}</h3>
        <span class={"badge " + (on ? "warn" : "off")} id="cmp-hold-state">{t(on ? "cmpHoldOn" : "cmpHoldOff")}</span>
      </div>
      <p class="cmp-hold-text">{t(on ? "cmpHoldOnText" : "cmpHoldOffText")}</p>
      {canSet && (
        <button type="button" id="cmp-hold-toggle" class={on ? "danger" : "primary"} onClick={() => { setNotice(null); setAsking(true); }}>
          {t(on ? "cmpHoldTurnOff" : "cmpHoldTurnOn")}
        </button>
      )}
      <Notice onDismiss={() => setNotice(null)}>{notice}</Notice>
      {asking && (
        <ConfirmDialog title={t(on ? "cmpHoldOffTitle" : "cmpHoldOnTitle")} danger={on}
                       confirmLabel={t(on ? "cmpHoldTurnOff" : "cmpHoldTurnOn")} onConfirm={turn} onClose={() => setAsking(false)}>
          {on ? <p>{t("cmpHoldOffConfirm")}</p> : (
            <>
              <p>{t("cmpHoldOnConfirm")}</p>
              <ul class="confirm-list" id="cmp-hold-blocks">
                <li>{t("cmpBlocksRetention")}</li>
                <li>{t("cmpBlocksCompact")}</li>
                <li>{t("cmpBlocksRecover")}</li>
              </ul>
              <p>{t("cmpHoldOnStill")}</p>
            </>
          )}
        </ConfirmDialog>
      )}
    </div>
  );
}

// ---- Admin e-mail preview and the successes to log ----

function ConfigForm({ id, config }) {
  const { t, hasFn } = useApp();
  const call = useCall();
  const [form, setForm] = useState(() => configFormOf(config.data));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  const [notice, setNotice] = useState(null);
  useEffect(() => setForm(configFormOf(config.data)), [config.data]);
  const groups = useMemo(() => eventGroupsOf(config.data.logSuccessfulUserActivities || []), [config.data]);
  const everything = groups.flatMap((g) => g.events);
  const changed = configChanged(form, config.data);
  const canSet = hasFn("SetComplianceConfiguration");

  const setEvents = (events, on) => setForm((f) => ({ ...f, selected: withEvents(f.selected, events, on) }));
  const save = async (e) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    setNotice(null);
    try {
      await call("SetComplianceConfiguration", { instanceID: id, config: configOf(form) });
      setNotice(t("cmpSaved"));
      config.reload();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="cmp-form" onSubmit={save} noValidate>
      <fieldset class="group">
        <legend>{t("cmpPreviewTitle")}</legend>
        <div class="field check-field">
          <input id="cmp-preview" type="checkbox" checked={form.adminEmailPreviewEnabled} disabled={!canSet}
                 onChange={(e) => { const v = e.currentTarget.checked; setForm((f) => ({ ...f, adminEmailPreviewEnabled: v })); }} />
          <label for="cmp-preview">{t("cmpPreviewLabel")}</label>
        </div>
        <p class="hint">{t("cmpPreviewHint")}</p>
      </fieldset>
      <fieldset class="group cmp-events" id="cmp-events">
        <legend>{t("cmpEventsTitle")}</legend>
        <p class="hint">{t("cmpEventsHint")}</p>
        <div class="cmp-events-bar">
          <span class="cmp-count" id="cmp-count">{t("cmpSelectedCount", { n: form.selected.size, total: everything.length })}</span>
          <button type="button" class="ghost small" id="cmp-all" disabled={!canSet} onClick={() => setEvents(everything, true)}>{t("cmpSelectAll")}</button>
          <button type="button" class="ghost small" id="cmp-none" disabled={!canSet} onClick={() => setEvents(everything, false)}>{t("cmpSelectNone")}</button>
        </div>
        <div class="cmp-groups">
          {groups.map((g) => (
            <fieldset class="cmp-group" key={g.group} data-group={g.group}>
              <legend>{t(g.group)}</legend>
              <div class="cmp-group-bar">
                <button type="button" class="link small" disabled={!canSet} onClick={() => setEvents(g.events, true)}
                        aria-label={t("cmpGroupAllLabel", { group: t(g.group) })}>{t("cmpAll")}</button>
                <button type="button" class="link small" disabled={!canSet} onClick={() => setEvents(g.events, false)}
                        aria-label={t("cmpGroupNoneLabel", { group: t(g.group) })}>{t("cmpNone")}</button>
              </div>
              <ul class="cmp-checks">
                {g.events.map((name) => (
                  <li key={name} class="field check-field">
                    <input id={"cmp-ev-" + name} type="checkbox" name="event" value={name} checked={form.selected.has(name)}
                           disabled={!canSet} onChange={(e) => setEvents([name], e.currentTarget.checked)} />
                    <label for={"cmp-ev-" + name}><code>{name}</code></label>
                  </li>
                ))}
              </ul>
            </fieldset>
          ))}
        </div>
      </fieldset>
      <div id="cmp-save-result">
        <ErrorNote error={error} id="cmp-save-error" />
        <Notice onDismiss={() => setNotice(null)}>{notice}</Notice>
      </div>
      {canSet && (
        <div class="form-actions">
          <button type="submit" class="primary" id="cmp-save" disabled={busy || !changed}>{busy ? t("saving") : t("save")}</button>
          {changed && <span class="hint" id="cmp-unsaved">{t("cmpUnsaved")}</span>}
        </div>
      )}
    </form>
  );
}

// ---- Retention policies ----

function scopeText(t, scope) {
  if (scope.kind === "users") return t("retScopeUsersList", { list: (scope.users || []).join(", ") });
  if (scope.kind === "folders") {
    return t(scope.includeSubfolders ? "retScopeFoldersSubList" : "retScopeFoldersList", { list: (scope.folders || []).join(", ") });
  }
  return t("retScopeAll");
}

function periodText(t, period) {
  return periodParts(period).map(({ key, n }) => t(key, { n })).join(", ");
}

function RetentionPanel({ id, legalHold, holdLoading }) {
  const { t, hasFn, run } = useApp();
  const call = useCall();
  const has = hasFn("GetRetentionPolicies");
  const loaded = useLoad(() => (has ? call("GetRetentionPolicies", { instanceID: id }) : null), [id, has]);
  const policies = (loaded.data && loaded.data.policies) || [];
  const [editing, setEditing] = useState(null);   // {index, form}
  const [deleting, setDeleting] = useState(null); // index
  const [asking, setAsking] = useState(false);
  const [busy, setBusy] = useState(null);         // "preview" | "run"
  const [outcome, setOutcome] = useState(null);   // {result} | {error}
  const [notice, setNotice] = useState(null);
  const canSet = hasFn("SetRetentionPolicies");
  const canProcess = hasFn("ProcessRetentionPolicies");

  const store = async (list, text) => {
    await call("SetRetentionPolicies", { instanceID: id, config: { policies: list } });
    setNotice(text);
    loaded.reload();
  };
  const process = async (dryRun) => {
    setBusy(dryRun ? "preview" : "run");
    setOutcome(null);
    setNotice(null);
    try {
      const r = resultOf(await run("ProcessRetentionPolicies", { instanceID: id, dryRun },
                                   { label: t(dryRun ? "retPreviewTask" : "retRunTask", { id }), listed: true }));
      setOutcome({ result: r });
    } catch (e) {
      setOutcome({ error: e });
    } finally {
      setBusy(null);
    }
  };

  return (
    <section class="panel cmp-retention" aria-labelledby="ret-title">
      <h2 id="ret-title">{t("retTitle")}</h2>
      {!has ? <Unavailable what="GetRetentionPolicies" /> : (
        <>
          <p class="hint">{t("retIntro")}</p>
          <ErrorNote error={loaded.error} />
          {!loaded.data && !loaded.error && <Loading />}
          {loaded.data && (policies.length === 0
            ? <p class="muted" id="ret-none">{t("retNone")}</p>
            : (
              <div class="table-wrap">
                <table class="table" id="ret-table">
                  <caption class="sr-only">{t("retTitle")}</caption>
                  <thead>
                    <tr>
                      <th scope="col">{t("retName")}</th>
                      <th scope="col">{t("retScope")}</th>
                      <th scope="col">{t("retPeriod")}</th>
                      <th scope="col">{t("retFrom")}</th>
                      <th scope="col">{t("retAction")}</th>
                      {canSet && <th scope="col" class="col-row-action"><span class="sr-only">{t("actions")}</span></th>}
                    </tr>
                  </thead>
                  <tbody>
                    {policies.map((p, i) => (
                      <tr key={p.name} data-policy={p.name}>
                        <td class="ret-name">{p.name}</td>
                        <td class="ret-scope">{scopeText(t, p.scope)}</td>
                        <td class="ret-period">{periodText(t, p.period)}</td>
                        <td>{t(p.from === "archiveDate" ? "retFromArchiveDate" : "retFromMessageDate")}</td>
                        <td>{t("retActionDelete")}</td>
                        {canSet && (
                          <td class="row-actions">
                            <button type="button" class="ghost small" aria-label={t("retEditLabel", { name: p.name })}
                                    onClick={() => setEditing({ index: i, form: policyFormOf(p) })}>{t("edit")}</button>
                            <button type="button" class="ghost small danger-text" aria-label={t("retDeleteLabel", { name: p.name })}
                                    onClick={() => setDeleting(i)}>{t("delete")}</button>
                          </td>
                        )}
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            ))}
          <div id="ret-notice"><Notice onDismiss={() => setNotice(null)}>{notice}</Notice></div>
          <div class="form-actions ret-actions">
            {canSet && loaded.data && (
              <button type="button" class="primary" id="ret-add" disabled={!canAddPolicy(policies)}
                      onClick={() => { setNotice(null); setEditing({ index: -1, form: emptyPolicyForm() }); }}>{t("retAdd")}</button>
            )}
            {canProcess && (
              <>
                <button type="button" class="ghost" id="ret-preview" disabled={!!busy} onClick={() => process(true)}>
                  {busy === "preview" ? t("working") : t("retPreview")}</button>
                <button type="button" class="danger" id="ret-run" disabled={!!busy || legalHold || holdLoading}
                        aria-describedby={legalHold ? "ret-hold-note" : undefined} onClick={() => setAsking(true)}>
                  {busy === "run" ? t("working") : t("retRun")}</button>
              </>
            )}
          </div>
          {canProcess && legalHold && <p class="note warn" id="ret-hold-note">{t("retHoldNote")}</p>}
          {!canProcess && <Unavailable what="ProcessRetentionPolicies" />}
          <div id="ret-result">
            {outcome && outcome.error && <ErrorNote error={outcome.error} id="ret-error" />}
            {outcome && outcome.result && <RetentionResult r={outcome.result} />}
          </div>
        </>
      )}
      {editing && (
        <PolicyDialog initial={editing.form} isNew={editing.index < 0}
                      others={policies.filter((_, i) => i !== editing.index).map((p) => p.name)}
                      onSave={async (policy) => {
                        await store(policiesWith(policies, editing.index, policy),
                                    t(editing.index < 0 ? "retAdded" : "retChanged", { name: policy.name }));
                        setEditing(null);
                      }}
                      onClose={() => setEditing(null)} />
      )}
      {deleting !== null && policies[deleting] && (
        <ConfirmDialog title={t("retDeleteTitle")} danger confirmLabel={t("delete")} onClose={() => setDeleting(null)}
                       onConfirm={async () => {
                         const name = policies[deleting].name;
                         await store(policiesWith(policies, deleting, null), t("retDeleted", { name }));
                         setDeleting(null);
                       }}>
          <p>{t("retDeleteConfirm", { name: policies[deleting].name })}</p>
        </ConfirmDialog>
      )}
      {asking && (
        <ConfirmDialog title={t("retRunTitle")} danger confirmLabel={t("retRunConfirmButton")} onClose={() => setAsking(false)}
                       onConfirm={async () => { setAsking(false); process(false); }}>
          <p>{t("retRunConfirm", { n: policies.length })}</p>
          <p>{t("retRunConfirmPreview")}</p>
        </ConfirmDialog>
      )}
    </section>
  );
}

function RetentionResult({ r }) {
  const { t, fmt } = useApp();
  const when = (s) => (s ? fmt.dateTime(new Date(s)) : t("retNoDate"));
  const messages = r.messages || [];
  const vars = { checked: fmt.number(r.messagesChecked || 0), expired: fmt.number(r.messagesExpired || 0),
                 deleted: fmt.number(r.messagesDeleted || 0), bytes: fmt.bytes(r.bytesDeleted || 0) };
  return (
    <div class="ret-outcome" id={r.dryRun ? "ret-preview-result" : "ret-run-result"}>
      <Notice>{t(r.dryRun ? "retPreviewDone" : "retRunDone", vars)}</Notice>
      {(r.policies || []).length > 0 && (
        <ul class="ret-per-policy">
          {r.policies.map((p) => <li key={p.name}>{t("retPolicyExpired", { name: p.name, n: p.messagesExpired || 0 })}</li>)}
        </ul>
      )}
      {messages.length > 0 && (
        <div class="table-wrap ret-messages" tabIndex={0} role="region" aria-label={t(r.dryRun ? "retWouldGo" : "retWent")}>
          <table class="table">
            <caption class="sr-only">{t(r.dryRun ? "retWouldGo" : "retWent")}</caption>
            <thead>
              <tr>
                <th scope="col">{t("retFolder")}</th>
                <th scope="col">{t("retSubject")}</th>
                <th scope="col">{t("retFromMessageDate")}</th>
                <th scope="col">{t("retFromArchiveDate")}</th>
                <th scope="col">{t("retExpiredOn")}</th>
                <th scope="col">{t("retPolicy")}</th>
                <th scope="col" class="num">{t("retSize")}</th>
              </tr>
            </thead>
            <tbody>
              {messages.map((m) => (
                <tr key={m.store + ":" + m.id}>
                  <td>{m.folder}</td>
                  <td class="ret-subject">{m.subject || t("retNoSubject")}</td>
                  <td>{when(m.messageDate)}</td>
                  <td>{when(m.archiveDate)}</td>
                  <td>{when(m.expiredOn)}</td>
                  <td>{m.policy}</td>
                  <td class="num">{fmt.bytes(m.size || 0)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {r.messagesListTruncated && <p class="hint">{t("retTruncated", { n: fmt.number(messages.length) })}</p>}
    </div>
  );
}

function PolicyDialog({ initial, isNew, others, onSave, onClose }) {
  const { t } = useApp();
  const [f, setF] = useState(initial);
  const [touched, setTouched] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  const problems = policyProblems(f, others);
  const p = (k) => (touched && problems[k] ? t(problems[k].key, problems[k].vars || {}) : null);
  const set = (k) => (e) => {
    const el = e.currentTarget;
    setF((o) => ({ ...o, [k]: el.type === "checkbox" ? el.checked : el.value }));
  };
  const submit = async (e) => {
    e.preventDefault();
    setTouched(true);
    if (Object.keys(problems).length) { focusFirstProblem(e.currentTarget); return; }
    setBusy(true);
    setError(null);
    try {
      await onSave(policyOf(f));
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };
  const text = (k, label, hint, rows) => (
    <Field label={label} hint={hint} problem={p(k)}>
      {({ id, describedBy, invalid }) => (
        rows
          ? <textarea id={id} name={k} rows={rows} value={f[k]} onInput={set(k)} spellcheck={false}
                      aria-describedby={describedBy} aria-invalid={invalid ? "true" : undefined} />
          : <input id={id} name={k} value={f[k]} onInput={set(k)} spellcheck={false} autocomplete="off"
                   aria-describedby={describedBy} aria-invalid={invalid ? "true" : undefined} />
      )}
    </Field>
  );
  const num = (k, label) => (
    <Field label={label} problem={p(k)}>
      {({ id, describedBy, invalid }) => (
        <input id={id} name={k} type="number" min="0" step="1" inputmode="numeric" value={f[k]} onInput={set(k)}
               aria-describedby={describedBy} aria-invalid={invalid ? "true" : undefined} />
      )}
    </Field>
  );
  return (
    <Dialog title={t(isNew ? "retAddTitle" : "retEditTitle")} onClose={busy ? null : onClose} wide className="ret-dialog">
      <form id="ret-form" onSubmit={submit} noValidate>
        {text("name", t("retName"))}
        <fieldset class="ret-scope-choice">
          <legend>{t("retScope")}</legend>
          {SCOPE_KINDS.map((k) => (
            <div class="field check-field" key={k}>
              <input type="radio" id={"ret-kind-" + k} name="kind" value={k} checked={f.kind === k} onChange={set("kind")} />
              <label for={"ret-kind-" + k}>{t(SCOPE_LABELS[k].key)}</label>
            </div>
          ))}
        </fieldset>
        {f.kind === "users" && text("users", t("retUsers"), t("retUsersHint"), 4)}
        {f.kind === "folders" && (
          <>
            {text("folders", t("retFolders"), t("retFoldersHint"), 4)}
            <div class="field check-field">
              <input id="ret-subfolders" type="checkbox" name="includeSubfolders" checked={f.includeSubfolders} onChange={set("includeSubfolders")} />
              <label for="ret-subfolders">{t("retIncludeSubfolders")}</label>
            </div>
          </>
        )}
        <fieldset class="ret-period-fields">
          <legend>{t("retPeriod")}</legend>
          <div class="form-row">
            {num("years", t("retPeriodYears"))}
            {num("months", t("retPeriodMonths"))}
            {num("days", t("retPeriodDays"))}
          </div>
        </fieldset>
        <div class="form-row ret-two">
          <Field label={t("retFrom")}>
            {({ id }) => (
              <select id={id} name="from" value={f.from} onChange={set("from")}>
                {FROM.map((k) => <option key={k} value={k}>{t(k === "archiveDate" ? "retFromArchiveDate" : "retFromMessageDate")}</option>)}
              </select>
            )}
          </Field>
          <Field label={t("retAction")} hint={t("retActionHint")}>
            {({ id, describedBy }) => (
              <select id={id} name="action" value={f.action} onChange={set("action")} aria-describedby={describedBy}>
                <option value="delete">{t("retActionDelete")}</option>
              </select>
            )}
          </Field>
        </div>
        <ErrorNote error={error} id="ret-save-error" />
        <div class="dialog-actions">
          <button type="button" class="ghost" onClick={onClose} disabled={busy}>{t("cancel")}</button>
          <button type="submit" class="primary" id="ret-save" disabled={busy}>{busy ? t("saving") : t("save")}</button>
        </div>
      </form>
    </Dialog>
  );
}

// ---- The audit log ----

const EMPTY_FILTER = { from: "", to: "", actor: "", event: "", object: "" };

function AuditPanel({ id }) {
  const { t, hasFn } = useApp();
  return (
    <section class="panel cmp-audit" aria-labelledby="aud-title">
      <h2 id="aud-title">{t("audTitle")}</h2>
      <p class="hint">{t("audIntro")}</p>
      {hasFn("GetAuditLogPublicKey") ? <PublicKey id={id} /> : <Unavailable what="GetAuditLogPublicKey" />}
      {hasFn("VerifyAuditLog") ? <Verify id={id} /> : <Unavailable what="VerifyAuditLog" />}
      {hasFn("GetAuditLog") ? <AuditEntries id={id} /> : <Unavailable what="GetAuditLog" />}
    </section>
  );
}

function PublicKey({ id }) {
  const { t } = useApp();
  const call = useCall();
  const key = useLoad(() => call("GetAuditLogPublicKey", { instanceID: id }), [id]);
  return (
    <div class="aud-key" id="aud-key">
      <h3>{t("audKeyTitle")}</h3>
      <ErrorNote error={key.error} />
      {key.data && (
        <>
          <div class="secret-box">
            <code id="aud-key-value">{key.data.publicKey}</code>
            <CopyButton text={key.data.publicKey} label={t("audCopyKey")} />
          </div>
          <p class="hint">{t("audKeyHint", { algorithm: key.data.algorithm || "Ed25519", fingerprint: key.data.fingerprint || "" })}</p>
        </>
      )}
    </div>
  );
}

function Verify({ id }) {
  const { t, fmt, run } = useApp();
  const [busy, setBusy] = useState(false);
  const [out, setOut] = useState(null);  // {result} | {error}
  const verify = async () => {
    setBusy(true);
    setOut(null);
    try {
      setOut({ result: resultOf(await run("VerifyAuditLog", { instanceID: id }, { label: t("audVerifyTask", { id }), listed: true })) });
    } catch (e) {
      setOut({ error: e });
    } finally {
      setBusy(false);
    }
  };
  const r = out && out.result;
  return (
    <div class="aud-verify">
      <h3>{t("audVerifyTitle")}</h3>
      <p class="hint">{t("audVerifyHint")}</p>
      <button type="button" class="ghost" id="aud-verify" onClick={verify} disabled={busy}>{busy ? t("working") : t("audVerify")}</button>
      <div id="aud-verify-result">
        {out && out.error && <ErrorNote error={out.error} />}
        {r && r.intact && (
          <Notice>{t("audIntact", { entries: fmt.number(r.entries || 0), checkpoints: fmt.number(r.checkpoints || 0),
                                     last: r.lastCheckpoint ? fmt.dateTime(new Date(r.lastCheckpoint.time)) : t("audNoCheckpoint") })}
            {r.note ? "\n" + r.note : ""}</Notice>
        )}
        {r && !r.intact && (
          <div class="note error" role="alert" id="aud-broken">
            <span class="note-icon" aria-hidden="true">!</span>
            <span class="note-text">
              {r.firstBadEntry ? t("audBrokenAt", { n: r.firstBadEntry, problem: r.problem || "" }) : t("audBroken", { problem: r.problem || "" })}
            </span>
          </div>
        )}
      </div>
    </div>
  );
}

function AuditEntries({ id }) {
  const { t, fmt, hasFn, run } = useApp();
  const call = useCall();
  const [draft, setDraft] = useState(EMPTY_FILTER);
  const [filter, setFilter] = useState(EMPTY_FILTER);
  const [page, setPage] = useState(1);
  const [size, setSize] = useState(AUDIT_PAGE_SIZE);
  const [touched, setTouched] = useState(false);
  const [exporting, setExporting] = useState({ busy: false, error: null, file: null });
  const query = auditQuery(filter, page, size);
  const entries = useLoad(() => call("GetAuditLog", { instanceID: id, ...query.args, ...query.paging }),
                          [id, JSON.stringify(query)]);
  const shown = auditPageOf(entries.data, page, size);
  const draftProblems = auditQuery(draft).problems;
  const p = (k) => (touched && draftProblems[k] ? t(draftProblems[k].key) : null);
  useEffect(() => () => { if (exporting.file) URL.revokeObjectURL(exporting.file.url); }, [exporting.file]);

  const apply = (e) => {
    e.preventDefault();
    setTouched(true);
    if (Object.keys(draftProblems).length) { focusFirstProblem(e.currentTarget); return; }
    // The same filter again reads the log again (it grows while the page is open).
    if (page === 1 && JSON.stringify(draft) === JSON.stringify(filter)) entries.reload();
    setFilter(draft);
    setPage(1);
    setExporting({ busy: false, error: null, file: null });
  };
  const clear = () => {
    setDraft(EMPTY_FILTER);
    setFilter(EMPTY_FILTER);
    setPage(1);
    setTouched(false);
    setExporting({ busy: false, error: null, file: null });
  };
  const set = (k) => (e) => { const v = e.currentTarget.value; setDraft((d) => ({ ...d, [k]: v })); };
  const doExport = async () => {
    setExporting({ busy: true, error: null, file: null });
    try {
      const r = resultOf(await run("ExportAuditLog", { instanceID: id, ...query.args },
                                   { label: t("audExportTask", { id }), listed: true }));
      const blob = new Blob([r.jsonLines || ""], { type: "application/x-ndjson" });
      setExporting({ busy: false, error: null,
                     file: { url: URL.createObjectURL(blob), name: exportFileName(id), entries: r.entries, checkpoints: r.checkpoints } });
    } catch (err) {
      setExporting({ busy: false, error: err, file: null });
    }
  };
  const input = (k, label, type = "text") => (
    <Field label={label} problem={p(k)}>
      {({ id: fid, describedBy, invalid }) => (
        <input id={fid} name={k} type={type} value={draft[k]} onInput={set(k)} spellcheck={false} autocomplete="off"
               list={k === "event" ? "aud-event-names" : undefined}
               aria-describedby={describedBy} aria-invalid={invalid ? "true" : undefined} />
      )}
    </Field>
  );
  const filtered = Object.keys(query.args).length > 0;

  return (
    <div class="aud-entries" aria-busy={entries.loading ? "true" : "false"}>
      <h3>{t("audEntriesTitle")}</h3>
      <form class="aud-filters" id="aud-filters" onSubmit={apply} noValidate aria-label={t("audFilters")}>
        {input("from", t("audFromTime"), "datetime-local")}
        {input("to", t("audToTime"), "datetime-local")}
        {input("actor", t("audActor"))}
        {input("event", t("audEvent"))}
        {input("object", t("audObject"))}
        <datalist id="aud-event-names">{ALL_EVENTS.map((n) => <option key={n} value={n} />)}</datalist>
        <div class="aud-filter-actions">
          <button type="submit" class="primary" id="aud-search">{t("search")}</button>
          <button type="button" class="ghost" id="aud-clear" onClick={clear}>{t("clearFilters")}</button>
        </div>
      </form>
      <p class="hint">{t("audFilterHint")}</p>
      <ErrorNote error={entries.error} id="aud-error" />
      {entries.loading && !entries.data && <Loading />}
      {entries.data && shown.rows.length === 0 && (
        <p class="muted" id="aud-empty">{t(filtered ? "audNoneMatch" : "audNone")}</p>
      )}
      {shown.rows.length > 0 && (
        <div class="table-wrap aud-table-wrap" tabIndex={0} role="region" aria-label={t("audEntriesTitle")}>
          <table class="table aud-table" id="aud-table">
            <caption class="sr-only">{t("audEntriesTitle")}</caption>
            <thead>
              <tr>
                <th scope="col" class="num">{t("audSequence")}</th>
                <th scope="col">{t("audTime")}</th>
                <th scope="col">{t("audActor")}</th>
                <th scope="col">{t("audEvent")}</th>
                <th scope="col">{t("audObjectColumn")}</th>
                <th scope="col">{t("audDetails")}</th>
                <th scope="col">{t("audOutcome")}</th>
                <th scope="col">{t("audSource")}</th>
              </tr>
            </thead>
            <tbody>
              {shown.rows.map((e) => (
                <tr key={e.sequence} data-event={e.event}>
                  <td class="num">{e.sequence}</td>
                  <td class="aud-time">{fmt.dateTime(new Date(e.time))}</td>
                  <td>{e.actor}{e.actorKind && <span class="aud-kind">{e.actorKind}</span>}</td>
                  <td class="aud-event"><code>{e.event}</code></td>
                  <td class="aud-object">{e.object}</td>
                  <td class="aud-details">{e.details}</td>
                  <td><Badge kind={e.outcome === "success" ? "succeeded" : "failed"}>{t(e.outcome === "success" ? "audSuccess" : "audFailure")}</Badge></td>
                  <td class="aud-source">{e.source}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {shown.rows.length > 0 && (
        <nav class="pager" aria-label={t("audPages")}>
          <div class="field inline">
            <label for="aud-size">{t("perPage")}</label>
            <select id="aud-size" value={size} onChange={(e) => { setSize(Number(e.currentTarget.value)); setPage(1); }}>
              {PAGE_SIZES.map((n) => <option key={n} value={n}>{n}</option>)}
            </select>
          </div>
          <span class="range" id="aud-range">{t("audRange", { from: fmt.number(shown.from), to: fmt.number(shown.to) })}</span>
          <div class="pager-buttons">
            <button type="button" class="pagebtn" id="aud-prev" disabled={page <= 1 || entries.loading}
                    onClick={() => setPage(page - 1)} aria-label={t("previousPage")}>‹</button>
            <span class="page-of">{t("audPage", { page })}</span>
            <button type="button" class="pagebtn" id="aud-next" disabled={!shown.more || entries.loading}
                    onClick={() => setPage(page + 1)} aria-label={t("nextPage")}>›</button>
          </div>
        </nav>
      )}
      <div class="aud-export">
        <h3>{t("audExportTitle")}</h3>
        {!hasFn("ExportAuditLog") ? <Unavailable what="ExportAuditLog" /> : (
          <>
            <p class="hint">{t(filtered ? "audExportFilteredHint" : "audExportHint")}</p>
            <div class="form-actions">
              <button type="button" class="ghost" id="aud-export" onClick={doExport} disabled={exporting.busy}>
                {exporting.busy ? t("working") : t("audExport")}</button>
              {exporting.file && (
                <a class="button-link" id="aud-download" href={exporting.file.url} download={exporting.file.name}>
                  {t("audDownload", { name: exporting.file.name })}</a>
              )}
            </div>
            <ErrorNote error={exporting.error} id="aud-export-error" />
            {exporting.file && (
              <p class="hint" id="aud-export-done">{t("audExported", { entries: fmt.number(exporting.file.entries || 0),
                                                                     checkpoints: fmt.number(exporting.file.checkpoints || 0) })}</p>
            )}
          </>
        )}
      </div>
    </div>
  );
}
