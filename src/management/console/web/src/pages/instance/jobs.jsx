// An instance's Jobs tab (docs/jobs.md): GetJobs as a table with each job's
// schedule, next and last run; New job (CreateJob: name, action as spe-cli
// writes it with examples to pick, the schedule form), per job Run now
// (RunJobAsync) or Cancel run (CancelJobAsync) while it runs, Enable/Disable
// (SetJobEnabled), Rename (RenameJob), Schedule (SetJobSchedule), Delete
// (DeleteJob, after asking) and its results of the last 30 days
// (GetJobResults, with each run's log). While a job runs the list is read
// again every few seconds, so its end and result show without a click.
import { useEffect, useState } from "preact/hooks";
import { DAYS, INTERVALS, KINDS, actionExamples, actionProblem, describe, emptyForm, formOf, scheduleArgs } from "../../jobs.js";
import { Badge, ConfirmDialog, Dialog, ErrorNote, Field, Loading, Notice, useApp, useCall, useLoad } from "../../ui.jsx";
import "./jobs.css";

const iso = (d) => d.toISOString().slice(0, 19);
const POLL_MS = 2000;

/** A schedule in the user's words. */
function scheduleText(t, schedule) {
  const { key, vars } = describe(schedule);
  const v = { ...vars };
  if (v.days) v.days = v.days.split(",").map((d) => t("jobDay_" + d)).join(", ");
  if (v.day && key === "jobDescNth") v.day = t("jobDay_" + v.day);
  if (v.nth) v.nth = t("jobOrd_" + v.nth);
  return t(key, v);
}

function ScheduleFields({ form, setForm, zones }) {
  const { t } = useApp();
  const set = (k) => (e) => setForm({ ...form, [k]: e.currentTarget.value });
  return (
    <fieldset class="job-schedule">
      <legend>{t("jobSchedule")}</legend>
      <div class="job-row">
        <Field label={t("jobKind")}>
          {({ id }) => (
            <select id={id} name="job-kind" value={form.kind} onChange={set("kind")}>
              {KINDS.map((k) => <option value={k}>{t("jobKind_" + k)}</option>)}
            </select>
          )}
        </Field>
        {form.kind === "once" && (
          <Field label={t("jobDate")}>{({ id }) => <input id={id} name="job-date" type="datetime-local" value={form.date} onInput={set("date")} />}</Field>
        )}
        {form.kind === "interval" && (
          <Field label={t("jobInterval")}>
            {({ id }) => (
              <select id={id} name="job-interval" value={form.interval} onChange={set("interval")}>
                {INTERVALS.map((n) => <option value={n}>{t("jobEveryMinutes", { n })}</option>)}
              </select>
            )}
          </Field>
        )}
        {["daily", "weekly", "monthly"].includes(form.kind) && (
          <Field label={t("jobTime")}>{({ id }) => <input id={id} name="job-time" type="time" value={form.time} onInput={set("time")} />}</Field>
        )}
      </div>
      {form.kind === "weekly" && (
        <fieldset class="job-days">
          <legend>{t("jobDays")}</legend>
          {DAYS.map((d) => (
            <label class="job-day">
              <input type="checkbox" data-day={d} checked={form.days.includes(d)}
                     onChange={(e) => setForm({ ...form, days: e.currentTarget.checked ? [...form.days, d] : form.days.filter((x) => x !== d) })} />
              {t("jobDay_" + d)}
            </label>
          ))}
        </fieldset>
      )}
      {form.kind === "monthly" && (
        <div class="job-row">
          <Field label={t("jobDayOfMonth")} hint={t("jobDayOfMonthHint")}>
            {({ id, describedBy }) => <input id={id} name="job-day-of-month" aria-describedby={describedBy} value={form.dayOfMonth} onInput={set("dayOfMonth")} />}
          </Field>
          <Field label={t("jobNthWeekday")}>
            {({ id }) => (
              <select id={id} name="job-nth" value={form.nth} onChange={set("nth")}>
                <option value="">{t("jobNoWeekday")}</option>
                {DAYS.map((d) => <option value={d}>{t("jobDay_" + d)}</option>)}
              </select>
            )}
          </Field>
        </div>
      )}
      <Field label={t("jobTimeZone")} hint={t("jobTimeZoneHint")}>
        {({ id, describedBy }) => (
          <>
            <input id={id} name="job-zone" aria-describedby={describedBy} value={form.timeZoneId} onInput={set("timeZoneId")}
                   list={zones.length ? "job-zones" : undefined} spellcheck={false} autocomplete="off" />
            {zones.length > 0 && (
              <datalist id="job-zones">{zones.map((z) => <option key={z.id} value={z.id}>{z.displayName || z.id}</option>)}</datalist>
            )}
          </>
        )}
      </Field>
    </fieldset>
  );
}

