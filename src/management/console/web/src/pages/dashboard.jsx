// Dashboard: the service health tree and summary from GetServiceStatus,
// the version and system from GetEnvironmentInfo, the messages (errors
// and warnings first), and the charts (dashboard_charts.jsx): messages
// archived per day and storage over 30 days, instance processes live.
import { useState } from "preact/hooks";
import { groupMessages, healthTree, summary } from "../status.js";
import { ProcessCharts, TrendCharts } from "./dashboard_charts.jsx";
import { Badge, ErrorNote, Loading, PageHeader, useApp, useCall, useLoad } from "../ui.jsx";

export function Dashboard() {
  const { t, fmt } = useApp();
  const call = useCall();
  const [loadedAt, setLoadedAt] = useState(null);
  const env = useLoad(() => call("GetEnvironmentInfo"), []);
  const status = useLoad(async () => {
    const s = await call("GetServiceStatus");
    setLoadedAt(new Date());
    return s;
  }, []);
  const [round, setRound] = useState(0);  // Refresh asks for the charts' figures again too
  const refresh = () => { env.reload(); status.reload(); setRound((n) => n + 1); };
  const s = status.data;
  const counts = s ? summary(s) : null;

  return (
    <div class="page dashboard">
      <PageHeader title={t("navDashboard")}
                  subtitle={loadedAt ? t("updatedAt", { time: fmt.time(loadedAt) }) : null}>
        <button type="button" class="ghost" onClick={refresh} disabled={status.loading}>
          {status.loading && s ? t("refreshing") : t("refresh")}
        </button>
      </PageHeader>

      <ErrorNote error={status.error} />
      {counts && (
        <ul class="tiles" aria-label={t("summary")}>
          <Tile label={t("tileInstances")} value={t("xOfY", { x: fmt.number(counts.runningInstances), y: fmt.number(counts.instances) })}
                detail={counts.activeHosts < counts.hosts ? t("onReachableHosts") : t("running")} href="#/instances" />
          <Tile label={t("navInstanceHosts")} value={t("xOfY", { x: counts.activeHosts, y: counts.hosts })}
                detail={t("reachable")} href="#/instance-hosts" bad={counts.activeHosts < counts.hosts} />
          <Tile label={t("navClientAccessServers")} value={t("xOfY", { x: counts.activeAccessServers, y: counts.accessServers })}
                detail={t("reachable")} href="#/client-access-servers"
                bad={counts.activeAccessServers < counts.accessServers} />
          <Tile label={t("messages")} value={fmt.number(counts.errors + counts.warnings)}
                detail={`${t("errorCount", { n: counts.errors })} · ${t("warningCount", { n: counts.warnings })}`}
                bad={counts.errors > 0} warn={counts.warnings > 0} />
        </ul>
      )}

      <div class="dash-grid">
        <section class="panel health" aria-labelledby="health-title">
          <h2 id="health-title">{t("serviceHealth")}</h2>
          {status.loading && !s ? <Loading label={t("checkingServices")} /> : s && <HealthTree status={s} />}
        </section>

        <section class="panel" aria-labelledby="version-title">
          <h2 id="version-title">{t("versionAndSystem")}</h2>
          <ErrorNote error={env.error} />
          {env.loading && !env.data ? <Loading /> : env.data && <EnvironmentInfo info={env.data} />}
        </section>
      </div>

      <section class="panel" aria-labelledby="messages-title">
        <h2 id="messages-title">{t("messages")}</h2>
        {status.loading && !s ? <Loading /> : s && <Messages messages={s.messages} />}
      </section>

      <div class="dash-grid">
        <TrendCharts round={round} />
      </div>
      <ProcessCharts />
    </div>
  );
}

function Tile({ label, value, detail, href, bad, warn }) {
  const body = (
    <>
      <span class="tile-label">{label}</span>
      <span class="tile-value">{value}</span>
      <span class="tile-detail">{detail}</span>
    </>
  );
  return (
    <li class={"tile" + (bad ? " bad" : warn ? " warn" : "")}>
      {href ? <a href={href}>{body}</a> : <div>{body}</div>}
    </li>
  );
}

