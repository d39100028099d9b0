// An instance's Archive Stores tab: GetStores (includeSize) as a table with
// each store's requested state, its flags (error, needs upgrade, search
// indexes to rebuild), messages, size and directory; every store command of
// the API from the store's own dialog (Manage) or on a selection, the
// commands of the whole instance, and the automatic creation of stores
// (Get/SetStoreAutoCreateConfiguration) as a form.
// Long-running commands (verify, compact, repair, recreate recovery
// records, upgrade, recover, merge, refresh statistics, maintain databases)
// show their progress in the task window, cancellable there; they are
// listed there even when they finished within the first answer, so the
// log (a verification's problems, say) is always found in one place.
// Commands that lose or rewrite data ask first and say what happens.
// The parts are in stores/: the table (table.jsx), the running of commands
// (perform.jsx), the dialogs (dialogs.jsx and what it opens), the commands
// on all stores (commands.jsx) and the automatic creation (auto.jsx).
import { useEffect, useState } from "preact/hooks";
import { formatHash } from "../../router.js";
import { needingRebuild, totals } from "../../stores.js";
import { ErrorNote, Loading, Notice, useApp, useCall, useLoad } from "../../ui.jsx";
import { AutoCreate } from "./stores/auto.jsx";
import { InstanceCommands } from "./stores/commands.jsx";
import { StoreDialogs } from "./stores/dialogs.jsx";
import { Outcome, useStoreCommands } from "./stores/perform.jsx";
import { StoreTable } from "./stores/table.jsx";
import { commandTexts } from "./stores/texts.js";
import "./stores.css";

// What other tabs use (the Search Indexes tab: StoreState, useListedRun).
export { useListedRun } from "./stores/perform.jsx";
export { StoreState } from "./stores/state.jsx";
export { stateLabel } from "./stores/texts.js";

export function StoresTab({ id, instance }) {
  const { t, fmt, hasFn } = useApp();
  const call = useCall();
  const up = instance.status === "running";
  const list = useLoad(() => (up ? call("GetStores", { instanceID: id, includeSize: true }) : null), [id, up]);
  const [selected, setSelected] = useState(() => new Set());
  const [dialog, setDialog] = useState(null);    // {type, stores?, command?}
  const texts = commandTexts(t);

  const stores = list.data || [];
  // A detached store leaves the selection.
  useEffect(() => {
    if (!list.data) return;
    setSelected((sel) => new Set([...sel].filter((x) => list.data.some((s) => s.id === x))));
  }, [list.data]);

  const { outcome, setOutcome, inFlight, open, openInstance, runOn, runInstance, done } =
    useStoreCommands(id, { list, texts, setDialog });
  const sum = totals(stores);

  if (!up) {
    return (
      <div class="sto">
        <h2 class="sr-only">{t("tabStores")}</h2>
        <Notice kind="warn">{t("stoNotRunning")}</Notice>
      </div>
    );
  }
  return (
    <div class="sto">
      <div class="sto-head">
        <div class="sto-title">
          <h2>{t("stoTitle")}</h2>
          {list.data && (
            <p class="muted small">{t("stoSummary", { n: sum.stores, messages: fmt.number(sum.messages), size: fmt.bytes(sum.bytes) })}</p>
          )}
        </div>
        <div class="page-actions">
          <button type="button" class="ghost" onClick={list.reload} disabled={list.loading}>{t("refresh")}</button>
          {hasFn("AttachStore") && <button type="button" class="ghost" id="sto-attach" onClick={() => setDialog({ type: "attach" })}>{t("stoAttach")}</button>}
          {hasFn("CreateStore") && <button type="button" class="primary" id="sto-new" onClick={() => setDialog({ type: "create" })}>{t("stoNew")}</button>}
        </div>
      </div>

      {outcome && <Outcome outcome={outcome} onDismiss={() => setOutcome(null)} />}
      <ErrorNote error={list.error} />
      {needingRebuild(stores).length > 0 && (
        <p class="note warn sto-rebuild-note">
          <span class="note-text">{t("stoIndexesNeedRebuild", { n: needingRebuild(stores).length })}{" "}
            <a href={formatHash("instances", id, { tab: "indexes" })}>{t("stoGoToIndexes")}</a></span>
        </p>
      )}

      {list.loading && !list.data ? <Loading /> : list.data && (
        <StoreTable stores={stores} selected={selected} setSelected={setSelected} loading={list.loading} working={inFlight > 0}
                    texts={texts} onOpen={open} onManage={(s) => setDialog({ type: "manage", stores: [s] })} />
      )}

      <div class="sto-panels">
        <InstanceCommands onOpen={openInstance} texts={texts} />
        {hasFn("GetStoreAutoCreateConfiguration") && <AutoCreate id={id} onSaved={list.reload} />}
      </div>

      {dialog && <StoreDialogs dialog={dialog} stores={stores} id={id} texts={texts} onClose={() => setDialog(null)}
                               onOpen={open} onRun={runOn} onRunInstance={runInstance} onDone={done} />}
    </div>
  );
}
