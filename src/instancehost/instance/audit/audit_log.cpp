#include "instancehost/instance/audit/audit_log.h"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/base/atomic_file.h"
#include "common/base/json_reader.h"
#include "common/base/logging.h"

namespace spe::audit {
namespace fs = std::filesystem;
namespace {

Error ioError(const std::string& what, const std::string& path) {
  return makeError(ErrorCode::kIo, what + " '" + path + "': " + std::strerror(errno));
}

std::int64_t systemNowUs() {
  return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

Result<std::string> readWhole(int fd, const std::string& path) {
  std::string out;
  char buf[1 << 16];
  if (::lseek(fd, 0, SEEK_SET) < 0) return ioError("Cannot read", path);
  for (;;) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return ioError("Cannot read", path);
    if (n == 0) break;
    out.append(buf, static_cast<std::size_t>(n));
  }
  return out;
}

Status writeAll(int fd, std::string_view data, const std::string& path) {
  while (!data.empty()) {
    const ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return ioError("Cannot write", path);
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return okStatus();
}

std::uint32_t getLe32(const char* p) {
  return static_cast<std::uint32_t>(static_cast<unsigned char>(p[0])) |
         (static_cast<std::uint32_t>(static_cast<unsigned char>(p[1])) << 8) |
         (static_cast<std::uint32_t>(static_cast<unsigned char>(p[2])) << 16) |
         (static_cast<std::uint32_t>(static_cast<unsigned char>(p[3])) << 24);
}

}  // namespace

Result<std::unique_ptr<AuditLog>> AuditLog::open(AuditLogOptions options) {
  if (!options.now_us) options.now_us = systemNowUs;
  std::unique_ptr<AuditLog> log(new AuditLog(std::move(options)));
  std::error_code ec;
  fs::create_directories(log->options_.directory, ec);
  if (ec) {
    return makeError(ErrorCode::kIo, "Cannot create '" + log->options_.directory + "': " + ec.message());
  }
  SPE_TRY(log->loadKeys());
  SPE_TRY(log->openFiles());
  if (log->options_.checkpoint_interval.count() > 0) {
    log->cp_thread_ = std::thread([p = log.get()] { p->checkpointLoop(); });
  }
  return log;
}

AuditLog::~AuditLog() {
  close();
  if (log_fd_ >= 0) ::close(log_fd_);
  if (checkpoint_fd_ >= 0) ::close(checkpoint_fd_);
  sodium_memzero(secret_key_.data(), secret_key_.size());
}

Status AuditLog::loadKeys() {
  const std::string key_path = options_.directory + "/" + kSecretKeyFile;
  const std::string associated = options_.instance_id + "/audit-signing-key";
  std::array<unsigned char, 32> seed{};
  if (fs::exists(key_path)) {
    std::ifstream in(key_path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    if (!in) return makeError(ErrorCode::kIo, "Cannot read '" + key_path + "'.");
    auto plain = spe::open(options_.secrets_key, ss.str(), associated);
    if (!plain || plain->size() != seed.size()) {
      return makeError(ErrorCode::kCorrupt, "The audit signing key '" + key_path +
                                                "' does not open with this instance's key: the audit log cannot "
                                                "be signed (restore the file from a backup).");
    }
    std::memcpy(seed.data(), plain->data(), seed.size());
    sodium_memzero(plain->data(), plain->size());
  } else {
    randombytes_buf(seed.data(), seed.size());
    std::string box;
    seal(options_.secrets_key, std::string_view(reinterpret_cast<const char*>(seed.data()), seed.size()), associated,
         box);
    SPE_TRY(writeFileAtomically(key_path, box));
  }
  crypto_sign_seed_keypair(public_key_.data(), secret_key_.data(), seed.data());
  sodium_memzero(seed.data(), seed.size());
  const Json pub{{"instanceID", options_.instance_id}, {"algorithm", "Ed25519"}, {"publicKey", publicKeyHex()}};
  const std::string pub_text = pub.dump() + "\n";
  const std::string pub_path = options_.directory + "/" + kPublicKeyFile;
  std::ifstream old(pub_path);
  std::stringstream ss;
  ss << old.rdbuf();
  if (ss.str() != pub_text) SPE_TRY(writeFileAtomically(pub_path, pub_text, 0644));
  return okStatus();
}

std::string AuditLog::publicKeyHex() const {
  return toHex(std::string_view(reinterpret_cast<const char*>(public_key_.data()), public_key_.size()));
}

Status AuditLog::openFiles() {
  const std::string log_path = options_.directory + "/" + kLogFile;
  log_fd_ = ::open(log_path.c_str(), O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (log_fd_ < 0) return ioError("Cannot open", log_path);
  auto data = readWhole(log_fd_, log_path);
  if (!data) return data.error();
  std::uint64_t torn = 0;
  head_ = genesisHash(options_.instance_id);
  if (data->empty()) {
    SPE_TRY(writeAll(log_fd_, kLogHeader, log_path));
    if (::fdatasync(log_fd_) != 0) return ioError("Cannot sync", log_path);
    offset_ = kLogHeader.size();
  } else {
    if (data->size() < kLogHeader.size()) {
      // Only a crash while the header was written leaves less.
      if (std::string_view(kLogHeader).substr(0, data->size()) != *data) {
        return makeError(ErrorCode::kCorrupt, "'" + log_path + "' is not an audit log.");
      }
      if (::ftruncate(log_fd_, 0) != 0) return ioError("Cannot truncate", log_path);
      SPE_TRY(writeAll(log_fd_, kLogHeader, log_path));
      offset_ = kLogHeader.size();
    } else {
      if (std::string_view(*data).substr(0, kLogHeader.size()) != kLogHeader) {
        return makeError(ErrorCode::kCorrupt, "'" + log_path + "' is not an audit log.");
      }
      std::size_t at = kLogHeader.size();
      const std::size_t n = data->size();
      while (at < n) {
        if (n - at < 4) break;
        const std::uint32_t len = getLe32(data->data() + at);
        if (len < kBodyFixed || len > kMaxBody) {
          return makeError(ErrorCode::kCorrupt, "'" + log_path + "' has a damaged record at byte " +
                                                    std::to_string(at) + " (run spe-audit verify).");
        }
        if (n - at - 4 < static_cast<std::size_t>(len) + kHashSize) break;
        std::uint64_t seq = 0;
        std::memcpy(&seq, data->data() + at + 4, 8);  // little-endian hosts only (x86-64, arm64)
        size_ = seq;
        std::memcpy(head_.data(), data->data() + at + 4 + len, kHashSize);
        at += 4 + len + kHashSize;
      }
      offset_ = at;
      if (at < n) {
        torn = n - at;
        if (::ftruncate(log_fd_, static_cast<off_t>(at)) != 0) return ioError("Cannot truncate", log_path);
        if (::fdatasync(log_fd_) != 0) return ioError("Cannot sync", log_path);
      }
    }
  }
  const std::string cp_path = options_.directory + "/" + kCheckpointFile;
  checkpoint_fd_ = ::open(cp_path.c_str(), O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (checkpoint_fd_ < 0) return ioError("Cannot open", cp_path);
  auto cps = readWhole(checkpoint_fd_, cp_path);
  if (!cps) return cps.error();
  if (!cps->empty() && cps->back() != '\n') {
    const auto keep = cps->rfind('\n');
    const std::size_t len = keep == std::string::npos ? 0 : keep + 1;
    if (::ftruncate(checkpoint_fd_, static_cast<off_t>(len)) != 0) return ioError("Cannot truncate", cp_path);
    cps->resize(len);
  }
  if (!cps->empty()) {
    const auto start = cps->rfind('\n', cps->size() - 2);
    Json last = Json::parse(cps->substr(start == std::string::npos ? 0 : start + 1), nullptr, false);
    if (last.is_object() && last.contains("size") && last["size"].is_number_unsigned()) {
      checkpointed_ = last["size"].get<std::uint64_t>();
    }
  }
  if (torn > 0) {
    AuditEntry e;
    e.actor_kind = ActorKind::kSystem;
    e.actor = "$system";
    e.event = "AuditLogTailTruncated";
    e.object = kLogFile;
    e.details = std::to_string(torn) +
                " bytes of an incomplete last record were cut off at open (a crash while "
                "it was written; it was never acknowledged)";
    SPE_TRY(append(e));
  }
  return okStatus();
}

Result<Hash> AuditLog::encodeLocked(const AuditEntry& e, std::uint64_t seq, const Hash& head) {
  const std::size_t start = buffer_.size();
  buffer_.append(4, '\0');
  encodeBody(seq, options_.now_us(), e, buffer_);
  const std::size_t body = buffer_.size() - start - 4;
  if (body > kMaxBody) return makeError(ErrorCode::kInvalidArgument, "An audit record is longer than 1 MiB.");
  for (std::size_t i = 0; i < 4; ++i) buffer_[start + i] = static_cast<char>((body >> (8 * i)) & 0xff);
  const Hash h = chainHash(head, std::string_view(buffer_).substr(start + 4));
  buffer_.append(reinterpret_cast<const char*>(h.data()), h.size());
  return h;
}

Status AuditLog::writeLocked() {
  const std::string path = options_.directory + "/" + kLogFile;
  // One write(2): a kill cannot leave half of it; a short write (disk full)
  // is undone so no partial record stays in front of the next one.
  const ssize_t n = ::write(log_fd_, buffer_.data(), buffer_.size());
  if (n != static_cast<ssize_t>(buffer_.size())) {
    if (n >= 0 || errno == EINTR) {
      Status rest = n >= 0 ? writeAll(log_fd_, std::string_view(buffer_).substr(static_cast<std::size_t>(n)), path)
                           : writeAll(log_fd_, buffer_, path);
      if (!rest) {
        [[maybe_unused]] int ignored = ::ftruncate(log_fd_, static_cast<off_t>(offset_));
        return rest.error();
      }
    } else {
      auto err = ioError("Cannot write the audit log", path);
      [[maybe_unused]] int ignored = ::ftruncate(log_fd_, static_cast<off_t>(offset_));
      return err;
    }
  }
  offset_ += buffer_.size();
  return okStatus();
}

Result<std::uint64_t> AuditLog::append(const AuditEntry& e) { return appendAll(std::span<const AuditEntry>(&e, 1)); }

Result<std::uint64_t> AuditLog::appendAll(std::span<const AuditEntry> entries) {
  std::lock_guard lock(mu_);
  buffer_.clear();
  Hash head = head_;
  std::uint64_t seq = size_;
  for (const AuditEntry& e : entries) {
    auto h = encodeLocked(e, ++seq, head);
    if (!h) return h.error();
    head = *h;
  }
  if (entries.empty()) return size_;
  SPE_TRY(writeLocked());
  head_ = head;
  size_ = seq;
  return seq;
}

std::uint64_t AuditLog::size() const {
  std::lock_guard lock(mu_);
  return size_;
}

Status AuditLog::checkpoint() {
  std::lock_guard sign_lock(cp_mu_);  // one checkpoint at a time
  std::uint64_t size = 0;
  Hash head{};
  {
    std::lock_guard lock(mu_);
    size = size_;
    head = head_;
  }
  if (size == checkpointed_ && size != 0) return okStatus();
  if (size == 0 && checkpointed_ == 0) {
    // An empty log still gets its first checkpoint: it fixes the key in time.
    struct stat st {};
    if (::fstat(checkpoint_fd_, &st) == 0 && st.st_size > 0) return okStatus();
  }
  const std::string log_path = options_.directory + "/" + kLogFile;
  // What the checkpoint covers is on disk before it is signed.
  if (::fdatasync(log_fd_) != 0) return ioError("Cannot sync", log_path);
  const std::int64_t now = options_.now_us();
  const std::string text = checkpointText(options_.instance_id, size, head, now);
  std::array<unsigned char, crypto_sign_BYTES> sig{};
  crypto_sign_detached(sig.data(), nullptr, reinterpret_cast<const unsigned char*>(text.data()), text.size(),
                       secret_key_.data());
  const Json line{{"size", size},
                  {"head", hashHex(head)},
                  {"time", now},
                  {"signature", toHex(std::string_view(reinterpret_cast<const char*>(sig.data()), sig.size()))}};
  const std::string cp_path = options_.directory + "/" + kCheckpointFile;
  SPE_TRY(writeAll(checkpoint_fd_, line.dump() + "\n", cp_path));
  if (::fdatasync(checkpoint_fd_) != 0) return ioError("Cannot sync", cp_path);
  checkpointed_ = size;
  return okStatus();
}

void AuditLog::checkpointLoop() {
  std::unique_lock lock(stop_mu_);
  while (!stopping_) {
    stop_cv_.wait_for(lock, options_.checkpoint_interval, [this] { return stopping_; });
    if (stopping_) break;
    lock.unlock();
    if (auto st = checkpoint(); !st) {  // retried at the next moment
      logger("audit")->error("audit checkpoint not written: {}", st.error().message);
    }
    lock.lock();
  }
}

void AuditLog::close() {
  {
    std::lock_guard lock(stop_mu_);
    if (stopping_) return;
    stopping_ = true;
  }
  stop_cv_.notify_all();
  if (cp_thread_.joinable()) cp_thread_.join();
  if (log_fd_ < 0) return;
  if (auto st = checkpoint(); !st) logger("audit")->error("last audit checkpoint not written: {}", st.error().message);
}

}  // namespace spe::audit
