// WebStreamPool: Web Access streams to instances kept open between
// requests, so that a request costs one frame each way instead of a TLS
// handshake with the Instance Host and a connection to the instance.
//
// A stream is taken for one request (and its download body, if any) and
// given back only when that exchange ended cleanly; a stream that failed
// is closed, never pooled. Idle streams go after `idle_limit` (the instance
// ends a web stream after 60 s without a request), beyond `per_key` per
// instance route and beyond `total` for the whole CAS (the oldest first).
// A pooled stream can still have been closed by the other side meanwhile:
// the caller retries once on a new stream when a reused one fails before
// its answer arrived.
// Thread safety: internally locked.
#pragma once

#include <chrono>
#include <cstddef>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "common/rpc/byte_stream.h"
#include "common/rpc/stream_frames.h"

namespace spe::cas {

struct PooledStream {
  std::shared_ptr<ByteStream> stream;
  std::shared_ptr<FrameReader> reader;  // holds bytes read past the last frame: none between requests
};

class WebStreamPool {
 public:
  using Clock = std::chrono::steady_clock;
  WebStreamPool(std::size_t per_key, std::size_t total, std::chrono::seconds idle_limit)
      : per_key_(per_key), total_(total), idle_limit_(idle_limit) {}

  // The most recently used idle stream for `key`, or nullopt.
  std::optional<PooledStream> take(const std::string& key, Clock::time_point now = Clock::now());
  // Keeps a stream whose exchange ended cleanly.
  void give(const std::string& key, PooledStream stream, Clock::time_point now = Clock::now());
  std::size_t idle() const;

 private:
  struct Idle {
    PooledStream stream;
    Clock::time_point since;
  };
  void dropExpired(Clock::time_point now);  // under mutex_

  const std::size_t per_key_;
  const std::size_t total_;
  const std::chrono::seconds idle_limit_;
  mutable std::mutex mutex_;
  std::map<std::string, std::deque<Idle>> idle_;  // oldest first
  std::size_t count_ = 0;
  Clock::time_point last_sweep_{};
};

}  // namespace spe::cas
