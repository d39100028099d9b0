// Setting up multi-factor login, as the user sees it at the login's set-up
// step and on the Settings page: what to do in the authenticator app, the
// QR code (the instance sends an SVG data: URL), the key as text in groups of
// four with a Copy button. Also the Copy buttons of secrets elsewhere.
import { $, el } from "./dom.js";
import { t } from "./i18n.js";

const shown = new Map();  // prefix -> the user named in the QR code's text

// "JBSWY3DPEHPK3PXP" -> "JBSW Y3DP EHPK 3PXP".
export function groupsOf4(secret) {
  return String(secret || "").replace(/\s+/g, "").replace(/(.{4})(?=.)/g, "$1 ");
}

function say(tag, key, cls = "") {
  const e = el(tag, cls, t(key));
  e.dataset.i18n = key;  // applyLanguage() writes it again in another language
  return e;
}

// `button` copies what `text()` gives; `status` (role=status) says whether
// it worked. Without the clipboard the text is selected for the user.
export function wireCopy(button, text, status, selectable) {
  button.addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText(text());
      status.textContent = t("copied");
    } catch (e) {
      const range = document.createRange();
      range.selectNodeContents(selectable);
      getSelection().removeAllRanges();
      getSelection().addRange(range);
      status.textContent = t("copyFailed");
    }
  });
}

// Builds the steps into the element `<prefix>-secret-block`, with the ids
// <prefix>-qr, <prefix>-secret, <prefix>-copy and <prefix>-copied.
export function mountSecretBlock(prefix) {
  const img = el("img", "qr");
  img.id = prefix + "-qr";
  img.width = img.height = 184;
  img.alt = "";
  const code = el("code", "secret");
  code.id = prefix + "-secret";
  const copy = say("button", "copy", "ghost");
  copy.type = "button";
  copy.id = prefix + "-copy";
  const copied = el("span", "copied");
  copied.id = prefix + "-copied";
  copied.setAttribute("role", "status");
  wireCopy(copy, () => code.textContent.replace(/\s+/g, ""), copied, code);
  $(prefix + "-secret-block").replaceChildren(el("ol", "steps",
    say("li", "mfaStepApp"),
    el("li", "", say("span", "mfaStepScan"), el("div", "qr-wrap", img),
       say("span", "mfaCannotScan"), el("div", "secret-row", code, copy, copied)),
    say("li", "mfaStepCode")));
}

// Shows an answer's {secret, qrCode} for `user`.
export function showSecret(prefix, answer, user) {
  shown.set(prefix, user);
  const img = $(prefix + "-qr");
  img.src = answer.qrCode || "";
  img.alt = t("qrAlt", { user });
  $(prefix + "-secret").textContent = groupsOf4(answer.secret);
  $(prefix + "-copied").textContent = "";
}

// The QR codes' texts in the language chosen now.
export function relabelSecrets() {
  for (const [prefix, user] of shown) $(prefix + "-qr").alt = t("qrAlt", { user });
}

// A typed code without its spaces, or null when it is not 6 digits.
export function readCode(input) {
  const code = input.value.replace(/\s+/g, "");
  return /^\d{6}$/.test(code) ? code : null;
}
