// AppendFile: a file written only at its end, with explicit durability.
//
// Writes go to the end the object tracks (pwrite), so a failed or partial
// write can be cut off with truncate() back to the last good length. sync()
// makes everything written so far durable (fdatasync). Used for container
// files and recovery segments.
// Thread safety: none; one writer owns an AppendFile.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "common/base/result.h"

namespace spe::store {

class AppendFile {
 public:
  AppendFile() = default;
  ~AppendFile();
  AppendFile(AppendFile&& other) noexcept;
  AppendFile& operator=(AppendFile&& other) noexcept;
  AppendFile(const AppendFile&) = delete;
  AppendFile& operator=(const AppendFile&) = delete;

  // Opens (creating it, and syncing the directory so the new name is
  // durable) and cuts the file at `length` when it is longer: bytes past the
  // last committed length are a half-written tail.
  static Result<AppendFile> open(const std::string& path, std::uint64_t length);

  Status append(std::string_view data);
  Status sync();
  Status truncate(std::uint64_t length);
  std::uint64_t size() const { return size_; }
  const std::string& path() const { return path_; }
  bool isOpen() const { return fd_ >= 0; }

 private:
  int fd_ = -1;
  std::uint64_t size_ = 0;
  std::string path_;
};

// A file open for reading, for reads spread over time (a download read
// piece by piece): it stays readable while it is open even if it is
// removed (a compacted container). Closed with the last copy.
class OpenedFile {
 public:
  static Result<std::shared_ptr<const OpenedFile>> open(const std::string& path);
  ~OpenedFile();
  OpenedFile(const OpenedFile&) = delete;
  OpenedFile& operator=(const OpenedFile&) = delete;
  // Reads `length` bytes at `offset`; an error when the file is shorter.
  Result<std::string> readAt(std::uint64_t offset, std::size_t length) const;

 private:
  OpenedFile(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}
  int fd_;
  std::string path_;
};

// Reads `length` bytes at `offset`; an error when the file is shorter.
Result<std::string> readAt(const std::string& path, std::uint64_t offset, std::size_t length);
// Whole-file read (small files).
Result<std::string> readFile(const std::string& path);
// Bytes of the regular files below `dir` (0 for what cannot be read).
std::int64_t treeBytes(const std::string& dir);
// An I/O error with the system's reason; ENOSPC reads "The disk is full".
Error ioError(const std::string& what, int err);

}  // namespace spe::store
