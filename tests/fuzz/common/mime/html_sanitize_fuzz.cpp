// Fuzz target for the HTML that Web Access shows (src/common/mime/
// html_sanitize.h) and for HTML to text (html_text.h): any bytes as the
// HTML part of a message. Invariants, not only survival:
//   - the sanitised HTML is valid UTF-8 and has no script tag anywhere
//     as a browser's tokenizer reads the bytes (comments, quoted attribute
//     values and <style> text skipped), whatever libxml2 makes of them;
//   - read again with libxml2's HTML parser (as a browser would read it):
//     no element that runs code, embeds or reaches out (script, iframe,
//     object, embed, form controls, link, meta, base, svg, ...), no on*
//     attribute, no href other than http(s), mailto or '#', no src-like
//     attribute other than cid: or data:image/ (so no javascript: or
//     vbscript: URL where a browser follows or loads one; an unknown
//     attribute such as "hre:" may hold any text);
//   - sanitising the result again removes nothing more (what survives one
//     pass is not made dangerous by writing it out and reading it back);
//   - htmlToText gives valid UTF-8, not much longer than the input.
#include <libxml/HTMLparser.h>
#include <libxml/tree.h>

#include <algorithm>
#include <cctype>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/mime/charset.h"
#include "common/mime/html_sanitize.h"
#include "common/mime/html_text.h"
#include "fuzz_checks.h"

using spe::fuzz::check;

namespace {

std::string lower(std::string_view s) {
  std::string out;
  for (char c : s) out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// As the sanitiser compares URLs: ASCII lower case, white space and
// control characters dropped.
std::string squeezed(const xmlChar* v) {
  std::string out;
  for (const xmlChar* p = v; p && *p; ++p) {
    if (*p <= 0x20) continue;
    out += static_cast<char>(std::tolower(*p));
  }
  return out;
}

// Whether a browser's tokenizer would see a script start tag in the bytes,
// read simply as HTML5 does: comments, quoted attribute values and the raw
// text of <style> are skipped (libxml2 writes a style's text as it is, and
// "<!--...-->" inside an attribute value unescaped), a tag name ends at
// white space, '/' or '>' ("<scriptx" is another element).
bool hasScriptTag(const std::string& html) {
  const std::string l = lower(html);
  auto name_char = [](char c) {
    return c != ' ' && c != '\t' && c != '\n' && c != '\r' && c != '\f' && c != '/' && c != '>';
  };
  std::size_t i = 0;
  while ((i = l.find('<', i)) != std::string::npos) {
    if (l.compare(i, 4, "<!--") == 0) {
      const std::size_t end = l.find("-->", i + 4);
      if (end == std::string::npos) return false;
      i = end + 3;
      continue;
    }
    std::size_t n = i + 1;
    while (n < l.size() && name_char(l[n])) ++n;
    const std::string name = l.substr(i + 1, n - i - 1);
    if (name == "script") return true;
    if (name.empty() || !std::isalpha(static_cast<unsigned char>(name[0]))) {
      ++i;
      continue;
    }
    char quote = 0;  // to the end of the tag, quoted values skipped
    for (; n < l.size() && (quote != 0 || l[n] != '>'); ++n) {
      if (quote != 0 && l[n] == quote) {
        quote = 0;
      } else if (quote == 0 && (l[n] == '"' || l[n] == '\'')) {
        quote = l[n];
      }
    }
    i = n;
    if (name == "style") {
      const std::size_t close = l.find("</style", n);
      if (close == std::string::npos) return false;
      i = close;
    }
  }
  return false;
}

bool startsWith(const std::string& s, std::string_view prefix) { return s.rfind(prefix, 0) == 0; }

bool oneOf(const xmlChar* name, std::initializer_list<const char*> list) {
  for (const char* n : list) {
    if (xmlStrcasecmp(name, reinterpret_cast<const xmlChar*>(n)) == 0) return true;
  }
  return false;
}

void checkTree(xmlNode* node) {
  for (xmlNode* n = node; n; n = n->next) {
    if (n->type != XML_ELEMENT_NODE) continue;
    check(!oneOf(n->name, {"script", "iframe", "frame",    "frameset", "object",   "embed",    "applet", "link",
                           "meta",   "base",   "svg",      "math",     "noscript", "template", "form",   "input",
                           "button", "select", "textarea", "audio",    "video",    "source",   "track",  "portal"}),
          "no element that runs code, embeds or reaches out");
    for (xmlAttr* a = n->properties; a; a = a->next) {
      xmlChar* raw = xmlNodeListGetString(n->doc, a->children, 1);
      const std::string v = squeezed(raw);
      xmlFree(raw);
      check(xmlStrncasecmp(a->name, reinterpret_cast<const xmlChar*>("on"), 2) != 0, "no on* attribute");
      if (oneOf(a->name, {"href"})) {
        check(startsWith(v, "http://") || startsWith(v, "https://") || startsWith(v, "mailto:") || startsWith(v, "#"),
              "href is http(s), mailto or '#'");
      }
      if (oneOf(a->name, {"src", "srcset", "background", "poster", "action", "formaction", "lowsrc", "dynsrc",
                          "longdesc", "usemap", "codebase", "data", "ping", "xmlns", "xlink:href"})) {
        check(startsWith(v, "cid:") || startsWith(v, "data:image/"), "src-like attributes are cid: or data:image/");
      }
    }
    checkTree(n->children);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  const spe::mime::SanitizedHtml safe = spe::mime::sanitizeHtml(in);
  check(spe::fuzz::isUtf8(safe.html), "sanitised HTML is valid UTF-8");
  check(!hasScriptTag(safe.html), "no script tag in sanitised HTML");
  check(safe.removed_remote >= 0, "the removed count is not negative");

  htmlDocPtr doc = htmlReadMemory(safe.html.data(), static_cast<int>(safe.html.size()), nullptr, "UTF-8",
                                  HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_NONET);
  if (doc) {
    checkTree(xmlDocGetRootElement(doc));
    xmlFreeDoc(doc);
  }
  const spe::mime::SanitizedHtml twice = spe::mime::sanitizeHtml(safe.html);
  check(twice.removed_remote == 0, "a second pass removes nothing more");

  const std::string text = spe::mime::htmlToText(spe::mime::textToUtf8(std::string(in)));
  check(spe::fuzz::isUtf8(text), "htmlToText gives valid UTF-8");
  // Entities shrink; a block element adds one line break; a byte read as
  // Windows-1252 takes at most 3 bytes.
  check(text.size() <= 3 * size + 64, "htmlToText is not much longer than its input");
  return 0;
}
