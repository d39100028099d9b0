#include "instancehost/instance/reports/status_report.h"

#include <algorithm>
#include <cstdio>
#include <map>

#include "common/base/text.h"

namespace spe::instance {
namespace {

std::int64_t num(const Json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_number()) return 0;
  return it->is_number_integer() ? it->get<std::int64_t>() : static_cast<std::int64_t>(it->get<double>());
}

std::string str(const Json& j, const char* key) { return stringOf(j, key).value_or(""); }

std::int64_t listed(const Json& report, const char* list, const char* more) {
  auto it = report.find(list);
  const std::int64_t n = it != report.end() && it->is_array() ? static_cast<std::int64_t>(it->size()) : 0;
  return n + num(report, more);
}

// Archiving runs of the span, per profile and user.
Result<std::vector<StatusReport::ProfileLine>> gatherRuns(const InstanceFunctionCall& call, const Json& range,
                                                          std::int64_t& without_details) {
  auto runs = call("GetWorkerResults", range);
  if (!runs) return runs.error();
  std::map<std::pair<std::string, std::string>, StatusReport::ProfileLine> lines;
  std::size_t detailed = 0;
  for (const auto& run : runs->is_array() ? *runs : Json::array()) {
    auto& line = lines[{str(run, "profileName"), str(run, "userName")}];
    line.profile = str(run, "profileName");
    line.user = str(run, "userName");
    const std::string result = str(run, "result");
    ++line.runs;
    line.succeeded += result == "succeeded" ? 1 : 0;
    line.with_warnings += result == "completedWithWarnings" ? 1 : 0;
    line.failed += result == "failed" || result == "threadAbort" || result == "completedWithErrors" ? 1 : 0;
    line.archived += num(run, "itemsArchived");
    line.last_result = result;
    if (detailed >= kMaxRunDetails) {
      ++without_details;
      continue;
    }
    ++detailed;
    auto details = call("GetWorkerResultReport", Json{{"id", num(run, "id")}});
    if (!details) continue;  // a run deleted meanwhile: counted without details
    const Json report = details->value("report", Json::object());
    if (!report.is_object()) continue;
    line.duplicates += num(report, "duplicates");
    line.warnings += listed(report, "warnings", "moreWarnings");
    line.errors += listed(report, "errors", "moreErrors");
  }
  std::vector<StatusReport::ProfileLine> out;
  for (auto& [key, line] : lines) out.push_back(std::move(line));
  return out;
}

Result<std::vector<StatusReport::StoreLine>> gatherStores(const InstanceFunctionCall& call) {
  auto stores = call("GetStores", Json{{"includeSize", true}});
  if (!stores) return stores.error();
  std::vector<StatusReport::StoreLine> out;
  for (const auto& s : stores->is_array() ? *stores : Json::array()) {
    StatusReport::StoreLine line;
    line.id = num(s, "id");
    line.name = str(s, "name");
    line.state = str(s, "requestedState");
    line.error = str(s, "error");
    line.messages = num(s, "statisticsCount");
    line.bytes = num(s, "statisticsSize");
    line.index_needs_rebuild = s.value("searchIndexesNeedRebuild", false);
    line.needs_upgrade = s.value("needsUpgrade", false);
    out.push_back(std::move(line));
  }
  return out;
}

// The user archives (top-level folders) by size, largest first: each
// folder's count and size are of the mail it holds directly
// (GetFolderStatistics), so an archive adds up its folders.
Result<std::vector<StatusReport::ArchiveLine>> gatherLargest(const InstanceFunctionCall& call) {
  auto folders = call("GetFolderStatistics", Json::object());
  if (!folders) return folders.error();
  std::map<std::string, StatusReport::ArchiveLine> archives;
  for (const auto& f : folders->is_array() ? *folders : Json::array()) {
    const std::string path = str(f, "folder");
    if (path.empty()) continue;
    const std::string name = path.substr(0, path.find('/'));
    auto& a = archives[name];
    a.name = name;
    a.messages += num(f, "count");
    a.bytes += num(f, "size");
  }
  std::vector<StatusReport::ArchiveLine> out;
  for (auto& [name, a] : archives) out.push_back(std::move(a));
  std::sort(out.begin(), out.end(),
            [](const auto& a, const auto& b) { return a.bytes != b.bytes ? a.bytes > b.bytes : a.name < b.name; });
  if (out.size() > kLargestArchives) out.resize(kLargestArchives);
  return out;
}

}  // namespace

