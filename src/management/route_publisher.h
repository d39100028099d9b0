// RoutePublisher: keeps every CAS's routing table current at once, instead
// of a heartbeat interval later.
//
// - table(): {routes:{instances, hosts}, routesVersion, routesOrder}:
//   InstanceControl::routesForCas() plus its order {epoch, seq}: `epoch`
//   names this run of the Management Server, `seq` counts the changes
//   published in it; routesVersion is "<epoch>.<seq>". A CAS ignores a table
//   of the same epoch with a lower seq than the one it has: a heartbeat
//   answer built before a change can arrive after the push that announced
//   it. `seq` is read before the table, so a table is never labelled newer
//   than what it holds. The table of a seq is built once and kept.
// - publish(changes, wait): called after every change of what routes (an
//   instance created, deleted, given another alias or host; a role paired,
//   changed or removed). `changes` are the instances' new routing entries
//   (InstanceCatalog::changed); null when something else changed (the
//   hosts): then only whole tables are sent until the next change. Its own
//   thread sends every paired CAS at once ("routes.apply" on the CAS's role
//   port, 8473) the changes since the seq that CAS was last sent (a delta:
//   {routesDelta, fromOrder, routesOrder, routesVersion}), or the whole table
//   when it was not sent one in this run, a push to it failed, or it answers
//   that it is not at fromOrder. So a change costs the same with 10 or
//   10,000 instances. publish() waits until every CAS has answered or
//   failed, at most `wait`, so that the API call that made the change
//   returns when the CASes route by it. Changes that come while a push runs
//   are sent together by the next one. A CAS the push misses (down,
//   unreachable) gets the table with its next heartbeat answer, and asks for
//   a name it does not know (lookup()) before refusing it.
// - lookup(name): the answer to a CAS asking for a name it has no route for
//   ("routes.lookup" on 8471): the whole table when the name is an instance
//   ID or alias (case-insensitive), else {known: false}.
// Thread safety: every member may be called from any thread.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <string>
#include <thread>

#include "common/base/json_reader.h"
#include "management/instance_control.h"
#include "management/management_db.h"
#include "management/role_peers.h"

namespace spe::management {

class RoutePublisher {
 public:
  RoutePublisher(InstanceControl& instances, ManagementDb& db, RolePeers& peers);
  ~RoutePublisher();  // ends the push thread (a push under way ends first)
  RoutePublisher(const RoutePublisher&) = delete;
  RoutePublisher& operator=(const RoutePublisher&) = delete;

  Json table();
  // routesVersion of the table published last ("<epoch>.<seq>").
  std::string version() const;
  void publish(const Json& changes = Json(), std::chrono::milliseconds wait = std::chrono::seconds(2));
  Json lookup(const std::string& name);

  // Each CAS call's deadline (a CAS that does not answer in time is left to
  // its heartbeat).
  static constexpr std::chrono::seconds kPushTimeout{5};

 private:
  void run();
  void pushToEveryCas(std::int64_t target);
  // What to send a CAS that was last sent `from` to bring it to `target`:
  // a delta, or null when only the whole table will do.
  Json deltaFor(std::int64_t from, std::int64_t target);
  Result<std::int64_t> pushTo(const ServerRecord& cas, std::int64_t target);
  std::string versionOf(std::int64_t seq) const;

  InstanceControl& instances_;
  ManagementDb& db_;
  RolePeers& peers_;
  const std::int64_t epoch_;
  std::atomic<std::int64_t> seq_{0};
  std::mutex mutex_;
  std::condition_variable cv_;
  std::int64_t wanted_ = 0;  // the seq the push thread is asked to reach
  std::int64_t done_ = 0;    // the seq of the last push that ended
  bool stopping_ = false;
  std::map<std::string, bool> reachable_;  // by CAS name: to log each change of state once
  // Under mutex_: each published seq's changes (null: only a whole table),
  // kept while a CAS may need them (kMaxLog at most).
  std::map<std::int64_t, Json> log_;
  static constexpr std::size_t kMaxLog = 4096;
  std::map<std::string, std::int64_t> sent_;  // by CAS name: the seq it was last brought to
  std::mutex table_mutex_;
  std::int64_t table_seq_ = -1;
  Json table_;
  std::thread thread_;
};

}  // namespace spe::management
