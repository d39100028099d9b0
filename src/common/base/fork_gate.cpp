#include "common/base/fork_gate.h"

namespace spe {

std::shared_mutex& ForkGate::mutex() {
  static std::shared_mutex m;
  return m;
}

ForkGate::Opening::Opening() : lock_(mutex()) {}

ForkGate::Starting::Starting() : lock_(mutex()) {}

}  // namespace spe
