// MailStoreFileGroup.key: a store's format version, GUID and its data key,
// wrapped twice:
//   "instance": AES-256-GCM with the owning instance's key (day to day);
//   "recovery": a sealed box to the instance's recovery public key, which
//               only the recovery key (RecoveryKey.txt, kept offline) opens.
// File: {"format": N, "storeGuid": "...", "keys": [{"kind", "keyId", "wrapped"}]}
// Thread safety: plain functions on values.
#pragma once

#include <string>
#include <vector>

#include "common/base/crypto.h"
#include "common/base/result.h"

namespace spe::store {

struct WrappedKey {
  std::string kind;     // "instance" or "recovery"
  std::string key_id;   // keyId() of the wrapping key (public key for "recovery")
  std::string wrapped;  // hex
};

struct StoreKeyFile {
  int format = 0;
  std::string store_guid;
  std::vector<WrappedKey> keys;
};

// The keys an instance holds to open and create its stores.
struct InstanceKeys {
  Key256 instance_key{};
  Key256 recovery_public_key{};
};

StoreKeyFile newKeyFile(int format, const std::string& store_guid, const Key256& data_key, const InstanceKeys& keys);
Result<StoreKeyFile> readKeyFile(const std::string& path);
Status writeKeyFile(const std::string& path, const StoreKeyFile& file);

// Unwraps with the instance key. The error for a store wrapped by someone
// else says which recovery key unlocks it.
Result<Key256> unwrapWithInstanceKey(const StoreKeyFile& file, const Key256& instance_key);
// Unwraps with a recovery key given as 64 hex characters.
Result<Key256> unwrapWithRecoveryKey(const StoreKeyFile& file, const std::string& recovery_key_hex);
// Replaces the wrapped copies so `keys` opens the store (UnlockStore).
void rewrap(StoreKeyFile& file, const Key256& data_key, const InstanceKeys& keys);

}  // namespace spe::store
