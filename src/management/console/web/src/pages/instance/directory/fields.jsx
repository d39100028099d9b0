// The Directory tab's form fields (directory.jsx holds the state): the type,
// the connection, how the archive signs in to the directory (the password
// never shown: empty keeps the stored one, or it is cleared), which users it
// reads, and the attributes of the type (Active Directory or generic LDAP).
// A cloud type shows only its groups (names, not DNs); its other fields, like
// Active Directory's openId* ones, are not shown but kept (directory.js).
import { defaultPort, AUTHENTICATION_TYPES, PROTOCOLS, TYPES, USER_NAME_FORMATS, isCloudType, isLdapType } from "../../../directory.js";
import { useApp } from "../../../ui.jsx";
import { TextField } from "../../wizard.jsx";

/** The names of the types, protocols, sign-in ways and user name formats. */
function choiceTexts(t) {
  return {
    type: {
      none: t("dirTypeNone"), activeDirectory: t("dirTypeActiveDirectory"), genericLdap: t("dirTypeGenericLdap"),
      office365OpenIDConnect: t("dirTypeOffice365Oidc"), office365: t("dirTypeOffice365"), googleWorkspace: t("dirTypeGoogle"),
    },
    protocol: { LDAP: t("dirProtocolLdap"), "LDAP-StartTLS": t("dirProtocolStartTls"), LDAPS: t("dirProtocolLdaps") },
    auth: {
      standardAuthentication: [t("dirAuthStandard"), t("dirAuthStandardHelp")],
      anonymous: [t("dirAuthAnonymous"), t("dirAuthAnonymousHelp")],
    },
    format: { samAccountName: t("dirFormatSam"), userPrincipalName: t("dirFormatUpn") },
  };
}

const problemOf = (t, p) => (p ? t(p.key, p.params) : null);

function Check({ id, label, help, checked, onChange, danger = false }) {
  return (
    <div class={"usr-check dir-check" + (danger ? " dir-danger" : "")}>
      <input id={id} type="checkbox" checked={checked} aria-describedby={help ? id + "-help" : undefined}
             onChange={(e) => onChange(e.currentTarget.checked)} />
      <span class="usr-check-text">
        <label for={id} class="usr-check-title">{label}</label>
        {help && <span id={id + "-help"} class="usr-check-help">{help}</span>}
      </span>
    </div>
  );
}

function Select({ id, label, value, options, texts, onChange, hint }) {
  return (
    <div class="field">
      <label for={id}>{label}</label>
      <select id={id} value={value} aria-describedby={hint ? id + "-hint" : undefined}
              onChange={(e) => onChange(e.currentTarget.value)}>
        {options.map((o) => <option key={o} value={o}>{texts[o]}</option>)}
      </select>
      {hint && <p id={id + "-hint"} class="hint">{hint}</p>}
    </div>
  );
}

function TextArea({ id, label, value, onInput, hint, problem, rows = 3 }) {
  const described = [hint && id + "-hint", problem && id + "-state"].filter(Boolean).join(" ") || undefined;
  return (
    <div class="field">
      <label for={id}>{label}</label>
      <textarea id={id} rows={rows} value={value} class="mono" spellcheck={false} aria-describedby={described}
                aria-invalid={problem ? "true" : undefined} onInput={(e) => onInput(e.currentTarget.value)} />
      {hint && <p id={id + "-hint"} class="hint">{hint}</p>}
      {problem && <p id={id + "-state"} class="problem">{problem}</p>}
    </div>
  );
}

/**
 * The form's fields. v: the form (directory.js formOf); set(field)(value);
 * problems: {field: {key, params}} shown once `shown` (after a Save or as typed).
 */
