// A store's requested state: as badges with its flags (the table, the
// Manage dialog, the Search Indexes tab) and as a choice of states.
import { stateKind, storeFlags } from "../../../stores.js";
import { Badge, useApp } from "../../../ui.jsx";
import { stateHelp, stateLabel } from "./texts.js";

/** The requested state and (with `flags`) the flags of a store, as badges; the error's text below. */
export function StoreState({ store, flags = true }) {
  const { t } = useApp();
  return (
    <div class="status-cell">
      <Badge kind={stateKind(store.requestedState)}>{stateLabel(t, store.requestedState)}</Badge>
      {flags && storeFlags(store).map((f) => <Badge key={f.flag} kind={f.kind}>{t(f.key)}</Badge>)}
      {store.error && <p class="cell-error">{store.error}</p>}
    </div>
  );
}

export function StateChoice({ value, onChange, states, name = "sto-state" }) {
  const { t } = useApp();
  return (
    <fieldset class="choice-list">
      <legend>{t("stoState")}</legend>
      {states.map((st) => (
        <label key={st} class={"choice" + (value === st ? " chosen" : "")}>
          <input type="radio" name={name} value={st} checked={value === st} onChange={() => onChange(st)} />
          <span class="choice-text">
            <span class="choice-title">{stateLabel(t, st)}</span>
            <span class="choice-detail">{stateHelp(t, st)}</span>
          </span>
        </label>
      ))}
    </fieldset>
  );
}
