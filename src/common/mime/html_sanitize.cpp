#include "common/mime/html_sanitize.h"

#include <libxml/HTMLparser.h>
#include <libxml/HTMLtree.h>
#include <libxml/tree.h>

#include <cctype>
#include <cstdint>
#include <cstring>
#include <mutex>
#include <vector>

#include "common/base/utf8.h"
#include "common/mime/charset.h"

namespace spe::mime {
namespace {

bool named(const xmlChar* name, std::initializer_list<const char*> list) {
  for (const char* n : list) {
    if (xmlStrcasecmp(name, reinterpret_cast<const xmlChar*>(n)) == 0) return true;
  }
  return false;
}

std::string lowerTrim(const xmlChar* value) {
  std::string out;
  for (const xmlChar* p = value; p && *p; ++p) {
    if (std::isspace(*p) || *p < 0x20) continue;  // "java\tscript:" tricks
    out += static_cast<char>(std::tolower(*p));
  }
  return out;
}

void appendCssCodePoint(std::string& out, unsigned long cp) {
  if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) cp = 0xFFFD;  // as CSS Syntax says
  appendUtf8(out, static_cast<std::uint32_t>(cp));
}

// CSS as the checks below must see it: comments removed ("ur/**/l(" is
// taken for "url("), escapes decoded ("u\72l(", "@\69mport", "\75 rl("), ASCII
// lower case, white space and control characters (NUL too) dropped. It
// errs towards finding more: a style that only looks like a remote reference
// once normalised is dropped too. Quoted strings are read as CSS reads them
// (single or double quotes, backslash escapes, an unescaped line break ends
// an unterminated one): "/*" inside a string is no comment, so
// font-family:"/*";background:url(...);font-family:"*/" cannot hide the
// url(). Their contents stay in the checked text.
std::string cssForChecks(std::string_view css) {
  std::string out;
  auto keep = [&out](unsigned long c) {
    if (c <= 0x20 || c == 0x7F) return;
    if (c < 0x80) {
      out += static_cast<char>(std::tolower(static_cast<int>(c)));
    } else {
      appendCssCodePoint(out, c);
    }
  };
  char quote = 0;  // the quote of the string being read, 0 outside strings
  for (std::size_t i = 0; i < css.size();) {
    const auto c = static_cast<unsigned char>(css[i]);
    if (quote == 0 && c == '/' && i + 1 < css.size() && css[i + 1] == '*') {
      const std::size_t end = css.find("*/", i + 2);
      i = end == std::string_view::npos ? css.size() : end + 2;
      continue;
    }
    if (quote == 0 && (c == '"' || c == '\'')) {
      quote = static_cast<char>(c);
    } else if (quote != 0 && (c == static_cast<unsigned char>(quote) || c == '\n' || c == '\r' || c == '\f')) {
      quote = 0;  // the closing quote, or a line break ending an unterminated string (a bad string in CSS)
    }
    if (c != '\\') {
      if (c < 0x80) keep(c);
      else out += static_cast<char>(c);  // UTF-8 bytes as they are
      ++i;
      continue;
    }
    ++i;  // an escape: up to 6 hex digits and one white space, or any one character
    unsigned long cp = 0;
    std::size_t digits = 0;
    while (i < css.size() && digits < 6 && std::isxdigit(static_cast<unsigned char>(css[i]))) {
      cp = cp * 16 + static_cast<unsigned long>(std::isdigit(static_cast<unsigned char>(css[i]))
                                                    ? css[i] - '0'
                                                    : std::tolower(static_cast<unsigned char>(css[i])) - 'a' + 10);
      ++i;
      ++digits;
    }
    if (digits > 0) {
      if (i + 1 < css.size() && css[i] == '\r' && css[i + 1] == '\n') {
        i += 2;
      } else if (i < css.size() &&
                 (css[i] == ' ' || css[i] == '\t' || css[i] == '\n' || css[i] == '\r' || css[i] == '\f')) {
        ++i;
      }
      keep(cp == 0 ? 0xFFFD : cp);
    } else if (i < css.size()) {
      keep(static_cast<unsigned char>(css[i]));  // "\l" is "l"; "\<newline>" is nothing
      ++i;
    }
  }
  return out;
}

// Whether normalised CSS could load something or run code: url() and its
// relatives that take a bare string (image-set, src), @import, old IE and
// Mozilla bindings, script URLs. A backslash left after decoding (an escaped
// backslash) is refused too rather than reasoned about.
bool dangerousCss(std::string_view css) {
  const std::string c = cssForChecks(css);
  for (const char* bad : {"url(", "@import", "expression(", "behavior", "-moz-binding", "javascript:", "vbscript:",
                          "image-set(", "image(", "cross-fade(", "element(", "src(", "\\"}) {
    if (c.find(bad) != std::string::npos) return true;
  }
  return false;
}

// Removes the attributes of element `n` that could run code or load
// something: event handlers, links other than web, mail and fragment links,
// remote references other than inline images, styles with dangerous CSS.
// Adds each removed remote reference and dangerous style to `removed`.
// What a cleaning pass counts, and how it may keep remote images.
struct Cleaning {
  int removed = 0;
  int proxied = 0;
  const RemoteImageRewrite* rewrite = nullptr;
};

void cleanAttributes(xmlNode* n, Cleaning& c) {
  int& removed = c.removed;
  std::vector<xmlAttr*> drop;
  std::vector<std::string> proxied_src;  // an <img>'s remote src, kept through the rewrite
  for (xmlAttr* a = n->properties; a; a = a->next) {
    const xmlChar* name = a->name;
    xmlChar* value = xmlNodeListGetString(n->doc, a->children, 1);
    const std::string v = lowerTrim(value);
    // URLs are checked as written: the serialiser %-escapes white space
    // and control characters in href and src, so "ci\rd:x" (taken for
    // "cid:x" once trimmed) reached the browser as "ci%0Dd:x", a
    // relative URL (found by html_sanitize_fuzz).
    std::string as_written;
    for (const xmlChar* p = value; p && *p; ++p) as_written += static_cast<char>(std::tolower(*p));
    xmlFree(value);
    if (xmlStrncasecmp(name, reinterpret_cast<const xmlChar*>("on"), 2) == 0) {
      drop.push_back(a);
    } else if (named(name, {"href"})) {
      const bool ok = as_written.rfind("http://", 0) == 0 || as_written.rfind("https://", 0) == 0 ||
                      as_written.rfind("mailto:", 0) == 0 || as_written.rfind("#", 0) == 0;
      if (!ok) drop.push_back(a);
    } else if (named(name, {"src", "srcset", "background", "poster", "action", "formaction", "lowsrc", "dynsrc",
                            "longdesc", "usemap", "codebase", "data", "ping", "xmlns", "xlink:href"})) {
      const bool inline_image = as_written.rfind("cid:", 0) == 0 || as_written.rfind("data:image/", 0) == 0;
      const bool web = as_written.rfind("http://", 0) == 0 || as_written.rfind("https://", 0) == 0;
      if (!inline_image && web && c.rewrite && named(name, {"src"}) && named(n->name, {"img"})) {
        xmlChar* url = xmlNodeListGetString(n->doc, a->children, 1);
        std::string proxied = (*c.rewrite)(url ? reinterpret_cast<const char*>(url) : "");
        xmlFree(url);
        if (!proxied.empty()) {
          proxied_src.push_back(std::move(proxied));
          ++c.proxied;
          continue;
        }
      }
      if (!inline_image) {
        if (!v.empty()) ++removed;
        drop.push_back(a);
      }
    } else if (named(name, {"style"})) {
      xmlChar* css = xmlNodeListGetString(n->doc, a->children, 1);  // character references decoded
      const bool dangerous = dangerousCss(css ? reinterpret_cast<const char*>(css) : "");
      xmlFree(css);
      if (dangerous) {
        ++removed;
        drop.push_back(a);
      }
    }
  }
  for (xmlAttr* a : drop) xmlRemoveProp(a);
  for (const auto& url : proxied_src) {
    xmlSetProp(n, reinterpret_cast<const xmlChar*>("src"), reinterpret_cast<const xmlChar*>(url.c_str()));
  }
}

void clean(xmlNode* node, Cleaning& c) {
  int& removed = c.removed;
  for (xmlNode* n = node; n;) {
    xmlNode* next = n->next;
    if (n->type == XML_COMMENT_NODE || n->type == XML_PI_NODE) {
      xmlUnlinkNode(n);
      xmlFreeNode(n);
    } else if (n->type == XML_ELEMENT_NODE) {
      if (named(n->name, {"script", "iframe", "frame",    "frameset", "object",   "embed",    "applet", "link",
                          "meta",   "base",   "svg",      "math",     "noscript", "template", "form",   "input",
                          "button", "select", "textarea", "audio",    "video",    "source",   "track",  "portal"})) {
        if (named(n->name, {"link", "audio", "video", "source"})) ++removed;
        xmlUnlinkNode(n);
        xmlFreeNode(n);
        n = next;
        continue;
      }
      cleanAttributes(n, c);
      if (named(n->name, {"style"})) {
        // Style sheets may load remote images and fonts: keep them only without url(), @import and the
        // like, however they are written (escapes, comments).
        // A '<' in a style sheet is dropped with it: it has no use in CSS but in strings and comments, and
        // where a raw text ends is where HTML parsers disagree (libxml2 ends it at "</" and a letter, a
        // browser only at "</style"), so what one of them reads as CSS another may read as elements
        // (found by html_sanitize_fuzz).
        xmlChar* css = xmlNodeGetContent(n);
        const char* text = css ? reinterpret_cast<const char*>(css) : "";
        const bool dangerous = dangerousCss(text);
        const bool markup = std::strchr(text, '<') != nullptr;
        xmlFree(css);
        if (dangerous || markup) {
          if (dangerous) ++removed;
          xmlUnlinkNode(n);
          xmlFreeNode(n);
          n = next;
          continue;
        }
      }
      if (named(n->name, {"a"})) {
        xmlSetProp(n, reinterpret_cast<const xmlChar*>("rel"), reinterpret_cast<const xmlChar*>("noopener noreferrer"));
        xmlSetProp(n, reinterpret_cast<const xmlChar*>("target"), reinterpret_cast<const xmlChar*>("_blank"));
      }
      clean(n->children, c);
    }
    n = next;
  }
}

}  // namespace

