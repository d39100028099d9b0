// The language of Web Access: the catalogues (strings_<lang>.js), the chosen
// language (the browser's, navigator.languages, when there is a catalogue for
// it, else English; the switch in the header keeps the user's choice in this
// browser), strings by key, the server's errors by code, and numbers, dates
// and sizes written as the language writes them.
import { $, el } from "./dom.js";
import de from "./strings_de.js";
import en from "./strings_en.js";

export const CATALOGUE = { en, de };
export let lang = "en";

export function chooseLanguage() {
  const saved = localStorage.getItem("spe-lang");
  if (saved && CATALOGUE[saved]) return saved;
  for (const l of navigator.languages || [navigator.language || "en"]) {
    const short = String(l).toLowerCase().split("-")[0];
    if (CATALOGUE[short]) return short;
  }
  return "en";
}

export function setLanguage(l) { lang = l; }

// The string `key` in the chosen language with {name} replaced; a plural
// entry ({one, other}) is chosen by vars.n.
export function t(key, vars = {}) {
  let s = CATALOGUE[lang][key];
  if (s === undefined) s = CATALOGUE.en[key];
  if (s === undefined) return key;
  if (Array.isArray(s)) return s;
  if (typeof s === "object") {
    const rule = new Intl.PluralRules(lang).select(vars.n ?? 0);
    s = s[rule] ?? s.other;
  }
  return String(s).replace(/\{(\w+)\}/g, (m, k) => (vars[k] !== undefined ? fmtNumber(vars[k]) : m));
}

// What the user reads for an error answer of the server ({error, code,
// params}): the catalogue's text for its code with the params filled in (a
// field by the name the form gives it), or the server's own text when the
// code is unknown or a param is missing.
export function errorText(answer, fallback) {
  const server = typeof answer.error === "string" && answer.error ? answer.error : fallback;
  const text = typeof answer.code === "string" ? (CATALOGUE[lang].errors || {})[answer.code] : undefined;
  if (typeof text !== "string") return server;
  let params = answer.params && typeof answer.params === "object" ? answer.params : {};
  // A refused query says why in the user's language when the reason is known.
  const why = answer.code === "badQuery" && typeof params.reason === "string"
    ? (CATALOGUE[lang].queryErrors || {})[params.reason] : undefined;
  if (typeof why === "string") {
    const detail = why.replace(/\{(\w+)\}/g, (m, k) => (typeof params[k] === "string" ? params[k] : m));
    if (!/\{\w+\}/.test(detail)) params = { ...params, detail };
  }
  const fields = CATALOGUE[lang].fieldNames || {};
  let complete = true;
  const filled = text.replace(/\{(\w+)\}/g, (m, k) => {
    if (params[k] === undefined || params[k] === null) { complete = false; return m; }
    if (k === "field" && Object.hasOwn(fields, params[k])) return fields[params[k]];
    return fmtNumber(params[k]);
  });
  return complete ? filled : server;
}

export function fmtNumber(v) { return typeof v === "number" ? new Intl.NumberFormat(lang).format(v) : v; }

export function fmtDate(epoch, long = false) {
  if (!epoch) return "";
  const d = new Date(epoch * 1000);
  if (long) return d.toLocaleString(lang, { dateStyle: "full", timeStyle: "short" });
  const now = new Date();
  if (d.toDateString() === now.toDateString()) return d.toLocaleTimeString(lang, { hour: "2-digit", minute: "2-digit" });
  if (d.getFullYear() === now.getFullYear()) return d.toLocaleDateString(lang, { day: "numeric", month: "short" });
  return d.toLocaleDateString(lang, { day: "numeric", month: "short", year: "numeric" });
}

export function fmtSize(n) {
  const nf = (v, digits) => new Intl.NumberFormat(lang, { maximumFractionDigits: digits }).format(v);
  if (n < 1024) return nf(n, 0) + " B";
  if (n < 1024 * 1024) return nf(Math.round(n / 1024), 0) + " KB";
  return nf(n / 1024 / 1024, 1) + " MB";
}

// The page's fixed strings (data-i18n, -placeholder, -aria-label, -title)
// and the search help's table in the chosen language.
export function applyLanguage() {
  document.documentElement.lang = lang;
  $("lang").value = lang;
  for (const e of document.querySelectorAll("[data-i18n]")) e.textContent = t(e.dataset.i18n);
  for (const e of document.querySelectorAll("[data-i18n-placeholder]")) e.placeholder = t(e.dataset.i18nPlaceholder);
  for (const e of document.querySelectorAll("[data-i18n-aria-label]")) e.setAttribute("aria-label", t(e.dataset.i18nAriaLabel));
  for (const e of document.querySelectorAll("[data-i18n-title]")) e.title = t(e.dataset.i18nTitle);
  const rows = $("help-rows");
  rows.replaceChildren();
  for (const [syntax, meaning] of t("helpRows")) {
    const tr = el("tr");
    tr.append(el("td", "", el("code", "", syntax)), el("td", "", meaning));
    rows.append(tr);
  }
}
