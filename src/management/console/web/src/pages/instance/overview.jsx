// An instance's Overview tab: what the instance is (status, process, host,
// base directory), its archive's statistics (GetInstanceStatistics, while
// its process runs) and its configuration as a form
// (GetInstanceConfiguration / SetInstanceConfiguration: only the changed
// keys are sent). Every field says what it does and when a change takes
// effect; the host and base directory change only while the instance is
// stopped; a change that waits for the next start offers a restart
// (RestartInstances, asked first, followed in the task window).
import "./overview.css";
import { useEffect, useState } from "preact/hooks";
import { START_MODES } from "../../instances.js";
import { FIELDS, changedFields, configToSave, formOf, formProblems, isStopped, needRestart,
         statisticsRows } from "../../instance_overview.js";
import { ConfirmDialog, ErrorNote, Loading, Notice, focusFirstProblem, useApp, useCall, useLoad } from "../../ui.jsx";
import { StatusCell } from "../instances.jsx";

export function OverviewTab({ id, instance, reload }) {
  return (
    <div class="overview">
      <div class="overview-grid">
        <FactsPanel id={id} instance={instance} />
        <StatisticsPanel id={id} instance={instance} />
      </div>
      <ConfigurationPanel id={id} instance={instance} reload={reload} />
    </div>
  );
}

function FactsPanel({ id, instance }) {
  const { t } = useApp();
  return (
    <section class="panel" aria-labelledby="ov-facts-title">
      <h2 id="ov-facts-title">{t("ovFacts")}</h2>
      <dl class="facts compact">
        <div><dt>{t("instanceId")}</dt><dd><code>{id}</code></dd></div>
        <div><dt>{t("status")}</dt><dd><StatusCell instance={instance} /></dd></div>
        <div><dt>{t("processId")}</dt><dd class="ov-facts-pid">{instance.processID ?? <span class="muted">—</span>}</dd></div>
        <div><dt>{t("instanceHost")}</dt><dd>{instance.instanceHost}</dd></div>
        <div><dt>{t("startMode")}</dt><dd>{START_MODES.includes(instance.startMode) ? t("mode_" + instance.startMode) : instance.startMode}</dd></div>
      </dl>
    </section>
  );
}

function StatisticsPanel({ id, instance }) {
  const { t, fmt } = useApp();
  const call = useCall();
  const running = instance.status === "running";
  const stats = useLoad(() => (running ? call("GetInstanceStatistics", { instanceID: id }) : null), [id, running]);
  const rows = statisticsRows(stats.data);
  const LABELS = {
    numberOfMessages: t("ovMessages"),
    totalSizeMB: t("ovTotalSize"),
    databaseFileSizeMB: t("ovDatabaseSize"),
    contentFileSizeMB: t("ovContentSize"),
    indexFileSizeMB: t("ovIndexSize"),
  };
  const shown = (r) => (r.kind === "count" ? fmt.number(r.value) : r.kind === "mb" ? fmt.bytes(r.value)
    : typeof r.value === "number" ? fmt.number(r.value) : typeof r.value === "object" ? JSON.stringify(r.value) : String(r.value));
  return (
    <section class="panel ov-stats" aria-labelledby="ov-stats-title" aria-busy={stats.loading ? "true" : undefined}>
      <div class="ov-panel-head">
        <h2 id="ov-stats-title">{t("ovStatistics")}</h2>
        {running && (
          <button type="button" class="ghost small" id="ov-stats-refresh" onClick={stats.reload} disabled={stats.loading}>
            {t("refresh")}
          </button>
        )}
      </div>
      {!running ? <p class="muted">{t("ovStatisticsNotRunning")}</p> : (
        <>
          <ErrorNote error={stats.error} />
          {stats.loading && !stats.data ? <Loading /> : (
            <dl class="ov-figures">
              {rows.map((r) => (
                <div key={r.field} class={r.field === "numberOfMessages" ? "ov-figure main" : "ov-figure"}>
                  <dt>{LABELS[r.field] || <code>{r.field}</code>}</dt>
                  <dd id={"ov-stat-" + r.field}>{shown(r)}</dd>
                </div>
              ))}
            </dl>
          )}
          <p class="hint">{t("ovStatisticsHint")}</p>
        </>
      )}
    </section>
  );
}

