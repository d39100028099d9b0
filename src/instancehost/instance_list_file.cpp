#include "instancehost/instance_list_file.h"

#include "common/base/logging.h"

namespace spe::instancehost {

InstanceListFile::InstanceListFile(std::string path, Clock& clock, ListFn list, std::chrono::milliseconds delay)
    : path_(std::move(path)), clock_(clock), list_(std::move(list)), delay_(delay) {}

InstanceListFile::~InstanceListFile() {
  std::unique_ptr<Timer> timer;
  {
    std::lock_guard lock(mutex_);
    timer = std::move(timer_);
  }
  if (timer) timer->cancel();  // a write under way ends first
  flush();
}

void InstanceListFile::saveNow() {
  if (path_.empty()) return;
  {
    std::lock_guard lock(mutex_);
    pending_ = false;
  }
  std::lock_guard write(write_mutex_);
  if (auto st = saveInstanceList(path_, list_()); !st) {
    logger("instances")->error("cannot save the list of instances: {}", st.error().message);
  }
}

void InstanceListFile::saveSoon() {
  if (path_.empty()) return;
  std::lock_guard lock(mutex_);
  if (pending_) return;  // the armed timer writes this change too
  pending_ = true;
  if (!timer_) timer_ = clock_.makeTimer([this] { flush(); });
  timer_->armAfter(delay_);
}

void InstanceListFile::flush() {
  {
    std::lock_guard lock(mutex_);
    if (!pending_) return;
  }
  saveNow();
}

}  // namespace spe::instancehost
