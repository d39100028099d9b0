#include "management/instance_move.h"

#include "common/base/logging.h"
#include "common/base/password.h"

namespace spe::management {
namespace {

constexpr auto kInspectTimeout = std::chrono::seconds(60);
constexpr auto kPullTimeout = std::chrono::hours(48);

Result<ServerRecord> hostRecord(ManagementDb& db, const std::string& name) {
  auto h = db.server(ServerType::kInstanceHost, name);
  if (!h) return h.error();
  if (!h->has_value()) return makeError(ErrorCode::kNotFound, "There is no Instance Host '" + name + "'.");
  return **h;
}

Result<Json> inspect(InstanceControl& control, const std::string& host, const std::string& directory) {
  auto r = control.hostCall(host, "move.inspect", Json{{"directory", directory}}, kInspectTimeout);
  if (r || r.error().code != ErrorCode::kNotSupported) return r;
  return makeError(ErrorCode::kNotSupported,
                   "The Instance Host '" + host + "' cannot move instances (update it to this version).");
}

std::string where(const InstanceRecord& r) { return r.base_directory + " on " + r.instance_host; }

}  // namespace

Result<MovedData> moveInstanceData(ManagementContext& ctx, InstanceControl& control, const InstanceRecord& from,
                                   const InstanceRecord& to, Progress& progress) {
  MovedData moved;
  auto source = inspect(control, from.instance_host, from.base_directory);
  if (!source) return source.error();
  auto target = inspect(control, to.instance_host, to.base_directory);
  if (!target) return target.error();
  const bool same_place = from.instance_host == to.instance_host &&
                          source->value("directory", "") == target->value("directory", "");
  if (same_place || !source->value("hasData", false)) {
    moved.summary = same_place ? "The data stays where it is." : "The instance has no data yet: nothing to move.";
    return moved;
  }
  const Json source_id = source->value("dataId", Json());
  bool key_only = false;
  if (target->value("hasData", false)) {
    if (source_id.is_null() || target->value("dataId", Json()) != source_id) {
      return makeError(ErrorCode::kAlreadyExists,
                       where(to) + " holds the data of another instance. Nothing was changed.");
    }
    key_only = true;  // the same data: a shared directory, or a copy the operator made
  } else if (target->value("exists", false) && !target->value("empty", true)) {
    return makeError(ErrorCode::kAlreadyExists, where(to) + " is not empty. Nothing was changed.");
  }
  auto new_host = hostRecord(ctx.db, to.instance_host);
  if (!new_host) return new_host.error();
  moved.token = randomHex(32);
  moved.old_host = from.instance_host;
  progress.update(0, key_only ? "Handing the instance key to " + to.instance_host
                              : "Copying the data from " + from.instance_host + " to " + to.instance_host);
  SPE_TRY(control.hostCall(from.instance_host, "move.offer",
                           Json{{"instanceID", from.instance_id},
                                {"directory", from.base_directory},
                                {"peerThumbprint", new_host->thumbprint},
                                {"token", moved.token},
                                {"keyOnly", key_only}},
                           kInspectTimeout));
  auto old_host = hostRecord(ctx.db, from.instance_host);
  if (!old_host) return old_host.error();
  Json from_json = Json::object();
  from_json["serverName"] = old_host->server_name;
  from_json["port"] = old_host->port;
  from_json["thumbprint"] = old_host->thumbprint;
  auto pulled = control.hostCall(to.instance_host, "move.pull",
                                 Json{{"instanceID", to.instance_id},
                                      {"directory", to.base_directory},
                                      {"from", from_json},
                                      {"token", moved.token},
                                      {"keyOnly", key_only}},
                                 kPullTimeout,
                                 [&progress](int percent, const std::string& text) { progress.update(percent, text); });
  if (!pulled) {
    Error e = pulled.error();
    e.message = "Moving the data of '" + from.instance_id + "' from " + where(from) + " to " + where(to) +
                " failed: " + e.message + " Nothing was changed; the data is still at " + where(from) + ".";
    return e;
  }
  moved.copied = !key_only;
  moved.summary = key_only ? "The data was already at " + where(to) + "; the instance key was handed over."
                           : "Copied " + std::to_string(pulled->value("files", 0)) + " files (" +
                                 std::to_string(pulled->value("bytes", 0) >> 20) + " MB) to " + where(to) +
                                 ", each checked.";
  progress.log(moved.summary);
  return moved;
}

std::optional<std::string> finishMove(InstanceControl& control, const MovedData& moved) {
  if (!moved.copied) return std::nullopt;
  auto r = control.hostCall(moved.old_host, "move.discard", Json{{"token", moved.token}}, std::chrono::minutes(30));
  if (r) return std::nullopt;
  const std::string text = "The old copy on " + moved.old_host + " was not removed: " + r.error().message;
  logger("instances")->warn("{}", text);
  return text;
}

}  // namespace spe::management
