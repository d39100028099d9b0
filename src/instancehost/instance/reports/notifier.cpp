#include "instancehost/instance/reports/notifier.h"

#include "common/base/logging.h"
#include "common/base/text.h"
#include "instancehost/instance/model/time_zones.h"

namespace spe::instance {
namespace {

constexpr const char* kCheckedUntilKey = "notificationsCheckedUntil";
// Runs that started this long before the last look may have ended since.
constexpr std::int64_t kLookBack = 2 * 24 * 3600;

const std::vector<std::pair<NotificationKind, const char*>>& kindNames() {
  static const std::vector<std::pair<NotificationKind, const char*>> names = {
      {NotificationKind::kArchivingFailed, "archivingFailed"},
      {NotificationKind::kArchivingWarnings, "archivingWarnings"},
      {NotificationKind::kJobFailed, "jobFailed"},
      {NotificationKind::kStoreError, "storeError"},
      {NotificationKind::kIndexRebuild, "indexRebuild"}};
  return names;
}

const char* subjectOf(NotificationKind kind) {
  switch (kind) {
    case NotificationKind::kArchivingFailed: return "archiving failed";
    case NotificationKind::kArchivingWarnings: return "archiving completed with warnings";
    case NotificationKind::kJobFailed: return "a job did not succeed";
    case NotificationKind::kStoreError: return "an archive store has an error";
    case NotificationKind::kIndexRebuild: return "a search index needs a rebuild";
  }
  return "notification";
}

// "YYYY-MM-DDTHH:MM:SS" in UTC, as the instance's functions take local times.
std::string utcLocal(std::int64_t t) { return utcText(t).substr(0, 19); }

// A time the functions answered ("...+00:00" in UTC), as Unix seconds.
std::optional<std::int64_t> unixOf(const Json& v) {
  if (!v.is_string() || v.get<std::string>().size() < 19) return std::nullopt;
  auto t = parseLocalTime(v.get<std::string>().substr(0, 19), "UTC", "time");
  return t ? std::optional<std::int64_t>(*t) : std::nullopt;
}

std::string str(const Json& j, const char* key) { return stringOf(j, key).value_or(""); }

}  // namespace

Json NotificationSettings::toJson() const {
  Json out = Json::object();
  for (const auto& [kind, name] : kindNames()) out[name] = enabled.at(kind);
  return out;
}

Result<NotificationSettings> NotificationSettings::fromJson(const Json& in, const NotificationSettings& base) {
  if (!in.is_object()) return makeError(ErrorCode::kInvalidArgument, "'settings' must be a JSON object.");
  NotificationSettings out = base;
  for (const auto& [key, value] : in.items()) {
    bool known = false;
    for (const auto& [kind, name] : kindNames()) {
      if (key != name) continue;
      known = true;
      if (!value.is_boolean()) {
        return makeError(ErrorCode::kInvalidArgument, "'settings." + key + "' must be true or false.");
      }
      out.enabled[kind] = value.get<bool>();
    }
    if (!known) {
      return makeError(ErrorCode::kInvalidArgument,
                       "'settings." + printable(key, 64) +
                           "' is not a notification (archivingFailed, archivingWarnings, jobFailed, storeError, "
                           "indexRebuild).");
    }
  }
  return out;
}

Result<NotificationSettings> loadNotificationSettings(InstanceMasterDb& db) {
  auto stored = db.setting(kNotificationSettingsKey, Json::object());
  if (!stored) return stored.error();
  auto parsed = NotificationSettings::fromJson(*stored, NotificationSettings{});
  return parsed ? parsed : Result<NotificationSettings>(NotificationSettings{});  // unreadable: the defaults
}

Notifier::Notifier(Clock& clock, InstanceMasterDb& db, InstanceFunctionCall call, Send send, Post post,
                   std::string instance_id, std::chrono::seconds sweep)
    : clock_(clock),
      db_(db),
      call_(std::move(call)),
      send_(std::move(send)),
      post_(std::move(post)),
      instance_id_(std::move(instance_id)),
      sweep_(sweep) {}

Notifier::~Notifier() {
  if (timer_) timer_->cancel();
}

void Notifier::start() {
  timer_ = clock_.makeTimer([this] {
    post_([this] { sweep(); });
    timer_->armAfter(sweep_);
  });
  timer_->armAfter(sweep_);
}

void Notifier::queue(NotificationKind kind, std::string line) {
  Queue& q = queues_[kind];
  if (q.lines.size() < kListed) q.lines.push_back(std::move(line));
  else ++q.more;
}

Status Notifier::look(std::int64_t from, std::int64_t to, const NotificationSettings& settings) {
  auto on = [&](NotificationKind k) { return settings.enabled.at(k); };
  const Json range{
      {"fromIncluding", utcLocal(from - kLookBack)}, {"toExcluding", utcLocal(to + 1)}, {"timeZoneID", "UTC"}};
  // [from, to): what ends in the second of this look is the next look's, so
  // nothing is lost between looks and nothing reported twice.
  auto ended_now = [&](const Json& row) {
    auto done = unixOf(row.value("completeTime", Json()));
    return done && *done >= from && *done < to;
  };
  auto runs = call_("GetWorkerResults", range);
  if (!runs) return runs.error();
  for (const auto& run : *runs) {
    if (!ended_now(run)) continue;
    const std::string result = str(run, "result");
    const std::string what = "Profile '" + str(run, "profileName") + "' of " + str(run, "userName") + " (run " +
                             std::to_string(run.value("id", 0)) + ", ended " + str(run, "completeTime") + ")";
    if ((result == "failed" || result == "threadAbort" || result == "completedWithErrors") &&
        on(NotificationKind::kArchivingFailed)) {
      queue(NotificationKind::kArchivingFailed, what + ": " + result);
    } else if (result == "completedWithWarnings" && on(NotificationKind::kArchivingWarnings)) {
      queue(NotificationKind::kArchivingWarnings, what + ": completed with warnings");
    }
  }
  auto jobs = call_(
      "GetJobResults",
      Json{{"fromIncluding", range["fromIncluding"]}, {"toExcluding", range["toExcluding"]}, {"timeZoneId", "UTC"}});
  if (jobs && jobs->is_array()) {
    for (const auto& job : *jobs) {
      const std::string result = str(job, "result");
      if (!ended_now(job) || result == "succeeded" || !on(NotificationKind::kJobFailed)) continue;
      queue(NotificationKind::kJobFailed,
            "Job '" + str(job, "action") + "' started " + str(job, "startTime") + ": " + result);
    }
  } else if (!jobs && jobs.error().code != ErrorCode::kNotSupported) {
    return jobs.error();
  }
  auto stores = call_("GetStores", Json{{"includeSize", false}});
  if (!stores) return stores.error();
  std::set<std::int64_t> in_error, needing_rebuild;
  for (const auto& s : *stores) {
    const std::int64_t id = s.value("id", std::int64_t{0});
    const std::string name = "Store '" + str(s, "name") + "' (" + std::to_string(id) + ")";
    if (!str(s, "error").empty()) {
      in_error.insert(id);
      if (!stores_in_error_.count(id) && on(NotificationKind::kStoreError)) {
        queue(NotificationKind::kStoreError, name + ": " + str(s, "error"));
      }
    }
    if (s.value("searchIndexesNeedRebuild", false)) {
      needing_rebuild.insert(id);
      if (!stores_needing_rebuild_.count(id) && on(NotificationKind::kIndexRebuild)) {
        queue(NotificationKind::kIndexRebuild, name + ": its search index has to be rebuilt");
      }
    }
  }
  stores_in_error_ = std::move(in_error);
  stores_needing_rebuild_ = std::move(needing_rebuild);
  return okStatus();
}

void Notifier::sendDue(const NotificationSettings& settings) {
  const auto now = clock_.now();
  for (auto& [kind, q] : queues_) {
    if (q.lines.empty() || !settings.enabled.at(kind)) {
      q.lines.clear();
      q.more = 0;
      continue;
    }
    if (q.last_sent && now - *q.last_sent < kPerKind) continue;  // batched into the next mail
    std::string text = "Instance " + instance_id_ + ": " + subjectOf(kind) + ".\n\n";
    for (const auto& line : q.lines) text += "- " + line + "\n";
    if (q.more > 0) text += "- and " + std::to_string(q.more) + " more\n";
    text +=
        "\nThis mail is sent at most once every 15 minutes for each kind of event; the instance's "
        "notification settings switch each kind on or off.\n";
    const std::string subject = "[" + instance_id_ + "] " + subjectOf(kind) + " (" +
                                std::to_string(q.lines.size() + q.more) + ")";
    auto sent = send_(subject, text);
    if (!sent && sent.error().code == ErrorCode::kNotFound) {  // no SMTP settings: nothing to keep
      q.lines.clear();
      q.more = 0;
      continue;
    }
    if (!sent) {
      logger("notify")->warn("notification '{}' not sent (tried again in {} seconds): {}", subject, sweep_.count(),
                             sent.error().message);
      continue;
    }
    q.lines.clear();
    q.more = 0;
    q.last_sent = now;
  }
}

void Notifier::sweep() {
  std::lock_guard lock(mutex_);
  auto settings = loadNotificationSettings(db_);
  if (!settings) return;
  const std::int64_t now =
      std::chrono::duration_cast<std::chrono::seconds>(clock_.systemNow().time_since_epoch()).count();
  auto checked = db_.setting(kCheckedUntilKey, Json());
  std::int64_t from = checked && checked->is_number_integer() ? checked->get<std::int64_t>() : now - sweep_.count();
  if (from > now) from = now;
  if (first_look_) {  // stores already in error are reported once
    stores_in_error_.clear();
    stores_needing_rebuild_.clear();
  }
  if (auto looked = look(from, now, *settings); !looked) {
    logger("notify")->warn("notifications: could not look at what happened: {}", looked.error().message);
    return;  // the same span again next time
  }
  first_look_ = false;
  if (auto saved = db_.setSetting(kCheckedUntilKey, Json(now)); !saved) {
    logger("notify")->warn("notifications: the time of the last look was not kept: {}", saved.error().message);
  }
  sendDue(*settings);
}

}  // namespace spe::instance
