// How an export of messages is written, message by message, so that an
// export of any size is produced in constant memory as it is downloaded:
// - a .zip of .eml files (libarchive's streaming zip writer, deflate;
//   Zip64 when the export needs it), one entry per message under its
//   folder's path;
// - an .mbox in the mboxrd form (RFC 4155): a "From " line before each
//   message, and every line that starts with ">*From " gets one more '>',
//   so every message comes back byte for byte when read as mboxrd.
// Thread safety: one writer per export, used by one thread at a time.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "common/base/result.h"

namespace spe::instance {

class ExportWriter {
 public:
  virtual ~ExportWriter() = default;
  // One more message of `size` bytes, given in pieces: begin, any number of
  // write, end; each appends the bytes that carry it so far to `out` (a zip
  // may hold some back until a later call). `name` is its path in a zip
  // (ignored by mbox), `date` its date (Unix time).
  virtual Status begin(const std::string& name, std::int64_t date, std::uint64_t size, std::string& out) = 0;
  virtual Status write(std::string_view piece, std::string& out) = 0;
  virtual Status end(std::string& out) = 0;
  // Appends the bytes that end the export.
  virtual Status finish(std::string& out) = 0;
  virtual std::string extension() const = 0;  // "zip" or "mbox"
  virtual std::string contentType() const = 0;

  // A message held whole: begin, write, end.
  Status add(const std::string& name, std::int64_t date, std::string_view raw, std::string& out);
};

std::unique_ptr<ExportWriter> makeZipWriter();
std::unique_ptr<ExportWriter> makeMboxWriter();

// One message as mboxrd writes it: the "From " line, the quoted message,
// a line end, and the blank line between messages (what the mbox writer
// gives for it, whatever its pieces).
std::string mboxrdEntry(std::int64_t date, std::string_view raw);

// A file or folder name made safe on every common file system: control
// characters and / \ : * ? " < > | become '_', no leading dots or spaces,
// no trailing dots or spaces, at most `max` bytes (whole UTF-8
// characters), Windows' device names (CON, NUL, COM1 ...) prefixed with '_'.
// May be empty (the caller names it then).
std::string safeFileName(const std::string& in, std::size_t max);

// A path inside an export for a message: its folder's path (each part made
// safe for file systems: no control characters, no / \ : * ? " < > |, no
// leading dots, at most 80 bytes) and "<number> <subject>.eml".
std::string exportEntryName(const std::string& folder, std::size_t number, const std::string& subject);

}  // namespace spe::instance
