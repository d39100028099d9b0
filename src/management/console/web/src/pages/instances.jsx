// Instances: GetInstances("*") as a table with search, filters (host,
// status, start mode), sorting, paging (1,000 instances stay quick: only a
// page is drawn), a selection that survives paging and filtering, and the
// actions Start, Safe Mode, Stop, Restart, Freeze, Thaw and Delete on it.
// Stop, Restart, Freeze and Delete ask first. An action goes to the
// instances of the selection it applies to; long-running ones show their
// progress in the task window; the outcome (or the API's error) is shown
// above the table. The search, filters, sorting and page live in the address.
import { useEffect, useMemo, useRef, useState } from "preact/hooks";
import { envelopeError } from "../api.js";
import { ACTIONS, CONFIRMED, STATUSES, START_MODES, actionCall, distinct, filterInstances, pageOf,
         sortInstances, targetsOf } from "../instances.js";
import { PAGE_SIZES, Pager, SortHeader } from "../paging.jsx";
import { formatHash } from "../router.js";
import { Badge, ConfirmDialog, ErrorNote, Loading, Notice, PageHeader, messageOf, useApp, useCall, useLoad } from "../ui.jsx";
import { CreateInstanceWizard } from "./wizard.jsx";

const SORTABLE = ["instanceID", "instanceHost", "status", "startMode"];

function readQuery(q) {
  const size = Number(q.size);
  return {
    q: q.q || "", host: q.host || "", status: q.status || "", startMode: q.mode || "",
    page: Math.max(1, Number(q.page) || 1), size: PAGE_SIZES.includes(size) ? size : 50,
    sort: SORTABLE.includes(q.sort) ? q.sort : "instanceID", dir: q.dir === "desc" ? "desc" : "asc",
  };
}

