// The Directory tab's synchronisation: "Preview" (SyncUsersWithDirectoryServices
// with dryRun=true: what would change, nothing changed) and "Sync now"
// (dryRun=false, after asking), both long-running and followed in the task
// window; the result as lists of the users created, updated, renamed,
// deleted and skipped.
import { useEffect, useRef, useState } from "preact/hooks";
import { resultOf } from "../../../api.js";
import { syncReport, valueText } from "../../../directory.js";
import { ConfirmDialog, ErrorNote, useApp } from "../../../ui.jsx";

/**
 * stored: the configuration as saved (sync uses that one); dirty: the form
 * has changes not saved yet; ready: the stored type is one the archive
 * reads itself; cloud: it is a cloud type (stored, not synchronised here).
 */
export function SyncPanel({ id, stored, dirty, ready, cloud }) {
  const { t, run } = useApp();
  const [busy, setBusy] = useState(null);      // "preview" | "sync" while one runs
  const [asking, setAsking] = useState(false);
  const [result, setResult] = useState(null);
  const [error, setError] = useState(null);

  const start = async (dryRun) => {
    setBusy(dryRun ? "preview" : "sync");
    setError(null);
    setResult(null);
    try {
      const label = dryRun ? t("dirPreviewTask", { id }) : t("dirSyncTask", { id });
      const r = resultOf(await run("SyncUsersWithDirectoryServices", { instanceID: id, dryRun }, { label, listed: true }));
      setResult(syncReport({ dryRun, ...r }));
    } catch (e) {
      setError(e);
    } finally {
      setBusy(null);
    }
  };
  const why = cloud ? t("dirSyncCloud") : !ready ? t("dirSyncNotReady") : dirty ? t("dirSyncSaveFirst") : null;
  return (
    <section class="panel dir-sync" aria-labelledby="dir-sync-title">
      <h2 id="dir-sync-title">{t("dirSync")}</h2>
      <p class="hint">{t("dirSyncIntro")}</p>
      {why && <p class="note info" id="dir-sync-why">{why}</p>}
      <div class="form-actions">
        <button type="button" class="ghost" id="dir-preview" disabled={!!why || !!busy} onClick={() => start(true)}>
          {busy === "preview" ? t("working") : t("dirPreview")}</button>
        <button type="button" class="primary" id="dir-sync" disabled={!!why || !!busy} onClick={() => setAsking(true)}>
          {busy === "sync" ? t("working") : t("dirSyncNow")}</button>
      </div>
      <ErrorNote error={error} id="dir-sync-error" />
      {result && <SyncResult report={result} />}
      {asking && (
        <ConfirmDialog title={t("dirSyncTitle", { id })} confirmLabel={t("dirSyncNow")} danger={!!stored?.deleteUsers}
                       onClose={() => setAsking(false)}
                       onConfirm={async () => { setAsking(false); await start(false); }}>
          <p>{t("dirSyncText")}</p>
          {stored?.deleteUsers ? <p class="note warn">{t("dirSyncDeletes")}</p> : <p class="muted">{t("dirSyncKeeps")}</p>}
          <p class="muted">{t("dirSyncPreviewFirst")}</p>
        </ConfirmDialog>
      )}
    </section>
  );
}

function Group({ name, title, count, children }) {
  if (!count) return null;
  return (
    <section class="dir-result-group" data-group={name} aria-labelledby={"dir-r-" + name}>
      <h4 id={"dir-r-" + name}>{title} <span class="muted">({count})</span></h4>
      <ul class="dir-result-list">{children}</ul>
    </section>
  );
}

export function SyncResult({ report: r }) {
  const { t, fmt } = useApp();
  // A new result is brought into view (the buttons are above it, often at the bottom of the screen).
  const ref = useRef(null);
  useEffect(() => { ref.current?.scrollIntoView?.({ block: "start" }); }, [r]);
  const n = (x) => fmt.number(x);
  const summary = t(r.dryRun ? "dirResultPreview" : "dirResultDone", {
    created: n(r.created.length), updated: n(r.updated.length), renamed: n(r.renamed.length),
    deleted: n(r.deleted.length), skipped: n(r.skipped.length), unchanged: n(r.unchanged),
  });
  return (
    <div class="dir-result" id="dir-result" ref={ref} data-dry-run={r.dryRun ? "true" : "false"}>
      <h3>{r.dryRun ? t("dirResultPreviewTitle") : t("dirResultTitle")}</h3>
      <p class={"note " + (r.dryRun ? "info" : "ok")} role="status">{summary}</p>
      {r.changes === 0 && <p class="muted">{t("dirResultNothing")}</p>}
      <Group name="created" title={r.dryRun ? t("dirWouldCreate") : t("dirCreated")} count={r.created.length}>
        {r.created.map((u) => (
          <li key={u.userName} data-user={u.userName}>
            <strong>{u.userName}</strong>{u.fullName && <> · {u.fullName}</>}
            {u.emailAddresses.length > 0 && <span class="muted"> · {u.emailAddresses.join(", ")}</span>}
            {u.distinguishedName && <span class="dir-dn">{u.distinguishedName}</span>}
          </li>
        ))}
      </Group>
      <Group name="updated" title={r.dryRun ? t("dirWouldUpdate") : t("dirUpdated")} count={r.updated.length}>
        {r.updated.map((u) => (
          <li key={u.userName} data-user={u.userName}>
            <strong>{u.userName}</strong>
            <ul class="dir-changes">
              {u.changes.map((c) => (
                <li key={c.field}>
                  {fieldText(t, c.field)}: <span class="dir-from">{valueText(c.from)}</span>
                  <span aria-hidden="true"> → </span><span class="sr-only"> {t("dirChangedTo")} </span>
                  <span class="dir-to">{valueText(c.to)}</span>
                </li>
              ))}
            </ul>
          </li>
        ))}
      </Group>
      <Group name="renamed" title={r.dryRun ? t("dirWouldRename") : t("dirRenamed")} count={r.renamed.length}>
        {r.renamed.map((u) => (
          <li key={u.from} data-user={u.to}>
            <strong>{u.from}</strong><span aria-hidden="true"> → </span>
            <span class="sr-only"> {t("dirChangedTo")} </span><strong>{u.to}</strong>
          </li>
        ))}
      </Group>
      <Group name="deleted" title={r.dryRun ? t("dirWouldDelete") : t("dirDeleted")} count={r.deleted.length}>
        {r.deleted.map((u) => <li key={u.userName} data-user={u.userName}><strong>{u.userName}</strong></li>)}
      </Group>
      <Group name="skipped" title={t("dirSkipped")} count={r.skipped.length}>
        {r.skipped.map((s, i) => (
          <li key={i}><span class="dir-dn">{s.entry}</span> <span class="muted">{s.reason}</span></li>
        ))}
      </Group>
      {r.deleted.length > 0 && <p class="hint">{t("dirArchivesStay")}</p>}
    </div>
  );
}

/** The name of a changed field of a user. */
function fieldText(t, field) {
  const names = {
    fullName: t("fullName"), emailAddresses: t("dirFieldEmails"), distinguishedName: t("usrDistinguishedName"),
    userName: t("userName"), authentication: t("authentication"),
  };
  return names[field] || field;
}
