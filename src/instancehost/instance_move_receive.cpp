#include "instancehost/instance_move_receive.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>

#include "common/base/atomic_file.h"
#include "common/rpc/stream_body.h"
#include "instancehost/instance/model/instance_key_file.h"
#include "instancehost/instance_move_wire.h"

namespace spe::instancehost {
namespace fs = std::filesystem;
using namespace move_wire;

bool isSafeRelativePath(const std::string& p) {
  if (p.empty() || p.size() > kMaxPath || p[0] == '/' || p.find('\0') != std::string::npos) return false;
  int depth = 0;
  std::size_t start = 0;
  while (start <= p.size()) {
    const std::size_t slash = std::min(p.find('/', start), p.size());
    const std::string part = p.substr(start, slash - start);
    if (part.empty() || part == "." || part == "..") return false;
    if (++depth > kMaxDepth) return false;
    start = slash + 1;
  }
  return true;
}

namespace {

// ------------------------------------------------------------ the new host
struct Receipt {
  std::uint64_t files = 0, bytes = 0;
};

class Receiver {
 public:
  Receiver(std::shared_ptr<ByteStream> s, std::string incoming,
           const std::function<void(int, const std::string&)>& progress)
      : s_(std::move(s)), incoming_(std::move(incoming)), progress_(progress) {}

  asio::awaitable<Result<Json>> frame() {
    asio::steady_timer timer(co_await asio::this_coro::executor);
    arm(timer, s_);
    auto f = co_await reader_.next(*s_);
    timer.cancel();
    co_return f;
  }

  // Receives entries until {type: end}; `total` from the begin frame.
  asio::awaitable<Result<Receipt>> tree(std::uint64_t total_files, std::uint64_t total_bytes) {
    Receipt got;
    auto last_report = std::chrono::steady_clock::now();
    for (;;) {
      auto f = co_await frame();
      if (!f) co_return f.error();
      const std::string type = stringOf(*f, "type").value_or("");
      if (type == "end") co_return got;
      const std::string path = stringOf(*f, "path").value_or("");
      if ((type != "dir" && type != "file") || !isSafeRelativePath(path)) {
        co_return makeError(ErrorCode::kProtocol, "The old host sent an entry that is not allowed.");
      }
      const auto mode = static_cast<mode_t>(intField(*f, "mode", 0600, 0, 0777).value_or(0600));
      const std::string target = incoming_ + "/" + path;
      if (type == "dir") {
        // Parents come before their entries; mkdir neither follows nor replaces anything there.
        if (++directories_ > kMaxDirectories || ::mkdir(target.c_str(), 0700) != 0 ||
            ::chmod(target.c_str(), mode | S_IRWXU) != 0) {
          co_return makeError(ErrorCode::kIo, "Cannot create '" + target + "': " + std::strerror(errno));
        }
        continue;
      }
      auto size = intField(*f, "size", -1, 0, INT64_MAX);
      if (!size || *size < 0) co_return makeError(ErrorCode::kProtocol, "The old host sent a file without its size.");
      // Never more than announced (and checked against the free space).
      if (got.files + 1 > total_files || got.bytes + static_cast<std::uint64_t>(*size) > total_bytes) {
        co_return makeError(ErrorCode::kProtocol, "The old host sent more than it announced.");
      }
      if (auto st = co_await file(target, static_cast<std::uint64_t>(*size), mode); !st) co_return st.error();
      ++got.files;
      got.bytes += static_cast<std::uint64_t>(*size);
      const auto now = std::chrono::steady_clock::now();
      if (progress_ && now - last_report > std::chrono::milliseconds(500)) {
        last_report = now;
        const int percent = total_bytes ? static_cast<int>(got.bytes * 100 / total_bytes)
                                        : static_cast<int>(got.files * 100 / std::max<std::uint64_t>(total_files, 1));
        progress_(std::min(percent, 99), "Copied " + std::to_string(got.files) + " of " + std::to_string(total_files) +
                                             " files (" + std::to_string(got.bytes >> 20) + " of " +
                                             std::to_string(total_bytes >> 20) + " MB)");
      }
    }
  }

 private:
  asio::awaitable<Status> file(const std::string& target, std::uint64_t size, mode_t mode) {
    const int fd = ::open(target.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) co_return makeError(ErrorCode::kIo, "Cannot create '" + target + "': " + std::strerror(errno));
    Sha256 sum;
    std::uint64_t written = 0;
    Status st = okStatus();
    for (;;) {
      asio::steady_timer timer(co_await asio::this_coro::executor);
      arm(timer, s_);
      auto piece = co_await readBodyPiece(reader_, *s_);
      timer.cancel();
      if (!piece) {
        st = piece.error();
        break;
      }
      if (!*piece) break;
      written += (*piece)->size();
      if (written > size) {
        st = makeError(ErrorCode::kProtocol, "'" + target + "' arrived longer than announced.");
        break;
      }
      sum.update(**piece);
      const char* p = (*piece)->data();
      std::size_t left = (*piece)->size();
      while (left > 0) {
        const ssize_t n = ::write(fd, p, left);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
          st = makeError(ErrorCode::kIo, "Cannot write '" + target + "': " + std::strerror(errno));
          break;
        }
        p += n;
        left -= static_cast<std::size_t>(n);
      }
      if (!st) break;
    }
    if (st && written != size) st = makeError(ErrorCode::kProtocol, "'" + target + "' arrived incomplete.");
    if (st && ::fsync(fd) != 0) st = makeError(ErrorCode::kIo, "Cannot sync '" + target + "'.");
    ::close(fd);
    if (st && ::chmod(target.c_str(), mode) != 0) st = makeError(ErrorCode::kIo, "Cannot set the mode of " + target);
    if (!st) co_return st;
    auto f = co_await frame();
    if (!f) co_return f.error();
    if (stringOf(*f, "type").value_or("") != "sum" || stringOf(*f, "sha256").value_or("") != toHex(sum.finish())) {
      co_return makeError(ErrorCode::kCorrupt, "'" + target + "' arrived with another checksum than it was sent with.");
    }
    co_return okStatus();
  }

