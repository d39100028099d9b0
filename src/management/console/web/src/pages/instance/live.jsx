// An instance's Live Statistics tab: GetInstanceProcessLiveStatistics every
// few seconds while the tab is shown and the browser tab is visible (it
// stops when either goes away, and can be paused), the latest figures as
// numbers (CPU, memory, I/O and call rates, the process's totals) and
// charts of the last minutes. The figures come from the running instance
// process: while it is stopped there is nothing to ask.
import "./live.css";
import { useEffect, useMemo, useRef, useState } from "preact/hooks";
import { Chart } from "../../chart.jsx";
import { POLL_MS, WINDOW_MS, addSample, canSample, latestFigures, seriesOf } from "../../instance_live.js";
import { ErrorNote, Notice, useApp, useCall } from "../../ui.jsx";

export function LiveTab({ id, instance }) {
  const { t, fmt, lang } = useApp();
  const call = useCall();
  const callRef = useRef(call);
  callRef.current = call;
  const [history, setHistory] = useState({ samples: [], restarted: false });
  const historyRef = useRef(history);
  const [error, setError] = useState(null);
  const [paused, setPaused] = useState(false);
  const [hidden, setHidden] = useState(typeof document !== "undefined" && document.hidden);
  const [restartedAt, setRestartedAt] = useState(null);
  const active = canSample(instance) && !paused;

  // One request at a time; the next one POLL_MS after the answer. Nothing
  // while the browser tab is hidden; at once when it is shown again.
  useEffect(() => {
    if (!active) return undefined;
    let stopped = false, timer = null, inFlight = false;
    const tick = async () => {
      timer = null;
      if (stopped || document.hidden) return;
      inFlight = true;
      try {
        const sample = await callRef.current("GetInstanceProcessLiveStatistics", { instanceID: id });
        if (stopped) return;
        const next = addSample(historyRef.current, sample);
        historyRef.current = next;
        setHistory(next);
        if (next.restarted) setRestartedAt(sample.timestamp);
        setError(null);
      } catch (e) {
        if (!stopped) setError(e);
      } finally {
        inFlight = false;
        if (!stopped && !document.hidden) timer = setTimeout(tick, POLL_MS);
      }
    };
    const onVisibility = () => {
      setHidden(document.hidden);
      if (document.hidden) { clearTimeout(timer); timer = null; } else if (!timer && !inFlight) tick();
    };
    document.addEventListener("visibilitychange", onVisibility);
    tick();
    return () => {
      stopped = true;
      clearTimeout(timer);
      document.removeEventListener("visibilitychange", onVisibility);
    };
  }, [id, active]);

  const samples = history.samples;
  const series = useMemo(() => seriesOf(samples), [samples]);
  const latest = latestFigures(samples);
  const last = samples.length ? samples[samples.length - 1].timestamp : null;
  const minutes = WINDOW_MS / 60000;

  const percent = useMemo(() => new Intl.NumberFormat(lang === "de" ? "de-DE" : "en-US",
                                                     { maximumFractionDigits: 1 }), [lang]);
  const cpuText = (v) => t("livePercent", { value: percent.format(v) });
  const rateText = (v) => t("livePerSecond", { value: fmt.bytes(v) });
  const callsText = (v) => t("livePerSecond", { value: percent.format(v) });
  const dash = "—";
  const or = (v, f) => (v === null || v === undefined ? dash : f(v));

  if (!canSample(instance)) {
    return (
      <div class="live">
        <p class="note">{t("liveNotRunning")}</p>
      </div>
    );
  }

  const TOTAL_LABELS = {
    totalMessagesArchived: t("liveMessagesArchived"),
    totalMessagesChecked: t("liveMessagesChecked"),
    totalRemoteProcedureCalls: t("liveCalls"),
    totalPasswordChecks: t("livePasswordChecks"),
    totalDummyPasswordChecks: t("liveDummyPasswordChecks"),
    totalLoginsThrottled: t("liveLoginsThrottled"),
    peakConcurrentPasswordHashes: t("livePeakHashes"),
  };

  return (
    <div class="live">
      <div class="live-bar">
        <p class="muted live-status">
          {paused ? t("livePaused")
            : hidden ? t("liveHidden")
            : t("liveEvery", { seconds: POLL_MS / 1000, minutes })}
          {last !== null && <> · {t("liveLastSample", { time: fmt.time(new Date(last)) })}</>}
        </p>
        <button type="button" class="ghost" id="live-pause" aria-pressed={paused ? "true" : "false"}
                onClick={() => setPaused(!paused)}>
          {paused ? t("liveResume") : t("livePause")}
        </button>
      </div>
      <ErrorNote error={error} />
      {restartedAt !== null && (
        <Notice kind="info" onDismiss={() => setRestartedAt(null)}>
          {t("liveRestarted", { time: fmt.time(new Date(restartedAt)) })}
        </Notice>
      )}

      <h2 class="sr-only">{t("liveNow")}</h2>
      <ul class="live-tiles" aria-label={t("liveNow")}>
        <LiveTile id="live-cpu" label={t("liveCpu")} value={or(latest && latest.cpu, cpuText)} hint={t("liveCpuHint")} />
        <LiveTile id="live-memory" label={t("liveMemory")} value={or(latest && latest.memory, fmt.bytes)} hint={t("liveMemoryHint")} />
        <LiveTile id="live-read" label={t("liveRead")} value={or(latest && latest.readPerSecond, rateText)} hint={t("liveReadHint")} />
        <LiveTile id="live-write" label={t("liveWrite")} value={or(latest && latest.writePerSecond, rateText)} hint={t("liveWriteHint")} />
        <LiveTile id="live-storage" label={t("liveStorage")} value={or(latest && latest.storagePerSecond, rateText)} hint={t("liveStorageHint")} />
        <LiveTile id="live-calls" label={t("liveCallRate")} value={or(latest && latest.callsPerSecond, callsText)} hint={t("liveCallRateHint")} />
      </ul>

      <div class="live-charts">
        <section class="panel">
          <Chart title={t("liveCpuChart", { minutes })} x={series.x} tableLimit={0}
                 series={[{ label: t("liveCpu"), values: series.cpu }]} format={cpuText}
                 xLabel={t("liveTime")} yLabel={t("liveCpuAxis")} height={200} empty={t("liveWaiting")} />
        </section>
        <section class="panel">
          <Chart title={t("liveMemoryChart", { minutes })} x={series.x}
                 series={[{ label: t("liveMemory"), values: series.memory, tone: 3 }]} format={fmt.bytes} binary
                 xLabel={t("liveTime")} yLabel={t("liveMemoryAxis")} height={200} empty={t("liveWaiting")} />
        </section>
        <section class="panel wide">
          <Chart title={t("liveIoChart", { minutes })} x={series.x}
                 series={[{ label: t("liveRead"), values: series.readPerSecond },
                          { label: t("liveWrite"), values: series.writePerSecond },
                          { label: t("liveStorage"), values: series.storagePerSecond }]}
                 format={rateText} binary xLabel={t("liveTime")} yLabel={t("liveIoAxis")} height={200}
                 empty={t("liveWaiting")} />
        </section>
      </div>

      {latest && (
        <section class="panel live-totals">
          <h2>{t("liveTotals")}</h2>
          <p class="hint">{t("liveTotalsHint")}</p>
          <dl class="facts compact">
            {latest.totals.map(([k, v]) => (
              <div key={k}><dt>{TOTAL_LABELS[k]}</dt><dd data-field={k}>{or(v, fmt.number)}</dd></div>
            ))}
            <div><dt>{t("liveCpuTotal")}</dt><dd>{or(latest.cpuTotalMs, (ms) => t("liveSeconds", { value: percent.format(ms / 1000) }))}</dd></div>
            {latest.other.map(([k, v]) => (
              <div key={k}><dt><code>{k}</code></dt><dd>{typeof v === "number" ? fmt.number(v) : String(v)}</dd></div>
            ))}
            <div><dt>{t("liveProcess")}</dt><dd><code>{latest.processUniqueID || dash}</code></dd></div>
          </dl>
        </section>
      )}
    </div>
  );
}

function LiveTile({ id, label, value, hint }) {
  return (
    <li class="live-tile" id={id}>
      <span class="live-tile-label">{label}</span>
      <span class="live-tile-value">{value}</span>
      <span class="live-tile-hint">{hint}</span>
    </li>
  );
}
