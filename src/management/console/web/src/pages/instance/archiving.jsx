// An instance's Archiving tab: its archiving profiles (GetProfiles raw=true)
// with New (CreateProfile: a form per connector, archiving/profile_form.jsx),
// Edit (the API cannot change a profile: the changed one is created and the
// old one deleted, as the product's clients do), Delete (asked first:
// DeleteProfile), Run now (RunProfile: long-running, its progress in the
// task window, cancellable there), Automatic runs (SetProfileServerSideExecution)
// and a one-off run of a profile that is not saved (RunTemporaryProfile).
// Whether a run can start now (CanRunArchiveProfiles) is said above the
// list. Below: the worker results with their reports (archiving/results.jsx,
// archiving/report.jsx). A run's outcome, or the API's error, is shown above
// the list, with its report one click away.
import { useState } from "preact/hooks";
import { pageOf } from "../../instances.js";
import { isExportProfile } from "../../exports.js";
import { connectorOf, filterProfiles, sourceOf, targetOf } from "../../profiles.js";
import { ErrorNote, Loading, useApp, useCall, useLoad } from "../../ui.jsx";
import { ProfileDialog } from "./archiving/profile_form.jsx";
import { AutomationCell, ProfileActions, ProfileNameCell, ProfileSideDialogs, RunOutcome,
         useProfileRuns } from "./archiving/profile_common.jsx";
import { Pager } from "../../paging.jsx";
import { WorkerResults } from "./archiving/results.jsx";
import "./archiving.css";

// The catalogue keys of the shared outcome and dialogs (archiving/profile_common.jsx).
const TEXTS = { runFailed: "arcRunFailed", deleteTitle: "arcDeleteTitle", deleted: "arcDeleted", deleteText: "arcDeleteText",
                runTask: "arcRunTask", onceTask: "arcOnceTask" };

const PAGE_SIZE = 50;

