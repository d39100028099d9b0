// Web Access: the single-page application the CAS serves at
// https://<cas>/<instance ID or alias>/. It talks JSON to ./api/<op> (the
// CAS passes every request to the instance); the session is an HttpOnly
// cookie, and every request but login carries the CSRF token the instance
// gave at login in the X-CSRF-Token header.
"use strict";

const base = location.pathname.replace(/\/+$/, "") + "/";  // /<instance>/
const $ = (id) => document.getElementById(id);
const PAGE = 50;
let csrf = "";
let state = { folder: "", query: "", after: "", before: "", sort: "date", offset: 0, total: 0 };

async function api(op, body = {}) {
  const res = await fetch(base + "api/" + op, {
    method: "POST",
    credentials: "same-origin",
    headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
    body: JSON.stringify(body),
  });
  let data = {};
  try { data = await res.json(); } catch (e) { data = { error: "The server sent an unreadable answer." }; }
  if (res.status === 401 && op !== "login" && op !== "session") showLogin("Your session has ended; log in again.");
  if (!res.ok) throw new Error(data.error || ("The request failed (" + res.status + ")."));
  return data;
}

function text(el, value) { el.textContent = value || ""; }
function formatDate(epoch) {
  if (!epoch) return "";
  return new Date(epoch * 1000).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
}
function formatSize(n) {
  if (n < 1024) return n + " B";
  if (n < 1024 * 1024) return Math.round(n / 1024) + " KB";
  return (n / 1024 / 1024).toFixed(1) + " MB";
}

function showLogin(message) {
  csrf = "";
  $("app-view").hidden = true;
  $("login-view").hidden = false;
  $("who").hidden = $("logout").hidden = $("menu").hidden = true;
  const err = $("login-error");
  err.hidden = !message;
  text(err, message);
  $("user").focus();
}

async function showApp(user) {
  $("login-view").hidden = true;
  $("app-view").hidden = false;
  $("who").hidden = $("logout").hidden = $("menu").hidden = false;
  text($("who"), user);
  await loadFolders();
}

