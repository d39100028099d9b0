#include "instancehost/instance/model/instance_key_file.h"

#include "common/base/json_reader.h"

namespace spe::instance {
namespace {

std::string context(const std::string& id) { return "spe-instance-key:" + id; }

std::string keyBytes(const Key256& k) { return std::string(reinterpret_cast<const char*>(k.data()), k.size()); }

Result<Json> parsed(std::string_view text, const std::string& where) {
  Json j = Json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return makeError(ErrorCode::kIo, "'" + where + "' is damaged.");
  return j;
}

}  // namespace

std::string instanceKeyFileText(const std::string& instance_id, const Key256& instance_key, const Key256& host_key,
                                const Key256& recovery_public_key) {
  std::string box;
  seal(host_key, keyBytes(instance_key), context(instance_id), box);
  const Json j{{"format", 1},
               {"instanceID", instance_id},
               {"hostKeyId", keyId(host_key)},
               {"instanceKey", toHex(box)},
               {"recoveryPublicKey", toHex(keyBytes(recovery_public_key))}};
  return dumpJson(j, 2) + "\n";
}

Result<OpenedKeyFile> openInstanceKeyFile(std::string_view text, const std::string& instance_id, const Key256& host_key,
                                          const std::string& where) {
  auto j = parsed(text, where);
  if (!j) return j.error();
  const std::string host_key_id = stringOf(*j, "hostKeyId").value_or("?");
  if (stringOf(*j, "instanceID").value_or("") != instance_id) {
    return makeError(ErrorCode::kPermissionDenied, "'" + where + "' belongs to another instance.");
  }
  if (host_key_id != keyId(host_key)) {
    return makeError(ErrorCode::kPermissionDenied, "'" + where + "' is protected by another Instance Host's key (" +
                                                       host_key_id + "); this host's key is " + keyId(host_key) + ".");
  }
  auto box = fromHex(stringOf(*j, "instanceKey").value_or(""));
  if (!box) return makeError(ErrorCode::kIo, "'" + where + "' is damaged.");
  auto plain = open(host_key, *box, context(instance_id));
  if (!plain) return makeError(ErrorCode::kPermissionDenied, "'" + where + "' does not open with this host's key.");
  auto key = keyFromBytes(*plain);
  auto pub = fromHex(stringOf(*j, "recoveryPublicKey").value_or(""));
  auto recovery = pub ? keyFromBytes(*pub) : Result<Key256>(makeError(ErrorCode::kIo, ""));
  if (!key || !recovery) return makeError(ErrorCode::kIo, "'" + where + "' is damaged.");
  return OpenedKeyFile{*key, *recovery};
}

Result<std::string> resealInstanceKeyFile(std::string_view text, const std::string& instance_id,
                                          const Key256& instance_key, const Key256& host_key) {
  auto j = parsed(text, "MailStoreMaster.key");
  if (!j) return j.error();
  if (stringOf(*j, "instanceID").value_or("") != instance_id) {
    return makeError(ErrorCode::kInvalidArgument,
                     "The key file belongs to another instance than '" + instance_id + "'.");
  }
  auto pub = fromHex(stringOf(*j, "recoveryPublicKey").value_or(""));
  auto recovery = pub ? keyFromBytes(*pub) : Result<Key256>(makeError(ErrorCode::kIo, ""));
  if (!recovery) return makeError(ErrorCode::kIo, "The key file's recovery key is damaged.");
  return instanceKeyFileText(instance_id, instance_key, host_key, *recovery);
}

}  // namespace spe::instance
