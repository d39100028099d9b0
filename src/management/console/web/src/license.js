// The License Information page's logic: CreateLicenseRequest's answer as
// table rows and a total, and the CSV download (RFC 4180: fields with a
// comma, a double quote or a line break in double quotes, quotes doubled,
// lines ending in CRLF). docs/api.md "Used licenses" has the counting rule.

/** The CSV file's columns, in this order. */
export const CSV_COLUMNS = ["instanceID", "usedLicenseCount", "countedAt"];

/**
 * One row per instance of CreateLicenseRequest's `instanceData`, sorted by
 * instance ID: {instanceID, used (number or null), countedAt (string or
 * null), current, reason, storesNotCounted}. Anything missing or of the
 * wrong type counts as unknown, never as 0.
 */
export function licenseRows(result) {
  const data = result && Array.isArray(result.instanceData) ? result.instanceData : [];
  return data
    .filter((d) => d && typeof d.instanceID === "string")
    .map((d) => ({
      instanceID: d.instanceID,
      used: Number.isInteger(d.usedLicenseCount) ? d.usedLicenseCount : null,
      countedAt: typeof d.countedAt === "string" && d.countedAt ? d.countedAt : null,
      current: d.current === true,
      reason: typeof d.reason === "string" ? d.reason : "",
      storesNotCounted: Number.isInteger(d.storesNotCounted) ? d.storesNotCounted : 0,
    }))
    .sort((a, b) => (a.instanceID < b.instanceID ? -1 : a.instanceID > b.instanceID ? 1 : 0));
}

/** {total, counted, unknown}: the sum of the known counts, how many rows have one, how many have none. */
export function licenseTotals(rows) {
  let total = 0, counted = 0;
  for (const r of rows) {
    if (r.used === null) continue;
    total += r.used;
    counted += 1;
  }
  return { total, counted, unknown: rows.length - counted };
}

/** One CSV field: null and undefined are empty; quoted when it holds a comma, a quote, CR or LF (RFC 4180). */
export function csvField(value) {
  const s = value === null || value === undefined ? "" : String(value);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** The CSV text of the rows: a header line, then one line per instance, every line ending in CRLF. */
export function licenseCsv(rows) {
  const lines = [CSV_COLUMNS.join(",")];
  for (const r of rows) lines.push([r.instanceID, r.used, r.countedAt].map(csvField).join(","));
  return lines.join("\r\n") + "\r\n";
}

/** The download's name: license-usage-<machine>-YYYYMMDD-HHMMSS.csv (UTC), only safe characters. */
export function csvFileName(machineName, date = new Date()) {
  const stamp = date.toISOString().slice(0, 19).replace(/[-:]/g, "").replace("T", "-");
  const machine = String(machineName || "").replace(/[^A-Za-z0-9._-]/g, "_").slice(0, 64);
  return `license-usage-${machine ? machine + "-" : ""}${stamp}.csv`;
}
