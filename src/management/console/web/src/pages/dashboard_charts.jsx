// The Dashboard's charts: messages archived per day and the storage of the
// biggest instances over the last 30 days (GetInstanceStatisticsHistory:
// the Management Server records each running instance's figures hourly),
// and the CPU and memory of the running instance processes, live
// (GetInstanceProcessLiveStatistics of each, every few seconds while the
// page is visible; at most LIVE_LIMIT instances, the first by ID).
import { useEffect, useRef, useState } from "preact/hooks";
import { Chart } from "../chart.jsx";
import { archivedPerDay, processTotals, storageSeries } from "../dashboard_figures.js";
import { ErrorNote, Loading, useApp, useCall, useLoad } from "../ui.jsx";

const DAYS = 30;
const LIVE_POLL_MS = 5000;
const LIVE_WINDOW_MS = 5 * 60 * 1000;
export const LIVE_LIMIT = 50;

export function TrendCharts({ round = 0 }) {
  const { t, fmt, hasFn } = useApp();
  const call = useCall();
  const available = hasFn("GetInstanceStatisticsHistory");
  const history = useLoad(() => (available ? call("GetInstanceStatisticsHistory", { days: DAYS + 1 }) : null), [available, round]);
  if (!available) return null;
  const archived = history.data ? archivedPerDay(history.data) : null;
  const storage = history.data ? storageSeries(history.data, 3) : null;
  const mb = (v) => fmt.bytes(v * 1024 * 1024);
  return (
    <>
      <section class="panel" aria-labelledby="archived-title">
        <h2 id="archived-title">{t("dashArchivedTitle", { n: DAYS })}</h2>
        <ErrorNote error={history.error} />
        {history.loading && !history.data ? <Loading /> : archived && (
          <Chart hideTitle title={t("dashArchivedTitle", { n: DAYS })} x={archived.x} xKind="date" xLabel={t("dashDay")}
                 yLabel={t("dashMessages")} series={[{ label: t("dashArchived"), values: archived.values }]}
                 empty={t("dashNoFigures")} />
        )}
      </section>
      <section class="panel" aria-labelledby="storage-title">
        <h2 id="storage-title">{t("dashStorageTitle", { n: DAYS })}</h2>
        {history.loading && !history.data ? <Loading /> : storage && (
          <Chart hideTitle title={t("dashStorageTitle", { n: DAYS })} x={storage.x} xKind="date" xLabel={t("dashDay")}
                 yLabel={t("dashSize")} format={mb}
                 series={storage.series.map((s) => ({ label: s.label ?? t("dashOtherInstances"), values: s.values }))}
                 empty={t("dashNoFigures")} />
        )}
      </section>
    </>
  );
}

export function ProcessCharts() {
  const { t, fmt, hasFn } = useApp();
  const call = useCall();
  const callRef = useRef(call);
  callRef.current = call;
  const [points, setPoints] = useState([]);  // [{at, cpuPercent, memoryBytes, instances}]
  const [error, setError] = useState(null);
  const [more, setMore] = useState(0);
  const available = hasFn("GetInstanceProcessLiveStatistics");

  useEffect(() => {
    if (!available) return undefined;
    let stopped = false, timer = null, previous = null;
    const sampleRound = async () => {
      timer = null;
      if (stopped || document.hidden) return;
      try {
        const list = await callRef.current("GetInstances", { instanceFilter: "* .running" });
        const ids = (list || []).map((i) => i.instanceID).sort().slice(0, LIVE_LIMIT);
        setMore(Math.max(0, (list || []).length - ids.length));
        const samples = {};
        await Promise.all(ids.map(async (id) => {
          try { samples[id] = await callRef.current("GetInstanceProcessLiveStatistics", { instanceID: id }); } catch { /* stopped meanwhile */ }
        }));
        if (stopped) return;
        const totals = processTotals(previous, samples);
        previous = samples;
        const at = Date.now();
        setPoints((p) => [...p.filter((q) => q.at >= at - LIVE_WINDOW_MS), { at, ...totals }]);
        setError(null);
      } catch (e) {
        if (!stopped) setError(e);
      } finally {
        if (!stopped && !document.hidden) timer = setTimeout(sampleRound, LIVE_POLL_MS);
      }
    };
    const onVisibility = () => { if (!document.hidden && !timer) sampleRound(); };
    document.addEventListener("visibilitychange", onVisibility);
    sampleRound();
    return () => { stopped = true; clearTimeout(timer); document.removeEventListener("visibilitychange", onVisibility); };
  }, [available]);

  if (!available) return null;
  const x = points.map((p) => p.at);
  const last = points[points.length - 1];
  return (
    <section class="panel" aria-labelledby="processes-title">
      <h2 id="processes-title">{t("dashProcessesTitle")}</h2>
      <ErrorNote error={error} />
      {!last ? <Loading /> : (
        <>
          <p class="muted small" aria-live="polite">
            {t("dashProcessesNow", { n: last.instances, memory: fmt.bytes(last.memoryBytes),
                                      cpu: last.cpuPercent === null ? "—" : fmt.number(Math.round(last.cpuPercent)) })}
            {more > 0 && " " + t("dashProcessesLimited", { n: LIVE_LIMIT, more })}
          </p>
          <div class="dash-grid">
            <Chart title={t("dashCpu")} x={x} xKind="time" yLabel="%" height={180} tableLimit={10}
                   format={(v) => fmt.number(Math.round(v)) + " %"}
                   series={[{ label: t("dashCpu"), values: points.map((p) => p.cpuPercent) }]}
                   xRange={[x[x.length - 1] - LIVE_WINDOW_MS, x[x.length - 1]]} empty={t("dashWaiting")} />
            <Chart title={t("dashMemory")} x={x} xKind="time" yLabel={t("dashSize")} height={180} tableLimit={10}
                   format={(v) => fmt.bytes(v)} series={[{ label: t("dashMemory"), values: points.map((p) => p.memoryBytes), tone: 2 }]}
                   xRange={[x[x.length - 1] - LIVE_WINDOW_MS, x[x.length - 1]]} empty={t("dashWaiting")} />
          </div>
        </>
      )}
    </section>
  );
}
