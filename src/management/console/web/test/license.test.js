// The License Information page's logic: CreateLicenseRequest's answer as
// rows and a total (unknown counts stay unknown), and the CSV download
// quoted as RFC 4180 says.
import { test } from "node:test";
import assert from "node:assert/strict";
import { CSV_COLUMNS, csvField, csvFileName, licenseCsv, licenseRows, licenseTotals } from "../src/license.js";

const answer = {
  machineName: "mgmt.example.com",
  total: 5,
  instanceData: [
    { instanceID: "zeta", usedLicenseCount: 2, countedAt: "2026-12-01T09:00:00Z", current: false, storesNotCounted: 0,
      reason: "The instance is stopped; it is counted when it runs." },
    { instanceID: "acme", usedLicenseCount: 3, countedAt: "2026-12-07T12:00:00Z", current: true, storesNotCounted: 1,
      reason: null },
    { instanceID: "new-one", usedLicenseCount: null, countedAt: null, current: false, storesNotCounted: null,
      reason: "The instance is stopped; it is counted when it runs. It has never been counted." },
  ],
};

test("rows: one per instance, by ID, with their counts, times, reasons and uncounted stores", () => {
  const rows = licenseRows(answer);
  assert.deepEqual(rows.map((r) => r.instanceID), ["acme", "new-one", "zeta"]);
  assert.deepEqual(rows[0], { instanceID: "acme", used: 3, countedAt: "2026-12-07T12:00:00Z", current: true, reason: "",
                              storesNotCounted: 1 });
  assert.deepEqual(rows[1], { instanceID: "new-one", used: null, countedAt: null, current: false,
                              reason: "The instance is stopped; it is counted when it runs. It has never been counted.",
                              storesNotCounted: 0 });
  assert.equal(rows[2].current, false);
  assert.match(rows[2].reason, /stopped/);
});

test("rows: a missing, empty or odd answer gives no rows; odd values count as unknown, never as 0", () => {
  assert.deepEqual(licenseRows(null), []);
  assert.deepEqual(licenseRows({}), []);
  assert.deepEqual(licenseRows({ instanceData: "x" }), []);
  const rows = licenseRows({ instanceData: [null, { usedLicenseCount: 4 }, { instanceID: "odd", usedLicenseCount: "7",
                                                                           countedAt: 5, current: "yes" }] });
  assert.deepEqual(rows, [{ instanceID: "odd", used: null, countedAt: null, current: false, reason: "", storesNotCounted: 0 }]);
  assert.equal(licenseRows({ instanceData: [{ instanceID: "f", usedLicenseCount: 1.5 }] })[0].used, null);
});

test("totals: the sum of the known counts, how many are known and unknown", () => {
  assert.deepEqual(licenseTotals(licenseRows(answer)), { total: 5, counted: 2, unknown: 1 });
  assert.deepEqual(licenseTotals([]), { total: 0, counted: 0, unknown: 0 });
  assert.deepEqual(licenseTotals(licenseRows({ instanceData: [{ instanceID: "a", usedLicenseCount: 0 }] })),
                   { total: 0, counted: 1, unknown: 0 });
});

test("CSV fields: quoted only when they hold a comma, a quote or a line break; quotes doubled", () => {
  assert.equal(csvField("plain"), "plain");
  assert.equal(csvField(12), "12");
  assert.equal(csvField(0), "0");
  assert.equal(csvField(null), "");
  assert.equal(csvField(undefined), "");
  assert.equal(csvField("a,b"), '"a,b"');
  assert.equal(csvField('say "hi"'), '"say ""hi"""');
  assert.equal(csvField('"'), '""""');
  assert.equal(csvField("two\nlines"), '"two\nlines"');
  assert.equal(csvField("cr\rhere"), '"cr\rhere"');
  assert.equal(csvField("crlf\r\n"), '"crlf\r\n"');
  assert.equal(csvField(" spaces stay "), " spaces stay ");
  assert.equal(csvField(""), "");
});

test("CSV: the header, one line per instance, CRLF after every line, unknown counts empty", () => {
  assert.deepEqual(CSV_COLUMNS, ["instanceID", "usedLicenseCount", "countedAt"]);
  assert.equal(licenseCsv(licenseRows(answer)),
               "instanceID,usedLicenseCount,countedAt\r\n" +
               "acme,3,2026-12-07T12:00:00Z\r\n" +
               "new-one,,\r\n" +
               "zeta,2,2026-12-01T09:00:00Z\r\n");
  assert.equal(licenseCsv([]), "instanceID,usedLicenseCount,countedAt\r\n");
  // Every field goes through the quoting (IDs are plain today; the CSV does not rely on it).
  assert.equal(licenseCsv([{ instanceID: 'we,ird"', used: 1, countedAt: null }]),
               'instanceID,usedLicenseCount,countedAt\r\n"we,ird""",1,\r\n');
});

test("CSV: parsed back by an RFC 4180 reader, it gives the same table", () => {
  const rows = [{ instanceID: "a,b", used: 3, countedAt: "x\r\ny" }, { instanceID: 'q"', used: null, countedAt: "" }];
  assert.deepEqual(parseCsv(licenseCsv(rows)), [["instanceID", "usedLicenseCount", "countedAt"], ["a,b", "3", "x\r\ny"],
                                                ['q"', "", ""]]);
});

test("the file name: machine and UTC time, only safe characters", () => {
  const at = new Date(Date.UTC(2026, 11, 7, 13, 4, 5));
  assert.equal(csvFileName("mgmt.example.com", at), "license-usage-mgmt.example.com-20261207-130405.csv");
  assert.equal(csvFileName("a b/c", at), "license-usage-a_b_c-20261207-130405.csv");
  assert.equal(csvFileName("", at), "license-usage-20261207-130405.csv");
});

// A small RFC 4180 reader for the round trip above (records end in CRLF).
function parseCsv(text) {
  const records = [];
  let fields = [], field = "", i = 0, quoted = false;
  while (i < text.length) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { field += '"'; i += 2; continue; }
      if (c === '"') { quoted = false; i += 1; continue; }
      field += c;
      i += 1;
      continue;
    }
    if (c === '"') { quoted = true; i += 1; continue; }
    if (c === ",") { fields.push(field); field = ""; i += 1; continue; }
    if (c === "\r" && text[i + 1] === "\n") { fields.push(field); records.push(fields); fields = []; field = ""; i += 2; continue; }
    field += c;
    i += 1;
  }
  return records;
}