Result<StatusReport> gatherStatusReport(const InstanceFunctionCall& call, const std::string& instance_id,
                                        const std::string& timespan, const std::string& zone, const std::string& today,
                                        const std::string& generated) {
  StatusReport r;
  r.instance_id = instance_id;
  r.time_zone = zone;
  r.timespan = asciiLower(timespan);
  r.generated = generated;
  auto span = reportSpan(timespan, today);
  if (!span) return span.error();
  r.span = *span;
  const Json range{{"fromIncluding", r.span.from}, {"toExcluding", r.span.to}, {"timeZoneID", zone}};
  auto runs = gatherRuns(call, range, r.runs_without_details);
  if (!runs) return runs.error();
  r.profiles = std::move(*runs);
  auto stores = gatherStores(call);
  if (!stores) return stores.error();
  r.stores = std::move(*stores);
  auto largest = gatherLargest(call);
  if (!largest) return largest.error();
  r.largest = std::move(*largest);
  auto jobs = call(
      "GetJobResults",
      Json{{"fromIncluding", r.span.from}, {"toExcluding", r.span.to}, {"timeZoneId", zone}, {"timeZoneID", zone}});
  if (jobs) {
    r.jobs.emplace();
    for (const auto& j : jobs->is_array() ? *jobs : Json::array()) {
      const std::string result = str(j, "result");
      ++r.jobs_run;
      const bool ok = result == "succeeded" || result == "running";
      if (!ok) ++r.jobs_failed;
      r.jobs->push_back({str(j, "action"), result, str(j, "startTime")});
    }
  } else if (jobs.error().code != ErrorCode::kNotSupported) {
    return jobs.error();
  }
  return r;
}

