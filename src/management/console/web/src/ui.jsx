// Small building blocks every page uses: the app's context, data loading
// with its three states, modal dialogs on <dialog>, confirmation, errors in
// place, status badges and page headings.
import { createContext } from "preact";
import { useCallback, useContext, useEffect, useId, useRef, useState } from "preact/hooks";
import { resultOf } from "./api.js";

export const AppContext = createContext(null);
export const useApp = () => useContext(AppContext);

/**
 * Loads data with `load()` (an async function) when `deps` change.
 * Returns {data, error, loading, reload}; an answer that arrives after a
 * newer load started is dropped.
 */
export function useLoad(load, deps) {
  const [state, setState] = useState({ data: null, error: null, loading: true });
  const seq = useRef(0);
  const run = useCallback(() => {
    const mine = ++seq.current;
    setState((s) => ({ ...s, loading: true, error: null }));
    Promise.resolve()
      .then(load)
      .then((data) => { if (mine === seq.current) setState({ data, error: null, loading: false }); },
            (error) => { if (mine === seq.current) setState((s) => ({ data: s.data, error, loading: false })); });
  }, deps);  // eslint-disable-line react-hooks/exhaustive-deps
  useEffect(() => { run(); return () => { seq.current += 1; }; }, [run]);
  return { ...state, reload: run };
}

/** call(fn, args): the result of a function, or an ApiError with the API's message (long-running ones followed). */
export function useCall() {
  const { run } = useApp();
  return useCallback(async (fn, args, options) => resultOf(await run(fn, args, options)), [run]);
}

/**
 * The message of an error for the user: the API's own message as it is;
 * what the console found itself (no connection, an answer that is not
 * JSON, a refused session or token) in the user's language.
 */
export function messageOf(error, t) {
  if (!error) return "";
  if (t && error.code === "network") return t("errNetwork");
  if (t && error.code === "badAnswer") return t("errBadAnswer", { detail: error.message });
  if (t && error.code === "http" && error.status === 401) return t("notLoggedIn");
  if (t && error.code === "http" && error.status === 403) return t("errCsrf");
  return error.message || String(error);
}

/** An error where the action was: the API's message, read out when it appears. */
export function ErrorNote({ error, id, className = "" }) {
  const app = useApp();
  if (!error) return null;
  return (
    <div id={id} class={"note error " + className} role="alert">
      <span class="note-icon" aria-hidden="true">!</span>
      <span class="note-text">{messageOf(error, app && app.t)}</span>
    </div>
  );
}

/** A success or information line, read out politely. */
export function Notice({ children, kind = "ok", onDismiss }) {
  const { t } = useApp();
  if (!children) return null;
  return (
    <div class={"note " + kind} role="status">
      <span class="note-text">{children}</span>
      {onDismiss && (
        <button type="button" class="note-close" onClick={onDismiss} aria-label={t("dismiss")}>×</button>
      )}
    </div>
  );
}

export function Loading({ label }) {
  const { t } = useApp();
  return (
    <div class="loading" role="status">
      <span class="spinner" aria-hidden="true"></span>
      <span>{label || t("loading")}</span>
    </div>
  );
}

/** The heading of a page; focused after navigation so screen readers and keyboards start there. */
export function PageHeader({ title, subtitle, children }) {
  const ref = useRef(null);
  useEffect(() => {
    if (ref.current && document.body.dataset.navigated === "1") ref.current.focus({ preventScroll: true });
  }, [title]);
  return (
    <div class="page-head">
      <div class="page-title">
        <h1 ref={ref} tabIndex={-1}>{title}</h1>
        {subtitle && <p class="subtitle">{subtitle}</p>}
      </div>
      {children && <div class="page-actions">{children}</div>}
    </div>
  );
}

const BADGE_KIND = {
  running: "ok", succeeded: "ok", active: "ok",
  starting: "busy", stopping: "busy",
  stopped: "off", standby: "info", inactive: "bad", unreachable: "bad",
  error: "bad", failed: "bad",
  frozen: "info", safeMode: "warn",
  information: "info", warning: "warn",
};

