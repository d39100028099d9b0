// A worker result's report (GetWorkerResultReport) in a dialog: the run's
// facts and counts, its error if it failed, then its folders, warnings and
// errors one list at a time. A run can have thousands of folders and up to
// 50,000 warnings and errors each (the last entry then says how many more
// there were), so each list has a search and shows 100 entries a page.
import { useEffect, useMemo, useState } from "preact/hooks";
import { pageOf } from "../../../instances.js";
import { durationText, readReport, resultInfo, runSeconds, searchLines } from "../../../profiles.js";
import { Badge, Dialog, ErrorNote, Loading, useApp, useCall, useLoad } from "../../../ui.jsx";
import { Pager } from "../../../paging.jsx";

const PAGE_SIZE = 100;

export function ReportDialog({ instanceID, resultId, onClose }) {
  const { t, fmt } = useApp();
  const call = useCall();
  const answer = useLoad(() => call("GetWorkerResultReport", { instanceID, id: resultId }), [instanceID, resultId]);
  const w = answer.data;
  const report = useMemo(() => readReport(w && w.report), [w]);
  const [list, setList] = useState(null);  // "folders" | "warnings" | "errors"
  useEffect(() => {  // the first list with something in it
    if (!w) return;
    setList(report.errors.length ? "errors" : report.warnings.length ? "warnings" : "folders");
  }, [w, report]);

  const info = w ? resultInfo(w.result) : null;
  const seconds = w ? (report.seconds ?? runSeconds(w)) : null;
  const d = seconds === null ? null : durationText(seconds);
  const when = (s) => (s ? fmt.dateTime(new Date(s)) : "—");
  const LISTS = [
    { id: "folders", key: "arcFolderList", n: report.folders.length },
    { id: "warnings", key: "arcWarningList", n: report.warnings.length },
    { id: "errors", key: "arcErrorList", n: report.errors.length },
  ];

  return (
    <Dialog title={w ? t("arcReportTitle", { name: w.profileName }) : t("arcReport")} onClose={onClose} wide
            className="arc-report-dialog" footer={<button type="button" class="primary" onClick={onClose}>{t("close")}</button>}>
      <ErrorNote error={answer.error} />
      {answer.loading && !w && <Loading />}
      {w && (
        <>
          <dl class="facts compact arc-report-facts">
            <div><dt>{t("arcResult")}</dt><dd><Badge kind={info.badge}>{info.key ? t(info.key) : info.id}</Badge></dd></div>
            <div><dt>{t("arcStarted")}</dt><dd>{when(w.startTime)}</dd></div>
            <div><dt>{t("arcCompleted")}</dt><dd>{when(w.completeTime)}</dd></div>
            <div><dt>{t("arcDuration")}</dt><dd>{d ? t(d.key, d.vars) : "—"}</dd></div>
            <div><dt>{t("arcOwner")}</dt><dd>{w.userName}</dd></div>
            <div><dt>{t("arcMachine")}</dt><dd>{w.machineName || "—"}</dd></div>
          </dl>
          <ul class="arc-counts" aria-label={t("arcCounts")}>
            <li data-count="archived"><span class="arc-count">{fmt.number(report.archived)}</span> {t("arcArchived")}</li>
            <li data-count="duplicates"><span class="arc-count">{fmt.number(report.duplicates)}</span> {t("arcDuplicates")}</li>
            <li data-count="skipped"><span class="arc-count">{fmt.number(report.skipped)}</span> {t("arcSkipped")}</li>
            <li data-count="failed"><span class="arc-count">{fmt.number(report.failed)}</span> {t("arcFailed")}</li>
          </ul>
          {report.error && <div class="note error" role="note"><span class="note-text">{report.error}</span></div>}
          <div class="arc-switch" role="group" aria-label={t("arcReportLists")}>
            {LISTS.map((l) => (
              <button type="button" key={l.id} class={"ghost small" + (list === l.id ? " chosen" : "")} data-list={l.id}
                      aria-pressed={list === l.id ? "true" : "false"} onClick={() => setList(l.id)}>
                {t(l.key)} <span class="arc-switch-count">{fmt.number(l.n)}</span>
              </button>
            ))}
          </div>
          {list === "folders" && <FolderList folders={report.folders} />}
          {list === "warnings" && <LineList key="w" lines={report.warnings} label={t("arcWarningList")} empty={t("arcNoWarnings")} />}
          {list === "errors" && <LineList key="e" lines={report.errors} label={t("arcErrorList")} empty={t("arcNoErrors")} />}
        </>
      )}
    </Dialog>
  );
}

function Search({ id, value, onInput, label }) {
  return (
    <div class="field arc-search">
      <label for={id}>{label}</label>
      <input id={id} type="search" value={value} spellcheck={false} autocomplete="off"
             onInput={(e) => onInput(e.currentTarget.value)} />
    </div>
  );
}

function FolderList({ folders }) {
  const { t, fmt } = useApp();
  const [q, setQ] = useState("");
  const [page, setPage] = useState(1);
  const hits = useMemo(() => searchLines(folders, q, (f) => f.path), [folders, q]);
  useEffect(() => setPage(1), [q]);
  const shown = pageOf(hits, page, PAGE_SIZE);
  if (!folders.length) return <p class="muted arc-list-empty">{t("arcNoFolders")}</p>;
  return (
    <>
      {folders.length > 10 && <Search id="arc-folder-search" value={q} onInput={setQ} label={t("arcSearchFolders")} />}
      {q && <p class="muted small" role="status">{t("arcMatches", { n: hits.length })}</p>}
      <div class="table-wrap arc-report-table">
        <table class="table arc-table" aria-label={t("arcFolderList")}>
          <thead>
            <tr>
              <th scope="col">{t("arcFolder")}</th>
              <th scope="col" class="num">{t("arcItems")}</th>
              <th scope="col" class="num">{t("arcColDuplicates")}</th>
              <th scope="col" class="num">{t("arcColFailed")}</th>
            </tr>
          </thead>
          <tbody>
            {shown.items.map(({ item: f }) => (
              <tr key={f.path} data-folder={f.path}>
                <td data-label={t("arcFolder")} class="arc-path">{f.path}</td>
                <td data-label={t("arcItems")} class="num">{fmt.number(f.archived)}</td>
                <td data-label={t("arcColDuplicates")} class="num">{fmt.number(f.duplicates)}</td>
                <td data-label={t("arcColFailed")} class="num">{fmt.number(f.failed)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <Pager shown={shown} onPage={setPage} label={t("arcFolderPages")} hideSingle />
    </>
  );
}

function LineList({ lines, label, empty }) {
  const { t } = useApp();
  const [q, setQ] = useState("");
  const [page, setPage] = useState(1);
  const hits = useMemo(() => searchLines(lines, q), [lines, q]);
  useEffect(() => setPage(1), [q]);
  const shown = pageOf(hits, page, PAGE_SIZE);
  if (!lines.length) return <p class="muted arc-list-empty">{empty}</p>;
  return (
    <>
      {lines.length > 10 && <Search id="arc-line-search" value={q} onInput={setQ} label={t("arcSearchLines")} />}
      {q && <p class="muted small" role="status">{t("arcMatches", { n: hits.length })}</p>}
      <ol class="arc-lines" aria-label={label}>
        {shown.items.map(({ item, index }) => (
          <li key={index} value={index + 1}>{item}</li>
        ))}
      </ol>
      <Pager shown={shown} onPage={setPage} label={t("arcLinePages")} hideSingle />
    </>
  );
}
