// InstanceListFile: the Instance Host's copy on disk of its instance list
// (<data>/instances.json), so that it starts its instances without the
// Management Server. A whole new list (instances.sync) is written at once; a
// change of one instance marks the file out of date and it is written once
// `delay` later, so that registering instances one after another costs one
// write per `delay`, not one per instance (with 10,000 instances the file
// is a megabyte). A change lost in a crash before that is no loss: the
// Management Server sends the whole list at the first heartbeat after the
// host starts. flush() writes what is pending (host shutdown).
// Thread safety: every member may be called from any thread; `list` is
// called without this object's lock held.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "common/base/clock.h"
#include "instancehost/instance_setup.h"

namespace spe::instancehost {

class InstanceListFile {
 public:
  using ListFn = std::function<std::vector<InstanceSpec>()>;
  // An empty `path` keeps nothing. `list` gives the list to write.
  InstanceListFile(std::string path, Clock& clock, ListFn list,
                   std::chrono::milliseconds delay = std::chrono::seconds(1));
  ~InstanceListFile();  // writes what is pending

  void saveNow();
  void saveSoon();
  void flush();

 private:
  const std::string path_;
  Clock& clock_;
  const ListFn list_;
  const std::chrono::milliseconds delay_;
  std::mutex mutex_;
  bool pending_ = false;
  std::unique_ptr<Timer> timer_;
  std::mutex write_mutex_;  // one write at a time, in the order asked
};

}  // namespace spe::instancehost
