// Multi-factor login of one user in the side panel: the status from
// GetUserInfo (Disabled, Pending, Active) with what it means, "Require set-up
// at next login" (InitializeMFA), "Turn off" (DisableMFA) and "Delete all app
// passwords" (DeleteAppPasswords), each after asking. Each button is there
// only when the server offers its function.
import "./mfa.css";
import { useState } from "preact/hooks";
import { mfaBadge } from "../../../mfa.js";
import { Badge, ConfirmDialog, useApp, useCall } from "../../../ui.jsx";
import { Section } from "./pieces.jsx";

export function MfaSection({ instanceId, userName, info, reload, onChanged }) {
  const { t, hasFn } = useApp();
  const call = useCall();
  const [asking, setAsking] = useState(null);   // "initialize" | "disable" | "appPasswords"
  const [done, setDone] = useState(null);
  const status = info.mfaStatus || "Disabled";
  const badge = mfaBadge(status);
  const can = { initialize: hasFn("InitializeMFA"), disable: hasFn("DisableMFA"), appPasswords: hasFn("DeleteAppPasswords") };
  if (!can.initialize && !can.disable && !can.appPasswords) return null;

  const act = async (fn, doneText) => {
    await call(fn, { instanceID: instanceId, userName });
    setAsking(null);
    setDone(doneText);
    reload();
    onChanged();
  };
  const explain = status === "Active" ? t("umfaActiveText") : status === "Pending" ? t("umfaPendingText") : t("umfaDisabledText");
  return (
    <Section id="usr-sec-mfa" title={t("umfaTitle")}>
      <p class="umfa-status">
        <span id="usr-mfa-status"><Badge kind={badge.kind}>{t(badge.key)}</Badge></span>
        <span class="muted">{explain}</span>
      </p>
      <div class="usr-save-row umfa-actions">
        {can.initialize && (
          <button type="button" class="ghost" id="usr-e-mfa-init" onClick={() => { setDone(null); setAsking("initialize"); }}>
            {t("umfaInitialize")}</button>
        )}
        {can.disable && status !== "Disabled" && (
          <button type="button" class="ghost danger-text" id="usr-e-mfa-off" onClick={() => { setDone(null); setAsking("disable"); }}>
            {t("umfaDisable")}</button>
        )}
        {can.appPasswords && (
          <button type="button" class="ghost danger-text" id="usr-e-apppw-delete"
                  onClick={() => { setDone(null); setAsking("appPasswords"); }}>{t("umfaDeleteAppPasswords")}</button>
        )}
      </div>
      {done && <p class="ok-line usr-done" id="usr-mfa-done" role="status">{done}</p>}
      <p class="hint">{t("umfaAppPasswordsHint")}</p>

      {asking === "initialize" && (
        <ConfirmDialog title={t("umfaInitializeTitle", { name: userName })} confirmLabel={t("umfaInitialize")}
                       onClose={() => setAsking(null)}
                       onConfirm={() => act("InitializeMFA", t("umfaInitialized", { name: userName }))}>
          <p>{t("umfaInitializeText", { name: userName })}</p>
          <p class="muted">{t("umfaInitializeDevices", { name: userName })}</p>
        </ConfirmDialog>
      )}
      {asking === "disable" && (
        <ConfirmDialog title={t("umfaDisableTitle", { name: userName })} confirmLabel={t("umfaDisable")} danger
                       onClose={() => setAsking(null)}
                       onConfirm={() => act("DisableMFA", t("umfaDisabled", { name: userName }))}>
          <p>{t("umfaDisableText", { name: userName })}</p>
        </ConfirmDialog>
      )}
      {asking === "appPasswords" && (
        <ConfirmDialog title={t("umfaDeleteAppPasswordsTitle", { name: userName })} confirmLabel={t("umfaDeleteAppPasswords")} danger
                       onClose={() => setAsking(null)}
                       onConfirm={() => act("DeleteAppPasswords", t("umfaAppPasswordsDeleted", { name: userName }))}>
          <p>{t("umfaDeleteAppPasswordsText", { name: userName })}</p>
        </ConfirmDialog>
      )}
    </Section>
  );
}
