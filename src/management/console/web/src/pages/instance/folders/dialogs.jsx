// The Folders tab's dialogs: Move or rename a folder (MoveFolder) in two
// steps, the new path checked as typed (archive_folders.js moveCheck) and
// then what happens, asked; Delete empty folders (DeleteEmptyFolders) in
// every archive, a user's archive or below a folder, with the folders the
// counts show without messages, asked.
import { useRef, useState } from "preact/hooks";
import { deleteScope, emptyFolders, knownFolder, moveCheck } from "../../../archive_folders.js";
import { ConfirmDialog, Dialog, ErrorNote, focusFirstProblem, useApp, useCall } from "../../../ui.jsx";

const SHOWN_EMPTY = 10;   // empty folders named in the question; the rest counted

/** The text of a problem code of archive_folders.js. */
function problemText(t, check, from) {
  switch (check.problem) {
    case "folderEmpty": return t("fldProblemEmpty");
    case "folderCharacters": return t("fldProblemCharacters");
    case "folderTooLong": return t("fldProblemTooLong");
    case "moveFromArchive": return t("fldProblemFromArchive");
    case "moveTopLevel": return t("fldProblemTopLevel", { example: from.split("/")[0] + "/" + from.slice(from.lastIndexOf("/") + 1) });
    case "moveSame": return t("fldProblemSame");
    case "moveInside": return t("fldProblemInside");
    case "moveNoUser": return t("fldProblemNoUser", { archive: check.archive });
    default: return null;
  }
}

export function MoveDialog({ id, folder, stats, users, children, onClose, onMoved }) {
  const { t, fmt } = useApp();
  const call = useCall();
  const [to, setTo] = useState(folder);
  const [touched, setTouched] = useState(false);
  const [step, setStep] = useState("path");   // "path" | "confirm"
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  const formRef = useRef(null);
  const check = moveCheck(folder, to, users);
  const problem = touched && check.problem ? problemText(t, check, folder) : null;
  const merge = check.target ? knownFolder(children, check.target) === true : false;
  const s = stats ? stats.get(folder) : null;

  const next = (e) => {
    e.preventDefault();
    setTouched(true);
    if (check.problem) { focusFirstProblem(formRef.current); return; }
    setError(null);
    setStep("confirm");
  };
  const move = async () => {
    setBusy(true);
    setError(null);
    try {
      await call("MoveFolder", { instanceID: id, fromFolder: folder, toFolder: check.target });
      onMoved(folder, check.target);
    } catch (e) {
      setError(e);
      setBusy(false);
    }
  };

  if (step === "confirm") {
    return (
      <Dialog title={t("fldMoveTitle", { folder })} onClose={busy ? null : onClose} className="fld-move-dialog"
              footer={<>
                <button type="button" class="ghost" id="fld-move-back" onClick={() => setStep("path")} disabled={busy}>{t("fldMoveBack")}</button>
                <button type="button" class="primary" id="fld-move-confirm" data-confirm="" onClick={move} disabled={busy} autoFocus>
                  {busy ? t("working") : t("fldMoveConfirm")}</button>
              </>}>
        <p id="fld-move-question">{t("fldMoveQuestion", { from: folder, to: check.target })}</p>
        {s && <p>{t("fldMoveMessages", { n: s.totalCount, count: fmt.number(s.totalCount), size: fmt.bytes(s.totalSize) })}</p>}
        {merge && <p class="note warn"><span class="note-text">{t("fldMoveMerge", { folder: check.target })}</span></p>}
        <p class="muted">{t("fldMoveAfter")}</p>
        <ErrorNote error={error} />
      </Dialog>
    );
  }
  return (
    <Dialog title={t("fldMoveTitle", { folder })} onClose={onClose} className="fld-move-dialog"
            footer={<>
              <button type="button" class="ghost" onClick={onClose}>{t("cancel")}</button>
              <button type="submit" class="primary" id="fld-move-next" form="fld-move-form"
                      disabled={check.problem === "moveSame" && !touched}>{t("fldMoveNext")}</button>
            </>}>
      <form id="fld-move-form" ref={formRef} onSubmit={next} noValidate>
        <dl class="facts compact fld-move-facts">
          <div><dt>{t("fldMoveFrom")}</dt><dd><code>{folder}</code></dd></div>
          {s && <div><dt>{t("fldMoveHoldsLabel")}</dt>
            <dd>{t("fldMoveHolds", { n: s.totalCount, count: fmt.number(s.totalCount), size: fmt.bytes(s.totalSize) })}</dd></div>}
        </dl>
        <div class="field">
          <label for="fld-move-to">{t("fldMoveTo")}</label>
          <input id="fld-move-to" type="text" value={to} spellcheck={false} autocomplete="off" autoFocus
                 aria-invalid={problem ? "true" : undefined}
                 aria-describedby={"fld-move-to-hint" + (problem ? " fld-move-to-problem" : "")}
                 onInput={(e) => { setTo(e.currentTarget.value); setTouched(true); }} />
          <p id="fld-move-to-hint" class="hint">{t("fldMoveHint")}</p>
          {problem && <p id="fld-move-to-problem" class="problem">{problem}</p>}
        </div>
        {!check.problem && merge && <p class="note warn" id="fld-move-merge"><span class="note-text">{t("fldMoveMerge", { folder: check.target })}</span></p>}
      </form>
    </Dialog>
  );
}

export function DeleteEmptyDialog({ id, folder, stats, onClose, onDeleted }) {
  const { t } = useApp();
  const call = useCall();
  const scope = deleteScope(folder);
  const empty = stats ? emptyFolders(stats, folder) : null;
  const title = { all: t("fldDeleteTitleAll"), archive: t("fldDeleteTitleArchive", { folder }),
                  folder: t("fldDeleteTitleFolder", { folder }) }[scope];
  const text = { all: t("fldDeleteTextAll"), archive: t("fldDeleteTextArchive", { folder }),
                 folder: t("fldDeleteTextFolder", { folder }) }[scope];
  return (
    <ConfirmDialog title={title} confirmLabel={t("fldDeleteConfirm")} danger onClose={onClose}
                   onConfirm={async () => {
                     const r = await call("DeleteEmptyFolders", { instanceID: id, folder: folder || undefined });
                     onDeleted(r && typeof r.deletedFolders === "number" ? r.deletedFolders : 0);
                   }}>
      <p>{text}</p>
      {empty && (empty.length === 0 ? <p class="muted" id="fld-empty-known">{t("fldDeleteKnownNone")}</p> : (
        <>
          <p id="fld-empty-known">{t("fldDeleteKnown", { n: empty.length })}</p>
          <ul class="fld-empty-list">
            {empty.slice(0, SHOWN_EMPTY).map((p) => <li key={p}><code>{p}</code></li>)}
            {empty.length > SHOWN_EMPTY && <li class="muted">{t("fldDeleteKnownMore", { n: empty.length - SHOWN_EMPTY })}</li>}
          </ul>
        </>
      ))}
      <p class="muted">{t("fldDeleteProtected")}</p>
    </ConfirmDialog>
  );
}
