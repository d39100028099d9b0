// WebGate: how many Web Access requests of this CAS one instance works on
// at a time, and how many more may wait in line for it.
//
// A request enters at once while fewer than `in_flight` requests of its
// instance are out; otherwise it waits in line (first come, first served)
// until one of them ends or its deadline passes. When `waiting` requests
// already wait, it is refused at once ("busy"). So a stuck instance holds
// at most in_flight + waiting requests of this CAS (connections and
// coroutines, never threads), and a busy one serves its users in turn
// instead of refusing them.
// Thread safety: enter() may be called on any executor; permits may end
// on any thread.
#pragma once

#include <chrono>
#include <cstddef>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "common/net/asio.h"

namespace spe::cas {

class WebGate : public std::enable_shared_from_this<WebGate> {
 public:
  WebGate(std::size_t in_flight, std::size_t waiting) : in_flight_(in_flight), waiting_(waiting) {}

  class Permit {
   public:
    Permit(std::shared_ptr<WebGate> gate, std::string key) : gate_(std::move(gate)), key_(std::move(key)) {}
    ~Permit() { gate_->leave(key_); }
    Permit(const Permit&) = delete;
    Permit& operator=(const Permit&) = delete;

   private:
    std::shared_ptr<WebGate> gate_;
    std::string key_;
  };

  // A permit for one request to `instance`, or null: refused at once (the
  // line is full) or not admitted before `deadline`. `*waited` tells which.
  asio::awaitable<std::unique_ptr<Permit>> enter(std::string instance, std::chrono::steady_clock::time_point deadline,
                                                 bool* waited = nullptr);

  // Requests out and waiting for `instance` (for tests and logs).
  std::pair<std::size_t, std::size_t> load(const std::string& instance) const;

 private:
  struct Waiter;
  struct Line {
    std::size_t active = 0;
    std::deque<std::shared_ptr<Waiter>> waiting;
  };
  void leave(const std::string& key);

  const std::size_t in_flight_;
  const std::size_t waiting_;
  mutable std::mutex mutex_;
  std::map<std::string, Line> lines_;
};

}  // namespace spe::cas
