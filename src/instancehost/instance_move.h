// InstanceMoves: an Instance Host's half of moving a stopped instance's data
// to another host (or another directory), on the Management Server's word
// (docs/multi-server.md, "Moving instances").
//
// The Management Server asks both hosts what their directories hold
// (inspect: whether an instance's data is there; the old host leaves a
// probe file with the move's token in its directory and the new host looks
// for it in the new place, which tells a directory both hosts see from a
// copy), then tells the old host to expect the new one
// (offer: the instance, its directory, the new host's certificate
// thumbprint and a one-time token) and the new host to fetch the data
// (pull). The new host opens a stream to the old one over the hosts'
// mutual TLS (port 8472; the old host accepts that thumbprint only while
// the offer lasts, and the stream only with the token), and receives:
//   {type: begin, instanceID, instanceKey (hex), keyFile, files, bytes}
//   per directory {type: dir, path, mode}
//   per file {type: file, path, size, mode}, its bytes as a body
//     (stream_body.h), then {type: sum, sha256}
//   {type: end}
// The instance key travels only inside that pinned TLS stream; the new host
// seals it with its own host key into a new MailStoreMaster.key (the old
// file is not copied). A pull with keyOnly (a shared directory: both hosts
// see the same data) receives the key and rewrites the key file in place.
// Data arrives in <directory>.incoming, every file checked against its size
// and SHA-256 and synced, then renamed into place; on any failure the
// incoming copy is removed and the old host's data is untouched. The old
// copy is removed (discard) only when the Management Server says so, after
// the new host answered the pull and the instance's record moved.
// While an offer lasts, the instance does not start on the old host.
// Thread safety: internally locked; serve() runs on the stream's executor.
#pragma once

#include <boost/asio/thread_pool.hpp>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>

#include "common/base/crypto.h"
#include "common/net/tls.h"
#include "common/rpc/byte_stream.h"
#include "common/rpc/rpc.h"

namespace spe::instancehost {

struct MovePrepared;  // what the old host sends (instance_move.cpp)

class InstanceMoves {
 public:
  struct Hooks {
    // The resolved absolute path of an instance directory, or an error when
    // it is outside the host's base directory (DirectoryService::resolve).
    std::function<Result<std::string>(const std::string&)> resolve;
    // Whether the instance is stopped (or unknown) on this host.
    std::function<bool(const std::string& instance_id)> stopped;
    // The host key (hex), to open and seal instance key files.
    std::function<std::string()> host_key_hex;
    // The thumbprints of live offers changed (they may connect to 8472).
    std::function<void()> peers_changed;
  };
  static constexpr std::chrono::minutes kOfferLifetime{15};  // to begin the stream
  // After the data went out: until discard or release, or this long (the
  // instance does not start here meanwhile).
  static constexpr std::chrono::minutes kSentLifetime{60};

  InstanceMoves(const TlsIdentity& identity, Hooks hooks);

  // RPC methods (the Management Server's alone).
  Result<Json> inspect(const Json& params);
  Result<Json> offer(const Json& params);
  Result<Json> pull(const Json& params, const std::function<void(int, const std::string&)>& progress);
  Result<Json> discard(const Json& params);
  // Forgets an offer the move did not use or ended without removing the
  // data (a failure, or a shared directory): the instance may start here.
  Result<Json> release(const Json& params);

  // A stream.open with service "instanceData" (from the new host).
  static bool isMoveStream(const RpcRequest& request);
  void serve(std::shared_ptr<ByteStream> stream, const RpcRequest& request, Json id);

  std::set<std::string> peers() const;  // thumbprints of live offers
  bool moving(const std::string& instance_id) const;

 private:
  struct Offer {
    std::string instance_id, directory, peer, token;
    std::chrono::steady_clock::time_point expires;
    bool key_only = false;  // the key alone (both hosts see the same data)
    bool streaming = false, sent = false;
  };
  Result<MovePrepared> prepare(const Offer& offer) const;  // the walk and the key: on files_
  // The offer a stream may take, marked as streaming; an error for anything else.
  Result<Offer> claim(const RpcRequest& request);
  void finished(const std::string& token, bool sent);
  void removeProbe(const std::string& token);
  void expire();

  const TlsIdentity& identity_;
  Hooks hooks_;
  asio::thread_pool files_{1};  // reads of the data sent, off the network thread
  mutable std::mutex mutex_;
  std::map<std::string, Offer> offers_;        // by token
  std::map<std::string, std::string> probes_;  // token -> probe file written by inspect
};

}  // namespace spe::instancehost
