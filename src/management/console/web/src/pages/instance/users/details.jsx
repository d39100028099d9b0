// The details of a user in the side panel: full name (SetUserFullName),
// distinguished name (SetUserDistinguishedName) and authentication
// (SetUserAuthentication), each sent only when changed.
import { useState } from "preact/hooks";
import { distinguishedNameProblem, fullNameProblem } from "../../../users.js";
import { focusFirstProblem, useApp, useCall } from "../../../ui.jsx";
import { TextField } from "../../wizard.jsx";
import { AuthChoice, SaveRow, Section, useSaving } from "./pieces.jsx";
import { problemText } from "./texts.js";

export function DetailsForm({ instanceId, userName, info, reload, onChanged }) {
  const { t, hasFn } = useApp();
  const call = useCall();
  const saving = useSaving();
  const [v, setV] = useState({ fullName: info.fullName || "", distinguishedName: info.distinguishedName || "",
                               authentication: info.authentication || "integrated" });
  const problems = { fullName: fullNameProblem(v.fullName), distinguishedName: distinguishedNameProblem(v.distinguishedName) };
  const changed = {
    fullName: v.fullName !== (info.fullName || ""),
    distinguishedName: v.distinguishedName !== (info.distinguishedName || ""),
    authentication: v.authentication !== (info.authentication || "integrated"),
  };
  const set = (k) => (x) => { saving.clear(); setV((o) => ({ ...o, [k]: x })); };
  const submit = async (e) => {
    e.preventDefault();
    if (Object.values(problems).some(Boolean)) { focusFirstProblem(e.currentTarget); return; }
    const base = { instanceID: instanceId, userName };
    await saving.save(async () => {
      try {
        if (changed.fullName) await call("SetUserFullName", { ...base, fullName: v.fullName });
        if (changed.distinguishedName) await call("SetUserDistinguishedName", { ...base, distinguishedName: v.distinguishedName });
        if (changed.authentication) await call("SetUserAuthentication", { ...base, authentication: v.authentication });
      } finally {
        reload();
        onChanged();
      }
    }, t("usrSaved"));
  };
  return (
    <Section id="usr-sec-details" title={t("usrDetails")}>
      <form onSubmit={submit} noValidate>
        {hasFn("SetUserFullName") &&
          <TextField id="usr-e-full" label={t("fullName")} value={v.fullName} onInput={set("fullName")}
                     problem={problemText(t, problems.fullName)} />}
        {hasFn("SetUserDistinguishedName") &&
          <TextField id="usr-e-dn" label={t("usrDistinguishedName")} value={v.distinguishedName} onInput={set("distinguishedName")}
                     problem={problemText(t, problems.distinguishedName)} hint={t("usrDnHint")} />}
        {hasFn("SetUserAuthentication") &&
          <AuthChoice idPrefix="usr-e-auth-" value={v.authentication} onChange={set("authentication")} />}
        <SaveRow saving={saving} disabled={!Object.values(changed).some(Boolean)} />
      </form>
    </Section>
  );
}
