// The Archive Stores tab's table: a row per store with a check box for
// the selection, Verify and Manage; the selection's commands above it.
import { STORE_COMMANDS, targetsOf, whyNot } from "../../../stores.js";
import { useApp } from "../../../ui.jsx";
import { StoreState } from "./state.jsx";

/**
 * The stores with their check boxes (`selected`: a Set of ids), the
 * commands on the selection above them; onOpen(command, stores) runs or
 * asks, onManage(store) opens a store's dialog. loading: GetStores is
 * being read again; working: a command runs.
 */
export function StoreTable({ stores, selected, setSelected, loading, working, texts, onOpen, onManage }) {
  const { t, fmt, hasFn } = useApp();
  const selection = stores.filter((s) => selected.has(s.id));
  const toggle = (sid, on) => setSelected((s) => {
    const n = new Set(s);
    if (on) n.add(sid); else n.delete(sid);
    return n;
  });
  const allSelected = stores.length > 0 && stores.every((s) => selected.has(s.id));
  return (
    <>
      <SelectionBar selection={selection} stores={stores} onOpen={onOpen} busy={working}
                    onClear={() => setSelected(new Set())} texts={texts} />
      <div class="table-wrap">
        <table class="table sto-table" aria-label={t("stoTitle")} aria-busy={loading ? "true" : undefined}>
          <thead>
            <tr>
              <th scope="col" class="col-check">
                <input type="checkbox" checked={allSelected} aria-label={t("stoSelectAll")}
                       onChange={(e) => setSelected(e.currentTarget.checked ? new Set(stores.map((s) => s.id)) : new Set())} />
              </th>
              <th scope="col">{t("stoName")}</th>
              <th scope="col" class="num">{t("stoId")}</th>
              <th scope="col">{t("stoState")}</th>
              <th scope="col" class="num">{t("stoMessages")}</th>
              <th scope="col" class="num">{t("stoSize")}</th>
              <th scope="col">{t("stoPath")}</th>
              <th scope="col"><span class="sr-only">{t("actions")}</span></th>
            </tr>
          </thead>
          <tbody>
            {stores.map((s) => (
              <tr key={s.id} data-store-id={s.id} class={selected.has(s.id) ? "selected" : ""}>
                <td class="col-check">
                  <input type="checkbox" checked={selected.has(s.id)} aria-label={t("stoSelect", { name: s.name })}
                         onChange={(e) => toggle(s.id, e.currentTarget.checked)} />
                </td>
                <td class="sto-name" data-label={t("stoName")}><strong>{s.name}</strong></td>
                <td class="num sto-id" data-label={t("stoId")}>{s.id}</td>
                <td class="sto-state" data-label={t("stoState")}><StoreState store={s} /></td>
                <td class="num sto-count" data-label={t("stoMessages")}>{fmt.number(s.statisticsCount ?? 0)}</td>
                <td class="num sto-size" data-label={t("stoSize")}>{fmt.bytes(s.statisticsSize ?? 0)}</td>
                <td class="sto-path" data-label={t("stoPath")}><code>{s.databasePath}</code></td>
                <td class="row-actions">
                  {hasFn("VerifyStore") && (
                    <button type="button" class="ghost small sto-verify" disabled={!!whyNot("verify", s, stores)}
                            title={whyNot("verify", s, stores) ? t(whyNot("verify", s, stores)) : undefined}
                            onClick={() => onOpen("verify", [s])} aria-label={t("stoVerifyNamed", { name: s.name })}>
                      {t("stoCmdVerify")}
                    </button>
                  )}
                  <button type="button" class="ghost small sto-manage" onClick={() => onManage(s)}
                          aria-label={t("stoManageNamed", { name: s.name })}>{t("stoManage")}</button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {stores.length === 0 && <p class="empty">{t("stoNone")}</p>}
    </>
  );
}

function SelectionBar({ selection, stores, onOpen, onClear, busy, texts }) {
  const { t, hasFn } = useApp();
  const n = selection.length;
  const multi = Object.entries(STORE_COMMANDS).filter(([, c]) => c.multi && hasFn(c.fn)).map(([name]) => name);
  return (
    <div class={"action-bar sto-bar" + (n ? " has-selection" : "")} role="group" aria-label={t("stoOnSelection")}>
      <span class="selected-count" aria-live="polite">{n ? t("selectedCount", { n }) : t("stoNoneSelected")}</span>
      {n > 0 && <button type="button" class="link" onClick={onClear}>{t("clearSelection")}</button>}
      <span class="spacer"></span>
      <div class="actions">
        {multi.map((c) => {
          const targets = targetsOf(c, selection, stores);
          return (
            <button key={c} type="button" id={"sto-sel-" + c} class={c === "detach" ? "ghost danger-text" : "ghost"}
                    disabled={!targets.length} onClick={() => onOpen(c, targets)}
                    title={targets.length && targets.length < n ? t("appliesTo", { n: targets.length }) : undefined}>
              {texts[c][0]}{targets.length && targets.length < n ? ` (${targets.length})` : ""}
            </button>
          );
        })}
      </div>
      {busy && <span class="spinner small" role="img" aria-label={t("working")}></span>}
    </div>
  );
}
