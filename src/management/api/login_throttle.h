// LoginThrottle: slows down password guessing on the Management API.
//
// Failed logins (wrong credentials, not a missing Authorization header, so a
// client that waits for the 401 challenge is never slowed) are counted per
// client address over a sliding window. Beyond kFreeFailures in kWindow each
// further failure is answered only after kDelay, as Dovecot's
// auth_failure_delay does. Thread safety: internally locked.
#pragma once

#include <chrono>
#include <deque>
#include <map>
#include <mutex>
#include <string>

namespace spe::management {

class LoginThrottle {
 public:
  static constexpr int kFreeFailures = 5;
  static constexpr std::chrono::seconds kWindow{60};
  static constexpr std::chrono::milliseconds kDelay{1000};

  // Records a failure from `address`; returns how long to wait before answering.
  std::chrono::milliseconds failure(const std::string& address);

 private:
  std::mutex mutex_;
  std::map<std::string, std::deque<std::chrono::steady_clock::time_point>> failures_;
};

}  // namespace spe::management
