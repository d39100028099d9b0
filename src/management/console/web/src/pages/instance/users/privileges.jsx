// A user's privileges (SetUserPrivileges) and login privileges
// (SetUserLoginPrivileges) in the side panel: one form of checkboxes each.
import { useState } from "preact/hooks";
import { LOGIN_PRIVILEGES, PRIVILEGES, chosenOf, privilegeArg, sameChoice } from "../../../users.js";
import { useApp, useCall } from "../../../ui.jsx";
import { PrivilegeChecks, SaveRow, Section, useSaving } from "./pieces.jsx";
import { loginTexts, privilegeTexts } from "./texts.js";

export function PrivilegesForm(props) {
  const { t } = useApp();
  return <ChoicesForm {...props} field="privileges" fn="SetUserPrivileges" names={PRIVILEGES} exclusive="admin"
                      id="usr-sec-privileges" idPrefix="usr-e-priv-" title={t("usrPrivileges")} hint={t("usrPrivilegesHint")}
                      texts={privilegeTexts(t)} />;
}

export function LoginForm(props) {
  const { t } = useApp();
  return <ChoicesForm {...props} field="loginPrivileges" fn="SetUserLoginPrivileges" names={LOGIN_PRIVILEGES}
                      id="usr-sec-login" idPrefix="usr-e-login-" title={t("usrLoginPrivileges")} hint={t("usrLoginNoneHint")}
                      texts={loginTexts(t)} noneWarning={t("usrLoginNoneWarning")} />;
}

/**
 * The form of one list of privileges: `field` of GetUserInfo's answer,
 * saved with `fn` as a comma list of `names` (privilegeArg: 'admin' alone,
 * 'none' when nothing is chosen). noneWarning: said while nothing is chosen.
 */
function ChoicesForm({ instanceId, userName, info, reload, field, fn, names, exclusive = null, id, idPrefix, title, hint,
                       texts, noneWarning = null }) {
  const { t } = useApp();
  const call = useCall();
  const saving = useSaving();
  const stored = chosenOf(info[field], names);
  const [chosen, setChosen] = useState(stored);
  const submit = async (e) => {
    e.preventDefault();
    await saving.save(async () => {
      try {
        await call(fn, { instanceID: instanceId, userName, [field]: privilegeArg(chosen, names) });
      } finally {
        reload();
      }
    }, t("usrSaved"));
  };
  return (
    <Section id={id} title={title} hint={hint}>
      <form onSubmit={submit} noValidate>
        <fieldset>
          <legend class="sr-only">{title}</legend>
          <PrivilegeChecks idPrefix={idPrefix} names={names} texts={texts} chosen={chosen} exclusive={exclusive}
                           onChange={(x) => { saving.clear(); setChosen(x); }} />
        </fieldset>
        {noneWarning && chosen.length === 0 && <p class="note warn">{noneWarning}</p>}
        <SaveRow saving={saving} disabled={sameChoice(privilegeArg(chosen, names).split(","), privilegeArg(stored, names).split(","))} />
      </form>
    </Section>
  );
}
