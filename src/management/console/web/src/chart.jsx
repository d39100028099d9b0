// A line chart of one or more series over time (or days, or plain numbers),
// drawn by uPlot on a canvas, for the pages that show figures (an instance's
// Live Statistics; the Dashboard's charts).
//
//   <Chart title="CPU" x={[ms, ...]} series={[{label: "CPU", values: [...]}]}
//          format={(v) => v + " %"} xLabel="Time" yLabel="%" />
//
// Props: title (the caption, also the table's), x (epoch ms for xKind "time"
// and "date", else numbers), series [{label, values (number|null per x),
// tone (1-4, else by position)}], format (a value as text: axis, read-out,
// table; default fmt.number), xKind ("time" | "date" | "number"), xLabel,
// yLabel (axis titles), yMin (default 0), xRange ([min, max] in x's unit:
// a fixed window such as "the last 5 minutes"), height (px, default 220),
// tableLimit (rows the table keeps, newest; 0 = all), empty (text while
// there is nothing to draw), binary (a byte axis: ticks at powers of two),
// hideTitle (the caption for screen readers only, when a heading above
// already says it).
//
// Screen readers get what the canvas shows as text: a summary (latest,
// lowest and highest value of each series) and a visually hidden table of
// the figures; the canvas, the legend and the pointer's read-out are hidden
// from them. Colours come from CSS variables (chart.css), so the canvas
// follows the console's look. uPlot only writes element.style (CSSOM),
// which the console's Content-Security-Policy allows.
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import "./chart.css";
import { useEffect, useId, useMemo, useRef, useState } from "preact/hooks";
import { axisWidth, niceMax, niceMaxBinary, plotData, summaryOf, tableRows, xFormatter, xLongFormatter } from "./chart_data.js";
import { useApp } from "./ui.jsx";

const FONT = '12px system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif';
const LABEL_FONT = '600 12px system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif';

// Ticks of a byte axis at powers of two (1 KB, 2 KB, 4 KB, ...): they read as round numbers in fmt.bytes.
const BINARY_INCRS = Array.from({ length: 50 }, (_, i) => 2 ** i);
// Ticks of another axis at 1, 2 and 5 times a power of ten (not 2.5: a formatter with one decimal would show 0.25 as 0.3).
const DECIMAL_INCRS = Array.from({ length: 22 }, (_, i) => [1, 2, 5].map((m) => m * 10 ** (i - 6))).flat();
// Ticks of a day axis at whole days (uPlot's time axis would also offer hours).
const DAY_INCRS = [1, 2, 3, 7, 14, 30, 61, 91, 182, 365].map((d) => d * 86400);
const sameArrays = (a, b) => a.length === b.length && a.every((v, i) => v === b[i]);
const toneOf = (s, i) => (s.tone >= 1 && s.tone <= 4 ? s.tone : (i % 4) + 1);

