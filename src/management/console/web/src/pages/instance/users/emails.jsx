// A user's e-mail addresses in the side panel (SetUserEmailAddresses): a
// list to add to and remove from, each address checked as typed.
import { useRef, useState } from "preact/hooks";
import { emailArg, emailListProblem, emailProblems } from "../../../users.js";
import { focusFirstProblem, useApp, useCall } from "../../../ui.jsx";
import { SaveRow, Section, useSaving } from "./pieces.jsx";
import { problemText } from "./texts.js";

export function EmailForm({ instanceId, userName, info, reload }) {
  const { t } = useApp();
  const call = useCall();
  const saving = useSaving();
  const stored = Array.isArray(info.emailAddresses) ? info.emailAddresses : [];
  const [addresses, setAddresses] = useState(stored.length ? stored : [""]);
  const [submitted, setSubmitted] = useState(false);
  const listRef = useRef(null);
  const problems = emailProblems(addresses);
  const listProblem = emailListProblem(addresses);
  const changed = emailArg(addresses) !== emailArg(stored);
  const edit = (i, value) => { saving.clear(); setAddresses((a) => a.map((x, j) => (j === i ? value : x))); };
  const drop = (i) => { saving.clear(); setAddresses((a) => (a.length > 1 ? a.filter((_, j) => j !== i) : [""])); };
  const add = () => {
    setAddresses((a) => [...a, ""]);
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
        await call("SetUserEmailAddresses", { instanceID: instanceId, userName, emailAddresses: emailArg(addresses) });
      } finally {
        reload();
      }
    }, t("usrSaved"));
  };
  return (
    <Section id="usr-sec-email" title={t("usrEmailAddresses")} hint={t("usrEmailHint")}>
      <form onSubmit={submit} noValidate>
        <ul class="usr-emails" ref={listRef}>
          {addresses.map((a, i) => {
            const problem = (submitted || a.trim()) && problems[i] ? problemText(t, problems[i]) : null;
            const inputId = "usr-e-mail-" + i;
            return (
              <li key={i} class="usr-email">
                <div class="usr-email-row">
                  <label for={inputId} class="sr-only">{t("usrEmailNumber", { n: i + 1 })}</label>
                  <input id={inputId} type="email" value={a} autocomplete="off" spellcheck={false} placeholder="name@example.com"
                         aria-invalid={problem ? "true" : undefined} aria-describedby={problem ? inputId + "-problem" : undefined}
                         onInput={(e) => edit(i, e.currentTarget.value)} />
                  <button type="button" class="ghost small" onClick={() => drop(i)}
                          aria-label={t("usrEmailRemove", { address: a.trim() || t("usrEmailNumber", { n: i + 1 }) })}>
                    {t("usrRemove")}</button>
                </div>
                {problem && <p id={inputId + "-problem"} class="problem">{problem}</p>}
              </li>
            );
          })}
        </ul>
        <button type="button" class="link small" id="usr-e-mail-add" onClick={add}>{t("usrEmailAdd")}</button>
        {listProblem && <p class="problem">{problemText(t, listProblem)}</p>}
        <SaveRow saving={saving} disabled={!changed} />
      </form>
    </Section>
  );
}
