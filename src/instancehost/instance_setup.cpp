#include "instancehost/instance_setup.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "common/base/atomic_file.h"
#include "common/base/json_reader.h"
#include "common/base/logging.h"
#include "common/base/password.h"

namespace spe::instancehost {
namespace fs = std::filesystem;

std::string loadOrCreateHostKey(const std::string& path) {
  std::error_code ec;
  fs::create_directories(fs::path(path).parent_path(), ec);
  ::chmod(fs::path(path).parent_path().c_str(), 0700);
  if (!fs::exists(path)) {
    const std::string hex = randomHex(32);
    // Whole or not at all: a key cut short by a crash would lock every
    // instance's key file out at the next start.
    if (auto st = writeFileAtomically(path, hex + "\n", 0600); !st) {
      logger("instances")->error("cannot create the host key: {}", st.error().message);
      return {};
    }
    logger("instances")->info("created the host key {}", path);
  }
  std::ifstream in(path);
  std::string hex;
  std::getline(in, hex);
  if (hex.size() != 64) {
    logger("instances")->error("the host key '{}' is damaged", path);
    return {};
  }
  return hex;
}

Status prepareInstance(const InstanceSpec& spec, const SupervisorOptions& options, const std::string& socket,
                       const RunProgram& run_program, std::mutex& useradd_mutex, LaunchOptions& launch) {
  const std::string& id = spec.id;
  if (options.user_per_instance ? !isValidInstanceId(id)
                                : (id.empty() || id[0] == '.' || id.find('/') != std::string::npos)) {
    return makeError(ErrorCode::kInvalidArgument, "'" + id + "' is not a valid instance ID.");
  }
  std::optional<InstanceUser> user;
  if (options.user_per_instance) {
    std::lock_guard lock(useradd_mutex);
    auto u = ensureInstanceUser(id, run_program);
    if (!u) return u.error();
    user = *u;
    launch.uid = static_cast<int>(u->uid);
    launch.gid = static_cast<int>(u->gid);
  }
  // Base directory: the instance's own, mode 700 (and nothing else of the
  // host's is writable to its user).
  std::error_code ec;
  fs::create_directories(spec.base_directory, ec);
  if (ec) {
    return makeError(ErrorCode::kIo, "Cannot create the base directory '" + spec.base_directory + "': " + ec.message());
  }
  ::chmod(spec.base_directory.c_str(), 0700);
  // Runtime directory for the socket.
  if (socket.size() >= 100) {
    return makeError(ErrorCode::kInvalidArgument, "The runtime socket path '" + socket + "' is too long.");
  }
  const std::string run_dir = fs::path(socket).parent_path().string();
  fs::create_directories(run_dir, ec);
  if (ec) return makeError(ErrorCode::kIo, "Cannot create '" + run_dir + "': " + ec.message());
  ::chmod(run_dir.c_str(), 0700);
  // Import directory: readable, not writable, by the instance's user.
  std::string import_dir;
  if (!options.import_directory.empty()) {
    import_dir = options.import_directory + "/" + id;
    fs::create_directories(import_dir, ec);
    if (ec)
      return makeError(ErrorCode::kIo, "Cannot create the import directory '" + import_dir + "': " + ec.message());
    ::chmod(options.import_directory.c_str(), 0711);
    ::chmod(import_dir.c_str(), user ? 0750 : 0700);
  }
  if (user) {
    SPE_TRY(chownTree(spec.base_directory, user->uid, user->gid));
    SPE_TRY(chownTree(run_dir, user->uid, user->gid));
    if (!import_dir.empty() && ::chown(import_dir.c_str(), ::geteuid(), user->gid) != 0) {
      return makeError(ErrorCode::kIo, "Cannot give the import directory '" + import_dir + "' to the group '" +
                                           user->name + "': " + std::strerror(errno));
    }
    SPE_TRY(checkReachable(spec.base_directory, user->uid, user->gid));
    SPE_TRY(checkReachable(run_dir, user->uid, user->gid));
    if (!import_dir.empty()) SPE_TRY(checkReachable(import_dir, user->uid, user->gid));
  }
  // Where imports and stores may be: the instance enforces it (it opens the files).
  std::vector<std::string> roots = {spec.base_directory};
  if (!import_dir.empty()) roots.push_back(import_dir);
  for (std::string r : options.allowed_path_roots) {
    for (std::size_t at; (at = r.find("{instanceID}")) != std::string::npos;) r.replace(at, 12, id);
    roots.push_back(r);
  }
  for (const auto& r : roots) {
    launch.argv.emplace_back("--allowed-root");
    launch.argv.push_back(r);
  }
  if (!options.web_restore) launch.argv.emplace_back("--no-web-restore");
  for (const auto& server : options.web_restore_servers) {
    launch.argv.emplace_back("--restore-server");
    launch.argv.push_back(server);
  }
  if (!options.web_restore_ca_file.empty()) {
    launch.argv.emplace_back("--restore-ca-file");
    launch.argv.push_back(options.web_restore_ca_file);
  }
  if (options.notification_sweep) {
    launch.argv.emplace_back("--notification-sweep-seconds");
    launch.argv.push_back(std::to_string(options.notification_sweep->count()));
  }
  return okStatus();
}

std::optional<std::vector<InstanceSpec>> loadInstanceList(const std::string& path) {
  if (path.empty() || !fs::exists(path)) return std::nullopt;
  auto doc = loadJsonFile(path);
  if (!doc || !doc->is_array()) return std::nullopt;
  std::vector<InstanceSpec> specs;
  for (const auto& j : *doc) {
    specs.push_back(
        {j.value("id", ""), j.value("baseDirectory", ""), j.value("startMode", "manual"), j.value("debugLog", false)});
  }
  return specs;
}

Status saveInstanceList(const std::string& path, const std::vector<InstanceSpec>& specs) {
  Json list = Json::array();
  for (const auto& s : specs) {
    list.push_back(
        {{"id", s.id}, {"baseDirectory", s.base_directory}, {"startMode", s.start_mode}, {"debugLog", s.debug_log}});
  }
  return writeFileAtomically(path, dumpJson(list, 1), 0600);  // names every instance and its base directory
}

}  // namespace spe::instancehost
