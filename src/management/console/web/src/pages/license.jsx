// General → License Information: the licenses each instance uses
// (CreateLicenseRequest: user archives that hold mail, counted inside each
// running instance; a stopped or frozen one shows its last count and why),
// their total, the table as a CSV file (license.js) and the raw request.
// Nothing is enforced or sent anywhere; the page says so.
import { formatHash } from "../router.js";
import { csvFileName, licenseCsv, licenseRows, licenseTotals } from "../license.js";
import { Badge, ErrorNote, Loading, PageHeader, useApp, useCall, useLoad } from "../ui.jsx";
import "./license.css";

/** Saves `text` as a file called `name` (an object URL on a temporary link). */
function saveFile(text, name, type) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  a.hidden = true;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60000);  // the browser has read it by then
}

export function LicenseInformation() {
  const { t, fmt } = useApp();
  const call = useCall();
  const request = useLoad(() => call("CreateLicenseRequest"), []);
  const data = request.data;
  const rows = data ? licenseRows(data) : [];
  const totals = licenseTotals(rows);
  const when = (text) => {
    const d = new Date(text);
    return Number.isNaN(d.getTime()) ? text : fmt.dateTime(d);
  };
  const download = () => saveFile(licenseCsv(rows), csvFileName(data && data.machineName), "text/csv;charset=utf-8");

  return (
    <div class="page license" aria-busy={request.loading ? "true" : "false"}>
      <PageHeader title={t("navLicense")}
                  subtitle={data && data.createdAt ? t("licRequestedAt", { time: when(data.createdAt) }) : null}>
        <button type="button" class="ghost" onClick={request.reload} disabled={request.loading}>
          {request.loading && data ? t("refreshing") : t("refresh")}
        </button>
        <button type="button" class="primary" id="lic-csv" onClick={download} disabled={!data || request.loading}>
          {t("licDownloadCsv")}
        </button>
      </PageHeader>
      <p class="lic-rule">{t("licRule")}</p>
      <p class="note lic-nothing-sent" id="lic-nothing-sent"><span class="note-text">{t("licNothingSent")}</span></p>
      <ErrorNote error={request.error} />

      {request.loading && !data ? <Loading label={t("licCounting")} /> : data && (
        <>
          <ul class="tiles lic-tiles" aria-label={t("licSummary")}>
            <li class={"tile" + (totals.unknown ? " warn" : "")}>
              <div>
                <span class="tile-label">{t("licTotal")}</span>
                <span class="tile-value" id="lic-total">{fmt.number(totals.total)}</span>
                <span class="tile-detail">{t("licTotalDetail", { n: totals.counted })}</span>
                {totals.unknown > 0 && <span class="tile-detail" id="lic-unknown">{t("licUnknown", { n: totals.unknown })}</span>}
              </div>
            </li>
          </ul>
          {rows.length === 0 ? (
            <div class="empty"><p class="empty-title">{t("licNoInstances")}</p></div>
          ) : (
            <div class="table-wrap">
              <table class="table lic-table" aria-label={t("licTableLabel")}>
                <thead>
                  <tr>
                    <th scope="col">{t("licInstance")}</th>
                    <th scope="col" class="lic-num">{t("licUsed")}</th>
                    <th scope="col">{t("licCountedAt")}</th>
                  </tr>
                </thead>
                <tbody>
                  {rows.map((r) => (
                    <tr key={r.instanceID} data-instance={r.instanceID}>
                      <td data-label={t("licInstance")} class="lic-id">
                        <a href={formatHash("instances", r.instanceID)}><strong>{r.instanceID}</strong></a>
                      </td>
                      <td data-label={t("licUsed")} class="lic-num lic-used">
                        {r.used === null ? <span class="muted">—</span> : fmt.number(r.used)}
                      </td>
                      <td data-label={t("licCountedAt")} class="lic-when">
                        {r.countedAt ? when(r.countedAt) : <span class="muted">{t("licNeverCounted")}</span>}
                        {!r.current && r.countedAt && <> <Badge kind="stopped">{t("licLastCount")}</Badge></>}
                        {!r.current && r.reason && <p class="lic-reason">{r.reason}</p>}
                        {r.storesNotCounted > 0 && <p class="cell-error">{t("licStoresNotCounted", { n: r.storesNotCounted })}</p>}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          <details class="lic-raw">
            <summary>{t("licRawTitle")}</summary>
            <pre class="code" id="lic-raw" tabIndex={0} aria-label={t("licRawTitle")}>{JSON.stringify(data, null, 2)}</pre>
          </details>
        </>
      )}
    </div>
  );
}
