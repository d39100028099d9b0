#include "instancehost/instance/access/web/web_restore.h"

#include <algorithm>
#include <cctype>

#include "common/base/crypto.h"
#include "common/base/logging.h"
#include "common/base/text.h"
#include "common/net/public_address.h"
#include "instancehost/instance/access/web/web_failure.h"

namespace spe::instance {
namespace {

constexpr std::size_t kErrorsShown = 50;

Json answer(int status, Json body) { return webAnswer(status, std::move(body)); }

Json badField(const char* field, const std::string& message) {
  return webFailure(400, "badField", message, Json{{"field", field}});
}

bool hasControl(const std::string& s) {
  return std::any_of(s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; });
}

// The request's server and target, checked field by field.
struct Request {
  std::string host, security, user, password, folder;
  std::uint16_t port = 0;
  bool keep_folders = true;
};

std::optional<Json> parseRequest(const Json& body, Request& r) {
  const auto server_it = body.find("server");
  if (server_it == body.end() || !server_it->is_object()) {
    return badField("server", "'server' must be an object with host, port, security, userName and password.");
  }
  const Json& server = *server_it;
  auto host = stringField(server, "host", {}, 253);
  if (!host || !isHostOrAddress(*host))
    return badField("server.host", "'server.host' must be a host name or IP address.");
  r.host = *host;
  auto security = stringField(server, "security", "tls", 16);
  if (!security || (*security != "tls" && *security != "starttls")) {
    return badField("server.security", "'server.security' must be tls or starttls.");
  }
  r.security = *security;
  auto port = intField(server, "port", r.security == "tls" ? 993 : 143, 1, 65535);
  if (!port) return badField("server.port", "'server.port' must be a number from 1 to 65535.");
  r.port = static_cast<std::uint16_t>(*port);
  auto user = stringField(server, "userName", {}, 256);
  if (!user || user->empty() || hasControl(*user)) {
    return badField("server.userName", "'server.userName' must be 1 to 256 characters without control characters.");
  }
  r.user = *user;
  auto password = stringField(server, "password", {}, 1024);
  if (!password || password->empty() || hasControl(*password)) {
    return badField("server.password", "'server.password' must be 1 to 1024 characters without control characters.");
  }
  r.password = *password;
  auto folder = stringField(body, "folder", "Restored", 200);
  if (!folder || folder->empty() || hasControl(*folder)) {
    return badField("folder", "'folder' must be 1 to 200 characters without control characters.");
  }
  auto normal = store::ArchiveStore::normaliseFolder(*folder);
  if (!normal) return badField("folder", "'folder': " + normal.error().message);
  r.folder = *normal;
  auto keep = boolField(body, "keepFolders", true);
  if (!keep) return badField("keepFolders", "'keepFolders' must be true or false.");
  r.keep_folders = *keep;
  return std::nullopt;
}

}  // namespace

struct WebRestores::Run {
  std::string id, user, server, folder;
  std::size_t total = 0;
  Clock::TimePoint created;
  Clock::TimePoint deadline;  // stopped then, however far it got
  std::atomic<bool> cancel{false};
  std::atomic<bool> timed_out{false};
  std::atomic<int> percent{0};
  std::atomic<bool> ended{false};
  // Set by the run's thread before `ended`; read after it.
  RunResult result = RunResult::kRunning;
  std::int64_t restored = 0, failed = 0;
  Json errors = Json::array();
  std::string error;
  Clock::TimePoint ended_at;
  std::thread thread;
};

WebRestores::~WebRestores() { stopAll(); }

void WebRestores::stopAll() {
  std::map<std::string, std::shared_ptr<Run>> runs;
  {
    std::lock_guard lock(mutex_);
    stopped_ = true;
    runs.swap(runs_);
  }
  for (auto& [id, run] : runs) run->cancel = true;
  for (auto& [id, run] : runs) {
    if (run->thread.joinable()) run->thread.join();
  }
}