// The action's field: the text, examples to pick, and the format in short.
function ActionField({ action, setAction, problem }) {
  const { t, hasFn } = useApp();
  const examples = actionExamples(hasFn);
  return (
    <div class="job-action">
      <Field label={t("jobAction")} hint={t("jobActionHint")} problem={problem}>
        {({ id, describedBy, invalid }) => (
          <input id={id} name="job-action" required class="mono" aria-describedby={describedBy} aria-invalid={invalid ? "true" : undefined}
                 value={action} placeholder="RunProfile --id=1" spellcheck={false} autocomplete="off"
                 onInput={(e) => setAction(e.currentTarget.value)} />
        )}
      </Field>
      {examples.length > 0 && (
        <Field label={t("jobExamples")}>
          {({ id }) => (
            <select id={id} name="job-example" value="" onChange={(e) => { if (e.currentTarget.value) setAction(e.currentTarget.value); }}>
              <option value="">{t("jobExamplePick")}</option>
              {examples.map((x) => <option value={x.action}>{t(x.key)}: {x.action}</option>)}
            </select>
          )}
        </Field>
      )}
      <details class="job-format">
        <summary>{t("jobFormatTitle")}</summary>
        <ul>
          <li>{t("jobFormatWords")}</li>
          <li>{t("jobFormatArgs")}</li>
          <li>{t("jobFormatQuotes")}</li>
          <li>{t("jobFormatInstance")}</li>
          <li>{t("jobFormatChecked")}</li>
        </ul>
      </details>
    </div>
  );
}

function JobDialog({ id, job, zones, onClose, onDone }) {
  const { t } = useApp();
  const call = useCall();
  const [name, setName] = useState(job ? job.name : "");
  const [action, setAction] = useState("");
  const [form, setForm] = useState(job ? formOf(job.schedule) : emptyForm());
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState(null);
  const [actionBad, setActionBad] = useState(null);
  const save = async (e) => {
    e.preventDefault();
    const bad = job ? null : actionProblem(action);
    setActionBad(bad);
    const s = scheduleArgs(form);
    setProblem(s.key || null);
    if (s.key || bad) return;
    setBusy(true);
    setError(null);
    try {
      if (job) await call("SetJobSchedule", { instanceID: id, id: job.id, ...s.args });
      else await call("CreateJob", { instanceID: id, name: name.trim(), action: action.trim(), ...s.args });
      onDone();
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };
  return (
    <Dialog title={job ? t("jobScheduleOf", { name: job.name }) : t("jobNew")} onClose={onClose} wide>
      <form onSubmit={save} class="job-form" noValidate>
        {!job && (
          <>
            <Field label={t("jobName")}>
              {({ id }) => <input id={id} name="job-name" required maxLength={255} value={name} onInput={(e) => setName(e.currentTarget.value)} />}
            </Field>
            <ActionField action={action} setAction={(a) => { setAction(a); setActionBad(null); setError(null); }} problem={actionBad ? t("jobActionProblem_" + actionBad) : null} />
          </>
        )}
        <ScheduleFields form={form} setForm={(f) => { setForm(f); setProblem(null); setError(null); }} zones={zones} />
        {problem && <p class="problem" id="job-problem" role="alert">{t(problem)}</p>}
        <ErrorNote error={error} id="job-dialog-error" />
        <div class="dialog-actions">
          <button type="button" class="ghost" onClick={onClose} disabled={busy}>{t("cancel")}</button>
          <button type="submit" class="primary" id="job-save" disabled={busy}>{busy ? t("working") : t("save")}</button>
        </div>
      </form>
    </Dialog>
  );
}

function RenameDialog({ id, job, onClose, onDone }) {
  const { t } = useApp();
  const call = useCall();
  const [name, setName] = useState(job.name);
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const save = async (e) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await call("RenameJob", { instanceID: id, id: job.id, name: name.trim() });
      onDone();
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };
  return (
    <Dialog title={t("jobRenameTitle", { name: job.name })} onClose={onClose}>
      <form onSubmit={save}>
        <Field label={t("jobName")}>
          {({ id: f }) => <input id={f} name="job-rename" required maxLength={255} value={name} onInput={(e) => setName(e.currentTarget.value)} />}
        </Field>
        <ErrorNote error={error} />
        <div class="dialog-actions">
          <button type="button" class="ghost" onClick={onClose} disabled={busy}>{t("cancel")}</button>
          <button type="submit" class="primary" id="job-rename-save" disabled={busy}>{busy ? t("working") : t("save")}</button>
        </div>
      </form>
    </Dialog>
  );
}

