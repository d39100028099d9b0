// What the Archive Stores tab's dialogs share: the dialog of a form and
// the list of the stores a command is about.
import { useState } from "preact/hooks";
import { Dialog, ErrorNote, focusFirstProblem, useApp } from "../../../ui.jsx";

/** A dialog with a form whose submit calls the server; an error stays in the dialog. */
export function FormDialog({ title, submitLabel, onClose, onSubmit, children, danger = false, wide = false }) {
  const { t } = useApp();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  const submit = async (e) => {
    e.preventDefault();
    const form = e.currentTarget;
    setError(null);
    setBusy(true);
    try {
      const ok = await onSubmit(form);
      if (ok === false) { setBusy(false); focusFirstProblem(form); }
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };
  return (
    <Dialog title={title} onClose={busy ? null : onClose} wide={wide}>
      <form onSubmit={submit} noValidate>
        {children}
        <ErrorNote error={error} />
        <div class="dialog-actions">
          <button type="button" class="ghost" onClick={onClose} disabled={busy}>{t("cancel")}</button>
          <button type="submit" class={danger ? "danger" : "primary"} disabled={busy} id="sto-dialog-submit">
            {busy ? t("working") : submitLabel}</button>
        </div>
      </form>
    </Dialog>
  );
}

export function StoreList({ stores, showPath = false }) {
  return (
    <ul class="confirm-list">
      {stores.slice(0, 8).map((s) => (
        <li key={s.id}><strong>{s.name}</strong> <span class="muted">· {s.id}</span>
          {showPath && <><br /><code>{s.databasePath}</code></>}</li>
      ))}
      {stores.length > 8 && <li class="muted">…</li>}
    </ul>
  );
}
