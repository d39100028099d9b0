#include "store/append_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "common/base/atomic_file.h"

namespace spe::store {

Error ioError(const std::string& what, int err) {
  if (err == ENOSPC || err == EDQUOT) {
    return makeError(ErrorCode::kIo, what + ": the disk is full (no space left on the device).");
  }
  return makeError(ErrorCode::kIo, what + ": " + std::strerror(err) + ".");
}

AppendFile::~AppendFile() {
  if (fd_ >= 0) ::close(fd_);
}

AppendFile::AppendFile(AppendFile&& o) noexcept : fd_(o.fd_), size_(o.size_), path_(std::move(o.path_)) { o.fd_ = -1; }

AppendFile& AppendFile::operator=(AppendFile&& o) noexcept {
  if (this != &o) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = o.fd_;
    size_ = o.size_;
    path_ = std::move(o.path_);
    o.fd_ = -1;
  }
  return *this;
}

Result<AppendFile> AppendFile::open(const std::string& path, std::uint64_t length) {
  const bool existed = std::filesystem::exists(path);
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return ioError("Cannot open '" + path + "'", errno);
  AppendFile f;
  f.fd_ = fd;
  f.path_ = path;
  struct stat st {};
  if (::fstat(fd, &st) != 0) return ioError("Cannot read the size of '" + path + "'", errno);
  f.size_ = static_cast<std::uint64_t>(st.st_size);
  if (f.size_ > length) SPE_TRY(f.truncate(length));
  if (f.size_ < length) {
    return makeError(ErrorCode::kIo, "'" + path + "' is shorter (" + std::to_string(f.size_) +
                                         " bytes) than the database says (" + std::to_string(length) +
                                         " bytes): committed data is missing.");
  }
  if (!existed) SPE_TRY(syncDirectory(std::filesystem::path(path).parent_path().string()));
  return f;
}

Status AppendFile::append(std::string_view data) {
  std::size_t done = 0;
  while (done < data.size()) {
    const ssize_t n = ::pwrite(fd_, data.data() + done, data.size() - done, static_cast<off_t>(size_ + done));
    if (n < 0) {
      if (errno == EINTR) continue;
      const int err = errno;
      (void)::ftruncate(fd_, static_cast<off_t>(size_));
      return ioError("Cannot write to '" + path_ + "'", err);
    }
    done += static_cast<std::size_t>(n);
  }
  size_ += data.size();
  return okStatus();
}

Status AppendFile::sync() {
  if (::fdatasync(fd_) != 0) return ioError("Cannot flush '" + path_ + "' to disk", errno);
  return okStatus();
}

Status AppendFile::truncate(std::uint64_t length) {
  if (::ftruncate(fd_, static_cast<off_t>(length)) != 0) return ioError("Cannot truncate '" + path_ + "'", errno);
  size_ = length;
  return sync();
}

Result<std::shared_ptr<const OpenedFile>> OpenedFile::open(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return ioError("Cannot open '" + path + "'", errno);
  return std::shared_ptr<const OpenedFile>(new OpenedFile(fd, path));
}

OpenedFile::~OpenedFile() { ::close(fd_); }

Result<std::string> OpenedFile::readAt(std::uint64_t offset, std::size_t length) const {
  std::string out(length, '\0');
  std::size_t done = 0;
  while (done < length) {
    const ssize_t n = ::pread(fd_, out.data() + done, length - done, static_cast<off_t>(offset + done));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return ioError("Cannot read '" + path_ + "'", errno);
    if (n == 0) {
      return makeError(ErrorCode::kIo, "'" + path_ + "' ends before offset " + std::to_string(offset + length) + ".");
    }
    done += static_cast<std::size_t>(n);
  }
  return out;
}

Result<std::string> readAt(const std::string& path, std::uint64_t offset, std::size_t length) {
  auto file = OpenedFile::open(path);
  if (!file) return file.error();
  return (*file)->readAt(offset, length);
}

Result<std::string> readFile(const std::string& path) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  if (ec) return makeError(ErrorCode::kNotFound, "Cannot read '" + path + "': " + ec.message() + ".");
  return readAt(path, 0, static_cast<std::size_t>(size));
}

std::int64_t treeBytes(const std::string& dir) {
  std::int64_t total = 0;
  std::error_code ec;
  for (std::filesystem::recursive_directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    std::error_code fec;
    if (it->is_regular_file(fec)) total += static_cast<std::int64_t>(it->file_size(fec));
  }
  return total;
}

}  // namespace spe::store
