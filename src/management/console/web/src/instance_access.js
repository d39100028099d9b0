// An instance's Archive Access, free of the DOM: the addresses where its
// end users reach Web Access (https://<CAS>/<instance ID or alias>, one per
// Client Access Server). GetClientAccessServers with withServiceStatus asks
// every CAS; a CAS that answers says where its Web Access is
// (serviceStatus.webAccess: {hostName, port}), which can differ from the
// name it is registered under; for one that does not answer, its
// registered name is the best guess (marked so).

/** The origin of a Web Access: https://host[:port] (443 left out; an IPv6 address in brackets). */
export function webAccessOrigin(hostName, port = 443) {
  const host = hostName.includes(":") && !hostName.startsWith("[") ? `[${hostName}]` : hostName;
  return `https://${host}${port && port !== 443 ? ":" + port : ""}`;
}

/**
 * One entry per Client Access Server: {server, url, aliasUrl (null without
 * an alias), confirmed (the CAS said where its Web Access is), active}.
 */
export function endUserUrls(servers, instance) {
  if (!Array.isArray(servers) || !instance) return [];
  return servers
    .filter((s) => s && typeof s.serverName === "string" && s.serverName)
    .map((s) => {
      const status = s.serviceStatus || null;
      const web = status && status.webAccess && typeof status.webAccess.hostName === "string" && status.webAccess.hostName
        ? status.webAccess : null;
      const origin = web ? webAccessOrigin(web.hostName, Number(web.port) || 443) : webAccessOrigin(s.serverName);
      return {
        server: s.serverName,
        url: `${origin}/${encodeURIComponent(instance.instanceID)}`,
        aliasUrl: instance.alias ? `${origin}/${encodeURIComponent(instance.alias)}` : null,
        confirmed: !!web,
        active: status ? status.active === true : null,
      };
    });
}

/** Whether `url` is a one-time URL for this Web Access address (its base, then /#archiveadmin=). */
export function isOneTimeUrl(url, base) {
  return typeof url === "string" && url.startsWith("https://") && /\/#archiveadmin=[0-9a-f]+$/.test(url) &&
         (!base || url.startsWith(base.replace(/\/+$/, "") + "/#"));
}
