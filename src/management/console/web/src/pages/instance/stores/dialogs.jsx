// The Archive Stores tab's dialogs, by type: Manage, create and attach,
// each command's own dialog, and the confirmations of the commands that
// rewrite or drop data (DetachStore is done here, in the dialog).
import { ConfirmDialog, messageOf, useApp, useCall } from "../../../ui.jsx";
import { AddDialog } from "./add.jsx";
import { ManageDialog } from "./manage.jsx";
import { StoreList } from "./pieces.jsx";
import { PathDialog, RenameDialog, StateDialog, UnlockDialog } from "./properties.jsx";
import { MergeDialog, RecoverDialog, VerifyDialog } from "./start.jsx";
import { confirmTexts } from "./texts.js";

export function StoreDialogs({ dialog, stores, id, texts, onClose, onOpen, onRun, onRunInstance, onDone }) {
  const { t } = useApp();
  const call = useCall();
  const one = dialog.stores && dialog.stores[0];
  // The store as the list has it now (the dialog may outlive a reload).
  const fresh = one ? stores.find((s) => s.id === one.id) || one : null;
  switch (dialog.type) {
    case "manage": return <ManageDialog store={fresh} stores={stores} texts={texts} onClose={onClose} onOpen={onOpen} />;
    case "create": case "attach": return <AddDialog kind={dialog.type} id={id} onClose={onClose} onDone={onDone} />;
    case "rename": return <RenameDialog store={fresh} id={id} onClose={onClose} onDone={onDone} />;
    case "state": return <StateDialog targets={dialog.stores} id={id} onClose={onClose} onDone={onDone} />;
    case "path": return <PathDialog store={fresh} id={id} onClose={onClose} onDone={onDone} />;
    case "unlock": return <UnlockDialog store={fresh} id={id} onClose={onClose} onDone={onDone} />;
    case "verify": return <VerifyDialog targets={dialog.stores} all={!!dialog.all} onClose={onClose}
                                        onStart={(args) => (dialog.all ? onRunInstance("verifyAll", args) : onRun("verify", dialog.stores, args))} />;
    case "recover": return <RecoverDialog store={fresh} onClose={onClose} onStart={(args) => onRun("recover", [fresh], args)} />;
    case "merge": return <MergeDialog store={fresh} stores={stores} onClose={onClose} onStart={(args) => onRun("merge", [fresh], args)} />;
    case "confirm": {
      const c = dialog.command;
      const danger = c === "detach";
      return (
        <ConfirmDialog title={dialog.stores.length === 1 ? t("stoConfirmTitleOne", { command: texts[c][0], name: dialog.stores[0].name })
                                                         : t("stoConfirmTitleMany", { command: texts[c][0], n: dialog.stores.length })}
                       confirmLabel={texts[c][0]} danger={danger || c === "compact" || c === "recreate"} onClose={onClose}
                       onConfirm={async () => {
                         if (c === "detach") await detachAll(dialog.stores);
                         else onRun(c, dialog.stores);
                       }}>
          <p>{confirmTexts(t)[c]}</p>
          <StoreList stores={dialog.stores} showPath={c === "detach"} />
        </ConfirmDialog>
      );
    }
    case "confirmAll": {
      const c = dialog.command;
      return (
        <ConfirmDialog title={t("stoConfirmTitleAll", { command: texts[c][0] })} confirmLabel={texts[c][0]}
                       onClose={onClose} onConfirm={async () => onRunInstance(c)}>
          <p>{confirmTexts(t)[c]}</p>
        </ConfirmDialog>
      );
    }
    default: return null;
  }

  // DetachStore is quick: done in the dialog, which shows an error in place.
  async function detachAll(targets) {
    const errors = [];
    for (const s of targets) {
      try {
        await call("DetachStore", { instanceID: id, id: s.id });
      } catch (e) {
        if (targets.length === 1) throw e;
        errors.push(`${s.name}: ${messageOf(e, t)}`);
      }
    }
    if (errors.length) throw new Error(errors.join("\n"));
    onDone(targets.length === 1 ? t("stoDoneDetach", { name: targets[0].name }) : t("stoDoneDetachMany", { n: targets.length }));
  }
}
