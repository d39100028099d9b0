// Multi-factor login of system administrators against the real management
// database (embedded Firebird) and a fake clock: the secret sealed at rest
// with the Management Server's key, the set-up that makes an account Active,
// codes accepted once (also after a restart), the window of ±1 step, a
// changed secret voiding a login under way, and wrong codes counted by the
// same LoginGuard as wrong passwords.
#include "management/admin_mfa.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/base/password.h"
#include "common/base/totp.h"
#include "common/db/firebird_db.h"
#include "fake_clock.h"
#include "management/authenticator.h"
#include "management/management_key.h"
#include "management_db_fixture.h"
#include "test_dir.h"

namespace spe::management {
namespace {

using namespace std::chrono_literals;
constexpr const char* kPassword = "Admin-Pass-123";

class AdminMfaTest : public ManagementDbTest {
 protected:
  void SetUp() override {
    ManagementDbTest::SetUp();
    if (HasFatalFailure()) return;
    auto key = loadOrCreateManagementKey(dir_.str());
    ASSERT_TRUE(key.ok()) << key.error().message;
    key_ = *key;
    for (const char* name : {"admin", "other"}) {
      AdminRecord a;
      a.user_name = name;
      a.password_hash = hashPassword(kPassword).value();
      ASSERT_TRUE(db_->insertAdmin(a).ok());
    }
    mfa_ = std::make_unique<AdminMfa>(*db_, key_, clock_, "SPE test");
  }

  AdminRecord admin(const std::string& name = "admin") { return db_->admin(name).value().value(); }

  // Initializes MFA for `name` and returns the secret's bytes, as the set-up step shows them.
  std::string initialize(const std::string& name = "admin") {
    EXPECT_TRUE(mfa_->initialize(name).ok());
    auto setup = mfa_->setup(admin(name));
    EXPECT_TRUE(setup.ok()) << setup.error().message;
    return base32Decode(setup->secret).value();
  }

  std::string codeNow(const std::string& secret, std::chrono::seconds offset = 0s) {
    return totpCode(secret, totpStep(clock_.systemNow() + offset)).value();
  }

