#include "cas/web_stream_pool.h"

namespace spe::cas {

std::optional<PooledStream> WebStreamPool::take(const std::string& key, Clock::time_point now) {
  std::lock_guard lock(mutex_);
  dropExpired(now);
  auto it = idle_.find(key);
  if (it == idle_.end()) return std::nullopt;
  if (now - it->second.back().since >= idle_limit_) {  // all of this line is too old
    for (auto& s : it->second) s.stream.stream->close();
    count_ -= it->second.size();
    idle_.erase(it);
    return std::nullopt;
  }
  PooledStream out = std::move(it->second.back().stream);
  it->second.pop_back();
  --count_;
  if (it->second.empty()) idle_.erase(it);
  return out;
}

void WebStreamPool::give(const std::string& key, PooledStream stream, Clock::time_point now) {
  std::lock_guard lock(mutex_);
  dropExpired(now);
  auto& line = idle_[key];
  line.push_back({std::move(stream), now});
  ++count_;
  if (line.size() > per_key_) {
    line.front().stream.stream->close();
    line.pop_front();
    --count_;
  }
  while (count_ > total_) {  // the oldest stream of the CAS goes
    auto oldest = idle_.end();
    for (auto i = idle_.begin(); i != idle_.end(); ++i) {
      if (oldest == idle_.end() || i->second.front().since < oldest->second.front().since) oldest = i;
    }
    oldest->second.front().stream.stream->close();
    oldest->second.pop_front();
    --count_;
    if (oldest->second.empty()) idle_.erase(oldest);
  }
}

std::size_t WebStreamPool::idle() const {
  std::lock_guard lock(mutex_);
  return count_;
}

void WebStreamPool::dropExpired(Clock::time_point now) {
  // Every line at most once a second: a request costs no walk over every instance.
  if (now - last_sweep_ < std::chrono::seconds(1)) return;
  last_sweep_ = now;
  for (auto it = idle_.begin(); it != idle_.end();) {
    auto& line = it->second;
    while (!line.empty() && now - line.front().since >= idle_limit_) {
      line.front().stream.stream->close();
      line.pop_front();
      --count_;
    }
    it = line.empty() ? idle_.erase(it) : std::next(it);
  }
}

}  // namespace spe::cas
