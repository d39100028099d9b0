// Automatic runs of a saved profile (server-side execution):
// SetProfileServerSideExecution(id, automatic, automaticPauseBetweenExecutions,
// automaticMaintenanceWindows). Switching on runs the profile at once, then
// again once the pause has passed since a run ended, never inside a
// maintenance window (the host's local time). Switching off sends the pause
// and windows along so they are kept for next time.
import { useState } from "preact/hooks";
import { formFromProfile, serverSideArgs, serverSideProblems } from "../../../profiles.js";
import { Dialog, ErrorNote, focusFirstProblem, useApp, useCall } from "../../../ui.jsx";
import { problemText } from "./fields.jsx";
import { AutomationFields } from "./profile_form.jsx";

export function AutomationDialog({ profile, instanceID, onClose, onSaved }) {
  const { t } = useApp();
  const call = useCall();
  const [f, setF] = useState(() => formFromProfile(profile));
  const [touched, setTouched] = useState({});
  const [all, setAll] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  const problems = serverSideProblems(f);
  const set = (k) => (v) => { setF((o) => ({ ...o, [k]: v })); setTouched((x) => ({ ...x, [k]: true })); };
  const p = (k) => ((all || touched[k]) ? problemText(t, problems[k]) : null);

  const submit = async (e) => {
    e.preventDefault();
    setAll(true);
    if (Object.keys(problems).length) { focusFirstProblem(e.currentTarget); return; }
    setBusy(true);
    setError(null);
    try {
      await call("SetProfileServerSideExecution", { instanceID, ...serverSideArgs(profile.id, f) });
      onSaved(t(f.automatic ? "arcAutomationOn" : "arcAutomationOff", { name: profile.name }));
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };

  return (
    <Dialog title={t("arcAutomationOf", { name: profile.name })} onClose={busy ? null : onClose}>
      <form onSubmit={submit} noValidate id="arc-automation-form">
        <AutomationFields f={f} set={set} p={p} idPrefix="arc-auto" />
        {f.automatic && <p class="hint">{t("arcAutomationStartsNow")}</p>}
        <ErrorNote error={error} />
        <div class="dialog-actions">
          <button type="button" class="ghost" onClick={onClose} disabled={busy}>{t("cancel")}</button>
          <button type="submit" class="primary" id="arc-auto-save" disabled={busy}>{busy ? t("saving") : t("save")}</button>
        </div>
      </form>
    </Dialog>
  );
}
