// The instance's keys.
//
// MailStoreMaster.key holds the instance key (which wraps every store's
// data key) sealed with the Instance Host's host key, plus the public half
// of the recovery key. The host hands its key to the instance at start on a
// pipe (--key-fd), so neither key file opens on its own.
// The recovery key's secret half is generated once, when the instance is
// created, and written to <base directory>/RecoveryKey.txt (mode 600) for
// the provider to move to safekeeping; the instance never needs it again.
#pragma once

#include <string>

#include "common/base/crypto.h"
#include "store/store_keys.h"

namespace spe::instance {

inline constexpr const char* kMasterKeyFile = "MailStoreMaster.key";
inline constexpr const char* kRecoveryKeyFile = "RecoveryKey.txt";

// Opens <base>/MailStoreMaster.key with `host_key`, creating the keys (and
// RecoveryKey.txt) on first use.
Result<store::InstanceKeys> loadOrCreateInstanceKeys(const std::string& base_directory, const std::string& instance_id,
                                                     const Key256& host_key);

// Reads a 64-hex-character host key from a file descriptor (then closes it).
Result<Key256> readHostKey(int fd);

// The text written to RecoveryKey.txt.
std::string recoveryKeyText(const std::string& instance_id, const Key256& secret);

}  // namespace spe::instance