function Results({ id, job, onClose }) {
  const { t, fmt } = useApp();
  const call = useCall();
  const results = useLoad(() => {
    const now = Date.now();
    return call("GetJobResults", { instanceID: id, jobId: job.id, timeZoneId: "UTC",
      fromIncluding: iso(new Date(now - 30 * 86400000)), toExcluding: iso(new Date(now + 86400000)) });
  }, [id, job.id, job.lastStartDateTimeUtc, job.lastCompleteDateTimeUtc, job.running]);
  const rows = (results.data || []).slice().sort((a, b) => String(b.startTime).localeCompare(String(a.startTime)));
  return (
    <section class="panel job-results" aria-labelledby="job-results-title">
      <div class="job-head">
        <h3 id="job-results-title">{t("jobResultsOf", { name: job.name })}</h3>
        <button type="button" class="ghost small" onClick={onClose}>{t("close")}</button>
      </div>
      <ErrorNote error={results.error} />
      {results.loading && !results.data ? <Loading /> : rows.length === 0 ? <p class="muted">{t("jobNoResults")}</p> : (
        <ul class="job-result-list">
          {rows.map((r) => (
            <li key={r.jobResultId} data-result={r.result}>
              <div class="job-result-head">
                <Badge kind={r.result === "completedWithWarnings" ? "warning" : r.result === "cancelled" ? "stopped" : r.result}>
                  {t("jobResult_" + r.result)}</Badge>
                <span>{fmt.dateTime(new Date(r.startTime))}{r.completeTime ? " – " + fmt.dateTime(new Date(r.completeTime)) : ""}</span>
              </div>
              {r.log && <pre class="job-log">{r.log}</pre>}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

export function JobsTab({ id, instance }) {
  const { t, fmt, hasFn } = useApp();
  const call = useCall();
  const up = instance.status === "running";
  const list = useLoad(() => (up ? call("GetJobs", { instanceID: id }) : null), [id, up]);
  const zones = useLoad(() => (up && hasFn("GetTimeZones") ? call("GetTimeZones", { instanceID: id }) : null), [id, up]);
  const [dialog, setDialog] = useState(null);  // {type, job}
  const [shown, setShown] = useState(null);    // job id whose results are open
  const [error, setError] = useState(null);
  const [notice, setNotice] = useState(null);
  const jobs = list.data || [];
  const anyRunning = jobs.some((j) => j.running);
  // While a run goes on, read the list again until it ends.
  useEffect(() => {
    if (!anyRunning || list.loading) return undefined;
    const timer = setTimeout(list.reload, POLL_MS);
    return () => clearTimeout(timer);
  }, [anyRunning, list.loading, list.data]);

  if (!up) return <div class="job"><h2 class="sr-only">{t("tabJobs")}</h2><p class="note warn" id="job-not-running">{t("jobNotRunning")}</p></div>;
  const done = (message) => { setDialog(null); setNotice(message || null); list.reload(); };
  const act = async (fn, args, message) => {
    setError(null);
    setNotice(null);
    try {
      await call(fn, { instanceID: id, ...args });
      if (message) setNotice(message);
    } catch (e) {
      setError(e);
    }
    list.reload();
  };
  const when = (value) => (value ? fmt.dateTime(new Date(value)) : "–");
  const zoneList = Array.isArray(zones.data) ? zones.data.filter((z) => z && typeof z.id === "string") : [];
  const open = jobs.find((j) => j.id === shown);
  return (
    <div class="job">
      <div class="job-head">
        <h2>{t("jobTitle")}</h2>
        <div class="page-actions">
          <button type="button" class="ghost" onClick={list.reload} disabled={list.loading}>{t("refresh")}</button>
          {hasFn("CreateJob") && <button type="button" class="primary" id="job-new" onClick={() => setDialog({ type: "new" })}>{t("jobNew")}</button>}
        </div>
      </div>
      <p class="hint job-intro">{t("jobIntro")}</p>
      <ErrorNote error={list.error || error} id="job-error" />
      <Notice onDismiss={() => setNotice(null)}>{notice}</Notice>
      {list.loading && !list.data ? <Loading /> : jobs.length === 0 ? <p class="empty">{t("jobNone")}</p> : (
        <div class="table-wrap">
          <table class="table job-table" aria-label={t("jobTitle")}>
            <thead><tr>
              <th scope="col">{t("jobName")}</th><th scope="col">{t("jobSchedule")}</th><th scope="col">{t("jobNext")}</th>
              <th scope="col">{t("jobLast")}</th><th scope="col">{t("jobState")}</th><th scope="col"><span class="sr-only">{t("jobActions")}</span></th>
            </tr></thead>
            <tbody>
              {jobs.map((j) => (
                <tr key={j.id} data-job={j.name} data-running={j.running ? "true" : "false"} data-enabled={j.enabled ? "true" : "false"}>
                  <th scope="row" class="job-name-cell">{j.name}<div class="muted small mono job-action-text">{j.action}</div></th>
                  <td data-label={t("jobSchedule")} class="job-when">{scheduleText(t, j.schedule)}</td>
                  <td data-label={t("jobNext")} class="job-next">{when(j.nextStartDateTimeUtc)}</td>
                  <td data-label={t("jobLast")} class="job-last">{when(j.lastStartDateTimeUtc)}</td>
                  <td data-label={t("jobState")}>{j.running ? <Badge kind="starting">{t("jobRunning")}</Badge>
                    : <Badge kind={j.enabled ? "active" : "stopped"}>{t(j.enabled ? "jobEnabled" : "jobDisabled")}</Badge>}</td>
                  <td class="row-actions job-actions-cell"><div class="job-actions">
                    {j.running
                      ? hasFn("CancelJobAsync") && <button type="button" class="ghost small" data-do="cancel" onClick={() => act("CancelJobAsync", { id: j.id })}>{t("jobCancelRun")}</button>
                      : hasFn("RunJobAsync") && <button type="button" class="ghost small" data-do="run" onClick={() => act("RunJobAsync", { id: j.id }, t("jobStarted", { name: j.name }))}>{t("jobRunNow")}</button>}
                    {hasFn("SetJobEnabled") && <button type="button" class="ghost small" data-do="enable" onClick={() => act("SetJobEnabled", { id: j.id, enabled: !j.enabled })}>{t(j.enabled ? "jobDisable" : "jobEnable")}</button>}
                    {hasFn("SetJobSchedule") && <button type="button" class="ghost small" data-do="schedule" onClick={() => setDialog({ type: "schedule", job: j })}>{t("jobEditSchedule")}</button>}
                    {hasFn("RenameJob") && <button type="button" class="ghost small" data-do="rename" onClick={() => setDialog({ type: "rename", job: j })}>{t("jobRename")}</button>}
                    {hasFn("GetJobResults") && <button type="button" class="ghost small" data-do="results" aria-expanded={shown === j.id ? "true" : "false"} onClick={() => setShown(shown === j.id ? null : j.id)}>{t("jobResults")}</button>}
                    {hasFn("DeleteJob") && <button type="button" class="ghost small danger-text" data-do="delete" onClick={() => setDialog({ type: "delete", job: j })}>{t("delete")}</button>}
                  </div></td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {open && <Results id={id} job={open} onClose={() => setShown(null)} />}
      {dialog && dialog.type === "new" && <JobDialog id={id} zones={zoneList} onClose={() => setDialog(null)} onDone={() => done(t("jobCreated"))} />}
      {dialog && dialog.type === "schedule" && <JobDialog id={id} zones={zoneList} job={dialog.job} onClose={() => setDialog(null)} onDone={() => done(t("jobScheduleSaved"))} />}
      {dialog && dialog.type === "rename" && <RenameDialog id={id} job={dialog.job} onClose={() => setDialog(null)} onDone={() => done()} />}
      {dialog && dialog.type === "delete" && (
        <ConfirmDialog title={t("jobDeleteTitle", { name: dialog.job.name })} confirmLabel={t("delete")} danger
                       onClose={() => setDialog(null)}
                       onConfirm={async () => {
                         await call("DeleteJob", { instanceID: id, id: dialog.job.id });
                         if (shown === dialog.job.id) setShown(null);
                         done(t("jobDeleted", { name: dialog.job.name }));
                       }}>
          <p>{t("jobDeleteText")}</p>
        </ConfirmDialog>
      )}
    </div>
  );
}
