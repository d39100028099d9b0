#include "common/base/qr_code.h"

#include <qrencode.h>

#include <cerrno>
#include <cstring>
#include <memory>

#include "common/base/crypto.h"

namespace spe {
namespace {

constexpr std::size_t kMaxText = 1000;
constexpr int kQuietZone = 4;        // modules of white around the symbol (ISO/IEC 18004)
constexpr int kPixelsPerModule = 4;  // the drawn size when nothing scales it

struct QrFree {
  void operator()(QRcode* q) const { QRcode_free(q); }
};

}  // namespace

Result<std::string> qrCodeSvg(std::string_view text) {
  if (text.empty() || text.size() > kMaxText || text.find('\0') != std::string_view::npos) {
    return makeError(ErrorCode::kInvalidArgument, "A QR code holds 1 to 1,000 bytes of text without NUL.");
  }
  const std::string input(text);
  errno = 0;
  std::unique_ptr<QRcode, QrFree> code(QRcode_encodeString8bit(input.c_str(), 0, QR_ECLEVEL_M));
  if (!code) {
    return makeError(ErrorCode::kInternal, "libqrencode could not encode the text.",
                     errno ? std::strerror(errno) : std::string());
  }
  const int width = code->width;
  const int size = width + 2 * kQuietZone;
  std::string path;
  for (int y = 0; y < width; ++y) {
    for (int x = 0; x < width; ++x) {
      if (code->data[y * width + x] & 1) {  // bit 0: dark module
        path += "M" + std::to_string(x + kQuietZone) + " " + std::to_string(y + kQuietZone) + "h1v1h-1z";
      }
    }
  }
  const std::string pixels = std::to_string(size * kPixelsPerModule);
  const std::string box = std::to_string(size);
  return "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 " + box + " " + box + "\" width=\"" + pixels +
         "\" height=\"" + pixels + "\" shape-rendering=\"crispEdges\"><rect width=\"" + box + "\" height=\"" + box +
         "\" fill=\"#fff\"/><path fill=\"#000\" d=\"" + path + "\"/></svg>";
}

std::string svgDataUrl(std::string_view svg) { return "data:image/svg+xml;base64," + base64Encode(svg); }

}  // namespace spe
