// The catalogues: English and German have the same keys (and the same
// plural shapes), every key the code uses exists, placeholders match, and
// the language is chosen as documented.
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { catalogues, parts } from "../src/catalogue.js";
import { pickLanguage, translator } from "../src/i18n.js";

const src = path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "src");
const sources = fs.readdirSync(src, { recursive: true }).filter((f) => /\.(js|jsx)$/.test(f))
  .map((f) => [f, fs.readFileSync(path.join(src, f), "utf8")]);

// Keys built at run time: prefix + every value the code can put there.
const DYNAMIC = {
  emlProblem_: ["hostInvalid", "portInvalid", "timeoutInvalid", "fromMissing", "addressInvalid", "userMissing",
                "tooManyRecipients", "tooManyReportRecipients"],
  emlNotify_: ["archivingFailed", "archivingWarnings", "jobFailed", "storeError", "indexRebuild"],
  emlNotifyText_: ["archivingFailed", "archivingWarnings", "jobFailed", "storeError", "indexRebuild"],
  emlSpan_: ["today", "yesterday", "thisweek", "lastweek", "thismonth", "lastmonth"],
  jobKind_: ["daily", "weekly", "monthly", "interval", "once"],
  jobDay_: ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"],
  jobResult_: ["running", "succeeded", "completedWithWarnings", "failed", "cancelled"],
  jobOrd_: ["1", "2", "3", "4", "5", "Last"],
  jobActionProblem_: ["missing", "oneLine", "tooLong", "noFunction", "instanceId"],
  action_: ["start", "safeMode", "stop", "restart", "freeze", "thaw", "remove"],
  actionTask_: ["start", "safeMode", "stop", "restart", "freeze", "thaw", "remove"],
  actionDone_: ["start", "safeMode", "stop", "restart", "freeze", "thaw", "remove"],
  confirmTitle_: ["stop", "restart", "freeze", "remove"],
  confirmText_: ["stop", "restart", "freeze", "remove"],
  add_: ["instanceHost", "clientAccessServer"],
  deleteServerText_: ["instanceHost", "clientAccessServer"],
  pairHint_: ["instanceHost", "clientAccessServer"],
  mode_: ["automatic", "onDemand", "manual", "disabled"],
  modeHelp_: ["automatic", "onDemand", "manual", "disabled"],
  msg_: ["error", "warning", "information"],
  protocol_: ["SMTPTLS", "SMTPSSL", "SMTP"],
  status_: ["running", "starting", "stopping", "standby", "stopped", "error"],
  taskState_: ["running", "cancelling", "failed", "succeeded"],
  type_: ["string", "secret", "number", "bool", "json"],
  usrProblem_: ["nameEmpty", "nameTooLong", "nameReserved", "nameSpace", "nameCharacters", "nameTaken", "fullNameTooLong",
                "dnTooLong", "passwordEmpty", "passwordTooLong", "passwordsDiffer", "emailInvalid", "emailTooLong",
                "emailDuplicate", "emailsTooLong", "pop3Comma", "pop3Characters", "pop3Duplicate", "pop3sTooLong"],
};

function usedKeys() {
  const keys = new Set();
  for (const [file, text] of sources) {
    if (file === "catalogue.js" || file.startsWith("catalogue")) continue;
    for (const m of text.matchAll(/\bt\(\s*"([A-Za-z0-9_]+)"\s*[,)]/g)) keys.add(m[1]);
    for (const m of text.matchAll(/\bt\(\s*"([A-Za-z0-9_]+_)"\s*\+/g)) {
      assert.ok(DYNAMIC[m[1]], `${file}: the dynamic key prefix ${m[1]} is not listed in this test`);
    }
    // Keys handed around as values: t(cond ? "a" : "b"), {key: "..."} and the checks' return values.
    for (const m of text.matchAll(/\bt\(\s*[^()\n]*?\?\s*"([A-Za-z0-9_]+)"\s*:\s*"([A-Za-z0-9_]+)"/g)) { keys.add(m[1]); keys.add(m[2]); }
    for (const m of text.matchAll(/\bkey:\s*"([A-Za-z0-9_]+)"/g)) keys.add(m[1]);
    for (const m of text.matchAll(/\bgroup:\s*"([A-Za-z0-9_]+)"/g)) keys.add(m[1]);
    for (const m of text.matchAll(/\["[a-z-]+",\s*"(nav[A-Za-z0-9_]+)"\]/g)) keys.add(m[1]);   // the navigation
    for (const m of text.matchAll(/\["[a-z-]+",\s*"(tab[A-Za-z0-9_]+)",/g)) keys.add(m[1]);    // an instance's tabs
    for (const m of text.matchAll(/const STEPS = \[([^\]]*)\]/g)) {                           // the wizard's steps
      for (const k of m[1].matchAll(/"([A-Za-z0-9_]+)"/g)) keys.add(k[1]);
    }
    for (const m of text.matchAll(/const TEXTS = \{([^}]*)\}/g)) {                           // keys handed to shared parts
      for (const k of m[1].matchAll(/:\s*"([A-Za-z0-9_]+)"/g)) keys.add(k[1]);
    }
    if (/validate\.js$|instances\.js$/.test(file) || /wizard|administrators|servers|smtp/.test(file)) {
      for (const m of text.matchAll(/(?:return|\?|:)\s*"([a-z][A-Za-z]+(?:Empty|Invalid|Too[A-Z][a-z]+|Taken|Alias|Letter|Case|Characters|Weak|IsName|Differ|Absolute|MustBeAbsolute))"/g)) {
        keys.add(m[1]);
      }
    }
  }
  for (const [prefix, values] of Object.entries(DYNAMIC)) for (const v of values) keys.add(prefix + v);
  return keys;
}

const placeholders = (v) => new Set((typeof v === "string" ? [v] : Object.values(v)).flatMap((s) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1])));

