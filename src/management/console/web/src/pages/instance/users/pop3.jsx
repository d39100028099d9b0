// A user's POP3 user names in the side panel (SetUserPop3UserNames;
// GetUserInfo's pop3UserNames): a list to add to and remove from, each
// name checked as typed. The instance stores them for the product's
// clients; no archiving profile of this platform reads them yet.
import { pop3Arg, pop3ListProblem, pop3Problems } from "../../../users.js";
import { useApp, useCall } from "../../../ui.jsx";
import { ListForm } from "./listform.jsx";

export function Pop3Form({ instanceId, userName, info, reload }) {
  const { t } = useApp();
  const call = useCall();
  const save = async (pop3UserNames) => {
    try {
      await call("SetUserPop3UserNames", { instanceID: instanceId, userName, pop3UserNames });
    } finally {
      reload();
    }
  };
  return (
    <ListForm sectionId="usr-sec-pop3" title={t("usrPop3")} hint={t("usrPop3Hint")}
              stored={Array.isArray(info.pop3UserNames) ? info.pop3UserNames : []}
              problemsOf={pop3Problems} listProblemOf={pop3ListProblem} argOf={pop3Arg} save={save}
              idPrefix="usr-e-pop3" numberLabel={(n) => t("usrPop3Number", { n })}
              removeLabel={(v, i) => t("usrPop3Remove", { name: v || t("usrPop3Number", { n: i + 1 }) })}
              addLabel={t("usrPop3Add")} />
  );
}
