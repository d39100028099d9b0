// A worker result's report (GetWorkerResultReport) in a dialog: the run's
// facts and counts (an archiving run's, or an export run's: exported,
// exported before, failed, selected, and whether it resumed an earlier run), its error if it failed, then its folders, warnings and
// errors one list at a time. A run can have thousands of folders and any
// number of warnings and errors: the report lists up to 50,000 of each and
// counts the rest (moreWarnings, moreErrors), which the instance keeps and
// GetWorkerResultReportEntries reads page by page (report_entries.js). So
// each list shows 100 entries a page over all of them, those beyond the
// report's own read from the server as the pages are reached; the search
// looks through the report's own entries.
import { useEffect, useMemo, useState } from "preact/hooks";
import { pageOf } from "../../../instances.js";
import { durationText, readReport, resultInfo, runSeconds, searchLines, zoneFormatter } from "../../../profiles.js";
import { ReportEntries, moreOf, pageRange } from "../../../report_entries.js";
import { Badge, Dialog, ErrorNote, Loading, useApp, useCall, useLoad } from "../../../ui.jsx";
import { Pager } from "../../../paging.jsx";
import { useZoneChoice } from "./zone.js";

const PAGE_SIZE = 100;

export function ReportDialog({ instanceID, resultId, onClose }) {
  const { t, fmt, lang } = useApp();
  const call = useCall();
  const answer = useLoad(() => call("GetWorkerResultReport", { instanceID, id: resultId }), [instanceID, resultId]);
  const w = answer.data;
  const report = useMemo(() => readReport(w && w.report), [w]);
  const more = { warnings: moreOf(w && w.report, "warnings"), errors: moreOf(w && w.report, "errors") };
  const notKept = w && w.report && typeof w.report.entriesNotKept === "string" ? w.report.entriesNotKept : null;
  const [zone] = useZoneChoice();
  const zoned = zoneFormatter(lang, zone && zone.iana);
  const [list, setList] = useState(null);  // "folders" | "warnings" | "errors"
  useEffect(() => {  // the first list with something in it
    if (!w) return;
    setList(report.errors.length ? "errors" : report.warnings.length ? "warnings" : "folders");
  }, [w, report]);

  const info = w ? resultInfo(w.result) : null;
  const seconds = w ? (report.seconds ?? runSeconds(w)) : null;
  const d = seconds === null ? null : durationText(seconds);
  const when = (s) => (s ? (zoned || fmt.dateTime)(new Date(s)) : "—");
  const LISTS = [
    { id: "folders", key: "arcFolderList", n: report.folders.length },
    { id: "warnings", key: "arcWarningList", n: report.warnings.length + more.warnings },
    { id: "errors", key: "arcErrorList", n: report.errors.length + more.errors },
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
          {report.export ? (
            <ul class="arc-counts" aria-label={t("arcCounts")}>
              <li data-count="exported"><span class="arc-count">{fmt.number(report.exported)}</span> {t("expExported")}</li>
              <li data-count="exportedBefore"><span class="arc-count">{fmt.number(report.exportedBefore)}</span> {t("expExportedBefore")}</li>
              <li data-count="failed"><span class="arc-count">{fmt.number(report.failed)}</span> {t("arcFailed")}</li>
              <li data-count="selected"><span class="arc-count">{fmt.number(report.selected)}</span> {t("expSelected")}</li>
            </ul>
          ) : (
            <ul class="arc-counts" aria-label={t("arcCounts")}>
              <li data-count="archived"><span class="arc-count">{fmt.number(report.archived)}</span> {t("arcArchived")}</li>
              <li data-count="duplicates"><span class="arc-count">{fmt.number(report.duplicates)}</span> {t("arcDuplicates")}</li>
              <li data-count="skipped"><span class="arc-count">{fmt.number(report.skipped)}</span> {t("arcSkipped")}</li>
              <li data-count="failed"><span class="arc-count">{fmt.number(report.failed)}</span> {t("arcFailed")}</li>
            </ul>
          )}
          {report.export && report.resumed && <p class="note" id="arc-report-resumed"><span class="note-text">{t("expResumed")}</span></p>}
          {report.error && <div class="note error" role="note"><span class="note-text">{report.error}</span></div>}
          <div class="arc-switch" role="group" aria-label={t("arcReportLists")}>
            {LISTS.map((l) => (
              <button type="button" key={l.id} class={"ghost small" + (list === l.id ? " chosen" : "")} data-list={l.id}
                      aria-pressed={list === l.id ? "true" : "false"} onClick={() => setList(l.id)}>
                {t(l.key)} <span class="arc-switch-count">{fmt.number(l.n)}</span>
              </button>
            ))}
          </div>
          {list === "folders" && <FolderList folders={report.folders} exported={report.export} />}
          {list !== "folders" && notKept && (more.warnings > 0 || more.errors > 0) && (
            <p class="note warn"><span class="note-text">{t("arcEntriesNotKept", { reason: notKept })}</span></p>
          )}
          {list === "warnings" && <LineList key="w" lines={report.warnings} more={more.warnings} kind="warnings"
                                            instanceID={instanceID} resultId={resultId}
                                            label={t("arcWarningList")} empty={t("arcNoWarnings")} />}
          {list === "errors" && <LineList key="e" lines={report.errors} more={more.errors} kind="errors"
                                          instanceID={instanceID} resultId={resultId}
                                          label={t("arcErrorList")} empty={t("arcNoErrors")} />}
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

function FolderList({ folders, exported }) {
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
              <th scope="col" class="num">{exported ? t("expColExported") : t("arcItems")}</th>
              {!exported && <th scope="col" class="num">{t("arcColDuplicates")}</th>}
              <th scope="col" class="num">{t("arcColFailed")}</th>
            </tr>
          </thead>
          <tbody>
            {shown.items.map(({ item: f }) => (
              <tr key={f.path} data-folder={f.path}>
                <td data-label={t("arcFolder")} class="arc-path">{f.path}</td>
                <td data-label={exported ? t("expColExported") : t("arcItems")} class="num">{fmt.number(f.archived)}</td>
                {!exported && <td data-label={t("arcColDuplicates")} class="num">{fmt.number(f.duplicates)}</td>}
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

// A list of warnings or errors: 100 a page over all of them (the report's
// own entries, then those the server kept, read as their pages are
// reached); a search through the report's own entries.
function LineList({ lines, more, kind, instanceID, resultId, label, empty }) {
  const { t, fmt, hasFn } = useApp();
  const call = useCall();
  const [q, setQ] = useState("");
  const [page, setPage] = useState(1);
  const canRead = more > 0 && hasFn("GetWorkerResultReportEntries");
  const source = useMemo(() => new ReportEntries({
    own: lines, more: canRead ? more : 0,
    fetch: (from, count) => call("GetWorkerResultReportEntries", { instanceID, id: resultId, kind, from, count }),
  }), [lines, more, canRead, instanceID, resultId, kind]);  // eslint-disable-line react-hooks/exhaustive-deps
  const hits = useMemo(() => searchLines(lines, q), [lines, q]);
  useEffect(() => setPage(1), [q]);
  const searching = q.trim() !== "";
  const shown = searching ? pageOf(hits, page, PAGE_SIZE) : pageRange(source.total, page, PAGE_SIZE);
  // A page beyond the report's own entries: read from the server (and kept) when it is reached.
  const [read, setRead] = useState({ key: null, items: null, error: null });
  const key = searching ? null : `${shown.start}-${shown.end}`;
  const ready = searching ? null : source.peek(shown.start, shown.end);
  useEffect(() => {
    if (searching || ready) return undefined;
    let live = true;
    setRead({ key, items: null, error: null });
    source.read(shown.start, shown.end).then(
      (items) => { if (live) setRead({ key, items, error: null }); },
      (error) => { if (live) setRead({ key, items: null, error }); });
    return () => { live = false; };
  }, [key, source]);  // eslint-disable-line react-hooks/exhaustive-deps
  const items = searching ? shown.items.map(({ item, index }) => ({ index, text: item }))
    : ready || (read.key === key ? read.items : null);
  if (!lines.length && !more) return <p class="muted arc-list-empty">{empty}</p>;
  return (
    <>
      {lines.length > 10 && <Search id="arc-line-search" value={q} onInput={setQ} label={t("arcSearchLines")} />}
      {searching && <p class="muted small" role="status">{t("arcMatches", { n: hits.length })}</p>}
      {more > 0 && (
        <p class="muted small arc-more-note" id="arc-more-note">
          {canRead ? t("arcMoreEntries", { own: fmt.number(lines.length), more: fmt.number(more) })
                   : t("arcMoreNotReadable", { more: fmt.number(more) })}
        </p>
      )}
      {!searching && read.key === key && <ErrorNote error={read.error} />}
      {items ? (
        <ol class="arc-lines" aria-label={label}>
          {items.map(({ index, text }) => (
            <li key={index} value={index + 1}>{text ?? <span class="muted">{t("arcEntryNotKept")}</span>}</li>
          ))}
        </ol>
      ) : !(read.key === key && read.error) && <Loading />}
      <Pager shown={shown} onPage={setPage} label={t("arcLinePages")} hideSingle />
    </>
  );
}
