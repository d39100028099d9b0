// Web Access: the single-page application the CAS serves at
// https://<cas>/<instance ID or alias>/, in ES modules with one job each:
//   state.js      what the modules share (user, folders, view, results)
//   router.js     the address as the state of the view (navigate, show)
//   api.js        the JSON API client (session cookie, CSRF token, errors)
//   i18n.js       the language, strings (strings_<lang>.js), errors by code
//   folders.js    the folder tree;  search_form.js  the search form
//   dates.js      the date fields in the chosen language's format
//   list.js       the list, scope line and pager; selection.js  selection, export
//   restore.js    the selection restored to a mailbox (IMAP), its progress
//   message.js    the message pane; links.js  links that ask first
//   marking.js    the search's words marked; plain text with quotes
//   keyboard.js   j/k, /, Escape;  feedback.js  live region, loading bar
//   session.js    login, logout, the start;  dom.js  small DOM helpers
//   login_mfa.js  the login's code or set-up step (multi-factor login)
//   settings.js   the Settings page; app_passwords.js  its app passwords
//   mfa_secret.js QR code and key of a set-up, Copy buttons
//   audit.js      the audit log page ($archiveadmin); audit_table.js its table
// This file starts them.
import { drawAudit, wireAudit } from "./audit.js";
import { $ } from "./dom.js";
import { drawFolders, wireFolders } from "./folders.js";
import { applyLanguage, chooseLanguage, setLanguage } from "./i18n.js";
import { wireKeyboard } from "./keyboard.js";
import { wireLinks } from "./links.js";
import { runSearch, wirePager } from "./list.js";
import { drawMfaStep } from "./login_mfa.js";
import { openMessage, wireMessage } from "./message.js";
import { relabelSecrets } from "./mfa_secret.js";
import { wireRouter } from "./router.js";
import { wireRestore } from "./restore.js";
import { fillForm, wireSearchForm } from "./search_form.js";
import { wireSelection } from "./selection.js";
import { drawUser, start, wireSession } from "./session.js";
import { drawSettings, wireSettings } from "./settings.js";
import { app } from "./state.js";

function wireLanguage() {
  $("lang").addEventListener("change", () => {
    setLanguage($("lang").value);
    localStorage.setItem("spe-lang", $("lang").value);
    applyLanguage();
    drawMfaStep();
    relabelSecrets();
    if (app.user) drawSettings();
    if (app.user) drawAudit();
    if (app.user && app.view) {
      // Everything drawn again in the new language (the list asked again:
      // its notes are made with it).
      drawUser();
      fillForm(app.view);
      drawFolders();
      runSearch(app.view);
      if (app.openKey) openMessage(app.openKey);
    }
  });
}

setLanguage(chooseLanguage());
applyLanguage();
wireLanguage();
wireSession();
wireSettings();
wireAudit();
wireSearchForm();
wirePager();
wireSelection();
wireRestore();
wireFolders();
wireMessage();
wireLinks();
wireRouter();
wireKeyboard();
start();
