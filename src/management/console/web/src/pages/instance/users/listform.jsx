// A list of short values in the side panel (e-mail addresses, POP3 user
// names): fields to add to and remove from, each value checked as typed,
// saved as one call. The callers give the checks, the call and the texts.
import { useRef, useState } from "preact/hooks";
import { focusFirstProblem, useApp } from "../../../ui.jsx";
import { SaveRow, Section, useSaving } from "./pieces.jsx";
import { problemText } from "./texts.js";

/**
 * stored: the list as the server has it; problemsOf(list) → a problem per
 * value; listProblemOf(list) → a problem of the whole; argOf(list) → the
 * argument sent (and compared to see a change); save(arg) → the call.
 * idPrefix: ids "<prefix>-<i>" and "<prefix>-add"; numberLabel(n),
 * removeLabel(value, i): the fields' and buttons' names.
 */
export function ListForm({ sectionId, title, hint, stored, problemsOf, listProblemOf, argOf, save, idPrefix,
                           inputType = "text", placeholder, numberLabel, removeLabel, addLabel }) {
  const { t } = useApp();
  const saving = useSaving();
  const [values, setValues] = useState(stored.length ? stored : [""]);
  const [submitted, setSubmitted] = useState(false);
  const listRef = useRef(null);
  const problems = problemsOf(values);
  const listProblem = listProblemOf(values);
  const changed = argOf(values) !== argOf(stored);
  const edit = (i, value) => { saving.clear(); setValues((a) => a.map((x, j) => (j === i ? value : x))); };
  const drop = (i) => { saving.clear(); setValues((a) => (a.length > 1 ? a.filter((_, j) => j !== i) : [""])); };
  const add = () => {
    setValues((a) => [...a, ""]);
    requestAnimationFrame(() => {
      const inputs = listRef.current?.querySelectorAll("input");
      if (inputs && inputs.length) inputs[inputs.length - 1].focus();
    });
  };
  const submit = async (e) => {
    e.preventDefault();
    setSubmitted(true);
    if (problems.some(Boolean) || listProblem) { focusFirstProblem(e.currentTarget); return; }
    await saving.save(() => save(argOf(values)), t("usrSaved"));
  };
  return (
    <Section id={sectionId} title={title} hint={hint}>
      <form onSubmit={submit} noValidate>
        <ul class="usr-emails" ref={listRef}>
          {values.map((v, i) => {
            const problem = (submitted || v.trim()) && problems[i] ? problemText(t, problems[i]) : null;
            const inputId = idPrefix + "-" + i;
            return (
              <li key={i} class="usr-email">
                <div class="usr-email-row">
                  <label for={inputId} class="sr-only">{numberLabel(i + 1)}</label>
                  <input id={inputId} type={inputType} value={v} autocomplete="off" spellcheck={false} placeholder={placeholder}
                         aria-invalid={problem ? "true" : undefined} aria-describedby={problem ? inputId + "-problem" : undefined}
                         onInput={(e) => edit(i, e.currentTarget.value)} />
                  <button type="button" class="ghost small" onClick={() => drop(i)} aria-label={removeLabel(v.trim(), i)}>
                    {t("usrRemove")}</button>
                </div>
                {problem && <p id={inputId + "-problem"} class="problem">{problem}</p>}
              </li>
            );
          })}
        </ul>
        <button type="button" class="link small" id={idPrefix + "-add"} onClick={add}>{addLabel}</button>
        {listProblem && <p class="problem">{problemText(t, listProblem)}</p>}
        <SaveRow saving={saving} disabled={!changed} />
      </form>
    </Section>
  );
}
