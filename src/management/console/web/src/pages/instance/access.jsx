// An instance's Archive Access tab: service provider archive access on or
// off (GetArchiveAdminEnabled / SetArchiveAdminEnabled, asked first: the
// change is written to the instance's audit log), Web Access opened in a
// new browser tab as $archiveadmin through a one-time URL
// (CreateClientOneTimeUrlForArchiveAdmin, only when the server has it), and
// the addresses end users use (one per Client Access Server, from
// GetClientAccessServers with the CAS's own word on where its Web Access is).
import "./access.css";
import { useState } from "preact/hooks";
import { endUserUrls, isOneTimeUrl } from "../../instance_access.js";
import { Badge, ConfirmDialog, CopyButton, ErrorNote, Loading, useApp, useCall, useLoad } from "../../ui.jsx";

export function AccessTab({ id, instance }) {
  const { hasFn } = useApp();
  const call = useCall();
  const enabled = useLoad(() => call("GetArchiveAdminEnabled", { instanceID: id }), [id]);
  return (
    <div class="access">
      <ArchiveAdminPanel id={id} instance={instance} enabled={enabled} />
      {hasFn("CreateClientOneTimeUrlForArchiveAdmin") && (
        <OpenAsAdminPanel id={id} instance={instance} enabled={enabled.data === true} />
      )}
      <EndUserPanel instance={instance} />
    </div>
  );
}

function ArchiveAdminPanel({ id, instance, enabled }) {
  const { t } = useApp();
  const call = useCall();
  const [asking, setAsking] = useState(false);
  const on = enabled.data === true;
  const running = instance.status === "running";
  const change = async () => {
    await call("SetArchiveAdminEnabled", { instanceID: id, enabled: !on });
    setAsking(false);
    enabled.reload();
  };
  return (
    <section class="panel" aria-labelledby="acc-admin-title">
      <h2 id="acc-admin-title">{t("accAdminTitle")}</h2>
      <ErrorNote error={enabled.error} />
      {enabled.loading && enabled.data === null ? <Loading /> : enabled.data !== null && (
        <>
          <div class="acc-state">
            <span id="acc-state" data-enabled={on ? "true" : "false"}>
              <Badge kind={on ? "active" : "stopped"}>{on ? t("accOn") : t("accOff")}</Badge>
            </span>
            <p class="acc-state-text">{on ? t("accOnText") : t("accOffText")}</p>
            <button type="button" class={on ? "ghost danger-text" : "primary"} id="acc-toggle"
                    onClick={() => setAsking(true)} disabled={enabled.loading}>
              {on ? t("accTurnOff") : t("accTurnOn")}
            </button>
          </div>
          <p class="hint">{t("accAudit")}</p>
          <p class="hint">{t("accScope")}</p>
        </>
      )}
      {asking && (
        <ConfirmDialog title={on ? t("accTurnOffTitle", { id }) : t("accTurnOnTitle", { id })}
                       confirmLabel={on ? t("accTurnOff") : t("accTurnOn")} danger={on}
                       onClose={() => setAsking(false)} onConfirm={change}>
          <p>{on ? t("accTurnOffText") : t("accTurnOnText")}</p>
          <p>{t("accAuditConfirm")}</p>
          {!running && <p class="note warn">{t("accNotRunningAudit")}</p>}
        </ConfirmDialog>
      )}
    </section>
  );
}

function OpenAsAdminPanel({ id, instance, enabled }) {
  const { t } = useApp();
  const call = useCall();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  const [fallback, setFallback] = useState(null);   // the URL, when no tab could be opened
  const running = instance.status === "running";
  const why = !enabled ? t("accOpenNeedsAccess") : !running ? t("accOpenNeedsRunning") : null;

  const open = async () => {
    setError(null);
    setFallback(null);
    // The tab is opened now, while the click still counts as the user's (a
    // tab opened after the call would be blocked); it gets the URL after.
    const tab = window.open("", "_blank");
    if (tab) {
      try { tab.opener = null; } catch { /* not ours to change: it has no way back then anyway */ }
    }
    setBusy(true);
    try {
      const url = await call("CreateClientOneTimeUrlForArchiveAdmin", { instanceID: id });
      if (!isOneTimeUrl(url)) throw new Error(t("accBadUrl", { url: String(url).replace(/#.*/, "#…") }));
      if (tab && !tab.closed) tab.location.replace(url);
      else setFallback(url);
    } catch (e) {
      if (tab && !tab.closed) tab.close();
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="panel" aria-labelledby="acc-open-title">
      <h2 id="acc-open-title">{t("accOpenTitle")}</h2>
      <p class="acc-text">{t("accOpenText")}</p>
      <div class="form-actions">
        <button type="button" class="primary" id="acc-open" onClick={open} disabled={busy || !!why}
                aria-describedby={why ? "acc-open-why" : undefined}>
          {busy ? t("working") : t("accOpenButton")}
        </button>
        {why && <span class="muted small" id="acc-open-why">{why}</span>}
      </div>
      <ErrorNote error={error} />
      {fallback && (
        <p class="note">
          <span class="note-text">
            {t("accOpenBlocked")}{" "}
            <a href={fallback} target="_blank" rel="noopener noreferrer" id="acc-open-link"
               onClick={() => setFallback(null)}>{t("accOpenLink")}</a>
          </span>
        </p>
      )}
      <p class="hint">{t("accOpenAudit")}</p>
    </section>
  );
}

function EndUserPanel({ instance }) {
  const { t } = useApp();
  const call = useCall();
  const servers = useLoad(() => call("GetClientAccessServers", { withServiceStatus: true }), []);
  const urls = endUserUrls(servers.data, instance);
  return (
    <section class="panel" aria-labelledby="acc-url-title" aria-busy={servers.loading ? "true" : undefined}>
      <div class="acc-panel-head">
        <h2 id="acc-url-title">{t("accUrlTitle")}</h2>
        <button type="button" class="ghost small" onClick={servers.reload} disabled={servers.loading}>{t("refresh")}</button>
      </div>
      <p class="acc-text">{t("accUrlText")}</p>
      <ErrorNote error={servers.error} />
      {servers.loading && !servers.data ? <Loading /> : servers.data && (
        urls.length === 0 ? <p class="note warn">{t("accNoCas")}</p> : (
          <ul class="acc-urls">
            {urls.map((u) => (
              <li key={u.server} class="acc-url">
                <p class="acc-url-server">{t("accViaCas", { server: u.server })}
                  {u.active === false && <> <Badge kind="unreachable">{t("accCasDown")}</Badge></>}
                </p>
                <UrlLine url={u.url} label={t("accUrlById")} />
                {u.aliasUrl && <UrlLine url={u.aliasUrl} label={t("accUrlByAlias")} />}
                {!u.confirmed && <p class="hint">{t("accUrlGuessed")}</p>}
              </li>
            ))}
          </ul>
        )
      )}
    </section>
  );
}

function UrlLine({ url, label }) {
  const { t } = useApp();
  return (
    <div class="acc-url-line">
      <span class="acc-url-label">{label}</span>
      <code class="acc-url-text end-user-url">{url}</code>
      <span class="acc-url-actions">
        <CopyButton text={url} label={t("accCopyUrl", { url })} />
        <a class="ghost small acc-url-open" href={url} target="_blank" rel="noopener noreferrer"
           aria-label={t("accOpenUrl", { url })}>{t("accOpen")}</a>
      </span>
    </div>
  );
}
