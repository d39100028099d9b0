// An instance's Search Indexes tab: the index configuration
// (GetIndexConfiguration / SetIndexConfiguration: which attachment types
// have their text indexed, and whether files inside PDF documents are read
// too) as a form, read back after saving; the stores with the state of
// their search indexes (GetStores' searchIndexesNeedRebuild); and the
// rebuild: RebuildSelectedStoreIndexes for the stores listed as needing
// one, or SelectAllStoreIndexesForRebuild first to rebuild every store,
// with its progress in the task window (cancellable there).
import { useEffect, useState } from "preact/hooks";
import { envelopeError } from "../../api.js";
import { ATTACHMENT_TYPES, KNOWN_TYPES, indexConfig, indexForm, isOpen, needingRebuild, otherExtensionsProblem, outcomeOf } from "../../stores.js";
import { focusFirstProblem, Badge, ConfirmDialog, ErrorNote, Loading, Notice, messageOf, useApp, useCall,
         useLoad } from "../../ui.jsx";
import { TextField } from "../wizard.jsx";
import { StoreState, useListedRun } from "./stores.jsx";
import "./stores.css";

export function IndexesTab({ id, instance }) {
  const { t } = useApp();
  const up = instance.status === "running";
  if (!up) {
    return (
      <div class="idx">
        <h2 class="sr-only">{t("tabIndexes")}</h2>
        <Notice kind="warn">{t("idxNotRunning")}</Notice>
      </div>
    );
  }
  return (
    <div class="idx">
      <IndexConfiguration id={id} />
      <Rebuild id={id} />
    </div>
  );
}