export function ArchivingTab({ id, instance }) {
  const { t, hasFn } = useApp();
  const call = useCall();
  const up = instance.status === "running";
  const has = (fn) => up && hasFn(fn);
  // Export profiles are the Export tab's (export.jsx).
  const profiles = useLoad(() => (has("GetProfiles")
    ? call("GetProfiles", { instanceID: id, raw: true }).then((l) => (l || []).filter((p) => !isExportProfile(p))) : null),
  [id, has("GetProfiles")]);
  const users = useLoad(() => (has("GetUsers") ? call("GetUsers", { instanceID: id }).then((l) => (l || []).map((u) => u.userName))
                                               : null), [id, has("GetUsers")]);
  const canRun = useLoad(() => (has("CanRunArchiveProfiles") ? call("CanRunArchiveProfiles", { instanceID: id }) : true),
                         [id, has("CanRunArchiveProfiles")]);
  const [dialog, setDialog] = useState(null);      // {type, profile?, resultId?}
  const [outcome, setOutcome] = useState(null);    // {kind: ok|error, text|error, resultId?}
  const [resultsVersion, setResultsVersion] = useState(0);
  const [q, setQ] = useState("");
  const [page, setPage] = useState(1);

  const all = profiles.data || [];
  const shownList = filterProfiles(all, q);
  const shown = pageOf(shownList, page, PAGE_SIZE);
  const { runningIds, runNow, runOnce } = useProfileRuns({
    instanceID: id, texts: TEXTS, setOutcome, onEnd: () => { setResultsVersion((v) => v + 1); canRun.reload(); },
    doneText: (name, r) => t("arcRunDone", { name, archived: r.itemsArchived ?? 0, duplicates: r.duplicates ?? 0,
                                             failed: r.failed ?? 0, warnings: r.warnings ?? 0 }) });
  const saved = ({ text, error }) => {
    setDialog(null);
    setOutcome(error ? { kind: "error", error: { message: error } } : { kind: "ok", text });
    profiles.reload();
  };

  if (!up) {
    return <p class="note warn" id="arc-not-running">{t("arcNotRunning")}</p>;
  }

  return (
    <div class="archiving">
      <section class="arc-section" aria-labelledby="arc-profiles-title">
        <div class="arc-section-head">
          <h2 id="arc-profiles-title">{t("arcProfiles")}</h2>
          {profiles.data && <span class="muted small">{t("arcProfilesCount", { n: all.length })}</span>}
          <span class="spacer"></span>
          <button type="button" class="ghost small" onClick={profiles.reload} disabled={profiles.loading}>{t("refresh")}</button>
          {hasFn("RunTemporaryProfile") &&
            <button type="button" class="ghost" id="arc-once" onClick={() => setDialog({ type: "temporary" })}>{t("arcRunOnce")}</button>}
          {hasFn("CreateProfile") &&
            <button type="button" class="primary" id="arc-new" onClick={() => setDialog({ type: "create" })}>{t("arcNewProfile")}</button>}
        </div>
        {canRun.data === false && <p class="note warn" id="arc-cannot-run">{t("arcCannotRun")}</p>}
        <RunOutcome prefix="arc" texts={TEXTS} outcome={outcome} onDismiss={() => setOutcome(null)}
                    onReport={(resultId) => setDialog({ type: "report", resultId })} />
        <ErrorNote error={profiles.error} />
        {profiles.loading && !profiles.data ? <Loading /> : profiles.data && (
          all.length === 0 ? (
            <div class="empty arc-empty">
              <p class="empty-title">{t("arcNoProfiles")}</p>
              <p class="muted">{t("arcNoProfilesText")}</p>
            </div>
          ) : (
            <>
              {all.length > 5 && (
                <div class="field arc-search">
                  <label for="arc-profile-search">{t("arcSearchProfiles")}</label>
                  <input id="arc-profile-search" type="search" value={q} autocomplete="off" spellcheck={false}
                         onInput={(e) => { setQ(e.currentTarget.value); setPage(1); }} />
                </div>
              )}
              <ProfileTable profiles={shown.items} runningIds={runningIds} onRun={runNow}
                            onDialog={(type, profile) => setDialog({ type, profile })} />
              {q && !shownList.length && <p class="muted">{t("arcNoMatch")}</p>}
              <Pager shown={shown} onPage={setPage} label={t("arcProfilePages")} hideSingle />
            </>
          )
        )}
      </section>

      {hasFn("GetWorkerResults") &&
        <WorkerResults instanceID={id} profiles={profiles.data} version={resultsVersion}
                       onReport={(resultId) => setDialog({ type: "report", resultId })} />}

      {dialog && (dialog.type === "create" || dialog.type === "edit" || dialog.type === "temporary") && (
        <ProfileDialog mode={dialog.type} profile={dialog.profile} instanceID={id} users={users.data}
                       onClose={() => setDialog(null)} onSaved={saved} onRun={(properties) => { setDialog(null); runOnce(properties); }} />
      )}
      <ProfileSideDialogs texts={TEXTS} instanceID={id} dialog={dialog} onClose={() => setDialog(null)}
                          onSaved={saved} />
    </div>
  );
}

function ProfileTable({ profiles, runningIds, onRun, onDialog }) {
  const { t } = useApp();
  return (
    <div class="table-wrap">
      <table class="table arc-table arc-profiles" aria-labelledby="arc-profiles-title">
        <thead>
          <tr>
            <th scope="col">{t("arcName")}</th>
            <th scope="col">{t("arcSource")}</th>
            <th scope="col">{t("arcDestination")}</th>
            <th scope="col">{t("arcAutomation")}</th>
            <th scope="col"><span class="sr-only">{t("actions")}</span></th>
          </tr>
        </thead>
        <tbody>
          {profiles.map((p) => {
            const c = connectorOf(p.connector);
            const busy = runningIds.has(p.id);
            return (
              <tr key={p.id} data-profile-id={p.id} data-profile-name={p.name}>
                <ProfileNameCell profile={p} connector={c} />
                <td data-label={t("arcSource")} class="arc-path">{sourceOf(p) || "—"}</td>
                <td data-label={t("arcDestination")} class="arc-path">
                  {c && c.multidrop ? <span class="muted">{t("arcRecipients")}</span> : targetOf(p) || "—"}
                </td>
                <AutomationCell profile={p} />
                <ProfileActions profile={p} busy={busy} onRun={onRun} onDialog={onDialog} editable />
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