export function Badge({ kind, children }) {
  return <span class={"badge " + (BADGE_KIND[kind] || "off")}>{children}</span>;
}

/**
 * A modal dialog on <dialog>: focus stays inside, Escape closes (onClose),
 * focus goes back to where it was. `wide` for forms with more to show.
 */
export function Dialog({ title, onClose, children, wide = false, footer = null, className = "" }) {
  const ref = useRef(null);
  const titleId = useId();
  useEffect(() => {
    const before = document.activeElement;
    const d = ref.current;
    if (d && !d.open) d.showModal();
    return () => {
      if (d && d.open) d.close();
      if (before && typeof before.focus === "function" && document.contains(before)) before.focus();
    };
  }, []);
  const onCancel = (e) => { e.preventDefault(); if (onClose) onClose(); };
  return (
    <dialog ref={ref} class={"dialog " + (wide ? "wide " : "") + className} aria-labelledby={titleId} onCancel={onCancel}>
      <div class="dialog-head">
        <h2 id={titleId}>{title}</h2>
        {onClose && <CloseButton onClick={onClose} />}
      </div>
      <div class="dialog-body">{children}</div>
      {footer && <div class="dialog-actions">{footer}</div>}
    </dialog>
  );
}

export function CloseButton({ onClick, label }) {
  const { t } = useApp();
  return (
    <button type="button" class="icon-button" onClick={onClick} aria-label={label || t("close")}>
      <span aria-hidden="true">×</span>
    </button>
  );
}

/**
 * Asks before an action. onConfirm() is async: while it runs the buttons
 * wait; an error it throws is shown in the dialog, which stays open.
 */
export function ConfirmDialog({ title, children, confirmLabel, danger = false, onConfirm, onClose }) {
  const { t } = useApp();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  const confirm = async () => {
    setBusy(true);
    setError(null);
    try {
      await onConfirm();
    } catch (e) {
      setError(e);
      setBusy(false);
    }
  };
  return (
    <Dialog title={title} onClose={busy ? null : onClose}
            footer={<>
              <button type="button" class="ghost" onClick={onClose} disabled={busy} autoFocus>{t("cancel")}</button>
              <button type="button" class={danger ? "danger" : "primary"} onClick={confirm} disabled={busy}
                      data-confirm="">
                {busy ? t("working") : confirmLabel}
              </button>
            </>}>
      {children}
      <ErrorNote error={error} />
    </Dialog>
  );
}

/** A labelled form field; `hint` and `problem` are linked by aria-describedby. */
export function Field({ label, hint, problem, children, className = "" }) {
  const id = useId();
  const hintId = hint ? id + "-hint" : null;
  const problemId = problem ? id + "-problem" : null;
  const described = [hintId, problemId].filter(Boolean).join(" ") || undefined;
  const control = typeof children === "function" ? children({ id, describedBy: described, invalid: !!problem }) : children;
  return (
    <div class={"field " + className}>
      <label for={id}>{label}</label>
      {control}
      {hint && <p id={hintId} class="hint">{hint}</p>}
      {problem && <p id={problemId} class="problem">{problem}</p>}
    </div>
  );
}

/** A short thumbprint (first and last 8 hex digits) with the whole one as the title. */
export function Thumbprint({ value }) {
  if (!value) return <span class="muted">—</span>;
  const short = value.length > 20 ? `${value.slice(0, 8)}…${value.slice(-8)}` : value;
  return <code class="thumb" title={value}>{short}</code>;
}

/** Copies text to the clipboard; says so for a moment. */
export function CopyButton({ text, label }) {
  const { t } = useApp();
  const [done, setDone] = useState(false);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
      setDone(true);
      setTimeout(() => setDone(false), 1500);
    } catch {
      setDone(false);
    }
  };
  return (
    <button type="button" class="ghost small" onClick={copy} aria-label={label}>
      {done ? t("copied") : t("copy")}
    </button>
  );
}

/** After a refused submit: the first field marked invalid takes the focus (once the marks are drawn). */
export function focusFirstProblem(form) {
  requestAnimationFrame(() => {
    const first = form && form.querySelector("[aria-invalid=true]");
    if (first) first.focus();
  });
}