void WebRestores::execute(Run& run, Profile profile) {
  const auto stop = [this, &run] {
    if (run.cancel) return true;
    if (clock_.now() < run.deadline) return false;
    run.timed_out = true;
    return true;
  };
  auto extra = std::make_shared<EndUserRun>(*profile.end_user_run);
  extra->cancelled = stop;
  profile.end_user_run = std::move(extra);
  store::OperationControl control;
  control.cancelled = stop;
  control.progress = [&run](int percent, const std::string&) { run.percent = std::clamp(percent, 0, 100); };
  ImportOutcome outcome;
  outcome.error = "The restore did not run.";
  auto done = ctx_.runner.run(profile, control, &outcome);
  run.result = outcome.result;
  run.restored = outcome.archived;
  run.failed = outcome.failed;
  if (auto errors = outcome.report.find("errors"); errors != outcome.report.end() && errors->is_array()) {
    for (const auto& e : *errors) {
      if (run.errors.size() >= kErrorsShown) break;
      run.errors.push_back(e);
    }
  }
  if (outcome.result == RunResult::kFailed) run.error = outcome.error;
  if (!done && outcome.result != RunResult::kFailed && outcome.result != RunResult::kCancelled) {
    run.result = RunResult::kFailed;  // the run could not be recorded
    run.error = done.error().message;
  }
  if (run.timed_out) {
    run.result = RunResult::kFailed;
    run.error = "The restore took longer than its limit and was stopped; what was restored stays there.";
  } else if (run.cancel && run.result == RunResult::kFailed) {
    run.result = RunResult::kCancelled;  // stopped while talking to the server: no failure to report
    run.error.clear();
  }
  logger("web")->info("Web Access restore {} of '{}' to {} ended: {}, {} restored, {} failed", run.id, run.user,
                      run.server, runResultName(run.result), run.restored, run.failed);
  run.ended_at = clock_.now();
  run.percent = 100;
  run.ended = true;
}

std::optional<Json> WebRestores::limitRefusal(const std::string& user) {
  if (stopped_) return webFailure(503, "unavailable", "The archive is stopping.");
  std::size_t running = 0;
  for (const auto& [id, other] : runs_) {
    if (other->ended) continue;
    if (other->user == user) {
      return webFailure(409, "restoreRunning", "A restore of yours is running; wait for it or stop it first.",
                        Json{{"restoreID", id}});
    }
    ++running;
  }
  if (running >= kRunning) {
    return webFailure(429, "tooManyRestores", "Too many restores are running; try again in a few minutes.");
  }
  auto& starts = starts_[user];
  const auto now = clock_.now();
  std::erase_if(starts, [&](Clock::TimePoint t) { return now - t >= std::chrono::hours(1); });
  if (starts.size() >= kStartsPerHour) {
    const auto wait = std::chrono::duration_cast<std::chrono::seconds>(starts.front() + std::chrono::hours(1) - now);
    return webFailure(429, "tooManyRestores",
                      "You started " + std::to_string(kStartsPerHour) + " restores in the last hour; try again in " +
                          std::to_string(wait.count() / 60 + 1) + " minutes.",
                      Json{{"seconds", wait.count()}});
  }
  return std::nullopt;
}

Result<Json> WebRestores::start(const std::string& user, const Json& body, const WebSearchAll& search,
                                const std::function<bool()>& late, const std::string& client) {
  if (!options_.enabled) {
    return webFailure(403, "restoreDisabled", "Restoring to a mailbox is turned off by the provider.");
  }
  Request r;
  if (auto refused = parseRequest(body, r)) return *refused;

  // Where it may connect: a server the provider allows, else public addresses on the IMAP ports.
  // A name is checked on the addresses it resolves to when connecting (mail_connection.h), not
  // here: a lookup here would hold a request thread as long as a slow name server likes.
  std::function<bool(const std::string&)> address_allowed;
  if (!options_.servers.allows(r.host, r.port)) {
    if (r.port != 143 && r.port != 993) {
      return webFailure(403, "restoreServerNotAllowed", "Only the IMAP ports 143 and 993 can be used for this server.",
                        Json{{"field", "server.port"}});
    }
    if (isIpAddress(r.host) && !publicAddress(r.host)) {
      return webFailure(403, "restoreServerNotAllowed",
                        "The server '" + r.host + "' is in a private network, which cannot be used here.",
                        Json{{"field", "server.host"}});
    }
    address_allowed = [](const std::string& a) { return publicAddress(a); };
  }
  {
    std::lock_guard lock(mutex_);  // the cheap refusals before the selection's work
    dropEnded(user);
    if (auto refused = limitRefusal(user)) return *refused;
  }

  auto items = webSelection(ctx_, user, body, search, late);
  if (!items) return webSelectionFailure(items.error());

  auto run = std::make_shared<Run>();
  run->id = toHex(randomBytes(16));
  run->user = user;
  run->server = (r.security == "tls" ? "imaps://" : "imap://") + r.host + ":" + std::to_string(r.port);
  run->folder = r.folder;
  run->total = items->size();
  run->created = clock_.now();

  Profile profile;
  profile.name = "Web Access restore for " + user;
  profile.type = "export";
  profile.owner = user;
  profile.connector = "imap";
  profile.details = Json{
      {"host", r.host},     {"port", r.port},           {"protocol", r.security == "tls" ? "IMAP-SSL" : "IMAP-TLS"},
      {"userName", r.user}, {"targetFolder", r.folder}, {"keepFolders", r.keep_folders},
      {"timeout", 30}};
  profile.secrets = Json{{"password", r.password}};
  auto extra = std::make_shared<EndUserRun>();
  for (const auto& item : *items) extra->messages.emplace_back(item.store_id, item.message_id);
  extra->address_allowed = std::move(address_allowed);
  extra->extra_ca_file = options_.ca_file;
  profile.end_user_run = std::move(extra);

  std::lock_guard lock(mutex_);
  if (auto refused = limitRefusal(user)) return *refused;  // again: another request may have started one meanwhile
  run->deadline = run->created + kTimeLimitBase + kTimeLimitPerMessage * static_cast<std::int64_t>(run->total);
  // On the record before any message leaves.
  audit::AuditEntry e;
  e.actor_kind = audit::ActorKind::kUser;
  e.actor = user;
  e.source = client;
  e.event = "MessageExport";
  e.object = run->server + "/" + r.folder;
  e.details = "Web Access restore of " + std::to_string(run->total) + " messages as '" + r.user + "'";
  if (auto audited = ctx_.db.audit(e); !audited) {
    logger("web")->error("audit record lost: {} {} {}: {}", user, e.event, e.object, audited.error().message);
    return webFailure(503, "auditUnavailable", "The restore did not start: its audit record could not be written.");
  }
  run->thread = std::thread([this, run, profile = std::move(profile)]() mutable { execute(*run, std::move(profile)); });
  runs_[run->id] = run;
  starts_[user].push_back(run->created);
  logger("web")->info("Web Access restore {} of {} messages for '{}' to {} folder '{}' started", run->id, run->total,
                      user, run->server, r.folder);
  return answer(200, Json{{"restoreID", run->id}, {"count", run->total}});
}

