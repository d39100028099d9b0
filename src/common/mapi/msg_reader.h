// Outlook .msg files ([MS-OXMSG]) as MapiMessages, read with libgsf's
// compound-file reader (gsf_infile_msole).
//
// Layout: a storage holds "__properties_version1.0" (a header of 32 bytes
// for the top message, 24 for an embedded one, 8 for recipients and
// attachments, then 16-byte entries: tag, flags, 8 bytes of value; fixed-
// size values sit in the entry) and one "__substg1.0_IIIITTTT" stream per
// variable-size value (strings, binaries; id and type in hex).
// Recipients are storages "__recip_version1.0_#XXXXXXXX", attachments
// "__attach_version1.0_#XXXXXXXX"; an attached message is the storage
// "__substg1.0_3701000D" inside its attachment, read the same way.
// Multi-valued properties and named properties ("__nameid_version1.0")
// are not read: the conversion needs none of them.
// Thread safety: stateless (each call reads its own file).
#pragma once

#include <string>
#include <string_view>

#include "common/base/result.h"
#include "common/mapi/mapi_message.h"

namespace spe::mapi {

// Limits: streams over `max_bytes` together (256 MiB) or embedded
// messages nested deeper than kMaxMsgDepth are errors (kResourceExhausted,
// kCorrupt). A file that is no compound file or has no property stream is
// kCorrupt, naming what was wrong.
inline constexpr int kMaxMsgDepth = 8;
Result<MapiMessage> readMsgFile(const std::string& path, std::size_t max_bytes = 256u << 20);
Result<MapiMessage> readMsgBytes(std::string_view bytes, std::size_t max_bytes = 256u << 20);

}  // namespace spe::mapi
