// What the console's browser scenarios share (console.mjs, console_instance.mjs
// and its tab modules under console_tabs/): the page watcher (no script
// error, no CSP refusal, no request leaving the server), logging in, going to
// a page through the navigation (the drawer on a phone) and waiting until
// nothing loads.
import { text } from "./scenario.mjs";

export const TIMEOUT = 30000;
export const START_TIMEOUT = 120000;  // starting an instance process, with its ready handshake
export const h1 = (page) => text(page, "main h1");

// args: the scenario's JSON argument ({url, user, password, ...}); check: the scenario's check().
export function consoleSite(args, check) {
  const base = args.url.endsWith("/") ? args.url : args.url + "/";
  const origin = new URL(base).origin;

  // Watches a page for what must never happen; the returned function records the checks.
  function watch(page, tag) {
    const seen = { errors: [], csp: [], remote: [] };
    page.on("pageerror", (e) => seen.errors.push(String(e.message || e)));
    page.on("console", (m) => {
      if (/Content[- ]Security[- ]Policy/i.test(m.text())) seen.csp.push(m.text());
    });
    page.on("request", (r) => {
      const u = r.url();
      if (!u.startsWith(origin) && !u.startsWith("data:") && !u.startsWith("about:")) seen.remote.push(u);
    });
    return () => {
      check(`${tag}: no script error`, seen.errors, []);
      check(`${tag}: no CSP refusal`, seen.csp, []);
      check(`${tag}: no request leaves the server`, seen.remote, []);
    };
  }

  async function login(page, password = args.password) {
    await page.waitForSelector("#login-user", { timeout: TIMEOUT });
    await page.fill("#login-user", args.user);
    await page.fill("#login-password", password);
    await page.click("#login-button");
  }

  return { base, origin, watch, login };
}

export async function loggedIn(page) {
  await page.waitForSelector("main#main", { timeout: TIMEOUT });
}

// The phone's navigation drawer, slid in all the way.
export async function drawerOpen(page) {
  await page.waitForSelector("#nav.shown a.nav-link", { state: "visible" });
  await page.waitForFunction(() => Math.abs(document.getElementById("nav").getBoundingClientRect().left) < 1);
}

// Goes to a page through the navigation (the drawer on a phone).
export async function go(page, hash, phone = false) {
  if (phone) {
    await page.click(".menu-toggle");
    await drawerOpen(page);
  }
  await page.click(`#nav a.nav-link[href="#/${hash}"]`);
  await page.waitForFunction((h) => location.hash.startsWith("#/" + h), hash);
  await page.waitForSelector(`main[data-page="${hash}"] h1`);
}

// Waits until nothing on the page is loading.
export async function settled(page) {
  await page.waitForFunction(() => !document.querySelector("main .loading"), null, { timeout: TIMEOUT });
}

// A function called as the console calls it: the session's cookie and anti-CSRF token.
export async function consoleApi(page, fn, args = {}) {
  return page.evaluate(async ({ fn, args }) => {
    const strip = (s) => s.replace(/^\uFEFF/, "");
    const session = JSON.parse(strip(await (await fetch("/console/session")).text()));
    const body = new URLSearchParams();
    for (const [k, v] of Object.entries(args)) body.append(k, typeof v === "object" ? JSON.stringify(v) : String(v));
    const r = await fetch("/api/invoke/" + fn, {
      method: "POST", body,
      headers: { "X-AntiXsrfToken": session.csrfToken, "Content-Type": "application/x-www-form-urlencoded; charset=utf-8" },
    });
    return JSON.parse(strip(await r.text()));
  }, { fn, args });
}
