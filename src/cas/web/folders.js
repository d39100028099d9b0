// The folder tree: each archive the user may read with its root ("All
// folders") and its folders; the menu button that shows it on a phone.
import { api } from "./api.js";
import { $, el } from "./dom.js";
import { withLoading } from "./feedback.js";
import { t } from "./i18n.js";
import { setListStatus } from "./list.js";
import { addressOf } from "./router.js";
import { app } from "./state.js";

// Asks for the tree and keeps it (app.archives, app.folderInfo); an error
// is shown in the list.
export async function loadFolders() {
  try {
    const answer = await withLoading(api("folders"), $("folders"));
    app.archives = answer.archives || [];
  } catch (e) {
    app.archives = [];
    setListStatus("error", e.message);
  }
  app.folderInfo = new Map();
  for (const a of app.archives) {
    app.folderInfo.set(a.archive, { archive: a.archive, name: a.archive, root: true, hasChildren: a.folders.length > 0,
                                    sent: false, own: a.own, empty: a.folders.length === 0 });
    for (const f of a.folders) app.folderInfo.set(f.path, { ...f, archive: a.archive, own: a.own });
  }
}

// The Inbox of the user's own archive (or of the first), else its root.
export function defaultFolder() {
  const own = app.archives.find((a) => a.own) || app.archives[0];
  if (!own) return "";
  const inbox = own.folders.find((f) => f.depth === 1 && f.name.toLowerCase() === "inbox");
  return inbox ? inbox.path : own.archive;
}

function archiveLabel(a) { return a.own ? t("myArchive") : a.archive; }

export function drawFolders() {
  const tree = $("folder-tree");
  tree.replaceChildren();
  if (!app.archives.length) {
    tree.append(el("p", "muted pad", t("noArchives")));
    return;
  }
  let othersShown = false;
  for (const a of app.archives) {
    if (!a.own && !othersShown) {
      tree.append(el("p", "group", app.archives.some((x) => x.own) ? t("otherArchives") : t("archives")));
      othersShown = true;
    } else if (a.own) {
      tree.append(el("p", "group", t("myArchive")));
    }
    const list = el("ul", "tree");
    list.setAttribute("aria-label", archiveLabel(a));
    list.append(folderItem(a.archive, a.own ? t("allFolders") : t("allFoldersOf", { archive: a.archive }), 0, true));
    for (const f of a.folders) list.append(folderItem(f.path, f.name, f.depth, false, f));
    tree.append(list);
  }
}

function folderItem(path, label, depth, root, f = {}) {
  const a = el("a", "folder" + (root ? " root" : "") + (f.sent ? " sent" : ""), label);
  // A folder shows its own messages; the archive's root, and a folder that
  // only holds others, those of the folders below too.
  a.href = addressOf({ ...app.view, f: path, p: "1", m: "", s: root || !f.hasMessages ? "1" : "0" });
  a.style.setProperty("--depth", depth);
  a.title = path;
  if (app.view && app.view.f === path) a.setAttribute("aria-current", "true");
  a.addEventListener("click", () => {
    $("folders").classList.remove("shown");
    $("menu").setAttribute("aria-expanded", "false");
  });
  return el("li", "", a);
}

// "Inbox › Projects" for a folder path, without the archive.
export function folderLabel(path) {
  const info = app.folderInfo.get(path);
  if (!info) return path;
  if (info.root) return info.own ? t("allFolders") : t("allFoldersOf", { archive: info.archive });
  return path.split("/").slice(1).join(" \u203a ");
}

export function wireFolders() {
  $("menu").addEventListener("click", () => {
    const open = $("folders").classList.toggle("shown");
    $("menu").setAttribute("aria-expanded", String(open));
    if (open) { const a = $("folders").querySelector("a[aria-current]") || $("folders").querySelector("a"); if (a) a.focus(); }
  });
}
