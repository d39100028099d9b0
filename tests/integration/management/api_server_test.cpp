// The Management API served in-process on a free port, driven over real TLS
// by ApiClient: long-running calls, get-status long polling, cancel-async,
// tokens, authentication and the API password seam.
#include <gtest/gtest.h>

#include <atomic>
#include <cmath>
#include <thread>
#include <vector>

#include "common/base/logging.h"
#include "common/base/password.h"
#include "management/api/function_descriptions.h"
#include "management/cli/api_client.h"
#include "management/management_server.h"
#include "test_dir.h"

namespace spe::management {
namespace {

constexpr const char* kPassword = "Initial-Pass-1";

class ApiServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ManagementConfig cfg;
    cfg.data_directory = dir_ / "management";
    cfg.listen_address = "127.0.0.1";
    cfg.api_port = 0;
    cfg.console_port = 0;
    cfg.role_port = 0;
    cfg.log_level = "warn";
    initLogging("test", "warn");
    auto s = ManagementServer::create(cfg, std::string(kPassword));
    ASSERT_TRUE(s.ok()) << s.error().message << " " << s.error().details;
    server_ = std::move(s.value());
    // A long-running function registered by the test: 40 steps of 50 ms,
    // cooperative cancellation.
    server_->registry().add({"TestLongRunning",
                             {{"steps", ArgType::kNumber, true}},
                             [this](CallContext& c) -> Result<Json> {
                               const auto steps = c.args.num("steps", 40);
                               for (std::int64_t i = 0; i < steps; ++i) {
                                 if (c.progress.cancelled()) {
                                   cancelled_seen_ = true;
                                   return makeError(ErrorCode::kCancelled, "The operation was cancelled.");
                                 }
                                 c.progress.update(static_cast<int>(i * 100 / steps), "step " + std::to_string(i + 1));
                                 std::this_thread::sleep_for(std::chrono::milliseconds(50));
                               }
                               c.progress.log("all steps done");
                               return Json{{"steps", steps}};
                             },
                             true});
    ASSERT_TRUE(server_->start().ok());
    thread_ = std::thread([this] { server_->run(); });
  }
  void TearDown() override {
    server_->stop();
    thread_.join();
    server_.reset();
  }
  ApiClient client(const std::string& user = "admin", const std::string& password = kPassword) {
    ApiClientOptions o;
    o.port = server_->apiPort();
    o.user = user;
    o.password = password;
    o.thumbprint = server_->thumbprint();
    return ApiClient(o);
  }

  testing::TempDir dir_;
  std::unique_ptr<ManagementServer> server_;
  std::thread thread_;
  std::atomic<bool> cancelled_seen_{false};
};

TEST_F(ApiServerTest, LongRunningCallIsFollowedWithGetStatus) {
  auto c = client();
  auto start = c.post("/api/invoke/TestLongRunning", {{"steps", "10"}});
  ASSERT_TRUE(start.ok());
  ASSERT_EQ(start->status, 200);
  EXPECT_EQ(start->body.substr(0, 3), "\xEF\xBB\xBF");
  ASSERT_EQ(start->json["statusCode"], "running");
  const std::string token = start->json["token"];
  ASSERT_FALSE(token.empty());
  std::int64_t version = start->json["statusVersion"];
  int polls = 0;
  Json env = start->json;
  while (env["statusCode"] == "running") {
    auto st = c.post(
        "/api/get-status",
        {{"token", token}, {"lastKnownStatusVersion", std::to_string(version)}, {"millisecondsTimeout", "5000"}});
    ASSERT_TRUE(st.ok());
    ASSERT_EQ(st->status, 200);
    env = st->json;
    EXPECT_GT(env["statusVersion"].get<std::int64_t>(), version) << "long poll returned without a change";
    version = env["statusVersion"];
    ++polls;
  }
  EXPECT_GE(polls, 2);
  EXPECT_EQ(env["statusCode"], "succeeded");
  EXPECT_EQ(env["result"]["steps"], 10);
  EXPECT_EQ(env["percentProgress"], 100);
  EXPECT_EQ(env["logOutput"], "all steps done\n");
  EXPECT_EQ(env["token"], token);
}

TEST_F(ApiServerTest, GetStatusWaitsAtMostTheTimeout) {
  auto c = client();
  auto start = c.post("/api/invoke/TestLongRunning", {{"steps", "100"}});
  ASSERT_EQ(start->json["statusCode"], "running");
  // Ask with a version far ahead: nothing will "change" to it, so the
  // server answers after the timeout with the current status.
  const auto t0 = std::chrono::steady_clock::now();
  auto st = c.post("/api/get-status",
                   {{"token", start->json["token"]}, {"lastKnownStatusVersion", "-5"}, {"millisecondsTimeout", "300"}});
  ASSERT_TRUE(st.ok());
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::milliseconds(250));  // differs at once
  EXPECT_EQ(c.post("/api/cancel-async", {{"token", start->json["token"]}})->status, 200);
}

