#include "instancehost/instance_move.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <boost/asio/bind_executor.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <filesystem>
#include <fstream>

#include "common/base/atomic_file.h"
#include "common/base/logging.h"
#include "common/base/password.h"
#include "common/rpc/stream_body.h"
#include "common/rpc/stream_frames.h"
#include "instancehost/instance/model/instance_key_file.h"

namespace spe::instancehost {
namespace fs = std::filesystem;

struct MoveEntry {
  std::string path;  // relative, '/'-separated
  bool directory = false;
  std::uint64_t size = 0;
  unsigned mode = 0600;
};

struct MovePrepared {
  Json begin;
  std::vector<MoveEntry> entries;
  std::string root;
};

namespace {

constexpr const char* kService = "instanceData";
constexpr const char* kKeyFile = "MailStoreMaster.key";
constexpr const char* kMasterDb = "MailStoreMaster.fdb";
constexpr const char* kProbePrefix = ".spe-move-probe-";
constexpr auto kStepTimeout = std::chrono::seconds(120);  // for each piece either way
constexpr std::size_t kMaxPath = 4096;
constexpr int kMaxDepth = 64;

// The instance directory's tree (not its key file), refusing anything that
// is neither a regular file nor a directory (a link could point anywhere).
Result<std::vector<MoveEntry>> walk(const std::string& root, std::uint64_t* bytes) {
  std::vector<MoveEntry> out;
  std::error_code ec;
  fs::recursive_directory_iterator it(root, fs::directory_options::none, ec), end;
  for (; !ec && it != end; it.increment(ec)) {
    const fs::path rel = it->path().lexically_relative(root);
    const auto st = it->symlink_status(ec);
    if (ec) break;
    if (rel == kKeyFile) continue;  // sealed for this host: the new host writes its own
    if (rel.generic_string().rfind(kProbePrefix, 0) == 0) continue;  // a move's probe
    MoveEntry e;
    e.path = rel.generic_string();
    e.mode = static_cast<unsigned>(st.permissions()) & 0777;
    if (fs::is_directory(st)) {
      e.directory = true;
    } else if (fs::is_regular_file(st)) {
      e.size = it->file_size(ec);
      if (ec) break;
      *bytes += e.size;
    } else {
      return makeError(
          ErrorCode::kInvalidArgument,
          "'" + it->path().string() + "' is neither a file nor a directory; the instance cannot be moved.");
    }
    out.push_back(std::move(e));
  }
  if (ec) return makeError(ErrorCode::kIo, "Cannot read the instance directory '" + root + "': " + ec.message());
  return out;
}

}  // namespace

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

void arm(asio::steady_timer& timer, const std::shared_ptr<ByteStream>& stream) {
  timer.expires_after(kStepTimeout);
  closeOnExpiry(timer, stream);
}

// What makes an instance's data the same data: its ID and recovery key,
// which a move's new key file keeps (a hash of the file would change).
std::optional<std::string> dataIdOf(const std::string& key_file_text) {
  auto j = tryParseJson(key_file_text);
  if (!j) return std::nullopt;
  const auto id = stringOf(*j, "instanceID");
  const auto recovery = stringOf(*j, "recoveryPublicKey");
  if (!id || !recovery) return std::nullopt;
  return sha256Hex(*id + "/" + *recovery);
}

Result<std::string> readText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return makeError(ErrorCode::kIo, "Cannot read '" + path + "'.");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (text.size() > 65536) return makeError(ErrorCode::kIo, "'" + path + "' is too large for a key file.");
  return text;
}

Result<Key256> hostKey(const std::function<std::string()>& hex) {
  auto bytes = fromHex(hex ? hex() : std::string());
  if (!bytes || bytes->size() != 32) return makeError(ErrorCode::kUnavailable, "The host key is not available.");
  return keyFromBytes(*bytes);
}

// ------------------------------------------------------------ the old host
// Moves the coroutine to `ex` (the files' thread pool, or the stream's
// executor back): file reads and the walk never block the host's network
// thread.
asio::awaitable<void> hop(asio::any_io_executor ex) {
  co_await asio::post(asio::bind_executor(ex, asio::use_awaitable));
}

