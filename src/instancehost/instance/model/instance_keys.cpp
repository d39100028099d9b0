#include "instancehost/instance/model/instance_keys.h"

#include <unistd.h>

#include <filesystem>

#include "common/base/atomic_file.h"
#include "common/base/json_reader.h"
#include "instancehost/instance/model/instance_key_file.h"
#include "store/append_file.h"

namespace spe::instance {
namespace {

std::string keyBytes(const Key256& k) { return std::string(reinterpret_cast<const char*>(k.data()), k.size()); }

}  // namespace

std::string recoveryKeyText(const std::string& instance_id, const Key256& secret) {
  const std::string hex = toHex(keyBytes(secret));
  std::string grouped;
  for (std::size_t i = 0; i < hex.size(); i += 8) grouped += (i ? "-" : "") + hex.substr(i, 8);
  return "Recovery key of the instance '" + instance_id + "'\n\n" + grouped +
         "\n\nThis key opens every archive store of the instance when its key file or its Instance Host's key is\n"
         "lost, and unlocks its stores when they are attached to another instance (UnlockStore, RecoverStore).\n"
         "Move this file to safekeeping (a password manager or a safe) and delete it from the server.\n"
         "It is written only once and cannot be shown again.\n";
}

Result<Key256> readHostKey(int fd) {
  std::string text;
  char buf[128];
  for (;;) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    text.append(buf, static_cast<std::size_t>(n));
    if (text.size() > 1024) break;
  }
  ::close(fd);
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  auto bytes = fromHex(text);
  if (!bytes || bytes->size() != 32) {
    return makeError(ErrorCode::kInvalidArgument, "The host key handed over by the Instance Host is malformed.");
  }
  return keyFromBytes(*bytes);
}

Result<store::InstanceKeys> loadOrCreateInstanceKeys(const std::string& base, const std::string& id,
                                                     const Key256& host_key) {
  const std::string path = base + "/" + kMasterKeyFile;
  if (!std::filesystem::exists(path)) {
    const Key256 instance_key = randomKey();
    const KeyPair recovery = newKeyPair();
    const std::string recovery_path = base + "/" + kRecoveryKeyFile;
    if (!std::filesystem::exists(recovery_path)) {
      SPE_TRY(writeFileAtomically(recovery_path, recoveryKeyText(id, recovery.secret_key), 0600));
    }
    SPE_TRY(writeFileAtomically(path, instanceKeyFileText(id, instance_key, host_key, recovery.public_key), 0600));
  }
  auto text = store::readFile(path);
  if (!text) return text.error();
  auto opened = openInstanceKeyFile(*text, id, host_key, path);
  const std::string next = path + kNextKeySuffix;
  std::error_code ec;
  if (!opened && std::filesystem::exists(next, ec)) {
    // Handed to this host in a directory both hosts see: the file sealed
    // for this host replaces the old host's now that the instance runs here.
    auto next_text = store::readFile(next);
    if (!next_text) return next_text.error();
    auto taken = openInstanceKeyFile(*next_text, id, host_key, next);
    if (!taken) return opened.error();
    std::filesystem::rename(next, path, ec);
    if (ec) return makeError(ErrorCode::kIo, "Cannot put '" + next + "' in place: " + ec.message());
    SPE_TRY(syncDirectory(base));
    opened = std::move(taken);
  } else if (opened && std::filesystem::exists(next, ec)) {
    std::filesystem::remove(next, ec);  // of a move that did not happen: the instance runs here
  }
  if (!opened) return opened.error();
  store::InstanceKeys keys;
  keys.instance_key = opened->instance_key;
  keys.recovery_public_key = opened->recovery_public_key;
  return keys;
}

}  // namespace spe::instance
