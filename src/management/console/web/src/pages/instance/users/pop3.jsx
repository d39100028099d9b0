// A user's POP3 user names in the side panel (SetUserPop3UserNames;
// GetUserInfo's pop3UserNames): a list to add to and remove from, each
// name checked as typed. The instance stores them for the product's
// clients; no archiving profile of this platform reads them yet.
import { useRef, useState } from "preact/hooks";
import { pop3Arg, pop3ListProblem, pop3Problems } from "../../../users.js";
import { focusFirstProblem, useApp, useCall } from "../../../ui.jsx";
import { SaveRow, Section, useSaving } from "./pieces.jsx";
import { problemText } from "./texts.js";

export function Pop3Form({ instanceId, userName, info, reload }) {
  const { t } = useApp();
  const call = useCall();
  const saving = useSaving();
  const stored = Array.isArray(info.pop3UserNames) ? info.pop3UserNames : [];
  const [names, setNames] = useState(stored.length ? stored : [""]);
  const [submitted, setSubmitted] = useState(false);
  const listRef = useRef(null);
  const problems = pop3Problems(names);
  const listProblem = pop3ListProblem(names);
  const changed = pop3Arg(names) !== pop3Arg(stored);
  const edit = (i, value) => { saving.clear(); setNames((a) => a.map((x, j) => (j === i ? value : x))); };
  const drop = (i) => { saving.clear(); setNames((a) => (a.length > 1 ? a.filter((_, j) => j !== i) : [""])); };
  const add = () => {
    setNames((a) => [...a, ""]);
    requestAnimationFrame(() => {
      const inputs = listRef.current?.querySelectorAll("input");
      if (inputs && inputs.length) inputs[inputs.length - 1].focus();
    });
  };
  const submit = async (e) => {
    e.preventDefault();
    setSubmitted(true);
    if (problems.some(Boolean) || listProblem) { focusFirstProblem(e.currentTarget); return; }
    await saving.save(async () => {
      try {
        await call("SetUserPop3UserNames", { instanceID: instanceId, userName, pop3UserNames: pop3Arg(names) });
      } finally {
        reload();
      }
    }, t("usrSaved"));
  };
  return (
    <Section id="usr-sec-pop3" title={t("usrPop3")} hint={t("usrPop3Hint")}>
      <form onSubmit={submit} noValidate>
        <ul class="usr-emails" ref={listRef}>
          {names.map((n, i) => {
            const problem = (submitted || n.trim()) && problems[i] ? problemText(t, problems[i]) : null;
            const inputId = "usr-e-pop3-" + i;
            return (
              <li key={i} class="usr-email">
                <div class="usr-email-row">
                  <label for={inputId} class="sr-only">{t("usrPop3Number", { n: i + 1 })}</label>
                  <input id={inputId} type="text" value={n} autocomplete="off" spellcheck={false}
                         aria-invalid={problem ? "true" : undefined} aria-describedby={problem ? inputId + "-problem" : undefined}
                         onInput={(e) => edit(i, e.currentTarget.value)} />
                  <button type="button" class="ghost small" onClick={() => drop(i)}
                          aria-label={t("usrPop3Remove", { name: n.trim() || t("usrPop3Number", { n: i + 1 }) })}>
                    {t("usrRemove")}</button>
                </div>
                {problem && <p id={inputId + "-problem"} class="problem">{problem}</p>}
              </li>
            );
          })}
        </ul>
        <button type="button" class="link small" id="usr-e-pop3-add" onClick={add}>{t("usrPop3Add")}</button>
        {listProblem && <p class="problem">{problemText(t, listProblem)}</p>}
        <SaveRow saving={saving} disabled={!changed} />
      </form>
    </Section>
  );
}