SanitizedHtml sanitizeHtml(std::string_view raw, const RemoteImageRewrite* remote_images) {
  static std::once_flag init;
  std::call_once(init, [] { xmlInitParser(); });
  SanitizedHtml out;
  std::string html = textToUtf8(std::string(raw));  // valid UTF-8, or the serialiser complains
  // libxml2 writes no control characters but tab, LF and CR (in attribute
  // values and in a <style>'s text alike), so what it parsed is not what a
  // browser gets: "</styl\x18e>" inside a style sheet came out as
  // "</style>" and ended it early, "*\x01/" inside a CSS comment as "*/".
  // They go before parsing, so the checks see what the browser will.
  std::erase_if(html, [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return u < 0x20 && u != '\t' && u != '\n' && u != '\r';
  });
  htmlDocPtr doc = htmlReadMemory(html.data(), static_cast<int>(html.size()), nullptr, "UTF-8",
                                  HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_NONET);
  if (!doc) return out;
  Cleaning cleaning;
  cleaning.rewrite = remote_images;
  clean(doc->children, cleaning);  // from the first node: a comment or PI may precede <html>
  out.removed_remote = cleaning.removed;
  out.proxied_remote = cleaning.proxied;
  xmlChar* bytes = nullptr;
  int size = 0;
  htmlDocDumpMemoryFormat(doc, &bytes, &size, 0);
  if (bytes) out.html.assign(reinterpret_cast<const char*>(bytes), static_cast<std::size_t>(size));
  xmlFree(bytes);
  xmlFreeDoc(doc);
  return out;
}

}  // namespace spe::mime
