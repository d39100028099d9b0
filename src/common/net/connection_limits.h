// ConnectionLimiter: caps the connections on a public port that have not
// authenticated yet, per client address and in total, so that one address
// (or a crowd) cannot take every descriptor and every session a daemon
// has before logging in. A connection takes a slot when accepted
// (admit(); refused at once when none is left) and gives it back when it
// authenticates (ConnectionSlot::authenticated()) or closes.
// What "authenticated" means is the protocol's: the Management API's first
// request with valid credentials, Web Access's first request answered for
// a valid session, IMAP's successful login.
// Thread safety: admit() and a slot's methods may be called from any
// thread; a slot keeps its limiter alive.
#pragma once

#include <chrono>
#include <cstddef>
#include <map>
#include <memory>
#include <mutex>
#include <string>

namespace spe {

// Whom an address belongs to, for per-client limits: an IPv4 address (also
// written IPv4-mapped, ::ffff:a.b.c.d) as itself, an IPv6 address by its
// /64 prefix, which one host or customer line usually holds whole.
std::string clientKey(const std::string& address);

struct ConnectionLimits {
  std::size_t per_address = 64;  // not yet authenticated, from one client address
  std::size_t total = 1024;      // not yet authenticated, on all ports sharing the limiter
};

class ConnectionLimiter;

class ConnectionSlot {
 public:
  ConnectionSlot(std::shared_ptr<ConnectionLimiter> limiter, std::string address)
      : limiter_(std::move(limiter)), address_(std::move(address)) {}
  ~ConnectionSlot() { authenticated(); }
  ConnectionSlot(const ConnectionSlot&) = delete;
  ConnectionSlot& operator=(const ConnectionSlot&) = delete;
  // The connection logged in: it no longer counts. Idempotent.
  void authenticated();
  // True while the connection has not logged in and has been open longer
  // than `lifetime`: the protocol then closes it, so that nobody keeps a
  // slot for ever by sending a request that fails now and then.
  bool overstayed(std::chrono::steady_clock::duration lifetime = kPreAuthLifetime);
  static constexpr std::chrono::minutes kPreAuthLifetime{3};

 private:
  const std::chrono::steady_clock::time_point opened_ = std::chrono::steady_clock::now();
  std::mutex mutex_;
  std::shared_ptr<ConnectionLimiter> limiter_;
  std::string address_;
};

class ConnectionLimiter : public std::enable_shared_from_this<ConnectionLimiter> {
 public:
  explicit ConnectionLimiter(ConnectionLimits limits) : limits_(limits) {}
  // A slot for a new connection from `address`, or null when either cap is
  // reached. Addresses count by `clientKey`.
  std::shared_ptr<ConnectionSlot> admit(const std::string& address);
  std::size_t total() const;
  const ConnectionLimits& limits() const { return limits_; }

 private:
  friend class ConnectionSlot;
  void release(const std::string& address);

  const ConnectionLimits limits_;
  mutable std::mutex mutex_;
  std::map<std::string, std::size_t> per_address_;
  std::size_t total_ = 0;
};

}  // namespace spe
