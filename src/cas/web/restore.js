// Restore to a mailbox: the selection (the rows picked, or all results of the
// search, as the export takes it) copied by the instance over IMAP into a
// mailbox the user names (server, login, target folder).
// The password goes out once, in the "restore" request: its field is cleared
// as soon as the request is sent and the page keeps no copy. Of a restore the
// page keeps only its ID and what it shows; it asks restoreStatus every second
// while the restore runs, with the dialog open or closed (closed, a notice
// in the list's head shows it and opens the dialog again). A restore that is
// still running when the page loads is shown the same way.
import { api } from "./api.js";
import { $, el } from "./dom.js";
import { announce, showError, withLoading } from "./feedback.js";
import { t } from "./i18n.js";
import { ARCHIVE_ADMIN, app } from "./state.js";

const POLL_MS = 1000;
const RETRY_MS = 3000;   // after a status request that failed (network, busy archive)
const MAX_FOLDER = 200;  // characters of the target folder, as the instance takes it
const TLS_PORT = "993", STARTTLS_PORT = "143";

// The request's fields a refusal may name: [input, error box].
const FIELDS = {
  "server.host": ["restore-host", "restore-server-error"],
  "server.port": ["restore-port", "restore-server-error"],
  "server.security": ["restore-security", "restore-server-error"],
  "server.userName": ["restore-user", "restore-login-error"],
  "server.password": ["restore-password", "restore-login-error"],
  folder: ["restore-folder", "restore-folder-error"],
  keepFolders: ["restore-keep", "restore-folder-error"],
};
const ERROR_BOXES = ["restore-error", "restore-server-error", "restore-login-error", "restore-folder-error",
                     "restore-stop-error"];

let what = null;          // what the form restores: {body: {messages} | {search}, count}
let current = null;       // the restore shown: {restoreID, session, host, folder, total, answer}
let timer = 0;            // the next status request
let checkedSession = "";  // the session a running restore was looked for in

function clearErrors() {
  for (const id of ERROR_BOXES) showError($(id), "");
  for (const [input] of Object.values(FIELDS)) $(input).removeAttribute("aria-invalid");
}

// A refusal at the field it names, else at the top of the form.
function refuse(message, field) {
  const f = FIELDS[field];
  if (f) showError($(f[1]), message, $(f[0]));
  else showError($("restore-error"), message);
}

const count = (v, fallback = 0) => (Number.isFinite(v) ? v : fallback);
// The server's name in a status answer's "imaps://host:port" (or its host).
function serverName(s) {
  if (s && typeof s === "object") return s.host || "";
  const m = typeof s === "string" && s.match(/^imaps?:\/\/(\[[^\]]*\]|[^/:]*)/i);
  return m ? m[1] : s || "";
}

// What the status answer says, in a sentence.
function sentence(a) {
  const total = count(a.total, current.total);
  const restored = count(a.restored, count(a.done));
  const folder = a.folder || current.folder, server = serverName(a.server) || current.host;
  switch (a.state) {
    case "running": return t("restoreRunningN", { done: count(a.done), n: total });
    case "succeeded": return t("restoreSucceeded", { n: restored, folder, server });
    case "completedWithErrors": return t("restoreWithErrors", { restored, n: total, failed: count(a.failed, total - restored) });
    case "failed": return t("restoreFailed", { error: a.error || a.text || "" });
    case "cancelled": return t("restoreCancelled", { restored, n: total });
    default: return a.text || String(a.state);
  }
}

function drawProgress() {
  const a = current.answer || { state: "running", done: 0, total: current.total };
  const running = a.state === "running";
  $("restore-status").textContent = sentence(a);
  $("restore-status").className = "restore-status " + (a.state || "");
  const bar = $("restore-bar");
  const total = count(a.total, current.total);
  bar.max = Math.max(total, 1);
  if (running && !total) bar.removeAttribute("value");  // not known yet: indeterminate
  else bar.value = a.state === "succeeded" ? bar.max : Math.min(count(a.done), bar.max);
  bar.hidden = a.state === "failed";
  const errors = Array.isArray(a.errors) ? a.errors.filter((e) => typeof e === "string") : [];
  $("restore-errors").replaceChildren(...errors.map((e) => el("li", "", e)));
  $("restore-errors").hidden = !errors.length;
  $("restore-stop").hidden = !running;
  $("restore-goes-on").hidden = !running;
  drawNotice();
}