TEST_F(ApiServerTest, CancelAsyncStopsTheCall) {
  auto c = client();
  auto start = c.post("/api/invoke/TestLongRunning", {{"steps", "200"}});
  ASSERT_EQ(start->json["statusCode"], "running");
  const std::string token = start->json["token"];
  auto cancel = c.post("/api/cancel-async", {{"token", token}});
  ASSERT_TRUE(cancel.ok());
  EXPECT_EQ(cancel->status, 200);
  Json env = cancel->json;
  for (int i = 0; i < 50 && env["statusCode"] == "running"; ++i) {
    env = c.post("/api/get-status", {{"token", token},
                                     {"lastKnownStatusVersion", std::to_string(env["statusVersion"].get<int>())},
                                     {"millisecondsTimeout", "2000"}})
              ->json;
  }
  EXPECT_EQ(env["statusCode"], "failed");
  EXPECT_EQ(env["error"]["message"], "The operation was cancelled.");
  EXPECT_TRUE(cancelled_seen_);
}

TEST_F(ApiServerTest, UnknownTokenIs404AndTokensArePerAdministrator) {
  auto c = client();
  auto st = c.post("/api/get-status",
                   {{"token", "nope"}, {"lastKnownStatusVersion", "1"}, {"millisecondsTimeout", "10"}});
  EXPECT_EQ(st->status, 404);
  EXPECT_EQ(c.post("/api/cancel-async", {{"token", "nope"}})->status, 404);
  EXPECT_EQ(c.post("/api//get-status", {{"token", "nope"}})->status, 404);

  ASSERT_EQ(
      c.invoke("CreateSystemAdministrator", {{"config", R"({"userName":"other"})"}, {"password", "Other-Pass-12"}})
          ->value("statusCode", ""),
      "succeeded");
  auto start = c.post("/api/invoke/TestLongRunning", {{"steps", "20"}});
  auto other = client("other", "Other-Pass-12");
  EXPECT_EQ(other
                .post("/api/get-status",
                      {{"token", start->json["token"]}, {"lastKnownStatusVersion", "1"}, {"millisecondsTimeout", "10"}})
                ->status,
            404);
}

TEST_F(ApiServerTest, FastLongRunningCallAnswersAtOnce) {
  auto r = client().post("/api/invoke/TestLongRunning", {{"steps", "1"}});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->json["statusCode"], "succeeded");
  EXPECT_EQ(r->json["result"]["steps"], 1);
}

TEST_F(ApiServerTest, ApiPasswordWorksAndOldOneIsReplaced) {
  auto c = client();
  auto first = c.invoke("CreateSystemAdministratorAPIPassword", {});
  ASSERT_TRUE(first.ok());
  const std::string api1 = (*first)["result"];
  EXPECT_GE(api1.size(), 32u);
  EXPECT_EQ(client("admin", api1).invoke("Ping", {})->value("statusCode", ""), "succeeded");
  auto second = client("admin", api1).invoke("CreateSystemAdministratorAPIPassword", {});
  const std::string api2 = (*second)["result"];
  EXPECT_NE(api1, api2);
  auto old = client("admin", api1).post("/api/invoke/Ping", {});
  EXPECT_EQ(old->status, 401);
  EXPECT_EQ(client("admin", api2).post("/api/invoke/Ping", {})->status, 200);
  EXPECT_EQ(client("admin", kPassword).post("/api/invoke/Ping", {})->status, 200);
}

