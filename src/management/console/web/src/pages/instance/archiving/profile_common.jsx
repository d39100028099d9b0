// What the Archiving and Export tabs share around their profile lists: the
// outcome of a run above the list (RunOutcome) and the dialogs every profile
// has (ProfileSideDialogs: automatic runs, delete asked first, a run's
// report). `prefix` keeps their element ids apart ("arc", "exp"); `texts`
// names the tab's catalogue keys: {runFailed} for the outcome, {deleteTitle,
// deleted, deleteText} for the dialogs.
import { ConfirmDialog, ErrorNote, useApp, useCall } from "../../../ui.jsx";
import { AutomationDialog } from "./automation.jsx";
import { ReportDialog } from "./report.jsx";

export function RunOutcome({ prefix, texts, outcome, onDismiss, onReport }) {
  const { t } = useApp();
  if (!outcome) return null;
  if (outcome.kind === "error") {
    return (
      <div class="arc-outcome" id={`${prefix}-outcome`} data-kind="error">
        {outcome.name && <p class="arc-outcome-name">{t(texts.runFailed, { name: outcome.name })}</p>}
        <ErrorNote error={outcome.error} />
      </div>
    );
  }
  return (
    <div class="note ok arc-outcome" id={`${prefix}-outcome`} data-kind="ok" role="status">
      <span class="note-text">{outcome.text}</span>
      {outcome.resultId && (
        <button type="button" class="ghost small" id={`${prefix}-outcome-report`}
                onClick={() => onReport(outcome.resultId)}>
          {t("arcOpenReport")}</button>
      )}
      <button type="button" class="note-close" onClick={onDismiss} aria-label={t("dismiss")}>×</button>
    </div>
  );
}

// The open dialog of `dialog` ({type: "automation"|"delete", profile} or
// {type: "report", resultId}); none for other types.
export function ProfileSideDialogs({ texts, instanceID, dialog, onClose, onSaved }) {
  const { t } = useApp();
  const call = useCall();
  if (!dialog) return null;
  if (dialog.type === "automation") {
    return <AutomationDialog profile={dialog.profile} instanceID={instanceID} onClose={onClose}
                             onSaved={(text) => onSaved({ text })} />;
  }
  if (dialog.type === "delete") {
    return (
      <ConfirmDialog title={t(texts.deleteTitle, { name: dialog.profile.name })} confirmLabel={t("delete")} danger
                     onClose={onClose}
                     onConfirm={async () => {
                       await call("DeleteProfile", { instanceID, id: dialog.profile.id });
                       onSaved({ text: t(texts.deleted, { name: dialog.profile.name }) });
                     }}>
        <p>{t(texts.deleteText)}</p>
      </ConfirmDialog>
    );
  }
  if (dialog.type === "report") return <ReportDialog instanceID={instanceID} resultId={dialog.resultId} onClose={onClose} />;
  return null;
}
