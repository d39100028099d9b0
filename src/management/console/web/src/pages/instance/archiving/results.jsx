// The worker results of the Archiving tab: GetWorkerResults over a chosen
// time range (the last day, week, month, year, or days chosen; sent as UTC),
// optionally of one profile, newest first, paged; each run's result,
// items archived and duration, and its report (GetWorkerResultReport) in a
// dialog (report.jsx). Times are shown in the browser's time zone or one
// chosen from GetTimeZones (remembered; zone.js), whose days a custom range
// then means (sent with that zone's ID for the instance to resolve).
import { useEffect, useState } from "preact/hooks";
import { pageOf } from "../../../instances.js";
import { RANGES, durationText, rangeArgs, rangeProblem, resultInfo, runSeconds, sortResults, zoneFormatter,
         zoneIana } from "../../../profiles.js";
import { Pager } from "../../../paging.jsx";
import { Badge, ErrorNote, Loading, useApp, useCall, useLoad } from "../../../ui.jsx";
import { Input, Select, problemText } from "./fields.jsx";
import { useZoneChoice } from "./zone.js";

const browserZone = () => {
  try { return Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC"; } catch { return "UTC"; }
};

const PAGE_SIZE = 25;
const dayText = (d) => `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;

export function WorkerResults({ instanceID, profiles, version, onReport }) {
  const { t, fmt, lang, hasFn } = useApp();
  const call = useCall();
  const [zone, setZone] = useZoneChoice();
  const zones = useLoad(() => (hasFn("GetTimeZones") ? call("GetTimeZones", { instanceID }) : null), [instanceID]);
  const [range, setRange] = useState("7d");
  const [days, setDays] = useState(() => ({ from: dayText(new Date(Date.now() - 6 * 86400e3)), to: dayText(new Date()) }));
  const [profileId, setProfileId] = useState("");
  const [page, setPage] = useState(1);
  const problem = rangeProblem(range, days.from, days.to);
  const results = useLoad(async () => {
    const args = rangeArgs(range, days, new Date(), zone && zone.id);
    if (!args) return null;
    const list = await call("GetWorkerResults", { instanceID, ...args, profileID: profileId ? Number(profileId) : undefined });
    return sortResults(list || []);
  }, [instanceID, range, days.from, days.to, profileId, version, zone && zone.id]);
  useEffect(() => setPage(1), [range, days.from, days.to, profileId]);

  const list = results.data || [];
  const shown = pageOf(list, page, PAGE_SIZE);
  const profileOptions = [{ value: "", label: t("arcAllProfiles") },
                          ...(profiles || []).map((p) => ({ value: String(p.id), label: p.name }))];
  const zoned = zoneFormatter(lang, zone && zone.iana);
  const when = (s) => (s ? (zoned || fmt.dateTime)(new Date(s)) : "");
  const zoneList = Array.isArray(zones.data) ? zones.data.filter((z) => z && typeof z.id === "string") : [];
  const zoneOptions = [{ value: "", label: t("arcZoneBrowser", { zone: browserZone() }) },
    ...(zone && !zoneList.some((z) => z.id === zone.id) ? [{ value: zone.id, label: zone.iana || zone.id }] : []),
    ...zoneList.map((z) => ({ value: z.id, label: z.id === "$Local" ? t("arcZoneServer", { zone: zoneIana(z) || "?" }) : z.displayName || z.id }))];
  const chooseZone = (v) => {
    const z = zoneList.find((x) => x.id === v);
    setZone(v ? { id: v, iana: z ? zoneIana(z) : v } : null);
  };

  return (
    <section class="arc-section" aria-labelledby="arc-results-title">
      <div class="arc-section-head">
        <h2 id="arc-results-title">{t("arcResults")}</h2>
        <span class="spacer"></span>
        <button type="button" class="ghost small" onClick={results.reload} disabled={results.loading}>{t("refresh")}</button>
      </div>
      <div class="arc-filters">
        <Select id="arc-range" label={t("arcRange")} value={range} onChange={setRange}
                options={RANGES.map((r) => ({ value: r.id, label: t(r.key) }))} />
        {range === "custom" && (
          <>
            <Input id="arc-from" label={t("arcFrom")} type="date" value={days.from}
                   onInput={(v) => setDays((d) => ({ ...d, from: v }))} problem={problemText(t, problem)} />
            <Input id="arc-to" label={t("arcTo")} type="date" value={days.to} onInput={(v) => setDays((d) => ({ ...d, to: v }))} />
          </>
        )}
        <Select id="arc-result-profile" label={t("arcProfile")} value={profileId} onChange={setProfileId} options={profileOptions} />
        {hasFn("GetTimeZones") && (
          <Select id="arc-zone" label={t("arcZone")} value={zone ? zone.id : ""} onChange={chooseZone} options={zoneOptions} />
        )}
      </div>
      <ErrorNote error={results.error} />
      <ErrorNote error={zones.error} />
      {results.loading && !results.data ? <Loading /> : !problem && results.data && (
        list.length === 0 ? <p class="empty arc-empty">{t("arcNoResults")}</p> : (
          <>
            <div class="table-wrap">
              <table class="table arc-table arc-results" aria-labelledby="arc-results-title">
                <thead>
                  <tr>
                    <th scope="col">{t("arcStarted")}</th>
                    <th scope="col">{t("arcProfile")}</th>
                    <th scope="col">{t("arcResult")}</th>
                    <th scope="col" class="num">{t("arcItems")}</th>
                    <th scope="col">{t("arcDuration")}</th>
                    <th scope="col">{t("arcOwner")}</th>
                    <th scope="col"><span class="sr-only">{t("actions")}</span></th>
                  </tr>
                </thead>
                <tbody>
                  {shown.items.map((r) => {
                    const info = resultInfo(r.result);
                    const seconds = runSeconds(r);
                    const d = seconds === null ? null : durationText(seconds);
                    return (
                      <tr key={r.id} data-result-id={r.id} data-result={r.result}>
                        <td data-label={t("arcStarted")}>{when(r.startTime)}</td>
                        <td data-label={t("arcProfile")} class="arc-name-cell">
                          {r.profileName}{!r.profileId && <span class="muted"> ({t("arcOneOff")})</span>}
                        </td>
                        <td data-label={t("arcResult")}><Badge kind={info.badge}>{info.key ? t(info.key) : info.id}</Badge></td>
                        <td data-label={t("arcItems")} class="num arc-items">{fmt.number(r.itemsArchived || 0)}</td>
                        <td data-label={t("arcDuration")}>{d ? t(d.key, d.vars) : "—"}</td>
                        <td data-label={t("arcOwner")}>{r.userName}</td>
                        <td class="row-actions">
                          <button type="button" class="ghost small" data-action="report" onClick={() => onReport(r.id)}
                                  aria-label={t("arcReportOf", { name: r.profileName, time: when(r.startTime) })}>
                            {t("arcReport")}</button>
                        </td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
            <Pager shown={shown} onPage={setPage} label={t("arcResultPages")} hideSingle />
          </>
        )
      )}
    </section>
  );
}

