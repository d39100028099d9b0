// A worker result's warnings or errors page by page, free of the DOM
// (pages/instance/archiving/report.jsx). A report lists up to 50,000 of
// each itself; a run with more keeps the rest as the worker result's
// entries and its report counts them (moreWarnings, moreErrors).
// GetWorkerResultReportEntries {id, kind, from, count <= 10,000} answers
// {kind, from, total, entries}: entries [from, from + count) of the whole
// list, the report's own first, then the kept ones (docs/api.md,
// "Extensions beyond the product"). So a page inside the report's own list
// is drawn from it, and a page beyond it is read from the server in chunks
// of 10,000, the last few kept, so paging back and forth asks once.

/** GetWorkerResultReportEntries' largest `count`. */
export const ENTRIES_CHUNK = 10000;
/** Chunks kept (50,000 entries, about 10 MB at 200 bytes an entry). */
export const CHUNKS_KEPT = 5;

/** How many a report counts beyond its own list of `kind` ("warnings" or "errors"). */
export function moreOf(report, kind) {
  const v = report && report[kind === "errors" ? "moreErrors" : "moreWarnings"];
  return typeof v === "number" && Number.isFinite(v) && v > 0 ? Math.floor(v) : 0;
}

/** A page of a list of `total` entries: {page, pages, from, to, total} as Pager shows it, and [start, end). */
export function pageRange(total, page, size) {
  const n = Math.max(0, Math.floor(Number(total) || 0));
  const pages = Math.max(1, Math.ceil(n / size));
  const p = Math.min(Math.max(1, Math.floor(Number(page) || 1)), pages);
  const start = (p - 1) * size;
  const end = Math.min(start + size, n);
  return { page: p, pages, total: n, from: n ? start + 1 : 0, to: end, start, end };
}

/**
 * The chunks of the server's entries that hold [start, end) beyond the
 * report's `own` entries: [{from, count}], aligned at own + k * chunk.
 */
export function chunksFor(start, end, own, chunk = ENTRIES_CHUNK) {
  const out = [];
  const a = Math.max(start, own);
  if (end <= a) return out;
  for (let k = Math.floor((a - own) / chunk); own + k * chunk < end; k++) out.push({ from: own + k * chunk, count: chunk });
  return out;
}

/**
 * One list of a report read page by page. own: the report's own entries
 * (texts); more: how many it counts beyond them; fetch(from, count): a
 * promise of GetWorkerResultReportEntries' answer.
 */
export class ReportEntries {
  constructor({ own, more = 0, fetch = null, chunk = ENTRIES_CHUNK, keep = CHUNKS_KEPT }) {
    this.own = Array.isArray(own) ? own : [];
    this.total = this.own.length + Math.max(0, more);
    this.fetch = fetch;
    this.chunk = chunk;
    this.keep = keep;
    this.chunks = new Map();    // chunk start -> entries (null for one the server did not keep); most recent last
    this.pending = new Map();   // chunk start -> promise
  }

  /** Whether the list goes beyond the report's own entries. */
  get paged() {
    return this.total > this.own.length;
  }

  /** Entries [start, end) as [{index, text}] when all are at hand, else null. text null: not kept. */
  peek(start, end) {
    const out = [];
    for (let i = start; i < Math.min(end, this.total); i++) {
      if (i < this.own.length) {
        out.push({ index: i, text: this.own[i] });
        continue;
      }
      const from = this.own.length + Math.floor((i - this.own.length) / this.chunk) * this.chunk;
      const got = this.chunks.get(from);
      if (!got) return null;
      out.push({ index: i, text: got[i - from] ?? null });
    }
    return out;
  }

  /** Entries [start, end), reading the chunks it needs; throws the API's error. */
  async read(start, end) {
    const stop = Math.min(end, this.total);
    const needed = chunksFor(start, stop, this.own.length, this.chunk).filter((c) => !this.chunks.has(c.from));
    await Promise.all(needed.map((c) => this.load(c)));
    for (const c of chunksFor(start, stop, this.own.length, this.chunk)) this.touch(c.from);
    return this.peek(start, stop);
  }

  load({ from, count }) {
    if (this.pending.has(from)) return this.pending.get(from);
    if (!this.fetch) return Promise.reject(new Error("The entries beyond the report's list cannot be read."));
    const p = Promise.resolve(this.fetch(from, count))
      .then((answer) => {
        const entries = answer && Array.isArray(answer.entries) ? answer.entries : [];
        if (answer && typeof answer.total === "number" && answer.total >= this.own.length) this.total = answer.total;
        // Fewer than asked before the end: the server did not keep those (entriesNotKept).
        const want = Math.min(count, Math.max(0, this.total - from));
        const texts = [];
        for (let i = 0; i < want; i++) {
          const e = entries[i];
          texts.push(e === undefined || e === null ? null : typeof e === "string" ? e : JSON.stringify(e));
        }
        this.chunks.set(from, texts);
        this.touch(from);
      })
      .finally(() => this.pending.delete(from));
    this.pending.set(from, p);
    return p;
  }

  // The chunk read last goes last; the oldest beyond `keep` are dropped.
  touch(from) {
    const got = this.chunks.get(from);
    if (!got) return;
    this.chunks.delete(from);
    this.chunks.set(from, got);
    while (this.chunks.size > this.keep) this.chunks.delete(this.chunks.keys().next().value);
  }
}
