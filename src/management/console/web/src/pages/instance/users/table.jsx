// The Users tab's list: search, a page of rows sorted by a column, each
// with Edit and Delete (the built-in archive administrator has neither),
// and the pager.
import { useMemo } from "preact/hooks";
import { ARCHIVE_ADMIN, pageOf, shownUsers } from "../../../users.js";
import { Pager, SortHeader } from "../../../paging.jsx";
import { mfaBadge } from "../../../mfa.js";
import { Badge, useApp } from "../../../ui.jsx";


/**
 * The search, a page of `users` as `view` ({q, sort, dir, page, size}) has
 * them, and the pager; onEdit and onDelete get a row's user name.
 */
export function UserTable({ users, view, setView, busy, onEdit, onDelete }) {
  const { t } = useApp();
  const shown = useMemo(() => shownUsers(users, view), [users, view.q, view.sort, view.dir]);
  const page = pageOf(shown, view.page, view.size);
  const set = (change) => setView((v) => ({ ...v, page: 1, ...change }));
  return (
    <>
      <div class="filters usr-filters" role="search" aria-label={t("usrSearchLabel")}>
        <div class="field grow">
          <label for="usr-search">{t("search")}</label>
          <input id="usr-search" type="search" value={view.q} placeholder={t("usrSearchPlaceholder")} autocomplete="off"
                 onInput={(e) => set({ q: e.currentTarget.value })} />
        </div>
        <p class="usr-matches muted" aria-live="polite">{view.q ? t("usrMatches", { n: shown.length }) : ""}</p>
      </div>
      {shown.length === 0 ? (
        <div class="empty">
          <p class="empty-title">{t("usrNoMatch")}</p>
          <button type="button" class="ghost" onClick={() => set({ q: "" })}>{t("clearFilters")}</button>
        </div>
      ) : (
        <>
          <div class="table-wrap">
            <table class="table users-table" aria-label={t("usrTableLabel")} aria-busy={busy ? "true" : undefined}>
              <thead>
                <tr>
                  <SortHeader view={view} setView={setView} column="userName" label={t("userName")} />
                  <SortHeader view={view} setView={setView} column="fullName" label={t("fullName")} />
                  <th scope="col" class="col-dn">{t("usrDistinguishedName")}</th>
                  <th scope="col" class="col-mfa">{t("mfa")}</th>
                  <th scope="col" class="col-row-action"><span class="sr-only">{t("actions")}</span></th>
                </tr>
              </thead>
              <tbody>
                {page.items.map((u) => (
                  <UserRow key={u.userName} user={u} onEdit={() => onEdit(u.userName)}
                           onDelete={() => onDelete(u.userName)} />
                ))}
              </tbody>
            </table>
          </div>
          <Pager shown={page} size={view.size} onPage={(p) => setView((v) => ({ ...v, page: p }))}
                 onSize={(s) => set({ size: s })} sizeId="usr-page-size" />
        </>
      )}
    </>
  );
}

function UserRow({ user: u, onEdit, onDelete }) {
  const { t, hasFn } = useApp();
  const builtIn = u.userName === ARCHIVE_ADMIN;
  return (
    <tr data-user={u.userName}>
      <td class="col-userName" data-label={t("userName")}>
        <strong class="usr-name">{u.userName}</strong>
        {builtIn && <> <Badge kind="info">{t("usrBuiltIn")}</Badge></>}
      </td>
      <td class="col-fullName" data-label={t("fullName")}>{u.fullName || <span class="muted">—</span>}</td>
      <td class="col-dn" data-label={t("usrDistinguishedName")}>
        {u.distinguishedName ? <span class="usr-dn">{u.distinguishedName}</span> : <span class="muted">—</span>}
      </td>
      <td class="col-mfa" data-label={t("mfa")}>
        <Badge kind={mfaBadge(u.mfaStatus).kind}>{t(mfaBadge(u.mfaStatus).key)}</Badge>
      </td>
      <td class="col-row-action">
        {builtIn ? <span class="muted small">{t("usrBuiltInNote")}</span> : <>
          {hasFn("GetUserInfo") && (
            <button type="button" class="ghost small usr-edit" onClick={onEdit}
                    aria-label={t("editNamed", { name: u.userName })}>{t("edit")}</button>
          )}
          {hasFn("DeleteUser") && (
            <button type="button" class="ghost small danger-text usr-delete" onClick={onDelete}
                    aria-label={t("deleteNamed", { name: u.userName })}>{t("delete")}</button>
          )}
        </>}
      </td>
    </tr>
  );
}


