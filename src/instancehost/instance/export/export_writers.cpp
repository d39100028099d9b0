#include "instancehost/instance/export/export_writers.h"

#include <archive.h>
#include <archive_entry.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <ctime>
#include <iterator>

namespace spe::instance {
namespace {

class ZipWriter : public ExportWriter {
 public:
  ZipWriter() : archive_(archive_write_new()) {
    archive_write_set_format_zip(archive_);
    archive_write_zip_set_compression_deflate(archive_);
    // Names are UTF-8 (the zip's language encoding flag), whatever the process locale.
    archive_write_set_format_option(archive_, "zip", "hdrcharset", "UTF-8");
    archive_write_set_bytes_per_block(archive_, 0);  // hand every byte out at once
    ok_ = archive_write_open2(archive_, this, nullptr, &ZipWriter::output, nullptr, nullptr) == ARCHIVE_OK;
  }
  ~ZipWriter() override { archive_write_free(archive_); }
  ZipWriter(const ZipWriter&) = delete;
  ZipWriter& operator=(const ZipWriter&) = delete;

  Status begin(const std::string& name, std::int64_t date, std::uint64_t size, std::string& out) override {
    if (!ok_) return failed("The export could not be started");
    Capture capture(*this, out);
    archive_entry* entry = archive_entry_new();
    archive_entry_set_pathname_utf8(entry, name.c_str());
    archive_entry_set_size(entry, static_cast<la_int64_t>(size));
    archive_entry_set_filetype(entry, AE_IFREG);
    archive_entry_set_perm(entry, 0644);
    archive_entry_set_mtime(entry, static_cast<time_t>(date), 0);
    const bool written = archive_write_header(archive_, entry) >= ARCHIVE_WARN;  // a warning still wrote the entry
    archive_entry_free(entry);
    if (!written) return failed("A message could not be added to the export");
    return okStatus();
  }

  Status write(std::string_view piece, std::string& out) override {
    if (!ok_) return failed("The export could not be started");
    Capture capture(*this, out);
    for (std::size_t at = 0; at < piece.size();) {
      const auto n = archive_write_data(archive_, piece.data() + at, piece.size() - at);
      if (n <= 0) return failed("A message could not be added to the export");
      at += static_cast<std::size_t>(n);
    }
    return okStatus();
  }

  Status end(std::string& out) override {
    if (!ok_) return failed("The export could not be started");
    Capture capture(*this, out);
    if (archive_write_finish_entry(archive_) < ARCHIVE_WARN)
      return failed("A message could not be added to the export");
    return okStatus();
  }

  Status finish(std::string& out) override {
    Capture capture(*this, out);
    if (archive_write_close(archive_) != ARCHIVE_OK) return failed("The export could not be finished");
    return okStatus();
  }
  std::string extension() const override { return "zip"; }
  std::string contentType() const override { return "application/zip"; }

 private:
  // Where libarchive's output goes during one call.
  struct Capture {
    Capture(ZipWriter& w, std::string& out) : writer(w) { writer.out_ = &out; }
    ~Capture() { writer.out_ = nullptr; }
    ZipWriter& writer;
  };

  static la_ssize_t output(archive*, void* self, const void* bytes, size_t n) {
    auto* me = static_cast<ZipWriter*>(self);
    if (!me->out_) return -1;
    me->out_->append(static_cast<const char*>(bytes), n);
    return static_cast<la_ssize_t>(n);
  }
  Error failed(const std::string& what) {
    const char* why = archive_error_string(archive_);
    ok_ = false;
    return makeError(ErrorCode::kInternal, what + (why ? std::string(": ") + why : std::string()) + ".");
  }

  archive* archive_;
  std::string* out_ = nullptr;
  bool ok_ = false;
};

// mboxrd quoting of a message given in pieces: a line that starts with
// ">*From " gets one more '>'. The '>'s of a line pass at once (the added one
// may as well come after them); only a started "From " waits for its
// next piece, so nothing more than four bytes is ever held.
class MboxWriter : public ExportWriter {
 public:
  Status begin(const std::string&, std::int64_t date, std::uint64_t size, std::string& out) override {
    const time_t t = static_cast<time_t>(date);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char when[64];
    std::strftime(when, sizeof when, "%a %b %e %H:%M:%S %Y", &tm);
    out += std::string("From MAILER-DAEMON ") + when + "\n";
    out.reserve(out.size() + size + size / 1000 + 2);
    line_start_ = true;
    held_.clear();
    last_ = '\n';
    empty_ = true;
    return okStatus();
  }

