// Paging and sorting controls every list of the console shares: the pager
// (rows shown of the total, first/previous/next/last, optionally the page
// size) and a sortable column heading (aria-sort, a button that flips the
// direction and goes back to the first page).
import { useApp } from "./ui.jsx";

export const PAGE_SIZES = [25, 50, 100, 200];

/**
 * `shown`: {page, pages, from, to, total} (instances.js pageOf). With
 * `onSize`, a page-size choice (`size`, its <select> id `sizeId`); with
 * `hideSingle`, nothing when everything fits on one page. `label` names the
 * pager when several are on a page.
 */
export function Pager({ shown, onPage, label, size, onSize, sizeId = "page-size", hideSingle = false }) {
  const { t, fmt } = useApp();
  if (hideSingle && shown.pages <= 1) return null;
  return (
    <nav class="pager" aria-label={label || t("pages")}>
      {onSize && (
        <div class="field inline">
          <label for={sizeId}>{t("perPage")}</label>
          <select id={sizeId} value={size} onChange={(e) => onSize(Number(e.currentTarget.value))}>
            {PAGE_SIZES.map((s) => <option key={s} value={s}>{s}</option>)}
          </select>
        </div>
      )}
      <span class="range">{t("range", { from: fmt.number(shown.from), to: fmt.number(shown.to), total: fmt.number(shown.total) })}</span>
      <div class="pager-buttons">
        <button type="button" class="pagebtn" disabled={shown.page <= 1} onClick={() => onPage(1)} aria-label={t("firstPage")}>«</button>
        <button type="button" class="pagebtn" disabled={shown.page <= 1} onClick={() => onPage(shown.page - 1)} aria-label={t("previousPage")}>‹</button>
        <span class="page-of">{t("pageOf", { page: shown.page, pages: shown.pages })}</span>
        <button type="button" class="pagebtn" disabled={shown.page >= shown.pages} onClick={() => onPage(shown.page + 1)} aria-label={t("nextPage")}>›</button>
        <button type="button" class="pagebtn" disabled={shown.page >= shown.pages} onClick={() => onPage(shown.pages)} aria-label={t("lastPage")}>»</button>
      </div>
    </nav>
  );
}

/** A column heading that sorts a list kept as view = {sort, dir, page, ...} by `column`. */
export function SortHeader({ view, setView, column, label }) {
  const active = view.sort === column;
  const next = active && view.dir === "asc" ? "desc" : "asc";
  return (
    <th scope="col" class={"col-" + column} aria-sort={active ? (view.dir === "asc" ? "ascending" : "descending") : undefined}>
      <button type="button" class="sort" onClick={() => setView((v) => ({ ...v, sort: column, dir: next, page: 1 }))}>
        {label}<span class="sort-mark" aria-hidden="true">{active ? (view.dir === "asc" ? " ▲" : " ▼") : ""}</span>
      </button>
    </th>
  );
}
