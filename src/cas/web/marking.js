// The search's words marked in text (the list's subjects, the opened
// message), and plain-text mail drawn with its quotes and web addresses.
import { el } from "./dom.js";

// A pattern that marks the search's words as the search finds them (the
// start of a word; short words whole; Chinese and Japanese anywhere).
export function termPattern(terms) {
  if (!terms || !terms.length) return null;
  const cjk = /[\u2E80-\u9FFF\uA000-\uA4CF\uAC00-\uD7AF\uF900-\uFAFF\uFF00-\uFFEF]/u;
  const parts = terms.map((term) => {
    const esc = term.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    if (cjk.test(term)) return esc;
    return "(?<![\\p{L}\\p{N}])" + esc + ([...term].length < 3 ? "(?![\\p{L}\\p{N}])" : "");
  });
  return new RegExp(parts.join("|"), "giu");
}

// `text` as nodes with the pattern's places in <mark> and web addresses
// as links that ask first.
function markedText(doc, text, pattern) {
  const frag = doc.createDocumentFragment();
  const url = /\bhttps?:\/\/[^\s<>"')\]]+[^\s<>"')\].,;:!?]/g;
  let at = 0;
  for (const m of text.matchAll(url)) {
    appendMarked(doc, frag, text.slice(at, m.index), pattern);
    const a = doc.createElement("a");
    a.href = m[0];
    a.className = "ext";
    appendMarked(doc, a, m[0], pattern);
    frag.append(a);
    at = m.index + m[0].length;
  }
  appendMarked(doc, frag, text.slice(at), pattern);
  return frag;
}

export function appendMarked(doc, parent, text, pattern) {
  if (!pattern) { parent.append(text); return; }
  let at = 0;
  for (const m of text.matchAll(pattern)) {
    if (!m[0]) continue;
    parent.append(text.slice(at, m.index));
    const mark = doc.createElement("mark");
    mark.textContent = m[0];
    parent.append(mark);
    at = m.index + m[0].length;
  }
  parent.append(text.slice(at));
}

// Plain text in a proportional font; quoted lines ("> ...") as quotes, one
// level in another.
export function renderPlain(text, pattern) {
  const root = el("div");
  const stack = [root];
  let buffer = [];
  const flush = () => {
    if (!buffer.length) return;
    stack[stack.length - 1].append(markedText(document, buffer.join("\n") + "\n", pattern));
    buffer = [];
  };
  for (const line of text.replace(/\r\n?/g, "\n").replace(/\n$/, "").split("\n")) {
    const m = line.match(/^((?:\s?>)+)\s?/);
    const depth = m ? (m[1].match(/>/g) || []).length : 0;
    if (depth !== stack.length - 1) {
      flush();
      while (stack.length - 1 > depth) stack.pop();
      while (stack.length - 1 < depth) {
        const q = el("blockquote", "quote");
        stack[stack.length - 1].append(q);
        stack.push(q);
      }
    }
    buffer.push(m ? line.slice(m[0].length) : line);
  }
  flush();
  return root;
}