function IndexConfiguration({ id }) {
  const { t, hasFn } = useApp();
  const call = useCall();
  const config = useLoad(() => call("GetIndexConfiguration", { instanceID: id }), [id]);
  const [v, setV] = useState(null);
  const [touched, setTouched] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  const [notice, setNotice] = useState(null);
  useEffect(() => { if (config.data) setV(indexForm(config.data)); }, [config.data]);

  const problem = v ? otherExtensionsProblem(v) : null;
  const noneChosen = v && !v.all && indexConfig(v).attachmentExtensions.length === 0;
  const save = async (e) => {
    e.preventDefault();
    setTouched(true);
    setNotice(null);
    if (problem) { focusFirstProblem(e.currentTarget); return; }
    setBusy(true);
    setError(null);
    try {
      await call("SetIndexConfiguration", { instanceID: id, config: indexConfig(v) });
      setNotice(t("idxSaved"));
      config.reload();  // read back what the server keeps (extensions normalized)
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const toggleType = (type, on) => setV((o) => ({ ...o, types: on ? [...o.types, type] : o.types.filter((x) => x !== type) }));
  const groupTitle = {
    idxGroupText: t("idxGroupText"), idxGroupWeb: t("idxGroupWeb"), idxGroupPdf: t("idxGroupPdf"),
    idxGroupDocuments: t("idxGroupDocuments"), idxGroupSpreadsheets: t("idxGroupSpreadsheets"),
    idxGroupPresentations: t("idxGroupPresentations"),
  };

  return (
    <section class="panel idx-config" aria-labelledby="idx-config-title">
      <h2 id="idx-config-title">{t("idxConfigTitle")}</h2>
      <p class="hint">{t("idxConfigText")}</p>
      <ErrorNote error={config.error} />
      {!v ? (config.loading ? <Loading /> : null) : (
        <form class="idx-form" onSubmit={save} noValidate>
          <fieldset class="group">
            <legend>{t("idxWhichTypes")}</legend>
            <div class="field check-field">
              <input id="idx-all" type="radio" name="idx-types" checked={v.all} aria-describedby="idx-all-types" onChange={() => setV((o) => ({ ...o, all: true }))} />
              <label for="idx-all">{t("idxAll")}</label>
            </div>
            <p class="hint idx-all-types" id="idx-all-types">{t("idxAllTypes", { types: KNOWN_TYPES.map((x) => "." + x).join(" ") })}</p>
            <div class="field check-field">
              <input id="idx-chosen" type="radio" name="idx-types" checked={!v.all} onChange={() => setV((o) => ({ ...o, all: false }))} />
              <label for="idx-chosen">{t("idxChosen")}</label>
            </div>
            {!v.all && <div class="idx-types">
              {ATTACHMENT_TYPES.map((g) => (
                <fieldset key={g.key} class="idx-type-group">
                  <legend>{groupTitle[g.key]}</legend>
                  {g.types.map((type) => (
                    <div class="field check-field" key={type}>
                      <input id={"idx-type-" + type} type="checkbox" checked={v.types.includes(type)}
                             onChange={(e) => toggleType(type, e.currentTarget.checked)} />
                      <label for={"idx-type-" + type}><code>.{type}</code></label>
                    </div>
                  ))}
                </fieldset>
              ))}
            </div>}
            {!v.all && (
              <TextField id="idx-other" label={t("idxOther")} value={v.other} mono hint={t("idxOtherHint")}
                         problem={touched && problem ? t(problem) : null} onInput={(x) => setV((o) => ({ ...o, other: x }))} />
            )}
            {noneChosen && <p class="note warn">{t("idxNoneChosen")}</p>}
          </fieldset>
          <fieldset class="group">
            <legend>{t("idxPdfTitle")}</legend>
            <div class="field check-field">
              <input id="idx-pdfs" type="checkbox" checked={v.includeAttachmentsOfPDFs}
                     onChange={(e) => setV((o) => ({ ...o, includeAttachmentsOfPDFs: e.currentTarget.checked }))} />
              <label for="idx-pdfs">{t("idxPdfAttachments")}</label>
            </div>
            <p class="hint">{t("idxPdfHint")}</p>
          </fieldset>
          <p class="hint">{t("idxAppliesFromNow")}</p>
          <ErrorNote error={error} />
          <Notice onDismiss={() => setNotice(null)}>{notice}</Notice>
          {hasFn("SetIndexConfiguration") && (
            <div class="form-actions">
              <button type="submit" class="primary" id="idx-save" disabled={busy}>{busy ? t("saving") : t("save")}</button>
              <button type="button" class="ghost" disabled={busy} onClick={() => { setTouched(false); setV(indexForm(config.data)); }}>
                {t("idxUndo")}</button>
            </div>
          )}
        </form>
      )}
    </section>
  );
}

function Rebuild({ id }) {
  const { t, fmt, hasFn } = useApp();
  const call = useCall();
  const invoke = useListedRun(id);
  const stores = useLoad(() => call("GetStores", { instanceID: id, includeSize: false }), [id]);
  const [confirm, setConfirm] = useState(false);
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState(null);  // {kind, text}
  const list = stores.data || [];
  const flagged = needingRebuild(list);

  const rebuild = async (all) => {
    setBusy(true);
    const label = all ? t("idxTaskAll") : t("idxTaskSelected", { n: flagged.length });
    setOutcome({ kind: "info", text: t("stoStarted", { label }) });
    try {
      if (all) await call("SelectAllStoreIndexesForRebuild", { instanceID: id });
      const env = await invoke("RebuildSelectedStoreIndexes", {}, label, true);
      const error = envelopeError(env);
      if (error) setOutcome({ kind: "error", text: t("stoFailed", { label, error }) });
      else {
        const o = outcomeOf("RebuildSelectedStoreIndexes", env.result);
        setOutcome({ kind: "ok", text: t(o.key, o.vars) });
      }
    } catch (e) {
      setOutcome({ kind: "error", text: t("stoFailed", { label, error: messageOf(e, t) }) });
    } finally {
      setBusy(false);
      stores.reload();
    }
  };
  const selectAll = async () => {
    setBusy(true);
    try {
      await call("SelectAllStoreIndexesForRebuild", { instanceID: id });
      setOutcome({ kind: "ok", text: t("idxSelectedAll") });
    } catch (e) {
      setOutcome({ kind: "error", text: messageOf(e, t) });
    } finally {
      setBusy(false);
      stores.reload();
    }
  };

  const indexState = (s) => (!isOpen(s) ? ["stopped", t("idxStateNotOpen")]
    : s.searchIndexesNeedRebuild ? ["warning", t("idxStateRebuild")] : ["active", t("idxStateInUse")]);
  const canRebuild = hasFn("RebuildSelectedStoreIndexes");
  const canSelect = hasFn("SelectAllStoreIndexesForRebuild");
  return (
    <section class="panel idx-rebuild" aria-labelledby="idx-rebuild-title">
      <h2 id="idx-rebuild-title">{t("idxRebuildTitle")}</h2>
      <p class="hint">{t("idxRebuildText")}</p>
      {outcome && (
        <div class="outcome idx-outcome" data-kind={outcome.kind}>
          {outcome.kind === "error" ? <ErrorNote error={{ message: outcome.text }} />
                                    : <Notice kind={outcome.kind} onDismiss={() => setOutcome(null)}>{outcome.text}</Notice>}
        </div>
      )}
      <ErrorNote error={stores.error} />
      {stores.loading && !stores.data ? <Loading /> : stores.data && (
        <>
          <p class={flagged.length ? "idx-summary" : "empty-line idx-summary"}>
            {flagged.length ? t("idxNeedRebuild", { n: flagged.length, total: list.length }) : t("idxNoneNeedRebuild")}
          </p>
          <div class="table-wrap">
            <table class="table idx-table" aria-label={t("idxStoresTable")}>
              <thead>
                <tr>
                  <th scope="col">{t("stoName")}</th>
                  <th scope="col">{t("stoId")}</th>
                  <th scope="col">{t("stoState")}</th>
                  <th scope="col">{t("idxIndexes")}</th>
                  <th scope="col">{t("idxDirectory")}</th>
                </tr>
              </thead>
              <tbody>
                {list.map((s) => {
                  const [kind, text] = indexState(s);
                  return (
                    <tr key={s.id} data-store-id={s.id} class={s.searchIndexesNeedRebuild ? "needs-rebuild" : ""}>
                      <td data-label={t("stoName")}><strong>{s.name}</strong></td>
                      <td data-label={t("stoId")}>{fmt.number(s.id)}</td>
                      <td data-label={t("stoState")}><StoreState store={s} flags={false} /></td>
                      <td data-label={t("idxIndexes")} class="idx-state"><Badge kind={kind}>{text}</Badge></td>
                      <td data-label={t("idxDirectory")}><code>{s.indexPath}</code></td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        </>
      )}
      <div class="form-actions">
        {canRebuild && (
          <button type="button" class="primary" id="idx-rebuild-selected" disabled={busy || !flagged.length} onClick={() => rebuild(false)}>
            {t(flagged.length ? "idxRebuildSelected" : "idxRebuildNone", { n: flagged.length })}</button>
        )}
        {canRebuild && canSelect && (
          <button type="button" class="ghost" id="idx-rebuild-all" disabled={busy || !list.some(isOpen)} onClick={() => setConfirm(true)}>
            {t("idxRebuildAll")}</button>
        )}
        {canSelect && (
          <button type="button" class="ghost" id="idx-select-all" disabled={busy || !list.some(isOpen)} onClick={selectAll}>
            {t("idxSelectAll")}</button>
        )}
        <button type="button" class="ghost" onClick={stores.reload} disabled={stores.loading}>{t("refresh")}</button>
      </div>
      {confirm && (
        <ConfirmDialog title={t("idxRebuildAllTitle")} confirmLabel={t("idxRebuildAll")} onClose={() => setConfirm(false)}
                       onConfirm={async () => { setConfirm(false); rebuild(true); }}>
          <p>{t("idxRebuildAllText", { n: list.filter(isOpen).length })}</p>
        </ConfirmDialog>
      )}
    </section>
  );
}
