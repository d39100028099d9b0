// The Live Statistics tab of an instance's page: at least two samples of
// GetInstanceProcessLiveStatistics arrive, the numbers and the charts show
// them (canvases drawn in the series' colour, the screen reader's table of
// figures filled), and polling stops while paused, while the browser tab is
// hidden, and once the tab is left; it starts again at once when resumed or
// shown.

const FN = "/api/invoke/GetInstanceProcessLiveStatistics";
const QUIET_MS = 7000;  // more than two polling intervals (3 s): no request may come in that time

// Rows of a chart's figures table (the screen reader's copy of the canvas).
const rowsOf = (page, n) => page.locator(".live-charts .chart").nth(n).locator(".chart-table tbody tr").count();

async function twoSamples(page, TIMEOUT) {
  // Memory has a value in every sample, CPU from the second: one CPU row means two samples.
  await page.waitForFunction(() => {
    const charts = document.querySelectorAll(".live-charts .chart");
    return charts.length === 3 && charts[0].querySelectorAll(".chart-table tbody tr").length >= 1 &&
           charts[1].querySelectorAll(".chart-table tbody tr").length >= 2;
  }, null, { timeout: TIMEOUT });
}

// Pixels of a canvas in a colour (the series' stroke), read from the page.
function colourPixels(page, n, rgb) {
  return page.evaluate(([n, rgb]) => {
    const canvas = document.querySelectorAll(".live-charts .chart")[n].querySelector("canvas");
    if (!canvas || !canvas.width) return -1;
    const data = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
    let count = 0;
    for (let i = 0; i < data.length; i += 4) {
      if (Math.abs(data[i] - rgb[0]) < 12 && Math.abs(data[i + 1] - rgb[1]) < 12 && Math.abs(data[i + 2] - rgb[2]) < 12 && data[i + 3] > 200) count += 1;
    }
    return count;
  }, [n, rgb]);
}

export async function desktop(page, { check, view, openTab, settled, TIMEOUT }) {
  let calls = 0;
  const count = (r) => { if (r.url().includes(FN)) calls += 1; };
  page.on("request", count);
  try {
    await twoSamples(page, TIMEOUT);
    await settled(page);
    check("live: three charts, each with a canvas", await page.locator(".live-charts .chart canvas").count(), (n) => n >= 3);
    check("live: the memory chart is drawn in its colour", await colourPixels(page, 1, [0x2f, 0x7d, 0x4f]), (n) => n > 20);
    check("live: the memory table has a row per sample", await rowsOf(page, 1), (n) => n >= 2);
    check("live: the CPU table has a figure", await page.locator(".live-charts .chart").nth(0).locator(".chart-table tbody td").first().innerText(),
          (s) => /\d.*%/.test(s));
    check("live: the summary names the latest, lowest and highest", await page.locator(".live-charts .chart").nth(1).locator(".sr-only li").first().innerText(),
          (s) => /latest .* lowest .* highest/.test(s));
    check("live: CPU as a live number", await page.locator("#live-cpu .live-tile-value").innerText(), (s) => /\d.*%/.test(s));
    check("live: memory as a live number", await page.locator("#live-memory .live-tile-value").innerText(), (s) => /\d.*(B|KB|MB|GB)$/.test(s.trim()));
    check("live: the process's totals", await page.locator(".live-totals dd").count(), (n) => n >= 7);
    check("live: the status line gives the last sample's time", await page.locator(".live-status").innerText(), (s) => /last figures/.test(s));
    await view(page, "i-live-desktop");

    // Paused: nothing asked; resumed: asked at once.
    await page.click("#live-pause");
    check("live: the pause button is pressed", await page.getAttribute("#live-pause", "aria-pressed"), "true");
    let before = calls;
    await page.waitForTimeout(QUIET_MS);
    check("live: no request while paused", calls - before, 0);
    await Promise.all([page.waitForRequest((r) => r.url().includes(FN), { timeout: TIMEOUT }), page.click("#live-pause")]);
    check("live: resumed at once", await page.getAttribute("#live-pause", "aria-pressed"), "false");

    // The browser tab hidden (as the browser reports it): nothing asked; shown again: asked at once.
    await page.evaluate(() => {
      Object.defineProperty(document, "hidden", { configurable: true, get: () => true });
      document.dispatchEvent(new Event("visibilitychange"));
    });
    before = calls;
    await page.waitForTimeout(QUIET_MS);
    check("live: no request while the browser tab is hidden", calls - before, 0);
    check("live: says so", await page.locator(".live-status").innerText(), (s) => /hidden/.test(s));
    before = calls;
    await Promise.all([page.waitForRequest((r) => r.url().includes(FN), { timeout: TIMEOUT }), page.evaluate(() => {
      delete document.hidden;  // back to the browser's own answer (visible)
      document.dispatchEvent(new Event("visibilitychange"));
    })]);
    check("live: the tab shown again asks at once", calls - before, (n) => n >= 1);

    // Left: nothing asked any more.
    await openTab(page, "overview");
    before = calls;
    await page.waitForTimeout(QUIET_MS);
    check("live: no request once the tab is left", calls - before, 0);
    await openTab(page, "live");
  } finally {
    page.off("request", count);
  }
}

export async function phone(page, { check, view, settled, TIMEOUT }) {
  await twoSamples(page, TIMEOUT);
  await settled(page);
  check("phone live: nothing wider than the screen",
        await page.evaluate(() => document.querySelector("main").scrollWidth <= document.querySelector("main").clientWidth + 1), true);
  check("phone live: the charts fit the screen",
        await page.evaluate(() => Math.max(...[...document.querySelectorAll(".live-charts canvas")].map((c) => c.getBoundingClientRect().right))),
        (r) => r <= 390);
  await view(page, "i-live-phone");
  await page.locator(".live-charts").scrollIntoViewIfNeeded();
  await view(page, "i-live-phone-charts");
}