TEST_F(ApiServerTest, MfaEnabledAdministratorMayUseOnlyTheApiPassword) {
  auto created = client().invoke("CreateSystemAdministratorAPIPassword", {});
  ASSERT_TRUE(created.ok());
  std::string api_password = (*created)["result"];
  // Pending (set-up not finished): either password still works on the API.
  ASSERT_TRUE(client().invoke("InitializeSystemAdministratorMFA", {{"userName", "admin"}}).ok());
  EXPECT_EQ(client("admin", kPassword).post("/api/invoke/Ping", {})->status, 200);
  auto admins = client("admin", api_password).invoke("GetSystemAdministrators", {});
  EXPECT_EQ((*admins)["result"][0]["mfaStatus"], "Pending");
  // Active (as after the console's set-up step): only the API password; the
  // right account password is refused with a message saying why.
  ASSERT_TRUE(server_->db().setAdminMfaStep("admin", "Active", 1).ok());
  // A new API password (which also clears the credential cache the direct change above bypassed).
  auto renewed = client("admin", api_password).invoke("CreateSystemAdministratorAPIPassword", {});
  ASSERT_TRUE(renewed.ok());
  EXPECT_EQ(client("admin", api_password).post("/api/invoke/Ping", {})->status, 401);  // replaced
  api_password = (*renewed)["result"];
  auto refused = client("admin", kPassword).post("/api/invoke/Ping", {});
  EXPECT_EQ(refused->status, 401);
  EXPECT_NE(refused->body.find("accepts only the API password"), std::string::npos) << refused->body;
  auto wrong = client("admin", "Wrong-Pass-123").post("/api/invoke/Ping", {});
  EXPECT_EQ(wrong->status, 401);
  EXPECT_EQ(wrong->body.find("API password"), std::string::npos) << "a wrong password must not learn about MFA";
  EXPECT_EQ(client("admin", api_password).post("/api/invoke/Ping", {})->status, 200);
  admins = client("admin", api_password).invoke("GetSystemAdministrators", {});
  EXPECT_EQ((*admins)["result"][0]["mfaStatus"], "Active");
  auto info = client("admin", api_password).invoke("GetSystemAdministratorLoginInfo", {});
  ASSERT_TRUE(info.ok());
  EXPECT_EQ((*info)["result"][0]["mfaStatus"], "Active");
  EXPECT_EQ((*info)["result"][0]["hasApiPassword"], true);
  EXPECT_EQ((*info)["result"][0]["apiPasswordCreated"].get<std::string>().size(), 20u);  // 2026-01-01T00:00:00Z
  // Deactivated: the account password works again; the secret is gone.
  ASSERT_TRUE(client("admin", api_password).invoke("DeactivateSystemAdministratorMFA", {{"userName", "admin"}}).ok());
  EXPECT_EQ(client("admin", kPassword).post("/api/invoke/Ping", {})->status, 200);
  auto admin = server_->db().admin("admin");
  ASSERT_TRUE(admin.ok() && admin->has_value());
  EXPECT_EQ((*admin)->mfa_status, "Disabled");
  EXPECT_TRUE((*admin)->mfa_secret.empty());
}

TEST_F(ApiServerTest, InstanceScopedFunctionsNeedArchiveAdminAccess) {
  auto handler = [](CallContext&) -> Result<Json> { return Json("done"); };
  server_->registry().add(
      {"TestInstanceFunction", {{"instanceID", ArgType::kString}}, handler, false, Scope::kInstance});
  server_->registry().add(
      {"TestStoreFunction", {{"instanceID", ArgType::kString}}, handler, false, Scope::kInstanceStoreOrIndex});
  InstanceRecord r;
  r.instance_id = "cust1";
  r.instance_host = "h";
  r.base_directory = "/x";
  r.archive_admin_enabled = true;
  ASSERT_TRUE(server_->db().insertInstance(r).ok());
  auto c = client();
  EXPECT_EQ(c.invoke("TestInstanceFunction", {{"instanceID", "cust1"}})->value("statusCode", ""), "succeeded");
  r.archive_admin_enabled = false;
  ASSERT_TRUE(server_->db().updateInstance(r).ok());
  auto denied = c.invoke("TestInstanceFunction", {{"instanceID", "cust1"}});
  EXPECT_EQ(denied->value("statusCode", ""), "failed");
  EXPECT_NE((*denied)["error"]["message"].get<std::string>().find("archive admin access) is disabled"),
            std::string::npos);
  // store and index functions stay available
  EXPECT_EQ(c.invoke("TestStoreFunction", {{"instanceID", "cust1"}})->value("statusCode", ""), "succeeded");
  auto unknown = c.invoke("TestInstanceFunction", {{"instanceID", "nope"}});
  EXPECT_NE((*unknown)["error"]["message"].get<std::string>().find("no instance 'nope'"), std::string::npos);
}

TEST_F(ApiServerTest, MetadataListsTheRegisteredTestFunction) {
  auto r = client().post("/api/get-metadata", {});
  ASSERT_TRUE(r.ok());
  bool found = false;
  for (const auto& f : r->json) found = found || f["name"] == "TestLongRunning";
  EXPECT_TRUE(found);
}

TEST_F(ApiServerTest, PasswordChangeInvalidatesCachedCredentials) {
  auto c = client();
  EXPECT_EQ(c.post("/api/invoke/Ping", {})->status, 200);
  ASSERT_EQ(c.invoke("SetSystemAdministratorPassword", {{"userName", "admin"}, {"password", "Changed-Pass-2"}})
                ->value("statusCode", ""),
            "succeeded");
  EXPECT_EQ(client().post("/api/invoke/Ping", {})->status, 401);
  EXPECT_EQ(client("admin", "Changed-Pass-2").post("/api/invoke/Ping", {})->status, 200);
}

