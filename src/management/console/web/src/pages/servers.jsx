// Infrastructure → Instance Hosts and Client Access Servers: the registered
// roles (GetInstanceHosts / GetClientAccessServers withServiceStatus), with
// Add (PairWithManagementServer, which proves the connection first, or
// Create… to register a role that is not installed yet), Edit
// (Set…Configuration: port, thumbprint, an Instance Host's base directory)
// and Delete (Delete…, after asking); an Instance Host's Directories open the
// folder browser (folderpicker.jsx).
import { useState } from "preact/hooks";
import { normalizeThumbprint, portProblem, serverNameProblem, thumbprintProblem } from "../validate.js";
import { focusFirstProblem, Badge, ConfirmDialog, Dialog, ErrorNote, Loading, Notice, PageHeader, Thumbprint, useApp, useCall,
         useLoad } from "../ui.jsx";
import { TextField } from "./wizard.jsx";
import { FolderPicker } from "../folderpicker.jsx";

const KINDS = {
  instanceHost: { noun: "InstanceHost", list: "GetInstanceHosts", title: "navInstanceHosts", port: 8472,
                  one: "instanceHostOne", empty: "noInstanceHosts" },
  clientAccessServer: { noun: "ClientAccessServer", list: "GetClientAccessServers", title: "navClientAccessServers",
                        port: 8473, one: "accessServerOne", empty: "noAccessServers" },
};

