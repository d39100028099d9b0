// Small helpers shared by the users of GMime (header parsing in the store,
// text extraction in the index).
// Thread safety: all are safe from any thread.
#pragma once

#include <gmime/gmime.h>

#include <string>
#include <string_view>

namespace spe::mime {

// Initialises GMime once per process.
void initGMime();
// Copies a g_malloc'ed string and frees it (null gives "").
std::string takeGString(char* s);
// An address list as decoded text ("" for none).
std::string addressListText(InternetAddressList* list);
// Parses a whole message; null when GMime cannot.
GMimeMessage* parseMessage(std::string_view raw);

}  // namespace spe::mime
