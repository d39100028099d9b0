// The Export tab's profile dialog, one form per connector (docs/export.md):
// a directory of .eml files or of .mbox files (a path on the instance's
// host), an IMAP mailbox (restore) or an SMTP server (each message to one
// recipient), then which messages (folders picked from the instance's or
// typed, with subfolders, a search query, a date range, incremental) and,
// for a saved profile, its automatic runs. Checked as typed (exports.js);
// the instance checks again, and its message, which names the field
// ('details.path' ...), is shown at that field and above the buttons.
//
// mode "create": CreateProfile (raw=true, type "export"). mode "temporary":
// the properties go to onRun for RunTemporaryProfile (nothing saved, never
// incremental, no automatic runs). The password is never prefilled.
import { useState } from "preact/hooks";
import { ARCHIVE_ADMIN } from "../../../connectors.js";
import { EXPORT_CONNECTORS, EXPORT_PROTOCOLS, SMTP_MODES, emptyExportForm, exportConnectorOf, exportProblems,
         exportPropertiesFromForm, fieldOfMessage, withExportConnector } from "../../../exports.js";
import { Dialog, ErrorNote, focusFirstProblem, messageOf, useApp, useCall } from "../../../ui.jsx";
import { Check, Input, Select, problemText } from "../archiving/fields.jsx";
import { AutomationFields } from "../archiving/profile_form.jsx";