asio::awaitable<Status> sendTree(std::shared_ptr<ByteStream> s, asio::any_io_executor files, const std::string& root,
                                 const std::vector<MoveEntry>& entries) {
  const auto net = s->executor();
  asio::steady_timer timer(net);
  ErrorCodeT ec;
  std::vector<char> buf(kMaxBodyPiece);
  for (const MoveEntry& e : entries) {
    Json head = Json::object();
    head["type"] = e.directory ? "dir" : "file";
    head["path"] = e.path;
    head["mode"] = e.mode;
    if (!e.directory) head["size"] = e.size;
    arm(timer, s);
    co_await writeFrame(*s, head, ec);
    if (ec) co_return makeError(ErrorCode::kUnavailable, "The new host stopped taking the data: " + ec.message());
    if (e.directory) continue;
    std::ifstream in;
    Sha256 sum;
    std::uint64_t left = e.size;
    while (left > 0) {
      co_await hop(files);
      if (!in.is_open()) in.open(root + "/" + e.path, std::ios::binary);
      std::size_t n = 0;
      if (in) {
        in.read(buf.data(), static_cast<std::streamsize>(std::min<std::uint64_t>(buf.size(), left)));
        n = static_cast<std::size_t>(in.gcount());
      }
      co_await hop(net);
      if (n == 0) break;
      sum.update(std::string_view(buf.data(), n));
      left -= n;
      arm(timer, s);
      co_await writeBodyPiece(*s, std::string_view(buf.data(), n), ec);
      if (ec) co_return makeError(ErrorCode::kUnavailable, "The new host stopped taking the data: " + ec.message());
    }
    if (left > 0) {
      const Error failure = makeError(ErrorCode::kIo, "'" + e.path + "' changed or could not be read while sent.");
      co_await writeBodyEnd(*s, &failure, ec);
      co_return failure;
    }
    co_await writeBodyEnd(*s, nullptr, ec);
    Json done = Json::object();
    done["type"] = "sum";
    done["sha256"] = toHex(sum.finish());
    co_await writeFrame(*s, done, ec);
    if (ec) co_return makeError(ErrorCode::kUnavailable, "The new host stopped taking the data: " + ec.message());
  }
  timer.cancel();
  co_return okStatus();
}

asio::awaitable<void> sendInstanceData(std::shared_ptr<ByteStream> s, Json id, asio::any_io_executor files,
                                       std::function<Result<MovePrepared>()> prepare, std::function<void(bool)> done) {
  const auto net = s->executor();
  co_await hop(files);
  Result<MovePrepared> ready = prepare();
  co_await hop(net);
  ErrorCodeT ec;
  Json answer = Json::object();
  answer["id"] = id;
  if (!ready) {
    logger("moves")->warn("a move stream was refused: {}", ready.error().message);
    answer["error"] = rpcErrorToJson(ready.error());
    co_await writeFrame(*s, answer, ec);
    co_await s->shutdown();
    done(false);
    co_return;
  }
  answer["result"] = Json::object();
  co_await writeFrame(*s, answer, ec);
  Status sent = okStatus();
  if (!ec) co_await writeFrame(*s, ready->begin, ec);
  if (ec) sent = makeError(ErrorCode::kUnavailable, ec.message());
  if (sent) sent = co_await sendTree(s, files, ready->root, ready->entries);
  if (sent) {
    Json end = Json::object();
    end["type"] = "end";
    co_await writeFrame(*s, end, ec);
    if (ec) sent = makeError(ErrorCode::kUnavailable, ec.message());
  }
  if (!sent) logger("moves")->warn("sending the data of '{}' failed: {}", ready->root, sent.error().message);
  else logger("moves")->info("sent the data of '{}' ({} entries)", ready->root, ready->entries.size());
  co_await s->shutdown();
  done(sent.ok());
}

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

