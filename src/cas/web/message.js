// The message pane: headers, attachments, the body (HTML in a sandboxed
// frame with the search's words marked and its links taken over; plain text
// with quotes), remote images on request, and the conversation.
import { api, downloadUrl } from "./api.js";
import { $, el, names } from "./dom.js";
import { announce, withLoading } from "./feedback.js";
import { fmtDate, fmtSize, t } from "./i18n.js";
import { linkClick } from "./links.js";
import { keyOf, markOpen } from "./list.js";
import { appendMarked, renderPlain, termPattern } from "./marking.js";
import { addressOf, navigate } from "./router.js";
import { app } from "./state.js";

let messageSeq = 0;

export function closeMessage() {
  app.openKey = "";
  ++messageSeq;
  $("message").hidden = true;
  $("message-status").hidden = true;
  $("placeholder").hidden = false;
  $("app-view").classList.remove("reading");
  markOpen();
}

export async function openMessage(key, remoteImages = false) {
  const [storeID, messageID] = key.split(".").map(Number);
  if (!(storeID >= 0 && messageID >= 0)) { closeMessage(); return; }
  const seq = ++messageSeq;
  app.openKey = key;
  markOpen();
  $("app-view").classList.add("reading");
  $("placeholder").hidden = true;
  const status = $("message-status");
  try {
    const m = await withLoading(api("message", { storeID, messageID, remoteImages }), $("reader"));
    if (seq !== messageSeq) return;
    status.hidden = true;
    drawMessage(m, storeID, messageID);
    $("reader").scrollTop = 0;
    if (window.matchMedia("(max-width: 900px)").matches) $("m-subject").focus({ preventScroll: true });
    announce(t("messageOpened", { subject: m.subject || t("noSubject") }));
    loadConversation(storeID, messageID, seq);
  } catch (e) {
    if (seq !== messageSeq) return;
    $("message").hidden = true;
    status.hidden = false;
    status.className = "list-status error";
    status.setAttribute("role", "alert");
    status.textContent = e.message;
  }
}

function drawMessage(m, storeID, messageID) {
  $("message").hidden = false;
  $("m-subject").textContent = m.subject || t("noSubject");
  $("m-from").textContent = m.from;
  $("m-to").textContent = m.to;
  $("m-cc").textContent = m.cc;
  for (const x of document.querySelectorAll(".cc")) x.hidden = !m.cc;
  $("m-date").textContent = fmtDate(m.date, true);
  $("m-folder").textContent = m.folder;
  $("download").href = downloadUrl("download", { storeID, messageID });
  const atts = $("m-attachments");
  atts.replaceChildren();
  for (const a of m.attachments) {
    const link = el("a", "", a.name + " (" + fmtSize(a.size) + ")");
    link.href = downloadUrl("attachment", { storeID, messageID, index: a.index });
    atts.append(el("li", "", link));
  }
  atts.hidden = !m.attachments.length;
  const removed = m.remoteContentRemoved || 0;
  $("m-remote").hidden = !removed;
  $("m-remote-text").textContent = t("remoteRemoved", { n: removed });
  $("remote-images").hidden = !removed;
  const pattern = termPattern(app.results.terms);
  const frame = $("m-html");
  const plain = $("m-text");
  if (m.html) {
    // Sanitised by the server; shown in a sandbox without scripts and under
    // a policy that loads nothing remote. The frame shares the page's
    // origin (no scripts run in it) so that this page marks the search's
    // words in it and asks before a link opens.
    const images = m.remoteImagesShown ? "img-src data: 'self'" : "img-src data:";
    const head = "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; " + images +
                 "; style-src 'unsafe-inline'\"><base target=\"_blank\"><style>body{font:15px/1.5 system-ui,sans-serif;" +
                 "color:#1d2733;margin:8px;overflow-wrap:anywhere}mark{background:#ffe58a;color:inherit}</style>";
    frame.onload = () => prepareFrame(frame, pattern);
    frame.srcdoc = head + m.html;
    frame.hidden = false;
    plain.hidden = true;
  } else {
    frame.onload = null;
    frame.hidden = true;
    frame.srcdoc = "";
    plain.hidden = false;
    plain.replaceChildren(renderPlain(m.text || "", pattern));
    for (const a of plain.querySelectorAll("a.ext")) a.addEventListener("click", linkClick);
  }
  $("conversation").hidden = true;
}

function prepareFrame(frame, pattern) {
  const doc = frame.contentDocument;
  if (!doc || !doc.body) return;
  if (pattern) {
    const walker = doc.createTreeWalker(doc.body, NodeFilter.SHOW_TEXT);
    const nodes = [];
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      pattern.lastIndex = 0;
      if (pattern.test(n.data)) nodes.push(n);
    }
    for (const n of nodes) {
      const span = doc.createDocumentFragment();
      appendMarked(doc, span, n.data, pattern);
      n.replaceWith(span);
    }
  }
  doc.addEventListener("click", linkClick, true);
  doc.addEventListener("auxclick", linkClick, true);  // the middle button too
  const fit = () => { frame.style.height = Math.max(160, doc.documentElement.scrollHeight + 4) + "px"; };
  fit();
  setTimeout(fit, 300);
}

async function loadConversation(storeID, messageID, seq) {
  try {
    const r = await withLoading(api("thread", { storeID, messageID }), $("conversation"));
    if (seq !== messageSeq || !r.messages || r.messages.length < 2) return;
    $("conversation-title").textContent = t("conversationN", { n: r.messages.length });
    const list = $("conversation-list");
    list.replaceChildren();
    for (const c of r.messages) {
      const key = keyOf(c);
      const who = c.sent ? t("toNames", { names: names(c.to) }) : names(c.from) || t("noSender");
      const a = el("a", "", el("span", "who", who), el("span", "date", fmtDate(c.date)),
                   el("span", "subject", c.subject || t("noSubject")));
      a.href = addressOf({ ...app.view, m: key });
      if (c.current) a.setAttribute("aria-current", "true");
      list.append(el("li", c.current ? "current" : "", a));
    }
    $("conversation").hidden = false;
  } catch (e) {
    /* the message is shown; its conversation is not essential */
  }
}

export function wireMessage() {
  $("back").addEventListener("click", () => {
    navigate({ m: "" });
    const li = $("hits").querySelector("li.active a.open") || $("hits").querySelector("a.open");
    if (li) li.focus();
  });
  $("remote-images").addEventListener("click", () => { if (app.openKey) openMessage(app.openKey, true); });
  window.addEventListener("resize", () => {
    const frame = $("m-html");
    if (!frame.hidden && frame.contentDocument) frame.style.height = frame.contentDocument.documentElement.scrollHeight + 4 + "px";
  });
}
