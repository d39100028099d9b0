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

Result<Json> inspect(InstanceControl& control, const std::string& host, const std::string& directory,
                     const std::string& probe, bool write_probe) {
  auto r = control.hostCall(host, "move.inspect",
                            Json{{"directory", directory}, {"probe", probe}, {"writeProbe", write_probe}},
                            kInspectTimeout);
  if (r || r.error().code != ErrorCode::kNotSupported) return r;
  return makeError(ErrorCode::kNotSupported,
                   "The Instance Host '" + host + "' cannot move instances (update it to this version).");
}

std::string where(const InstanceRecord& r) { return r.base_directory + " on " + r.instance_host; }

}  // namespace

Result<MovedData> moveInstanceData(ManagementContext& ctx, InstanceControl& control, const InstanceRecord& from,
                                   const InstanceRecord& to, Progress& progress) {
  MovedData moved;
  moved.token = randomHex(32);
  moved.old_host = from.instance_host;
  auto source = inspect(control, from.instance_host, from.base_directory, moved.token, true);
  if (!source) return source.error();
  auto target = inspect(control, to.instance_host, to.base_directory, moved.token, false);
  if (!target) {
    release(control, moved);
    return target.error();
  }
  auto refuse = [&](Error e) {
    release(control, moved);  // removes the probe
    return e;
  };
  const bool same_place = from.instance_host == to.instance_host &&
                          source->value("directory", "") == target->value("directory", "");
  if (same_place || !source->value("hasData", false)) {
    release(control, moved);
    moved.token.clear();
    moved.summary = same_place ? "The data stays where it is." : "The instance has no data yet: nothing to move.";
    return moved;
  }
  // One place inside the other: a copy would land in what is removed after it (or the reverse).
  const std::string a = source->value("directory", ""), b = target->value("directory", "");
  if (!a.empty() && !b.empty() &&
      (b.compare(0, a.size() + 1, a + "/") == 0 || a.compare(0, b.size() + 1, b + "/") == 0)) {
    return refuse(makeError(ErrorCode::kInvalidArgument, "The new base directory " + b + " and the old one " + a +
                                                             " lie one inside the other. Nothing was changed."));
  }
  // Both hosts see the same directory (a shared file system): only the key travels.
  const bool key_only = target->value("probeSeen", false);
  if (!key_only && target->value("hasData", false)) {
    const bool same_instance = !source->value("dataId", Json()).is_null() &&
                               target->value("dataId", Json()) == source->value("dataId", Json());
    return refuse(makeError(ErrorCode::kAlreadyExists,
                            where(to) +
                                (same_instance ? " holds an older copy of this instance (remove it first)"
                                               : " holds the data of another instance") +
                                ". Nothing was changed."));
  }
  if (!key_only && target->value("exists", false) && !target->value("empty", true)) {
    return refuse(makeError(ErrorCode::kAlreadyExists, where(to) + " is not empty. Nothing was changed."));
  }
  auto new_host = hostRecord(ctx.db, to.instance_host);
  if (!new_host) return refuse(new_host.error());
  progress.update(0, key_only ? "Handing the instance key to " + to.instance_host
                              : "Copying the data from " + from.instance_host + " to " + to.instance_host);
  auto offered = control.hostCall(from.instance_host, "move.offer",
                                  Json{{"instanceID", from.instance_id},
                                       {"directory", from.base_directory},
                                       {"peerThumbprint", new_host->thumbprint},
                                       {"token", moved.token},
                                       {"keyOnly", key_only}},
                                  kInspectTimeout);
  if (!offered) return refuse(offered.error());
  auto old_host = hostRecord(ctx.db, from.instance_host);
  if (!old_host) return refuse(old_host.error());
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
    release(control, moved);  // the instance may start on the old host again
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

void release(InstanceControl& control, const MovedData& moved) {
  auto r = control.hostCall(moved.old_host, "move.release", Json{{"token", moved.token}}, kInspectTimeout);
  if (!r) {
    logger("instances")
        ->warn("the move offer on {} was not released ({}); it ends by itself within an hour", moved.old_host,
               r.error().message);
  }
}

std::optional<std::string> finishMove(InstanceControl& control, const MovedData& moved) {
  if (!moved.copied) {
    if (!moved.token.empty()) release(control, moved);
    return std::nullopt;
  }
  auto r = control.hostCall(moved.old_host, "move.discard", Json{{"token", moved.token}}, std::chrono::minutes(30));
  if (r) return std::nullopt;
  const std::string text = "The old copy on " + moved.old_host + " was not removed: " + r.error().message;
  logger("instances")->warn("{}", text);
  return text;
}

}  // namespace spe::management
