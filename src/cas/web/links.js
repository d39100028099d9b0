// A link in a message: never followed in the message's frame; the real
// target is shown first (and what the message calls it, when that differs),
// then opened in a new tab without an opener or a referrer.
import { $ } from "./dom.js";

let pendingLink = "";

export function linkClick(ev) {
  const a = ev.target.closest && ev.target.closest("a[href]");
  if (!a) return;
  ev.preventDefault();
  ev.stopPropagation();
  const href = a.getAttribute("href") || "";
  let target;
  try { target = new URL(href, location.href); } catch (e) { target = null; }
  if (!target || !["http:", "https:", "mailto:", "ftp:"].includes(target.protocol) || href.startsWith("#")) return;
  pendingLink = target.href;
  $("link-target").textContent = target.href;
  const shown = a.textContent.trim();
  $("link-text-wrap").hidden = !shown || shown === target.href || shown === href;
  $("link-text").textContent = shown;
  $("link-dialog").showModal();
  $("link-open").focus();
}

export function wireLinks() {
  $("link-cancel").addEventListener("click", () => $("link-dialog").close());
  $("link-open").addEventListener("click", () => {
    $("link-dialog").close();
    if (pendingLink) window.open(pendingLink, "_blank", "noopener,noreferrer");
  });
}
