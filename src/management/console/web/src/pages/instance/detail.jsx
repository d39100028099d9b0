// An instance's own page (#/instances/<id>?tab=...): its name, status and
// host above one tab per area (WAI-ARIA tabs: arrow keys move between
// them). Each tab is its own file under pages/instance/ and gets the
// instance as GetInstances lists it and reload() to fetch it again.
import { useEffect, useRef } from "preact/hooks";
import { formatHash } from "../../router.js";
import { ErrorNote, Loading, PageHeader, useApp, useCall, useLoad } from "../../ui.jsx";
import { StatusCell } from "../instances.jsx";
import { OverviewTab } from "./overview.jsx";
import { UsersTab } from "./users.jsx";
import { DirectoryTab } from "./directory.jsx";
import { FoldersTab } from "./folders.jsx";
import { StoresTab } from "./stores.jsx";
import { IndexesTab } from "./indexes.jsx";
import { ArchivingTab } from "./archiving.jsx";
import { ExportTab } from "./export.jsx";
import { AccessTab } from "./access.jsx";
import { LiveTab } from "./live.jsx";
import { JobsTab } from "./jobs.jsx";
import { EmailTab } from "./email.jsx";
import { ComplianceTab } from "./compliance.jsx";

export const TABS = [
  ["overview", "tabOverview", OverviewTab],
  ["users", "tabUsers", UsersTab],
  ["directory", "tabDirectory", DirectoryTab],
  ["folders", "tabFolders", FoldersTab],
  ["stores", "tabStores", StoresTab],
  ["indexes", "tabIndexes", IndexesTab],
  ["archiving", "tabArchiving", ArchivingTab],
  ["export", "tabExport", ExportTab],
  ["access", "tabAccess", AccessTab],
  ["jobs", "tabJobs", JobsTab],
  ["email", "tabEmail", EmailTab],
  ["compliance", "tabCompliance", ComplianceTab],
  ["live", "tabLive", LiveTab],
];

/** The tab a query names, else the first. */
export function tabOf(query) {
  return TABS.some(([name]) => name === query.tab) ? query.tab : TABS[0][0];
}

export function InstanceDetail({ id }) {
  const { t, route, navigate } = useApp();
  const call = useCall();
  const instance = useLoad(async () => {
    const list = await call("GetInstances", { instanceFilter: id });
    return (list || []).find((i) => i.instanceID === id) || null;
  }, [id]);
  const tab = tabOf(route.query);
  const tabRefs = useRef({});
  const choose = (name, focus) => {
    navigate("instances", id, { ...route.query, tab: name === TABS[0][0] ? "" : name });
    if (focus) tabRefs.current[name]?.focus();
  };
  const onKey = (e) => {
    const i = TABS.findIndex(([name]) => name === tab);
    const to = { ArrowRight: i + 1, ArrowLeft: i - 1, Home: 0, End: TABS.length - 1 }[e.key];
    if (to === undefined) return;
    e.preventDefault();
    choose(TABS[(to + TABS.length) % TABS.length][0], true);
  };
  useEffect(() => { document.title = `${id} · ${t("productName")}`; }, [id, t]);

  const data = instance.data;
  const [, label, Tab] = TABS.find(([name]) => name === tab);
  return (
    <div class="page instance-detail">
      <nav class="breadcrumb" aria-label={t("breadcrumb")}>
        <a href={formatHash("instances")}>{t("navInstances")}</a>
        <span aria-hidden="true"> / </span><span aria-current="page">{id}</span>
      </nav>
      <PageHeader title={id} subtitle={data ? data.instanceHost : null}>
        {data && <StatusCell instance={data} />}
        <button type="button" class="ghost" onClick={instance.reload} disabled={instance.loading}>{t("refresh")}</button>
      </PageHeader>
      <ErrorNote error={instance.error} />
      {instance.loading && !data && <Loading />}
      {!instance.loading && !instance.error && !data && <p class="empty">{t("instanceNotFound", { id })}</p>}
      {data && (
        <>
          <div class="tabs" role="tablist" aria-label={t("instanceAreas")} onKeyDown={onKey}>
            {TABS.map(([name, key]) => (
              <button type="button" role="tab" id={"tab-" + name} key={name} ref={(el) => { tabRefs.current[name] = el; }}
                      aria-selected={tab === name} aria-controls={"panel-" + name} tabIndex={tab === name ? 0 : -1}
                      class={"tab" + (tab === name ? " active" : "")} onClick={() => choose(name, false)}>
                {t(key)}
              </button>
            ))}
          </div>
          <section class="tab-panel" role="tabpanel" id={"panel-" + tab} aria-labelledby={"tab-" + tab} aria-label={t(label)}>
            <Tab key={id + tab} id={id} instance={data} reload={instance.reload} />
          </section>
        </>
      )}
    </div>
  );
}
