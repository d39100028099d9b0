#include "common/mime/charset.h"

#include <glib.h>

namespace spe::mime {

std::string textToUtf8(const std::string& bytes) {
  if (g_utf8_validate(bytes.data(), static_cast<gssize>(bytes.size()), nullptr)) return bytes;
  gsize written = 0;
  char* converted = g_convert(bytes.data(), static_cast<gssize>(bytes.size()), "UTF-8", "WINDOWS-1252", nullptr,
                              &written, nullptr);
  if (!converted) return {};
  std::string out(converted, written);
  g_free(converted);
  return out;
}

}  // namespace spe::mime
