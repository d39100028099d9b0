#include "common/mime/html_text.h"

#include <libxml/HTMLparser.h>
#include <libxml/tree.h>

#include <cstring>
#include <mutex>

namespace spe::mime {
namespace {

bool isBlock(const char* name) {
  static const char* const kBlocks[] = {"p",  "div", "br", "li", "tr",    "h1",         "h2",  "h3", "h4",
                                        "h5", "h6",  "td", "th", "table", "blockquote", "pre", "hr", "title"};
  for (const char* b : kBlocks) {
    if (std::strcmp(name, b) == 0) return true;
  }
  return false;
}

void walk(xmlNode* node, std::string& out) {
  for (xmlNode* n = node; n; n = n->next) {
    if (n->type == XML_ELEMENT_NODE) {
      const char* name = reinterpret_cast<const char*>(n->name);
      if (std::strcmp(name, "script") == 0 || std::strcmp(name, "style") == 0 || std::strcmp(name, "head") == 0 ||
          std::strcmp(name, "noscript") == 0 || std::strcmp(name, "template") == 0) {
        continue;
      }
      const bool block = isBlock(name);
      if (block && !out.empty() && out.back() != '\n') out += '\n';
      walk(n->children, out);
      if (block && !out.empty() && out.back() != '\n') out += '\n';
    } else if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
      const char* text = reinterpret_cast<const char*>(n->content);
      if (!text) continue;
      // Collapse runs of white space as a browser does.
      for (const char* p = text; *p; ++p) {
        const bool space = *p == ' ' || *p == '\t' || *p == '\n' || *p == '\r';
        if (space) {
          if (!out.empty() && out.back() != ' ' && out.back() != '\n') out += ' ';
        } else {
          out += *p;
        }
      }
    }
  }
}

}  // namespace

std::string htmlToText(std::string_view html) {
  static std::once_flag init;
  std::call_once(init, [] { xmlInitParser(); });
  htmlDocPtr doc = htmlReadMemory(
      html.data(), static_cast<int>(html.size()), nullptr, "UTF-8",
      HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_NONET | HTML_PARSE_NOBLANKS);
  if (!doc) return {};
  std::string out;
  walk(xmlDocGetRootElement(doc), out);
  xmlFreeDoc(doc);
  while (!out.empty() && (out.back() == ' ' || out.back() == '\n')) out.pop_back();
  return out;
}

}  // namespace spe::mime
