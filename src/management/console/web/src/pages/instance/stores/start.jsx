// The dialogs that start a long-running command: verify (VerifyStore on
// stores, VerifyStores on all), recover (RecoverStore) and merge
// (MergeStore); they hand the arguments to onStart.
import { useState } from "preact/hooks";
import { mergeSources, recoveryKeyProblem } from "../../../stores.js";
import { useApp } from "../../../ui.jsx";
import { TextField } from "../../wizard.jsx";
import { FormDialog, StoreList } from "./pieces.jsx";

export function VerifyDialog({ targets, all, onClose, onStart }) {
  const { t } = useApp();
  const [indexes, setIndexes] = useState(true);
  return (
    <FormDialog title={all ? t("stoVerifyAllTitle") : targets.length === 1 ? t("stoVerifyTitle", { name: targets[0].name })
                                                                         : t("stoVerifyTitleMany", { n: targets.length })}
                submitLabel={t("stoStart")} onClose={onClose}
                onSubmit={async () => { onStart({ includeIndexes: indexes }); return true; }}>
      <p class="dialog-text">{t("stoVerifyText")}</p>
      {targets.length > 1 && <StoreList stores={targets} />}
      <CheckField id="sto-verify-indexes" checked={indexes} onChange={setIndexes} label={t("stoVerifyIndexes")}
                  hint={t("stoVerifyIndexesHint")} />
    </FormDialog>
  );
}

export function RecoverDialog({ store, onClose, onStart }) {
  const { t } = useApp();
  const [key, setKey] = useState("");
  const [deleted, setDeleted] = useState(false);
  const [touched, setTouched] = useState(false);
  const problem = recoveryKeyProblem(key, true);
  return (
    <FormDialog title={t("stoRecoverTitle", { name: store.name })} submitLabel={t("stoCmdRecover")} danger wide onClose={onClose}
                onSubmit={async () => {
                  setTouched(true);
                  if (problem) return false;
                  const args = { recoverDeletedMessages: deleted };
                  if (key.trim()) args.encryptionKey = key.trim();
                  onStart(args);
                  return true;
                }}>
      <p class="dialog-text">{t("stoRecoverText")}</p>
      <TextField id="sto-recover-key" label={t("stoRecoverKey")} value={key} mono type="password"
                 problem={touched && problem ? t(problem) : null} hint={t("stoRecoverKeyHint")} onInput={setKey} />
      <CheckField id="sto-recover-deleted" checked={deleted} onChange={setDeleted} label={t("stoRecoverDeleted")}
                  hint={t("stoRecoverDeletedHint")} />
    </FormDialog>
  );
}

export function MergeDialog({ store, stores, onClose, onStart }) {
  const { t } = useApp();
  const sources = mergeSources(store, stores);
  const [source, setSource] = useState(sources.length ? String(sources[0].id) : "");
  const chosen = sources.find((s) => String(s.id) === source);
  return (
    <FormDialog title={t("stoMergeTitle", { name: store.name })} submitLabel={t("stoCmdMerge")} danger wide onClose={onClose}
                onSubmit={async () => { if (!chosen) return false; onStart({ sourceId: chosen.id }); return true; }}>
      <p class="dialog-text">{t("stoMergeText", { name: store.name })}</p>
      <div class="field">
        <label for="sto-merge-source">{t("stoMergeSource")}</label>
        <select id="sto-merge-source" value={source} onChange={(e) => setSource(e.currentTarget.value)}>
          {sources.map((s) => <option key={s.id} value={String(s.id)}>{`${s.name} (${s.id})`}</option>)}
        </select>
      </div>
      {chosen && <p class="note warn">{t("stoMergeAfter", { name: chosen.name, path: chosen.databasePath })}</p>}
    </FormDialog>
  );
}

/** A check box with its label, and a hint below. */
function CheckField({ id, checked, onChange, label, hint }) {
  return (
    <>
      <div class="field check-field">
        <input id={id} type="checkbox" checked={checked} onChange={(e) => onChange(e.currentTarget.checked)} />
        <label for={id}>{label}</label>
      </div>
      <p class="hint">{hint}</p>
    </>
  );
}
