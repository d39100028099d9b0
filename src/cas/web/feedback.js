// What the page tells while it works: the live region that screen readers
// announce, and the loading indicator of requests that take a while.
import { $ } from "./dom.js";

const SLOW_MS = 200;  // requests longer than this show the loading indicator

export function announce(message) {
  const a = $("announce");
  a.textContent = "";
  setTimeout(() => { a.textContent = message; }, 50);  // a change screen readers notice
}

// Shows the loading indicator when `promise` takes longer than SLOW_MS
// (and marks `target` busy meanwhile).
export async function withLoading(promise, target) {
  const timer = setTimeout(() => {
    $("progress").hidden = false;
    if (target) target.setAttribute("aria-busy", "true");
  }, SLOW_MS);
  try {
    return await promise;
  } finally {
    clearTimeout(timer);
    $("progress").hidden = true;
    if (target) target.removeAttribute("aria-busy");
  }
}

// An error in place: `message` in the box (role=alert), or the box hidden
// for ""; `field`, when given, is marked invalid (and unmarked with "") and
// gets the focus.
export function showError(box, message, field) {
  box.hidden = !message;
  box.textContent = message || "";
  if (!field) return;
  if (message) {
    field.setAttribute("aria-invalid", "true");
    field.focus();
  } else {
    field.removeAttribute("aria-invalid");
  }
}
