#include "instancehost/instance_move.h"

#include <sys/stat.h>
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
#include "instancehost/instance_move_receive.h"
#include "instancehost/instance_move_wire.h"

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

using namespace move_wire;
constexpr const char* kMasterDb = "MailStoreMaster.fdb";
constexpr const char* kProbePrefix = ".spe-move-probe-";

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
  asio::co_spawn(io, receiveInstanceData(**ctx, r, progress, &created), [&out](std::exception_ptr e, Result<Json> res) {
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
