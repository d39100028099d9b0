// LoginDelays: growing delays after failed end-user logins, per client
// address and per user name: the n-th failure within 15 minutes is
// answered after 2^(n-1) seconds (at most 15 s). A success clears the
// user's count for that address. Memory is bounded (oldest entries go).
// Thread safety: internally locked.
#pragma once

#include <chrono>
#include <map>
#include <mutex>
#include <string>

namespace spe::cas {

class LoginDelays {
 public:
  static constexpr std::chrono::minutes kWindow{15};
  static constexpr std::chrono::seconds kMaxDelay{15};

  // Records a failure; returns how long to wait before answering it.
  std::chrono::milliseconds failure(const std::string& address, const std::string& user);
  void success(const std::string& address, const std::string& user);

 private:
  struct Count {
    int failures = 0;
    std::chrono::steady_clock::time_point last;
  };
  int bump(const std::string& key, std::chrono::steady_clock::time_point now);

  std::mutex mutex_;
  std::map<std::string, Count> counts_;
};

}  // namespace spe::cas
