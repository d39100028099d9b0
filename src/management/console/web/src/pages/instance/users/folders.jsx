// A user's privileges on other users' archives in the side panel: the
// granted archives with their boxes (SetUserPrivilegesOnFolder; none
// removes the grant), a grant added on an archive picked from
// GetChildFolders, and all grants removed (ClearUserPrivilegesOnFolders,
// after asking).
import { useState } from "preact/hooks";
import { FOLDER_PRIVILEGES, folderChoices, grantsOf, privilegeArg, sameChoice } from "../../../users.js";
import { ConfirmDialog, ErrorNote, useApp, useCall, useLoad } from "../../../ui.jsx";
import { Section, useSaving } from "./pieces.jsx";
import { folderTexts } from "./texts.js";

export function FoldersForm({ instanceId, userName, info, reload, users }) {
  const { t, hasFn } = useApp();
  const call = useCall();
  const texts = folderTexts(t);
  const grants = grantsOf(info);
  const folders = useLoad(() => (hasFn("GetChildFolders")
    ? call("GetChildFolders", { instanceID: instanceId, maxLevels: 1 })
    : Promise.resolve(users.map((u) => ({ folder: u.userName })))), [instanceId]);
  const choices = folderChoices(folders.data, users, grants);
  const [edits, setEdits] = useState({});            // folder -> privileges changed here, not yet saved
  const [fresh, setFresh] = useState({ folder: "", privileges: ["read"] });
  const [askClear, setAskClear] = useState(false);
  const rowSaving = useSaving();
  const addSaving = useSaving();
  const isAdmin = (info.privileges || []).includes("admin");
  const folder = fresh.folder && choices.includes(fresh.folder) ? fresh.folder : choices[0] || "";

  const setGrant = (f, privileges) => call("SetUserPrivilegesOnFolder", {
    instanceID: instanceId, userName, folder: f, privileges: privilegeArg(privileges, FOLDER_PRIVILEGES),
  });
  // A granted archive's row: its changed boxes saved, or the grant removed ('none'); one status line for the part.
  const changeRow = (f, privileges, doneText) => {
    addSaving.clear();
    return rowSaving.save(async () => {
      try {
        await setGrant(f, privileges);
        setEdits((o) => { const n = { ...o }; delete n[f]; return n; });
      } finally {
        reload();
      }
    }, doneText);
  };
  const saveRow = (f) => changeRow(f, edits[f], t("usrFolderSaved", { folder: f }));
  const removeRow = (f) => changeRow(f, [], t("usrFolderRemoved", { folder: f }));
  const addGrant = async (e) => {
    e.preventDefault();
    if (!folder) return;
    rowSaving.clear();
    const ok = await addSaving.save(async () => {
      try {
        await setGrant(folder, fresh.privileges);
      } finally {
        reload();
      }
    }, t("usrFolderSaved", { folder }));
    if (ok) setFresh({ folder: "", privileges: ["read"] });
  };
  const toggle = (f, current, name, on) => {
    rowSaving.clear();
    const next = on ? [...current.filter((x) => x !== name), name] : current.filter((x) => x !== name);
    setEdits((o) => ({ ...o, [f]: next }));
  };

  return (
    <Section id="usr-sec-folders" title={t("usrFolderPrivileges")} hint={t("usrFolderHint", { name: userName })}>
      {isAdmin && <p class="note">{t("usrFolderAdminNote")}</p>}
      {grants.length === 0 ? <p class="muted usr-no-grants">{t("usrNoGrants")}</p> : (
        <div class="table-wrap usr-grants-wrap">
          <table class="table usr-grants" aria-label={t("usrFolderPrivileges")}>
            <thead>
              <tr>
                <th scope="col">{t("usrFolder")}</th>
                {FOLDER_PRIVILEGES.map((p) => <th scope="col" key={p} class="col-priv">{texts[p]}</th>)}
                <th scope="col" class="col-row-action"><span class="sr-only">{t("actions")}</span></th>
              </tr>
            </thead>
            <tbody>
              {grants.map((g) => {
                const current = edits[g.folder] || g.privileges;
                const dirty = !sameChoice(current, g.privileges);
                return (
                  <tr key={g.folder} data-folder={g.folder}>
                    <td class="usr-folder-name" data-label={t("usrFolder")}><code>{g.folder}</code></td>
                    {FOLDER_PRIVILEGES.map((p) => (
                      <td key={p} class="col-priv">
                        <label class="usr-inline-check">
                          <input type="checkbox" checked={current.includes(p)} disabled={rowSaving.busy}
                                 aria-label={t("usrFolderPrivOn", { privilege: texts[p], folder: g.folder })}
                                 onChange={(e) => toggle(g.folder, current, p, e.currentTarget.checked)} />
                          <span class="usr-inline-label" aria-hidden="true">{texts[p]}</span>
                        </label>
                      </td>
                    ))}
                    <td class="col-row-action">
                      <button type="button" class="ghost small" disabled={!dirty || rowSaving.busy}
                              onClick={() => saveRow(g.folder)}
                              aria-label={t("usrFolderSaveNamed", { folder: g.folder })}>{t("save")}</button>
                      <button type="button" class="ghost small danger-text" disabled={rowSaving.busy}
                              onClick={() => removeRow(g.folder)}
                              aria-label={t("usrFolderRemoveNamed", { folder: g.folder })}>{t("usrRemove")}</button>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      <ErrorNote error={rowSaving.error} />
      {rowSaving.done && <p class="ok-line" id="usr-folder-status" role="status">{rowSaving.done}</p>}

      <form class="usr-add-grant" onSubmit={addGrant} noValidate>
        <h4 class="usr-sub">{t("usrFolderAdd")}</h4>
        <ErrorNote error={folders.error} />
        {folders.data && choices.length === 0 ? <p class="muted">{t("usrNoFolderChoices")}</p> : (
          <div class="usr-add-row">
            <div class="field">
              <label for="usr-e-folder">{t("usrFolderArchive")}</label>
              <select id="usr-e-folder" value={folder} disabled={!folders.data}
                      onChange={(e) => { addSaving.clear(); setFresh((o) => ({ ...o, folder: e.currentTarget.value })); }}>
                {choices.map((c) => <option key={c} value={c}>{c}</option>)}
              </select>
            </div>
            <fieldset class="usr-add-privs">
              <legend>{t("usrFolderPrivilegesLegend")}</legend>
              {FOLDER_PRIVILEGES.map((p) => (
                <label class="usr-inline-check" key={p}>
                  <input type="checkbox" id={"usr-e-fnew-" + p} checked={fresh.privileges.includes(p)}
                         onChange={(e) => {
                           const on = e.currentTarget.checked;
                           addSaving.clear();
                           setFresh((o) => ({ ...o, privileges: on ? [...o.privileges, p] : o.privileges.filter((x) => x !== p) }));
                         }} />
                  <span>{texts[p]}</span>
                </label>
              ))}
            </fieldset>
            <button type="submit" class="primary" id="usr-e-folder-add"
                    disabled={!folder || fresh.privileges.length === 0 || addSaving.busy}>
              {addSaving.busy ? t("saving") : t("usrGrant")}</button>
          </div>
        )}
        <ErrorNote error={addSaving.error} />
        {addSaving.done && <p class="ok-line" id="usr-folder-add-status" role="status">{addSaving.done}</p>}
      </form>

      {grants.length > 0 && hasFn("ClearUserPrivilegesOnFolders") && (
        <button type="button" class="link small danger-text usr-clear" id="usr-e-folders-clear" onClick={() => setAskClear(true)}>
          {t("usrFolderClearAll")}</button>
      )}
      {askClear && (
        <ConfirmDialog title={t("usrFolderClearTitle", { name: userName })} confirmLabel={t("usrFolderClearConfirm")} danger
                       onClose={() => setAskClear(false)}
                       onConfirm={async () => {
                         try {
                           await call("ClearUserPrivilegesOnFolders", { instanceID: instanceId, userName });
                         } finally {
                           reload();
                         }
                         setEdits({});
                         setAskClear(false);
                       }}>
          <p>{t("usrFolderClearText", { name: userName, n: grants.length })}</p>
        </ConfirmDialog>
      )}
    </Section>
  );
}