  Status write(std::string_view piece, std::string& out) override {
    static constexpr std::string_view kFrom = "From ";
    std::size_t at = 0;
    while (at < piece.size()) {
      if (!line_start_) {  // the rest of the line as it is
        const auto nl = piece.find('\n', at);
        const auto stop = nl == std::string_view::npos ? piece.size() : nl + 1;
        out.append(piece.substr(at, stop - at));
        at = stop;
        line_start_ = nl != std::string_view::npos;
        continue;
      }
      const char c = piece[at++];
      if (held_.empty() && c == '>') {
        out += c;
      } else if (c == kFrom[held_.size()]) {
        held_ += c;
        if (held_.size() == kFrom.size()) release(true, out);
      } else {
        release(false, out);
        out += c;
        line_start_ = c == '\n';
      }
    }
    if (!piece.empty()) {
      empty_ = false;
      last_ = piece.back();
    }
    return okStatus();
  }

  Status end(std::string& out) override {
    if (!held_.empty()) release(false, out);
    if (empty_ || last_ != '\n') out += '\n';
    out += '\n';
    return okStatus();
  }

  Status finish(std::string&) override { return okStatus(); }
  std::string extension() const override { return "mbox"; }
  std::string contentType() const override { return "application/mbox"; }

 private:
  // The line's start is decided: it was "From " (quoted) or not.
  void release(bool quote, std::string& out) {
    if (quote) out += '>';
    out += held_;
    held_.clear();
    line_start_ = false;
  }

  bool line_start_ = true;
  std::string held_;  // a started "From " at a line's start
  char last_ = '\n';
  bool empty_ = true;
};

}  // namespace

std::string safeFileName(const std::string& in, std::size_t max) {
  std::string out;
  for (unsigned char c : in) {
    static const std::string_view kBad = "/\\:*?\"<>|";
    out += c < 0x20 || c == 0x7f || kBad.find(static_cast<char>(c)) != std::string_view::npos ? '_'
                                                                                              : static_cast<char>(c);
  }
  while (!out.empty() && (out.front() == '.' || out.front() == ' ')) out.erase(0, 1);
  if (out.size() > max) {
    std::size_t cut = max;
    while (cut > 0 && (static_cast<unsigned char>(out[cut]) & 0xC0) == 0x80) --cut;  // not inside a character
    out.resize(cut);
  }
  while (!out.empty() && (out.back() == ' ' || out.back() == '.')) out.pop_back();
  // Windows' reserved device names, also with an extension ("con.txt").
  std::string stem = out.substr(0, out.find('.'));
  for (auto& ch : stem) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  static const char* const kReserved[] = {"CON", "PRN", "AUX", "NUL"};
  bool reserved = std::find(std::begin(kReserved), std::end(kReserved), stem) != std::end(kReserved);
  if (stem.size() == 4 && (stem.rfind("COM", 0) == 0 || stem.rfind("LPT", 0) == 0) && stem[3] >= '1' &&
      stem[3] <= '9') {
    reserved = true;
  }
  if (reserved) out = "_" + out;
  return out;
}

std::unique_ptr<ExportWriter> makeZipWriter() { return std::make_unique<ZipWriter>(); }
std::unique_ptr<ExportWriter> makeMboxWriter() { return std::make_unique<MboxWriter>(); }

Status ExportWriter::add(const std::string& name, std::int64_t date, std::string_view raw, std::string& out) {
  SPE_TRY(begin(name, date, raw.size(), out));
  SPE_TRY(write(raw, out));
  return end(out);
}

std::string mboxrdEntry(std::int64_t date, std::string_view raw) {
  MboxWriter writer;
  std::string out;
  (void)writer.add("", date, raw, out);  // the mbox writer does not fail
  return out;
}

std::string exportEntryName(const std::string& folder, std::size_t number, const std::string& subject) {
  std::string path;
  std::size_t at = 0;
  while (at <= folder.size()) {
    auto slash = folder.find('/', at);
    if (slash == std::string::npos) slash = folder.size();
    const std::string part = safeFileName(folder.substr(at, slash - at), 80);
    if (!part.empty()) path += part + "/";
    at = slash + 1;
  }
  char prefix[32];
  std::snprintf(prefix, sizeof prefix, "%06zu", number);
  std::string title = safeFileName(subject, 80);
  return path + prefix + (title.empty() ? std::string() : " " + title) + ".eml";
}

}  // namespace spe::instance
