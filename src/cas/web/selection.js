// The selection (rows picked on any page of one search, or all its results)
// and the export of it as a .zip of .eml files or one .mbox, or its restore
// to a mailbox (restore.js).
import { api, downloadUrl } from "./api.js";
import { $, el } from "./dom.js";
import { announce, withLoading } from "./feedback.js";
import { t } from "./i18n.js";
import { keyOf } from "./list.js";
import { findRunningRestore, openRestore } from "./restore.js";
import { LIST_KEYS } from "./router.js";
import { searchBody } from "./search_form.js";
import { ARCHIVE_ADMIN, app } from "./state.js";

const selection = new Map();  // "store.message" -> {storeID, messageID}
let allResultsSelected = false;
let selectionScope = "";      // the search the selection was made in

export function isSelected(key) { return allResultsSelected || selection.has(key); }

// A row's box was ticked or cleared.
export function selectOne(hit, on) {
  allResultsSelected = false;
  if (on) selection.set(keyOf(hit), { storeID: hit.storeID, messageID: hit.messageID });
  else selection.delete(keyOf(hit));
  drawSelection();
}

// A selection holds across pages, sorts and page sizes of one search; another
// folder or search starts without one (it must not be exported unseen).
export function keepSelectionFor(state) {
  const scope = JSON.stringify(LIST_KEYS.filter((k) => !["p", "sort", "n"].includes(k)).map((k) => state[k]));
  if (scope !== selectionScope) {
    selection.clear();
    allResultsSelected = false;
    selectionScope = scope;
  }
}

export function drawSelection() {
  const { results } = app;
  const n = allResultsSelected ? results.total : selection.size;
  $("selected-count").textContent = n ? t("selectedN", { n }) : "";
  $("export").disabled = n === 0 || app.user === ARCHIVE_ADMIN;
  $("restore-open").disabled = app.user === ARCHIVE_ADMIN;
  const onPage = results.hits.map(keyOf);
  const pageAll = onPage.length > 0 && (allResultsSelected || onPage.every((k) => selection.has(k)));
  $("select-page").checked = pageAll;
  $("select-page").disabled = !onPage.length;
  const all = $("select-all");
  all.hidden = !(pageAll && results.total > onPage.length) || allResultsSelected;
  all.textContent = t("selectAllResults", { n: results.total });
  $("clear-selection").hidden = n === 0;
  for (const li of $("hits").children) {
    const pick = li.querySelector("input.pick");
    if (pick) pick.checked = isSelected(li.dataset.key);
  }
  findRunningRestore();
}

// The selection as the export and the restore take it: its messages, or the search.
function selectionBody() {
  return allResultsSelected ? { search: searchBody(app.view) } : { messages: [...selection.values()] };
}

async function startExport(format) {
  closeExportMenu();
  const status = $("export-status");
  const body = { format, ...selectionBody() };
  status.hidden = false;
  status.textContent = t("exportPreparing");
  try {
    const r = await withLoading(api("export", body), status);
    status.textContent = t("exportRunning", { n: r.count });
    const a = el("a");
    a.href = downloadUrl("exportDownload", { exportID: r.exportID });
    a.download = "";
    document.body.append(a);
    a.click();
    a.remove();
    announce(status.textContent);
  } catch (e) {
    status.textContent = e.message;
    announce(e.message);
  }
}

function closeExportMenu() {
  $("export-menu").hidden = true;
  $("export").setAttribute("aria-expanded", "false");
}

export function wireSelection() {
  $("select-page").addEventListener("change", () => {
    const on = $("select-page").checked;
    if (!on) allResultsSelected = false;
    for (const h of app.results.hits) {
      if (on) selection.set(keyOf(h), { storeID: h.storeID, messageID: h.messageID });
      else selection.delete(keyOf(h));
    }
    drawSelection();
  });
  $("select-all").addEventListener("click", () => {
    allResultsSelected = true;
    drawSelection();
  });
  $("clear-selection").addEventListener("click", () => {
    allResultsSelected = false;
    selection.clear();
    drawSelection();
  });
  document.addEventListener("click", (ev) => {
    if (!$("export-menu").hidden && !ev.target.closest(".menu-wrap")) closeExportMenu();
  });
  $("export").addEventListener("click", () => {
    const menu = $("export-menu");
    menu.hidden = !menu.hidden;
    $("export").setAttribute("aria-expanded", String(!menu.hidden));
    if (!menu.hidden) menu.querySelector("button").focus();
  });
  for (const b of $("export-menu").querySelectorAll("button[data-format]")) {
    b.addEventListener("click", () => startExport(b.dataset.format));
  }
  $("restore-open").addEventListener("click", () => {
    closeExportMenu();
    openRestore(selectionBody(), allResultsSelected ? app.results.total : selection.size);
  });
  $("export-menu").addEventListener("keydown", (ev) => {
    const items = [...$("export-menu").querySelectorAll("button")];
    const i = items.indexOf(document.activeElement);
    if (ev.key === "Escape") { closeExportMenu(); $("export").focus(); }
    if (ev.key === "ArrowDown") { ev.preventDefault(); items[(i + 1) % items.length].focus(); }
    if (ev.key === "ArrowUp") { ev.preventDefault(); items[(i + items.length - 1) % items.length].focus(); }
  });
}
