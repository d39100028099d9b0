#include "management/api/task_registry.h"

#include "common/base/password.h"

namespace spe::management {

const char* taskStateName(TaskState state) {
  switch (state) {
    case TaskState::kRunning: return "running";
    case TaskState::kSucceeded: return "succeeded";
    case TaskState::kFailed: return "failed";
  }
  return "failed";
}

Task::Task(std::string token, std::string owner) : owner_(std::move(owner)) { status_.token = std::move(token); }

TaskStatus Task::snapshot() const {
  std::lock_guard lock(mutex_);
  return status_;
}

TaskStatus Task::release() {
  std::lock_guard lock(mutex_);
  return std::move(status_);
}

void Task::bumpLocked(std::vector<std::function<void()>>& to_wake) {
  ++status_.status_version;
  for (auto& [id, fn] : waiters_) to_wake.push_back(std::move(fn));
  waiters_.clear();
}

void Task::update(std::optional<int> percent, const std::string& text) {
  std::vector<std::function<void()>> wake;
  {
    std::lock_guard lock(mutex_);
    if (status_.state != TaskState::kRunning) return;
    if (percent) status_.percent = std::clamp(*percent, 0, 100);
    status_.status_text = text;
    bumpLocked(wake);
  }
  for (auto& fn : wake) fn();
}

void Task::log(const std::string& line) {
  std::lock_guard lock(mutex_);
  status_.log_output += line;
  status_.log_output += "\n";
}

bool Task::cancelled() const {
  std::lock_guard lock(mutex_);
  return cancel_;
}

void Task::requestCancel() {
  std::vector<std::function<void()>> wake;
  {
    std::lock_guard lock(mutex_);
    if (cancel_ || status_.state != TaskState::kRunning) return;
    cancel_ = true;
    status_.status_text = "Cancellation requested.";
    bumpLocked(wake);
  }
  for (auto& fn : wake) fn();
}

void Task::finish(Result<Json> result, std::shared_ptr<const std::string> raw_result) {
  std::vector<std::function<void()>> wake;
  {
    std::lock_guard lock(mutex_);
    if (result) {
      status_.state = TaskState::kSucceeded;
      status_.result = std::move(result.value());
      status_.raw_result = std::move(raw_result);
      if (status_.percent) status_.percent = 100;
    } else {
      status_.state = TaskState::kFailed;
      status_.error = result.error();
      // Every cancelled function ends alike (docs/api.md); what the function
      // says about how far it got follows.
      if (status_.error->code == ErrorCode::kCancelled) {
        const std::string said = status_.error->message;
        status_.error->message = kCancelledMessage;
        if (!said.empty() && said != "Cancelled." && said != kCancelledMessage) status_.error->message += " " + said;
      }
    }
    finished_at_ = std::chrono::steady_clock::now();
    bumpLocked(wake);
  }
  for (auto& fn : wake) fn();
}

bool Task::finished() const {
  std::lock_guard lock(mutex_);
  return status_.state != TaskState::kRunning;
}

std::chrono::steady_clock::time_point Task::finishedAt() const {
  std::lock_guard lock(mutex_);
  return finished_at_;
}

std::uint64_t Task::addWaiter(std::int64_t known, std::function<void()> wake) {
  {
    std::lock_guard lock(mutex_);
    if (status_.status_version == known) {
      const std::uint64_t id = next_waiter_++;
      waiters_[id] = std::move(wake);
      return id;
    }
  }
  wake();
  return 0;
}

void Task::removeWaiter(std::uint64_t id) {
  std::lock_guard lock(mutex_);
  waiters_.erase(id);
}

std::shared_ptr<Task> TaskRegistry::create(const std::string& owner) {
  std::lock_guard lock(mutex_);
  expireLocked();
  auto task = std::make_shared<Task>(randomHex(16), owner);
  tasks_[task->snapshot().token] = task;
  return task;
}

std::shared_ptr<Task> TaskRegistry::find(const std::string& token) {
  std::lock_guard lock(mutex_);
  expireLocked();
  auto it = tasks_.find(token);
  return it == tasks_.end() ? nullptr : it->second;
}

void TaskRegistry::expireLocked() {
  const auto now = std::chrono::steady_clock::now();
  for (auto it = tasks_.begin(); it != tasks_.end();) {
    if (it->second->finished() && now - it->second->finishedAt() > kRetention) it = tasks_.erase(it);
    else ++it;
  }
}

Json envelopeFor(const TaskStatus& s, bool with_token) {
  TaskStatus copy = s;
  return envelopeFor(std::move(copy), with_token);
}

Json envelopeFor(TaskStatus&& s, bool with_token) {
  Json env;
  env["error"] = s.error ? Json{{"message", s.error->message},
                                {"details", s.error->details.empty() ? Json() : Json(s.error->details)}}
                         : Json();
  env["token"] = with_token ? Json(s.token) : Json();
  env["statusVersion"] = s.status_version;
  env["statusCode"] = taskStateName(s.state);
  env["percentProgress"] = s.percent ? Json(*s.percent) : Json();
  env["statusText"] = s.status_text ? Json(*s.status_text) : Json();
  env["result"] = std::move(s.result);
  env["logOutput"] = s.log_output.empty() ? Json() : Json(s.log_output);
  return env;
}

Json succeededEnvelope(Json result) {
  TaskStatus s;
  s.status_version = 2;
  s.state = TaskState::kSucceeded;
  s.result = std::move(result);
  return envelopeFor(s, false);
}

Json failedEnvelope(const Error& error) {
  TaskStatus s;
  s.status_version = 2;
  s.state = TaskState::kFailed;
  s.error = error;
  return envelopeFor(s, false);
}

std::string envelopeBody(const Json& envelope) {
  return "\xEF\xBB\xBF" + envelope.dump(-1, ' ', false, Json::error_handler_t::replace);
}

std::string envelopeBody(TaskStatus&& status, bool with_token) {
  std::shared_ptr<const std::string> raw = std::move(status.raw_result);
  std::string text = envelopeBody(envelopeFor(std::move(status), with_token));
  if (!raw) return text;
  // The one unquoted "result":null: a quote inside a string value is
  // escaped, so no string holds this text.
  static constexpr std::string_view kSlot = "\"result\":null";
  const auto at = text.find(kSlot);
  if (at == std::string::npos) return text;
  std::string out;
  out.reserve(text.size() + raw->size());
  out.append(text, 0, at + kSlot.size() - 4).append(*raw).append(text, at + kSlot.size(), std::string::npos);
  return out;
}

}  // namespace spe::management
