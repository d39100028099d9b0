// The Branding page's logic (pages/branding.jsx), free of the DOM: the
// documented fields of WebBranding.json and ClientBranding.json
// (Branding.wiki; the Management Server checks them the same way,
// common/base/branding.cpp), which fields use a file, what the Web Access
// preview shows (src/cas/web_assets.cpp turns WebBranding.json into
// branding.css: --header, --highlight, the .logo and .login-header images),
// the contrast of Web Access's white text on the chosen colours, and the
// checks of files before they are uploaded.

export const MAX_FILE = 4 * 1024 * 1024;   // the server refuses larger files
export const MAX_FILES = 32;               // per SetBrandingFiles call

// Web Access's own look when WebBranding.json leaves a colour out (src/cas/web/app.css).
export const DEFAULTS = { header: "#1f4e79", highlight: "#2b6cb0", name: "Email Archive" };

export const WEB_FIELDS = ["webName", "webAbout_html", "webRoot_html", "webHelpUrl", "webLoginHeaderImage_410x81_png",
  "webHeaderBackgroundColor", "webHeaderBackgroundImage_autox36_png", "outlookAddinName", "outlookAddinHelpUrl",
  "watermarkImage_300x150_png", "favicon_ico", "favicon_png", "highlightColor"];
export const CLIENT_FIELDS = ["clientName", "helpUrl", "loginHeaderImage_410x81_png", "headerBackgroundColor",
  "headerLeftImage_autox95_png", "headerRightImage_autox95_png", "about_html", "watermarkImage_300x150_png", "gatewayName",
  "appPublisherName", "appPrivacyUrl", "appTermsOfUseUrl", "appColorImage_192x192_png", "appOutlineImage_32x32_png"];

/**
 * What a field holds: {kind: "color"|"image"|"ico"|"html"|"url"|"text", width?, height?}
 * (an image's documented size; width null for "auto").
 */
export function fieldKind(field) {
  if (/Color$/.test(field)) return { kind: "color" };
  if (field === "favicon_ico") return { kind: "ico" };
  if (field === "favicon_png") return { kind: "image", width: 196, height: 196 };
  const size = /_(auto|\d+)x(\d+)_png$/.exec(field);
  if (size) return { kind: "image", width: size[1] === "auto" ? null : Number(size[1]), height: Number(size[2]) };
  if (/_html$/.test(field)) return { kind: "html" };
  if (/Url$/.test(field)) return { kind: "url" };
  return { kind: "text" };
}

/** Whether a field's value names a file of the branding. */
export const namesFile = (field) => ["image", "ico", "html"].includes(fieldKind(field).kind);

/** The documented fields set in a JSON file's content, in the documented order: [{field, value, ...kind}]. */
export function setFields(json, fields) {
  if (!json || typeof json !== "object") return [];
  return fields.filter((f) => typeof json[f] === "string").map((f) => ({ field: f, value: json[f], ...fieldKind(f) }));
}

/** Which fields of the two JSON files name `name`: [{file, field}]. */
export function usesOf(described, name) {
  const out = [];
  for (const [file, json, fields] of [["WebBranding.json", described?.webBranding, WEB_FIELDS],
                                      ["ClientBranding.json", described?.clientBranding, CLIENT_FIELDS]]) {
    for (const f of setFields(json, fields)) if (namesFile(f.field) && f.value === name) out.push({ file, field: f.field });
  }
  return out;
}

const COLOR = /^#[0-9a-fA-F]{6}$/;

/**
 * What the Web Access preview shows from WebBranding.json: the title and
 * name, the two colours (defaults when unset or malformed), the header
 * image, the login header image and the favicon (PNG preferred, as Web
 * Access links it), each only when the branding uses that file.
 */
export function previewOf(described) {
  const web = (described && described.webBranding) || {};
  const files = (described && described.files) || [];
  const file = (name) => (typeof name === "string" ? files.find((f) => f.name === name && f.used) || null : null);
  const logo = file(web.webHeaderBackgroundImage_autox36_png);
  const login = file(web.webLoginHeaderImage_410x81_png);
  const favicon = file(web.favicon_png) || file(web.favicon_ico);
  return {
    name: typeof web.webName === "string" && web.webName ? web.webName : DEFAULTS.name,
    header: COLOR.test(web.webHeaderBackgroundColor || "") ? web.webHeaderBackgroundColor : DEFAULTS.header,
    highlight: COLOR.test(web.highlightColor || "") ? web.highlightColor : DEFAULTS.highlight,
    logo: logo ? logo.name : null,
    login: login ? login.name : null,
    favicon: favicon ? favicon.name : null,
  };
}

function luminance(hex) {
  const c = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255)
    .map((v) => (v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4));
  return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
}

/** The WCAG contrast ratio of two #rrggbb colours (1 to 21). */
export function contrastRatio(a, b) {
  const [x, y] = [luminance(a), luminance(b)].sort((p, q) => q - p);
  return (x + 0.05) / (y + 0.05);
}

/**
 * Web Access writes white text on the header colour and on buttons in the
 * highlight colour; below 4.5:1 (WCAG AA) that text is hard to read.
 * Returns [{field, color, ratio}] for the colours that fall short.
 */
export function contrastWarnings(preview) {
  const out = [];
  for (const [field, color] of [["webHeaderBackgroundColor", preview.header], ["highlightColor", preview.highlight]]) {
    const ratio = contrastRatio(color, "#ffffff");
    if (ratio < 4.5) out.push({ field, color, ratio: Math.floor(ratio * 10) / 10 });
  }
  return out;
}

/** The MIME type a branding file is shown with. */
export function mimeOf(name) {
  if (/\.png$/i.test(name)) return "image/png";
  if (/\.ico$/i.test(name)) return "image/x-icon";
  if (/\.html?$/i.test(name)) return "text/html";
  if (/\.json$/i.test(name)) return "application/json";
  return "application/octet-stream";
}

/** A data: URL of base64 content (the console's CSP allows data: images only). */
export const dataUrl = (name, base64) => `data:${mimeOf(name)};base64,${base64}`;

/** Base64 of bytes (a Uint8Array), in chunks so large files do not overflow the call stack. */
export function bytesToBase64(bytes) {
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

/**
 * The files chosen for upload, checked as the server will (names, sizes):
 * [{name, size, replaces, problem: {key, ...}|null}] and whether any has a
 * problem. The server checks everything else (JSON fields, image sizes)
 * and names what is wrong.
 */
export function checkUploads(chosen, described) {
  const existing = new Set(((described && described.files) || []).map((f) => f.name));
  const seen = new Set();
  const list = chosen.map(({ name, size }) => {
    let problem = null;
    if (!name || name.startsWith(".") || /[/\\\u0000-\u001f\u007f]/.test(name) || new TextEncoder().encode(name).length > 255) {
      problem = { key: "brdBadName" };
    } else if (size > MAX_FILE) {
      problem = { key: "brdTooLarge" };
    } else if (size === 0) {
      problem = { key: "brdEmptyFile" };
    } else if (seen.has(name)) {
      problem = { key: "brdTwice" };
    }
    seen.add(name);
    return { name, size, replaces: existing.has(name), problem };
  });
  const tooMany = list.length > MAX_FILES;
  return { list, tooMany, ok: list.length > 0 && !tooMany && list.every((f) => !f.problem) };
}
