// An instance's Directory tab: where its users come from. The configuration
// (GetDirectoryServicesConfiguration / SetDirectoryServicesConfiguration;
// the bind password is never returned: left empty it stays, or it is
// cleared) by type — Active Directory and generic LDAP read by the archive
// itself; Microsoft 365 and Google Workspace only stored, their sync needs a
// cloud connection this platform does not have — and the synchronisation
// (SyncUsersWithDirectoryServices: a preview that changes nothing, or the
// real one, followed in the task window, its result listed user by user).
// The form's shaping and checks are in ../../directory.js; the fields in
// directory/fields.jsx; the sync in directory/sync.jsx.
import "./directory.css";
import { useEffect, useState } from "preact/hooks";
import { configOf, formChanged, formOf, isCloudType, isLdapType, problemsOf, withoutPassword } from "../../directory.js";
import { ErrorNote, Loading, Notice, focusFirstProblem, useApp, useCall, useLoad } from "../../ui.jsx";
import { DirectoryFields } from "./directory/fields.jsx";
import { SyncPanel } from "./directory/sync.jsx";

export function DirectoryTab({ id, instance }) {
  const { t, hasFn } = useApp();
  const call = useCall();
  const running = instance.status === "running";
  const available = hasFn("GetDirectoryServicesConfiguration");
  const config = useLoad(() => (running && available ? call("GetDirectoryServicesConfiguration", { instanceID: id }) : null),
                         [id, running, available]);
  const [v, setV] = useState(null);
  const [shown, setShown] = useState(false);      // problems shown: after the first Save
  const [saving, setSaving] = useState({ busy: false, error: null });
  const [notice, setNotice] = useState(null);

  // Loaded (again, after a save): the form shows what is stored, the password field empty.
  useEffect(() => { if (!config.loading && !config.error) setV(formOf(config.data)); },
            [config.data, config.loading, config.error]);

  if (!available) {
    return <p class="note info" id="dir-unavailable">{t("dirUnavailable")}</p>;
  }
  if (!running) return <p class="note warn" id="dir-not-running">{t("dirNotRunning")}</p>;
  if (config.loading && !config.data) return <Loading />;
  if (!v) return <ErrorNote error={config.error} />;

  const canSave = hasFn("SetDirectoryServicesConfiguration");
  const problems = problemsOf(v);
  const dirty = formChanged(v, config.data);
  const set = (k) => (x) => { setNotice(null); setSaving({ busy: false, error: null }); setV((o) => ({ ...o, [k]: x })); };
  const save = async (e) => {
    e.preventDefault();
    setShown(true);
    if (Object.keys(problems).length) { focusFirstProblem(e.currentTarget); return; }
    setSaving({ busy: true, error: null });
    setNotice(null);
    try {
      const c = configOf(v);
      await call("SetDirectoryServicesConfiguration", { instanceID: id, config: c },
                 { taskArgs: { instanceID: id, config: withoutPassword(c) } });
      setSaving({ busy: false, error: null });
      setNotice(t("dirSaved"));
      setShown(false);
      config.reload();
    } catch (err) {
      setSaving({ busy: false, error: err });
    }
  };
  const storedType = config.data?.type || "none";
  return (
    <div class="directory">
      <form class="panel form-panel dir-form" onSubmit={save} noValidate aria-labelledby="dir-title">
        <h2 id="dir-title">{t("dirTitle")}</h2>
        <p class="hint dir-intro">{t("dirIntro")}</p>
        <ErrorNote error={config.error} />
        <DirectoryFields v={v} set={set} problems={shown ? problems : {}} readOnly={!canSave} />
        <ErrorNote error={saving.error} id="dir-save-error" />
        <Notice onDismiss={() => setNotice(null)}>{notice}</Notice>
        {canSave && (
          <div class="form-actions">
            <button type="submit" class="primary" id="dir-save" disabled={saving.busy || !dirty}>
              {saving.busy ? t("saving") : t("save")}</button>
            <button type="button" class="ghost" id="dir-reset" disabled={saving.busy || !dirty}
                    onClick={() => { setV(formOf(config.data)); setShown(false); setNotice(null); }}>{t("dirUndo")}</button>
            {dirty && <span class="muted small" id="dir-unsaved">{t("dirUnsaved")}</span>}
          </div>
        )}
      </form>
      {hasFn("SyncUsersWithDirectoryServices") && (
        <SyncPanel id={id} stored={config.data} dirty={dirty} ready={isLdapType(storedType)} cloud={isCloudType(storedType)} />
      )}
    </div>
  );
}
