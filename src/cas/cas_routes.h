// CasRoutes: the CAS's routing table: which Instance Host (name, role port,
// pinned thumbprint) runs which instance, found by ID or alias
// (case-insensitive). Connections to hosts are mutual TLS with the CAS's
// identity.
//
// The table comes from the Management Server three ways, all applied by
// apply(): pushed on every change ("routes.apply" on the role port), in
// heartbeat answers when the CAS's version differs, and as the answer to a
// question. A table carries its order {epoch, seq}; one older than the table
// applied (same epoch, lower seq) is ignored, so a heartbeat answer built
// before a change cannot undo the push that announced the change.
//
// resolve() is find() for a request: a name the table lacks is asked about
// once ("routes.lookup" on 8471, through the questioner set with
// setQuestioner()) before it is refused, so an instance is reachable even
// when a push missed this CAS. Questions are bounded so that a flood of
// unknown names is no flood of questions (RouteQuestionLimits): requests for
// a name already being asked about wait for that answer; a name the
// Management Server did not know is refused without asking for a while;
// beyond the questions allowed at a time and per second, names are refused
// without asking.
// Thread safety: internally locked; resolve() from any coroutine.
#pragma once

#include <chrono>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "common/base/clock.h"
#include "common/base/json_reader.h"
#include "common/net/asio.h"
#include "common/net/tls.h"

namespace spe::cas {

struct InstanceRoute {
  std::string instance_id;
  std::string host;
  std::uint16_t port = 0;
  std::string thumbprint;
  SslContextPtr context;  // pinned to the host's thumbprint
};

struct RouteQuestionLimits {
  // Questions waiting for the Management Server at a time.
  std::size_t in_flight = 4;
  // Questions started per second, on average (a bucket of as many).
  double per_second = 10;
  // A name the Management Server did not know (or could not be asked
  // about) is refused without asking for this long, unless a new table
  // arrives first.
  std::chrono::seconds remember_unknown{10};
  // Names remembered as unknown; when full, the oldest is forgotten.
  std::size_t unknown_names = 4096;
};

class CasRoutes {
 public:
  explicit CasRoutes(const TlsIdentity& identity, const Clock& clock = systemClock())
      : identity_(identity), clock_(clock) {}

  // Applies {routes:{instances, hosts}, routesVersion, routesOrder?};
  // ignores other answers and tables older than the one applied. Returns
  // whether the table was applied.
  bool apply(const Json& answer);
  // Applies a delta {routesDelta: [{instanceID, alias, host} | {instanceID,
  // removed: true}], fromOrder, routesOrder, routesVersion} (the Management
  // Server's push of one change) when the table is at fromOrder. Returns
  // false when the table is neither at fromOrder nor newer than routesOrder:
  // then it needs the whole table.
  bool applyDelta(const Json& delta);
  std::string version() const;
  // Names (instance IDs and aliases) and hosts in the table, for the metrics.
  std::size_t nameCount() const;
  std::size_t hostCount() const;
  // The route to an instance by ID or alias; nullopt when unknown.
  std::optional<InstanceRoute> find(const std::string& instance) const;

  // Asks the Management Server about `name` (blocking; it runs on `pool`):
  // its answer is {known: false} or, when it knows the name, a table for
  // apply(). Before the first resolve(); `pool` must outlive this object's use.
  using Questioner = std::function<Result<Json>(const std::string& name)>;
  void setQuestioner(asio::thread_pool& pool, Questioner ask, RouteQuestionLimits limits = {});

  // find(), and for a name the table lacks, the answer to one question (see
  // above); nullopt when the name is unknown or was not asked about. Resumes
  // the awaiting coroutine on its own executor. Not itself a coroutine.
  asio::awaitable<std::optional<InstanceRoute>> resolve(std::string instance);

  // Questions asked and names refused without asking, since start (for tests and logs).
  std::size_t questionsAsked() const;
  std::size_t refusedWithoutAsking() const;

 private:
  using Deliver = std::function<void(std::optional<InstanceRoute>)>;
  struct Host {
    std::uint16_t port = 0;
    std::string thumbprint;
    SslContextPtr context;
  };
  std::optional<InstanceRoute> findLocked(const std::string& lower) const;
  void startResolve(const std::string& name, Deliver deliver);
  void answered(const std::string& key, const Result<Json>& answer);
  bool takeToken();  // with mutex_ held
  // Sets (or with an empty host, removes) the route of one instance, with mutex_ held.
  void setRouteLocked(const std::string& id, const std::string& alias, const std::string& host);
  void rememberUnknown(const std::string& key);

  const TlsIdentity& identity_;
  const Clock& clock_;
  mutable std::mutex mutex_;
  std::string version_;
  std::int64_t order_epoch_ = -1, order_seq_ = -1;
  std::map<std::string, std::pair<std::string, std::string>> instances_;  // lower id/alias -> id, host
  std::map<std::string, std::string> aliases_;                            // lower id -> lower alias
  std::map<std::string, Host> hosts_;
  std::map<std::string, SslContextPtr> contexts_;  // by thumbprint

  asio::thread_pool* pool_ = nullptr;
  Questioner ask_;
  RouteQuestionLimits limits_;
  std::map<std::string, std::vector<Deliver>> asking_;  // lower name -> who waits for the answer
  std::map<std::string, Clock::TimePoint> unknown_;     // lower name -> not asked again before
  std::deque<std::string> unknown_order_;               // oldest first
  double tokens_ = 0;
  Clock::TimePoint refilled_{};
  std::size_t asked_ = 0, refused_ = 0;
  Clock::TimePoint refusal_logged_{};
};

}  // namespace spe::cas
