// The RFC 5322 message of a MapiMessage, built with GMime.
//
// Headers: the transport headers the message arrived with when it has
// them (byte for byte, less Content-Type, Content-Transfer-Encoding,
// Content-Disposition and MIME-Version, which the new structure replaces;
// From, Subject, Date and Message-ID from the properties when missing), else
// From, To, Cc, Bcc, Subject, Date (client submit time, else delivery,
// else creation time), Message-ID, In-Reply-To and References from the
// properties, non-ASCII as RFC 2047 encoded words.
// Body: text/plain and text/html (UTF-8) as multipart/alternative when
// both exist; HTML comes from PR_HTML, else from compressed RTF that
// encapsulates HTML; text from PR_BODY, else from the RTF. Inline images
// (a Content-ID the HTML uses) join the HTML in multipart/related; other
// attachments make it multipart/mixed, base64 so their bytes come back
// exactly; embedded messages become message/rfc822 parts, converted the
// same way (nested at most kMaxEmbeddingDepth deep).
// Thread safety: safe from any thread (GMime is initialised once).
#pragma once

#include <string>
#include <vector>

#include "common/base/result.h"
#include "common/mapi/mapi_message.h"

namespace spe::mapi {

inline constexpr int kMaxEmbeddingDepth = 8;

struct Rfc5322Message {
  std::string raw;
  // What was lost on the way (an RTF body that did not decompress, an
  // embedded message nested too deep), for the import's warnings.
  std::vector<std::string> warnings;
};

Result<Rfc5322Message> toRfc5322(const MapiMessage& message);

}  // namespace spe::mapi