async function loadFolders() {
  const nav = $("folders");
  nav.replaceChildren();
  const { folders: all } = await api("folders");
  // The user's own folders first, then the other archives they may read.
  const others = (f) => f.name.startsWith("Other Users");
  const folders = all.filter((f) => !others(f)).concat(all.filter(others));
  let group = null;
  for (const f of folders) {
    const others = f.name.startsWith("Other Users");
    if (others && group !== "others") {
      const g = document.createElement("div");
      g.className = "group";
      g.textContent = "Other archives";
      nav.append(g);
      group = "others";
    }
    if (f.name === "Other Users") continue;
    const parts = f.name.replace(/^Other Users\//, "").split("/");
    const a = document.createElement("a");
    a.href = "#";
    a.textContent = parts[parts.length - 1];
    a.title = f.name;
    a.style.paddingLeft = 16 + 14 * (parts.length - 1) + "px";
    if (!f.path) a.classList.add("muted");
    a.addEventListener("click", (ev) => {
      ev.preventDefault();
      if (!f.path) return;
      for (const x of nav.querySelectorAll("a.active")) x.classList.remove("active");
      a.classList.add("active");
      nav.classList.remove("open");
      state = { ...state, folder: f.path, offset: 0 };
      runSearch();
    });
    nav.append(a);
  }
  const first = nav.querySelector("a[title='Inbox']") || nav.querySelector("a");
  if (first) first.click();
}

async function runSearch() {
  const err = $("search-error");
  err.hidden = true;
  const list = $("hits");
  try {
    const r = await api("search", {
      query: state.query, folder: state.folder, after: state.after, before: state.before, sort: state.sort,
      offset: state.offset, limit: PAGE, zoneOffsetSeconds: -new Date().getTimezoneOffset() * 60,
    });
    state.total = r.total;
    list.replaceChildren();
    if (!r.hits.length) {
      const li = document.createElement("li");
      li.className = "empty";
      li.textContent = "No messages found.";
      list.append(li);
    }
    for (const h of r.hits) {
      const li = document.createElement("li");
      li.dataset.message = h.messageID;
      const top = document.createElement("div");
      top.className = "top";
      const from = document.createElement("span");
      from.className = "from";
      from.textContent = h.from || "(no sender)";
      const date = document.createElement("span");
      date.textContent = formatDate(h.date);
      top.append(from, date);
      const subject = document.createElement("div");
      subject.className = "subject" + (h.hasAttachments ? " clip" : "");
      subject.textContent = h.subject || "(no subject)";
      li.append(top, subject);
      li.addEventListener("click", () => {
        for (const x of list.querySelectorAll("li.active")) x.classList.remove("active");
        li.classList.add("active");
        openMessage(h.storeID, h.messageID);
      });
      list.append(li);
    }
    const scope = state.folder ? "in " + state.folder.replace(/^[^/]+\//, "") : "in all archives";
    text($("scope"), (state.query ? "Results for \u201c" + state.query + "\u201d " : "Messages ") + scope);
    const last = Math.min(state.offset + r.hits.length, r.total);
    text($("range"), r.total ? (state.offset + 1) + "\u2013" + last + " of " + (r.totalIsEstimate ? "about " : "") + r.total : "");
    $("prev").disabled = state.offset === 0;
    $("next").disabled = last >= r.total;
  } catch (e) {
    err.hidden = false;
    text(err, e.message);
  }
}

function download(op, params) {
  const q = new URLSearchParams({ ...params, csrf });
  return base + "api/" + op + "?" + q.toString();
}

async function openMessage(storeID, messageID) {
  const m = await api("message", { storeID, messageID });
  $("message").hidden = false;
  $("placeholder").hidden = true;
  $("app-view").classList.add("reading");
  text($("m-subject"), m.subject || "(no subject)");
  text($("m-from"), m.from);
  text($("m-to"), m.to);
  text($("m-cc"), m.cc);
  for (const el of document.querySelectorAll(".cc")) el.hidden = !m.cc;
  text($("m-date"), formatDate(m.date));
  text($("m-folder"), m.folder);
  $("download").href = download("download", { storeID, messageID });
  const atts = $("m-attachments");
  atts.replaceChildren();
  for (const a of m.attachments) {
    const li = document.createElement("li");
    const link = document.createElement("a");
    link.href = download("attachment", { storeID, messageID, index: a.index });
    link.textContent = a.name + " (" + formatSize(a.size) + ")";
    li.append(link);
    atts.append(li);
  }
  const remote = $("m-remote");
  remote.hidden = !m.remoteContentRemoved;
  text(remote, m.remoteContentRemoved === 1 ? "1 remote image or style was not loaded, to protect your privacy."
                                            : m.remoteContentRemoved + " remote images or styles were not loaded, to protect your privacy.");
  const frame = $("m-html");
  const pre = $("m-text");
  if (m.html) {
    // Sanitised by the server; shown besides in a sandbox without scripts under a policy
    // that blocks remote content (images, styles, fonts from elsewhere).
    const policy = "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; img-src data:; style-src 'unsafe-inline'\">";
    frame.srcdoc = policy + "<base target=\"_blank\">" + m.html;
    frame.hidden = false;
    pre.hidden = true;
  } else {
    frame.hidden = true;
    frame.srcdoc = "";
    pre.hidden = false;
    text(pre, m.text);
  }
}

$("login").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  const button = $("login-button");
  button.disabled = true;
  try {
    const r = await api("login", { userName: $("user").value, password: $("password").value });
    csrf = r.csrfToken;
    $("password").value = "";
    await showApp(r.userName);
  } catch (e) {
    showLogin(e.message);
  } finally {
    button.disabled = false;
  }
});

$("search").addEventListener("submit", (ev) => {
  ev.preventDefault();
  state = { ...state, query: $("query").value.trim(), after: $("after").value, before: $("before").value,
            sort: $("sort").value, offset: 0 };
  runSearch();
});
$("prev").addEventListener("click", () => { state.offset = Math.max(0, state.offset - PAGE); runSearch(); });
$("next").addEventListener("click", () => { state.offset += PAGE; runSearch(); });
$("back").addEventListener("click", () => $("app-view").classList.remove("reading"));
$("menu").addEventListener("click", () => $("folders").classList.toggle("open"));
$("logout").addEventListener("click", async () => {
  try { await api("logout"); } catch (e) { /* the session is gone either way */ }
  showLogin("");
});

(async () => {
  // A one-time link for the archive administrator: #archiveadmin=<password>.
  const otp = location.hash.match(/^#archiveadmin=([0-9a-f]+)$/);
  if (otp) {
    history.replaceState(null, "", location.pathname);  // the password leaves the address bar at once
    try {
      const r = await api("login", { oneTimePassword: otp[1] });
      csrf = r.csrfToken;
      await showApp(r.userName);
    } catch (e) {
      showLogin(e.message);
    }
    return;
  }
  try {
    const r = await api("session");
    csrf = r.csrfToken;
    await showApp(r.userName);
  } catch (e) {
    showLogin("");
  }
})();
