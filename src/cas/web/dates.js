// The search form's "Date from" and "Date to": typed and shown in the chosen
// language's date format (31.01.2024 in German, 01/31/2024 in US English,
// 31/01/2024 for a browser set to British English), with a calendar button
// that opens the browser's own date picker. A native <input type=date> alone
// would not do: Chromium writes its dates in the browser's language, not the
// page's (it ignores <html lang>), so a German page in an English browser
// would show 01/31/2024. The address and the server always get ISO dates
// (2024-01-31); typed ISO dates are understood in every language.
import { $ } from "./dom.js";
import { lang, t } from "./i18n.js";

const FIELDS = { after: "f-after", until: "f-until" };

// The browser's own variant of the chosen language when it has one (en-GB
// for a British browser), else the language.
function dateLocale() {
  const own = (navigator.languages || []).find((l) => String(l).toLowerCase().split("-")[0] === lang);
  return own || lang;
}

// The order of day, month and year and what stands between them.
function dateFormat() {
  const options = { day: "2-digit", month: "2-digit", year: "numeric", timeZone: "UTC" };
  const parts = new Intl.DateTimeFormat(dateLocale(), options).formatToParts(new Date(Date.UTC(2024, 0, 31)));
  const order = parts.filter((p) => ["day", "month", "year"].includes(p.type)).map((p) => p.type);
  const literal = parts.find((p) => p.type === "literal");
  const sep = literal ? literal.value.trim() || literal.value : "/";
  return { order: order.length === 3 ? order : ["year", "month", "day"], sep: sep.replace(/\u200f|\u200e/g, "") };
}

// "TT.MM.JJJJ": the format as the user is asked to type it.
export function datePattern() {
  const { order, sep } = dateFormat();
  const letters = { day: t("dayLetters"), month: t("monthLetters"), year: t("yearLetters") };
  return order.map((k) => letters[k]).join(sep);
}

// "2024-01-31" written in the chosen language's format; anything else as it is.
export function formatDay(iso) {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso || "");
  if (!m) return iso || "";
  const { order, sep } = dateFormat();
  const value = { year: m[1], month: m[2], day: m[3] };
  return order.map((k) => value[k]).join(sep);
}

// A moment ("2026-12-06T23:10:00Z") in the user's time zone as the chosen
// language writes it: the day as formatDay does, then the time
// ("06.12.2026, 23:10"; "12/06/2026, 11:10 PM"); "" for nothing.
export function formatMoment(iso) {
  const d = new Date(iso || "");
  if (!iso || Number.isNaN(d.getTime())) return "";
  const pad = (n) => String(n).padStart(2, "0");
  const day = formatDay(`${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`);
  const time = new Intl.DateTimeFormat(dateLocale(), { hour: "numeric", minute: "2-digit" }).format(d);
  return `${day}, ${time}`;
}

// The ISO day of a typed date ("" for nothing typed), or null when it is no
// date that exists. Day and month may have one digit; a two-digit year is
// taken as the nearest (up to ten years ahead).
export function parseDay(text) {
  const s = String(text || "").trim();
  if (!s) return "";
  let value;
  const iso = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(s);
  if (iso) {
    value = { year: iso[1], month: iso[2], day: iso[3] };
  } else {
    const numbers = s.split(/[^0-9]+/).filter(Boolean);
    const { order } = dateFormat();
    if (numbers.length !== 3 || s.replace(/[0-9\s./\-,]/g, "")) return null;
    value = {};
    order.forEach((k, i) => { value[k] = numbers[i]; });
  }
  if (value.day.length > 2 || value.month.length > 2 || ![2, 4].includes(value.year.length)) return null;
  let year = Number(value.year);
  if (value.year.length === 2) {
    const now = new Date().getFullYear();
    year += 2000;
    if (year > now + 10) year -= 100;
  }
  const month = Number(value.month), day = Number(value.day);
  const d = new Date(Date.UTC(year, month - 1, day));
  if (year < 1000 || d.getUTCFullYear() !== year || d.getUTCMonth() !== month - 1 || d.getUTCDate() !== day) return null;
  const pad = (n, w) => String(n).padStart(w, "0");
  return `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}`;
}

// The fields show the state's days (ISO in the address) in today's format.
export function fillDates(state) {
  for (const [k, id] of Object.entries(FIELDS)) {
    const input = $(id);
    input.placeholder = datePattern();
    const shown = formatDay(state[k]);
    if (input.value !== shown) input.value = shown;
  }
  showDateError(null);
}

// The fields' ISO days, or null (with the error shown at the first wrong
// field, which gets the focus) when one is no date.
export function readDates() {
  const out = {};
  for (const [k, id] of Object.entries(FIELDS)) {
    const day = parseDay($(id).value);
    if (day === null) {
      showDateError(id);
      $(id).focus();
      return null;
    }
    out[k] = day;
  }
  showDateError(null);
  return out;
}

function showDateError(id) {
  const box = $("date-error");
  for (const f of Object.values(FIELDS)) $(f).toggleAttribute("aria-invalid", f === id);
  box.hidden = !id;
  const example = formatDay(`${new Date().getFullYear()}-01-31`);
  box.textContent = id ? t("dateInvalid", { format: datePattern(), example }) : "";
}

// A date field's calendar button opens the browser's date picker (a hidden
// native field `<id>-pick` under the button); the day chosen there is written
// into the field. `onInput` runs as the field is typed in. The search form's
// fields and the audit log page's use it.
export function wireDatePicker(id, onInput) {
  const canPick = typeof HTMLInputElement.prototype.showPicker === "function";
  const input = $(id);
  const native = $(id + "-pick");
  const button = document.querySelector(`button.datepick[data-for="${id}"]`);
  button.hidden = !canPick;
  button.addEventListener("click", () => {
    native.value = parseDay(input.value) || "";
    try { native.showPicker(); } catch (e) { input.focus(); }
  });
  native.addEventListener("change", () => {
    if (native.value) input.value = formatDay(native.value);
    input.focus();
  });
  input.addEventListener("input", onInput);
}

export function wireDates() {
  for (const id of Object.values(FIELDS)) {
    wireDatePicker(id, () => { if ($(id).hasAttribute("aria-invalid")) showDateError(null); });
  }
}
