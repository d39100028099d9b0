// The Dashboard's figures, free of the DOM: from GetInstanceStatisticsHistory
// ({days, instances: [{instanceID, numberOfMessages, totalSizeMB}]}, one value
// per UTC day or null) the messages archived per day and the storage of the
// biggest instances; from samples of GetInstanceProcessLiveStatistics the CPU
// and memory of the instance processes.

const num = (v) => (typeof v === "number" && Number.isFinite(v) ? v : null);

/** Epoch ms of a "YYYY-MM-DD" UTC day (NaN when it is not one). */
export function dayMs(day) {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(String(day));
  return m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) : NaN;
}

/**
 * Messages archived per day over the history's days but the first (which is
 * only the base): per instance the growth of its count since the last day it
 * was recorded, a fall (mail deleted) counting 0, summed. A day no instance
 * was recorded is null. Returns {x: [ms], values: [n|null]}.
 */
export function archivedPerDay(history) {
  const days = (history && Array.isArray(history.days)) ? history.days : [];
  const instances = (history && Array.isArray(history.instances)) ? history.instances : [];
  const x = days.slice(1).map(dayMs);
  const values = x.map(() => null);
  for (const inst of instances) {
    const counts = Array.isArray(inst.numberOfMessages) ? inst.numberOfMessages : [];
    let last = null;
    for (let d = 0; d < days.length; d++) {
      const c = num(counts[d]);
      if (c === null) continue;
      if (d > 0) {
        const grew = last === null ? (d === 1 ? null : c) : Math.max(0, c - last);
        if (grew !== null) values[d - 1] = (values[d - 1] ?? 0) + grew;
      }
      last = c;
    }
  }
  return { x, values };
}

/**
 * The storage (MB) of the `top` instances biggest on their last recorded day,
 * one series each, and the rest summed as "others" (label null) when there
 * are more. Days but the first, as archivedPerDay.
 */
export function storageSeries(history, top = 3) {
  const days = (history && Array.isArray(history.days)) ? history.days : [];
  const instances = (history && Array.isArray(history.instances)) ? history.instances : [];
  const x = days.slice(1).map(dayMs);
  const sizes = (inst) => (Array.isArray(inst.totalSizeMB) ? inst.totalSizeMB : []).slice(1).map(num);
  const latest = (inst) => {
    const s = sizes(inst).filter((v) => v !== null);
    return s.length ? s[s.length - 1] : -1;
  };
  const ranked = [...instances].sort((a, b) => latest(b) - latest(a) || String(a.instanceID).localeCompare(String(b.instanceID)));
  const series = ranked.slice(0, top).map((inst) => ({ label: String(inst.instanceID), values: x.map((_, i) => sizes(inst)[i] ?? null) }));
  const rest = ranked.slice(top);
  if (rest.length) {
    const values = x.map((_, i) => {
      const v = rest.map((inst) => sizes(inst)[i]).filter((s) => s !== null && s !== undefined);
      return v.length ? v.reduce((a, b) => a + b, 0) : null;
    });
    series.push({ label: null, values });
  }
  return { x, series };
}

/**
 * The instance processes together from two rounds of live samples
 * ({instanceID: sample}): CPU in percent of one core (the processor time
 * the processes used between the rounds, over the time between them; an
 * instance restarted in between counts from the new round only) and the
 * memory of all now. Returns {cpuPercent|null, memoryBytes, instances}.
 */
export function processTotals(previous, current) {
  let cpuMs = 0, spanMs = 0, memory = 0, counted = 0;
  for (const [id, s] of Object.entries(current || {})) {
    if (!s) continue;
    const mem = num(s.currentPrivateMemoryBytes);
    if (mem !== null) memory += mem;
    counted += 1;
    const p = previous && previous[id];
    if (!p || p.processUniqueID !== s.processUniqueID) continue;
    const dCpu = num(s.totalProcessorMilliseconds) - num(p.totalProcessorMilliseconds);
    const dT = num(s.timestamp) - num(p.timestamp);
    if (!(dT > 0) || !(dCpu >= 0)) continue;
    cpuMs += dCpu;
    spanMs = Math.max(spanMs, dT);
  }
  return { cpuPercent: spanMs > 0 ? (cpuMs / spanMs) * 100 : null, memoryBytes: memory, instances: counted };
}
