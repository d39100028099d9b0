// The pieces the Users tab's forms share: privilege checkboxes with their
// explanations, the choice of authentication, the state of one save, a
// section of the side panel and its save button with the outcome beside it.
import { useState } from "preact/hooks";
import { AUTHENTICATIONS } from "../../../users.js";
import { ErrorNote, useApp } from "../../../ui.jsx";
import { authTexts } from "./texts.js";

/**
 * Checkboxes for a privilege list with their explanations. `exclusive`
 * ('admin'): when chosen the others are part of it and wait, disabled.
 */
export function PrivilegeChecks({ idPrefix, names, texts, chosen, onChange, exclusive = null, compact = false }) {
  const lone = exclusive && chosen.includes(exclusive);
  const toggle = (name, on) => onChange(on ? [...chosen.filter((x) => x !== name), name] : chosen.filter((x) => x !== name));
  return (
    <div class={"usr-checks" + (compact ? " compact" : "")}>
      {names.map((name) => {
        const inputId = idPrefix + name;
        const waiting = lone && name !== exclusive;
        return (
          <div class={"usr-check" + (waiting ? " waiting" : "")} key={name}>
            <input id={inputId} type="checkbox" checked={chosen.includes(name) || waiting} disabled={waiting}
                   aria-describedby={inputId + "-help"} onChange={(e) => toggle(name, e.currentTarget.checked)} />
            <span class="usr-check-text">
              <label for={inputId} class="usr-check-title">{texts[name][0]}</label>
              <span id={inputId + "-help"} class="usr-check-help">{texts[name][1]}</span>
            </span>
          </div>
        );
      })}
    </div>
  );
}

export function AuthChoice({ idPrefix, value, onChange }) {
  const { t } = useApp();
  const texts = authTexts(t);
  return (
    <fieldset class="usr-auth">
      <legend>{t("authentication")}</legend>
      {AUTHENTICATIONS.map((a) => (
        <div class="usr-check" key={a}>
          <input id={idPrefix + a} type="radio" name={idPrefix} value={a} checked={value === a}
                 aria-describedby={idPrefix + a + "-help"} onChange={() => onChange(a)} />
          <span class="usr-check-text">
            <label for={idPrefix + a} class="usr-check-title">{texts[a][0]}</label>
            <span id={idPrefix + a + "-help"} class="usr-check-help">{texts[a][1]}</span>
          </span>
        </div>
      ))}
    </fieldset>
  );
}

/** The state of one save: busy, the server's error, the line said when done. */
export function useSaving() {
  const [state, setState] = useState({ busy: false, error: null, done: null });
  const save = async (work, doneText) => {
    setState({ busy: true, error: null, done: null });
    try {
      await work();
      setState({ busy: false, error: null, done: doneText });
      return true;
    } catch (error) {
      setState({ busy: false, error, done: null });
      return false;
    }
  };
  return { ...state, save, clear: () => setState({ busy: false, error: null, done: null }) };
}

export function Section({ id, title, hint, children }) {
  return (
    <section class="usr-section" id={id} aria-labelledby={id + "-title"}>
      <h3 id={id + "-title"}>{title}</h3>
      {hint && <p class="hint usr-section-hint">{hint}</p>}
      {children}
    </section>
  );
}

export function SaveRow({ saving, disabled, label }) {
  const { t } = useApp();
  return (
    <>
      <ErrorNote error={saving.error} />
      <div class="usr-save-row">
        <button type="submit" class="primary" disabled={saving.busy || disabled}>{saving.busy ? t("saving") : label || t("save")}</button>
        {saving.done && <span class="ok-line usr-done" role="status">{saving.done}</span>}
      </div>
    </>
  );
}
