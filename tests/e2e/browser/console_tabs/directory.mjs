// The Directory tab of an instance's page (issue 19; console_instance.mjs runs
// it after Users): the type None at first with the sync waiting; a generic
// LDAP configuration refused as typed (server, bind user, base DN, a bad
// filter), then saved and read back from the server
// (GetDirectoryServicesConfiguration: every field, the password null) and
// from the page opened anew, the password never on the page; Preview against
// a directory server that is not there fails with the server's message in
// place and in the task window; Sync now asks first and names the deletes;
// a cloud type is stored with its note and no sync; the fields typed for LDAP
// survive the switch; None at the end, as it found it. Fields the form does
// not show (openId*, authenticationProtocol, credentialId, redirectUrl, set
// through the API) survive saves from the form; Active Directory's "Only users
// visible in address lists" is ticked, saved and read back; a cloud type's
// groups are names, not DNs.
// With args.ldap ({host, port, baseDN, bindDN, bindPassword, groupDN, users})
// a real directory is used too: Preview lists the users it would create,
// Sync now creates them, and the Users tab lists them.
// On a phone: the form and the sync at 390 px.
import { consoleApi } from "../console_common.mjs";

const BIND_PASSWORD = "Bind-Secret-never-shown-42";
const SAVED = {
  type: "genericLdap", serverName: "127.0.0.1", port: 1, protocol: "LDAPS", ignoreSslPolicyErrors: true,
  authenticationType: "standardAuthentication", userName: "cn=reader,dc=example,dc=com", baseDN: "ou=people,dc=example,dc=com",
  groups: ["cn=staff,ou=groups,dc=example,dc=com", "cn=it,ou=groups,dc=example,dc=com"], deleteUsers: true,
  timeoutSeconds: 3, userFilter: "(objectClass=person)", userNameAttribute: "uid", fullNameAttribute: "cn",
  emailAttributes: ["mail", "mailAlternateAddress"], groupMemberAttribute: "member", disabledFilter: "(pwdAccountLockedTime=*)",
};

async function serverConfig(page, id) {
  const env = await consoleApi(page, "GetDirectoryServicesConfiguration", { instanceID: id });
  return env.statusCode === "succeeded" ? env.result : { failed: env.error };
}

async function closeTasks(page) {
  if (await page.locator("#task-window").count()) await page.click("#task-window .task-window-head .icon-button");
}

// Saves the form; returns "ok: <notice>" or "error: <the server's message>".
async function save(page, { TIMEOUT }) {
  // A change clears the last save's line (the button is disabled without one).
  await page.waitForSelector(".dir-form .note.ok, #dir-save-error", { state: "detached", timeout: TIMEOUT });
  await page.click("#dir-save");
  const said = await page.waitForSelector(".dir-form .note.ok, #dir-save-error", { timeout: TIMEOUT });
  const text = (await said.innerText()).trim();
  return (await said.evaluate((e) => e.id === "dir-save-error")) ? "error: " + text : "ok: " + text;
}

const problem = (page, id) => page.locator(`#${id}-state.problem`).innerText().catch(() => "");
const values = (page, ids) => Promise.all(ids.map((i) => page.inputValue("#" + i)));

async function fillLdap(page) {
  await page.selectOption("#dir-type", "genericLdap");
  await page.fill("#dir-server", SAVED.serverName);
  await page.selectOption("#dir-protocol", SAVED.protocol);
  await page.fill("#dir-port", String(SAVED.port));
  await page.check("#dir-ignore-ssl");
  await page.fill("#dir-timeout", String(SAVED.timeoutSeconds));
  await page.check("#dir-auth-standardAuthentication");
  await page.fill("#dir-user", SAVED.userName);
  await page.fill("#dir-password", BIND_PASSWORD);
  await page.fill("#dir-basedn", SAVED.baseDN);
  await page.fill("#dir-groups", SAVED.groups.join("\n"));
  await page.fill("#dir-user-filter", SAVED.userFilter);
  await page.fill("#dir-mail-attrs", SAVED.emailAttributes.join(", "));
  await page.fill("#dir-disabled-filter", SAVED.disabledFilter);
  await page.check("#dir-delete-users");
}