export function Instances() {
  const { t, route, run } = useApp();
  const call = useCall();
  const list = useLoad(() => call("GetInstances", { instanceFilter: "*" }), []);
  const [view, setView] = useState(() => readQuery(route.query));
  const [selected, setSelected] = useState(() => new Set());
  const [confirm, setConfirm] = useState(null);     // {action, targets}
  const [outcome, setOutcome] = useState(null);     // {kind, text, lines}
  const [inFlight, setInFlight] = useState(0);
  const [wizard, setWizard] = useState(false);
  const [filtersOpen, setFiltersOpen] = useState(false);  // on a phone the filters fold away
  const searchRef = useRef(null);

  // The view in the address (replaced, not pushed: typing is not history).
  useEffect(() => {
    const hash = formatHash("instances", "", {
      q: view.q, host: view.host, status: view.status, mode: view.startMode,
      page: view.page > 1 ? view.page : "", size: view.size !== 50 ? view.size : "",
      sort: view.sort !== "instanceID" ? view.sort : "", dir: view.dir !== "asc" ? view.dir : "",
    });
    if (location.hash !== hash) history.replaceState(null, "", hash);
  }, [view]);

  const all = list.data || [];
  const byId = useMemo(() => new Map(all.map((i) => [i.instanceID, i])), [all]);
  const filtered = useMemo(() => sortInstances(filterInstances(all, view), view.sort, view.dir), [all, view]);
  const shown = pageOf(filtered, view.page, view.size);
  const selection = [...selected].map((id) => byId.get(id)).filter(Boolean);
  const hosts = useMemo(() => distinct(all, "instanceHost"), [all]);

  // Instances between states are looked at again shortly.
  const moving = all.some((i) => i.status === "starting" || i.status === "stopping");
  useEffect(() => {
    if (!moving || list.loading) return undefined;
    const timer = setTimeout(list.reload, 2000);
    return () => clearTimeout(timer);
  }, [moving, list.loading, list.data]);

  const set = (change) => setView((v) => ({ ...v, page: 1, ...change }));
  const toggle = (id, on) => setSelected((s) => {
    const n = new Set(s);
    if (on) n.add(id); else n.delete(id);
    return n;
  });
  const pageIds = shown.items.map((i) => i.instanceID);
  const pageAllSelected = pageIds.length > 0 && pageIds.every((id) => selected.has(id));
  const pageSomeSelected = pageIds.some((id) => selected.has(id));
  const togglePage = (on) => setSelected((s) => {
    const n = new Set(s);
    for (const id of pageIds) { if (on) n.add(id); else n.delete(id); }
    return n;
  });

  const perform = async (action, targets) => {
    const ids = targets.map((i) => i.instanceID);
    const { fn, args } = actionCall(action, ids);
    const label = t("actionTask_" + action, { n: ids.length, id: ids[0] });
    setInFlight((n) => n + 1);
    setOutcome({ kind: "info", text: t("actionStarted", { label }) });
    try {
      const env = await run(fn, args, { label });
      const error = envelopeError(env);
      if (error) {
        setOutcome({ kind: "error", text: error });
      } else {
        const lines = action === "remove" && Array.isArray(env.result) ? env.result.map((r) => r.message) : [];
        setOutcome({ kind: "ok", text: t("actionDone_" + action, { n: ids.length, id: ids[0] }), lines });
        if (action === "remove") setSelected((s) => { const n = new Set(s); ids.forEach((id) => n.delete(id)); return n; });
      }
    } catch (e) {
      setOutcome({ kind: "error", text: messageOf(e, t) });
    } finally {
      setInFlight((n) => n - 1);
      list.reload();
    }
  };

  const ask = (action, targets) => {
    if (!targets.length) return;
    if (CONFIRMED.has(action)) setConfirm({ action, targets });
    else perform(action, targets);
  };

  const filtersSet = view.q || view.host || view.status || view.startMode;
  const activeFilters = [view.host, view.status, view.startMode].filter(Boolean).length;
  return (
    <div class="page instances">
      <PageHeader title={t("navInstances")}
                  subtitle={list.data ? t("instancesCount", { n: all.length, running: all.filter((i) => i.status === "running").length }) : null}>
        <button type="button" class="ghost" onClick={list.reload} disabled={list.loading}>{t("refresh")}</button>
        <button type="button" class="primary" onClick={() => setWizard(true)} id="new-instance">{t("newInstance")}</button>
      </PageHeader>

      <div class="filters" role="search" aria-label={t("searchAndFilter")}>
        <div class="field grow">
          <label for="instance-search">{t("search")}</label>
          <input id="instance-search" ref={searchRef} type="search" value={view.q} placeholder={t("instanceSearchPlaceholder")}
                 onInput={(e) => set({ q: e.currentTarget.value })} autocomplete="off" />
        </div>
        <button type="button" class="ghost filters-toggle" aria-expanded={filtersOpen ? "true" : "false"}
                aria-controls="instance-filters" onClick={() => setFiltersOpen(!filtersOpen)}>
          {activeFilters ? t("filtersSet", { n: activeFilters }) : t("filters")}
        </button>
        <div id="instance-filters" class={"filter-fields" + (filtersOpen ? " shown" : "")}>
        <FilterSelect id="filter-host" label={t("host")} value={view.host} onChange={(v) => set({ host: v })}
                      options={hosts.map((h) => [h, h])} />
        <FilterSelect id="filter-status" label={t("status")} value={view.status} onChange={(v) => set({ status: v })}
                      options={[...STATUSES.map((s) => [s, t("status_" + s)]), ["frozen", t("frozen")], ["safeMode", t("safeModeOn")]]} />
        <FilterSelect id="filter-mode" label={t("startMode")} value={view.startMode} onChange={(v) => set({ startMode: v })}
                      options={START_MODES.map((m) => [m, t("mode_" + m)])} />
        {filtersSet && (
          <button type="button" class="link clear-filters" onClick={() => set({ q: "", host: "", status: "", startMode: "" })}>
            {t("clearFilters")}
          </button>
        )}
        </div>
      </div>

      <ActionBar selection={selection} filtered={filtered} onAsk={ask} busy={inFlight > 0}
                 onSelectAll={() => setSelected(new Set(filtered.map((i) => i.instanceID)))}
                 onClear={() => setSelected(new Set())} />

      {outcome && (outcome.kind === "error"
        ? <div class="outcome"><ErrorNote error={{ message: outcome.text }} /></div>
        : <div class="outcome"><Notice kind={outcome.kind} onDismiss={() => setOutcome(null)}>
            {outcome.text}
            {outcome.lines && outcome.lines.length > 0 && <ul class="lines">{outcome.lines.map((l, i) => <li key={i}>{l}</li>)}</ul>}
          </Notice></div>)}
      <ErrorNote error={list.error} />

      {list.loading && !list.data ? <Loading /> : list.data && (
        all.length === 0 ? (
          <div class="empty">
            <p class="empty-title">{t("noInstancesYet")}</p>
            <p class="muted">{t("noInstancesHint")}</p>
            <button type="button" class="primary" onClick={() => setWizard(true)}>{t("newInstance")}</button>
          </div>
        ) : filtered.length === 0 ? (
          <div class="empty">
            <p class="empty-title">{t("noInstanceMatches")}</p>
            <button type="button" class="ghost" onClick={() => set({ q: "", host: "", status: "", startMode: "" })}>{t("clearFilters")}</button>
          </div>
        ) : (
          <>
            <div class="table-wrap">
              <table class="table instances-table" aria-label={t("navInstances")} aria-busy={list.loading ? "true" : undefined}>
                <thead>
                  <tr>
                    <th scope="col" class="col-check">
                      <PageCheckbox checked={pageAllSelected} mixed={!pageAllSelected && pageSomeSelected}
                                    onChange={togglePage} label={t("selectPage")} />
                    </th>
                    <SortHeader view={view} setView={setView} column="instanceID" label={t("instance")} />
                    <SortHeader view={view} setView={setView} column="instanceHost" label={t("host")} />
                    <SortHeader view={view} setView={setView} column="status" label={t("status")} />
                    <SortHeader view={view} setView={setView} column="startMode" label={t("startMode")} />
                    <th scope="col" class="col-pid">{t("processId")}</th>
                    <th scope="col" class="col-row-action"><span class="sr-only">{t("actions")}</span></th>
                  </tr>
                </thead>
                <tbody>
                  {shown.items.map((i) => (
                    <InstanceRow key={i.instanceID} instance={i} checked={selected.has(i.instanceID)}
                                 onCheck={(on) => toggle(i.instanceID, on)} onAsk={ask} />
                  ))}
                </tbody>
              </table>
            </div>
            <Pager shown={shown} size={view.size} onPage={(p) => setView((v) => ({ ...v, page: p }))}
                   onSize={(s) => set({ size: s })} />
          </>
        )
      )}

      {confirm && (
        <ConfirmDialog title={t("confirmTitle_" + confirm.action, { n: confirm.targets.length })}
                       confirmLabel={t("action_" + confirm.action)} danger={confirm.action === "remove" || confirm.action === "stop"}
                       onClose={() => setConfirm(null)}
                       onConfirm={async () => { const c = confirm; setConfirm(null); perform(c.action, c.targets); }}>
          <p>{t("confirmText_" + confirm.action, { n: confirm.targets.length })}</p>
          <ul class="confirm-list">
            {confirm.targets.slice(0, 8).map((i) => <li key={i.instanceID}><strong>{i.instanceID}</strong>
              {i.displayName ? <span class="muted"> · {i.displayName}</span> : null}</li>)}
            {confirm.targets.length > 8 && <li class="muted">{t("andMore", { n: confirm.targets.length - 8 })}</li>}
          </ul>
          {confirm.targets.length < selection.length && confirm.targets.length > 0 && (
            <p class="muted">{t("skippedOthers", { n: selection.length - confirm.targets.length })}</p>
          )}
        </ConfirmDialog>
      )}

      {wizard && (
        <CreateInstanceWizard existing={all} onClose={() => setWizard(false)}
                              onCreated={(id) => {
                                setWizard(false);
                                setOutcome({ kind: "ok", text: t("instanceCreated", { id }) });
                                setView((v) => ({ ...v, q: id, host: "", status: "", startMode: "", page: 1 }));
                                setSelected(new Set([id]));
                                list.reload();
                              }} />
      )}
    </div>
  );
}

