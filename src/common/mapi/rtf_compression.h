// Compressed RTF ([MS-OXRTFCP]): how Outlook stores PR_RTF_COMPRESSED.
//
// Wire format: a 16-byte header of four little-endian 32-bit fields,
//   COMPSIZE  bytes after this field (the whole stream minus 4)
//   RAWSIZE   bytes of RTF it decompresses to
//   COMPTYPE  "LZFu" (0x75465A4C, compressed) or "MELA" (0x414C454D, stored)
//   CRC       CRC-32 of the bytes after the header ("LZFu"), 0 for "MELA"
// then, for "LZFu", runs of one control byte (read from its lowest bit up)
// and eight items: bit 0 a literal byte, bit 1 a big-endian 16-bit
// reference (12-bit offset into a 4096-byte ring dictionary, 4-bit length
// + 2). The dictionary starts with a fixed 207-byte RTF prefix; a
// reference to the current write position ends the stream.
//
// Why our own: libytnef (Debian) has DecompressRTF, but it exit()s the
// process on a corrupt stream and prints to stdout, which a daemon cannot
// accept; libpff decompresses only inside PST files, not for MSG.
// Thread safety: stateless.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "common/base/result.h"

namespace spe::mapi {

// The RTF of a compressed stream. Errors (kCorrupt): a header that does
// not fit the data, an unknown COMPTYPE, a CRC mismatch, a stream that
// ends before its end marker, or RAWSIZE above `max_output` (the output
// never grows past it).
Result<std::string> decompressRtf(std::string_view stream, std::size_t max_output = 64u << 20);

// CRC-32 as [MS-OXRTFCP] 3.1.3.2 computes it (initial value 0, no final
// inversion); exposed for tests and the fixture writers.
std::uint32_t rtfCrc(std::string_view bytes);

}  // namespace spe::mapi
