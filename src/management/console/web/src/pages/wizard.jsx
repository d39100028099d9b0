// The New instance wizard: 1. the ID (the server's rule checked as typed,
// and not another instance's ID or alias), alias and display name; 2. the
// Instance Host (GetInstanceHosts, each with its base directory) and an
// optional base directory; 3. the start mode, a summary, CreateInstance.
// The API's error is shown on the last step, where the call was made.
import { useEffect, useRef, useState } from "preact/hooks";
import { aliasProblem, defaultBaseDirectory, instanceIdProblem, START_MODES } from "../instances.js";
import { Dialog, ErrorNote, Loading, useApp, useCall, useLoad } from "../ui.jsx";

const STEPS = ["wizardStepName", "wizardStepHost", "wizardStepStart"];
const utf8Length = (s) => new TextEncoder().encode(s).length;

export function CreateInstanceWizard({ existing, onClose, onCreated }) {
  const { t } = useApp();
  const call = useCall();
  const hosts = useLoad(() => call("GetInstanceHosts"), []);
  const [step, setStep] = useState(0);
  const [touched, setTouched] = useState({});
  const [cfg, setCfg] = useState({ instanceID: "", alias: "", displayName: "", instanceHost: "", baseDirectory: "",
                                   startMode: "manual" });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  const formRef = useRef(null);
  useEffect(() => {  // a new step starts at its first field
    if (step === 0 || !formRef.current) return;
    const first = formRef.current.querySelector("input:checked, input:not([type=radio])");
    if (first) first.focus();
  }, [step, hosts.loading]);
  const set = (k, v) => { setCfg((c) => ({ ...c, [k]: v })); setTouched((x) => ({ ...x, [k]: true })); };

  const idProblem = instanceIdProblem(cfg.instanceID, existing);
  const aliasIssue = aliasProblem(cfg.alias, cfg.instanceID, existing);
  const nameIssue = utf8Length(cfg.displayName) > 256 ? "displayNameTooLong" : null;
  const baseIssue = cfg.baseDirectory && !/^[/~]/.test(cfg.baseDirectory) ? "baseDirectoryAbsolute"
                  : cfg.baseDirectory.length > 1024 ? "baseDirectoryTooLong" : null;
  const hostList = hosts.data || [];
  // A single host is chosen for the user.
  const host = hostList.find((h) => h.serverName === cfg.instanceHost) || (hostList.length === 1 ? hostList[0] : null);
  const stepValid = [!idProblem && !aliasIssue && !nameIssue, !!host && !baseIssue, START_MODES.includes(cfg.startMode)];

  const next = (e) => {
    e.preventDefault();
    if (step === 0) setTouched((x) => ({ ...x, instanceID: true, alias: true, displayName: true }));
    if (step === 1) setTouched((x) => ({ ...x, instanceHost: true, baseDirectory: true }));
    if (!stepValid[step]) {
      const first = e.currentTarget.querySelector("[aria-invalid=true]");
      if (first) first.focus();
      return;
    }
    if (step < 2) { setStep(step + 1); return; }
    create();
  };

  const create = async () => {
    setBusy(true);
    setError(null);
    const config = { instanceID: cfg.instanceID, instanceHost: host.serverName, startMode: cfg.startMode };
    if (cfg.alias) config.alias = cfg.alias;
    if (cfg.displayName) config.displayName = cfg.displayName;
    if (cfg.baseDirectory) config.baseDirectory = cfg.baseDirectory;
    try {
      await call("CreateInstance", { config }, { label: t("createInstanceTask", { id: cfg.instanceID }) });
      onCreated(cfg.instanceID);
    } catch (e) {
      setError(e);
      setBusy(false);
    }
  };

  const show = (k, problem) => (touched[k] && problem ? t(problem, { max: 32 }) : null);
  return (
    <Dialog title={t("newInstance")} onClose={busy ? null : onClose} wide className="wizard">
      <ol class="steps">
        {STEPS.map((s, i) => (
          <li key={s} class={i === step ? "current" : i < step ? "done" : ""} aria-current={i === step ? "step" : undefined}>
            <span class="step-number" aria-hidden="true">{i + 1}</span><span>{t(s)}</span>
          </li>
        ))}
      </ol>
      <form ref={formRef} onSubmit={next} noValidate>
        {step === 0 && (
          <div class="form-grid">
            <TextField id="wiz-id" label={t("instanceId")} value={cfg.instanceID} onInput={(v) => set("instanceID", v)}
                       hint={t("instanceIdRule")} problem={show("instanceID", idProblem)} autoFocus
                       ok={cfg.instanceID && !idProblem ? t("instanceIdOk") : null} />
            <TextField id="wiz-alias" label={t("aliasOptional")} value={cfg.alias} onInput={(v) => set("alias", v)}
                       hint={t("aliasRule")} problem={show("alias", aliasIssue)} />
            <TextField id="wiz-name" label={t("displayNameOptional")} value={cfg.displayName}
                       onInput={(v) => set("displayName", v)} problem={show("displayName", nameIssue)} />
          </div>
        )}
        {step === 1 && (
          hosts.loading && !hosts.data ? <Loading /> : hosts.error ? <ErrorNote error={hosts.error} /> :
          hostList.length === 0 ? <p class="note warn">{t("noHostsForInstance")}</p> : (
            <>
              <fieldset class="choice-list">
                <legend>{t("instanceHost")}</legend>
                {hostList.map((h) => (
                  <label key={h.serverName} class={"choice" + (host && host.serverName === h.serverName ? " chosen" : "")}>
                    <input type="radio" name="wiz-host" value={h.serverName}
                           checked={!!host && host.serverName === h.serverName}
                           onChange={() => set("instanceHost", h.serverName)} />
                    <span class="choice-text">
                      <span class="choice-title">{h.serverName}<span class="muted">:{h.port}</span></span>
                      <span class="choice-detail">{t("baseDirectory")}: {h.baseDirectory
                        ? <code>{h.baseDirectory}</code> : <span class="muted">{t("baseDirectoryOfHost")}</span>}</span>
                    </span>
                  </label>
                ))}
              </fieldset>
              {touched.instanceHost && !host && <p class="problem">{t("chooseHost")}</p>}
              <TextField id="wiz-base" label={t("baseDirectoryOptional")} value={cfg.baseDirectory}
                         onInput={(v) => set("baseDirectory", v)} problem={show("baseDirectory", baseIssue)}
                         hint={host && host.baseDirectory
                           ? t("baseDirectoryDefault", { path: defaultBaseDirectory(host.baseDirectory, cfg.instanceID) })
                           : t("baseDirectoryHint")} mono />
            </>
          )
        )}
        {step === 2 && (
          <>
            <fieldset class="choice-list">
              <legend>{t("startMode")}</legend>
              {START_MODES.map((m) => (
                <label key={m} class={"choice" + (cfg.startMode === m ? " chosen" : "")}>
                  <input type="radio" name="wiz-mode" value={m} checked={cfg.startMode === m}
                         onChange={() => set("startMode", m)} />
                  <span class="choice-text">
                    <span class="choice-title">{t("mode_" + m)}</span>
                    <span class="choice-detail">{t("modeHelp_" + m)}</span>
                  </span>
                </label>
              ))}
            </fieldset>
            <h3 class="summary-title">{t("summary")}</h3>
            <dl class="facts compact">
              <div><dt>{t("instanceId")}</dt><dd>{cfg.instanceID}</dd></div>
              {cfg.alias && <div><dt>{t("alias")}</dt><dd>{cfg.alias}</dd></div>}
              {cfg.displayName && <div><dt>{t("displayName")}</dt><dd>{cfg.displayName}</dd></div>}
              <div><dt>{t("instanceHost")}</dt><dd>{host && host.serverName}</dd></div>
              <div><dt>{t("baseDirectory")}</dt><dd><code>{cfg.baseDirectory ||
                (host && host.baseDirectory ? defaultBaseDirectory(host.baseDirectory, cfg.instanceID) : t("baseDirectoryOfHost"))}</code></dd></div>
              <div><dt>{t("startMode")}</dt><dd>{t("mode_" + cfg.startMode)}</dd></div>
            </dl>
            <p class="muted small">{t("createStartsNothing")}</p>
            <ErrorNote error={error} />
          </>
        )}
        <div class="dialog-actions">
          {step > 0 && <button type="button" class="ghost" onClick={() => setStep(step - 1)} disabled={busy}>{t("back")}</button>}
          <span class="spacer"></span>
          <button type="button" class="ghost" onClick={onClose} disabled={busy}>{t("cancel")}</button>
          <button type="submit" class="primary" id="wizard-next" disabled={busy || (step === 1 && !hostList.length)}>
            {step < 2 ? t("next") : busy ? t("creating") : t("createInstance")}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

export function TextField({ id, label, value, onInput, hint, problem, ok, autoFocus, mono, type = "text", autocomplete = "off" }) {
  const described = [hint && id + "-hint", (problem || ok) && id + "-state"].filter(Boolean).join(" ") || undefined;
  return (
    <div class="field">
      <label for={id}>{label}</label>
      <input id={id} type={type} value={value} class={mono ? "mono" : ""} autocomplete={autocomplete} spellcheck={false}
             autoFocus={autoFocus}
             aria-invalid={problem ? "true" : undefined} aria-describedby={described}
             onInput={(e) => onInput(e.currentTarget.value)} />
      {hint && <p id={id + "-hint"} class="hint">{hint}</p>}
      {problem ? <p id={id + "-state"} class="problem">{problem}</p>
               : ok ? <p id={id + "-state"} class="ok-line">{ok}</p> : null}
    </div>
  );
}