export function Servers({ kind }) {
  const { t, hasFn } = useApp();
  const k = KINDS[kind];
  const call = useCall();
  const isHost = kind === "instanceHost";
  const list = useLoad(() => call(k.list, isHost ? {} : { withServiceStatus: true }), [kind]);
  // Instance Hosts' reachability and instance counts come from GetServiceStatus.
  const status = useLoad(() => (isHost ? call("GetServiceStatus") : Promise.resolve(null)), [kind]);
  const [dialog, setDialog] = useState(null);  // {type: "add"|"edit"|"delete", server}
  const [notice, setNotice] = useState(null);
  const done = (text) => { setDialog(null); setNotice(text); list.reload(); status.reload(); };

  const infoOf = (s) => {
    if (!isHost) return s.serviceStatus ? { active: s.serviceStatus.active, message: s.serviceStatus.message } : null;
    const info = status.data && (status.data.serverInfos || []).find((x) => x.serverType === "instanceHost" && x.serverName === s.serverName);
    return info ? { active: info.active, running: info.numberOfRunningInstances, total: info.numberOfInstances } : null;
  };
  const servers = list.data || [];
  const canAdd = hasFn("PairWithManagementServer") || hasFn("Create" + k.noun);

  return (
    <div class={"page servers " + kind}>
      <PageHeader title={t(k.title)} subtitle={list.data ? t("registeredCount", { n: servers.length }) : null}>
        <button type="button" class="ghost" onClick={() => { list.reload(); status.reload(); }} disabled={list.loading}>{t("refresh")}</button>
        {canAdd && <button type="button" class="primary" id="add-server" onClick={() => setDialog({ type: "add" })}>{t("add_" + kind)}</button>}
      </PageHeader>
      <Notice onDismiss={() => setNotice(null)}>{notice}</Notice>
      <ErrorNote error={list.error} />
      {list.loading && !list.data ? <Loading /> : list.data && (servers.length === 0 ? (
        <div class="empty"><p class="empty-title">{t(k.empty)}</p><p class="muted">{t("pairHint_" + kind)}</p></div>
      ) : (
        <div class="table-wrap">
          <table class="table" aria-label={t(k.title)}>
            <thead>
              <tr>
                <th scope="col">{t("serverName")}</th>
                <th scope="col">{t("port")}</th>
                <th scope="col">{t("thumbprint")}</th>
                {isHost && <th scope="col">{t("baseDirectory")}</th>}
                <th scope="col">{t("status")}</th>
                <th scope="col"><span class="sr-only">{t("actions")}</span></th>
              </tr>
            </thead>
            <tbody>
              {servers.map((s) => {
                const info = infoOf(s);
                return (
                  <tr key={s.serverName}>
                    <td data-label={t("serverName")}><strong>{s.serverName}</strong></td>
                    <td data-label={t("port")}>{s.port}</td>
                    <td data-label={t("thumbprint")}><Thumbprint value={s.serverCertificate && s.serverCertificate.thumbprint} /></td>
                    {isHost && <td data-label={t("baseDirectory")}>{s.baseDirectory ? <code>{s.baseDirectory}</code>
                      : <span class="muted">{t("baseDirectoryOfHost")}</span>}</td>}
                    <td data-label={t("status")}>
                      {info ? (
                        <>
                          <Badge kind={info.active ? "active" : "unreachable"}>{info.active ? t("reachable") : t("unreachable")}</Badge>
                          {isHost && info.active && Number.isFinite(info.total) &&
                            <span class="muted small"> {t("instancesRunningOf", { running: info.running ?? 0, total: info.total })}</span>}
                          {info.message && <p class="cell-error">{info.message}</p>}
                        </>
                      ) : status.loading ? <span class="muted">…</span> : <span class="muted">—</span>}
                    </td>
                    <td class="row-actions">
                      {isHost && hasFn("GetDirectoriesOnInstanceHost") &&
                        <button type="button" class="ghost small" onClick={() => setDialog({ type: "dirs", server: s })}
                                aria-label={t("fpDirectoriesOf", { name: s.serverName })}>{t("fpDirectories")}</button>}
                      {hasFn("Set" + k.noun + "Configuration") &&
                        <button type="button" class="ghost small" onClick={() => setDialog({ type: "edit", server: s })}
                                aria-label={t("editNamed", { name: s.serverName })}>{t("edit")}</button>}
                      {hasFn("Delete" + k.noun) &&
                        <button type="button" class="ghost small danger-text" onClick={() => setDialog({ type: "delete", server: s })}
                                aria-label={t("deleteNamed", { name: s.serverName })}>{t("delete")}</button>}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      ))}

      {dialog && dialog.type === "dirs" && <FolderPicker serverName={dialog.server.serverName}
        base={dialog.server.baseDirectory} onClose={() => setDialog(null)} />}
      {dialog && dialog.type === "add" && <AddServer kind={kind} onClose={() => setDialog(null)}
        onDone={(name) => done(t("serverAdded", { name }))} />}
      {dialog && dialog.type === "edit" && <EditServer kind={kind} server={dialog.server} onClose={() => setDialog(null)}
        onDone={(name) => done(t("serverSaved", { name }))} />}
      {dialog && dialog.type === "delete" && (
        <ConfirmDialog title={t("deleteServerTitle", { name: dialog.server.serverName })} confirmLabel={t("delete")} danger
                       onClose={() => setDialog(null)}
                       onConfirm={async () => {
                         await call("Delete" + k.noun, { serverName: dialog.server.serverName });
                         done(t("serverDeleted", { name: dialog.server.serverName }));
                       }}>
          <p>{t("deleteServerText_" + kind)}</p>
        </ConfirmDialog>
      )}
    </div>
  );
}

function AddServer({ kind, onClose, onDone }) {
  const { t, hasFn } = useApp();
  const call = useCall();
  const k = KINDS[kind];
  const [v, setV] = useState({ serverName: "", port: String(k.port), thumbprint: "", pair: hasFn("PairWithManagementServer") });
  const [touched, setTouched] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  const problems = { serverName: serverNameProblem(v.serverName), port: portProblem(v.port), thumbprint: thumbprintProblem(v.thumbprint) };
  const submit = async (e) => {
    e.preventDefault();
    setTouched(true);
    if (Object.values(problems).some(Boolean)) { focusFirstProblem(e.currentTarget); return; }
    setBusy(true);
    setError(null);
    try {
      if (v.pair) {
        await call("PairWithManagementServer", { serverType: kind, serverName: v.serverName, port: v.port,
                                                 thumbprint: normalizeThumbprint(v.thumbprint) });
      } else {
        await call("Create" + k.noun, { config: { serverName: v.serverName, port: Number(v.port),
                                                  serverCertificate: { thumbprint: normalizeThumbprint(v.thumbprint) } } });
      }
      onDone(v.serverName);
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };
  const p = (name) => (touched && problems[name] ? t(problems[name]) : null);
  return (
    <Dialog title={t("add_" + kind)} onClose={busy ? null : onClose}>
      <form onSubmit={submit} noValidate>
        <TextField id="srv-name" label={t("serverName")} value={v.serverName} autoFocus
                   onInput={(x) => setV({ ...v, serverName: x })} problem={p("serverName")} hint={t("serverNameHint")} />
        <TextField id="srv-port" label={t("port")} value={v.port} onInput={(x) => setV({ ...v, port: x })} problem={p("port")} />
        <TextField id="srv-thumb" label={t("thumbprint")} value={v.thumbprint} mono
                   onInput={(x) => setV({ ...v, thumbprint: x })} problem={p("thumbprint")} hint={t("thumbprintHint")} />
        {hasFn("PairWithManagementServer") && hasFn("Create" + k.noun) && (
          <div class="field check-field">
            <input id="srv-pair" type="checkbox" checked={v.pair} onChange={(e) => setV({ ...v, pair: e.currentTarget.checked })} />
            <label for="srv-pair">{t("pairNow")}</label>
          </div>
        )}
        <p class="hint">{v.pair ? t("pairNowHint") : t("registerOnlyHint")}</p>
        <ErrorNote error={error} />
        <div class="dialog-actions">
          <button type="button" class="ghost" onClick={onClose} disabled={busy}>{t("cancel")}</button>
          <button type="submit" class="primary" disabled={busy}>{busy ? t("working") : v.pair ? t("pair") : t("register")}</button>
        </div>
      </form>
    </Dialog>
  );
}

function EditServer({ kind, server, onClose, onDone }) {
  const { t } = useApp();
  const call = useCall();
  const k = KINDS[kind];
  const isHost = kind === "instanceHost";
  const [v, setV] = useState({ port: String(server.port), thumbprint: (server.serverCertificate || {}).thumbprint || "",
                               baseDirectory: server.baseDirectory || "" });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  const problems = { port: portProblem(v.port), thumbprint: thumbprintProblem(v.thumbprint),
                     baseDirectory: v.baseDirectory && !v.baseDirectory.startsWith("/") ? "baseDirectoryMustBeAbsolute" : null };
  const submit = async (e) => {
    e.preventDefault();
    if (Object.values(problems).some(Boolean)) { focusFirstProblem(e.currentTarget); return; }
    setBusy(true);
    setError(null);
    const config = { serverName: server.serverName, port: Number(v.port),
                     serverCertificate: { thumbprint: normalizeThumbprint(v.thumbprint) } };
    if (isHost) config.baseDirectory = v.baseDirectory;
    try {
      await call("Set" + k.noun + "Configuration", { config });
      onDone(server.serverName);
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };
  const p = (name) => (problems[name] ? t(problems[name]) : null);
  return (
    <Dialog title={t("editNamed", { name: server.serverName })} onClose={busy ? null : onClose}>
      <form onSubmit={submit} noValidate>
        <TextField id="srv-port" label={t("port")} value={v.port} autoFocus onInput={(x) => setV({ ...v, port: x })} problem={p("port")} />
        <TextField id="srv-thumb" label={t("thumbprint")} value={v.thumbprint} mono
                   onInput={(x) => setV({ ...v, thumbprint: x })} problem={p("thumbprint")} hint={t("thumbprintHint")} />
        {isHost && <TextField id="srv-base" label={t("baseDirectoryOptional")} value={v.baseDirectory} mono
                              onInput={(x) => setV({ ...v, baseDirectory: x })} problem={p("baseDirectory")}
                              hint={t("hostBaseDirectoryHint")} />}
        <ErrorNote error={error} />
        <div class="dialog-actions">
          <button type="button" class="ghost" onClick={onClose} disabled={busy}>{t("cancel")}</button>
          <button type="submit" class="primary" disabled={busy}>{busy ? t("working") : t("save")}</button>
        </div>
      </form>
    </Dialog>
  );
}