export function DirectoryFields({ v, set, problems, readOnly }) {
  const { t } = useApp();
  const texts = choiceTexts(t);
  const p = (field) => problemOf(t, problems[field]);
  const ldap = isLdapType(v.type);
  return (
    <fieldset class="dir-fields" disabled={readOnly}>
      <legend class="sr-only">{t("dirSettings")}</legend>
      <div class="form-row dir-type-row">
        <Select id="dir-type" label={t("dirType")} value={v.type} options={TYPES} texts={texts.type} onChange={set("type")} />
      </div>
      {v.type === "none" && <p class="note info" id="dir-none-note">{t("dirNoneText")}</p>}
      {isCloudType(v.type) && <p class="note warn" id="dir-cloud-note">{t("dirCloudText")}</p>}
      {isCloudType(v.type) && (
        <fieldset class="group">
          <legend>{t("dirUsers")}</legend>
          <TextArea id="dir-groups" label={t("dirGroups")} value={v.groups} onInput={set("groups")}
                    problem={p("groups")} hint={t("dirGroupsHintCloud")} />
        </fieldset>
      )}

      {ldap && (
        <>
          <fieldset class="group">
            <legend>{t("dirConnection")}</legend>
            <div class="form-row">
              <TextField id="dir-server" label={t("dirServer")} value={v.serverName} onInput={set("serverName")}
                         problem={p("serverName")} hint={t("dirServerHint")} />
              <Select id="dir-protocol" label={t("protocol")} value={v.protocol} options={PROTOCOLS} texts={texts.protocol}
                      onChange={set("protocol")} />
              <TextField id="dir-port" label={t("port")} value={v.port} onInput={set("port")} problem={p("port")}
                         hint={t("dirPortHint", { port: defaultPort(v.protocol) })} />
            </div>
            {v.protocol === "LDAP" && <p class="note warn" id="dir-plain-note">{t("dirPlainWarning")}</p>}
            {v.protocol !== "LDAP" && (
              <>
                <TextArea id="dir-ca" label={t("dirCa")} value={v.caCertificates} onInput={set("caCertificates")}
                          problem={p("caCertificates")} hint={t("dirCaHint")} />
                <Check id="dir-ignore-ssl" label={t("dirIgnoreSsl")} help={t("dirIgnoreSslHelp")} danger
                       checked={v.ignoreSslPolicyErrors} onChange={set("ignoreSslPolicyErrors")} />
              </>
            )}
            <div class="form-row">
              <TextField id="dir-timeout" label={t("dirTimeout")} value={v.timeoutSeconds} onInput={set("timeoutSeconds")}
                         problem={p("timeoutSeconds")} hint={t("dirTimeoutHint")} />
            </div>
          </fieldset>

          <fieldset class="group">
            <legend>{t("dirBind")}</legend>
            <div class="dir-auth" role="radiogroup" aria-label={t("dirBind")}>
              {AUTHENTICATION_TYPES.map((a) => (
                <div class="usr-check" key={a}>
                  <input id={"dir-auth-" + a} type="radio" name="dir-auth" value={a} checked={v.authenticationType === a}
                         aria-describedby={"dir-auth-" + a + "-help"} onChange={() => set("authenticationType")(a)} />
                  <span class="usr-check-text">
                    <label for={"dir-auth-" + a} class="usr-check-title">{texts.auth[a][0]}</label>
                    <span id={"dir-auth-" + a + "-help"} class="usr-check-help">{texts.auth[a][1]}</span>
                  </span>
                </div>
              ))}
            </div>
            {v.authenticationType === "standardAuthentication" && (
              <>
                <div class="form-row usr-two">
                  <TextField id="dir-user" label={t("dirBindUser")} value={v.userName} onInput={set("userName")}
                             problem={p("userName")} hint={v.type === "activeDirectory" ? t("dirBindUserHintAd") : t("dirBindUserHintLdap")} />
                  <TextField id="dir-password" label={t("password")} type="password" value={v.password}
                             onInput={set("password")} problem={p("password")} autocomplete="new-password"
                             hint={v.clearPassword ? t("dirPasswordClearing") : t("dirPasswordHint")} />
                </div>
                <Check id="dir-password-clear" label={t("dirPasswordClear")} help={t("dirPasswordClearHelp")}
                       checked={v.clearPassword} onChange={set("clearPassword")} />
              </>
            )}
          </fieldset>

          <fieldset class="group">
            <legend>{t("dirUsers")}</legend>
            <TextField id="dir-basedn" label={t("dirBaseDn")} value={v.baseDN} onInput={set("baseDN")} mono
                       problem={p("baseDN")} hint={t("dirBaseDnHint")} />
            <TextArea id="dir-groups" label={t("dirGroups")} value={v.groups} onInput={set("groups")}
                      problem={p("groups")} hint={t("dirGroupsHint")} />
            {v.type === "activeDirectory" && (
              <div class="form-row">
                <Select id="dir-name-format" label={t("dirUserNameFormat")} value={v.userNameFormat}
                        options={USER_NAME_FORMATS} texts={texts.format} onChange={set("userNameFormat")}
                        hint={t("dirUserNameFormatHint")} />
              </div>
            )}
            {v.type === "genericLdap" && (
              <>
                <TextField id="dir-user-filter" label={t("dirUserFilter")} value={v.userFilter} onInput={set("userFilter")} mono
                           problem={p("userFilter")} hint={t("dirUserFilterHint")} />
                <div class="form-row">
                  <TextField id="dir-name-attr" label={t("dirUserNameAttribute")} value={v.userNameAttribute} mono
                             onInput={set("userNameAttribute")} problem={p("userNameAttribute")} />
                  <TextField id="dir-full-attr" label={t("dirFullNameAttribute")} value={v.fullNameAttribute} mono
                             onInput={set("fullNameAttribute")} problem={p("fullNameAttribute")} />
                  <TextField id="dir-member-attr" label={t("dirGroupMemberAttribute")} value={v.groupMemberAttribute} mono
                             onInput={set("groupMemberAttribute")} problem={p("groupMemberAttribute")} />
                </div>
                <TextField id="dir-mail-attrs" label={t("dirEmailAttributes")} value={v.emailAttributes} mono
                           onInput={set("emailAttributes")} problem={p("emailAttributes")} hint={t("dirEmailAttributesHint")} />
                <TextField id="dir-disabled-filter" label={t("dirDisabledFilter")} value={v.disabledFilter} mono
                           onInput={set("disabledFilter")} problem={p("disabledFilter")} hint={t("dirDisabledFilterHint")} />
              </>
            )}
            <Check id="dir-enabled-only" label={t("dirEnabledOnly")}
                   help={v.type === "activeDirectory" ? t("dirEnabledOnlyHelpAd") : t("dirEnabledOnlyHelpLdap")}
                   checked={v.enabledUsersOnly} onChange={set("enabledUsersOnly")} />
            {v.type === "activeDirectory" && (
              <Check id="dir-exchange-only" label={t("dirExchangeOnly")} help={t("dirExchangeOnlyHelp")}
                     checked={v.microsoftExchangeUsersOnly} onChange={set("microsoftExchangeUsersOnly")} />
            )}
            {v.type === "activeDirectory" && (
              <Check id="dir-address-lists-only" label={t("dirAddressListsOnly")} help={t("dirAddressListsOnlyHelp")}
                     checked={v.usersVisibleInAddressListsOnly} onChange={set("usersVisibleInAddressListsOnly")} />
            )}
            <Check id="dir-delete-users" label={t("dirDeleteUsers")} help={t("dirDeleteUsersHelp")} danger
                   checked={v.deleteUsers} onChange={set("deleteUsers")} />
          </fieldset>
        </>
      )}
    </fieldset>
  );
}
