// The side panel of one user, fed by GetUserInfo: the facts, then one form
// per function the server has (details, multi-factor login, privileges,
// login privileges, e-mail addresses, POP3 user names, folder privileges,
// password, rename) and Delete.
import { mfaBadge } from "../../../mfa.js";
import { Badge, Dialog, ErrorNote, Loading, useApp, useCall, useLoad } from "../../../ui.jsx";
import { PasswordForm, RenameForm } from "./account.jsx";
import { DetailsForm } from "./details.jsx";
import { EmailForm } from "./emails.jsx";
import { MfaSection } from "./mfa.jsx";
import { FoldersForm } from "./folders.jsx";
import { Pop3Form } from "./pop3.jsx";
import { Section } from "./pieces.jsx";
import { LoginForm, PrivilegesForm } from "./privileges.jsx";
import { authTexts } from "./texts.js";

export function UserPanel({ instanceId, userName, users, onClose, onChanged, onRenamed, onAskDelete }) {
  const { t, hasFn } = useApp();
  const call = useCall();
  const info = useLoad(() => call("GetUserInfo", { instanceID: instanceId, userName }), [instanceId, userName]);
  const d = info.data;
  const common = { instanceId, userName, info: d, reload: info.reload };
  return (
    <Dialog title={userName} onClose={onClose} wide className="user-panel">
      {info.loading && !d && <Loading />}
      <ErrorNote error={info.error} />
      {d && (
        <>
          <dl class="facts compact usr-facts">
            <div><dt>{t("fullName")}</dt><dd>{d.fullName || <span class="muted">—</span>}</dd></div>
            <div><dt>{t("authentication")}</dt><dd>{authTexts(t)[d.authentication]?.[0] || d.authentication}</dd></div>
            <div><dt>{t("mfa")}</dt><dd><Badge kind={mfaBadge(d.mfaStatus).kind}>{t(mfaBadge(d.mfaStatus).key)}</Badge></dd></div>
            <div><dt>{t("usrOwnArchiveLabel")}</dt><dd><code>{d.userName}</code></dd></div>
          </dl>
          {(hasFn("SetUserFullName") || hasFn("SetUserDistinguishedName") || hasFn("SetUserAuthentication")) &&
            <DetailsForm {...common} onChanged={onChanged} />}
          <MfaSection {...common} onChanged={onChanged} />
          {hasFn("SetUserPrivileges") && <PrivilegesForm {...common} />}
          {hasFn("SetUserLoginPrivileges") && <LoginForm {...common} />}
          {hasFn("SetUserEmailAddresses") && <EmailForm {...common} />}
          {hasFn("SetUserPop3UserNames") && <Pop3Form {...common} />}
          {hasFn("SetUserPrivilegesOnFolder") && <FoldersForm {...common} users={users} />}
          {hasFn("SetUserPassword") && <PasswordForm {...common} />}
          {hasFn("RenameUser") && <RenameForm {...common} users={users} onRenamed={onRenamed} />}
          {hasFn("DeleteUser") && (
            <Section id="usr-sec-delete" title={t("usrDeleteSection")} hint={t("usrDeleteArchiveStays", { name: userName })}>
              <button type="button" class="ghost danger-text" id="usr-e-delete" onClick={onAskDelete}>
                {t("usrDeleteNamed", { name: userName })}</button>
            </Section>
          )}
        </>
      )}
    </Dialog>
  );
}