// The notice in the list's head (#export-status), while it shows a restore.
function drawNotice() {
  const button = $("restore-notice");
  if (!button || !current) return;
  const a = current.answer || { state: "running", done: 0, total: current.total };
  button.textContent = a.state === "running"
    ? t("restoreNotice", { done: count(a.done), n: count(a.total, current.total) }) : sentence(a);
}

function showNotice() {
  const status = $("export-status");
  const button = el("button", "link restore-notice");
  button.type = "button";
  button.id = "restore-notice";
  button.setAttribute("aria-haspopup", "dialog");
  button.addEventListener("click", openProgress);
  status.replaceChildren(button);
  status.hidden = false;
  drawNotice();
}

function schedule(ms) {
  clearTimeout(timer);
  timer = setTimeout(poll, ms);
}

function forget() {
  clearTimeout(timer);
  current = null;
  if ($("restore-notice")) $("export-status").hidden = true;
  if ($("restore-dialog").open) $("restore-dialog").close();
}

async function poll() {
  const c = current;
  if (!c) return;
  if (app.csrf !== c.session) return forget();  // logged out meanwhile
  let a;
  try {
    a = await api("restoreStatus", { restoreID: c.restoreID });
  } catch (e) {
    if (current !== c) return;
    if (e.status === 401) return forget();
    if (e.status >= 400 && e.status < 500 && e.status !== 429) {
      c.answer = { state: "failed", error: e.message, total: c.total };
      drawProgress();
      return;
    }
    schedule(RETRY_MS);
    return;
  }
  if (current !== c) return;
  const was = c.answer && c.answer.state;
  c.answer = a;
  drawProgress();
  if (a.state === "running") schedule(POLL_MS);
  else if (was !== a.state && !$("restore-dialog").open) announce(sentence(a));
}

function showPart(progress) {
  $("restore-form").hidden = progress;
  $("restore-progress").hidden = !progress;
}

// The dialog with the restore shown (running or ended).
function openProgress() {
  if (!current) return;
  drawProgress();
  showPart(true);
  if (!$("restore-dialog").open) $("restore-dialog").showModal();
  $("restore-title").focus();
  if (current.answer && current.answer.state === "running") schedule(0);
}

// Opens the dialog for `body` (the selection as the export takes it:
// {messages} or {search}) of `n` messages; a restore still running is shown
// instead.
export function openRestore(body, n) {
  if (current && (!current.answer || current.answer.state === "running")) return openProgress();
  if (current) forget();
  what = { body, count: n };
  $("restore-what").textContent = t("restoreWhat", { n });
  clearErrors();
  $("restore-password").value = "";
  $("restore-start").disabled = false;
  showPart(false);
  $("restore-dialog").showModal();
  const first = ["restore-host", "restore-user", "restore-password"].find((id) => !$(id).value);
  $(first || "restore-host").focus();
}