// Item 2 of issue 15: an unknown name costs the same Argon2id work as a
// known one (counted, not timed: robust on a loaded machine).
TEST_F(ApiServerTest, UnknownAdministratorCostsTheSameVerificationsAsAKnownOne) {
  const auto before = passwordHashStats();
  EXPECT_EQ(client("nosuch-admin", "Wrong-Pass-1").post("/api/invoke/Ping", {})->status, 401);
  const auto unknown = passwordHashStats();
  EXPECT_EQ(unknown.verifications - before.verifications, 2);
  EXPECT_EQ(unknown.dummy_verifications - before.dummy_verifications, 2);
  EXPECT_EQ(client("admin", "Wrong-Pass-1").post("/api/invoke/Ping", {})->status, 401);
  const auto known = passwordHashStats();
  EXPECT_EQ(known.verifications - unknown.verifications, 2);  // the API password (none: dummy) and the password
  EXPECT_EQ(known.dummy_verifications - unknown.dummy_verifications, 1);
  // Names no administrator can have fail at once, like a wrong password.
  EXPECT_EQ(client(std::string(300, 'a'), "Wrong-Pass-1").post("/api/invoke/Ping", {})->status, 401);
  EXPECT_EQ(client("bad\xff\xfename", "Wrong-Pass-1").post("/api/invoke/Ping", {})->status, 401);
  EXPECT_EQ(passwordHashStats().verifications, known.verifications);
}

// Item 1: parallel guesses for one administrator are checked one by one and
// run into the lock instead of all being hashed; at most a few hashes run at
// once; the right password works again once the attacker stops.
TEST_F(ApiServerTest, ParallelWrongLoginsAreNotAllHashed) {
  const auto before = passwordHashStats();
  std::vector<std::thread> threads;
  std::atomic<int> unauthorized{0}, throttled{0};
  const auto started = std::chrono::steady_clock::now();
  for (int i = 0; i < 20; ++i) {
    threads.emplace_back([&, i] {
      auto r = client("admin", "Wrong-Pass-" + std::to_string(i)).post("/api/invoke/Ping", {});
      if (r && r->status == 401) ++unauthorized;
      if (r && r->body.find("Too many failed logins") != std::string::npos) ++throttled;
    });
  }
  for (auto& t : threads) t.join();
  const double burst = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  const auto after = passwordHashStats();
  EXPECT_EQ(unauthorized.load(), 20);
  EXPECT_GE(throttled.load(), 10);
  // Each checked attempt costs two verifications. Checked: the 5 free failures, the one that locks
  // the name for 1 s, and one more each time a lock (1, 2, 4 ... s) ran out while the burst arrived.
  const int most_checks = 6 + static_cast<int>(std::log2(burst + 1));
  EXPECT_LE(after.verifications - before.verifications, 2 * most_checks) << burst << " s";
  EXPECT_LE(after.peak_running, kMaxConcurrentHashes);
  // The real administrator: refused while the name is locked, then let in (the lock is at most 60 s).
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(90);
  int status = 0;
  while (std::chrono::steady_clock::now() < deadline) {
    status = client().post("/api/invoke/Ping", {})->status;
    if (status == 200) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
  }
  EXPECT_EQ(status, 200);
}

}  // namespace
}  // namespace spe::management

namespace spe::management {
namespace {

// Every function the Management Server registers explains itself in
// get-metadata ("description"), and the long-running ones say so.
TEST_F(ApiServerTest, EveryFunctionHasItsDescriptionInGetMetadata) {
  EXPECT_TRUE(functionDescriptionsSorted());
  const Json metadata = server_->registry().metadata();
  ASSERT_GT(metadata.size(), 80u);
  for (const auto& entry : metadata) {
    const std::string name = entry.value("name", "");
    if (name == "TestLongRunning") {  // the fixture's own
      EXPECT_EQ(entry.value("longRunning", false), true);
      continue;
    }
    EXPECT_FALSE(entry.value("description", "").empty()) << name << " has no line in function_descriptions.cpp";
  }
  const auto verify = std::find_if(metadata.begin(), metadata.end(),
                                   [](const Json& e) { return e["name"] == "VerifyStore"; });
  ASSERT_NE(verify, metadata.end());
  EXPECT_EQ(verify->value("longRunning", false), true);
}

}  // namespace
}  // namespace spe::management
