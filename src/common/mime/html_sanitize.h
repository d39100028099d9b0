// Mail HTML made safe to show (Web Access), with libxml2's HTML parser:
// elements that run code, embed other documents or reach out are removed
// with their content (script, iframe, frame, object, embed, applet, form
// controls, link, meta, base, svg, math, noscript, template), every event
// handler attribute (on*) goes, and so does every URL attribute that is not
// a "cid:" or "data:image/" reference or an http(s)/mailto link target
// (src, srcset, background, poster, action, formaction, xlink:href, ...): no
// remote content is loaded. Links stay (href with http, https, mailto).
// Style attributes and <style> elements that could load something (url(),
// image-set(), @import, expression(), bindings) are removed; they are checked
// after CSS comments and escapes are decoded, as a browser reads them.
// The result is a full HTML document in UTF-8. Web Access shows it in a
// sandboxed frame besides (no scripts, no same origin, a policy without
// remote content): two independent layers.
// Thread safety: sanitizeHtml() is safe from any thread.
#pragma once

#include <functional>
#include <string>
#include <string_view>

namespace spe::mime {

struct SanitizedHtml {
  std::string html;
  int removed_remote = 0;  // remote resources that were dropped (images, styles)
  int proxied_remote = 0;  // remote images whose address was rewritten
};

// When given, each <img src="http(s)://..."> keeps its image under the
// address this returns for the original one (Web Access's proxy through
// the CAS); an empty answer drops it as without. Every other remote
// reference goes as always.
using RemoteImageRewrite = std::function<std::string(const std::string& url)>;

SanitizedHtml sanitizeHtml(std::string_view html, const RemoteImageRewrite* remote_images = nullptr);

}  // namespace spe::mime
