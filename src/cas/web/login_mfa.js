// The login's second step for users with multi-factor login. The password
// step's answer says which: mfa "code" (the code of the user's authenticator
// app) or mfa "setup" (set the app up first: QR code and key, then its code).
// Either way loginMfa {ticket, code, trustDevice} makes the session; "Trust
// this device" asks the CAS for a 14-day device cookie, so that this
// browser's next logins need only the password. Errors stay in place; a
// ticket that ran out (5 minutes, or 5 wrong codes) leads back to the
// password with the reason; too many failed logins lock the button for the
// seconds the server names.
import { api } from "./api.js";
import { $ } from "./dom.js";
import { showError, withLoading } from "./feedback.js";
import { errorText, t } from "./i18n.js";
import { mountSecretBlock, readCode, showSecret } from "./mfa_secret.js";

const step = { ticket: "", kind: "", user: "" };
let hooks = { loggedIn: async () => {}, back: () => {} };
let lock = null;  // {button, timer} while a refusal counts down

// `answer` is the password step's {mfa, ticket, (secret, qrCode)} for `user`.
export function showMfaStep(answer, user) {
  Object.assign(step, { ticket: answer.ticket, kind: answer.mfa, user });
  const setup = answer.mfa === "setup";
  $("login").hidden = true;
  $("mfa").hidden = false;
  $("mfa-setup").hidden = !setup;
  if (setup) showSecret("mfa", answer, user);
  $("mfa-code").value = "";
  $("mfa-trust").checked = false;
  stopLock();
  showError($("mfa-error"), "", $("mfa-code"));
  drawMfaStep();
  if (setup) $("mfa-title").focus();  // the set-up is read from its heading on
  else $("mfa-code").focus();
}

export function hideMfaStep() {
  Object.assign(step, { ticket: "", kind: "" });
  stopLock();
  $("mfa").hidden = true;
  $("login").hidden = false;
}

// The step's texts in the chosen language.
export function drawMfaStep() {
  if (!step.kind) return;
  const setup = step.kind === "setup";
  $("mfa-title").textContent = t(setup ? "mfaSetupTitle" : "mfaCodeTitle");
  $("mfa-hint").textContent = setup ? "" : t("mfaCodeHint", { user: step.user });
  $("mfa-hint").hidden = setup;
}

function stopLock() {
  if (!lock) return;
  clearInterval(lock.timer);
  lock.button.disabled = false;
  lock = null;
}

// A refused login step in `box`: "too many failed logins" counts its
// seconds down with `button` disabled until then; anything else is shown
// as it is (with `field` marked).
export function showRefusal(box, e, button, field) {
  stopLock();
  const wait = Math.ceil(Number((e.params || {}).seconds));
  if (e.code !== "tooManyLogins" || !(wait > 0)) {
    showError(box, e.message, field);
    return;
  }
  if (field) field.removeAttribute("aria-invalid");
  let seconds = wait;
  const draw = () => showError(box, errorText({ code: e.code, params: { seconds }, error: e.message }, e.message));
  draw();
  button.disabled = true;
  lock = { button, timer: setInterval(() => {
    seconds -= 1;
    if (seconds > 0) {
      draw();
    } else {
      stopLock();
      showError(box, "");
    }
  }, 1000) };
}

async function submit(ev) {
  ev.preventDefault();
  const field = $("mfa-code");
  const code = readCode(field);
  if (!code) {
    showError($("mfa-error"), t("mfaCodeFormat"), field);
    return;
  }
  const button = $("mfa-button");
  button.disabled = true;
  let answer = null, refusal = null;
  try {
    answer = await withLoading(api("loginMfa", { ticket: step.ticket, code, trustDevice: $("mfa-trust").checked }));
  } catch (e) {
    refusal = e;
  }
  button.disabled = false;
  if (answer) {
    hideMfaStep();
    await hooks.loggedIn(answer);
  } else if (refusal.code === "mfaTicketExpired") {
    hooks.back(refusal.message);
  } else {
    field.value = "";
    showRefusal($("mfa-error"), refusal, button, field);
  }
}

// `loggedIn(answer)` opens the archive; `back(message)` shows the password
// step again.
export function wireLoginMfa(h) {
  hooks = h;
  mountSecretBlock("mfa");
  $("mfa").addEventListener("submit", submit);
  $("mfa-back").addEventListener("click", () => hooks.back(""));
  $("mfa-code").addEventListener("input", () => {
    if ($("mfa-code").hasAttribute("aria-invalid")) showError($("mfa-error"), "", $("mfa-code"));
  });
}
