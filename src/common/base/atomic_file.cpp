#include "common/base/atomic_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

namespace spe {
namespace {

Error ioError(const std::string& what, int err) {
  if (err == ENOSPC || err == EDQUOT) {
    return makeError(ErrorCode::kIo, what + ": the disk is full (no space left on the device).");
  }
  return makeError(ErrorCode::kIo, what + ": " + std::strerror(err) + ".");
}

// Writes all of `data`, retrying short writes and EINTR; errno on failure.
int writeAll(int fd, std::string_view data) {
  std::size_t done = 0;
  while (done < data.size()) {
    const ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return n < 0 ? errno : EIO;
    done += static_cast<std::size_t>(n);
  }
  return 0;
}

}  // namespace

Status syncDirectory(const std::string& directory) {
  const int fd = ::open(directory.empty() ? "." : directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return ioError("Cannot open the directory '" + directory + "'", errno);
  const int rc = ::fsync(fd);
  const int err = errno;
  ::close(fd);
  if (rc != 0) return ioError("Cannot flush the directory '" + directory + "'", err);
  return okStatus();
}

Status writeFileAtomically(const std::string& path, std::string_view data, mode_t mode) {
  std::string tmp = path + ".XXXXXX";
  const int fd = ::mkstemp(tmp.data());  // mode 0600, O_EXCL: nobody else's file
  if (fd < 0) return ioError("Cannot create a temporary file next to '" + path + "'", errno);
  // The final mode before any data: a key is never readable by others, and
  // a file meant for others never needs a second step after the rename.
  int err = ::fchmod(fd, mode) == 0 ? 0 : errno;
  if (err == 0) err = writeAll(fd, data);
  if (err == 0 && ::fsync(fd) != 0) err = errno;
  if (::close(fd) != 0 && err == 0) err = errno;
  if (err == 0 && ::rename(tmp.c_str(), path.c_str()) != 0) err = errno;
  if (err != 0) {
    ::unlink(tmp.c_str());
    return ioError("Cannot write '" + path + "'", err);
  }
  return syncDirectory(std::filesystem::path(path).parent_path().string());
}

}  // namespace spe
