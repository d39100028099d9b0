// QR codes for set-up screens (an otpauth:// URI for an authenticator app),
// drawn as SVG so a page can show them without a script or a remote request:
// `data:image/svg+xml;base64,...` passes a Content-Security-Policy of
// `img-src 'self' data:`.
// Encoding is libqrencode's (Debian's libqrencode4): byte mode, error
// correction level M (15 % of the symbol may be lost to a screen's glare),
// the smallest version that fits. The SVG draws one square per dark module
// in a single path, black on a white background with the 4-module quiet
// zone the standard asks for, in a viewBox of modules (so it scales
// sharply to any size) with a `width`/`height` of 4 pixels per module.
// Thread safety: safe from any thread (libqrencode is built with pthread).
#pragma once

#include <string>
#include <string_view>

#include "common/base/result.h"

namespace spe {

// The QR code of `text` (at most 1,000 bytes: more than any URI we encode,
// and far below a QR code's limit) as an SVG document. An error when the text
// is empty, too long, contains NUL or libqrencode fails.
Result<std::string> qrCodeSvg(std::string_view text);

// `svg` as a data: URL (base64), for an <img src>.
std::string svgDataUrl(std::string_view svg);

}  // namespace spe
