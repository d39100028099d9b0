// The profile dialog of the Archiving tab, one form per connector: files
// (emlDirectory, mbox, maildir: a path on the instance's host), a mailbox
// on an IMAP or POP3 server, or a journal/catch-all mailbox (multidrop:
// each message to the archives of its recipients), then, for a saved
// profile, its automatic runs. Checked as typed with the server's rules
// (profiles.js); the server checks again and its message is shown here.
//
// mode "create": CreateProfile. mode "edit": the API has no function that
// changes a profile (PRODUCT-SPEC §4.4; CreateProfile refuses an id), so,
// as the product's clients do, the changed profile is created and the old
// one deleted; the password is never returned and must be typed again.
// mode "temporary": the properties go to onRun for RunTemporaryProfile.
import { useState } from "preact/hooks";
import { ARCHIVE_ADMIN, CONNECTORS, DELETE_MODES, PROTOCOLS, connectorOf, defaultPort, durationText, emptyForm,
         formFromProfile, profileProblems, propertiesFromForm, withConnector } from "../../../profiles.js";
import { Dialog, ErrorNote, focusFirstProblem, messageOf, useApp, useCall } from "../../../ui.jsx";
import { Check, Input, Select, TextArea, problemText } from "./fields.jsx";

export function ProfileDialog({ mode, profile, instanceID, users, onClose, onSaved, onRun }) {
  const { t } = useApp();
  const call = useCall();
  const [f, setF] = useState(() => (profile ? formFromProfile(profile) : emptyForm("emlDirectory")));
  const [touched, setTouched] = useState({});
  const [all, setAll] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  const temporary = mode === "temporary";
  const problems = profileProblems(f, { users, temporary });
  const c = connectorOf(f.connector);

  const set = (k) => (v) => { setF((o) => ({ ...o, [k]: v })); setTouched((x) => ({ ...x, [k]: true })); };
  const p = (k) => ((all || touched[k]) ? problemText(t, problems[k]) : null);

  const submit = async (e) => {
    e.preventDefault();
    setAll(true);
    if (Object.keys(problems).length) { focusFirstProblem(e.currentTarget); return; }
    const properties = propertiesFromForm(f, { temporary });
    if (temporary) { onRun(properties); return; }
    setBusy(true);
    setError(null);
    let created;
    try {
      created = await call("CreateProfile", { instanceID, properties, raw: true });
    } catch (err) {
      setError(err);
      setBusy(false);
      return;
    }
    if (mode !== "edit") { onSaved({ text: t("arcCreated", { name: properties.name }), id: created && created.id }); return; }
    try {
      await call("DeleteProfile", { instanceID, id: profile.id });
      onSaved({ text: t("arcSaved", { name: properties.name }), id: created && created.id });
    } catch (err) {
      // The new profile exists; the old one is still there too. Say so on the page.
      onSaved({ error: t("arcOldNotDeleted", { name: profile.name, id: profile.id, reason: messageOf(err, t) }) });
    }
  };

  const title = mode === "edit" ? t("editNamed", { name: profile.name })
              : temporary ? t("arcOnceTitle") : t("arcNewProfile");
  const userOptions = (users || []).filter((u) => u.toLowerCase() !== ARCHIVE_ADMIN);
  const owners = users ? users.map((u) => ({ value: u, label: u === ARCHIVE_ADMIN ? t("arcArchiveAdmin") : u })) : null;
  if (owners && !owners.some((o) => o.value.toLowerCase() === f.owner.toLowerCase())) {
    owners.push({ value: f.owner, label: f.owner });  // a profile's owner that is gone: shown, and refused as typed
  }

  return (
    <Dialog title={title} onClose={busy ? null : onClose} wide className="arc-profile-dialog">
      <form onSubmit={submit} noValidate id="arc-profile-form">
        {mode === "edit" && <p class="note" id="arc-edit-note">{t("arcEditExplained")}</p>}
        {temporary && <p class="dialog-text">{t("arcOnceExplained")}</p>}
        <fieldset class="arc-group">
          <legend>{t("arcGeneral")}</legend>
          <div class="arc-row">
            <Select id="arc-connector" label={t("arcConnector")} value={f.connector} disabled={mode === "edit"}
                    onChange={(v) => setF((o) => withConnector(o, v))} problem={p("connector")}
                    options={[...CONNECTORS.map((x) => ({ value: x.id, label: t(x.key) })),
                              ...(c ? [] : [{ value: f.connector, label: f.connector }])]} />
            <Input id="arc-name" label={t("arcName")} value={f.name} onInput={set("name")} problem={p("name")}
                   autoFocus={mode !== "edit"} />
            {owners
              ? <Select id="arc-owner" label={t("arcOwner")} value={f.owner} onChange={set("owner")} options={owners}
                        hint={t("arcOwnerHint")} problem={p("owner")} />
              : <Input id="arc-owner" label={t("arcOwner")} value={f.owner} onInput={set("owner")} hint={t("arcOwnerHint")}
                       problem={p("owner")} />}
          </div>
          {c && <p class="hint arc-connector-help">{t(c.help.key)}</p>}
        </fieldset>

        {c && c.source === "files" && <FileFields f={f} set={set} p={p} c={c} />}
        {c && c.source !== "files" && <ServerFields f={f} set={set} p={p} c={c} editing={mode === "edit"} />}

        {c && (
          <fieldset class="arc-group">
            <legend>{t("arcDestination")}</legend>
            <datalist id="arc-user-list">{userOptions.map((u) => <option key={u} value={u} />)}</datalist>
            {c.multidrop ? (
              <>
                <p class="hint arc-group-hint">{t("arcMultidropHint")}</p>
                <Input id="arc-unknown" label={t("arcUnknownRecipientsFolder")} value={f.unknownRecipientsFolder}
                       onInput={set("unknownRecipientsFolder")} list="arc-user-list" hint={t("arcUnknownRecipientsHint")}
                       problem={p("unknownRecipientsFolder")} />
              </>
            ) : (
              <Input id="arc-target" label={t("arcTargetUserFolder")} value={f.targetUserFolder}
                     onInput={set("targetUserFolder")} list="arc-user-list" hint={t("arcTargetHint")}
                     problem={p("targetUserFolder")} />
            )}
          </fieldset>
        )}

        {!temporary && <AutomationFields f={f} set={set} p={p} idPrefix="arc" />}

        <ErrorNote error={error} />
        <div class="dialog-actions">
          <button type="button" class="ghost" onClick={onClose} disabled={busy}>{t("cancel")}</button>
          <button type="submit" class="primary" id="arc-submit" disabled={busy}>
            {busy ? t("saving") : mode === "edit" ? t("save") : temporary ? t("arcRunOnce") : t("create")}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

function FileFields({ f, set, p, c }) {
  const { t } = useApp();
  return (
    <fieldset class="arc-group">
      <legend>{t("arcSource")}</legend>
      <Input id="arc-path" label={t("arcPath")} value={f.path} onInput={set("path")} mono problem={p("path")}
             hint={t(c.path.key)} />
      <Check id="arc-subfolders" label={t("arcIncludeSubfolders")} checked={f.includeSubfolders}
             onChange={set("includeSubfolders")} />
    </fieldset>
  );
}

function ServerFields({ f, set, p, c, editing }) {
  const { t } = useApp();
  const protocols = PROTOCOLS[c.source];
  const deleteModes = DELETE_MODES[c.source];
  return (
    <>
      <fieldset class="arc-group">
        <legend>{c.source === "imap" ? t("arcImapServer") : t("arcPop3Server")}</legend>
        <div class="arc-row">
          <Input id="arc-host" label={t("arcHost")} value={f.host} onInput={set("host")} problem={p("host")} />
          <Select id="arc-protocol" label={t("protocol")} value={f.protocol} onChange={set("protocol")}
                  options={protocols.map((x) => ({ value: x.id, label: `${x.id} · ${t(x.key)}` }))} />
          <Input id="arc-port" label={t("port")} value={f.port} onInput={set("port")} problem={p("port")} inputMode="numeric"
                 placeholder={String(defaultPort(c.source, f.protocol) || "")}
                 hint={t("arcPortHint", { port: defaultPort(c.source, f.protocol) || "" })} />
        </div>
        {f.protocol === protocols[2].id && <p class="note warn">{t("arcUnencrypted")}</p>}
        <div class="arc-row">
          <Input id="arc-user" label={t("arcServerUser")} value={f.userName} onInput={set("userName")} problem={p("userName")} />
          <Input id="arc-password" label={t("password")} type="password" value={f.password} onInput={set("password")}
                 autocomplete="new-password" problem={p("password")}
                 hint={editing ? t("arcPasswordAgain") : t("arcPasswordSealed")} />
          <Input id="arc-email" label={t("arcEmailAddress")} value={f.emailAddress} onInput={set("emailAddress")}
                 problem={p("emailAddress")} hint={t("arcEmailHint")} />
        </div>
        <div class="arc-row">
          <Input id="arc-timeout" label={t("arcTimeout")} value={f.timeout} onInput={set("timeout")} inputMode="numeric"
                 placeholder="60" problem={p("timeout")} hint={t("arcTimeoutHint")} />
        </div>
        <Check id="arc-ignore-cert" label={t("arcIgnoreCertificate")} checked={f.ignoreSSLPolicyErrors}
               onChange={set("ignoreSSLPolicyErrors")} hint={t("arcIgnoreCertificateHint")} />
      </fieldset>
      {c.source === "imap" && (
        <fieldset class="arc-group">
          <legend>{t("arcFolders")}</legend>
          <div class="arc-row two">
            <TextArea id="arc-include" label={t("arcIncludeFolders")} value={f.includeFolders} onInput={set("includeFolders")}
                      hint={t("arcIncludeFoldersHint")} />
            <TextArea id="arc-exclude" label={t("arcExcludeFolders")} value={f.excludeFolders} onInput={set("excludeFolders")}
                      hint={t("arcExcludeFoldersHint")} />
          </div>
          <div class="arc-row">
            <Input id="arc-since" label={t("arcSince")} type="date" value={f.since} onInput={set("since")} problem={p("since")}
                   hint={t("arcSinceHint")} />
          </div>
          <Check id="arc-unread" label={t("arcArchiveUnread")} checked={f.archiveUnread} onChange={set("archiveUnread")}
                 hint={t("arcArchiveUnreadHint")} />
        </fieldset>
      )}
      <fieldset class="arc-group">
        <legend>{t("arcAtTheSource")}</legend>
        <div class="arc-row">
          <Select id="arc-delete" label={t("arcDeleteAtSource")} value={f.deleteAfterArchive}
                  onChange={set("deleteAfterArchive")} options={deleteModes.map((m) => ({ value: m.id, label: t(m.key) }))} />
          {f.deleteAfterArchive === "afterDays" && (
            <Input id="arc-delete-days" label={t("arcDeleteDays")} value={f.deleteAfterDays} onInput={set("deleteAfterDays")}
                   inputMode="numeric" problem={p("deleteAfterDays")} />
          )}
        </div>
        {f.deleteAfterArchive !== "false" && <p class="note warn">{t("arcDeleteWarning")}</p>}
      </fieldset>
    </>
  );
}

/** Automatic runs: on/off, the pause between runs, maintenance windows (also the Automatic runs dialog's fields). */
export function AutomationFields({ f, set, p, idPrefix }) {
  const { t } = useApp();
  const pause = /^\d{1,12}$/.test(String(f.pause).trim()) ? durationText(Number(f.pause)) : null;
  return (
    <fieldset class="arc-group">
      <legend>{t("arcAutomation")}</legend>
      <Check id={idPrefix + "-automatic"} label={t("arcAutomatic")} checked={f.automatic} onChange={set("automatic")}
             hint={t("arcAutomaticHint")} />
      <div class="arc-row two">
        <Input id={idPrefix + "-pause"} label={t("arcPause")} value={f.pause} onInput={set("pause")} inputMode="numeric"
               problem={p("pause")} hint={pause ? t("arcPauseIs", { duration: t(pause.key, pause.vars) }) : t("arcPauseHint")} />
        <Input id={idPrefix + "-windows"} label={t("arcWindows")} value={f.windows} onInput={set("windows")}
               placeholder="22:00-04:00" problem={p("windows")} hint={t("arcWindowsHint")} />
      </div>
    </fieldset>
  );
}
