// The Branding page's logic (src/branding.js): the documented fields and
// what they hold, which fields use a file, the Web Access preview and its
// defaults, contrast warnings, and the checks of files before upload.
import { test } from "node:test";
import assert from "node:assert/strict";
import { CLIENT_FIELDS, DEFAULTS, MAX_FILE, WEB_FIELDS, bytesToBase64, checkUploads, contrastRatio, contrastWarnings,
         dataUrl, fieldKind, mimeOf, namesFile, previewOf, setFields, usesOf } from "../src/branding.js";

const described = {
  files: [
    { name: "WebBranding.json", size: 300, used: true, type: "json" },
    { name: "header.png", size: 900, used: true, type: "png", width: 160, height: 36 },
    { name: "login.png", size: 900, used: true, type: "png", width: 410, height: 81 },
    { name: "fav.png", size: 900, used: true, type: "png", width: 196, height: 196 },
    { name: "old.png", size: 10, used: false, type: "png" },
  ],
  webBranding: {
    webName: "ACME Archive", webHeaderBackgroundColor: "#102030", highlightColor: "#1d5f99",
    webHeaderBackgroundImage_autox36_png: "header.png", webLoginHeaderImage_410x81_png: "login.png",
    favicon_png: "fav.png", watermarkImage_300x150_png: "header.png",
  },
  clientBranding: { clientName: "ACME", loginHeaderImage_410x81_png: "login.png" },
};

test("the documented fields and what they hold", () => {
  assert.equal(WEB_FIELDS.length, 13);
  assert.equal(CLIENT_FIELDS.length, 14);
  assert.deepEqual(fieldKind("webHeaderBackgroundColor"), { kind: "color" });
  assert.deepEqual(fieldKind("webLoginHeaderImage_410x81_png"), { kind: "image", width: 410, height: 81 });
  assert.deepEqual(fieldKind("webHeaderBackgroundImage_autox36_png"), { kind: "image", width: null, height: 36 });
  assert.deepEqual(fieldKind("favicon_png"), { kind: "image", width: 196, height: 196 });
  assert.deepEqual(fieldKind("favicon_ico"), { kind: "ico" });
  assert.deepEqual(fieldKind("webAbout_html"), { kind: "html" });
  assert.deepEqual(fieldKind("appPrivacyUrl"), { kind: "url" });
  assert.deepEqual(fieldKind("webName"), { kind: "text" });
  assert.equal(namesFile("about_html"), true);
  assert.equal(namesFile("helpUrl"), false);
});

test("set fields in the documented order; unknown or non-string ones left out", () => {
  const fields = setFields({ highlightColor: "#000000", webName: "X", bogus: "1", webHelpUrl: 5 }, WEB_FIELDS);
  assert.deepEqual(fields.map((f) => f.field), ["webName", "highlightColor"]);
  assert.deepEqual(setFields(null, WEB_FIELDS), []);
});

test("which fields use a file", () => {
  assert.deepEqual(usesOf(described, "header.png"), [
    { file: "WebBranding.json", field: "webHeaderBackgroundImage_autox36_png" },
    { file: "WebBranding.json", field: "watermarkImage_300x150_png" }]);
  assert.deepEqual(usesOf(described, "login.png").map((u) => u.file), ["WebBranding.json", "ClientBranding.json"]);
  assert.deepEqual(usesOf(described, "old.png"), []);
  assert.deepEqual(usesOf({}, "x"), []);
});

test("the preview: colours, name, images", () => {
  assert.deepEqual(previewOf(described), {
    name: "ACME Archive", header: "#102030", highlight: "#1d5f99", logo: "header.png", login: "login.png", favicon: "fav.png",
  });
});

test("the preview's defaults: nothing set, malformed colours, missing or unused files", () => {
  assert.deepEqual(previewOf({ files: [], webBranding: null }), {
    name: DEFAULTS.name, header: DEFAULTS.header, highlight: DEFAULTS.highlight, logo: null, login: null,
    favicon: null,
  });
  const p = previewOf({ files: described.files, webBranding: { webHeaderBackgroundColor: "red", favicon_png: "old.png",
                                                               webHeaderBackgroundImage_autox36_png: "gone.png" } });
  assert.equal(p.header, DEFAULTS.header);
  assert.equal(p.favicon, null);
  assert.equal(p.logo, null);
});

test("contrast of Web Access's white text", () => {
  assert.equal(Math.round(contrastRatio("#000000", "#ffffff")), 21);
  assert.equal(contrastRatio("#777777", "#777777"), 1);
  assert.ok(contrastRatio("#1f4e79", "#ffffff") > 4.5);
  assert.deepEqual(contrastWarnings({ header: "#1f4e79", highlight: "#2b6cb0" }), []);
  const w = contrastWarnings({ header: "#6aabce", highlight: "#2f7fc1" });
  assert.deepEqual(w.map((x) => x.field), ["webHeaderBackgroundColor", "highlightColor"]);
  assert.equal(w[1].ratio, 4.2);
});

test("files before upload: names, sizes, twice, too many", () => {
  const r = checkUploads([{ name: "header.png", size: 10 }, { name: "new.png", size: 10 }, { name: ".x", size: 1 },
                          { name: "big.png", size: MAX_FILE + 1 }, { name: "empty.png", size: 0 }, { name: "new.png", size: 3 }],
                         described);
  assert.deepEqual(r.list.map((f) => [f.name, f.replaces, f.problem && f.problem.key]), [
    ["header.png", true, null], ["new.png", false, null], [".x", false, "brdBadName"], ["big.png", false, "brdTooLarge"],
    ["empty.png", false, "brdEmptyFile"], ["new.png", false, "brdTwice"]]);
  assert.equal(r.ok, false);
  assert.equal(checkUploads([{ name: "a.png", size: 1 }], described).ok, true);
  assert.equal(checkUploads([], described).ok, false);
  const many = Array.from({ length: 33 }, (_, i) => ({ name: `f${i}.png`, size: 1 }));
  assert.equal(checkUploads(many, described).tooMany, true);
});

test("base64 and data: URLs", () => {
  assert.equal(bytesToBase64(new TextEncoder().encode("hello")), "aGVsbG8=");
  const big = new Uint8Array(200000).map((_, i) => i % 251);
  assert.equal(bytesToBase64(big), Buffer.from(big).toString("base64"));
  assert.equal(mimeOf("a.PNG"), "image/png");
  assert.equal(mimeOf("favicon.ico"), "image/x-icon");
  assert.equal(dataUrl("a.png", "AAAA"), "data:image/png;base64,AAAA");
});
