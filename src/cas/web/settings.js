// The Settings page (#settings, the header's "Settings"): the password
// (changed here when the archive checks it itself, not the directory),
// multi-factor login (its status; set up, or set up again for a new phone:
// QR code and key from mfaBegin, confirmed with a code by mfaConfirm) and
// the app passwords (app_passwords.js). One "settings" answer draws it all.
import { api } from "./api.js";
import { drawAppPasswords, wireAppPasswords } from "./app_passwords.js";
import { $ } from "./dom.js";
import { showError, withLoading } from "./feedback.js";
import { errorText, t } from "./i18n.js";
import { mountSecretBlock, readCode, showSecret } from "./mfa_secret.js";
import { ARCHIVE_ADMIN, app } from "./state.js";

const PASSWORD = { min: 8, max: 256 };  // as the instance checks it (newPasswordInvalid)
const STATUSES = ["Disabled", "Pending", "Active"];
let data = null;  // the last "settings" answer

export function isSettingsAddress() { return location.hash === "#settings" && app.user !== ARCHIVE_ADMIN; }

function resetPage() {
  for (const id of ["pw-current", "pw-new", "pw-repeat", "set-mfa-code"]) $(id).value = "";
  for (const [box, field] of [["pw-error", "pw-current"], ["set-mfa-error", ""], ["set-mfa-code-error", "set-mfa-code"],
                              ["ap-error", ""]]) showError($(box), "", field ? $(field) : null);
  for (const id of ["pw-done", "set-mfa-done", "ap-done"]) $(id).hidden = true;
  closeMfaPanel();
}

export async function showSettings() {
  const entering = app.page !== "settings";
  app.page = "settings";
  $("app-view").hidden = $("menu").hidden = true;
  $("settings-view").hidden = false;
  $("settings-link").setAttribute("aria-current", "page");
  $("settings-back").href = app.listHash || "#";
  if (entering) {
    resetPage();
    $("settings-title").focus();
  }
  await loadSettings();
}

export function leaveSettings() {
  if (app.page !== "settings") return;
  app.page = "archive";
  $("settings-view").hidden = true;
  $("app-view").hidden = $("menu").hidden = false;
  $("settings-link").removeAttribute("aria-current");
}

// Asks for the settings again and draws them (or says why not).
export async function loadSettings() {
  let answer;
  try {
    answer = await withLoading(api("settings"), $("settings-view"));
  } catch (e) {
    data = null;
    for (const id of ["pw-section", "mfa-section", "ap-section"]) $(id).hidden = true;
    $("settings-status").hidden = false;
    $("settings-status").className = "list-status error";
    $("settings-status").textContent = e.message;
    return;
  }
  data = answer;
  $("settings-status").hidden = true;
  drawSettings();
}

// Draws the last answer in the chosen language.
export function drawSettings() {
  if (!data) return;
  $("settings-user").textContent = t("settingsFor", { user: data.userName });
  const canChange = !!data.canChangePassword;
  $("pw-section").hidden = false;
  $("pw-form").hidden = !canChange;
  $("pw-note").hidden = canChange;
  $("pw-note").textContent = t(data.authentication === "directoryServices" ? "passwordDirectory" : "passwordFixed");
  $("pw-user").value = data.userName;
  $("pw-rules").textContent = t("passwordRules", PASSWORD);
  const status = STATUSES.includes(data.mfaStatus) ? data.mfaStatus : "Disabled";
  $("mfa-section").hidden = false;
  $("set-mfa-status").textContent = t("mfaStatus" + status);
  $("set-mfa-status").dataset.status = status;
  $("set-mfa-text").textContent = t("mfaText" + status);
  $("set-mfa-begin").textContent = t(status === "Active" ? "mfaSetUpAgain" : "mfaSetUp");
  $("set-mfa-begin").className = status === "Active" ? "ghost" : "primary";
  $("set-mfa-again").hidden = status !== "Active" || !$("set-mfa-panel").hidden;
  drawAppPasswords(data);
}