function HealthTree({ status }) {
  const { t } = useApp();
  const { root, hosts, accessServers } = healthTree(status.serverInfos);
  return (
    <ul class="tree">
      <li>
        <ServerNode server={root} type={t("managementServer")} />
        <ul>
          <li class="tree-group">
            <span class="tree-group-label">{t("navInstanceHosts")} <span class="muted">({hosts.length})</span></span>
            {hosts.length ? (
              <ul>{hosts.map((h) => <li key={"h" + h.serverName}><ServerNode server={h} instances /></li>)}</ul>
            ) : <p class="muted tree-empty">{t("noInstanceHosts")}</p>}
          </li>
          <li class="tree-group">
            <span class="tree-group-label">{t("navClientAccessServers")} <span class="muted">({accessServers.length})</span></span>
            {accessServers.length ? (
              <ul>{accessServers.map((c) => <li key={"c" + c.serverName}><ServerNode server={c} /></li>)}</ul>
            ) : <p class="muted tree-empty">{t("noAccessServers")}</p>}
          </li>
        </ul>
      </li>
    </ul>
  );
}

function ServerNode({ server, type, instances = false }) {
  const { t, fmt } = useApp();
  if (!server) return <span class="node">{type}</span>;
  const running = server.numberOfRunningInstances, total = server.numberOfInstances;
  const ratio = instances && Number.isFinite(total) && total > 0 ? running / total : null;
  return (
    <div class={"node" + (server.active ? "" : " down")}>
      <span class={"dot " + (server.active ? "ok" : "bad")} aria-hidden="true"></span>
      <span class="node-main">
        <span class="node-name">{server.serverName}<span class="muted">:{server.port}</span></span>
        {type && <span class="node-type">{type}</span>}
      </span>
      <Badge kind={server.active ? "active" : "unreachable"}>{server.active ? t("reachable") : t("unreachable")}</Badge>
      {instances && server.active && Number.isFinite(total) && (
        <span class="node-instances">
          <span class="meter" aria-hidden="true"><span class="meter-fill" ref={(el) => { if (el) el.style.width = `${Math.round((ratio ?? 0) * 100)}%`; }}></span></span>
          {t("instancesRunningOf", { running: fmt.number(running ?? 0), total: fmt.number(total) })}
        </span>
      )}
    </div>
  );
}

function EnvironmentInfo({ info }) {
  const { t, fmt } = useApp();
  const sys = info.systemProperties || {};
  const processors = Array.isArray(sys.processors) ? sys.processors : [];
  const rows = [
    [t("version"), info.version],
    [t("serverName"), info.serverName],
    [t("licensee"), info.licenseeName || "—"],
    [t("operatingSystem"), sys.operatingSystem],
    [t("processors"), processors.length ? `${processors.length} × ${processors[0]}` : "—"],
    [t("memory"), Number.isFinite(sys.totalPhysicalMemory) ? fmt.bytes(sys.totalPhysicalMemory) : "—"],
  ];
  return (
    <>
      <dl class="facts">
        {rows.map(([k, v]) => <div key={k}><dt>{k}</dt><dd>{v ?? "—"}</dd></div>)}
      </dl>
      {info.copyright && <p class="muted small">{info.copyright}</p>}
    </>
  );
}

const MESSAGE_TYPES = ["error", "warning", "information"];

function Messages({ messages }) {
  const { t } = useApp();
  const groups = groupMessages(messages);
  if (!groups.length) return <p class="empty-line"><span class="dot ok" aria-hidden="true"></span>{t("noMessages")}</p>;
  return (
    <ul class="messages">
      {groups.map((g, i) => (
        <li key={i} class={"message " + typeOf(g.head)}>
          <Badge kind={typeOf(g.head)}>{t("msg_" + typeOf(g.head))}</Badge>
          <div class="message-body">
            <p>{g.head.text}</p>
            {g.items.length > 0 && <ul class="sub">{g.items.map((m, k) => <li key={k}>{m.text}</li>)}</ul>}
          </div>
        </li>
      ))}
    </ul>
  );
}

function typeOf(m) {
  return MESSAGE_TYPES.includes(m.type) ? m.type : "information";
}
