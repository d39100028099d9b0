// The figures behind a chart (chart.jsx), free of the DOM so `node --test`
// checks them: uPlot's data from the console's own shape (x in epoch
// milliseconds or plain numbers, one array of values per series, null for a
// missing value), the summary and table a screen reader gets instead of the
// canvas, how the x axis labels its ticks, and how wide the y axis must be.

/** uPlot's data: [x, ...values]; time in seconds (uPlot's unit), values as numbers or null. */
export function plotData(x, series, xKind = "time") {
  const xs = x.map((v) => (xKind === "number" ? v : v / 1000));
  return [xs, ...series.map((s) => x.map((_, i) => clean(s.values[i])))];
}

const clean = (v) => (typeof v === "number" && Number.isFinite(v) ? v : null);

/** {last, min, max, count} of a series' values (nulls skipped); null when it has none. */
export function summaryOf(values) {
  let last = null, min = Infinity, max = -Infinity, count = 0;
  for (const raw of values) {
    const v = clean(raw);
    if (v === null) continue;
    last = v;
    if (v < min) min = v;
    if (v > max) max = v;
    count += 1;
  }
  return count ? { last, min, max, count } : null;
}

/**
 * The rows of the figures table: the last `limit` points (all when limit is
 * 0), oldest first, as {x, values}; a row where every value is missing is left out.
 */
export function tableRows(x, series, limit = 0) {
  const rows = [];
  for (let i = 0; i < x.length; i += 1) {
    const values = series.map((s) => clean(s.values[i]));
    if (values.some((v) => v !== null)) rows.push({ x: x[i], values });
  }
  return limit > 0 && rows.length > limit ? rows.slice(rows.length - limit) : rows;
}

/**
 * How the x axis and the table write x: "time" (a clock time; seconds when
 * the span is under 15 minutes), "date" (a day), "number" (as it is).
 * Returns (value in the data's unit: ms for time and date) => string.
 */
export function xFormatter(kind, lang, spanMs = 0) {
  const locale = lang === "de" ? "de-DE" : "en-US";
  if (kind === "date") {
    const f = new Intl.DateTimeFormat(locale, { month: "short", day: "numeric" });
    return (ms) => f.format(new Date(ms));
  }
  if (kind === "time") {
    const withSeconds = spanMs < 15 * 60 * 1000;
    const f = new Intl.DateTimeFormat(locale, withSeconds ? { hour: "numeric", minute: "2-digit", second: "2-digit" }
                                                          : { hour: "numeric", minute: "2-digit" });
    return (ms) => f.format(new Date(ms));
  }
  const f = new Intl.NumberFormat(locale);
  return (v) => f.format(v);
}

/** The full form of x for the table and the read-out (a time with seconds, a day with its year). */
export function xLongFormatter(kind, lang) {
  const locale = lang === "de" ? "de-DE" : "en-US";
  if (kind === "date") {
    const f = new Intl.DateTimeFormat(locale, { dateStyle: "medium" });
    return (ms) => f.format(new Date(ms));
  }
  if (kind === "time") {
    const f = new Intl.DateTimeFormat(locale, { timeStyle: "medium" });
    return (ms) => f.format(new Date(ms));
  }
  const f = new Intl.NumberFormat(locale);
  return (v) => f.format(v);
}

/** The width (CSS px) a y axis needs for its tick labels at about 7 px a character, plus its tick and gap. */
export function axisWidth(labels, charPx = 7) {
  const longest = labels.reduce((n, l) => Math.max(n, String(l ?? "").length), 0);
  return Math.max(36, Math.ceil(longest * charPx) + 18);
}

/** Ticks of a y axis from 0 (or `min`) to about `max`: at most `count` round steps (1, 2, 2.5, 5 × 10^n). */
export function niceMax(max, min = 0) {
  if (!(max > min)) return min + 1;
  const span = max - min;
  const step = 10 ** Math.floor(Math.log10(span));
  for (const m of [1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10]) {
    if (min + m * step >= max) return min + m * step;
  }
  return min + 10 * step;
}

/** The same for a byte axis: a multiple of a power of two, about four ticks (0, 4, 8, 12, 16 MB). */
export function niceMaxBinary(max, min = 0) {
  if (!(max > min)) return min + 1;
  const step = 2 ** Math.max(0, Math.ceil(Math.log2((max - min) / 4)));
  return min + Math.ceil((max - min) / step) * step;
}
