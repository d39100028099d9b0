#include "index/html_sanitize.h"

#include "index/message_text.h"

#include <libxml/HTMLparser.h>
#include <libxml/HTMLtree.h>
#include <libxml/tree.h>

#include <cctype>
#include <cstring>
#include <mutex>
#include <vector>

namespace spe::index {
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

void clean(xmlNode* node, int& removed) {
  for (xmlNode* n = node; n;) {
    xmlNode* next = n->next;
    if (n->type == XML_COMMENT_NODE || n->type == XML_PI_NODE) {
      xmlUnlinkNode(n);
      xmlFreeNode(n);
    } else if (n->type == XML_ELEMENT_NODE) {
      if (named(n->name, {"script", "iframe", "frame", "frameset", "object", "embed", "applet", "link", "meta",
                          "base", "svg", "math", "noscript", "template", "form", "input", "button", "select",
                          "textarea", "audio", "video", "source", "track", "portal"})) {
        if (named(n->name, {"link", "audio", "video", "source"})) ++removed;
        xmlUnlinkNode(n);
        xmlFreeNode(n);
        n = next;
        continue;
      }
      std::vector<xmlAttr*> drop;
      for (xmlAttr* a = n->properties; a; a = a->next) {
        const xmlChar* name = a->name;
        xmlChar* value = xmlNodeListGetString(n->doc, a->children, 1);
        const std::string v = lowerTrim(value);
        xmlFree(value);
        if (xmlStrncasecmp(name, reinterpret_cast<const xmlChar*>("on"), 2) == 0) {
          drop.push_back(a);
        } else if (named(name, {"href"})) {
          const bool ok = v.rfind("http://", 0) == 0 || v.rfind("https://", 0) == 0 || v.rfind("mailto:", 0) == 0 ||
                          v.rfind("#", 0) == 0;
          if (!ok) drop.push_back(a);
        } else if (named(name, {"src", "srcset", "background", "poster", "action", "formaction", "lowsrc",
                                "dynsrc", "longdesc", "usemap", "codebase", "data", "ping", "xmlns", "xlink:href"})) {
          const bool inline_image = v.rfind("cid:", 0) == 0 || v.rfind("data:image/", 0) == 0;
          if (!inline_image) {
            if (!v.empty()) ++removed;
            drop.push_back(a);
          }
        } else if (named(name, {"style"}) && (v.find("url(") != std::string::npos ||
                                              v.find("expression(") != std::string::npos ||
                                              v.find("@import") != std::string::npos)) {
          ++removed;
          drop.push_back(a);
        }
      }
      for (xmlAttr* a : drop) xmlRemoveProp(a);
      if (named(n->name, {"style"})) {
        // Style sheets may load remote images and fonts: keep them only without url() and @import.
        xmlChar* css = xmlNodeGetContent(n);
        const std::string c = lowerTrim(css);
        xmlFree(css);
        if (c.find("url(") != std::string::npos || c.find("@import") != std::string::npos ||
            c.find("expression(") != std::string::npos) {
          ++removed;
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
      clean(n->children, removed);
    }
    n = next;
  }
}

}  // namespace

SanitizedHtml sanitizeHtml(std::string_view raw) {
  static std::once_flag init;
  std::call_once(init, [] { xmlInitParser(); });
  SanitizedHtml out;
  const std::string html = textToUtf8(std::string(raw));  // valid UTF-8, or the serialiser complains
  htmlDocPtr doc = htmlReadMemory(html.data(), static_cast<int>(html.size()), nullptr, "UTF-8",
                                  HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_NONET);
  if (!doc) return out;
  clean(xmlDocGetRootElement(doc), out.removed_remote);
  xmlChar* bytes = nullptr;
  int size = 0;
  htmlDocDumpMemoryFormat(doc, &bytes, &size, 0);
  if (bytes) out.html.assign(reinterpret_cast<const char*>(bytes), static_cast<std::size_t>(size));
  xmlFree(bytes);
  xmlFreeDoc(doc);
  return out;
}

}  // namespace spe::index
