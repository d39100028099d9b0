// An instance's Export tab: its export profiles (GetProfiles raw=true, type
// "export"; docs/export.md) with where each writes to, what it selects,
// whether it runs automatically and its last result; New export profile
// (CreateProfile: a form per connector, export/export_form.jsx), Run now
// (RunProfile: long-running, followed in the task window, cancellable
// there), Run once without saving (RunTemporaryProfile), Automation
// (SetProfileServerSideExecution, the Archiving tab's dialog) and Delete
// (asked first: DeleteProfile). A run's outcome (exported, exported before,
// failed) or the API's error is shown above the list with its report one
// click away (the Archiving tab's report dialog, which reads export reports).
import { useState } from "preact/hooks";
import { rangeArgs, resultInfo } from "../../profiles.js";
import { exportConnectorOf, exportSelectionOf, exportTargetOf, folderChoices, isExportProfile,
         lastResults } from "../../exports.js";
import { Badge, ErrorNote, Loading, useApp, useCall, useLoad } from "../../ui.jsx";
import { AutomationCell, ProfileActions, ProfileNameCell, ProfileSideDialogs, RunOutcome,
         useProfileRuns } from "./archiving/profile_common.jsx";
import { ExportDialog } from "./export/export_form.jsx";
import "./archiving.css";
import "./export.css";

// The catalogue keys of the shared outcome and dialogs (archiving/profile_common.jsx).
const TEXTS = { runFailed: "expRunFailed", deleteTitle: "expDeleteTitle", deleted: "expDeleted", deleteText: "expDeleteText",
                runTask: "expRunTask", onceTask: "expOnceTask" };

export function ExportTab({ id, instance }) {
  const { t, hasFn } = useApp();
  const call = useCall();
  const up = instance.status === "running";
  const has = (fn) => up && hasFn(fn);
  const profiles = useLoad(() => (has("GetProfiles")
    ? call("GetProfiles", { instanceID: id, raw: true }).then((l) => (l || []).filter(isExportProfile)
      .sort((a, b) => String(a.name).localeCompare(String(b.name), "en", { numeric: true }) || a.id - b.id))
    : null), [id, has("GetProfiles")]);
  const users = useLoad(() => (has("GetUsers") ? call("GetUsers", { instanceID: id }).then((l) => (l || []).map((u) => u.userName))
                                               : null), [id, has("GetUsers")]);
  const folders = useLoad(() => (has("GetFolderStatistics") ? call("GetFolderStatistics", { instanceID: id }).then(folderChoices)
                                                            : null), [id, has("GetFolderStatistics")]);
  const [resultsVersion, setResultsVersion] = useState(0);
  // The last result of each profile: its runs of the last year, newest first.
  const results = useLoad(() => (has("GetWorkerResults")
    ? call("GetWorkerResults", { instanceID: id, ...rangeArgs("365d") }).then(lastResults) : null), [id, resultsVersion]);
  const [dialog, setDialog] = useState(null);      // {type, profile?, resultId?}
  const [outcome, setOutcome] = useState(null);    // {kind: ok|error, text|error, resultId?, name?}
  const { runningIds, runNow, runOnce } = useProfileRuns({
    instanceID: id, texts: TEXTS, setOutcome, onEnd: () => setResultsVersion((v) => v + 1),
    doneText: (name, r) => t("expRunDone", { name, exported: r.itemsExported ?? 0, before: r.exportedBefore ?? 0,
                                             failed: r.failed ?? 0 }) });
  const saved = ({ text, error }) => {
    setDialog(null);
    setOutcome(error ? { kind: "error", error: { message: error } } : { kind: "ok", text });
    profiles.reload();
  };

  if (!up) return <p class="note warn" id="exp-not-running">{t("expNotRunning")}</p>;
  const all = profiles.data || [];

  return (
    <div class="archiving export">
      <section class="arc-section" aria-labelledby="exp-profiles-title">
        <div class="arc-section-head">
          <h2 id="exp-profiles-title">{t("expProfiles")}</h2>
          {profiles.data && <span class="muted small">{t("arcProfilesCount", { n: all.length })}</span>}
          <span class="spacer"></span>
          <button type="button" class="ghost small" onClick={() => { profiles.reload(); setResultsVersion((v) => v + 1); }}
                  disabled={profiles.loading}>{t("refresh")}</button>
          {hasFn("RunTemporaryProfile") &&
            <button type="button" class="ghost" id="exp-once" onClick={() => setDialog({ type: "temporary" })}>{t("expRunOnce")}</button>}
          {hasFn("CreateProfile") &&
            <button type="button" class="primary" id="exp-new" onClick={() => setDialog({ type: "create" })}>{t("expNewProfile")}</button>}
        </div>
        <p class="muted exp-intro">{t("expIntro")}</p>
        <RunOutcome prefix="exp" texts={TEXTS} outcome={outcome} onDismiss={() => setOutcome(null)}
                    onReport={(resultId) => setDialog({ type: "report", resultId })} />
        <ErrorNote error={profiles.error} />
        {profiles.loading && !profiles.data ? <Loading /> : profiles.data && (
          all.length === 0 ? (
            <div class="empty arc-empty" id="exp-empty">
              <p class="empty-title">{t("expNoProfiles")}</p>
              <p class="muted">{t("expNoProfilesText")}</p>
            </div>
          ) : (
            <ExportTable profiles={all} runningIds={runningIds} last={results.data} onRun={runNow}
                         onDialog={(type, profile, resultId) => setDialog({ type, profile, resultId })} />
          )
        )}
      </section>

      {dialog && (dialog.type === "create" || dialog.type === "temporary") && (
        <ExportDialog mode={dialog.type} instanceID={id} users={users.data} folders={folders.data}
                      onClose={() => setDialog(null)} onSaved={saved} onRun={(properties) => { setDialog(null); runOnce(properties); }} />
      )}
      <ProfileSideDialogs texts={TEXTS} instanceID={id} dialog={dialog} onClose={() => setDialog(null)}
                          onSaved={saved} />
    </div>
  );
}

