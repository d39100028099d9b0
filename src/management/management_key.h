// The Management Server's own key: 32 random bytes, kept as hex in
// <data>/keys/management.key (mode 600, in a directory of mode 700), made at
// the first start. It seals the secrets the management database keeps (the
// administrators' TOTP secrets, admin_mfa.h; AES-256-GCM, common/base/crypto.h),
// so a copy of management.fdb alone does not give them away. As with the
// product's DPAPI protection, a database restored elsewhere without this file
// cannot open them: move the key with it, or deactivate MFA first.
// Thread safety: stateless.
#pragma once

#include <string>

#include "common/base/crypto.h"
#include "common/base/result.h"

namespace spe::management {

// Reads the key, creating it (and its directory) when the file is missing.
// An error names the file when it cannot be written or is damaged (never
// replaced then: the secrets sealed with it would be lost).
Result<Key256> loadOrCreateManagementKey(const std::string& data_directory);

}  // namespace spe::management
