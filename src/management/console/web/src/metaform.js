// The Developer page's form, built from one function of /api/get-metadata
// ({name, args:[{name, type, nullable}]}, PRODUCT-SPEC §1.4): one field per
// argument, its kind from the type, and the form's values turned into the
// arguments the API takes (docs/api.md "Arguments"):
// - string: as typed (an empty optional one is left out);
// - number: a whole decimal number (the server refuses 1.5, 1e3, 0x10);
// - bool: true/false; an optional bool may also be left unset;
// - json: valid JSON, sent compact;
// - anything else: treated as a string.
// Optional (nullable) arguments left empty are omitted, as the product's
// clients do. Secret arguments (passwords, passphrases) get a password field
// and are never written into the command lines the page shows.

const SECRET = /pass(word|phrase)|secret|key$/i;

/** The kind of field an argument gets: "string" | "secret" | "number" | "bool" | "json". */
export function fieldKind(arg) {
  const type = String(arg.type || "string").toLowerCase();
  if (type === "number" || type === "bool" || type === "json") return type;
  return SECRET.test(arg.name) ? "secret" : "string";
}

/** Whether an argument's value must not appear in a shown command line. */
export function isSecretArg(arg) {
  return fieldKind(arg) === "secret";
}

/** The fields of a function: [{name, kind, required, type}]. */
export function formFields(fn) {
  return (fn && Array.isArray(fn.args) ? fn.args : []).map((a) => ({
    name: a.name, type: a.type, kind: fieldKind(a), required: a.nullable !== true,
  }));
}

/** Empty values: "" for text kinds; false for a required bool; "" (unset) for an optional one. */
export function initialValues(fn) {
  const v = {};
  for (const f of formFields(fn)) v[f.name] = f.kind === "bool" && f.required ? false : "";
  return v;
}

const WHOLE = /^[+-]?\d+$/;

/**
 * The arguments of a call from the form's values.
 * Returns {args: {name: string}, errors: {name: {key, vars}}}; `args` holds
 * form-ready text (bool "true"/"false", json compact); errors are catalogue
 * keys: argRequired, argNumber, argJson (vars.reason).
 */
export function buildArgs(fn, values) {
  const args = {};
  const errors = {};
  for (const f of formFields(fn)) {
    const raw = values[f.name];
    if (f.kind === "bool") {
      if (raw === true || raw === "true") args[f.name] = "true";
      else if (raw === false || raw === "false") args[f.name] = "false";
      else if (f.required) args[f.name] = "false";
      continue;
    }
    const text = raw === undefined || raw === null ? "" : String(raw);
    const trimmed = f.kind === "string" || f.kind === "secret" ? text : text.trim();
    if (trimmed === "") {
      if (f.required) errors[f.name] = { key: "argRequired" };
      continue;
    }
    if (f.kind === "number") {
      if (!WHOLE.test(trimmed)) {
        errors[f.name] = { key: "argNumber" };
        continue;
      }
      args[f.name] = String(BigInt(trimmed));  // "+07" -> "7", any size (the server checks the range)
    } else if (f.kind === "json") {
      try {
        args[f.name] = JSON.stringify(JSON.parse(trimmed));
      } catch (e) {
        errors[f.name] = { key: "argJson", vars: { reason: jsonReason(e) } };
      }
    } else {
      args[f.name] = trimmed;
    }
  }
  return { args, errors };
}

function jsonReason(e) {
  return String((e && e.message) || e).replace(/^JSON\.parse: /, "");
}

/** Pretty JSON of a JSON field's text, or null when it is not valid JSON. */
export function prettyJson(text) {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return null;
  }
}

/** Functions whose name contains every word of `query` (case-insensitive). */
export function searchFunctions(list, query) {
  const words = String(query || "").toLowerCase().split(/\s+/).filter(Boolean);
  if (!words.length) return list;
  return list.filter((f) => {
    const name = f.name.toLowerCase();
    const argNames = (f.args || []).map((a) => a.name.toLowerCase()).join(" ");
    return words.every((w) => name.includes(w) || argNames.includes(w));
  });
}
