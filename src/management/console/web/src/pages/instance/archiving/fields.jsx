// The form fields of the Archiving tab's dialogs: a labelled input, select,
// text area and check box with a hint and a problem linked by
// aria-describedby (ids given, one dialog at a time), and the catalogue
// text of a check's {key, vars}.

export const problemText = (t, p) => (p ? t(p.key, p.vars || {}) : null);

function describedBy(id, hint, problem) {
  return [hint && id + "-hint", problem && id + "-problem"].filter(Boolean).join(" ") || undefined;
}

function Notes({ id, hint, problem }) {
  return (
    <>
      {hint && <p id={id + "-hint"} class="hint">{hint}</p>}
      {problem && <p id={id + "-problem"} class="problem">{problem}</p>}
    </>
  );
}

export function Input({ id, label, value, onInput, hint, problem, type = "text", mono = false, list, placeholder,
                        autocomplete = "off", autoFocus = false, inputMode, className = "" }) {
  return (
    <div class={"field " + className}>
      <label for={id}>{label}</label>
      <input id={id} type={type} value={value} class={mono ? "mono" : ""} autocomplete={autocomplete} spellcheck={false}
             list={list} placeholder={placeholder} autoFocus={autoFocus} inputMode={inputMode}
             aria-invalid={problem ? "true" : undefined} aria-describedby={describedBy(id, hint, problem)}
             onInput={(e) => onInput(e.currentTarget.value)} />
      <Notes id={id} hint={hint} problem={problem} />
    </div>
  );
}

export function TextArea({ id, label, value, onInput, hint, problem, rows = 3 }) {
  return (
    <div class="field">
      <label for={id}>{label}</label>
      <textarea id={id} rows={rows} value={value} spellcheck={false}
                aria-invalid={problem ? "true" : undefined} aria-describedby={describedBy(id, hint, problem)}
                onInput={(e) => onInput(e.currentTarget.value)} />
      <Notes id={id} hint={hint} problem={problem} />
    </div>
  );
}

/** options: [{value, label}] */
export function Select({ id, label, value, onChange, options, hint, problem, disabled = false }) {
  return (
    <div class="field">
      <label for={id}>{label}</label>
      <select id={id} value={value} disabled={disabled} aria-invalid={problem ? "true" : undefined}
              aria-describedby={describedBy(id, hint, problem)} onChange={(e) => onChange(e.currentTarget.value)}>
        {options.map((o) => <option key={o.value} value={o.value}>{o.label}</option>)}
      </select>
      <Notes id={id} hint={hint} problem={problem} />
    </div>
  );
}

export function Check({ id, label, checked, onChange, hint }) {
  return (
    <div class="field check-field arc-check">
      <input id={id} type="checkbox" checked={checked} aria-describedby={hint ? id + "-hint" : undefined}
             onChange={(e) => onChange(e.currentTarget.checked)} />
      <label for={id}>{label}</label>
      {hint && <p id={id + "-hint"} class="hint">{hint}</p>}
    </div>
  );
}