function selectionText(t, p) {
  const s = exportSelectionOf(p);
  const parts = [s.folders.length ? s.folders.join(", ") + (s.subfolders ? "" : " " + t("expNoSubfolders")) : t("expEveryArchive")];
  if (s.query) parts.push(t("expMatching", { query: s.query }));
  if (s.from || s.to) parts.push(t("expDates", { from: s.from || "…", to: s.to || "…" }));
  if (s.incremental) parts.push(t("expOnlyNew"));
  return parts.join(" · ");
}

function ExportTable({ profiles, runningIds, last, onRun, onDialog }) {
  const { t, fmt } = useApp();
  return (
    <div class="table-wrap">
      <table class="table arc-table exp-profiles" aria-labelledby="exp-profiles-title">
        <thead>
          <tr>
            <th scope="col">{t("arcName")}</th>
            <th scope="col">{t("expTarget")}</th>
            <th scope="col">{t("expSelection")}</th>
            <th scope="col">{t("arcAutomation")}</th>
            <th scope="col">{t("expLastResult")}</th>
            <th scope="col"><span class="sr-only">{t("actions")}</span></th>
          </tr>
        </thead>
        <tbody>
          {profiles.map((p) => {
            const c = exportConnectorOf(p.connector);
            const busy = runningIds.has(p.id);
            const r = last ? last.get(p.id) : null;
            const info = r ? resultInfo(r.result) : null;
            return (
              <tr key={p.id} data-profile-id={p.id} data-profile-name={p.name}>
                <ProfileNameCell profile={p} connector={c} />
                <td data-label={t("expTarget")} class="arc-path exp-target">{exportTargetOf(p) || "—"}</td>
                <td data-label={t("expSelection")} class="exp-selection">{selectionText(t, p)}</td>
                <AutomationCell profile={p} />
                <td data-label={t("expLastResult")} class="exp-last" data-result={r ? r.result : ""}>
                  {r ? (
                    <>
                      <Badge kind={info.badge}>{info.key ? t(info.key) : info.id}</Badge>
                      <span class="arc-sub muted">{t("expItems", { n: fmt.number(r.itemsArchived || 0) })}</span>
                      <button type="button" class="link small exp-report" data-action="report" onClick={() => onDialog("report", p, r.id)}
                              aria-label={t("expReportOf", { name: p.name })}>{t("arcReport")}</button>
                    </>
                  ) : <span class="muted">{t("expNeverRun")}</span>}
                </td>
                <ProfileActions profile={p} busy={busy} onRun={onRun} onDialog={onDialog} />
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
