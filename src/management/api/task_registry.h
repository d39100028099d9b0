// TaskRegistry: long-running API calls and their status tokens.
//
// A task starts "running" at statusVersion 1; every progress update and the
// final transition bump the version. get-status waiters are woken by any
// change (long polling). Finished tasks are kept for kRetention so a client
// can collect the result, then their token answers 404.
// Thread safety: all members are internally locked; waiter callbacks are
// invoked outside the lock.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "common/base/json_reader.h"
#include "common/base/result.h"
#include "management/api/function_registry.h"

namespace spe::management {

// Where a task is; the envelope's statusCode names it (taskStateName).
enum class TaskState { kRunning, kSucceeded, kFailed };

// "running" | "succeeded" | "failed" (PRODUCT-SPEC §1.4): only the JSON
// envelope spells a state.
const char* taskStateName(TaskState state);

struct TaskStatus {
  std::string token;
  std::int64_t status_version = 1;
  TaskState state = TaskState::kRunning;
  std::optional<int> percent;
  std::optional<std::string> status_text;
  Json result;
  // The result's JSON text instead of `result` (CallContext::raw_result).
  std::shared_ptr<const std::string> raw_result;
  std::optional<Error> error;
  std::string log_output;
};

// How every cancelled long-running function's error begins.
inline constexpr const char* kCancelledMessage = "The operation was cancelled.";

class Task : public Progress, public std::enable_shared_from_this<Task> {
 public:
  explicit Task(std::string token, std::string owner);

  TaskStatus snapshot() const;
  // Moves the status out (for a synchronous call's private task: no copy of
  // a large result).
  TaskStatus release();
  const std::string& owner() const { return owner_; }

  // Progress
  void update(std::optional<int> percent, const std::string& text) override;
  void log(const std::string& line) override;
  bool cancelled() const override;

  void requestCancel();
  void finish(Result<Json> result, std::shared_ptr<const std::string> raw_result = nullptr);
  bool finished() const;
  std::chrono::steady_clock::time_point finishedAt() const;

  // Calls `wake` once the version differs from `known` (maybe at once).
  // Returns an id for removeWaiter.
  std::uint64_t addWaiter(std::int64_t known, std::function<void()> wake);
  void removeWaiter(std::uint64_t id);

 private:
  void bumpLocked(std::vector<std::function<void()>>& to_wake);

  mutable std::mutex mutex_;
  TaskStatus status_;
  std::string owner_;
  bool cancel_ = false;
  std::chrono::steady_clock::time_point finished_at_{};
  std::uint64_t next_waiter_ = 1;
  std::map<std::uint64_t, std::function<void()>> waiters_;
};

class TaskRegistry {
 public:
  static constexpr std::chrono::minutes kRetention{10};

  std::shared_ptr<Task> create(const std::string& owner);
  // nullptr for unknown or expired tokens.
  std::shared_ptr<Task> find(const std::string& token);

 private:
  void expireLocked();
  mutable std::mutex mutex_;
  std::map<std::string, std::shared_ptr<Task>> tasks_;
};

// The eight-field envelope (PRODUCT-SPEC §1.4).
Json envelopeFor(const TaskStatus& status, bool with_token);
Json envelopeFor(TaskStatus&& status, bool with_token);
Json succeededEnvelope(Json result);
Json failedEnvelope(const Error& error);

// Envelope text: UTF-8 BOM + JSON.
std::string envelopeBody(const Json& envelope);
// The same for a task's status, with its raw_result embedded as it is.
std::string envelopeBody(TaskStatus&& status, bool with_token);

}  // namespace spe::management