  testing::FakeClock clock_;
  Key256 key_{};
  std::unique_ptr<AdminMfa> mfa_;
};

TEST_F(AdminMfaTest, InitializeMakesAPendingSecretSealedAtRest) {
  EXPECT_EQ(admin().mfa_status, "Disabled");
  EXPECT_EQ(AdminMfa::binding(admin()), "");
  ASSERT_TRUE(mfa_->initialize("admin").ok());
  const AdminRecord a = admin();
  EXPECT_EQ(a.mfa_status, "Pending");
  EXPECT_FALSE(a.mfa_last_step.has_value());
  auto setup = mfa_->setup(a);
  ASSERT_TRUE(setup.ok()) << setup.error().message;
  EXPECT_EQ(setup->secret.size(), 32u);  // 20 bytes in base32
  const std::string secret = base32Decode(setup->secret).value();
  EXPECT_EQ(secret.size(), 20u);
  EXPECT_EQ(setup->uri, otpauthUri("SPE test", "admin", secret));
  EXPECT_EQ(setup->qr_data_url.rfind("data:image/svg+xml;base64,", 0), 0u);
  // At rest: neither the bytes nor the base32 text, in the row or in the file.
  const std::string box = base64Decode(a.mfa_secret).value();
  EXPECT_EQ(box.size(), 20 + kSealOverhead);
  EXPECT_EQ(box.find(secret), std::string::npos);
  EXPECT_EQ(a.mfa_secret.find(setup->secret), std::string::npos);
  db_.reset();
  std::ifstream file(dir_ / "management.fdb", std::ios::binary);
  std::stringstream bytes;
  bytes << file.rdbuf();
  EXPECT_EQ(bytes.str().find(setup->secret), std::string::npos);
  EXPECT_EQ(bytes.str().find(secret), std::string::npos);
}

TEST_F(AdminMfaTest, TheSetUpCodeActivatesAndTheSecretIsNotShownAgain) {
  const std::string secret = initialize();
  const std::string binding = AdminMfa::binding(admin());
  EXPECT_FALSE(binding.empty());
  auto activated = mfa_->verify("admin", codeNow(secret), binding);
  ASSERT_TRUE(activated.ok()) << activated.error().message;
  EXPECT_TRUE(*activated);
  EXPECT_EQ(admin().mfa_status, "Active");
  EXPECT_EQ(admin().mfa_last_step, totpStep(clock_.systemNow()));
  EXPECT_EQ(AdminMfa::binding(admin()), binding);  // activation keeps the logins under way
  EXPECT_FALSE(mfa_->setup(admin()).ok());         // no answer shows the secret once Active
  clock_.advance(30s);
  auto again = mfa_->verify("admin", codeNow(secret), binding);
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(*again);  // Active already
}

TEST_F(AdminMfaTest, ACodeIsAcceptedOnceAlsoAfterARestart) {
  const std::string secret = initialize();
  const std::string binding = AdminMfa::binding(admin());
  const std::string code = codeNow(secret);
  ASSERT_TRUE(mfa_->verify("admin", code, binding).ok());
  auto replay = mfa_->verify("admin", code, binding);
  ASSERT_FALSE(replay.ok());
  EXPECT_EQ(replay.error().code, ErrorCode::kUnauthenticated);
  EXPECT_NE(replay.error().message.find("used already"), std::string::npos);
  // A new process (the step is in the database) refuses it too, while it is still valid by time.
  AdminMfa restarted(*db_, key_, clock_, "SPE test");
  clock_.advance(20s);
  EXPECT_FALSE(restarted.verify("admin", code, binding).ok());
  clock_.advance(15s);  // the next step
  EXPECT_TRUE(restarted.verify("admin", codeNow(secret), binding).ok());
}

TEST_F(AdminMfaTest, CodesOfOneStepEitherSideAreAcceptedNotMore) {
  const std::string secret = initialize();
  const std::string binding = AdminMfa::binding(admin());
  for (auto offset : {-90s, -60s, 60s, 90s}) {
    auto r = mfa_->verify("admin", codeNow(secret, offset), binding);
    ASSERT_FALSE(r.ok()) << offset.count();
    EXPECT_EQ(r.error().message, "Wrong code.");
  }
  EXPECT_EQ(admin().mfa_status, "Pending");  // nothing accepted
  EXPECT_TRUE(mfa_->verify("admin", codeNow(secret, -30s), binding).ok());
  EXPECT_TRUE(mfa_->verify("admin", codeNow(secret, 0s), binding).ok());
  EXPECT_TRUE(mfa_->verify("admin", codeNow(secret, 30s), binding).ok());
  // ... and then none of the window again, the earlier ones included.
  for (auto offset : {-30s, 0s, 30s}) EXPECT_FALSE(mfa_->verify("admin", codeNow(secret, offset), binding).ok());
  for (const char* bad : {"", "12345", "1234567", "abcdef"}) EXPECT_FALSE(mfa_->verify("admin", bad, binding).ok());
}

TEST_F(AdminMfaTest, ANewSecretOrDeactivationVoidsALoginUnderWay) {
  const std::string old_secret = initialize();
  const std::string old_binding = AdminMfa::binding(admin());
  const std::string new_secret = initialize();
  EXPECT_NE(old_secret, new_secret);
  EXPECT_NE(AdminMfa::binding(admin()), old_binding);
  auto r = mfa_->verify("admin", codeNow(new_secret), old_binding);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kPermissionDenied);
  EXPECT_FALSE(mfa_->verify("admin", codeNow(old_secret), AdminMfa::binding(admin())).ok());  // the lost phone's
  const std::string binding = AdminMfa::binding(admin());
  ASSERT_TRUE(mfa_->deactivate("admin").ok());
  EXPECT_EQ(admin().mfa_status, "Disabled");
  EXPECT_TRUE(admin().mfa_secret.empty());
  r = mfa_->verify("admin", codeNow(new_secret), binding);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kPermissionDenied);
  EXPECT_EQ(mfa_->verify("nobody", "123456", "").error().code, ErrorCode::kPermissionDenied);
}

TEST_F(AdminMfaTest, OnlyThisServersKeyOpensTheSecretAndOnlyInItsOwnRow) {
  initialize("admin");
  AdminMfa foreign(*db_, randomKey(), clock_, "SPE test");
  auto setup = foreign.setup(admin());
  ASSERT_FALSE(setup.ok());
  EXPECT_EQ(setup.error().code, ErrorCode::kCorrupt);
  EXPECT_NE(setup.error().message.find("management.key"), std::string::npos);
  // The box copied to another administrator's row does not open there.
  ASSERT_TRUE(db_->setAdminMfa("other", "Pending", admin().mfa_secret, std::nullopt).ok());
  EXPECT_EQ(mfa_->setup(admin("other")).error().code, ErrorCode::kCorrupt);
}

