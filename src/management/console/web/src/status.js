// The Dashboard's reading of GetServiceStatus ({environmentInfo,
// serverInfos, messages}; docs/api.md): the health tree (Management Server
// -> Instance Hosts with running/total instances, Client Access Servers),
// the counts of the summary, and the messages, most severe first.

const RANK = { error: 0, warning: 1, information: 2 };

/**
 * The messages in groups: a message and the sub-items after it (isSubItem),
 * groups ordered errors, warnings, information; the server's order otherwise.
 */
export function groupMessages(messages = []) {
  const groups = [];
  for (const m of Array.isArray(messages) ? messages : []) {
    if (!m || typeof m !== "object") continue;
    if (m.isSubItem && groups.length) groups[groups.length - 1].items.push(m);
    else groups.push({ head: m, items: [] });
  }
  const rank = (g) => RANK[g.head.type] ?? 3;
  return groups.map((g, i) => [g, i]).sort(([a, ia], [b, ib]) => rank(a) - rank(b) || ia - ib).map(([g]) => g);
}

/** {root, hosts, accessServers}: the Management Server and the roles paired with it. */
export function healthTree(serverInfos = []) {
  const list = Array.isArray(serverInfos) ? serverInfos : [];
  return {
    root: list.find((s) => s.serverType === "managementServer") || null,
    hosts: list.filter((s) => s.serverType === "instanceHost"),
    accessServers: list.filter((s) => s.serverType === "clientAccessServer"),
  };
}

/** The counts of the summary tiles. */
export function summary(status) {
  const { hosts, accessServers } = healthTree(status && status.serverInfos);
  const messages = (status && Array.isArray(status.messages) ? status.messages : []).filter((m) => !m.isSubItem);
  const sum = (key) => hosts.reduce((n, h) => n + (Number.isFinite(h[key]) ? h[key] : 0), 0);
  return {
    instances: sum("numberOfInstances"),
    runningInstances: sum("numberOfRunningInstances"),
    hosts: hosts.length,
    activeHosts: hosts.filter((h) => h.active).length,
    accessServers: accessServers.length,
    activeAccessServers: accessServers.filter((h) => h.active).length,
    errors: messages.filter((m) => m.type === "error").length,
    warnings: messages.filter((m) => m.type === "warning").length,
  };
}
