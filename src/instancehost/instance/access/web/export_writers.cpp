#include "instancehost/instance/access/web/export_writers.h"

#include <archive.h>
#include <archive_entry.h>

#include <cstdio>
#include <ctime>

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
    ok_ = archive_write_open2(archive_, this, nullptr, &ZipWriter::write, nullptr, nullptr) == ARCHIVE_OK;
  }
  ~ZipWriter() override { archive_write_free(archive_); }
  ZipWriter(const ZipWriter&) = delete;
  ZipWriter& operator=(const ZipWriter&) = delete;

  Status add(const std::string& name, std::int64_t date, std::string_view raw, std::string& out) override {
    if (!ok_) return failed("The export could not be started");
    out_ = &out;
    archive_entry* entry = archive_entry_new();
    archive_entry_set_pathname_utf8(entry, name.c_str());
    archive_entry_set_size(entry, static_cast<la_int64_t>(raw.size()));
    archive_entry_set_filetype(entry, AE_IFREG);
    archive_entry_set_perm(entry, 0644);
    archive_entry_set_mtime(entry, static_cast<time_t>(date), 0);
    bool written = archive_write_header(archive_, entry) >= ARCHIVE_WARN;  // a warning still wrote the entry
    archive_entry_free(entry);
    for (std::size_t at = 0; written && at < raw.size();) {
      const auto n = archive_write_data(archive_, raw.data() + at, raw.size() - at);
      written = n > 0;
      at += written ? static_cast<std::size_t>(n) : 0;
    }
    written = written && archive_write_finish_entry(archive_) >= ARCHIVE_WARN;
    out_ = nullptr;
    if (!written) return failed("A message could not be added to the export");
    return okStatus();
  }

  Status finish(std::string& out) override {
    out_ = &out;
    const bool closed = archive_write_close(archive_) == ARCHIVE_OK;
    out_ = nullptr;
    if (!closed) return failed("The export could not be finished");
    return okStatus();
  }
  std::string extension() const override { return "zip"; }
  std::string contentType() const override { return "application/zip"; }

 private:
  static la_ssize_t write(archive*, void* self, const void* bytes, size_t n) {
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

class MboxWriter : public ExportWriter {
 public:
  Status add(const std::string&, std::int64_t date, std::string_view raw, std::string& out) override {
    out += mboxrdEntry(date, raw);
    return okStatus();
  }
  Status finish(std::string&) override { return okStatus(); }
  std::string extension() const override { return "mbox"; }
  std::string contentType() const override { return "application/mbox"; }
};

// A file name part: no control characters, path separators or characters
// Windows refuses, no leading dots, at most `max` bytes (whole UTF-8 characters).
std::string safePart(const std::string& in, std::size_t max) {
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
  return out;
}

}  // namespace

std::unique_ptr<ExportWriter> makeZipWriter() { return std::make_unique<ZipWriter>(); }
std::unique_ptr<ExportWriter> makeMboxWriter() { return std::make_unique<MboxWriter>(); }

std::string mboxrdEntry(std::int64_t date, std::string_view raw) {
  const time_t t = static_cast<time_t>(date);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char when[64];
  std::strftime(when, sizeof when, "%a %b %e %H:%M:%S %Y", &tm);
  std::string out = std::string("From MAILER-DAEMON ") + when + "\n";
  out.reserve(out.size() + raw.size() + raw.size() / 1000 + 2);
  std::size_t at = 0;
  while (at < raw.size()) {
    auto end = raw.find('\n', at);
    end = end == std::string_view::npos ? raw.size() : end + 1;
    const std::string_view line = raw.substr(at, end - at);
    const auto first = line.find_first_not_of('>');
    if (first != std::string_view::npos && line.substr(first, 5) == "From ") out += '>';
    out += line;
    at = end;
  }
  if (raw.empty() || raw.back() != '\n') out += '\n';
  out += '\n';
  return out;
}

std::string exportEntryName(const std::string& folder, std::size_t number, const std::string& subject) {
  std::string path;
  std::size_t at = 0;
  while (at <= folder.size()) {
    auto slash = folder.find('/', at);
    if (slash == std::string::npos) slash = folder.size();
    const std::string part = safePart(folder.substr(at, slash - at), 80);
    if (!part.empty()) path += part + "/";
    at = slash + 1;
  }
  char prefix[32];
  std::snprintf(prefix, sizeof prefix, "%06zu", number);
  std::string title = safePart(subject, 80);
  return path + prefix + (title.empty() ? std::string() : " " + title) + ".eml";
}

}  // namespace spe::instance
