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
import { resultOf } from "../../api.js";
import { pageOf } from "../../instances.js";
import { isExportProfile } from "../../exports.js";
import { connectorOf, durationText, filterProfiles, flagOf, sourceOf, targetOf } from "../../profiles.js";
import { Badge, ErrorNote, Loading, useApp, useCall, useLoad } from "../../ui.jsx";
import { ProfileDialog } from "./archiving/profile_form.jsx";
import { ProfileSideDialogs, RunOutcome } from "./archiving/profile_common.jsx";
import { Pager } from "../../paging.jsx";
import { WorkerResults } from "./archiving/results.jsx";
import "./archiving.css";

// The catalogue keys of the shared outcome and dialogs (archiving/profile_common.jsx).
const TEXTS = { runFailed: "arcRunFailed", deleteTitle: "arcDeleteTitle", deleted: "arcDeleted", deleteText: "arcDeleteText" };

const PAGE_SIZE = 50;

export function ArchivingTab({ id, instance }) {
  const { t, hasFn, run } = useApp();
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
  const [runningIds, setRunningIds] = useState(() => new Set());
  const [resultsVersion, setResultsVersion] = useState(0);
  const [q, setQ] = useState("");
  const [page, setPage] = useState(1);

  const all = profiles.data || [];
  const shownList = filterProfiles(all, q);
  const shown = pageOf(shownList, page, PAGE_SIZE);
  const mark = (key, on) => setRunningIds((s) => {
    const n = new Set(s);
    if (on) n.add(key); else n.delete(key);
    return n;
  });
  const afterRun = () => { setResultsVersion((v) => v + 1); canRun.reload(); };

  // A run in the task window (listed even when it ended at once, so each run's log and end are
  // found in one place); its outcome above the list when it ends (the page may have changed
  // meanwhile). `shown`: the arguments the task keeps (without a password).
  const start = async (fn, args, shown, name, label, key) => {
    mark(key, true);
    setOutcome(null);
    try {
      const r = resultOf(await run(fn, { instanceID: id, ...args }, { label, listed: true, taskArgs: { instanceID: id, ...shown } }));
      setOutcome({ kind: "ok", resultId: r && r.workerResultId,
                   text: t("arcRunDone", { name, archived: r.itemsArchived ?? 0, duplicates: r.duplicates ?? 0,
                                           failed: r.failed ?? 0, warnings: r.warnings ?? 0 }) });
    } catch (e) {
      setOutcome({ kind: "error", error: e, name });
    } finally {
      mark(key, false);
      afterRun();
    }
  };
  const runNow = (p) => start("RunProfile", { id: p.id }, { id: p.id }, p.name, t("arcRunTask", { name: p.name, id }), p.id);
  const runOnce = (properties) => {
    setDialog(null);
    const { password, ...details } = properties.details;  // eslint-disable-line no-unused-vars
    start("RunTemporaryProfile", { properties, raw: true }, { properties: { ...properties, details }, raw: true },
          properties.name, t("arcOnceTask", { name: properties.name, id }), "once:" + Date.now());
  };
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
                       onClose={() => setDialog(null)} onSaved={saved} onRun={runOnce} />
      )}
      <ProfileSideDialogs texts={TEXTS} instanceID={id} dialog={dialog} onClose={() => setDialog(null)}
                          onSaved={saved} />
    </div>
  );
}

function ProfileTable({ profiles, runningIds, onRun, onDialog }) {
  const { t, hasFn } = useApp();
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
            const s = p.serverSideExecution || {};
            const auto = flagOf(s.automatic, false);
            const pause = durationText(Number(s.automaticPauseBetweenExecutions ?? 300));
            return (
              <tr key={p.id} data-profile-id={p.id} data-profile-name={p.name}>
                <td data-label={t("arcName")} class="arc-name-cell">
                  <strong class="arc-profile-name">{p.name}</strong>
                  <span class="arc-sub muted">{c ? t(c.key) : p.connector} · {p.owner}</span>
                </td>
                <td data-label={t("arcSource")} class="arc-path">{sourceOf(p) || "—"}</td>
                <td data-label={t("arcDestination")} class="arc-path">
                  {c && c.multidrop ? <span class="muted">{t("arcRecipients")}</span> : targetOf(p) || "—"}
                </td>
                <td data-label={t("arcAutomation")} class="arc-auto">
                  {auto ? <Badge kind="active">{t("arcEvery", { duration: t(pause.key, pause.vars) })}</Badge>
                        : <Badge kind="off">{t("arcManual")}</Badge>}
                  {auto && s.automaticMaintenanceWindows &&
                    <span class="arc-sub muted">{t("arcNotDuring", { windows: s.automaticMaintenanceWindows })}</span>}
                </td>
                <td class="row-actions">
                  {hasFn("RunProfile") && (
                    <button type="button" class="primary small" data-action="run" disabled={busy} onClick={() => onRun(p)}
                            aria-label={t("arcRunNamed", { name: p.name })}>{busy ? t("arcRunning") : t("arcRunNow")}</button>
                  )}
                  {hasFn("CreateProfile") && hasFn("DeleteProfile") && (
                    <button type="button" class="ghost small" data-action="edit" disabled={busy} onClick={() => onDialog("edit", p)}
                            aria-label={t("editNamed", { name: p.name })}>{t("edit")}</button>
                  )}
                  {hasFn("SetProfileServerSideExecution") && (
                    <button type="button" class="ghost small" data-action="automation" onClick={() => onDialog("automation", p)}
                            aria-label={t("arcAutomationNamed", { name: p.name })}>{t("arcAutomationButton")}</button>
                  )}
                  {hasFn("DeleteProfile") && (
                    <button type="button" class="ghost small danger-text" data-action="delete" disabled={busy}
                            onClick={() => onDialog("delete", p)} aria-label={t("deleteNamed", { name: p.name })}>{t("delete")}</button>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
