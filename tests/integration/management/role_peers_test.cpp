// The Management Server's role port (8471) with real TLS and real
// certificates: a paired peer's role comes from its pairing (the thumbprint
// of its certificate), never from what its heartbeat claims. A CAS claiming
// to be an Instance Host does not get the hosts' answer (instances, the CAS
// thumbprints), and a host claiming to be a CAS does not get the routing
// table.
#include <gtest/gtest.h>

#include <thread>

#include "common/base/logging.h"
#include "common/db/firebird_db.h"
#include "common/net/tls.h"
#include "common/rpc/rpc.h"
#include "management/management_server.h"
#include "test_dir.h"

namespace spe::management {
namespace {

class RolePortTest : public ::testing::Test {
 protected:
  void SetUp() override {
    initLogging("test", "warn");
    host_ = loadOrCreateIdentity(dir_ / "host-tls", "host1").value();
    cas_ = loadOrCreateIdentity(dir_ / "cas-tls", "cas1").value();
    ManagementConfig cfg;
    cfg.data_directory = dir_ / "management";
    cfg.listen_address = "127.0.0.1";
    cfg.api_port = 0;
    cfg.console_port = 0;
    cfg.role_port = 0;
    cfg.api_enabled = false;
    cfg.log_level = "warn";
    {
      // Paired offline, as `spe-management pair` does while the server is stopped.
      std::filesystem::create_directories(cfg.data_directory);
      ASSERT_TRUE(setFirebirdLockDirectory(cfg.data_directory + "/.fblock").ok());
      auto db = ManagementDb::open(cfg.data_directory + "/management.fdb");
      ASSERT_TRUE(db.ok()) << db.error().message << " " << db.error().details;
      ASSERT_TRUE(pairOffline(**db, {ServerType::kInstanceHost, "host1", 8472, host_.thumbprint, "/srv/spe"}).ok());
      ASSERT_TRUE(pairOffline(**db, {ServerType::kClientAccessServer, "cas1", 8473, cas_.thumbprint, {}}).ok());
    }
    auto s = ManagementServer::create(cfg, std::string("Initial-Pass-1"));
    ASSERT_TRUE(s.ok()) << s.error().message << " " << s.error().details;
    server_ = std::move(s.value());
    ASSERT_TRUE(server_->start().ok());
    thread_ = std::thread([this] { server_->run(); });
  }
  void TearDown() override {
    if (server_) {
      server_->stop();
      thread_.join();
      server_.reset();
    }
  }

  Result<Json> heartbeat(const TlsIdentity& as, const Json& params) { return call(as, "heartbeat", params); }
  Result<Json> call(const TlsIdentity& as, const std::string& method, const Json& params) {
    auto pins = std::make_shared<ThumbprintPins>();
    pins->add(server_->thumbprint());
    RpcClient client(makeClientContext(&as, pins).value(), "127.0.0.1", server_->rolePort());
    return client.call(method, params, std::chrono::seconds(10));
  }
  static Json claim(const char* type, const char* name) {
    return Json{{"serverType", type}, {"serverName", name}, {"port", 1}};
  }

  testing::TempDir dir_;
  TlsIdentity host_, cas_;
  std::unique_ptr<ManagementServer> server_;
  std::thread thread_;
};

TEST_F(RolePortTest, EachRoleGetsTheAnswerOfItsPairing) {
  auto cas = heartbeat(cas_, claim("clientAccessServer", "cas1"));
  ASSERT_TRUE(cas.ok()) << cas.error().message;
  EXPECT_TRUE(cas->contains("routes")) << cas->dump();
  EXPECT_FALSE(cas->contains("casThumbprints")) << cas->dump();

  auto host = heartbeat(host_, claim("instanceHost", "host1"));
  ASSERT_TRUE(host.ok()) << host.error().message;
  ASSERT_TRUE(host->contains("casThumbprints")) << host->dump();
  EXPECT_EQ((*host)["casThumbprints"], Json::array({cas_.thumbprint}));
  EXPECT_FALSE(host->contains("routes")) << host->dump();

  // Without a claim, the pairing decides.
  auto quiet = heartbeat(cas_, Json{{"serverName", "cas1"}});
  ASSERT_TRUE(quiet.ok()) << quiet.error().message;
  EXPECT_TRUE(quiet->contains("routes")) << quiet->dump();
}

TEST_F(RolePortTest, ACasClaimingToBeAnInstanceHostIsRefused) {
  auto r = heartbeat(cas_, claim("instanceHost", "host1"));
  ASSERT_FALSE(r.ok()) << r->dump();
  EXPECT_EQ(r.error().code, ErrorCode::kPermissionDenied);
  EXPECT_NE(r.error().message.find("paired as clientAccessServer"), std::string::npos) << r.error().message;
  // The refusal changes nothing: the CAS still gets its own answer.
  auto again = heartbeat(cas_, claim("clientAccessServer", "cas1"));
  ASSERT_TRUE(again.ok()) << again.error().message;
  EXPECT_TRUE(again->contains("routes")) << again->dump();
  EXPECT_FALSE(again->contains("casThumbprints"));
}

TEST_F(RolePortTest, AnInstanceHostClaimingToBeACasGetsNoRoutingTable) {
  for (const Json& params : {claim("clientAccessServer", "cas1"), claim("managementServer", "x"),
                             Json{{"serverType", 7}, {"serverName", "host1"}}}) {
    auto r = heartbeat(host_, params);
    ASSERT_FALSE(r.ok()) << params.dump() << " -> " << r->dump();
    EXPECT_EQ(r.error().code, ErrorCode::kPermissionDenied) << params.dump();
    EXPECT_NE(r.error().message.find("paired as instanceHost"), std::string::npos) << r.error().message;
  }
}

// A CAS asks for a name its table lacks ("routes.lookup"); nothing else may.
TEST_F(RolePortTest, OnlyACasMayAskForARoute) {
  auto unknown = call(cas_, "routes.lookup", Json{{"name", "nobody"}});
  ASSERT_TRUE(unknown.ok()) << unknown.error().message;
  EXPECT_EQ(*unknown, (Json{{"known", false}}));
  auto bad = call(cas_, "routes.lookup", Json{{"name", 7}});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, ErrorCode::kInvalidArgument);
  auto host = call(host_, "routes.lookup", Json{{"name", "nobody"}});
  ASSERT_FALSE(host.ok());
  EXPECT_EQ(host.error().code, ErrorCode::kPermissionDenied);
}

// Heartbeat answers carry the table's order, so that a CAS can tell an
// answer built before a pushed change from one built after it.
TEST_F(RolePortTest, TheRoutingTableCarriesItsOrder) {
  auto cas = heartbeat(cas_, claim("clientAccessServer", "cas1"));
  ASSERT_TRUE(cas.ok()) << cas.error().message;
  ASSERT_TRUE(cas->contains("routesOrder")) << cas->dump();
  EXPECT_TRUE((*cas)["routesOrder"]["epoch"].is_number_integer());
  EXPECT_TRUE((*cas)["routesOrder"]["seq"].is_number_integer());
  EXPECT_EQ((*cas)["routes"]["hosts"][0]["serverName"], "host1");
}

}  // namespace
}  // namespace spe::management