export function ExportDialog({ mode, instanceID, users, folders, onClose, onSaved, onRun }) {
  const { t } = useApp();
  const call = useCall();
  const [f, setF] = useState(() => emptyExportForm("emlDirectory"));
  const [touched, setTouched] = useState({});
  const [all, setAll] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  const [serverField, setServerField] = useState(null);  // {field, text}: the instance's refusal, at its field
  const temporary = mode === "temporary";
  const problems = exportProblems(f, { temporary });
  const c = exportConnectorOf(f.connector);

  const set = (k) => (v) => {
    setF((o) => ({ ...o, [k]: v }));
    setTouched((x) => ({ ...x, [k]: true }));
    setServerField((s) => (s && s.field === k ? null : s));
  };
  const p = (k) => ((all || touched[k]) && problems[k] ? problemText(t, problems[k])
                    : serverField && serverField.field === k ? serverField.text : null);

  const submit = async (e) => {
    e.preventDefault();
    const form = e.currentTarget;
    setAll(true);
    if (Object.keys(problems).length) { focusFirstProblem(form); return; }
    const properties = exportPropertiesFromForm(f, { temporary });
    if (temporary) { onRun(properties); return; }
    setBusy(true);
    setError(null);
    setServerField(null);
    try {
      const created = await call("CreateProfile", { instanceID, properties, raw: true });
      onSaved({ text: t("expCreated", { name: properties.name }), id: created && created.id });
    } catch (err) {
      setError(err);
      const field = fieldOfMessage(err && err.message);
      if (field) {
        setServerField({ field, text: messageOf(err, t) });
        focusFirstProblem(form);
      }
      setBusy(false);
    }
  };

  const owners = users ? users.map((u) => ({ value: u, label: u === ARCHIVE_ADMIN ? t("arcArchiveAdmin") : u })) : null;
  return (
    <Dialog title={temporary ? t("expOnceTitle") : t("expNewProfile")} onClose={busy ? null : onClose} wide
            className="arc-profile-dialog exp-profile-dialog">
      <form onSubmit={submit} noValidate id="exp-profile-form">
        {temporary && <p class="dialog-text">{t("expOnceExplained")}</p>}
        <fieldset class="arc-group">
          <legend>{t("arcGeneral")}</legend>
          <div class="arc-row">
            <Select id="exp-connector" label={t("expConnector")} value={f.connector}
                    onChange={(v) => setF((o) => withExportConnector(o, v))} problem={p("connector")}
                    options={EXPORT_CONNECTORS.map((x) => ({ value: x.id, label: t(x.key) }))} />
            <Input id="exp-name" label={t("arcName")} value={f.name} onInput={set("name")} problem={p("name")} autoFocus />
            {owners
              ? <Select id="exp-owner" label={t("arcOwner")} value={f.owner} onChange={set("owner")} options={owners}
                        hint={t("arcOwnerHint")} problem={p("owner")} />
              : <Input id="exp-owner" label={t("arcOwner")} value={f.owner} onInput={set("owner")} hint={t("arcOwnerHint")}
                       problem={p("owner")} />}
          </div>
          {c && <p class="hint arc-connector-help">{t(c.help.key)}</p>}
        </fieldset>

        {c && c.target === "directory" && (
          <fieldset class="arc-group">
            <legend>{t("expTarget")}</legend>
            <Input id="exp-path" label={t("expPath")} value={f.path} onInput={set("path")} mono problem={p("path")}
                   hint={t(c.id === "mbox" ? "expPathMboxHint" : "expPathEmlHint")} />
          </fieldset>
        )}
        {c && c.target !== "directory" && <ServerFields f={f} set={set} p={p} c={c} />}

        <SelectionFields f={f} set={set} p={p} folders={folders} temporary={temporary} />

        {!temporary && <AutomationFields f={f} set={set} p={p} idPrefix="exp" />}

        <ErrorNote error={error} id="exp-form-error" />
        <div class="dialog-actions">
          <button type="button" class="ghost" onClick={onClose} disabled={busy}>{t("cancel")}</button>
          <button type="submit" class="primary" id="exp-submit" disabled={busy}>
            {busy ? t("saving") : temporary ? t("expRunOnce") : t("create")}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

function ServerFields({ f, set, p, c }) {
  const { t } = useApp();
  const protocols = EXPORT_PROTOCOLS[c.target];
  const port = (protocols.find((x) => x.id === f.protocol) || protocols[0]).port;
  const smtp = c.target === "smtp";
  return (
    <fieldset class="arc-group">
      <legend>{smtp ? t("expSmtpServer") : t("arcImapServer")}</legend>
      <div class="arc-row">
        <Input id="exp-host" label={t("arcHost")} value={f.host} onInput={set("host")} problem={p("host")} />
        <Select id="exp-protocol" label={t("protocol")} value={f.protocol} onChange={set("protocol")} problem={p("protocol")}
                options={protocols.map((x) => ({ value: x.id, label: `${x.id} · ${t(x.key)}` }))} />
        <Input id="exp-port" label={t("port")} value={f.port} onInput={set("port")} problem={p("port")} inputMode="numeric"
               placeholder={String(port)} hint={t("arcPortHint", { port })} />
      </div>
      {f.protocol === protocols[2].id && <p class="note warn">{t("arcUnencrypted")}</p>}
      <div class="arc-row">
        <Input id="exp-user" label={t("arcServerUser")} value={f.userName} onInput={set("userName")} problem={p("userName")}
               hint={smtp ? t("expSmtpLoginHint") : null} />
        <Input id="exp-password" label={t("password")} type="password" value={f.password} onInput={set("password")}
               autocomplete="new-password" problem={p("password")} hint={t("arcPasswordSealed")} />
        <Input id="exp-timeout" label={t("arcTimeout")} value={f.timeout} onInput={set("timeout")} inputMode="numeric"
               placeholder="60" problem={p("timeout")} hint={t("arcTimeoutHint")} />
      </div>
      {smtp ? (
        <div class="arc-row">
          <Input id="exp-recipient" label={t("expRecipient")} value={f.recipient} onInput={set("recipient")}
                 problem={p("recipient")} hint={t("expRecipientHint")} />
          <Input id="exp-sender" label={t("expSender")} value={f.sender} onInput={set("sender")} problem={p("sender")}
                 hint={t("expSenderHint")} />
          <Select id="exp-mode" label={t("expMode")} value={f.mode} onChange={set("mode")} problem={p("mode")}
                  options={SMTP_MODES.map((m) => ({ value: m.id, label: t(m.key) }))}
                  hint={t(f.mode === "attachment" ? "expModeAttachmentHint" : "expModeAsIsHint")} />
        </div>
      ) : (
        <div class="arc-row">
          <Input id="exp-target-folder" label={t("expTargetFolder")} value={f.targetFolder} onInput={set("targetFolder")}
                 problem={p("targetFolder")} hint={t("expTargetFolderHint")} />
          <Check id="exp-keep-folders" label={t("expKeepFolders")} checked={f.keepFolders} onChange={set("keepFolders")}
                 hint={t("expKeepFoldersHint")} />
        </div>
      )}
      <Check id="exp-ignore-cert" label={t("arcIgnoreCertificate")} checked={f.ignoreSSLPolicyErrors}
             onChange={set("ignoreSSLPolicyErrors")} hint={t("arcIgnoreCertificateHint")} />
    </fieldset>
  );
}

// Which messages: the folders (picked from the instance's or typed; none = every archive), their subfolders,
// a search query, a date range [from, to) and, for a saved profile, only what it has not exported before.
function SelectionFields({ f, set, p, folders, temporary }) {
  const { t } = useApp();
  const [typed, setTyped] = useState("");
  const add = () => {
    const v = typed.trim().replace(/\/+$/, "");
    if (!v) return;
    if (!f.folders.includes(v)) set("folders")([...f.folders, v]);
    setTyped("");
  };
  const problem = p("folders");
  return (
    <fieldset class="arc-group">
      <legend>{t("expSelection")}</legend>
      <div class="field exp-folders">
        <label for="exp-folder-add">{t("expFolders")}</label>
        <div class="exp-folder-add">
          <input id="exp-folder-add" type="text" value={typed} list="exp-folder-list" autocomplete="off" spellcheck={false}
                 aria-describedby={"exp-folder-add-hint" + (problem ? " exp-folder-add-problem" : "")}
                 aria-invalid={problem ? "true" : undefined}
                 onInput={(e) => setTyped(e.currentTarget.value)}
                 onKeyDown={(e) => { if (e.key === "Enter") { e.preventDefault(); add(); } }} />
          <button type="button" class="ghost" id="exp-folder-add-button" onClick={add} disabled={!typed.trim()}>
            {t("expAddFolder")}</button>
        </div>
        <datalist id="exp-folder-list">{(folders || []).map((x) => <option key={x} value={x} />)}</datalist>
        <p id="exp-folder-add-hint" class="hint">{t("expFoldersHint")}</p>
        {problem && <p id="exp-folder-add-problem" class="problem">{problem}</p>}
        {f.folders.length ? (
          <ul class="exp-chosen" aria-label={t("expChosenFolders")}>
            {f.folders.map((x) => (
              <li key={x} data-folder={x}>
                <span class="mono">{x}</span>
                <button type="button" class="ghost small" aria-label={t("expRemoveFolder", { folder: x })}
                        onClick={() => set("folders")(f.folders.filter((y) => y !== x))}>{t("remove")}</button>
              </li>
            ))}
          </ul>
        ) : <p class="muted small exp-every" id="exp-every">{t("expEveryArchive")}</p>}
      </div>
      <Check id="exp-subfolders" label={t("arcIncludeSubfolders")} checked={f.includeSubfolders}
             onChange={set("includeSubfolders")} />
      <Input id="exp-query" label={t("expQuery")} value={f.query} onInput={set("query")} problem={p("query")}
             hint={t("expQueryHint")} />
      <div class="arc-row two">
        <Input id="exp-from" label={t("expFromDate")} type="date" value={f.fromDate} onInput={set("fromDate")}
               problem={p("fromDate")} hint={t("expFromHint")} />
        <Input id="exp-to" label={t("expToDate")} type="date" value={f.toDate} onInput={set("toDate")}
               problem={p("toDate")} hint={t("expToHint")} />
      </div>
      {!temporary && (
        <Check id="exp-incremental" label={t("expIncremental")} checked={f.incremental} onChange={set("incremental")}
               hint={t("expIncrementalHint")} />
      )}
    </fieldset>
  );
}