async function changePassword(ev) {
  ev.preventDefault();
  const current = $("pw-current"), fresh = $("pw-new"), repeat = $("pw-repeat"), box = $("pw-error");
  for (const f of [current, fresh, repeat]) f.removeAttribute("aria-invalid");
  $("pw-done").hidden = true;
  const length = [...fresh.value].length;
  if (!current.value) return showError(box, t("enterCurrentPassword"), current);
  if (length < PASSWORD.min || length > PASSWORD.max) {
    return showError(box, errorText({ code: "newPasswordInvalid", params: PASSWORD }, ""), fresh);
  }
  if (fresh.value !== repeat.value) return showError(box, t("passwordsDiffer"), repeat);
  showError(box, "");
  const button = $("pw-button");
  button.disabled = true;
  try {
    await withLoading(api("changePassword", { currentPassword: current.value, newPassword: fresh.value }));
  } catch (e) {
    const field = { wrongPassword: current, newPasswordInvalid: fresh }[e.code] || null;
    return showError(box, e.message, field);
  } finally {
    button.disabled = false;
  }
  current.value = fresh.value = repeat.value = "";
  $("pw-done").textContent = t(data && data.mfaStatus === "Active" ? "passwordChangedMfa" : "passwordChanged");
  $("pw-done").hidden = false;
}

function closeMfaPanel() {
  $("set-mfa-panel").hidden = true;
  $("set-mfa-begin").parentElement.hidden = false;
  $("set-mfa-again").hidden = !data || data.mfaStatus !== "Active";
}

async function beginMfa() {
  showError($("set-mfa-error"), "");
  $("set-mfa-done").hidden = true;
  let answer;
  try {
    answer = await withLoading(api("mfaBegin"), $("mfa-section"));
  } catch (e) {
    return showError($("set-mfa-error"), e.message);
  }
  showSecret("set-mfa", answer, data ? data.userName : app.user);
  $("set-mfa-code").value = "";
  showError($("set-mfa-code-error"), "", $("set-mfa-code"));
  $("set-mfa-panel").hidden = false;
  $("set-mfa-begin").parentElement.hidden = $("set-mfa-again").hidden = true;
  $("set-mfa-panel").scrollIntoView({ block: "start" });  // the QR code in view, not below the fold
  $("set-mfa-panel-title").focus({ preventScroll: true });
}

async function confirmMfa(ev) {
  ev.preventDefault();
  const field = $("set-mfa-code"), box = $("set-mfa-code-error");
  const code = readCode(field);
  if (!code) return showError(box, t("mfaCodeFormat"), field);
  const button = $("set-mfa-confirm");
  button.disabled = true;
  let answer;
  try {
    answer = await withLoading(api("mfaConfirm", { code }), $("mfa-section"));
  } catch (e) {
    if (e.code !== "mfaNotBegun") {
      field.value = "";
      return showError(box, e.message, field);
    }
    closeMfaPanel();  // the set-up ran out: start again
    showError($("set-mfa-error"), e.message);
    return $("set-mfa-begin").focus();
  } finally {
    button.disabled = false;
  }
  if (data) data.mfaStatus = answer.mfaStatus || "Active";
  closeMfaPanel();
  drawSettings();
  $("set-mfa-done").textContent = t("mfaActivated");
  $("set-mfa-done").hidden = false;
  $("set-mfa-begin").focus();
  await loadSettings();
}

export function wireSettings() {
  mountSecretBlock("set-mfa");
  $("pw-form").addEventListener("submit", changePassword);
  $("set-mfa-begin").addEventListener("click", beginMfa);
  $("set-mfa-panel").addEventListener("submit", confirmMfa);
  $("set-mfa-cancel").addEventListener("click", () => {
    closeMfaPanel();
    $("set-mfa-begin").focus();
  });
  wireAppPasswords(loadSettings);
}
