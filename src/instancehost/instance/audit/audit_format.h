// The audit log's file formats (docs/compliance.md gives them for third-party
// verifiers): the entry log, the checkpoint file and the public key file, in
// <instance base directory>/Audit/.
//
// audit.log: the 16-byte header "SPE-AUDIT-LOG-1\n", then records:
//   u32 LE body length | body | 32-byte chain hash
//   body = u64 LE sequence number (1, 2, ...) | i64 LE time (UTC microseconds
//          since 1970) | a JSON object {"actorKind","actor","source","event",
//          "object","details","outcome"} (UTF-8, no NUL)
//   chain hash H(n) = BLAKE2b-256(H(n-1) | body), H(0) = BLAKE2b-256(
//          "spe-audit-log-v1\n" | instance ID)
// audit.checkpoints: one JSON object a line,
//   {"size":n,"head":hex H(n),"time":µs,"signature":hex Ed25519}
//   signed text: "spe-audit-checkpoint-v1\n<instanceID>\n<size>\n<head hex>\n<time>"
// audit.pub: {"instanceID","algorithm":"Ed25519","publicKey":hex 32 bytes}
// audit.key: the Ed25519 seed (32 bytes) sealed (common/base/crypto.h seal)
//   with the instance key, associated data "<instanceID>/audit-signing-key".
//
// Thread safety: plain functions and values.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/base/result.h"

namespace spe::audit {

inline constexpr std::string_view kLogHeader = "SPE-AUDIT-LOG-1\n";
inline constexpr std::size_t kHashSize = 32;
inline constexpr std::size_t kBodyFixed = 16;  // sequence + time
// A body never exceeds this (details are capped far below it): a larger
// length field is damage, not a record.
inline constexpr std::uint32_t kMaxBody = 1U << 20;
inline constexpr const char* kLogFile = "audit.log";
inline constexpr const char* kCheckpointFile = "audit.checkpoints";
inline constexpr const char* kPublicKeyFile = "audit.pub";
inline constexpr const char* kSecretKeyFile = "audit.key";

using Hash = std::array<unsigned char, kHashSize>;

// Who did something.
enum class ActorKind { kUser, kAdministrator, kArchiveAdmin, kJob, kSystem };
const char* actorKindName(ActorKind kind);  // "user", "administrator", "$archiveadmin", "job", "system"
std::optional<ActorKind> actorKindFromName(std::string_view name);

// One event as the code that did the thing describes it.
struct AuditEntry {
  ActorKind actor_kind = ActorKind::kSystem;
  std::string actor;   // user or administrator name; "$system", job name
  std::string source;  // client address, when there is one
  std::string event;   // the product's event name (docs/compliance.md)
  std::string object;  // what it was done to (user, folder, store, message)
  std::string details;
  bool success = true;
};

// An entry as stored: with its sequence number, time and chain hash.
struct StoredEntry {
  std::uint64_t sequence = 0;
  std::int64_t time_us = 0;
  AuditEntry entry;
  Hash hash{};
};

Hash genesisHash(std::string_view instance_id);
Hash chainHash(const Hash& previous, std::string_view body);
// Appends the body of `e` (sequence, time, JSON) to `out`.
void encodeBody(std::uint64_t sequence, std::int64_t time_us, const AuditEntry& e, std::string& out);
// Reads a body; kCorrupt when it is not one.
Result<StoredEntry> decodeBody(std::string_view body);

std::string checkpointText(std::string_view instance_id, std::uint64_t size, const Hash& head, std::int64_t time_us);

std::string hashHex(const Hash& h);
std::optional<Hash> hashFromHex(std::string_view hex);

// "2026-12-07T10:11:12.123456Z" and back (UTC; fraction optional on input).
std::string isoTime(std::int64_t time_us);
std::optional<std::int64_t> parseIsoTime(std::string_view text);

}  // namespace spe::audit
