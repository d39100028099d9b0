// The Search Indexes tab's configuration form, free of the DOM: the
// attachment types there is a text reader for, the extensions typed, and
// GetIndexConfiguration's config as the form and the form as
// SetIndexConfiguration's config.

/** The catalogue key of extensions that look wrong, declared as {key} so the catalogue's test sees it used. */
export const OTHER_INVALID = { key: "idxOtherInvalid" };

/**
 * The attachment types there is a text reader for (src/index/extractor_programs.cpp:
 * builtInExtensions and the programs), in groups for the form.
 */
export const ATTACHMENT_TYPES = [
  { key: "idxGroupText", types: ["txt", "text", "csv", "log"] },
  { key: "idxGroupWeb", types: ["htm", "html"] },
  { key: "idxGroupPdf", types: ["pdf"] },
  { key: "idxGroupDocuments", types: ["doc", "docx", "docm", "odt", "rtf"] },
  { key: "idxGroupSpreadsheets", types: ["xls", "xlsx", "ods"] },
  { key: "idxGroupPresentations", types: ["ppt", "odp"] },
];
export const KNOWN_TYPES = ATTACHMENT_TYPES.flatMap((g) => g.types);

/** An extension as the server keeps it: lower case without a leading "." or "*.". */
export function normalizeExtension(e) {
  let s = String(e ?? "").trim().toLowerCase();
  if (s.startsWith("*.")) s = s.slice(2);
  else if (s.startsWith(".")) s = s.slice(1);
  return s;
}

/** The extensions of a typed list (commas, semicolons or spaces between), normalized, without repeats. */
export function parseExtensions(text) {
  const out = [];
  for (const part of String(text ?? "").split(/[\s,;]+/)) {
    const e = normalizeExtension(part);
    if (e && !out.includes(e)) out.push(e);
  }
  return out;
}

/**
 * The form of GetIndexConfiguration's answer
 * {attachmentExtensions: null | [...], includeAttachmentsOfPDFs}:
 * {all, types: [known ones chosen], other: "typed, unknown ones", includeAttachmentsOfPDFs}.
 */
export function indexForm(config) {
  const c = config || {};
  const list = Array.isArray(c.attachmentExtensions) ? c.attachmentExtensions.map(normalizeExtension).filter(Boolean) : null;
  return {
    all: list === null,
    types: list ? KNOWN_TYPES.filter((x) => list.includes(x)) : [...KNOWN_TYPES],
    other: list ? list.filter((x) => !KNOWN_TYPES.includes(x)).join(", ") : "",
    includeAttachmentsOfPDFs: !!c.includeAttachmentsOfPDFs,
  };
}

/** SetIndexConfiguration's config from the form. */
export function indexConfig(form) {
  if (form.all) return { attachmentExtensions: null, includeAttachmentsOfPDFs: !!form.includeAttachmentsOfPDFs };
  const list = [...form.types];
  for (const e of parseExtensions(form.other)) if (!list.includes(e)) list.push(e);
  return { attachmentExtensions: list, includeAttachmentsOfPDFs: !!form.includeAttachmentsOfPDFs };
}

/** The extensions typed under "other" that look wrong (not letters and digits). */
export function otherExtensionsProblem(form) {
  if (form.all) return null;
  const bad = parseExtensions(form.other).filter((e) => !/^[a-z0-9][a-z0-9_+-]{0,15}$/.test(e));
  return bad.length ? OTHER_INVALID.key : null;
}
