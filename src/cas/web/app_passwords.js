// App passwords on the Settings page: what they are for and where a mail
// program logs in, the list (name, created, last used; Delete after a
// question), and "Create app password": a name, then the password shown once
// in the dialog with a Copy button (the page forgets it when the dialog
// closes; the instance keeps only its hash).
import { api } from "./api.js";
import { formatMoment } from "./dates.js";
import { $, el } from "./dom.js";
import { showError, withLoading } from "./feedback.js";
import { errorText, t } from "./i18n.js";
import { wireCopy } from "./mfa_secret.js";

const MAX_NAME = 64;
let reload = async () => {};
let deleting = null;  // the {id, name} the question is about

function cell(label, text, cls = "") {
  const td = el("td", cls, text);
  td.dataset.label = label;  // the column's name, shown beside the value on a phone
  return td;
}

// Draws the app passwords of a "settings" answer.
export function drawAppPasswords(d) {
  $("ap-section").hidden = false;
  $("ap-mfa").hidden = d.mfaStatus !== "Active";
  const instance = location.pathname.split("/").filter(Boolean)[0] || "";
  $("ap-where").textContent = t("apWhere", { server: location.hostname, login: instance + "/" + d.userName });
  const list = Array.isArray(d.appPasswords) ? d.appPasswords : [];
  $("ap-rows").replaceChildren(...list.map((p) => {
    const remove = el("button", "ghost small", t("apDelete"));
    remove.type = "button";
    remove.setAttribute("aria-label", t("apDeleteLabel", { name: p.name }));
    remove.addEventListener("click", () => askDelete(p));
    const row = el("tr", "",
      el("th", "ap-name", p.name),
      cell(t("apCreated"), formatMoment(p.created)),
      cell(t("apLastUsed"), p.lastUsed ? formatMoment(p.lastUsed) : t("never")),
      el("td", "ap-actions", remove));
    row.firstChild.scope = "row";
    row.dataset.id = p.id;
    return row;
  }));
  $("ap-table").hidden = !list.length;
  $("ap-none").hidden = !!list.length;
}

function openCreate() {
  $("ap-name").value = "";
  showError($("ap-name-error"), "", $("ap-name"));
  $("ap-done").hidden = true;
  $("ap-name-form").hidden = false;
  $("ap-shown").hidden = true;
  $("ap-dialog").setAttribute("aria-labelledby", "ap-dialog-title");
  $("ap-dialog").showModal();
  $("ap-name").focus();
}

async function create(ev) {
  ev.preventDefault();
  const field = $("ap-name"), box = $("ap-name-error");
  const name = field.value.trim();
  if (!name || [...name].length > MAX_NAME) return showError(box, errorText({ code: "appPasswordName" }, ""), field);
  const button = $("ap-name-create");
  button.disabled = true;
  let answer;
  try {
    answer = await withLoading(api("appPasswordCreate", { name }));
  } catch (e) {
    return showError(box, e.message, field);
  } finally {
    button.disabled = false;
  }
  $("ap-password").textContent = answer.password;
  $("ap-copied").textContent = "";
  $("ap-shown-for").textContent = t("apShownFor", { name: answer.name || name });
  $("ap-name-form").hidden = true;
  $("ap-shown").hidden = false;
  $("ap-dialog").setAttribute("aria-labelledby", "ap-shown-title");
  $("ap-shown-title").focus();
  await reload();  // the list has it now (without the password)
}

function askDelete(p) {
  deleting = p;
  $("ap-delete-text").textContent = t("apDeleteText", { name: p.name });
  showError($("ap-delete-error"), "");
  $("ap-done").hidden = true;
  $("ap-delete-dialog").showModal();
  $("ap-delete-cancel").focus();
}

async function confirmDelete() {
  const p = deleting;
  const button = $("ap-delete-confirm");
  button.disabled = true;
  try {
    await withLoading(api("appPasswordDelete", { id: p.id }));
  } catch (e) {
    if (e.code !== "noSuchAppPassword") return showError($("ap-delete-error"), e.message);
    $("ap-delete-dialog").close();  // gone already: the list shows what is there
    showError($("ap-error"), e.message);
    return reload();
  } finally {
    button.disabled = false;
  }
  $("ap-delete-dialog").close();
  $("ap-done").textContent = t("apDeleted", { name: p.name });
  $("ap-done").hidden = false;
  await reload();
  $("ap-create").focus();
}

// `reloadSettings()` asks for the settings again and draws them.
export function wireAppPasswords(reloadSettings) {
  reload = reloadSettings;
  $("ap-create").addEventListener("click", openCreate);
  $("ap-name-form").addEventListener("submit", create);
  $("ap-name-cancel").addEventListener("click", () => $("ap-dialog").close());
  // Shown once: forgotten at once on Done (the dialog's "close" event comes a task later), and
  // on any other way out (Escape).
  const forget = () => { $("ap-password").textContent = ""; };
  $("ap-shown-done").addEventListener("click", () => { forget(); $("ap-dialog").close(); });
  $("ap-dialog").addEventListener("close", () => {
    forget();
    $("ap-create").focus();
  });
  wireCopy($("ap-copy"), () => $("ap-password").textContent.replace(/\s+/g, ""), $("ap-copied"), $("ap-password"));
  $("ap-delete-cancel").addEventListener("click", () => $("ap-delete-dialog").close());
  $("ap-delete-confirm").addEventListener("click", confirmDelete);
  $("ap-name").addEventListener("input", () => {
    if ($("ap-name").hasAttribute("aria-invalid")) showError($("ap-name-error"), "", $("ap-name"));
  });
}