function FilterSelect({ id, label, value, onChange, options }) {
  const { t } = useApp();
  return (
    <div class="field">
      <label for={id}>{label}</label>
      <select id={id} value={value} onChange={(e) => onChange(e.currentTarget.value)}>
        <option value="">{t("all")}</option>
        {options.map(([v, text]) => <option key={v} value={v}>{text}</option>)}
      </select>
    </div>
  );
}

function PageCheckbox({ checked, mixed, onChange, label }) {
  const ref = useRef(null);
  useEffect(() => { if (ref.current) ref.current.indeterminate = !!mixed; }, [mixed]);
  return <input ref={ref} type="checkbox" checked={checked} aria-label={label}
                onChange={(e) => onChange(e.currentTarget.checked)} />;
}


export function StatusCell({ instance }) {
  const { t } = useApp();
  const s = STATUSES.includes(instance.status) ? instance.status : "error";
  return (
    <div class="status-cell">
      <Badge kind={s}>{t("status_" + s)}</Badge>
      {instance.safeMode && <Badge kind="safeMode">{t("safeModeOn")}</Badge>}
      {instance.frozen && <Badge kind="frozen">{t("frozen")}</Badge>}
      {instance.startStopError && <p class="cell-error">{instance.startStopError}</p>}
    </div>
  );
}