TEST_F(AdminMfaTest, TheKeyFileIsMadeOnceWithMode600AndNeverReplaced) {
  const std::string path = dir_ / "keys/management.key";
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  ASSERT_EQ(::stat((dir_ / "keys").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
  EXPECT_EQ(loadOrCreateManagementKey(dir_.str()).value(), key_);
  {
    std::ofstream damage(path, std::ios::trunc);
    damage << "not a key\n";
  }
  auto damaged = loadOrCreateManagementKey(dir_.str());
  ASSERT_FALSE(damaged.ok());
  EXPECT_EQ(damaged.error().code, ErrorCode::kCorrupt);
  std::ifstream still(path);
  std::string line;
  std::getline(still, line);
  EXPECT_EQ(line, "not a key");  // left for the operator to restore
}

// The second step is limited by the LoginGuard under the administrator's name:
// a right password of an MFA account does not clear the count, so
// alternating password and wrong codes runs into the lock like guessing.
TEST_F(AdminMfaTest, WrongCodesCountLikeWrongPasswords) {
  const std::string secret = initialize();
  const std::string binding = AdminMfa::binding(admin());
  const std::string other_hash = hashPassword("Other-Pass-456").value();
  Authenticator auth(*db_, clock_);
  auto wrong = [&] {
    return auth.checkSecondStep("admin", "192.0.2.1", [&] { return mfa_->verify("admin", "000000", binding); });
  };
  const std::string right = codeNow(secret);
  ASSERT_NE(right, "000000");
  for (int i = 0; i < 3; ++i) EXPECT_EQ(wrong().error().message, "Wrong code.");
  // The password is right, but only the first step: the count stays.
  ASSERT_TRUE(auth.authenticate("admin", kPassword, "192.0.2.1", Authenticator::Purpose::kConsole).ok());
  for (int i = 0; i < 3; ++i) EXPECT_EQ(wrong().error().message, "Wrong code.");  // the 6th failure locks
  std::chrono::seconds retry{0};
  auto locked = auth.checkSecondStep(
      "admin", "192.0.2.1", [&] { return mfa_->verify("admin", right, binding); }, &retry);
  ASSERT_FALSE(locked.ok());
  EXPECT_NE(locked.error().message.find("Too many failed logins"), std::string::npos);
  EXPECT_GE(retry.count(), 1);
  // The password step faces the same lock (a fresh password: the cache does not hold it).
  ASSERT_TRUE(db_->setAdminPassword("admin", other_hash).ok());
  auto password = auth.authenticate("admin", "Other-Pass-456", "192.0.2.1", Authenticator::Purpose::kConsole);
  ASSERT_FALSE(password.ok());
  EXPECT_NE(password.error().message.find("Too many failed logins"), std::string::npos);
  // Another administrator is not affected; and once the lock has passed, the right code gets in.
  EXPECT_TRUE(auth.authenticate("other", kPassword, "192.0.2.2", Authenticator::Purpose::kConsole).ok());
  clock_.advance(retry);
  EXPECT_TRUE(auth.checkSecondStep("admin", "192.0.2.1", [&] { return mfa_->verify("admin", right, binding); }).ok());
}

TEST_F(AdminMfaTest, TheApiTakesOnlyTheApiPasswordOnceActive) {
  Authenticator auth(*db_, clock_);
  ASSERT_TRUE(db_->setAdminApiPassword("admin", hashPassword("Api-Pass-7890").value(), 1767225600).ok());
  const std::string secret = initialize();
  auth.invalidate();
  // Pending: both.
  EXPECT_TRUE(auth.authenticate("admin", kPassword).ok());
  EXPECT_TRUE(auth.authenticate("admin", "Api-Pass-7890").ok());
  ASSERT_TRUE(mfa_->verify("admin", codeNow(secret), AdminMfa::binding(admin())).ok());
  auth.invalidate();
  auto refused = auth.authenticate("admin", kPassword);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().message.find("accepts only the API password"), std::string::npos);
  EXPECT_EQ(auth.authenticate("admin", "Wrong-Pass-000").error().message, "Wrong user name or password.");
  EXPECT_TRUE(auth.authenticate("admin", "Api-Pass-7890").ok());
  // The console takes the password (as its first step), never the API password.
  EXPECT_TRUE(auth.authenticate("admin", kPassword, "", Authenticator::Purpose::kConsole).ok());
  EXPECT_FALSE(auth.authenticate("admin", "Api-Pass-7890", "", Authenticator::Purpose::kConsole).ok());
}

}  // namespace
}  // namespace spe::management
