// An instance's Live Statistics, free of the DOM: the samples of
// GetInstanceProcessLiveStatistics kept for the last few minutes, and what
// they mean. The function returns counters since the process started
// (totalProcessorMilliseconds, totalIOReadBytes, ...) and the memory now
// (currentPrivateMemoryBytes) with the instance's clock (timestamp, epoch
// ms) and processUniqueID; rates come from two samples in a row. A new
// processUniqueID (or a counter that went back) means the process was
// restarted: the history starts again, so no rate spans two processes.

export const POLL_MS = 3000;
export const WINDOW_MS = 5 * 60 * 1000;

/** The counters a rate per second is shown for: field -> name of the rate. */
export const RATE_FIELDS = {
  totalIOReadBytes: "readPerSecond",
  totalIOWriteBytes: "writePerSecond",
  totalIOOtherBytes: "storagePerSecond",
  totalRemoteProcedureCalls: "callsPerSecond",
};

/** The counters shown as they are (totals since the process started). */
export const TOTAL_FIELDS = ["totalMessagesArchived", "totalMessagesChecked", "totalRemoteProcedureCalls",
  "totalPasswordChecks", "totalDummyPasswordChecks", "totalLoginsThrottled", "peakConcurrentPasswordHashes"];

const KNOWN = new Set(["processUniqueID", "timestamp", "totalProcessorMilliseconds", "currentPrivateMemoryBytes",
  "totalIOReadBytes", "totalIOWriteBytes", "totalIOOtherBytes", ...TOTAL_FIELDS]);

const num = (v) => (typeof v === "number" && Number.isFinite(v) ? v : null);

/**
 * The history with a new sample: {samples, restarted}. A sample not newer
 * than the last is dropped; a new process starts the history again
 * (restarted: true); samples older than windowMs before the newest go.
 */
export function addSample(history, sample, windowMs = WINDOW_MS) {
  const samples = history ? history.samples : [];
  if (!sample || num(sample.timestamp) === null) return { samples, restarted: false };
  const last = samples[samples.length - 1];
  if (last && sample.processUniqueID === last.processUniqueID && sample.timestamp <= last.timestamp) {
    return { samples, restarted: false };
  }
  const restarted = !!last && (sample.processUniqueID !== last.processUniqueID || wentBack(last, sample));
  const kept = restarted ? [] : samples.filter((s) => s.timestamp >= sample.timestamp - windowMs);
  return { samples: [...kept, sample], restarted };
}

function wentBack(a, b) {
  return ["totalProcessorMilliseconds", ...Object.keys(RATE_FIELDS)]
    .some((k) => num(a[k]) !== null && num(b[k]) !== null && b[k] < a[k]);
}

/** CPU time used between two samples as a percentage of one processor (may pass 100 on several). */
export function cpuPercent(a, b) {
  const dt = b.timestamp - a.timestamp;
  const cpu = num(b.totalProcessorMilliseconds) !== null && num(a.totalProcessorMilliseconds) !== null
    ? b.totalProcessorMilliseconds - a.totalProcessorMilliseconds : null;
  if (!(dt > 0) || cpu === null || cpu < 0) return null;
  return (cpu / dt) * 100;
}

/** A counter's growth per second between two samples, or null. */
export function perSecond(a, b, field) {
  const dt = b.timestamp - a.timestamp;
  if (!(dt > 0) || num(a[field]) === null || num(b[field]) === null || b[field] < a[field]) return null;
  return ((b[field] - a[field]) * 1000) / dt;
}

/**
 * The chart's series from the samples: x (timestamps) and, per sample,
 * cpu (%), memory (bytes) and the rates of RATE_FIELDS (null for the first
 * sample, which has no sample before it).
 */
export function seriesOf(samples) {
  const out = { x: [], cpu: [], memory: [] };
  for (const name of Object.values(RATE_FIELDS)) out[name] = [];
  samples.forEach((s, i) => {
    const prev = i > 0 ? samples[i - 1] : null;
    out.x.push(s.timestamp);
    out.cpu.push(prev ? cpuPercent(prev, s) : null);
    out.memory.push(num(s.currentPrivateMemoryBytes));
    for (const [field, name] of Object.entries(RATE_FIELDS)) out[name].push(prev ? perSecond(prev, s, field) : null);
  });
  return out;
}

/** The latest figures: cpu, memory and rates (null until two samples), totals, and fields this console does not know. */
export function latestFigures(samples) {
  const last = samples[samples.length - 1];
  if (!last) return null;
  const prev = samples.length > 1 ? samples[samples.length - 2] : null;
  const rates = {};
  for (const [field, name] of Object.entries(RATE_FIELDS)) rates[name] = prev ? perSecond(prev, last, field) : null;
  const totals = TOTAL_FIELDS.filter((k) => k in last).map((k) => [k, num(last[k])]);
  const other = Object.keys(last).filter((k) => !KNOWN.has(k)).sort()
    .map((k) => [k, typeof last[k] === "object" ? JSON.stringify(last[k]) : last[k]]);
  return {
    timestamp: last.timestamp,
    processUniqueID: last.processUniqueID ?? null,
    cpu: prev ? cpuPercent(prev, last) : null,
    memory: num(last.currentPrivateMemoryBytes),
    cpuTotalMs: num(last.totalProcessorMilliseconds),
    ...rates,
    totals,
    other,
  };
}

/** Whether the instance can answer (a process runs): running, or stopping/starting with a process. */
export function canSample(instance) {
  return !!instance && (instance.status === "running" || (instance.status !== "stopped" && !!instance.processID));
}
