// What every browser scenario here shares (web_features.mjs, console.mjs):
// checks that record what was seen instead, screenshots, axe-core audits (with
// a self-test on a page with planted violations), Debian's Chromium launched
// headless, and the one JSON line the Python test reads
// ({ok, error, checks, axe, shots, ...}).
import { chromium } from "playwright-core";
import fs from "node:fs";
import path from "node:path";

const axeSource = fs.readFileSync(new URL("./node_modules/axe-core/axe.min.js", import.meta.url), "utf8");

// `shots`: where screenshots go; `axeOptions`: axe.run's options beside
// resultTypes (e.g. {iframes: false}).
export function makeScenario({ shots, axeOptions = {} }) {
  const out = { checks: {}, axe: {}, shots: [] };
  fs.mkdirSync(shots, { recursive: true });

  // A check: true, or what was seen instead.
  function check(name, seen, expected = true) {
    const ok = typeof expected === "function" ? expected(seen) : JSON.stringify(seen) === JSON.stringify(expected);
    out.checks[name] = ok ? true : { seen, expected: typeof expected === "function" ? String(expected) : expected };
  }

  async function shot(page, name) {
    await page.waitForTimeout(50);  // let the last paint land; correctness never waits on time
    await page.screenshot({ path: path.join(shots, name + ".png") });
    out.shots.push(name + ".png");
  }

  // axe-core on the page as it is (injected without a <script>: the CSP
  // allows no inline script, and evaluate() is not subject to it).
  async function audit(page, name) {
    if (!(await page.evaluate(() => typeof window.axe !== "undefined"))) await page.evaluate(axeSource);
    out.axe[name] = await page.evaluate(async (options) => {
      const r = await window.axe.run(document, { ...options, resultTypes: ["violations"] });
      return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help,
                                        nodes: v.nodes.slice(0, 4).map((n) => n.target.join(" ")) }));
    }, axeOptions);
  }

  async function view(page, name) {
    await shot(page, name);
    await audit(page, name);
  }

  // The audit finds what it should: a page with a planted violation.
  async function auditSelfTest(browser) {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.setContent("<html lang='en'><head><title>x</title></head><body><main><h1>x</h1><img src='data:,'><button></button></main></body></html>");
    await page.evaluate(axeSource);
    const ids = await page.evaluate(async () => (await window.axe.run(document)).violations.map((v) => v.id).sort());
    check("axe finds planted violations", ids, ["button-name", "image-alt"]);
    await context.close();
  }

  // Runs the parts (async functions of the browser) in order, then prints the result line.
  async function run(parts) {
    const browser = await chromium.launch({
      executablePath: "/usr/bin/chromium",
      headless: true,
      args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
             "--disable-component-update", "--disable-sync"],
    });
    try {
      await auditSelfTest(browser);
      for (const part of parts) await part(browser);
      out.ok = true;
    } catch (e) {
      out.error = String((e && e.stack) || e);
    } finally {
      await browser.close();
    }
    process.stdout.write(JSON.stringify(out) + "\n");
  }

  return { out, check, shot, audit, view, run };
}

export const text = (page, sel) => page.locator(sel).first().innerText();
