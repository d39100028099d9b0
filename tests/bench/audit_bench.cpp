// The audit log's figures (issue 21): appending 100,000 events (each one
// write(2) with its chain hash; target under 10 µs each) and verifying a log
// of 1,000,000 entries with its checkpoints (target under 10 s). Prints JSON.
//   audit_bench [--work DIR] [--appends N] [--verify-entries M]
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <string>

#include "common/base/crypto.h"
#include "common/base/json_reader.h"
#include "instancehost/instance/audit/audit_log.h"
#include "instancehost/instance/audit/audit_reader.h"

using namespace spe;
using Clock = std::chrono::steady_clock;

int main(int argc, char** argv) {
  std::string work =
      (std::filesystem::temp_directory_path() / ("spe-audit-bench-" + std::to_string(::getpid()))).string();
  long appends = 100000, verify_entries = 1000000;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--work")) work = argv[i + 1];
    if (!std::strcmp(argv[i], "--appends")) appends = std::stol(argv[i + 1]);
    if (!std::strcmp(argv[i], "--verify-entries")) verify_entries = std::stol(argv[i + 1]);
  }
  std::filesystem::remove_all(work);
  audit::AuditLogOptions o;
  o.directory = work;
  o.instance_id = "bench";
  o.secrets_key = randomKey();  // the checkpoint thread runs as in the instance (every 60 s)
  auto log = audit::AuditLog::open(o);
  if (!log) {
    std::cerr << log.error().message << "\n";
    return 2;
  }
  audit::AuditEntry e;
  e.actor_kind = audit::ActorKind::kUser;
  e.actor = "alice@example.com";
  e.source = "203.0.113.17";
  e.event = "MessageView";
  e.object = "store 1 message 123456";
  e.details = "Web Access";
  const auto t0 = Clock::now();
  for (long i = 0; i < appends; ++i) {
    if (!(*log)->append(e)) return 3;
  }
  const double append_s = std::chrono::duration<double>(Clock::now() - t0).count();
  // Fill up to verify_entries, with a checkpoint every 60,000 (about a
  // minute of a busy instance) so the verifier checks many.
  for (long i = appends; i < verify_entries; ++i) {
    if (!(*log)->append(e)) return 3;
    if (i % 60000 == 0 && !(*log)->checkpoint()) return 4;
  }
  (*log)->close();
  const auto bytes = std::filesystem::file_size(std::filesystem::path(work) / audit::kLogFile);
  const auto t1 = Clock::now();
  const auto report = audit::verifyAuditLog(work);
  const double verify_s = std::chrono::duration<double>(Clock::now() - t1).count();
  log->reset();
  std::filesystem::remove_all(work);
  const double per_append_us = append_s * 1e6 / static_cast<double>(appends);
  const bool ok = report.intact && per_append_us < 10.0 && verify_s < 10.0 &&
                  report.entries == static_cast<std::uint64_t>(verify_entries);
  std::cout << Json{{"benchmark", "audit"},
                    {"appends", appends},
                    {"appendMicrosecondsEach", per_append_us},
                    {"verifiedEntries", report.entries},
                    {"verifiedCheckpoints", report.checkpoints},
                    {"logBytes", bytes},
                    {"verifySeconds", verify_s},
                    {"intact", report.intact},
                    {"targets", {{"appendMicrosecondsEach", 10}, {"verifySeconds", 10}}},
                    {"ok", ok}}
                   .dump()
            << "\n";
  return ok ? 0 : 1;
}
