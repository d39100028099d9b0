// The status report of an instance (SendStatusReport): what was archived in
// a time span, per profile and user (runs, archived, duplicates, warnings,
// errors), the archive stores (state, size, indexes), the largest user
// archives, and the jobs that ran and failed. Gathered through the
// instance's own API functions (their public shapes: GetWorkerResults,
// GetWorkerResultReport, GetStores, GetFolderStatistics, GetJobResults when
// the instance has it), then rendered as a mail: a plain text part and an
// HTML part with inline styles and tables only (what mail clients show
// alike), every value escaped.
// Thread safety: pure functions apart from the calls `call` makes.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "common/base/json_reader.h"
#include "common/base/result.h"
#include "instancehost/instance/reports/report_span.h"

namespace spe::instance {

struct StatusReport {
  struct ProfileLine {
    std::string profile;
    std::string user;
    std::int64_t runs = 0, succeeded = 0, with_warnings = 0, failed = 0;
    std::int64_t archived = 0, duplicates = 0, warnings = 0, errors = 0;
    std::string last_result;
  };
  struct StoreLine {
    std::int64_t id = 0;
    std::string name, state, error;
    std::int64_t messages = 0, bytes = 0;
    bool index_needs_rebuild = false, needs_upgrade = false;
  };
  struct ArchiveLine {
    std::string name;
    std::int64_t messages = 0, bytes = 0;
  };
  struct JobLine {
    std::string action, result, start;
  };

  std::string instance_id;
  std::string time_zone;
  std::string timespan;
  ReportSpan span;
  std::string generated;  // local time of the zone
  std::vector<ProfileLine> profiles;
  std::int64_t runs_without_details = 0;  // beyond kMaxRunDetails: counted, reports not read
  std::vector<StoreLine> stores;
  std::vector<ArchiveLine> largest;
  std::optional<std::vector<JobLine>> jobs;  // nullopt: the instance has no jobs
  std::int64_t jobs_run = 0, jobs_failed = 0;
};

// Calls an instance API function by name with JSON arguments.
using InstanceFunctionCall = std::function<Result<Json>(const std::string& function, const Json& args)>;

inline constexpr std::size_t kMaxRunDetails = 2000;
inline constexpr std::size_t kLargestArchives = 10;

// `today` is the local date ("YYYY-MM-DD") in `zone`, `generated` the local time.
Result<StatusReport> gatherStatusReport(const InstanceFunctionCall& call, const std::string& instance_id,
                                        const std::string& timespan, const std::string& zone, const std::string& today,
                                        const std::string& generated);

struct RenderedReport {
  std::string subject;
  std::string text;
  std::string html;
};
RenderedReport renderStatusReport(const StatusReport& report);

}  // namespace spe::instance