struct PullRequest {
  std::string instance_id, target, incoming, host, thumbprint, token;
  std::uint16_t port = 0;
  bool key_only = false;
  Key256 host_key{};
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

asio::awaitable<Result<Json>> receive(asio::ssl::context& ctx, PullRequest r,
                                      const std::function<void(int, const std::string&)>& progress, bool* created) {
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

}  // namespace

InstanceMoves::InstanceMoves(const TlsIdentity& identity, Hooks hooks)
    : identity_(identity), hooks_(std::move(hooks)) {}

bool InstanceMoves::isMoveStream(const RpcRequest& request) {
  return stringOf(request.params, "service").value_or("") == kService;
}

Result<Json> InstanceMoves::inspect(const Json& params) {
  auto dir = stringField(params, "directory", {}, kMaxPath);
  auto probe = stringField(params, "probe", {}, 64);
  auto write_probe = boolField(params, "writeProbe", false);
  if (!dir || !probe || !write_probe) return makeError(ErrorCode::kInvalidArgument, "inspect: bad arguments.");
  auto resolved = hooks_.resolve(*dir);
  if (!resolved) return resolved.error();
  std::error_code ec;
  Json out{{"directory", *resolved},
           {"hasData", fs::exists(*resolved + "/" + kMasterDb, ec)},
           {"exists", fs::exists(*resolved, ec)},
           {"dataId", nullptr},
           {"probeSeen", false}};
  if (out["exists"].get<bool>()) out["empty"] = fs::is_empty(*resolved, ec);
  if (out["hasData"].get<bool>()) {
    auto key = readText(*resolved + "/" + kKeyFile);
    if (key) {
      if (auto data_id = dataIdOf(*key)) out["dataId"] = *data_id;
    }
  }
  // Whether both hosts see the same directory (not merely the same data): the
  // old host leaves a file with the move's token there, and the new one looks.
  if (probe->size() == 64) {
    const std::string path = *resolved + "/" + kProbePrefix + probe->substr(0, 16);
    if (*write_probe && out["hasData"].get<bool>()) {
      SPE_TRY(writeFileAtomically(path, *probe, 0600));
      std::lock_guard lock(mutex_);
      probes_[*probe] = path;
    } else if (!*write_probe) {
      auto seen = readText(path);
      out["probeSeen"] = seen && *seen == *probe;
    }
  }
  return out;
}

void InstanceMoves::removeProbe(const std::string& token) {
  std::string path;
  {
    std::lock_guard lock(mutex_);
    auto it = probes_.find(token);
    if (it == probes_.end()) return;
    path = it->second;
    probes_.erase(it);
  }
  std::error_code ec;
  fs::remove(path, ec);
}

Result<Json> InstanceMoves::offer(const Json& params) {
  auto id = stringField(params, "instanceID", {}, 255);
  auto dir = stringField(params, "directory", {}, kMaxPath);
  auto peer = stringField(params, "peerThumbprint", {}, 64);
  auto token = stringField(params, "token", {}, 64);
  auto key_only = boolField(params, "keyOnly", false);
  if (!id || !dir || !peer || !token || !key_only) {
    return makeError(ErrorCode::kInvalidArgument, "An offer needs instanceID, directory, peerThumbprint and token.");
  }
  if (id->empty() || peer->size() != 64 || token->size() != 64) {
    return makeError(ErrorCode::kInvalidArgument, "An offer needs an instance, a thumbprint and a 64-digit token.");
  }
  removeProbe(*token);  // the new host has looked for it
  auto resolved = hooks_.resolve(*dir);
  if (!resolved) return resolved.error();
  std::error_code ec;
  if (!fs::exists(*resolved + "/" + kMasterDb, ec)) {
    return makeError(ErrorCode::kNotFound, "'" + *resolved + "' holds no instance data on this host.");
  }
  if (!hooks_.stopped(*id)) {
    return makeError(ErrorCode::kInvalidArgument, "The instance '" + *id + "' is running on this host.");
  }
  {
    std::lock_guard lock(mutex_);
    for (auto it = offers_.begin(); it != offers_.end();) {  // a new offer replaces the instance's old one
      it = it->second.instance_id == *id && !it->second.streaming ? offers_.erase(it) : std::next(it);
    }
    offers_[*token] = Offer{*id,      *resolved, *peer, *token, std::chrono::steady_clock::now() + kOfferLifetime,
                            *key_only};
  }
  if (hooks_.peers_changed) hooks_.peers_changed();
  return Json::object();
}

Result<InstanceMoves::Offer> InstanceMoves::claim(const RpcRequest& request) {
  expire();
  const std::string token = stringOf(request.params, "token").value_or("");
  const std::string id = stringOf(request.params, "instanceID").value_or("");
  std::lock_guard lock(mutex_);
  auto it = offers_.find(token);
  if (token.size() != 64 || it == offers_.end() || it->second.instance_id != id ||
      it->second.peer != request.peer_thumbprint || it->second.streaming || it->second.sent) {
    return makeError(ErrorCode::kPermissionDenied, "No move of this instance was offered to this host.");
  }
  it->second.streaming = true;
  return it->second;
}

void InstanceMoves::finished(const std::string& token, bool sent) {
  {
    std::lock_guard lock(mutex_);
    auto it = offers_.find(token);
    if (it == offers_.end()) return;
    it->second.streaming = false;
    if (sent) {
      it->second.sent = true;
      it->second.expires = std::chrono::steady_clock::now() + kSentLifetime;
    } else {
      offers_.erase(it);  // a failed transfer: the Management Server offers again
    }
  }
  if (hooks_.peers_changed) hooks_.peers_changed();
}

Result<MovePrepared> InstanceMoves::prepare(const Offer& offer) const {
  auto key_text = readText(offer.directory + "/" + kKeyFile);
  if (!key_text) return key_text.error();
  auto host_key = hostKey(hooks_.host_key_hex);
  if (!host_key) return host_key.error();
  auto opened = instance::openInstanceKeyFile(*key_text, offer.instance_id, *host_key, kKeyFile);
  if (!opened) return opened.error();
  std::uint64_t bytes = 0;
  auto tree = walk(offer.directory, &bytes);
  if (!tree) return tree.error();
  MovePrepared out;
  out.root = offer.directory;
  if (!offer.key_only) out.entries = std::move(*tree);
  std::uint64_t files = 0;
  for (const auto& e : out.entries) files += e.directory ? 0 : 1;
  out.begin = Json::object();
  out.begin["type"] = "begin";
  out.begin["instanceID"] = offer.instance_id;
  out.begin["instanceKey"] = toHex(std::string(reinterpret_cast<const char*>(opened->instance_key.data()), 32));
  out.begin["keyFile"] = *key_text;
  out.begin["directory"] = offer.directory;
  out.begin["files"] = files;
  out.begin["bytes"] = offer.key_only ? 0 : bytes;
  return out;
}

void InstanceMoves::serve(std::shared_ptr<ByteStream> stream, const RpcRequest& request, Json id) {
  auto ex = stream->executor();
  auto offer = claim(request);
  std::function<Result<MovePrepared>()> prepared;
  std::function<void(bool)> done = [](bool) {};
  if (offer) {
    prepared = [this, o = *offer] { return prepare(o); };
    done = [this, token = offer->token](bool sent) { finished(token, sent); };
  } else {
    prepared = [e = offer.error()]() -> Result<MovePrepared> { return e; };
  }
  asio::co_spawn(
      ex,
      sendInstanceData(std::move(stream), std::move(id), files_.get_executor(), std::move(prepared), std::move(done)),
      asio::detached);
}

Result<Json> InstanceMoves::pull(const Json& params, const std::function<void(int, const std::string&)>& progress) {
  PullRequest r;
  auto id = stringField(params, "instanceID", {}, 255);
  auto dir = stringField(params, "directory", {}, kMaxPath);
  auto token = stringField(params, "token", {}, 64);
  auto key_only = boolField(params, "keyOnly", false);
  const Json from = params.is_object() && params.contains("from") ? params["from"] : Json::object();
  auto host = stringField(from, "serverName", {}, 255);
  auto port = intField(from, "port", 0, 1, 65535);
  auto thumbprint = stringField(from, "thumbprint", {}, 64);
  if (!id || !dir || !token || !key_only || !host || !port || !thumbprint) {
    return makeError(ErrorCode::kInvalidArgument, "A pull needs instanceID, directory, token and from.");
  }
  auto resolved = hooks_.resolve(*dir);
  if (!resolved) return resolved.error();
  std::error_code ec;
  if (!*key_only && fs::exists(*resolved, ec) && !fs::is_empty(*resolved, ec)) {
    return makeError(ErrorCode::kAlreadyExists, "'" + *resolved + "' on the new host is not empty.");
  }
  if (*key_only && !fs::exists(*resolved + "/" + kKeyFile, ec)) {
    return makeError(ErrorCode::kNotFound, "'" + *resolved + "' on the new host holds no instance data.");
  }
  auto key = hostKey(hooks_.host_key_hex);
  if (!key) return key.error();
  r = PullRequest{*id,
                  *resolved,
                  *resolved + ".incoming-" + token->substr(0, 16),
                  *host,
                  *thumbprint,
                  *token,
                  static_cast<std::uint16_t>(*port),
                  *key_only,
                  *key};
  auto pins = std::make_shared<ThumbprintPins>();
  pins->add(r.thumbprint);
  auto ctx = makeClientContext(&identity_, pins);
  if (!ctx) return ctx.error();
  asio::io_context io;
  std::optional<Result<Json>> out;
  bool created = false;
  asio::co_spawn(io, receive(**ctx, r, progress, &created), [&out](std::exception_ptr e, Result<Json> res) {
    out = e ? Result<Json>(makeError(ErrorCode::kInternal, "The transfer failed unexpectedly.")) : std::move(res);
  });
  io.run();
  if (!out || !*out) {
    if (created) fs::remove_all(r.incoming, ec);  // what this pull made, and nothing else
    Error e = out ? out->error() : makeError(ErrorCode::kInternal, "The transfer ended without a result.");
    logger("moves")->warn("fetching the data of '{}' failed: {}", r.instance_id, e.message);
    return e;
  }
  logger("moves")->info("took over the data of '{}' in '{}'", r.instance_id, r.target);
  return std::move(*out);
}

Result<Json> InstanceMoves::discard(const Json& params) {
  auto token = stringField(params, "token", {}, 64);
  if (!token) return token.error();
  Offer o;
  {
    std::lock_guard lock(mutex_);
    auto it = offers_.find(*token);
    if (it == offers_.end() || !it->second.sent) {
      return makeError(ErrorCode::kNotFound, "No finished move with this token.");
    }
    o = it->second;
    offers_.erase(it);
  }
  if (hooks_.peers_changed) hooks_.peers_changed();
  if (!hooks_.stopped(o.instance_id)) {
    return makeError(ErrorCode::kInvalidArgument, "The instance '" + o.instance_id + "' runs here again.");
  }
  std::error_code ec;
  const auto removed = fs::remove_all(o.directory, ec);
  if (ec) return makeError(ErrorCode::kIo, "Cannot remove '" + o.directory + "': " + ec.message());
  logger("moves")->info("removed the old copy of '{}' ({} entries)", o.instance_id, removed);
  return Json{{"removed", removed}};
}

Result<Json> InstanceMoves::release(const Json& params) {
  auto token = stringField(params, "token", {}, 64);
  if (!token) return token.error();
  removeProbe(*token);
  bool found = false;
  {
    std::lock_guard lock(mutex_);
    auto it = offers_.find(*token);
    if (it != offers_.end() && !it->second.streaming) {
      offers_.erase(it);
      found = true;
    }
  }
  if (hooks_.peers_changed) hooks_.peers_changed();
  return Json{{"released", found}};
}

std::set<std::string> InstanceMoves::peers() const {
  std::lock_guard lock(mutex_);
  std::set<std::string> out;
  const auto now = std::chrono::steady_clock::now();
  for (const auto& [token, o] : offers_) {
    if (o.streaming || (!o.sent && now < o.expires)) out.insert(o.peer);
  }
  return out;
}

bool InstanceMoves::moving(const std::string& instance_id) const {
  std::lock_guard lock(mutex_);
  const auto now = std::chrono::steady_clock::now();
  for (const auto& [token, o] : offers_) {
    if (o.instance_id == instance_id && (o.streaming || now < o.expires)) return true;
  }
  return false;
}

void InstanceMoves::expire() {
  std::lock_guard lock(mutex_);
  const auto now = std::chrono::steady_clock::now();
  for (auto it = offers_.begin(); it != offers_.end();) {
    const bool dead = !it->second.streaming && now >= it->second.expires;
    it = dead ? offers_.erase(it) : std::next(it);
  }
}

}  // namespace spe::instancehost
