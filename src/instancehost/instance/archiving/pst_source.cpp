#include "instancehost/instance/archiving/pst_source.h"

#include <algorithm>
#include <filesystem>
#include <map>

#include "common/mapi/mime_builder.h"
#include "common/mapi/pst_reader.h"
#include "common/mime/charset.h"
#include "instancehost/instance/model/path_roots.h"

namespace spe::instance {

namespace fs = std::filesystem;

namespace {

// Skip reasons and conversion losses are named per file and kind at the
// end (one warning each), not per item: a calendar holds thousands.
constexpr std::size_t kMaxLossesListed = 50;

bool isOutlookDataFile(const fs::path& p) {
  std::string ext = p.extension().string();
  for (auto& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return ext == ".pst" || ext == ".ost";
}

struct PstUnit {
  fs::path file;
  std::string folder;  // where the file's folders go, "" = the target itself
};

class PstSource : public MessageSource {
 public:
  explicit PstSource(std::vector<PstUnit> files) : files_(std::move(files)) {}

  std::int64_t estimate() const override {
    if (estimate_ >= 0) return estimate_;
    std::int64_t total = 0;
    for (const auto& f : files_) {
      if (auto r = mapi::PstReader::open(f.file.string())) total += (*r)->itemCount();
    }
    estimate_ = std::max<std::int64_t>(total, 1);
    return estimate_;
  }

  Status forEach(const std::function<bool(SourceMessage&&)>& each) override {
    for (const auto& f : files_) {
      const std::string file = f.file.string();
      if (!confinePath(file, "details.path")) {
        SourceMessage m;
        m.folder = f.folder;
        m.origin = file;
        m.error = "not read: it leads outside the allowed directories (a symbolic link?)";
        if (!each(std::move(m))) return okStatus();
        continue;
      }
      auto reader = mapi::PstReader::open(file);
      if (!reader) {
        SourceMessage m;
        m.folder = f.folder;
        m.origin = file;
        m.error = reader.error().message;
        if (!each(std::move(m))) return okStatus();
        continue;
      }
      bool go_on = true;
      auto walked = (*reader)->forEach([&](mapi::PstItem&& item) {
        SourceMessage m;
        m.folder = join(f.folder, mime::textToUtf8(item.folder));
        m.origin = file + ": " + (item.folder.empty() ? "(top)" : item.folder) +
                   (item.index > 0 ? " #" + std::to_string(item.index) : "");
        if (!item.skip_reason.empty()) {
          ++skipped_[file + ": " + item.skip_reason.substr(0, item.skip_reason.find(" ("))];
          m.skip_reason = item.skip_reason;
        } else if (!item.error.empty()) {
          m.error = item.error;
        } else if (item.message) {
          convert(*item.message, m);
        }
        go_on = each(std::move(m));
        return go_on;
      });
      if (!walked) {
        SourceMessage m;
        m.origin = file;
        m.folder = f.folder;
        m.error = walked.error().message;
        if (!each(std::move(m))) return okStatus();
      }
      if (!go_on) return okStatus();
    }
    return okStatus();
  }

  Status finish(std::vector<std::string>& warnings) override {
    for (const auto& [what, n] : skipped_) {
      warnings.push_back(what.substr(0, what.rfind(": ")) + ": " + std::to_string(n) +
                         " item(s) skipped: " + what.substr(what.rfind(": ") + 2) + " is not an e-mail message");
    }
    for (auto& w : losses_) warnings.push_back(std::move(w));
    return okStatus();
  }

 private:
  static std::string join(const std::string& a, const std::string& b) {
    if (a.empty()) return b;
    if (b.empty()) return a;
    return a + "/" + b;
  }

  void convert(const mapi::MapiMessage& message, SourceMessage& m) {
    auto mime = mapi::toRfc5322(message);
    if (!mime) {
      m.error = "cannot be converted: " + mime.error().message;
      return;
    }
    if (mime->raw.size() > kMaxMessageBytes) {
      m.error = tooLargeError(static_cast<std::int64_t>(mime->raw.size()));
      return;
    }
    for (const auto& w : mime->warnings) {
      if (losses_.size() < kMaxLossesListed) losses_.push_back(m.origin + ": " + w);
    }
    m.raw = std::move(mime->raw);
  }

  std::vector<PstUnit> files_;
  mutable std::int64_t estimate_ = -1;
  std::map<std::string, std::int64_t> skipped_;
  std::vector<std::string> losses_;
};

}  // namespace

Result<std::unique_ptr<MessageSource>> openPstSource(const std::string& path) {
  if (path.empty() || path[0] != '/') {
    return makeError(ErrorCode::kInvalidArgument, "'details.path' must be an absolute path on the instance's host.");
  }
  SPE_TRY(confinePath(path, "details.path"));
  const fs::path root = fs::path(path).lexically_normal();
  std::error_code ec;
  if (!fs::exists(root, ec)) {
    return makeError(ErrorCode::kNotFound, "'details.path' '" + path + "' does not exist on the instance's host.");
  }
  std::vector<PstUnit> files;
  if (!fs::is_directory(root, ec)) {
    files.push_back({root, ""});
  } else {
    for (fs::recursive_directory_iterator it(root, ec), end; !ec && it != end; it.increment(ec)) {
      const auto& p = it->path();
      if (!p.filename().empty() && p.filename().string()[0] == '.') {
        if (it->is_directory()) it.disable_recursion_pending();
        continue;
      }
      if (!it->is_regular_file() || !isOutlookDataFile(p)) continue;
      std::string rel = p.parent_path().lexically_relative(root).generic_string();
      if (rel == ".") rel.clear();
      const std::string name = mime::textToUtf8(p.stem().string());
      files.push_back({p, mime::textToUtf8(rel.empty() ? name : rel + "/" + name)});
    }
    std::sort(files.begin(), files.end(), [](const PstUnit& a, const PstUnit& b) { return a.file < b.file; });
  }
  return std::unique_ptr<MessageSource>(new PstSource(std::move(files)));
}

}  // namespace spe::instance