test("English and German have the same keys", () => {
  const en = Object.keys(catalogues.en).sort();
  const de = Object.keys(catalogues.de).sort();
  assert.deepEqual(en.filter((k) => !de.includes(k)), [], "missing in German");
  assert.deepEqual(de.filter((k) => !en.includes(k)), [], "only in German");
});

test("plurals have one and other in both; placeholders are the same", () => {
  for (const key of Object.keys(catalogues.en)) {
    const en = catalogues.en[key], de = catalogues.de[key];
    assert.equal(typeof en, typeof de, key);
    if (typeof en === "object") {
      assert.deepEqual(Object.keys(en).sort(), ["one", "other"], key);
      assert.deepEqual(Object.keys(de).sort(), ["one", "other"], key);
    }
    assert.deepEqual([...placeholders(de)].sort(), [...placeholders(en)].sort(), key);
    for (const v of typeof de === "string" ? [de] : Object.values(de)) assert.ok(v.trim().length > 0, key);
  }
});

test("no key is defined by two catalogue files", () => {
  for (const lang of ["en", "de"]) {
    const seen = new Map();
    for (const [name, part] of Object.entries(parts)) {
      for (const key of Object.keys(part[lang])) {
        assert.ok(!seen.has(key), `${lang}.${key} is in catalogue/${seen.get(key)}.js and catalogue/${name}.js`);
        seen.set(key, name);
      }
    }
  }
});

test("every key the code uses is in the catalogue", () => {
  const used = usedKeys();
  assert.ok(used.size > 150, `only ${used.size} keys found: the scan is broken`);
  assert.deepEqual([...used].filter((k) => !(k in catalogues.en)).sort(), []);
});

test("every key in the catalogue is used", () => {
  const used = usedKeys();
  assert.deepEqual(Object.keys(catalogues.en).filter((k) => !used.has(k)).sort(), []);
});

test("the validation checks return only keys of the catalogue", async () => {
  const v = await import("../src/validate.js");
  const inst = await import("../src/instances.js");
  const samples = ["", "x", "a b", "1", "99999", "ab", "A", "a".repeat(300), "Sh0rt", "longenoughpassword", "Long-Enough-1", "x@y"];
  const results = new Set();
  for (const s of samples) {
    for (const f of [v.thumbprintProblem, v.serverNameProblem, v.portProblem, v.adminNameProblem, v.emailProblem,
                     (x) => v.passwordProblem(x, "longenoughpassword"), (x) => inst.instanceIdProblem(x, []),
                     (x) => inst.aliasProblem(x, "id", [])]) {
      const r = f(s);
      if (r) results.add(r);
    }
  }
  assert.deepEqual([...results].filter((k) => !(k in catalogues.en)), []);
});

test("t(): placeholders, plurals per language, fallbacks", () => {
  const en = translator("en"), de = translator("de");
  assert.equal(en("loggedInAs", { user: "admin" }), "Logged in as admin");
  assert.equal(en("instancesCount", { n: 1, running: 0 }), "1 instance, 0 running");
  assert.equal(en("instancesCount", { n: 2, running: 1 }), "2 instances, 1 running");
  assert.equal(de("instancesCount", { n: 1, running: 1 }), "1 Instanz, 1 laufen");
  assert.equal(de("tasksRunning", { n: 1 }), "1 läuft");
  assert.equal(en("no-such-key"), "no-such-key");
  assert.equal(translator("fr")("logout"), "Log out");
  assert.equal(en("xOfY", { x: 1 }), "1 of {y}");
});

test("the language: stored choice, else the browser's, else English", () => {
  assert.equal(pickLanguage("de", ["en-US"]), "de");
  assert.equal(pickLanguage(null, ["fr-FR", "de-AT", "en"]), "de");
  assert.equal(pickLanguage("xx", ["EN-gb"]), "en");
  assert.equal(pickLanguage(null, ["fr"]), "en");
  assert.equal(pickLanguage(undefined, undefined), "en");
});
