// Logging in and out: the login page (with the second step of multi-factor
// login: login_mfa.js), the app after a login (or with the session the
// browser still has), the archive administrator's one-time link, and the
// login page again when the session ends.
import { api, onSessionEnded } from "./api.js";
import { resetAudit } from "./audit.js";
import { $ } from "./dom.js";
import { withLoading } from "./feedback.js";
import { loadFolders } from "./folders.js";
import { t } from "./i18n.js";
import { hideMfaStep, showMfaStep, showRefusal, wireLoginMfa } from "./login_mfa.js";
import { show } from "./router.js";
import { ARCHIVE_ADMIN, app } from "./state.js";

export function showLogin(message) {
  app.csrf = "";
  app.user = "";
  app.view = null;
  app.openKey = "";
  app.page = "archive";
  app.listHash = "";
  $("app-view").hidden = $("settings-view").hidden = true;
  resetAudit();  // its view, link and what it showed
  $("login-view").hidden = false;
  hideMfaStep();
  $("who").hidden = $("logout").hidden = $("menu").hidden = $("settings-link").hidden = true;
  const err = $("login-error");
  err.hidden = !message;
  err.textContent = message || "";
  $("user").focus();
}

// Who is logged in, in the header.
export function drawUser() {
  $("who").textContent = app.user === ARCHIVE_ADMIN ? t("archiveAdmin") : app.user;
}

async function showApp(name) {
  app.user = name;
  $("login-view").hidden = true;
  $("app-view").hidden = false;
  $("who").hidden = $("logout").hidden = $("menu").hidden = false;
  $("settings-link").hidden = name === ARCHIVE_ADMIN;  // the archive administrator has no settings here
  drawUser();
  // The archive administrator sees the folders, not the tools for messages.
  $("app-view").classList.toggle("admin", name === ARCHIVE_ADMIN);
  await loadFolders();
  app.view = null;
  await show();
}

export function wireSession() {
  onSessionEnded(showLogin);
  wireLoginMfa({
    loggedIn: async (r) => {
      app.csrf = r.csrfToken;
      await showApp(r.userName);
    },
    back: (message) => {
      showLogin(message);
      $("password").focus();
    },
  });
  $("login").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const button = $("login-button");
    const userName = $("user").value;
    button.disabled = true;
    let r = null, refusal = null;
    try {
      r = await withLoading(api("login", { userName, password: $("password").value }));
    } catch (e) {
      refusal = e;
    }
    button.disabled = false;
    if (refusal) {
      showLogin(refusal.code === "tooManyLogins" ? "" : refusal.message);
      if (refusal.code === "tooManyLogins") showRefusal($("login-error"), refusal, button);
      return;
    }
    $("password").value = "";
    if (r.mfa) {
      showMfaStep(r, userName);  // a code (or the set-up) first
      return;
    }
    app.csrf = r.csrfToken;
    try {
      await showApp(r.userName);
    } catch (e) {
      showLogin(e.message);
    }
  });
  $("logout").addEventListener("click", async () => {
    try { await api("logout"); } catch (e) { /* the session is gone either way */ }
    history.replaceState(null, "", location.pathname);
    showLogin("");
  });
}

// The start: a one-time link for the archive administrator
// (#archiveadmin=<password>), the session the browser has, or the login page.
export async function start() {
  const otp = location.hash.match(/^#archiveadmin=([0-9a-f]+)$/);
  if (otp) {
    history.replaceState(null, "", location.pathname);  // the password leaves the address bar at once
    try {
      const r = await api("login", { oneTimePassword: otp[1] });
      app.csrf = r.csrfToken;
      await showApp(r.userName);
    } catch (e) {
      showLogin(e.message);
    }
    return;
  }
  try {
    const r = await api("session");
    app.csrf = r.csrfToken;
    await showApp(r.userName);
  } catch (e) {
    showLogin(e.status >= 500 ? e.message : "");  // e.g. 503 "This archive is stopped. Ask your provider."
  }
}