async function start(ev) {
  ev.preventDefault();
  clearErrors();
  const host = $("restore-host").value.trim();
  const port = $("restore-port").valueAsNumber;
  const security = $("restore-security").value;
  const userName = $("restore-user").value.trim();
  const folder = $("restore-folder").value.trim();
  const keepFolders = $("restore-keep").checked;
  if (!host) return refuse(t("restoreEnterHost"), "server.host");
  if (!Number.isInteger(port) || port < 1 || port > 65535) return refuse(t("restorePortRange"), "server.port");
  if (!userName) return refuse(t("restoreEnterUser"), "server.userName");
  if (!$("restore-password").value) return refuse(t("restoreEnterPassword"), "server.password");
  if (!folder || [...folder].length > MAX_FOLDER) return refuse(t("restoreFolderLength", { max: MAX_FOLDER }), "folder");

  const body = { ...what.body, server: { host, port, security, userName, password: $("restore-password").value },
                 folder, keepFolders };
  const request = api("restore", body);  // the body is sent (serialised) by now
  body.server.password = "";
  $("restore-password").value = "";
  const button = $("restore-start");
  button.disabled = true;
  let answer;
  try {
    answer = await withLoading(request, $("restore-form"));
  } catch (e) {
    if (e.code === "restoreRunning" && e.params.restoreID) {
      // One of the user's runs already (another tab): that one is shown, with why.
      current = { restoreID: e.params.restoreID, session: app.csrf, host: "", folder: "", total: 0, answer: null };
      showPart(true);
      drawProgress();
      showError($("restore-stop-error"), e.message);
      $("restore-title").focus();
      schedule(0);
      return;
    }
    const field = e.code === "restoreServerNotAllowed" ? "server.host" : e.params && e.params.field;
    // A field refused is named as the form calls it ("folder" is also the search's field).
    const label = e.code === "badField" && FIELDS[field] && $(FIELDS[field][0]).closest("label");
    refuse(label ? t("restoreFieldInvalid", { field: label.textContent.trim() }) : e.message, field);
    $("restore-password").setAttribute("placeholder", t("restorePasswordAgain"));  // it was cleared when sent
    return;
  } finally {
    button.disabled = false;
  }
  $("restore-password").removeAttribute("placeholder");
  current = { restoreID: answer.restoreID, session: app.csrf, host, folder,
              total: count(answer.count, what.count), answer: null };
  showPart(true);
  drawProgress();
  $("restore-title").focus();
  schedule(POLL_MS);
}

async function stop() {
  const c = current;
  if (!c) return;
  const button = $("restore-stop");
  button.disabled = true;
  showError($("restore-stop-error"), "");
  try {
    await withLoading(api("restoreCancel", { restoreID: c.restoreID }), $("restore-progress"));
  } catch (e) {
    showError($("restore-stop-error"), e.message);
  } finally {
    button.disabled = false;
  }
  if (current === c) schedule(0);
}

// A restore of this session's user that runs already (the page was loaded
// again): shown by the notice. Looked for once a session, when the list is
// drawn.
export function findRunningRestore() {
  if (!app.user || app.user === ARCHIVE_ADMIN || !app.csrf || app.csrf === checkedSession) return;
  checkedSession = app.csrf;
  const session = app.csrf;
  api("restoreStatus", {}).then((a) => {
    if (current || app.csrf !== session || !a || a.state !== "running") return;
    current = { restoreID: a.restoreID, session, host: serverName(a.server), folder: a.folder || "",
                total: count(a.total), answer: a };
    showNotice();
    schedule(POLL_MS);
  }, () => {});  // none (noSuchRestore), or it cannot be told now: nothing to show
}

export function wireRestore() {
  $("restore-form").addEventListener("submit", start);
  $("restore-cancel").addEventListener("click", () => $("restore-dialog").close());
  $("restore-close").addEventListener("click", () => $("restore-dialog").close());
  $("restore-stop").addEventListener("click", stop);
  $("restore-dialog").addEventListener("close", () => {
    $("restore-password").value = "";
    $("restore-password").removeAttribute("placeholder");
    if (current) showNotice();  // running or ended: the notice keeps it at hand
    const back = $("restore-notice") || $("export");
    if (!back.disabled) back.focus();
  });
  // Another language (app.js has set it by now): what this draws, drawn again.
  $("lang").addEventListener("change", () => {
    if (what) $("restore-what").textContent = t("restoreWhat", { n: what.count });
    if (current) drawProgress();
    if ($("restore-password").hasAttribute("placeholder")) $("restore-password").placeholder = t("restorePasswordAgain");
  });
  // STARTTLS is usually on 143, TLS on 993: the port follows unless the user set another.
  $("restore-security").addEventListener("change", () => {
    const port = $("restore-port");
    if ($("restore-security").value === "starttls" && port.value === TLS_PORT) port.value = STARTTLS_PORT;
    if ($("restore-security").value === "tls" && port.value === STARTTLS_PORT) port.value = TLS_PORT;
  });
  for (const [input, box] of Object.values(FIELDS)) {
    $(input).addEventListener("input", () => {
      if ($(input).hasAttribute("aria-invalid")) showError($(box), "", $(input));
    });
  }
}