  static constexpr std::uint64_t kMaxDirectories = 1000000;
  std::shared_ptr<ByteStream> s_;
  std::string incoming_;
  const std::function<void(int, const std::string&)>& progress_;
  std::uint64_t directories_ = 0;
  FrameReader reader_{FrameParser::kDefaultMaxFrame};
};

// Syncs every directory of a received tree (their entries are durable).
Status syncTree(const std::string& root) {
  std::error_code ec;
  SPE_TRY(syncDirectory(root));
  for (fs::recursive_directory_iterator it(root, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->is_directory(ec)) SPE_TRY(syncDirectory(it->path().string()));
  }
  if (ec) return makeError(ErrorCode::kIo, "Cannot sync '" + root + "': " + ec.message());
  return okStatus();
}

}  // namespace

asio::awaitable<Result<Json>> receiveInstanceData(asio::ssl::context& ctx, PullRequest r,
                                                  const std::function<void(int, const std::string&)>& progress,
                                                  bool* created) {
  Json params = Json::object();
  params["instanceID"] = r.instance_id;
  params["service"] = kService;
  params["token"] = r.token;
  auto opened = co_await openTlsStream(ctx, r.host, r.port, params, std::chrono::seconds(30));
  if (!opened) co_return opened.error();
  Receiver rx(*opened, r.incoming, progress);
  auto begin = co_await rx.frame();
  if (!begin) co_return begin.error();
  if (stringOf(*begin, "type").value_or("") != "begin") {
    co_return makeError(ErrorCode::kProtocol, "The old host did not begin with the instance's key.");
  }
  auto key_bytes = fromHex(stringOf(*begin, "instanceKey").value_or(""));
  auto instance_key = key_bytes ? keyFromBytes(*key_bytes) : Result<Key256>(makeError(ErrorCode::kProtocol, ""));
  if (!instance_key) co_return makeError(ErrorCode::kProtocol, "The old host sent no usable instance key.");
  auto key_file = instance::resealInstanceKeyFile(stringOf(*begin, "keyFile").value_or(""), r.instance_id,
                                                  *instance_key, r.host_key);
  if (!key_file) co_return key_file.error();
  const auto files = static_cast<std::uint64_t>(intField(*begin, "files", 0, 0, INT64_MAX).value_or(0));
  const auto bytes = static_cast<std::uint64_t>(intField(*begin, "bytes", 0, 0, INT64_MAX).value_or(0));
  const std::string old_directory = stringOf(*begin, "directory").value_or("");
  Receipt got;
  if (!r.key_only) {
    struct statvfs vfs {};
    const std::string parent = fs::path(r.target).parent_path().string();
    if (::statvfs(parent.c_str(), &vfs) == 0 &&
        static_cast<std::uint64_t>(vfs.f_bavail) * vfs.f_frsize < bytes + (64ULL << 20)) {
      co_return makeError(ErrorCode::kResourceExhausted, "Not enough space in '" + parent +
                                                             "' on the new host: the instance needs " +
                                                             std::to_string(bytes >> 20) + " MB and 64 MB to spare.");
    }
    // A name of this move alone, made here and now (mkdir follows no link
    // and takes nothing over): only what this pull made is removed.
    if (::mkdir(r.incoming.c_str(), 0700) != 0) {
      co_return makeError(ErrorCode::kIo, "Cannot create '" + r.incoming + "': " + std::strerror(errno));
    }
    *created = true;
    auto tree = co_await rx.tree(files, bytes);
    if (!tree) co_return tree.error();
    got = *tree;
    if (got.files != files || got.bytes != bytes) {
      co_return makeError(ErrorCode::kProtocol, "The old host announced " + std::to_string(files) + " files but sent " +
                                                    std::to_string(got.files) + ".");
    }
    if (auto st = writeFileAtomically(r.incoming + "/" + kKeyFile, *key_file, 0600); !st) co_return st.error();
    if (!old_directory.empty()) {  // the instance's stores follow it at its first start (store_manager.h)
      if (auto st = writeFileAtomically(r.incoming + "/" + instance::kMovedFromFile, old_directory, 0600); !st) {
        co_return st.error();
      }
    }
    if (auto st = syncTree(r.incoming); !st) co_return st.error();
    std::error_code ec;
    fs::rename(r.incoming, r.target, ec);
    if (ec) co_return makeError(ErrorCode::kIo, "Cannot put the data in place at '" + r.target + "': " + ec.message());
    *created = false;
    if (auto st = syncDirectory(parent); !st) co_return st.error();
  } else {
    auto end = co_await rx.frame();
    if (!end || stringOf(*end, "type").value_or("") != "end") {
      co_return makeError(ErrorCode::kProtocol, "The old host did not end the key's transfer.");
    }
    // Beside the old host's file, which stays valid until the instance
    // first starts here (instance_keys.h): a move that fails after this
    // leaves the instance able to start on the old host.
    const std::string next = r.target + "/" + kKeyFile + instance::kNextKeySuffix;
    if (auto st = writeFileAtomically(next, *key_file, 0600); !st) co_return st.error();
  }
  if (progress) progress(100, "The data is in place and checked");
  Json out = Json::object();
  out["files"] = got.files;
  out["bytes"] = got.bytes;
  co_return out;
}

}  // namespace spe::instancehost
