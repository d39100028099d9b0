#include "store/store_keys.h"

#include "common/base/atomic_file.h"
#include "common/base/json_reader.h"
#include "store/append_file.h"

namespace spe::store {
namespace {

std::string wrapContext(const std::string& guid) { return "spe-store-key:" + guid; }

}  // namespace

void rewrap(StoreKeyFile& file, const Key256& data_key, const InstanceKeys& keys) {
  const std::string plain(reinterpret_cast<const char*>(data_key.data()), data_key.size());
  std::string box;
  seal(keys.instance_key, plain, wrapContext(file.store_guid), box);
  file.keys.clear();
  file.keys.push_back({"instance", keyId(keys.instance_key), toHex(box)});
  file.keys.push_back(
      {"recovery", keyId(keys.recovery_public_key), toHex(sealToPublicKey(keys.recovery_public_key, plain))});
}

StoreKeyFile newKeyFile(int format, const std::string& store_guid, const Key256& data_key, const InstanceKeys& keys) {
  StoreKeyFile f;
  f.format = format;
  f.store_guid = store_guid;
  rewrap(f, data_key, keys);
  return f;
}

Result<StoreKeyFile> readKeyFile(const std::string& path) {
  auto text = readFile(path);
  if (!text) return makeError(ErrorCode::kNotFound, "The key file '" + path + "' is missing.");
  Json j = Json::parse(*text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return makeError(ErrorCode::kIo, "The key file '" + path + "' is damaged.");
  StoreKeyFile f;
  try {
    f.format = j.at("format").get<int>();
    f.store_guid = j.at("storeGuid").get<std::string>();
    for (const auto& k : j.at("keys")) {
      f.keys.push_back(
          {k.at("kind").get<std::string>(), k.at("keyId").get<std::string>(), k.at("wrapped").get<std::string>()});
    }
  } catch (const Json::exception&) {
    return makeError(ErrorCode::kIo, "The key file '" + path + "' is damaged.");
  }
  return f;
}

Status writeKeyFile(const std::string& path, const StoreKeyFile& file) {
  Json keys = Json::array();
  for (const auto& k : file.keys) keys.push_back({{"kind", k.kind}, {"keyId", k.key_id}, {"wrapped", k.wrapped}});
  const Json j{{"format", file.format}, {"storeGuid", file.store_guid}, {"keys", keys}};
  return writeFileAtomically(path, dumpJson(j, 2) + "\n", 0600);
}

Result<Key256> unwrapWithInstanceKey(const StoreKeyFile& file, const Key256& instance_key) {
  const std::string id = keyId(instance_key);
  std::string recovery_id;
  for (const auto& k : file.keys) {
    if (k.kind == "recovery") recovery_id = k.key_id;
    if (k.kind != "instance" || k.key_id != id) continue;
    auto box = fromHex(k.wrapped);
    if (!box) break;
    auto plain = open(instance_key, *box, wrapContext(file.store_guid));
    if (!plain) break;
    return keyFromBytes(*plain);
  }
  return makeError(ErrorCode::kPermissionDenied,
                   "Unable to unlock archive store (Identifier: " + recovery_id +
                       "). Unlock it with UnlockStore and the recovery key it was created with.");
}

Result<Key256> unwrapWithRecoveryKey(const StoreKeyFile& file, const std::string& recovery_key_hex) {
  std::string compact;
  for (char c : recovery_key_hex) {
    if (c != '-' && c != ' ') compact.push_back(c);
  }
  auto secret = fromHex(compact);
  if (!secret || secret->size() != 32) {
    return makeError(ErrorCode::kInvalidArgument, "The recovery key must be 64 hexadecimal characters.");
  }
  const KeyPair pair = keyPairFromSecret(*keyFromBytes(*secret));
  for (const auto& k : file.keys) {
    if (k.kind != "recovery" || k.key_id != keyId(pair.public_key)) continue;
    auto box = fromHex(k.wrapped);
    if (!box) break;
    auto plain = openSealedBox(pair, *box);
    if (!plain) break;
    return keyFromBytes(*plain);
  }
  return makeError(ErrorCode::kPermissionDenied, "The recovery key does not unlock this archive store.");
}

}  // namespace spe::store