export function Chart({ title, x, series, format, xKind = "time", xLabel, yLabel, yMin = 0, xRange = null,
                        height = 220, tableLimit = 0, empty, binary = false, hideTitle = false }) {
  const { t, fmt, lang } = useApp();
  const captionId = useId();
  const hostRef = useRef(null);
  const plotRef = useRef(null);
  const [hover, setHover] = useState(null);
  const valueText = format || ((v) => fmt.number(v));

  // What the current render knows, for uPlot's callbacks (made once per plot).
  const live = useRef({});
  live.current = { x, xKind, xRange, yMin, valueText, lang };

  const structure = JSON.stringify([xKind, series.map((s, i) => [s.label, toneOf(s, i)]), xLabel, yLabel, height, binary]);
  useEffect(() => {
    const host = hostRef.current;
    if (!host) return undefined;
    const css = getComputedStyle(host);
    const color = (name, fallback) => css.getPropertyValue(name).trim() || fallback;
    const axisColor = color("--chart-axis", "#56616f");
    const gridColor = color("--chart-grid", "#e3e8ee");
    const axis = (label) => ({
      stroke: axisColor, font: FONT, labelFont: LABEL_FONT, label, labelSize: label ? 18 : 0, labelGap: 0,
      grid: { stroke: gridColor, width: 1 }, ticks: { stroke: gridColor, width: 1, size: 4 },
    });
    const xAxis = {
      ...axis(xLabel),
      size: 28,
      space: xKind === "time" ? 80 : 50,  // px between ticks: a clock time with seconds is about 70 px wide
      ...(xKind === "date" ? { incrs: DAY_INCRS } : {}),
      values: (u, splits) => {
        const span = (u.scales.x.max - u.scales.x.min) * (live.current.xKind === "number" ? 1 : 1000);
        const f = xFormatter(live.current.xKind, live.current.lang, span);
        return splits.map((s) => f(live.current.xKind === "number" ? s : s * 1000));
      },
    };
    const yAxis = {
      ...axis(yLabel),
      values: (u, splits) => splits.map((s) => live.current.valueText(s)),
      size: (u, values) => axisWidth(values || []),
      incrs: binary ? BINARY_INCRS : DECIMAL_INCRS,
    };
    const opts = {
      width: Math.max(120, host.clientWidth || 300),
      height,
      legend: { show: false },
      cursor: { drag: { x: false, y: false }, points: { size: 7 } },
      select: { show: false },
      scales: {
        x: {
          time: xKind !== "number",
          range: (u, min, max) => {
            const r = live.current.xRange;
            if (r) return live.current.xKind === "number" ? r : [r[0] / 1000, r[1] / 1000];
            if (min !== max) return [min, max];
            const pad = { date: 86400, time: 30 }[live.current.xKind] || 1;  // one point: a day, a minute or 1 on each side
            return [min - pad, max + pad];
          },
        },
        y: {
          range: (u, min, max) => {
            const low = live.current.yMin ?? min;
            return [low, (binary ? niceMaxBinary : niceMax)(Number.isFinite(max) ? max : low, low)];
          },
        },
      },
      axes: [xAxis, yAxis],
      series: [
        {},
        ...series.map((s, i) => {
          const c = color(`--chart-${toneOf(s, i)}`, "#2b6cb0");
          return { label: s.label, stroke: c, width: 2, spanGaps: false, points: { stroke: c, fill: c } };
        }),
      ],
      hooks: {
        setCursor: [(u) => setHover(u.cursor.idx ?? null)],
      },
    };
    const plot = new uPlot(opts, plotData(live.current.x, series, xKind), host);
    plotRef.current = plot;
    const ro = new ResizeObserver(() => {
      const w = host.clientWidth;
      if (w > 0 && Math.abs(w - plot.width) > 1) plot.setSize({ width: w, height });
    });
    ro.observe(host);
    return () => {
      ro.disconnect();
      plot.destroy();
      plotRef.current = null;
    };
  }, [structure]);  // eslint-disable-line react-hooks/exhaustive-deps

  // New figures (another x or values array): drawn again with the scales fitted to them (or to xRange).
  const drawn = useRef([]);
  useEffect(() => {
    const arrays = [x, ...series.map((s) => s.values)];
    if (!plotRef.current || sameArrays(arrays, drawn.current)) return;
    drawn.current = arrays;
    plotRef.current.setData(plotData(x, series, xKind), true);
  });

  const summaries = series.map((s) => summaryOf(s.values));
  const rows = useMemo(() => tableRows(x, series, tableLimit), [x, series, tableLimit]);
  const long = xLongFormatter(xKind, lang);
  const nothing = rows.length === 0;
  const hovered = hover !== null && hover < x.length ? hover : null;

  return (
    <figure class="chart" aria-labelledby={captionId}>
      <figcaption id={captionId} class={hideTitle ? "sr-only" : "chart-title"}>{title}</figcaption>
      {series.length > 1 && (
        <ul class="chart-legend" aria-hidden="true">
          {series.map((s, i) => (
            <li key={s.label}><span class={"chart-swatch tone-" + toneOf(s, i)}></span>{s.label}</li>
          ))}
        </ul>
      )}
      <div class="chart-frame" aria-hidden="true">
        <div class="chart-plot" ref={hostRef}></div>
        {nothing && <p class="chart-empty">{empty || t("chartNoFigures")}</p>}
      </div>
      <p class="chart-readout" aria-hidden="true">
        {hovered !== null ? (
          <>
            <span class="chart-readout-x">{long(x[hovered])}</span>
            {series.map((s, i) => (
              <span key={s.label}>
                <span class={"chart-swatch tone-" + toneOf(s, i)}></span>
                {s.label}: {typeof s.values[hovered] === "number" ? valueText(s.values[hovered]) : "—"}
              </span>
            ))}
          </>
        ) : "\u00a0"}
      </p>
      <div class="sr-only">
        <p>
          {nothing ? (empty || t("chartNoFigures"))
            : t("chartSpan", { n: rows.length, from: long(rows[0].x), to: long(rows[rows.length - 1].x) })}
        </p>
        {!nothing && (
          <ul>
            {series.map((s, i) => summaries[i] && (
              <li key={s.label}>{t("chartSummary", {
                series: s.label, last: valueText(summaries[i].last),
                min: valueText(summaries[i].min), max: valueText(summaries[i].max),
              })}</li>
            ))}
          </ul>
        )}
        {!nothing && (
          <table class="chart-table">
            <caption>{title}</caption>
            <thead>
              <tr>
                <th scope="col">{xLabel || t("chartX")}</th>
                {series.map((s) => <th scope="col" key={s.label}>{s.label}</th>)}
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.x}>
                  <th scope="row">{long(r.x)}</th>
                  {r.values.map((v, i) => <td key={i}>{v === null ? "—" : valueText(v)}</td>)}
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>
    </figure>
  );
}
