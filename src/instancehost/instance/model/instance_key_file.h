// MailStoreMaster.key's text: the instance key sealed with an Instance
// Host's host key (with that key's ID, so that a file of another host says
// so), and the public half of the recovery key. Pure functions on the text,
// shared by the instance (which opens it at start) and the Instance Host
// (which opens it to hand an instance to another host, and seals it anew
// for itself when it takes one over: instance_move.h).
#pragma once

#include <string>
#include <string_view>

#include "common/base/crypto.h"
#include "common/base/result.h"

namespace spe::instance {

// Beside MailStoreMaster.key: the file sealed for the host an instance was
// handed to while both hosts see its directory. The instance takes it in
// place of the old one when it first starts on that host (instance_keys.h).
inline constexpr const char* kNextKeySuffix = ".next";
// In a copied instance directory: the directory it was copied from, so
// that its stores follow it at its first start (store_manager.h).
inline constexpr const char* kMovedFromFile = "MovedFrom.txt";

// A new key file's text.
std::string instanceKeyFileText(const std::string& instance_id, const Key256& instance_key, const Key256& host_key,
                                const Key256& recovery_public_key);

struct OpenedKeyFile {
  Key256 instance_key;
  Key256 recovery_public_key;
};

// Opens the text with `host_key`; `where` names the file in errors.
Result<OpenedKeyFile> openInstanceKeyFile(std::string_view text, const std::string& instance_id, const Key256& host_key,
                                          const std::string& where);

// The text with the instance key sealed with `host_key` instead (the
// recovery key's public half kept): the file of an instance moved to the
// host whose key that is. `instance_key` is the key the text holds (the
// old host opened it); checked against nothing here but its size.
Result<std::string> resealInstanceKeyFile(std::string_view text, const std::string& instance_id,
                                          const Key256& instance_key, const Key256& host_key);

}  // namespace spe::instance
