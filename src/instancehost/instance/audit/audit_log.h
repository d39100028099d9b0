// AuditLog: the instance's tamper-evident audit log (the formats:
// audit_format.h, docs/compliance.md). Entries are appended to
// <dir>/audit.log with one write(2) each under a mutex, each carrying the
// hash chain; the instance signs a checkpoint (size, head hash, time) with its
// own Ed25519 key at least every `checkpoint_interval` while entries were
// added, and at close().
//
// Crash rule: an entry whose append() returned is in the kernel's page cache:
// kill -9 loses nothing written. A power loss can lose what the disk had not
// got yet: checkpoint() fdatasyncs the log before it signs, so at most the
// entries after the last checkpoint (one interval) can go; the signed
// checkpoint then tells how many entries existed. A record torn by such a
// crash (the file ends inside it) is cut off at open() and that cut is itself
// recorded ("AuditLogTailTruncated"). A complete record is never changed.
//
// Thread safety: append(), checkpoint() and the readers may run on any thread.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <thread>

#include "common/base/crypto.h"
#include "instancehost/instance/audit/audit_format.h"

namespace spe::audit {

struct AuditLogOptions {
  std::string directory;  // <instance base>/Audit; created when missing
  std::string instance_id;
  Key256 secrets_key{};  // seals the signing key (InstanceContext::secrets_key)
  // A checkpoint at least this often while entries were added; 0: only when
  // checkpoint() or close() is called (tests).
  std::chrono::milliseconds checkpoint_interval{std::chrono::seconds(60)};
  // UTC microseconds; tests inject a fake.
  std::function<std::int64_t()> now_us;
};

class AuditLog {
 public:
  // Opens (or creates) the log, its key pair and checkpoint file; cuts a torn
  // tail off and records that. Errors: kIo (files), kCorrupt (a record that
  // is not one inside the file, a key that does not open with secrets_key).
  static Result<std::unique_ptr<AuditLog>> open(AuditLogOptions options);
  ~AuditLog();  // close()
  AuditLog(const AuditLog&) = delete;
  AuditLog& operator=(const AuditLog&) = delete;

  // Appends `e`; its sequence number. kIo when it could not be written (the
  // file is left without a partial record).
  Result<std::uint64_t> append(const AuditEntry& e);
  // Appends all of `entries` with one write, or none of them; the sequence
  // number of the last (the log's size when there are none).
  Result<std::uint64_t> appendAll(std::span<const AuditEntry> entries);
  // Syncs the log and appends a signed checkpoint of its current size (none
  // when nothing was added since the last one).
  Status checkpoint();
  // Stops the checkpoint thread and writes a last checkpoint.
  void close();

  std::uint64_t size() const;  // entries
  const std::string& directory() const { return options_.directory; }
  const std::string& instanceId() const { return options_.instance_id; }
  std::string publicKeyHex() const;

 private:
  explicit AuditLog(AuditLogOptions options) : options_(std::move(options)) {}
  Status openFiles();
  Status loadKeys();
  // Encodes `e` as record `seq` after `head` at the end of buffer_; its hash.
  Result<Hash> encodeLocked(const AuditEntry& e, std::uint64_t seq, const Hash& head);
  // Writes buffer_ after the last record, or nothing (a partial write is cut off).
  Status writeLocked();
  void checkpointLoop();

  AuditLogOptions options_;
  int log_fd_ = -1;
  int checkpoint_fd_ = -1;
  std::array<unsigned char, 64> secret_key_{};  // libsodium's seed|public key form
  std::array<unsigned char, 32> public_key_{};
  mutable std::mutex mu_;  // the files, head_, size_, offset_
  Hash head_{};
  std::uint64_t size_ = 0;
  std::uint64_t offset_ = 0;  // end of the last complete record
  std::uint64_t checkpointed_ = 0;
  std::string buffer_;
  std::mutex cp_mu_;  // one checkpoint at a time; checkpointed_
  std::mutex stop_mu_;
  std::condition_variable stop_cv_;
  bool stopping_ = false;
  std::thread cp_thread_;
};

}  // namespace spe::audit
