// New store (CreateStore) and Attach store (AttachStore): a name, a
// directory (for a new store suggested from the name under the automatic
// creation's base directory) and the requested state.
import { useState } from "preact/hooks";
import { STATES, storeNameProblem, storePathProblem, suggestedPath } from "../../../stores.js";
import { useApp, useCall, useLoad } from "../../../ui.jsx";
import { TextField } from "../../wizard.jsx";
import { FormDialog } from "./pieces.jsx";
import { StateChoice } from "./state.jsx";

export function AddDialog({ kind, id, onClose, onDone }) {
  const { t } = useApp();
  const call = useCall();
  const creating = kind === "create";
  const auto = useLoad(() => call("GetStoreAutoCreateConfiguration", { instanceID: id }).catch(() => null), [id]);
  const base = auto.data && auto.data.baseDirectory ? auto.data.baseDirectory : "~/Data";
  const [v, setV] = useState({ name: "", path: "", pathTyped: false, state: creating ? "current" : "normal" });
  const [touched, setTouched] = useState(false);
  const path = v.pathTyped || !creating ? v.path : (v.name.trim() ? suggestedPath(base, v.name) : "");
  const problems = { name: storeNameProblem(v.name), path: storePathProblem(path) };
  const p = (k) => (touched && problems[k] ? t(problems[k]) : null);
  return (
    <FormDialog title={creating ? t("stoNewTitle") : t("stoAttachTitle")} submitLabel={creating ? t("create") : t("stoAttach")}
                onClose={onClose} wide
                onSubmit={async () => {
                  setTouched(true);
                  if (problems.name || problems.path) return false;
                  const r = await call(creating ? "CreateStore" : "AttachStore",
                                       { instanceID: id, name: v.name.trim(), databasePath: path.trim(), requestedState: v.state });
                  onDone(t(creating ? "stoDoneCreate" : "stoDoneAttach", { name: v.name.trim(), id: r && r.id }));
                  return true;
                }}>
      <p class="dialog-text">{creating ? t("stoNewText") : t("stoAttachText")}</p>
      <TextField id="sto-name" label={t("stoName")} value={v.name} autoFocus problem={p("name")}
                 onInput={(x) => setV((o) => ({ ...o, name: x }))} />
      <TextField id="sto-path" label={t("stoPath")} value={path} mono problem={p("path")}
                 hint={creating ? t("stoPathHintNew") : t("stoPathHintAttach")}
                 onInput={(x) => setV((o) => ({ ...o, path: x, pathTyped: true }))} />
      <StateChoice value={v.state} onChange={(st) => setV((o) => ({ ...o, state: st }))} states={STATES} />
    </FormDialog>
  );
}
