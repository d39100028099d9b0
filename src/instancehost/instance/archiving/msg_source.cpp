#include "instancehost/instance/archiving/msg_source.h"

#include <algorithm>
#include <filesystem>

#include "common/mapi/mime_builder.h"
#include "common/mapi/msg_reader.h"
#include "common/mime/charset.h"
#include "instancehost/instance/model/path_roots.h"

namespace spe::instance {

namespace fs = std::filesystem;

namespace {

constexpr std::size_t kMaxLossesListed = 50;

struct MsgUnit {
  fs::path file;
  std::string folder;
};

bool isMsgFile(const fs::path& p) {
  std::string ext = p.extension().string();
  for (auto& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return ext == ".msg";
}

class MsgSource : public MessageSource {
 public:
  explicit MsgSource(std::vector<MsgUnit> files) : files_(std::move(files)) {}
  std::int64_t estimate() const override { return static_cast<std::int64_t>(files_.size()); }

  Status forEach(const std::function<bool(SourceMessage&&)>& each) override {
    for (const auto& f : files_) {
      SourceMessage m;
      m.folder = f.folder;
      m.origin = f.file.string();
      std::error_code ec;
      const auto size = fs::file_size(f.file, ec);
      if (!confinePath(f.file.string(), "details.path")) {
        m.error = "not read: it leads outside the allowed directories (a symbolic link?)";
      } else if (ec) {
        m.error = "cannot read: " + ec.message();
      } else if (size > kMaxMessageBytes) {
        m.error = tooLargeError(static_cast<std::int64_t>(size));
      } else if (auto message = mapi::readMsgFile(f.file.string(), kMaxMessageBytes); !message) {
        m.error = message.error().message;
      } else if (auto mime = mapi::toRfc5322(*message); !mime) {
        m.error = "cannot be converted: " + mime.error().message;
      } else if (mime->raw.size() > kMaxMessageBytes) {
        m.error = tooLargeError(static_cast<std::int64_t>(mime->raw.size()));
      } else {
        for (const auto& w : mime->warnings) {
          if (losses_.size() < kMaxLossesListed) losses_.push_back(m.origin + ": " + w);
        }
        m.raw = std::move(mime->raw);
      }
      if (!each(std::move(m))) break;
    }
    return okStatus();
  }

  Status finish(std::vector<std::string>& warnings) override {
    for (auto& w : losses_) warnings.push_back(std::move(w));
    return okStatus();
  }

 private:
  std::vector<MsgUnit> files_;
  std::vector<std::string> losses_;
};

}  // namespace

Result<std::unique_ptr<MessageSource>> openMsgSource(const std::string& path, bool include_subfolders) {
  if (path.empty() || path[0] != '/') {
    return makeError(ErrorCode::kInvalidArgument, "'details.path' must be an absolute path on the instance's host.");
  }
  SPE_TRY(confinePath(path, "details.path"));
  const fs::path root = fs::path(path).lexically_normal();
  std::error_code ec;
  if (!fs::exists(root, ec)) {
    return makeError(ErrorCode::kNotFound, "'details.path' '" + path + "' does not exist on the instance's host.");
  }
  if (!fs::is_directory(root, ec)) {
    return makeError(ErrorCode::kInvalidArgument, "'details.path' '" + path + "' is not a directory.");
  }
  std::vector<MsgUnit> files;
  auto add = [&](const fs::directory_entry& e) {
    const auto& p = e.path();
    if (!e.is_regular_file() || !isMsgFile(p) || p.filename().string()[0] == '.') return;
    std::string rel = p.parent_path().lexically_relative(root).generic_string();
    files.push_back({p, rel == "." ? "" : mime::textToUtf8(rel)});
  };
  if (include_subfolders) {
    for (fs::recursive_directory_iterator it(root, ec), end; !ec && it != end; it.increment(ec)) {
      if (it->is_directory() && it->path().filename().string()[0] == '.') {
        it.disable_recursion_pending();
        continue;
      }
      add(*it);
    }
  } else {
    for (fs::directory_iterator it(root, ec), end; !ec && it != end; it.increment(ec)) add(*it);
  }
  std::sort(files.begin(), files.end(), [](const MsgUnit& a, const MsgUnit& b) { return a.file < b.file; });
  return std::unique_ptr<MessageSource>(new MsgSource(std::move(files)));
}

}  // namespace spe::instance
