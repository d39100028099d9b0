// Translation: the catalogues (catalogue.js, English and German complete; a
// unit test checks both have the same keys and that every key the code uses
// exists), the language chosen from localStorage, else the browser's
// languages, else English, and t(key, vars): {name} is replaced by
// vars.name; an entry {one, other} is a plural chosen by vars.n.
import { catalogues } from "./catalogue.js";

export const LANGUAGES = ["en", "de"];
export const STORAGE_KEY = "spe-console-language";

/** The language to show: the stored choice, else the first browser language we have, else English. */
export function pickLanguage(stored, browserLanguages = []) {
  if (LANGUAGES.includes(stored)) return stored;
  for (const l of browserLanguages || []) {
    const base = String(l).toLowerCase().split("-")[0];
    if (LANGUAGES.includes(base)) return base;
  }
  return "en";
}

/** t(key, vars) for a language; a key missing there falls back to English, then to the key itself. */
export function translator(lang) {
  const cat = catalogues[lang] || catalogues.en;
  const plural = new Intl.PluralRules(lang);
  return function t(key, vars = {}) {
    let entry = cat[key] ?? catalogues.en[key];
    if (entry === undefined) return key;
    if (typeof entry === "object") entry = entry[plural.select(Number(vars.n ?? 0))] ?? entry.other;
    return entry.replace(/\{(\w+)\}/g, (m, name) => (name in vars ? String(vars[name]) : m));
  };
}

/** Formatting helpers of a language. */
export function formats(lang) {
  const locale = lang === "de" ? "de-DE" : "en-US";
  const number = new Intl.NumberFormat(locale);
  const dateTime = new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeStyle: "short" });
  const time = new Intl.DateTimeFormat(locale, { timeStyle: "medium" });
  return {
    number: (n) => number.format(n),
    bytes(n) {
      if (typeof n !== "number" || !Number.isFinite(n)) return "";
      const units = ["B", "KB", "MB", "GB", "TB"];
      let v = n, u = 0;
      while (v >= 1024 && u < units.length - 1) { v /= 1024; u += 1; }
      return new Intl.NumberFormat(locale, { maximumFractionDigits: v < 10 && u ? 1 : 0 }).format(v) + " " + units[u];
    },
    dateTime: (d) => dateTime.format(d),
    time: (d) => time.format(d),
  };
}
