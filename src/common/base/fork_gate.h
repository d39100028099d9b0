#pragma once
// Keeps the start of child processes apart from the opening of files whose
// lock belongs to an open file description (flock, OFD locks).
//
// From fork() until it execs (or closes them), a child holds copies of all
// the process's descriptors, and such a lock stays held while any copy of its
// description lives, even after the process closed its own descriptor.
// Firebird opens a database file, then closes it and opens it again (to turn
// on synchronous writes) and takes flock(LOCK_EX | LOCK_NB) on the new
// descriptor; Xapian takes its write lock the same way. A child forked in
// between made that open fail ("Database already opened with engine
// instance, incompatible with current"), and with it a CreateStore or the
// opening of a store.
//
// Files with such locks are opened under ForkGate::Opening (many at once);
// a child is started under ForkGate::Starting (one at a time), held until
// the child holds none of the process's descriptors any more: it has closed
// them, exec'd or exited. Opening waits for starts in progress (a few
// milliseconds each); starts wait for opens in progress.
#include <mutex>
#include <shared_mutex>

namespace spe {

class ForkGate {
 public:
  class Opening {
   public:
    Opening();

   private:
    std::shared_lock<std::shared_mutex> lock_;
  };

  class Starting {
   public:
    Starting();

   private:
    std::unique_lock<std::shared_mutex> lock_;
  };

 private:
  static std::shared_mutex& mutex();
};

}  // namespace spe
