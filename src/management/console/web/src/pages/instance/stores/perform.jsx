// How the Archive Stores tab runs commands: a command opens its dialog,
// asks first or runs at once; long-running ones go through run() (the
// task window) one store after the other, and what they did is said
// above the table (Outcome).
import { useState } from "preact/hooks";
import { envelopeError } from "../../../api.js";
import { INSTANCE_COMMANDS, STORE_COMMANDS, outcomeOf } from "../../../stores.js";
import { ErrorNote, Notice, messageOf, useApp } from "../../../ui.jsx";

/**
 * invoke(fn, args, label, long): a call of the instance's function through
 * run(); a long-running one is listed in the task window even when it was
 * over within the first answer. Resolves to the final envelope.
 */
export function useListedRun(id) {
  const { run } = useApp();
  return (fn, args, label, long) => run(fn, { instanceID: id, ...args }, { label, listed: long });
}

/**
 * The commands of the tab on instance `id`: open(command, stores) and
 * openInstance(command) ask, open a dialog (setDialog) or run; runOn,
 * runInstance and done finish a dialog. `list`: GetStores, read again
 * after each command; `texts`: commandTexts.
 */
export function useStoreCommands(id, { list, texts, setDialog }) {
  const { t, fmt } = useApp();
  const [outcome, setOutcome] = useState(null);  // {kind, text, lines}
  const [inFlight, setInFlight] = useState(0);

  const describe = (o) => t(o.key, {
    ...o.vars,
    messages: fmt.number(o.vars.messages ?? 0), records: fmt.number(o.vars.records ?? 0),
    duplicates: fmt.number(o.vars.duplicates ?? 0), bytes: fmt.bytes(o.vars.bytes ?? 0),
  });

  const invoke = useListedRun(id);

  // Runs fn once per item ({store, args, label}) in turn; the outcome goes above the table.
  const perform = async (fn, items, { label, long }) => {
    setInFlight((n) => n + 1);
    setOutcome({ kind: "info", text: t("stoStarted", { label }) });
    const lines = [];
    let failed = 0, problems = 0, single = null;
    for (const item of items) {
      const name = item.store ? item.store.name : "";
      let env;
      try {
        env = await invoke(fn, item.args, item.label || label, long);
      } catch (e) {
        env = { statusCode: "failed", error: { message: messageOf(e, t) } };
      }
      const error = envelopeError(env);
      if (error) {
        failed += 1;
        lines.push(items.length > 1 && name ? `${name}: ${error}` : error);
        continue;
      }
      const o = outcomeOf(fn, env.result, item.store);
      problems += o.problems || 0;
      if (items.length === 1) single = { text: describe(o), lines: o.lines };
      else lines.push(describe(o), ...o.lines);
    }
    if (items.length === 1 && failed) {
      setOutcome({ kind: "error", text: t("stoFailed", { label, error: lines[0] }) });
    } else if (items.length === 1) {
      setOutcome({ kind: problems ? "warn" : "ok", text: single.text, lines: single.lines });
    } else {
      setOutcome({ kind: failed ? "error" : problems ? "warn" : "ok",
                   text: t(failed ? "stoDoneManyFailed" : "stoDoneMany", { label, n: items.length, failed }), lines });
    }
    setInFlight((n) => n - 1);
    list.reload();
  };

  // A command on stores: long-running ones through perform(), after the dialog closed.
  const runOn = (command, targets, extra = {}) => {
    const spec = STORE_COMMANDS[command];
    const one = (s) => t("stoTaskOne", { command: texts[command][0], name: s.name });
    const label = targets.length === 1 ? one(targets[0]) : t("stoTaskMany", { command: texts[command][0], n: targets.length });
    setDialog(null);
    return perform(spec.fn, targets.map((s) => ({ store: s, args: { id: s.id, ...extra }, label: one(s) })),
                   { label, long: spec.long });
  };
  const runInstance = (command, extra = {}) => {
    const spec = INSTANCE_COMMANDS[command];
    setDialog(null);
    return perform(spec.fn, [{ store: null, args: extra }], { label: texts[command][0], long: spec.long });
  };
  // A short command's dialog finished: the outcome, the list again.
  const done = (text) => {
    setDialog(null);
    setOutcome({ kind: "ok", text });
    list.reload();
  };

  // Asks first, or opens the command's own dialog, or runs it.
  const open = (command, targets) => {
    if (!targets.length) return;
    const spec = STORE_COMMANDS[command];
    if (["rename", "state", "path", "verify", "unlock", "recover", "merge"].includes(command)) {
      setDialog({ type: command, stores: targets });
    } else if (spec.confirm) {
      setDialog({ type: "confirm", command, stores: targets });
    } else {
      runOn(command, targets);
    }
  };
  const openInstance = (command) => {
    const spec = INSTANCE_COMMANDS[command];
    if (command === "verifyAll") setDialog({ type: "verify", stores: [], all: true });
    else if (spec.confirm) setDialog({ type: "confirmAll", command });
    else runInstance(command);
  };
  return { outcome, setOutcome, inFlight, open, openInstance, runOn, runInstance, done };
}

/** What the last command did: an error in place, else a notice to dismiss. */
export function Outcome({ outcome, onDismiss }) {
  return (
    <div class="outcome sto-outcome" data-kind={outcome.kind}>
      {outcome.kind === "error"
        ? <ErrorNote error={{ message: [outcome.text, ...(outcome.lines || [])].join("\n") }} />
        : <Notice kind={outcome.kind} onDismiss={onDismiss}>
            {outcome.text}
            {outcome.lines && outcome.lines.length > 0 && <ul class="lines">{outcome.lines.map((l, i) => <li key={i}>{l}</li>)}</ul>}
          </Notice>}
    </div>
  );
}