Json WebRestores::statusOf(const Run& run) {
  const bool ended = run.ended;
  const int percent = run.percent;
  Json out{{"restoreID", run.id}, {"state", ended ? runResultName(run.result) : "running"},
           {"total", run.total},  {"done", ended ? run.total : run.total * static_cast<std::size_t>(percent) / 100},
           {"percent", percent},  {"server", run.server},
           {"folder", run.folder}};
  if (ended) {
    out["restored"] = run.restored;
    out["failed"] = run.failed;
    out["errors"] = run.errors;
    if (!run.error.empty()) out["error"] = run.error;
  }
  return out;
}

void WebRestores::dropEnded(const std::string& user) {
  const auto now = clock_.now();
  std::vector<std::shared_ptr<Run>> mine;
  for (auto it = runs_.begin(); it != runs_.end();) {
    const auto& run = it->second;
    if (run->ended && now - run->ended_at > kKeptFor) {
      run->thread.join();  // it has ended: at once
      it = runs_.erase(it);
      continue;
    }
    if (run->user == user && run->ended) mine.push_back(run);
    ++it;
  }
  // Room for one more: the user's oldest ended restores go first.
  std::sort(mine.begin(), mine.end(), [](const auto& a, const auto& b) { return a->ended_at < b->ended_at; });
  while (!mine.empty() && mine.size() >= kKeptPerUser) {
    mine.front()->thread.join();
    runs_.erase(mine.front()->id);
    mine.erase(mine.begin());
  }
}

std::shared_ptr<WebRestores::Run> WebRestores::find(const std::string& user, const Json& body) {
  const auto id = stringOf(body, "restoreID");
  std::shared_ptr<Run> latest;
  for (const auto& [rid, run] : runs_) {
    if (run->user != user) continue;
    if (id ? rid == *id : (!latest || run->created > latest->created)) latest = run;
  }
  return latest;
}

Result<Json> WebRestores::status(const std::string& user, const Json& body) {
  std::lock_guard lock(mutex_);
  auto run = find(user, body);
  if (!run) return webFailure(404, "noSuchRestore", "There is no such restore (any more).");
  return answer(200, statusOf(*run));
}

Result<Json> WebRestores::cancel(const std::string& user, const Json& body) {
  if (!stringOf(body, "restoreID")) return badField("restoreID", "'restoreID' must be given.");
  std::lock_guard lock(mutex_);
  auto run = find(user, body);
  if (!run) return webFailure(404, "noSuchRestore", "There is no such restore (any more).");
  if (!run->ended) {
    run->cancel = true;
    logger("web")->info("Web Access restore {} of '{}' stopped by the user", run->id, user);
  }
  return answer(200, Json{{"state", run->ended ? runResultName(run->result) : "running"}});
}

}  // namespace spe::instance