function ConfigurationPanel({ id, instance, reload }) {
  const { t, run } = useApp();
  const call = useCall();
  const config = useLoad(() => call("GetInstanceConfiguration", { instanceID: id }), [id]);
  const hosts = useLoad(() => call("GetInstanceHosts"), []);
  const others = useLoad(() => call("GetInstances", { instanceFilter: "*" }), []);
  const [form, setForm] = useState(null);
  const [touched, setTouched] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  const [saved, setSaved] = useState(null);        // {fields, restart: [...]}
  const [askRestart, setAskRestart] = useState(false);
  const [restartError, setRestartError] = useState(null);

  useEffect(() => { if (config.data) setForm(formOf(config.data)); }, [config.data]);

  if (config.loading && !form) return <section class="panel"><Loading /></section>;
  if (!form) return <section class="panel"><ErrorNote error={config.error} /></section>;

  const stopped = isStopped(instance);
  const problems = formProblems(form, id, others.data || []);
  const changed = changedFields(config.data, form);
  const problem = (k) => (touched && problems[k] ? t(problems[k]) : null);
  const set = (k) => (v) => { setForm((f) => ({ ...f, [k]: v })); setSaved(null); };

  const save = async (e) => {
    e.preventDefault();
    setTouched(true);
    const relevant = Object.keys(problems).filter((k) => stopped || FIELDS[k] !== "stopped");
    if (relevant.length) { focusFirstProblem(e.currentTarget); return; }
    const cfg = configToSave(config.data, form);
    if (!cfg) return;
    setBusy(true);
    setError(null);
    setSaved(null);
    try {
      // A new host or directory moves the instance's data: a task with its progress.
      const moving = "instanceHost" in cfg || "baseDirectory" in cfg;
      const host = cfg.instanceHost || config.data.instanceHost;
      await call("SetInstanceConfiguration", { config: cfg }, moving ? { label: t("ovMoveTask", { id, host }) } : undefined);
      const fields = Object.keys(cfg).filter((k) => k !== "instanceID");
      setSaved({ fields, restart: needRestart(fields, instance) });
      setTouched(false);
      config.reload();
      reload();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const restart = async () => {
    setRestartError(null);
    const label = t("ovRestartTask", { id });
    try {
      await call("RestartInstances", { instanceFilter: id }, { label });
      setSaved((s) => (s ? { ...s, restart: [], restarted: true } : s));
    } catch (err) {
      setRestartError(err);
    } finally {
      reload();
    }
  };

  const effect = (k) => ({
    now: t("ovEffectNow"), supervision: t("ovEffectSupervision"), restart: t("ovEffectRestart"),
    stopped: t("ovEffectStopped"), stored: t("ovEffectStored"),
  })[FIELDS[k]];
  const FIELD_LABELS = {
    displayName: t("displayName"), alias: t("alias"), startMode: t("startMode"), instanceHost: t("instanceHost"),
    baseDirectory: t("baseDirectory"), debugLogEnabled: t("ovDebugLog"),
    imapServerConnectionLogEnabled: t("ovImapLog"), vssWriterEnabled: t("ovVssWriter"),
    vssWriterExcludeIndexes: t("ovVssExcludeIndexes"),
  };
  const hostList = hosts.data || [];
  const hostNames = hostList.map((h) => h.serverName);
  if (form.instanceHost && !hostNames.includes(form.instanceHost)) hostNames.push(form.instanceHost);
  const hostOf = hostList.find((h) => h.serverName === form.instanceHost);

  return (
    <section class="panel ov-config" aria-labelledby="ov-config-title">
      <h2 id="ov-config-title">{t("ovConfiguration")}</h2>
      <p class="hint ov-config-intro">{t("ovConfigurationHint")}</p>
      <form onSubmit={save} noValidate>
        <fieldset class="ov-group">
          <legend>{t("ovNames")}</legend>
          <div class="ov-row">
            <TextConfig id="ov-displayName" label={FIELD_LABELS.displayName} value={form.displayName}
                        onInput={set("displayName")} hint={t("ovDisplayNameHelp")} effect={effect("displayName")}
                        problem={problem("displayName")} />
            <TextConfig id="ov-alias" label={FIELD_LABELS.alias} value={form.alias} onInput={set("alias")} mono
                        hint={t("ovAliasHelp")} effect={effect("alias")} problem={problem("alias")} />
          </div>
        </fieldset>

        <fieldset class="ov-group" aria-describedby="ov-mode-effect">
          <legend>{FIELD_LABELS.startMode}</legend>
          <div class="ov-modes">
            {START_MODES.map((m) => (
              <label key={m} class={"choice" + (form.startMode === m ? " chosen" : "")}>
                <input type="radio" name="ov-mode" id={"ov-mode-" + m} value={m} checked={form.startMode === m}
                       onChange={() => set("startMode")(m)} />
                <span class="choice-text">
                  <span class="choice-title">{t("mode_" + m)}</span>
                  <span class="choice-detail">{t("modeHelp_" + m)}</span>
                </span>
              </label>
            ))}
          </div>
          <p class={effectClass("startMode")} id="ov-mode-effect">{effect("startMode")}</p>
        </fieldset>

        <fieldset class="ov-group">
          <legend>{t("ovLocation")}</legend>
          {!stopped && <p class="note ov-location-note">{t("ovLocationRunning")}</p>}
          <div class="ov-row">
            <div class="field">
              <label for="ov-instanceHost">{FIELD_LABELS.instanceHost}</label>
              <select id="ov-instanceHost" value={form.instanceHost} disabled={!stopped}
                      aria-describedby="ov-instanceHost-hint ov-instanceHost-effect"
                      aria-invalid={problem("instanceHost") ? "true" : undefined}
                      onChange={(e) => set("instanceHost")(e.currentTarget.value)}>
                {hostNames.map((h) => <option key={h} value={h}>{h}</option>)}
              </select>
              <p class="hint" id="ov-instanceHost-hint">{t("ovHostHelp")}</p>
              <p class={effectClass("instanceHost")} id="ov-instanceHost-effect">{effect("instanceHost")}</p>
              <ErrorNote error={hosts.error} />
            </div>
            <TextConfig id="ov-baseDirectory" label={FIELD_LABELS.baseDirectory} value={form.baseDirectory}
                        onInput={set("baseDirectory")} disabled={!stopped} mono
                        hint={hostOf && hostOf.baseDirectory ? t("ovBaseHelpHost", { path: hostOf.baseDirectory }) : t("ovBaseHelp")}
                        effect={effect("baseDirectory")} problem={stopped ? problem("baseDirectory") : null} />
          </div>
        </fieldset>

        <fieldset class="ov-group">
          <legend>{t("ovLogsAndBackups")}</legend>
          <CheckConfig id="ov-debugLogEnabled" label={FIELD_LABELS.debugLogEnabled} checked={form.debugLogEnabled}
                       onChange={set("debugLogEnabled")} hint={t("ovDebugLogHelp")} effect={effect("debugLogEnabled")} />
          <CheckConfig id="ov-imapServerConnectionLogEnabled" label={FIELD_LABELS.imapServerConnectionLogEnabled}
                       checked={form.imapServerConnectionLogEnabled} onChange={set("imapServerConnectionLogEnabled")}
                       hint={t("ovImapLogHelp")} effect={effect("imapServerConnectionLogEnabled")} />
          <CheckConfig id="ov-vssWriterEnabled" label={FIELD_LABELS.vssWriterEnabled} checked={form.vssWriterEnabled}
                       onChange={set("vssWriterEnabled")} hint={t("ovVssWriterHelp")} effect={effect("vssWriterEnabled")} />
          <CheckConfig id="ov-vssWriterExcludeIndexes" label={FIELD_LABELS.vssWriterExcludeIndexes}
                       checked={form.vssWriterExcludeIndexes} onChange={set("vssWriterExcludeIndexes")}
                       hint={t("ovVssExcludeIndexesHelp")} effect={effect("vssWriterExcludeIndexes")} />
        </fieldset>

        <ErrorNote error={error} />
        {saved && (
          <Notice onDismiss={() => setSaved(null)}>
            {t("ovSaved", { fields: saved.fields.map((k) => FIELD_LABELS[k]).join(", ") })}
            {saved.restarted && <> {t("ovRestarted")}</>}
          </Notice>
        )}
        {saved && saved.restart.length > 0 && (
          <div class="note warn ov-restart" role="status">
            <span class="note-text">{t("ovRestartNeeded", { fields: saved.restart.map((k) => FIELD_LABELS[k]).join(", ") })}</span>
            <button type="button" class="ghost small" id="ov-restart" onClick={() => setAskRestart(true)}>{t("ovRestartNow")}</button>
          </div>
        )}
        <ErrorNote error={restartError} />
        <div class="form-actions">
          <button type="submit" class="primary" id="ov-save" disabled={busy || changed.length === 0}>
            {busy ? t("saving") : t("save")}
          </button>
          <button type="button" class="ghost" id="ov-reset" disabled={busy || changed.length === 0}
                  onClick={() => { setForm(formOf(config.data)); setTouched(false); setError(null); }}>
            {t("ovDiscard")}
          </button>
          <span class="muted small" aria-live="polite">
            {changed.length ? t("ovUnsaved", { n: changed.length }) : t("ovNoChanges")}
          </span>
        </div>
      </form>
      {askRestart && (
        <ConfirmDialog title={t("ovRestartTitle", { id })} confirmLabel={t("ovRestartNow")} danger
                       onClose={() => setAskRestart(false)}
                       onConfirm={async () => { setAskRestart(false); restart(); }}>
          <p>{t("ovRestartText")}</p>
        </ConfirmDialog>
      )}
    </section>
  );
}

const effectClass = (field) => "ov-effect" + (FIELDS[field] === "restart" || FIELDS[field] === "stopped" ? " attention" : "");

function TextConfig({ id, label, value, onInput, hint, effect, problem, disabled = false, mono = false }) {
  const described = [id + "-hint", id + "-effect", problem && id + "-problem"].filter(Boolean).join(" ");
  return (
    <div class="field">
      <label for={id}>{label}</label>
      <input id={id} type="text" value={value} class={mono ? "mono" : ""} disabled={disabled} autocomplete="off"
             spellcheck={false} aria-invalid={problem ? "true" : undefined} aria-describedby={described}
             onInput={(e) => onInput(e.currentTarget.value)} />
      {problem && <p id={id + "-problem"} class="problem">{problem}</p>}
      <p id={id + "-hint"} class="hint">{hint}</p>
      <p id={id + "-effect"} class={effectClass(id.replace(/^ov-/, ""))}>{effect}</p>
    </div>
  );
}

function CheckConfig({ id, label, checked, onChange, hint, effect }) {
  return (
    <div class="ov-check">
      <div class="field check-field">
        <input id={id} type="checkbox" checked={checked} aria-describedby={id + "-hint " + id + "-effect"}
               onChange={(e) => onChange(e.currentTarget.checked)} />
        <label for={id}>{label}</label>
      </div>
      <p id={id + "-hint"} class="hint">{hint}</p>
      <p id={id + "-effect"} class={effectClass(id.replace(/^ov-/, ""))}>{effect}</p>
    </div>
  );
}
