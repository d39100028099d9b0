// An instance's Users tab: GetUsers as a table with search, sorting and
// paging (a page of rows is drawn, so 1,000 users stay quick), New user
// (CreateUser) and, per user, a side panel fed by GetUserInfo with one form
// per function: details (SetUserFullName, SetUserDistinguishedName,
// SetUserAuthentication), multi-factor login (InitializeMFA, DisableMFA,
// DeleteAppPasswords; users/mfa.jsx), privileges (SetUserPrivileges), login privileges
// (SetUserLoginPrivileges), e-mail addresses (SetUserEmailAddresses),
// POP3 user names (SetUserPop3UserNames),
// folder privileges on user archives picked from GetChildFolders
// (SetUserPrivilegesOnFolder, ClearUserPrivilegesOnFolders), password
// (SetUserPassword), rename (RenameUser) and delete (DeleteUser, after
// asking; the archive stays). Each form checks the instance's limits as
// typed (users.js) and shows the server's message in place when it refuses.
// The parts are in users/: the list (table.jsx), the New user dialog
// (create.jsx), the side panel (panel.jsx) and its forms.
import { useEffect, useState } from "preact/hooks";
import "./users.css";
import { ARCHIVE_ADMIN, sameName } from "../../users.js";
import { ConfirmDialog, ErrorNote, Loading, Notice, useApp, useCall, useLoad } from "../../ui.jsx";
import { CreateUserDialog } from "./users/create.jsx";
import { UserPanel } from "./users/panel.jsx";
import { UserTable } from "./users/table.jsx";

export function UsersTab({ id, instance, reload }) {
  const { t, hasFn } = useApp();
  const call = useCall();
  const running = instance.status === "running";
  // An instance between states is looked at again shortly; once it runs, the list loads.
  const moving = instance.status === "starting" || instance.status === "stopping";
  useEffect(() => {
    if (!moving || !reload) return undefined;
    const timer = setTimeout(reload, 2000);
    return () => clearTimeout(timer);
  }, [moving, instance]);
  const list = useLoad(() => (running ? call("GetUsers", { instanceID: id }) : Promise.resolve(null)), [id, running]);
  const [view, setView] = useState({ q: "", sort: "userName", dir: "asc", page: 1, size: 50 });
  const [editing, setEditing] = useState(null);     // the user name in the side panel
  const [dialog, setDialog] = useState(null);       // {type: "create"} | {type: "delete", userName}
  const [notice, setNotice] = useState(null);

  const users = list.data || [];
  const others = users.filter((u) => u.userName !== ARCHIVE_ADMIN).length;

  const remove = async (userName) => {
    await call("DeleteUser", { instanceID: id, userName });
    setDialog(null);
    if (editing && sameName(editing, userName)) setEditing(null);
    setNotice(t("usrDeleted", { name: userName }));
    list.reload();
  };

  return (
    <div class="users-tab">
      <div class="usr-head">
        <div class="usr-title">
          <h2>{t("tabUsers")}</h2>
          {list.data && <p class="subtitle">{t("usrCount", { n: others })}</p>}
        </div>
        <div class="page-actions">
          <button type="button" class="ghost" onClick={list.reload} disabled={list.loading || !running}>{t("refresh")}</button>
          {hasFn("CreateUser") && (
            <button type="button" class="primary" id="usr-new" disabled={!running || !list.data}
                    onClick={() => setDialog({ type: "create" })}>{t("usrNew")}</button>
          )}
        </div>
      </div>

      {!running && <Notice kind="info">{t("usrNotRunning")}</Notice>}
      <Notice onDismiss={() => setNotice(null)}>{notice}</Notice>
      <ErrorNote error={list.error} />

      {running && list.loading && !list.data && <Loading />}
      {list.data && (
        <UserTable users={users} view={view} setView={setView} busy={list.loading} onEdit={setEditing}
                   onDelete={(userName) => setDialog({ type: "delete", userName })} />
      )}

      {dialog && dialog.type === "create" && (
        <CreateUserDialog instanceId={id} users={users} onClose={() => setDialog(null)}
                          onCreated={(name) => {
                            setDialog(null);
                            setNotice(t("usrCreated", { name }));
                            list.reload();
                            if (hasFn("GetUserInfo")) setEditing(name);
                          }} />
      )}
      {editing && (
        <UserPanel key={editing} instanceId={id} userName={editing} users={users}
                   onClose={() => setEditing(null)} onChanged={list.reload}
                   onRenamed={(from, to) => { setNotice(t("usrRenamed", { from, to })); setEditing(to); list.reload(); }}
                   onAskDelete={() => setDialog({ type: "delete", userName: editing })} />
      )}
      {dialog && dialog.type === "delete" && (
        <ConfirmDialog title={t("usrDeleteTitle", { name: dialog.userName })} confirmLabel={t("usrDeleteConfirm")} danger
                       onClose={() => setDialog(null)} onConfirm={() => remove(dialog.userName)}>
          <p>{t("usrDeleteText", { name: dialog.userName })}</p>
          <p class="muted">{t("usrDeleteArchiveStays", { name: dialog.userName })}</p>
        </ConfirmDialog>
      )}
    </div>
  );
}
