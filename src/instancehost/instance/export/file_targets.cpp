// The file targets of export profiles (docs/export.md): a directory of .eml
// files and one .mbox (mboxrd) per folder, both below the profile's path as
// the archive's folder tree.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "common/base/crypto.h"
#include "instancehost/instance/export/export_target.h"
#include "instancehost/instance/export/export_writers.h"
#include "instancehost/instance/model/path_roots.h"

namespace spe::instance {
namespace {

namespace fs = std::filesystem;

constexpr std::size_t kNamePart = 80;

// A full disk, a quota or a read-only file system stops the run; anything
// else fails the one message.
bool stopsTheRun(int error) { return error == ENOSPC || error == EDQUOT || error == EROFS; }

Error fileError(const std::string& what, const std::string& path, int error) {
  return makeError(stopsTheRun(error) ? ErrorCode::kResourceExhausted : ErrorCode::kIo,
                   what + " '" + path + "': " + std::strerror(error));
}

// The folder as directories below `root`, each part safe on every file system.
std::string folderDirectory(const std::string& root, const std::string& folder) {
  std::string out = root;
  std::size_t at = 0;
  while (at <= folder.size()) {
    std::size_t slash = folder.find('/', at);
    if (slash == std::string::npos) slash = folder.size();
    std::string part = safeFileName(folder.substr(at, slash - at), kNamePart);
    out += "/" + (part.empty() ? std::string("_") : part);
    at = slash + 1;
  }
  return out;
}

Status makeDirectories(const std::string& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return fileError("Cannot create the directory", dir, ec.value());
  return okStatus();
}

Result<std::string> fileSha256(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return makeError(ErrorCode::kNotFound, "no file");
  std::ostringstream ss;
  ss << in.rdbuf();
  return sha256Hex(ss.str());
}

// Writes `data` to `fd` whole; the errno of a failure.
int writeAll(int fd, std::string_view data) {
  while (!data.empty()) {
    const ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return errno;
    }
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return 0;
}

Status checkRoot(const std::string& root) {
  auto confined = confinePath(root, "details.path");  // again: the roots may have changed
  if (!confined) return confined.error();
  return makeDirectories(root);
}

// Makes what the batch wrote durable: one sync of the file system.
void syncFileSystem(const std::string& root) {
  const int fd = ::open(root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  ::syncfs(fd);
  ::close(fd);
}

class EmlDirectoryTarget : public ExportTarget {
 public:
  explicit EmlDirectoryTarget(std::string root) : root_(std::move(root)) {}

  Status open(const std::vector<ExportRecord>& known, bool) override {
    SPE_TRY(checkRoot(root_));
    for (const auto& r : known) taken_.insert(r.place);
    return okStatus();
  }

  Status place(ExportItem& item) override {
    const std::string dir = folderDirectory(root_, item.folder);
    std::string name = safeFileName(item.subject, kNamePart);
    if (name.empty()) name = "message";
    item.record.sha256 = sha256Hex(item.raw);
    item.record.message_key = messageIdOf(item.raw);
    // The first free name: not given out in this export, and on disk either
    // absent or the very same message (an earlier full export wrote it).
    for (int n = 1;; ++n) {
      const std::string path = dir + "/" + name + (n == 1 ? "" : " (" + std::to_string(n) + ")") + ".eml";
      if (taken_.count(path)) continue;
      auto there = fileSha256(path);
      if (there && *there != item.record.sha256) continue;
      item.record.place = path;
      taken_.insert(path);
      return okStatus();
    }
  }

  Result<bool> arrived(const ExportRecord& pending) override {
    auto there = fileSha256(pending.place);
    return there && *there == pending.sha256;
  }

  Result<std::vector<Status>> put(std::vector<ExportItem>& batch) override {
    std::vector<Status> out;
    for (auto& item : batch) {
      Status st = writeOne(item);
      if (!st && st.error().code == ErrorCode::kResourceExhausted) return st.error();
      out.push_back(std::move(st));
    }
    syncFileSystem(root_);
    return out;
  }

  Status close() override { return okStatus(); }

 private:
  Status writeOne(const ExportItem& item) {
    const std::string& path = item.record.place;
    if (auto there = fileSha256(path); there && *there == item.record.sha256) return okStatus();
    SPE_TRY(makeDirectories(path.substr(0, path.rfind('/'))));
    // Written beside it, then renamed: a kill never leaves half a file under the name.
    const std::string part = path + ".part";
    const int fd = ::open(part.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) return fileError("Cannot create", part, errno);
    const int error = writeAll(fd, item.raw);
    ::close(fd);
    if (error != 0) {
      ::unlink(part.c_str());
      return fileError("Cannot write", part, error);
    }
    if (::rename(part.c_str(), path.c_str()) != 0) {
      const int e = errno;
      ::unlink(part.c_str());
      return fileError("Cannot rename to", path, e);
    }
    return okStatus();
  }

  std::string root_;
  std::set<std::string> taken_;
};

class MboxTarget : public ExportTarget {
 public:
  explicit MboxTarget(std::string root) : root_(std::move(root)) {}
  ~MboxTarget() override { (void)MboxTarget::close(); }

  Status open(const std::vector<ExportRecord>& known, bool fresh) override {
    SPE_TRY(checkRoot(root_));
    fresh_ = fresh;
    // A file ends after its last message that is done: what a killed run
    // wrote after it (pending messages, a torn one) goes, and is written again.
    std::map<std::string, std::int64_t> ends;
    for (const auto& r : known) {
      auto& end = ends[r.place];
      if (r.done) end = std::max(end, r.end_offset);
    }
    for (const auto& [path, end] : ends) {
      struct stat st {};
      if (::stat(path.c_str(), &st) != 0 || st.st_size <= end) continue;
      if (::truncate(path.c_str(), end) != 0) return fileError("Cannot truncate", path, errno);
    }
    return okStatus();
  }

  Status place(ExportItem& item) override {
    item.record.place = folderDirectory(root_, item.folder) + ".mbox";
    item.record.sha256 = sha256Hex(item.raw);
    item.record.message_key = messageIdOf(item.raw);
    return okStatus();
  }

  Result<bool> arrived(const ExportRecord&) override { return false; }  // cut off at open(): written again

  Result<std::vector<Status>> put(std::vector<ExportItem>& batch) override {
    std::vector<Status> out;
    std::set<int> touched;
    for (auto& item : batch) {
      auto fd = fileFor(item.record.place);
      if (!fd) {
        if (fd.error().code == ErrorCode::kResourceExhausted) return fd.error();
        out.push_back(fd.error());
        continue;
      }
      const int error = writeAll(*fd, mboxrdEntry(item.date, item.raw));
      if (error != 0) {
        Error e = fileError("Cannot write", item.record.place, error);
        if (e.code == ErrorCode::kResourceExhausted) return e;
        out.push_back(e);
        continue;
      }
      item.record.end_offset = ::lseek(*fd, 0, SEEK_END);
      touched.insert(*fd);
      out.push_back(okStatus());
    }
    for (int fd : touched) ::fdatasync(fd);
    return out;
  }

  Status close() override {
    for (auto& [path, fd] : files_) ::close(fd);
    files_.clear();
    return okStatus();
  }

  std::size_t batchSize() const override { return 256; }

 private:
  Result<int> fileFor(const std::string& path) {
    if (auto it = files_.find(path); it != files_.end()) return it->second;
    if (files_.size() >= 64) (void)close();  // a few folders at a time stay open
    SPE_TRY(makeDirectories(path.substr(0, path.rfind('/'))));
    // A full run replaces the file it finds the first time it writes to it.
    const bool replace = fresh_ && !replaced_.count(path);
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | (replace ? O_TRUNC : 0), 0644);
    if (fd < 0) return fileError("Cannot open", path, errno);
    replaced_.insert(path);
    files_[path] = fd;
    return fd;
  }

  std::string root_;
  bool fresh_ = false;
  std::map<std::string, int> files_;
  std::set<std::string> replaced_;
};

}  // namespace

std::unique_ptr<ExportTarget> makeEmlDirectoryTarget(const ExportSpec& spec) {
  return std::make_unique<EmlDirectoryTarget>(spec.path);
}

std::unique_ptr<ExportTarget> makeMboxTarget(const ExportSpec& spec) { return std::make_unique<MboxTarget>(spec.path); }

}  // namespace spe::instance