namespace {

std::string grouped(std::int64_t n) {
  std::string digits = std::to_string(n < 0 ? -n : n);
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return (n < 0 ? "-" : "") + out;
}

std::string sizeText(std::int64_t bytes) {
  const char* units[] = {"bytes", "KB", "MB", "GB", "TB"};
  double v = static_cast<double>(bytes);
  int u = 0;
  while (v >= 1024 && u < 4) {
    v /= 1024;
    ++u;
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, u == 0 ? "%.0f %s" : "%.1f %s", v, units[u]);
  return buf;
}

std::string spanTitle(const StatusReport& r) {
  static const std::map<std::string, std::string> names = {{"today", "Today"},          {"yesterday", "Yesterday"},
                                                           {"thisweek", "This week"},   {"lastweek", "Last week"},
                                                           {"thismonth", "This month"}, {"lastmonth", "Last month"}};
  auto it = names.find(r.timespan);
  return (it == names.end() ? r.timespan : it->second) + " (" + r.span.from + " to before " + r.span.to + ", " +
         r.time_zone + ")";
}

// A run's or job's result as people read it.
std::string resultText(const std::string& r) {
  if (r == "completedWithWarnings") return "with warnings";
  if (r == "completedWithErrors") return "with errors";
  if (r == "threadAbort") return "aborted";
  return r;
}

std::string storeState(const StatusReport::StoreLine& s) {
  std::string out = s.error.empty() ? s.state : "error: " + s.error;
  if (s.index_needs_rebuild) out += "; search index needs a rebuild";
  if (s.needs_upgrade) out += "; needs an upgrade";
  return out;
}

struct Totals {
  std::int64_t runs = 0, failed = 0, archived = 0, warnings = 0, errors = 0;
};

Totals totals(const StatusReport& r) {
  Totals t;
  for (const auto& p : r.profiles) {
    t.runs += p.runs;
    t.failed += p.failed;
    t.archived += p.archived;
    t.warnings += p.warnings;
    t.errors += p.errors;
  }
  return t;
}

// Problems first: what the reader should act on.
std::vector<std::string> attention(const StatusReport& r) {
  std::vector<std::string> out;
  for (const auto& p : r.profiles) {
    if (p.failed > 0) {
      out.push_back("Profile '" + p.profile + "' (" + p.user + ") failed " + grouped(p.failed) + " of " +
                    grouped(p.runs) + " runs.");
    }
  }
  for (const auto& s : r.stores) {
    if (!s.error.empty() || s.index_needs_rebuild) out.push_back("Store '" + s.name + "': " + storeState(s) + ".");
  }
  if (r.jobs_failed > 0) out.push_back(grouped(r.jobs_failed) + " job runs did not succeed.");
  return out;
}

std::string textPart(const StatusReport& r) {
  const Totals t = totals(r);
  std::string out = "Status report of instance " + r.instance_id + "\n" + spanTitle(r) + "\nMade " + r.generated +
                    "\n\n";
  const auto problems = attention(r);
  out += problems.empty() ? "Nothing needs attention.\n" : "Needs attention:\n";
  for (const auto& p : problems) out += "  - " + p + "\n";
  out += "\nArchiving: " + grouped(t.runs) + " runs, " + grouped(t.archived) + " messages archived, " +
         grouped(t.warnings) + " warnings, " + grouped(t.errors) + " errors, " + grouped(t.failed) + " failed runs\n";
  for (const auto& p : r.profiles) {
    out += "  " + p.profile + " (" + p.user + "): " + grouped(p.runs) + " runs, " + grouped(p.archived) +
           " archived, " + grouped(p.duplicates) + " duplicates, " + grouped(p.warnings) + " warnings, " +
           grouped(p.errors) + " errors; last " + resultText(p.last_result) + "\n";
  }
  if (r.runs_without_details > 0) {
    out += "  (" + grouped(r.runs_without_details) + " more runs counted without their details)\n";
  }
  out += "\nArchive stores:\n";
  for (const auto& s : r.stores) {
    out += "  " + s.name + ": " + storeState(s) + ", " + grouped(s.messages) + " messages, " + sizeText(s.bytes) + "\n";
  }
  out += "\nLargest archives:\n";
  for (const auto& a : r.largest) {
    out += "  " + a.name + ": " + grouped(a.messages) + " messages, " + sizeText(a.bytes) + "\n";
  }
  out += "\nJobs: ";
  out += r.jobs ? grouped(r.jobs_run) + " runs, " + grouped(r.jobs_failed) + " not succeeded\n" : "not available\n";
  if (r.jobs) {
    for (const auto& j : *r.jobs) out += "  " + j.start + " " + j.action + ": " + resultText(j.result) + "\n";
  }
  return out;
}

// HTML for mail clients: tables, inline styles, no scripts, images or links.
const char* kCell = "padding:4px 8px;border-bottom:1px solid #e2e6ea;text-align:left;";
const char* kNum = "padding:4px 8px;border-bottom:1px solid #e2e6ea;text-align:right;";
const char* kHead = "padding:4px 8px;border-bottom:2px solid #c5ccd3;text-align:left;font-weight:600;color:#44505c;";

std::string td(const std::string& v, bool number = false) {
  return std::string("<td style=\"") + (number ? kNum : kCell) + "\">" + htmlEscape(v) + "</td>";
}

// Heads starting with '#' are of number columns (right-aligned, the '#' not shown).
std::string table(const std::vector<std::string>& heads, const std::vector<std::string>& rows) {
  std::string out =
      "<table role=\"presentation\" cellspacing=\"0\" cellpadding=\"0\" "
      "style=\"border-collapse:collapse;width:100%;font-size:13px;margin:4px 0 16px\"><tr>";
  for (const auto& h : heads) {
    const bool number = !h.empty() && h[0] == '#';
    out += std::string("<th style=\"") + kHead + (number ? "text-align:right;" : "") + "\">" +
           htmlEscape(number ? h.substr(1) : h) + "</th>";
  }
  out += "</tr>";
  for (const auto& r : rows) out += "<tr>" + r + "</tr>";
  if (rows.empty()) {
    out += "<tr><td colspan=\"" + std::to_string(heads.size()) + "\" style=\"" + kCell +
           "color:#66707a\">None</td></tr>";
  }
  return out + "</table>";
}

std::string h2(const std::string& t) {
  return "<h2 style=\"font-size:16px;margin:20px 0 4px;color:#1d2935\">" + htmlEscape(t) + "</h2>";
}

std::string htmlPart(const StatusReport& r) {
  const Totals t = totals(r);
  std::string out =
      "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>" + htmlEscape("Status report " + r.instance_id) +
      "</title></head><body style=\"margin:0;padding:16px;background:#f4f6f8;font-family:Segoe UI,Helvetica,Arial,"
      "sans-serif;color:#1d2935\"><div style=\"max-width:760px;margin:0 auto;background:#ffffff;border:1px solid "
      "#dde2e7;border-radius:6px;padding:20px\">";
  out += "<h1 style=\"font-size:20px;margin:0 0 4px\">" + htmlEscape("Status report of instance " + r.instance_id) +
         "</h1><p style=\"margin:0;color:#55606b\">" + htmlEscape(spanTitle(r)) + "<br>" +
         htmlEscape("Made " + r.generated) + "</p>";
  const auto problems = attention(r);
  if (problems.empty()) {
    out +=
        "<p style=\"margin:16px 0;padding:10px 12px;background:#e8f5ec;border-left:4px solid #2e8b57\">"
        "Nothing needs attention.</p>";
  } else {
    out +=
        "<div style=\"margin:16px 0;padding:10px 12px;background:#fdecea;border-left:4px solid #c0392b\">"
        "<strong>Needs attention</strong><ul style=\"margin:6px 0 0;padding-left:20px\">";
    for (const auto& p : problems) out += "<li>" + htmlEscape(p) + "</li>";
    out += "</ul></div>";
  }
  out += h2("Archiving");
  out += "<p style=\"margin:0 0 6px\">" +
         htmlEscape(grouped(t.runs) + " runs, " + grouped(t.archived) + " messages archived, " + grouped(t.warnings) +
                    " warnings, " + grouped(t.errors) + " errors, " + grouped(t.failed) + " failed runs") +
         "</p>";
  std::vector<std::string> rows;
  for (const auto& p : r.profiles) {
    rows.push_back(td(p.profile) + td(p.user) + td(grouped(p.runs), true) + td(grouped(p.archived), true) +
                   td(grouped(p.duplicates), true) + td(grouped(p.warnings), true) + td(grouped(p.errors), true) +
                   td(resultText(p.last_result)));
  }
  out += table({"Profile", "User", "#Runs", "#Archived", "#Duplicates", "#Warnings", "#Errors", "Last run"}, rows);
  if (r.runs_without_details > 0) {
    out += "<p style=\"margin:0;color:#55606b\">" +
           htmlEscape(grouped(r.runs_without_details) + " more runs counted without their details.") + "</p>";
  }
  out += h2("Archive stores");
  rows.clear();
  for (const auto& s : r.stores) {
    rows.push_back(td(s.name) + td(storeState(s)) + td(grouped(s.messages), true) + td(sizeText(s.bytes), true));
  }
  out += table({"Store", "State", "#Messages", "#Size"}, rows);
  out += h2("Largest archives");
  rows.clear();
  for (const auto& a : r.largest)
    rows.push_back(td(a.name) + td(grouped(a.messages), true) + td(sizeText(a.bytes), true));
  out += table({"Archive", "#Messages", "#Size"}, rows);
  out += h2("Jobs");
  if (!r.jobs) {
    out += "<p style=\"margin:0;color:#55606b\">Jobs are not available on this instance.</p>";
  } else {
    rows.clear();
    for (const auto& j : *r.jobs) rows.push_back(td(j.start) + td(j.action) + td(resultText(j.result)));
    out += table({"Started", "Action", "Result"}, rows);
  }
  return out + "</div></body></html>";
}

}  // namespace

RenderedReport renderStatusReport(const StatusReport& report) {
  RenderedReport out;
  const auto problems = attention(report);
  out.subject = "Status report " + report.instance_id + ": " +
                spanTitle(report).substr(0, spanTitle(report).find(" (")) +
                (problems.empty() ? ", all well" : ", " + std::to_string(problems.size()) + " need attention");
  out.text = textPart(report);
  out.html = htmlPart(report);
  return out;
}

}  // namespace spe::instance
