// The Archive Access tab of an instance's page: the end users' address (the
// Client Access Server's own Web Access, answered there; by ID and by the
// alias the Overview tab set), Web Access opened in a new tab as
// $archiveadmin through a one-time URL (logged in there, the password gone
// from the address), and service provider archive access turned off and on
// again, each asked first and read back from the server by opening the tab
// anew. Leaves archive access on, as it found it.

async function accessState(page, TIMEOUT) {
  await page.waitForSelector("#acc-state", { timeout: TIMEOUT });
  return page.getAttribute("#acc-state", "data-enabled");
}

// Turns archive access to `on` through the switch and its confirmation.
async function turn(page, on, { view, TIMEOUT }, shot) {
  await page.click("#acc-toggle");
  await page.waitForSelector("dialog[open] [data-confirm]", { timeout: TIMEOUT });
  const text = await page.locator("dialog[open]").innerText();
  if (shot) await view(page, shot);
  await page.click("dialog[open] [data-confirm]");
  await page.waitForSelector(`#acc-state[data-enabled="${on}"]`, { timeout: TIMEOUT });
  await page.waitForSelector("dialog[open]", { state: "detached", timeout: TIMEOUT });
  return text;
}

export async function desktop(page, { id, check, view, openTab, state, settled, TIMEOUT }) {
  check("access: archive access is on at first", await accessState(page, TIMEOUT), "true");
  await page.waitForSelector(".end-user-url", { timeout: TIMEOUT });
  await settled(page);

  // The end users' address: https://<the CAS's Web Access>/<ID>, and /<alias>.
  const urls = await page.locator(".end-user-url").allInnerTexts();
  const byId = new URL(urls[0]);
  check("access: the end-user URL is https on the CAS's Web Access port, path the instance ID",
        [byId.protocol, byId.pathname, byId.port !== "" || byId.hostname !== "127.0.0.1"], ["https:", "/" + id, true]);
  if (state.alias) check("access: the end-user URL by alias", urls.some((u) => new URL(u).pathname === "/" + state.alias), true);
  check("access: the CAS said where its Web Access is (no guess)", await page.locator(".acc-url .hint").count(), 0);
  const answer = await page.context().request.get(urls[0], { ignoreHTTPSErrors: true });
  check("access: the end-user URL answers with Web Access", [answer.status(), /<html/i.test(await answer.text())], [200, true]);
  await view(page, "i-access-desktop");

  // Web Access as $archiveadmin in a new tab.
  const [popup] = await Promise.all([page.waitForEvent("popup", { timeout: TIMEOUT }), page.click("#acc-open")]);
  await popup.waitForSelector("#app-view.admin", { state: "visible", timeout: TIMEOUT });
  const opened = new URL(popup.url());
  check("access: Web Access opened at the end-user URL", opened.origin + opened.pathname.replace(/\/$/, ""), urls[0]);
  check("access: the one-time password left the address", /archiveadmin/.test(popup.url()), false);
  check("access: Web Access is logged in as the archive administrator", await popup.locator("#app-view").getAttribute("class"),
        (c) => /\badmin\b/.test(c));
  check("access: no error in the console after opening", await page.locator(".access .note.error").count(), 0);
  await popup.close();

  // Off: asked (the audit log named), then read back.
  const askOff = await turn(page, false, { view, TIMEOUT }, "i-access-confirm-off");
  check("access: turning off says it is audited", askOff, (s) => /audit log/.test(s));
  check("access: Open Web Access is disabled while access is off", await page.isDisabled("#acc-open"), true);
  check("access: and says why", await page.locator("#acc-open-why").innerText(), (s) => /archive access/i.test(s));
  await view(page, "i-access-off");
  await openTab(page, "overview");
  await openTab(page, "access");
  check("access: off as the server has it", await accessState(page, TIMEOUT), "false");

  // On again, read back.
  await turn(page, true, { view, TIMEOUT });
  await openTab(page, "overview");
  await openTab(page, "access");
  check("access: on again as the server has it", await accessState(page, TIMEOUT), "true");
  check("access: Open Web Access enabled again", await page.isEnabled("#acc-open"), true);
}
