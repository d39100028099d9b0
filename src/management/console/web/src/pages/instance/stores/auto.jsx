// The automatic creation of stores (Get/SetStoreAutoCreateConfiguration):
// when a new store is made (automatically, or past a size) and under which
// base directory.
import { useEffect, useState } from "preact/hooks";
import { autoCreateConfig, autoCreateForm, baseDirectoryProblem, thresholdProblem } from "../../../stores.js";
import { ErrorNote, Loading, Notice, focusFirstProblem, useApp, useCall, useLoad } from "../../../ui.jsx";
import { TextField } from "../../wizard.jsx";

export function AutoCreate({ id, onSaved }) {
  const { t, fmt, hasFn } = useApp();
  const call = useCall();
  const config = useLoad(() => call("GetStoreAutoCreateConfiguration", { instanceID: id }), [id]);
  const [v, setV] = useState(null);
  const [touched, setTouched] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  const [notice, setNotice] = useState(null);
  useEffect(() => { if (config.data) setV(autoCreateForm(config.data)); }, [config.data]);

  const canSave = hasFn("SetStoreAutoCreateConfiguration");
  const problems = v ? { threshold: thresholdProblem(v), base: baseDirectoryProblem(v.baseDirectory) } : {};
  const p = (k) => (touched && problems[k] ? t(problems[k]) : null);
  const save = async (e) => {
    e.preventDefault();
    setTouched(true);
    setNotice(null);
    if (problems.threshold || problems.base) { focusFirstProblem(e.currentTarget); return; }
    setBusy(true);
    setError(null);
    try {
      await call("SetStoreAutoCreateConfiguration", { instanceID: id, config: autoCreateConfig(v) });
      setNotice(t("stoAutoSaved"));
      config.reload();  // read back what the server keeps
      onSaved();        // a store may have been created at once
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const mb = v && !v.automatic && /^\d+$/.test(v.thresholdMB.trim()) ? Number(v.thresholdMB.trim()) : null;
  return (
    <section class="panel sto-auto" aria-labelledby="sto-auto-title">
      <h2 id="sto-auto-title">{t("stoAutoTitle")}</h2>
      <p class="hint">{t("stoAutoText")}</p>
      <ErrorNote error={config.error} />
      {!v ? (config.loading ? <Loading /> : null) : (
        <form onSubmit={save} noValidate>
          <fieldset>
            <legend>{t("stoAutoWhen")}</legend>
            <div class="field check-field">
              <input id="sto-auto-automatic" type="radio" name="sto-auto" checked={v.automatic}
                     onChange={() => setV((o) => ({ ...o, automatic: true }))} />
              <label for="sto-auto-automatic">{t("stoAutoAutomatic")}</label>
            </div>
            <div class="field check-field">
              <input id="sto-auto-threshold-on" type="radio" name="sto-auto" checked={!v.automatic}
                     onChange={() => setV((o) => ({ ...o, automatic: false }))} />
              <label for="sto-auto-threshold-on">{t("stoAutoThresholdOn")}</label>
            </div>
          </fieldset>
          {!v.automatic && (
            <TextField id="sto-auto-threshold" label={t("stoAutoThreshold")} value={v.thresholdMB} problem={p("threshold")}
                       hint={mb ? t("stoAutoThresholdIs", { size: fmt.bytes(mb * 1024 * 1024) }) : t("stoAutoThresholdHint")}
                       onInput={(x) => setV((o) => ({ ...o, thresholdMB: x }))} />
          )}
          <TextField id="sto-auto-base" label={t("stoAutoBase")} value={v.baseDirectory} mono problem={p("base")}
                     hint={t("stoAutoBaseHint")} onInput={(x) => setV((o) => ({ ...o, baseDirectory: x }))} />
          <ErrorNote error={error} />
          <Notice onDismiss={() => setNotice(null)}>{notice}</Notice>
          {canSave && (
            <div class="form-actions">
              <button type="submit" class="primary" id="sto-auto-save" disabled={busy}>{busy ? t("saving") : t("save")}</button>
            </div>
          )}
        </form>
      )}
    </section>
  );
}
