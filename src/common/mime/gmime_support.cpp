#include "common/mime/gmime_support.h"

#include <mutex>

namespace spe::mime {

void initGMime() {
  static std::once_flag once;
  std::call_once(once, [] { g_mime_init(); });
}

std::string takeGString(char* s) {
  std::string out = s ? s : "";
  g_free(s);
  return out;
}

std::string addressListText(InternetAddressList* list) {
  if (!list || internet_address_list_length(list) == 0) return {};
  return takeGString(internet_address_list_to_string(list, nullptr, FALSE));
}

GMimeMessage* parseMessage(std::string_view raw) {
  initGMime();
  GMimeStream* stream = g_mime_stream_mem_new_with_buffer(raw.data(), raw.size());
  GMimeParser* parser = g_mime_parser_new_with_stream(stream);
  g_mime_parser_set_format(parser, GMIME_FORMAT_MESSAGE);
  GMimeMessage* msg = g_mime_parser_construct_message(parser, nullptr);
  g_object_unref(parser);
  g_object_unref(stream);
  return msg;
}

}  // namespace spe::mime
