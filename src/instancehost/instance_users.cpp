#include "instancehost/instance_users.h"

#include <dirent.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <thread>

#include "common/base/logging.h"

namespace spe::instancehost {
namespace fs = std::filesystem;

bool isValidInstanceId(const std::string& id) {
  if (id.size() < 3 || id.size() > 32 || !(id[0] >= 'a' && id[0] <= 'z')) return false;
  for (char c : id) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
  }
  return true;
}

std::string instanceUserName(const std::string& instance_id) {
  if (instance_id.size() <= 26) return "spe-i-" + instance_id;
  std::uint32_t h = 2166136261u;  // FNV-1a: stable across builds and platforms
  for (unsigned char c : instance_id) h = (h ^ c) * 16777619u;
  char hex[9];
  std::snprintf(hex, sizeof hex, "%08x", h);
  return "spe-i-" + instance_id.substr(0, 17) + "-" + hex;
}

namespace {

std::optional<InstanceUser> lookUp(const std::string& name) {
  passwd pw{};
  passwd* found = nullptr;
  std::vector<char> buf(16384);
  if (::getpwnam_r(name.c_str(), &pw, buf.data(), buf.size(), &found) != 0 || !found) return std::nullopt;
  return InstanceUser{name, pw.pw_uid, pw.pw_gid};
}

}  // namespace

Result<InstanceUser> ensureInstanceUser(const std::string& instance_id, const RunProgram& run) {
  if (!isValidInstanceId(instance_id)) {
    return makeError(ErrorCode::kInvalidArgument, "'" + instance_id + "' is not a valid instance ID.");
  }
  const std::string name = instanceUserName(instance_id);
  if (auto u = lookUp(name)) {
    if (u->uid == 0 || u->gid == 0) {
      return makeError(ErrorCode::kPermissionDenied, "The user '" + name + "' has the user or group ID 0.");
    }
    return *u;
  }
  const char* useradd = fs::exists("/usr/sbin/useradd") ? "/usr/sbin/useradd" : "/sbin/useradd";
  auto st = run({useradd, "--system", "--no-create-home", "--home-dir", "/nonexistent", "--shell", "/usr/sbin/nologin",
                 "--user-group", "--comment", "SPE instance " + instance_id, name});
  if (!st) return st.error();
  if (!WIFEXITED(*st) || WEXITSTATUS(*st) != 0) {
    // Exit 9: someone else created it meanwhile.
    if (!(WIFEXITED(*st) && WEXITSTATUS(*st) == 9)) {
      return makeError(ErrorCode::kIo,
                       "Cannot create the user '" + name + "' for the instance (useradd " +
                           (WIFEXITED(*st) ? "exit code " + std::to_string(WEXITSTATUS(*st)) : std::string("failed")) +
                           ").");
    }
  }
  auto u = lookUp(name);
  if (!u) return makeError(ErrorCode::kIo, "The user '" + name + "' was created but cannot be found.");
  logger("instances")->info("[I{}] created the system user {} (uid {})", instance_id, name, u->uid);
  return *u;
}

Status chownTree(const std::string& dir, uid_t uid, gid_t gid) {
  auto give = [uid, gid](const std::string& path) -> Status {
    struct stat st {};
    if (::lstat(path.c_str(), &st) != 0) {
      return makeError(ErrorCode::kIo, "Cannot read '" + path + "': " + std::strerror(errno));
    }
    if ((st.st_uid != uid || st.st_gid != gid) && ::lchown(path.c_str(), uid, gid) != 0) {
      return makeError(ErrorCode::kIo,
                       "Cannot give '" + path + "' to the instance's user: " + std::string(std::strerror(errno)));
    }
    return okStatus();
  };
  std::error_code ec;
  for (fs::recursive_directory_iterator it(dir, fs::directory_options::none, ec), end; !ec && it != end;
       it.increment(ec)) {
    SPE_TRY(give(it->path().string()));
  }
  if (ec) return makeError(ErrorCode::kIo, "Cannot walk '" + dir + "': " + ec.message());
  return give(dir);
}

Status checkReachable(const std::string& dir, uid_t uid, gid_t gid) {
  fs::path p = fs::absolute(dir).lexically_normal();
  for (fs::path parent = p.parent_path();; parent = parent.parent_path()) {
    struct stat st {};
    if (::stat(parent.c_str(), &st) != 0) {
      return makeError(ErrorCode::kIo, "Cannot read '" + parent.string() + "': " + std::strerror(errno));
    }
    const bool ok = st.st_uid == uid   ? (st.st_mode & S_IXUSR) != 0
                    : st.st_gid == gid ? (st.st_mode & S_IXGRP) != 0
                                       : (st.st_mode & S_IXOTH) != 0;
    if (!ok) {
      return makeError(ErrorCode::kPermissionDenied,
                       "The instance's user cannot reach '" + dir + "': '" + parent.string() +
                           "' is not searchable by other users (chmod o+x it, or use a directory they can reach).");
    }
    if (parent == parent.root_path() || parent.empty()) break;
  }
  return okStatus();
}

std::vector<int> findLeftoverInstances(const std::string& runtime_directory) {
  std::vector<int> out;
  const std::string prefix = fs::absolute(runtime_directory).lexically_normal().string() + "/";
  const int self = ::getpid();
  DIR* d = ::opendir("/proc");
  if (!d) return out;
  while (dirent* e = ::readdir(d)) {
    char* end = nullptr;
    const long pid = std::strtol(e->d_name, &end, 10);
    if (pid <= 0 || *end != '\0' || pid == self) continue;
    std::ifstream f("/proc/" + std::string(e->d_name) + "/cmdline", std::ios::binary);
    const std::string raw((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
    std::vector<std::string> args;
    for (std::size_t pos = 0; pos < raw.size();) {
      const std::size_t z = raw.find('\0', pos);
      args.push_back(raw.substr(pos, z == std::string::npos ? std::string::npos : z - pos));
      if (z == std::string::npos) break;
      pos = z + 1;
    }
    if (args.empty() || fs::path(args[0]).filename() != "spe-instance") continue;
    for (std::size_t i = 1; i + 1 < args.size(); ++i) {
      if (args[i] == "--socket" && args[i + 1].rfind(prefix, 0) == 0) {
        out.push_back(static_cast<int>(pid));
        break;
      }
    }
  }
  ::closedir(d);
  return out;
}

namespace {

// Alive and not a zombie (a zombie of ours would be reaped by the supervisor).
bool running(int pid) {
  std::ifstream f("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(f, line)) return false;
  const auto close = line.rfind(')');
  return close != std::string::npos && close + 2 < line.size() && line[close + 2] != 'Z';
}

}  // namespace

int endLeftoverInstances(const std::vector<int>& pids, std::chrono::milliseconds grace) {
  std::vector<int> left;
  for (int pid : pids) {
    if (::kill(pid, SIGTERM) == 0) left.push_back(pid);
  }
  const int n = static_cast<int>(left.size());
  auto wait = [&left](std::chrono::steady_clock::time_point deadline) {
    while (!left.empty() && std::chrono::steady_clock::now() < deadline) {
      std::erase_if(left, [](int pid) { return !running(pid); });
      if (!left.empty()) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  };
  wait(std::chrono::steady_clock::now() + grace);
  for (int pid : left) ::kill(pid, SIGKILL);
  wait(std::chrono::steady_clock::now() + std::chrono::seconds(5));
  return n;
}

}  // namespace spe::instancehost