export async function desktop(page, ctx) {
  const { args, id, check, view, openTab, TIMEOUT } = ctx;
  await page.waitForSelector("#dir-type, #dir-unavailable", { timeout: TIMEOUT });
  check("directory: the server has directory services", await page.locator("#dir-unavailable").count(), 0);
  check("directory: None at first", await page.inputValue("#dir-type"), "none");
  check("directory: None says users are managed here", await page.locator("#dir-none-note").isVisible(), true);
  check("directory: no sync without a directory", [await page.isDisabled("#dir-preview"), await page.isDisabled("#dir-sync")], [true, true]);
  check("directory: and says why", await page.locator("#dir-sync-why").innerText(), (s) => /Active Directory or generic LDAP/.test(s));
  await view(page, "i-directory-none");

  // Generic LDAP: Save with nothing typed shows what is missing, at the fields.
  await page.selectOption("#dir-type", "genericLdap");
  await page.fill("#dir-user-filter", "objectClass=person");
  await page.click("#dir-save");
  await page.waitForSelector("#dir-server-state.problem", { timeout: TIMEOUT });
  check("directory: the server is required", await problem(page, "dir-server"), (s) => /host name/i.test(s));
  check("directory: the bind user is required", await problem(page, "dir-user"), (s) => /bind user/i.test(s));
  check("directory: the base DN is required", await problem(page, "dir-basedn"), (s) => /base DN/i.test(s));
  check("directory: a filter without parentheses is refused", await problem(page, "dir-user-filter"), (s) => /parentheses/i.test(s));
  check("directory: the first field with a problem has the focus", await page.evaluate(() => document.activeElement?.id), "dir-server");
  await page.fill("#dir-server", "ldap://dc1.example.com");
  check("directory: a URL instead of a host is refused as typed", await problem(page, "dir-server"), (s) => /without ldap/i.test(s));
  check("directory: unsaved changes hold the sync", await page.locator("#dir-sync-why").innerText(), (s) => /Save/i.test(s));
  await view(page, "i-directory-problems");

  // Filled in and saved; the certificate opt-out is marked as a danger.
  await fillLdap(page);
  check("directory: the certificate opt-out is marked dangerous",
        [await page.locator(".dir-check.dir-danger:has(#dir-ignore-ssl)").count(), await page.locator("label[for=dir-ignore-ssl]").innerText()],
        (v) => v[0] === 1 && /dangerous/i.test(v[1]));
  check("directory: no problem left", await page.locator(".directory .problem").count(), 0);
  await view(page, "i-directory-form");
  check("directory: generic LDAP saved", await save(page, ctx), (s) => s.startsWith("ok"));
  await page.waitForFunction(() => document.querySelector("#dir-password")?.value === "", null, { timeout: TIMEOUT });
  const stored = await serverConfig(page, id);
  check("directory: the server has every field as typed (GetDirectoryServicesConfiguration)",
        Object.fromEntries(Object.keys(SAVED).map((k) => [k, stored[k]])), SAVED);
  check("directory: the password is never returned", stored.password, null);
  check("directory: the password field is empty after saving", await page.inputValue("#dir-password"), "");
  check("directory: the password is nowhere on the page", (await page.content()).includes(BIND_PASSWORD), false);

  // Opened anew: the page reads the saved settings back.
  await openTab(page, "users");
  await openTab(page, "directory");
  await page.waitForSelector("#dir-server", { timeout: TIMEOUT });
  check("directory: read back on the page",
        await values(page, ["dir-type", "dir-server", "dir-protocol", "dir-port", "dir-timeout", "dir-user", "dir-password",
                            "dir-basedn", "dir-groups", "dir-user-filter", "dir-mail-attrs", "dir-disabled-filter"]),
        ["genericLdap", "127.0.0.1", "LDAPS", "1", "3", SAVED.userName, "", SAVED.baseDN, SAVED.groups.join("\n"),
         SAVED.userFilter, "mail, mailAlternateAddress", SAVED.disabledFilter]);
  check("directory: the boxes read back", [await page.isChecked("#dir-ignore-ssl"), await page.isChecked("#dir-delete-users")], [true, true]);
  check("directory: nothing to save after reading", await page.isDisabled("#dir-save"), true);

  // Preview against a server that is not there: the server's message in place, the task failed.
  check("directory: the sync is offered once saved", await page.isDisabled("#dir-preview"), false);
  await page.click("#dir-preview");
  await page.waitForSelector("#dir-sync-error", { timeout: 60000 });
  check("directory: Preview against no server says why", await page.locator("#dir-sync-error").innerText(), (s) => s.trim().length > 10);
  check("directory: the preview is in the task window",
        await page.locator("#task-window .task", { hasText: "Preview of the directory sync" }).count(), (n) => n >= 1);
  await view(page, "i-directory-preview-failed");
  await closeTasks(page);

  // Sync now asks first, and says it deletes (deleteUsers is on); cancelled here.
  await page.click("#dir-sync");
  await page.waitForSelector("dialog[open] [data-confirm]", { timeout: TIMEOUT });
  check("directory: Sync now asks and names the deletes",
        await page.locator("dialog[open] .dialog-body").innerText(), (s) => /deleted/i.test(s) && /archives stay/i.test(s));
  await view(page, "i-directory-sync-confirm");
  await page.click("dialog[open] .dialog-actions button.ghost");
  await page.waitForSelector("dialog[open]", { state: "detached", timeout: TIMEOUT });

  // The stored password cleared (the server still answers null).
  await page.check("#dir-password-clear");
  check("directory: clearing the password is said at the field", await page.locator("#dir-password-hint").innerText(), (s) => /deleted/i.test(s));
  check("directory: the password cleared", await save(page, ctx), (s) => s.startsWith("ok"));
  check("directory: still no password returned", (await serverConfig(page, id)).password, null);

  // Fields the form does not show, set through the API, survive a save from the form.
  const HIDDEN = {
    authenticationProtocol: "networkAuthentication", openIdDiscoveryUrl: "https://adfs.example.com/adfs/.well-known/openid-configuration",
    openIdClientID: "c0ffee-42", openIdRedirectUrl: "https://cas.example.com/oidc/signin", openIdForceAdfsLogin: true,
    credentialId: "cred-7", licensedExchangeOnlineUsersOnly: true, redirectUrl: "https://cas.example.com/i/oidc/signin",
  };
  const { password: _none, ...before } = await serverConfig(page, id);  // eslint-disable-line no-unused-vars
  const set = await consoleApi(page, "SetDirectoryServicesConfiguration",
                               { instanceID: id, config: { ...before, ...HIDDEN, type: "activeDirectory", usersVisibleInAddressListsOnly: false } });
  check("directory: the hidden fields set through the API", set.statusCode, "succeeded");
  await openTab(page, "users");
  await openTab(page, "directory");
  await page.waitForSelector("#dir-address-lists-only", { timeout: TIMEOUT });
  check("directory: Active Directory offers 'Only users visible in address lists', off",
        [await page.locator("label[for=dir-address-lists-only]").innerText(), await page.isChecked("#dir-address-lists-only")],
        (v) => /Only users visible in address lists/.test(v[0]) && v[1] === false);
  await page.check("#dir-address-lists-only");
  check("directory: the address-list box saved", await save(page, ctx), (s) => s.startsWith("ok"));
  const ad = await serverConfig(page, id);
  check("directory: the server has usersVisibleInAddressListsOnly", ad.usersVisibleInAddressListsOnly, true);
  check("directory: the fields the form does not show are kept by its save",
        Object.fromEntries(Object.keys(HIDDEN).map((k) => [k, ad[k]])), HIDDEN);
  await openTab(page, "users");
  await openTab(page, "directory");
  await page.waitForSelector("#dir-address-lists-only", { timeout: TIMEOUT });
  check("directory: the address-list box reads back ticked", await page.isChecked("#dir-address-lists-only"), true);

  // A cloud type: stored, with its note, no sync; the LDAP fields survive the switch.
  await page.selectOption("#dir-type", "office365");
  check("directory: a cloud type says it needs a cloud connection", await page.locator("#dir-cloud-note").innerText(),
        (s) => /cloud connection/i.test(s));
  await page.fill("#dir-groups", "Staff\nsales@example.com");
  check("directory: Microsoft 365 with group names saved", await save(page, ctx), (s) => s.startsWith("ok"));
  check("directory: a cloud type's groups are names, not DNs", await page.locator("#dir-groups-state.problem").count(), 0);
  const cloud = await serverConfig(page, id);
  check("directory: the server has the cloud type, its group names and its hidden fields",
        [cloud.type, cloud.groups, cloud.credentialId, cloud.redirectUrl, cloud.openIdClientID],
        ["office365", ["Staff", "sales@example.com"], HIDDEN.credentialId, HIDDEN.redirectUrl, HIDDEN.openIdClientID]);
  await page.waitForSelector("#dir-sync-why", { timeout: TIMEOUT });
  check("directory: no sync for a cloud type, and why", [await page.isDisabled("#dir-preview"), await page.locator("#dir-sync-why").innerText()],
        (v) => v[0] === true && /cloud connection/i.test(v[1]));
  await view(page, "i-directory-cloud");
  await page.selectOption("#dir-type", "genericLdap");
  check("directory: the LDAP fields are kept through the cloud type", await values(page, ["dir-server", "dir-basedn"]),
        [SAVED.serverName, SAVED.baseDN]);

  if (args.ldap) await realDirectory(page, ctx);

  // As it was found: None.
  await page.selectOption("#dir-type", "none");
  check("directory: None saved again", await save(page, ctx), (s) => s.startsWith("ok"));
  check("directory: the server has None", (await serverConfig(page, id)).type, "none");
}

