#include "management/management_key.h"

#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "common/base/atomic_file.h"
#include "common/base/logging.h"

namespace spe::management {
namespace fs = std::filesystem;

Result<Key256> loadOrCreateManagementKey(const std::string& data_directory) {
  const std::string dir = data_directory + "/keys";
  const std::string path = dir + "/management.key";
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return makeError(ErrorCode::kIo, "Cannot create '" + dir + "': " + ec.message());
  ::chmod(dir.c_str(), 0700);
  if (!fs::exists(path, ec)) {
    const Key256 key = randomKey();
    // Whole or not at all: a key cut short by a crash would lock every sealed secret out.
    SPE_TRY(writeFileAtomically(
        path, toHex(std::string_view(reinterpret_cast<const char*>(key.data()), key.size())) + "\n", 0600));
    logger("main")->info("created the Management Server's key {}", path);
  }
  std::ifstream in(path);
  std::string hex;
  std::getline(in, hex);
  auto bytes = fromHex(hex);
  if (!in.good() && !in.eof()) return makeError(ErrorCode::kIo, "Cannot read the key file '" + path + "'.");
  if (!bytes || bytes->size() != 32) {
    return makeError(ErrorCode::kCorrupt,
                     "The key file '" + path + "' is damaged (it must hold 64 hex digits); restore it from a backup.");
  }
  return keyFromBytes(*bytes);
}

}  // namespace spe::management