function InstanceRow({ instance: i, checked, onCheck, onAsk }) {
  const { t } = useApp();
  const canStart = targetsOf("start", [i]).length > 0;
  const canStop = targetsOf("stop", [i]).length > 0;
  return (
    <tr class={checked ? "selected" : ""}>
      <td class="col-check">
        <input type="checkbox" checked={checked} onChange={(e) => onCheck(e.currentTarget.checked)}
               aria-label={t("selectInstance", { id: i.instanceID })} />
      </td>
      <td class="col-instanceID" data-label={t("instance")}>
        <a class="iid" href={formatHash("instances", i.instanceID)}>{i.instanceID}</a>
        {i.alias && <span class="alias"> ({i.alias})</span>}
        {i.displayName && <span class="display-name">{i.displayName}</span>}
      </td>
      <td class="col-instanceHost" data-label={t("host")}>{i.instanceHost}</td>
      <td class="col-status" data-label={t("status")}><StatusCell instance={i} /></td>
      <td class="col-startMode" data-label={t("startMode")}>{t("mode_" + (START_MODES.includes(i.startMode) ? i.startMode : "manual"))}</td>
      <td class="col-pid" data-label={t("processId")}>{i.processID ?? <span class="muted">—</span>}</td>
      <td class="col-row-action">
        {canStart && <button type="button" class="ghost small" onClick={() => onAsk("start", [i])}
                             aria-label={t("startInstance", { id: i.instanceID })}>{t("action_start")}</button>}
        {canStop && <button type="button" class="ghost small" onClick={() => onAsk("stop", [i])}
                            aria-label={t("stopInstance", { id: i.instanceID })}>{t("action_stop")}</button>}
      </td>
    </tr>
  );
}

function ActionBar({ selection, filtered, onAsk, onSelectAll, onClear, busy }) {
  const { t } = useApp();
  const n = selection.length;
  return (
    <div class={"action-bar" + (n ? " has-selection" : "")} role="group" aria-label={t("actionsOnSelection")}>
      <span class="selected-count" aria-live="polite">{n ? t("selectedCount", { n }) : t("noneSelected")}</span>
      {n < filtered.length && (
        <button type="button" class="link" onClick={onSelectAll}>{t("selectAllMatching", { n: filtered.length })}</button>
      )}
      {n > 0 && <button type="button" class="link" onClick={onClear}>{t("clearSelection")}</button>}
      <span class="spacer"></span>
      <div class="actions">
        {ACTIONS.map((a) => {
          const targets = targetsOf(a, selection);
          return (
            <button key={a} type="button" id={"action-" + a} class={a === "remove" ? "ghost danger-text" : "ghost"}
                    disabled={!targets.length} onClick={() => onAsk(a, targets)}
                    title={targets.length && targets.length < n ? t("appliesTo", { n: targets.length }) : undefined}>
              {t("action_" + a)}{targets.length && targets.length < n ? ` (${targets.length})` : ""}
            </button>
          );
        })}
      </div>
      {busy && <span class="spinner small" role="img" aria-label={t("working")}></span>}
    </div>
  );
}