// A real directory (args.ldap): Preview lists who would be created, Sync now creates them.
async function realDirectory(page, ctx) {
  const { args, check, view, openTab, TIMEOUT } = ctx;
  const l = args.ldap;
  await page.selectOption("#dir-type", "genericLdap");
  await page.fill("#dir-server", l.host);
  await page.selectOption("#dir-protocol", "LDAP");
  await page.fill("#dir-port", String(l.port));
  await page.fill("#dir-timeout", "10");
  await page.fill("#dir-user", l.bindDN);
  await page.fill("#dir-password", l.bindPassword);
  await page.fill("#dir-basedn", l.baseDN);
  await page.fill("#dir-groups", l.groupDN || "");
  await page.fill("#dir-user-filter", "(objectClass=inetOrgPerson)");
  await page.fill("#dir-mail-attrs", "mail");
  await page.fill("#dir-disabled-filter", "");
  await page.uncheck("#dir-delete-users");
  check("directory: the real directory saved", await save(page, ctx), (s) => s.startsWith("ok"));
  await page.waitForFunction(() => !document.querySelector("#dir-preview")?.disabled, null, { timeout: TIMEOUT });
  await page.click("#dir-preview");
  await page.waitForSelector("#dir-result, #dir-sync-error", { timeout: 60000 });
  check("directory: the preview has a result", await page.locator("#dir-sync-error").count(), 0);
  const wouldCreate = await page.$$eval('#dir-result [data-group=created] li[data-user]', (l) => l.map((e) => e.dataset.user));
  check("directory: the preview lists the users it would create", wouldCreate.sort(), [...l.users].sort());
  check("directory: the preview says nothing was changed", await page.locator("#dir-result h3").innerText(), (s) => /nothing was changed/i.test(s));
  check("directory: the preview's summary", await page.locator("#dir-result .note").innerText(), (s) => /Would create 2\b/.test(s));
  check("directory: the result is brought into view", await page.locator("#dir-result h3").isVisible(), true);
  await closeTasks(page);
  await view(page, "i-directory-preview");
  await page.click("#dir-sync");
  await page.waitForSelector("dialog[open] [data-confirm]", { timeout: TIMEOUT });
  await page.click("dialog[open] [data-confirm]");
  await page.waitForSelector('#dir-result[data-dry-run="false"], #dir-sync-error', { timeout: 60000 });
  const created = await page.$$eval('#dir-result [data-group=created] li[data-user]', (l) => l.map((e) => e.dataset.user));
  check("directory: Sync now created the users", created.sort(), [...l.users].sort());
  check("directory: the created users' DNs are listed", await page.locator("#dir-result [data-group=created]").innerText(),
        (s) => l.users.every((u) => s.includes(`uid=${u},${l.baseDN}`)));
  await closeTasks(page);
  await view(page, "i-directory-synced");

  // Again: nothing to change now.
  await page.click("#dir-preview");
  await page.waitForFunction(() => /No user needs a change/.test(document.querySelector("#dir-result")?.innerText || ""), null,
                             { timeout: 60000 });
  check("directory: a second preview finds nothing to change", await page.locator("#dir-result .note").innerText(),
        (s) => /unchanged/.test(s) && /Would create 0\b/.test(s));
  await closeTasks(page);
  await openTab(page, "users");
  await page.waitForSelector(".users-table tbody tr", { timeout: TIMEOUT });
  const listed = await page.$$eval(".users-table tbody tr", (rows) => rows.map((r) => r.dataset.user));
  check("directory: the Users tab lists the synchronised users", l.users.every((u) => listed.includes(u)), true);
  await openTab(page, "directory");
  await page.waitForSelector("#dir-type", { timeout: TIMEOUT });
}

export async function phone(page, ctx) {
  const { check, view, TIMEOUT } = ctx;
  await page.waitForSelector("#dir-type", { timeout: TIMEOUT });
  const fits = () => page.evaluate(() => {
    const main = document.querySelector("main");
    return document.documentElement.scrollWidth <= innerWidth && main.scrollWidth <= main.clientWidth;
  });
  await page.selectOption("#dir-type", "activeDirectory");
  await page.selectOption("#dir-protocol", "LDAP-StartTLS");
  await page.waitForSelector("#dir-name-format", { timeout: TIMEOUT });
  check("directory (phone): the Active Directory form fits 390 px", await fits(), true);
  check("directory (phone): Active Directory asks for the user name format", await page.locator("#dir-exchange-only").isVisible(), true);
  await view(page, "i-directory-phone-form");
  await page.locator("#dir-delete-users").scrollIntoViewIfNeeded();
  await view(page, "i-directory-phone-users");
  await page.click("#dir-reset");
  check("directory (phone): Undo goes back to what is stored", await page.inputValue("#dir-type"), "none");
  await page.locator("#dir-sync-title").scrollIntoViewIfNeeded();
  check("directory (phone): the sync fits 390 px", await fits(), true);
  await view(page, "i-directory-phone-sync");
}
