// The dialogs of the quick commands on a store: rename (RenameStore),
// requested state (SetStoreRequestedState, also on a selection), directory
// (SetStorePath) and unlock (UnlockStore).
import { useState } from "preact/hooks";
import { outcomeOf, recoveryKeyProblem, statesFor, storeNameProblem, storePathProblem } from "../../../stores.js";
import { messageOf, useApp, useCall } from "../../../ui.jsx";
import { TextField } from "../../wizard.jsx";
import { FormDialog, StoreList } from "./pieces.jsx";
import { StateChoice } from "./state.jsx";
import { stateLabel } from "./texts.js";

export function RenameDialog({ store, id, onClose, onDone }) {
  const { t } = useApp();
  const call = useCall();
  return (
    <FieldDialog title={t("stoRenameTitle", { name: store.name })} submitLabel={t("stoCmdRename")} onClose={onClose}
                 initial={store.name} problemOf={storeNameProblem} field={{ id: "sto-rename", label: t("stoNewName") }}
                 onSend={async (name) => {
                   await call("RenameStore", { instanceID: id, id: store.id, name });
                   onDone(t("stoDoneRename", { name }));
                 }} />
  );
}

export function StateDialog({ targets, id, onClose, onDone }) {
  const { t } = useApp();
  const call = useCall();
  const first = targets[0];
  const [state, setState] = useState(targets.length === 1 ? first.requestedState : "writeProtected");
  const states = statesFor(first);
  return (
    <FormDialog title={targets.length === 1 ? t("stoStateTitle", { name: first.name }) : t("stoStateTitleMany", { n: targets.length })}
                submitLabel={t("stoCmdState")} onClose={onClose} wide
                onSubmit={async () => {
                  const errors = [];
                  for (const s of targets) {
                    try {
                      await call("SetStoreRequestedState", { instanceID: id, id: s.id, requestedState: state });
                    } catch (e) {
                      if (targets.length === 1) throw e;
                      errors.push(`${s.name}: ${messageOf(e, t)}`);
                    }
                  }
                  if (errors.length) throw new Error(errors.join("\n"));
                  onDone(targets.length === 1 ? t("stoDoneState", { name: first.name, state: stateLabel(t, state) })
                                              : t("stoDoneStateMany", { n: targets.length, state: stateLabel(t, state) }));
                  return true;
                }}>
      {targets.length > 1 && <StoreList stores={targets} />}
      <StateChoice value={state} onChange={setState} states={states} />
      {state === "current" && <p class="hint">{t("stoStateCurrentNote")}</p>}
    </FormDialog>
  );
}

export function PathDialog({ store, id, onClose, onDone }) {
  const { t } = useApp();
  const call = useCall();
  return (
    <FieldDialog title={t("stoPathTitle", { name: store.name })} submitLabel={t("stoCmdPath")} onClose={onClose} wide
                 text={t("stoPathText")} initial={store.databasePath} problemOf={storePathProblem}
                 field={{ id: "sto-new-path", label: t("stoPath"), mono: true, hint: t("stoPathHintAttach") }}
                 onSend={async (path) => {
                   await call("SetStorePath", { instanceID: id, id: store.id, databasePath: path });
                   onDone(t("stoDonePath", { name: store.name }));
                 }} />
  );
}

export function UnlockDialog({ store, id, onClose, onDone }) {
  const { t } = useApp();
  const call = useCall();
  return (
    <FieldDialog title={t("stoUnlockTitle", { name: store.name })} submitLabel={t("stoCmdUnlock")} onClose={onClose} wide
                 text={t("stoUnlockText")} initial="" problemOf={recoveryKeyProblem}
                 field={{ id: "sto-unlock-key", label: t("stoRecoveryKey"), mono: true, type: "password", hint: t("stoRecoveryKeyHint") }}
                 onSend={async (key) => {
                   const r = await call("UnlockStore", { instanceID: id, id: store.id, passphrase: key });
                   onDone(outcomeOf("UnlockStore", r, store).vars.text || t("stoDoneUnlock", { name: store.name }));
                 }} />
  );
}

/**
 * A FormDialog of one text field (`field`: TextField's id, label, mono,
 * type, hint) starting as `initial`: problemOf(value)'s key shows once
 * submitted; onSend gets the value trimmed. text: a paragraph above it.
 */
function FieldDialog({ initial, problemOf, onSend, text = null, field, ...dialog }) {
  const { t } = useApp();
  const [value, setValue] = useState(initial);
  const [touched, setTouched] = useState(false);
  const problem = problemOf(value);
  return (
    <FormDialog {...dialog}
                onSubmit={async () => {
                  setTouched(true);
                  if (problem) return false;
                  await onSend(value.trim());
                  return true;
                }}>
      {text && <p class="dialog-text">{text}</p>}
      <TextField {...field} value={value} autoFocus problem={touched && problem ? t(problem) : null} onInput={setValue} />
    </FormDialog>
  );
}
