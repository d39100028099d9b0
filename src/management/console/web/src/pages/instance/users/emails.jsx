// A user's e-mail addresses in the side panel (SetUserEmailAddresses): a
// list to add to and remove from, each address checked as typed.
import { emailArg, emailListProblem, emailProblems } from "../../../users.js";
import { useApp, useCall } from "../../../ui.jsx";
import { ListForm } from "./listform.jsx";

export function EmailForm({ instanceId, userName, info, reload }) {
  const { t } = useApp();
  const call = useCall();
  const save = async (emailAddresses) => {
    try {
      await call("SetUserEmailAddresses", { instanceID: instanceId, userName, emailAddresses });
    } finally {
      reload();
    }
  };
  return (
    <ListForm sectionId="usr-sec-email" title={t("usrEmailAddresses")} hint={t("usrEmailHint")}
              stored={Array.isArray(info.emailAddresses) ? info.emailAddresses : []}
              problemsOf={emailProblems} listProblemOf={emailListProblem} argOf={emailArg} save={save}
              idPrefix="usr-e-mail" inputType="email" placeholder="name@example.com"
              numberLabel={(n) => t("usrEmailNumber", { n })}
              removeLabel={(v, i) => t("usrEmailRemove", { address: v || t("usrEmailNumber", { n: i + 1 }) })}
              addLabel={t("usrEmailAdd")} />
  );
}
