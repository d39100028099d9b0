// End users' second factor, trusted devices and app passwords (real
// embedded Firebird, a fake clock): codes pass once and only in their
// window, every MFA or password change forgets trusted devices, app
// passwords are shown once, matched as typed, bounded, and follow renames.
#include "instancehost/instance/model/user_mfa.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <memory>
#include <regex>

#include "common/base/totp.h"
#include "fake_clock.h"
#include "test_dir.h"

namespace spe::instance {
namespace {

class UserMfaTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(setFirebirdLockDirectory("/tmp/spe-fblock-" + std::to_string(::getpid())).ok());
    auto opened = InstanceMasterDb::open(dir / "MailStoreMaster.fdb");
    ASSERT_TRUE(opened.ok()) << opened.error().message << " " << opened.error().details;
    db = std::move(*opened);
    users = std::make_unique<UserDirectory>(*db);
    mfa = std::make_unique<UserMfa>(*db, *users, key, "acme", clock, "Email Archive acme");
    for (const char* name : {"alice", "bob"}) {
      User u;
      u.name = name;
      ASSERT_TRUE(users->create(u).ok()) << name;
    }
  }
  User user(const std::string& name) {
    auto u = users->get(name);
    EXPECT_TRUE(u.ok());
    return u ? *u : User{};
  }
  // The code an authenticator app shows for `base32_secret`, `steps` from now.
  std::string codeFor(const std::string& base32_secret, int steps = 0) {
    auto raw = base32Decode(base32_secret);
    EXPECT_TRUE(raw);
    auto code = totpCode(*raw, totpStep(clock.systemNow()) + steps);
    EXPECT_TRUE(code.ok());
    return code ? *code : std::string();
  }
  std::string setUpPending(const std::string& name) {
    EXPECT_TRUE(mfa->initialize(name).ok());
    auto setup = mfa->pendingSetup(user(name));
    EXPECT_TRUE(setup.ok());
    return setup ? setup->secret : std::string();
  }

  testing::TempDir dir;
  spe::testing::FakeClock clock;
  Key256 key = randomKey();
  std::unique_ptr<InstanceMasterDb> db;
  std::unique_ptr<UserDirectory> users;
  std::unique_ptr<UserMfa> mfa;
};

TEST_F(UserMfaTest, InitializeMakesPendingAndAValidCodeMakesActive) {
  EXPECT_EQ(user("alice").mfa_status, kMfaDisabled);
  const std::string secret = setUpPending("alice");
  ASSERT_EQ(secret.size(), 32u);  // 20 bytes in base32
  const User pending = user("alice");
  EXPECT_EQ(pending.mfa_status, kMfaPending);
  auto setup = mfa->pendingSetup(pending);
  ASSERT_TRUE(setup.ok());
  EXPECT_NE(setup->uri.find("otpauth://totp/"), std::string::npos);
  EXPECT_EQ(setup->qr_code.rfind("data:image/svg+xml;base64,", 0), 0u);
  auto wrong = mfa->verify("alice", "000000", pending.mfa_epoch);
  if (codeFor(secret) != "000000") {
    EXPECT_EQ(wrong.error().code, ErrorCode::kUnauthenticated);
  }
  ASSERT_TRUE(mfa->verify("alice", codeFor(secret), pending.mfa_epoch).ok());
  EXPECT_EQ(user("alice").mfa_status, kMfaActive);
  EXPECT_FALSE(mfa->pendingSetup(user("alice")).ok()) << "the secret is not shown once Active";
}

TEST_F(UserMfaTest, ACodePassesOnceAndOnlyWithinOneStepEitherSide) {
  const std::string secret = setUpPending("alice");
  const std::int64_t epoch = user("alice").mfa_epoch;
  EXPECT_FALSE(mfa->verify("alice", codeFor(secret, 2), epoch).ok());
  EXPECT_FALSE(mfa->verify("alice", codeFor(secret, -2), epoch).ok());
  ASSERT_TRUE(mfa->verify("alice", codeFor(secret, -1), epoch).ok());
  auto replay = mfa->verify("alice", codeFor(secret, -1), epoch);
  ASSERT_FALSE(replay.ok());
  EXPECT_NE(replay.error().message.find("used already"), std::string::npos);
  ASSERT_TRUE(mfa->verify("alice", codeFor(secret), epoch).ok());
  EXPECT_FALSE(mfa->verify("alice", codeFor(secret), epoch).ok()) << "the same code again";
  clock.advance(std::chrono::seconds(30));
  EXPECT_TRUE(mfa->verify("alice", codeFor(secret), epoch).ok()) << "the next step's code";
}

TEST_F(UserMfaTest, ALoginBegunBeforeAnMfaChangeCannotFinish) {
  const std::string secret = setUpPending("alice");
  const std::int64_t before = user("alice").mfa_epoch;
  ASSERT_TRUE(mfa->initialize("alice").ok());
  auto stale = mfa->verify("alice", codeFor(secret), before);
  ASSERT_FALSE(stale.ok());
  EXPECT_EQ(stale.error().code, ErrorCode::kPermissionDenied);
  ASSERT_TRUE(mfa->disable("alice").ok());
  EXPECT_EQ(user("alice").mfa_status, kMfaDisabled);
  EXPECT_TRUE(user("alice").mfa_secret_box.empty());
  EXPECT_EQ(mfa->verify("alice", "123456", user("alice").mfa_epoch).error().code, ErrorCode::kPermissionDenied);
}

TEST_F(UserMfaTest, TheSecretIsSealedAndOpensOnlyWithThisInstancesKey) {
  const std::string secret = setUpPending("alice");
  const User u = user("alice");
  EXPECT_EQ(u.mfa_secret_box.find(secret), std::string::npos);
  auto raw = base32Decode(secret);
  ASSERT_TRUE(raw);
  EXPECT_EQ(u.mfa_secret_box.find(*raw), std::string::npos);
  UserMfa other_key(*db, *users, randomKey(), "acme", clock, "x");
  EXPECT_EQ(other_key.pendingSetup(u).error().code, ErrorCode::kCorrupt);
  UserMfa other_instance(*db, *users, key, "other", clock, "x");
  EXPECT_EQ(other_instance.pendingSetup(u).error().code, ErrorCode::kCorrupt);
}

TEST_F(UserMfaTest, SettingsSetUpStoresTheSecretOnlyWithAValidCode) {
  std::string raw;
  auto setup = mfa->newSetup("bob", raw);
  ASSERT_TRUE(setup.ok());
  EXPECT_EQ(user("bob").mfa_status, kMfaDisabled) << "nothing stored before the code";
  EXPECT_EQ(mfa->confirm("bob", raw, "abcdef").error().code, ErrorCode::kUnauthenticated);
  ASSERT_TRUE(mfa->confirm("bob", raw, codeFor(setup->secret)).ok());
  EXPECT_EQ(user("bob").mfa_status, kMfaActive);
  EXPECT_FALSE(mfa->verify("bob", codeFor(setup->secret), user("bob").mfa_epoch).ok()) << "the confirming code is used";
}

TEST_F(UserMfaTest, TrustedDevicesLastFourteenDaysAndEndWithEveryChange) {
  setUpPending("alice");
  auto token = mfa->trustDevice("alice", user("alice").mfa_epoch);
  ASSERT_TRUE(token.ok());
  EXPECT_TRUE(*mfa->isTrustedDevice("alice", user("alice").mfa_epoch, *token));
  EXPECT_FALSE(*mfa->isTrustedDevice("bob", user("bob").mfa_epoch, *token)) << "another user's token";
  EXPECT_FALSE(*mfa->isTrustedDevice("alice", user("alice").mfa_epoch, std::string(64, '0')));
  clock.advance(UserMfa::kTrustedDeviceLifetime - std::chrono::minutes(1));
  EXPECT_TRUE(*mfa->isTrustedDevice("alice", user("alice").mfa_epoch, *token));
  clock.advance(std::chrono::minutes(2));
  EXPECT_FALSE(*mfa->isTrustedDevice("alice", user("alice").mfa_epoch, *token)) << "expired";

  for (int change = 0; change < 3; ++change) {
    auto t = mfa->trustDevice("alice", user("alice").mfa_epoch);
    ASSERT_TRUE(t.ok());
    ASSERT_TRUE(*mfa->isTrustedDevice("alice", user("alice").mfa_epoch, *t));
    const Status changed = change == 0   ? mfa->initialize("alice")
                           : change == 1 ? mfa->passwordChanged("alice")
                                         : mfa->disable("alice");
    ASSERT_TRUE(changed.ok());
    EXPECT_FALSE(*mfa->isTrustedDevice("alice", user("alice").mfa_epoch, *t)) << "change " << change;
  }
}

TEST_F(UserMfaTest, AppPasswordsAreShownOnceMatchedAsTypedAndBounded) {
  auto created = mfa->createAppPassword("alice", "Thunderbird");
  ASSERT_TRUE(created.ok());
  const std::string password = created->second;
  EXPECT_TRUE(std::regex_match(password, std::regex("[a-z]{4} [a-z]{4} [a-z]{4} [a-z]{4}"))) << password;
  auto listed = mfa->appPasswords("alice");
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ((*listed)[0].name, "Thunderbird");
  EXPECT_FALSE((*listed)[0].last_used);

  std::string typed;
  for (char c : password) {
    if (c != ' ') typed += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  clock.advance(std::chrono::hours(1));
  for (const std::string& attempt : {password, typed}) {
    auto m = mfa->matchAppPassword("alice", attempt);
    ASSERT_TRUE(m.ok());
    EXPECT_EQ(*m, std::optional<std::int64_t>(created->first.id)) << attempt;
  }
  EXPECT_TRUE((*mfa->appPasswords("alice"))[0].last_used);
  EXPECT_FALSE(*mfa->matchAppPassword("bob", password)) << "another user's app password";
  EXPECT_FALSE(*mfa->matchAppPassword("alice", "aaaa aaaa aaaa aaaa"));

  for (const std::string& bad :
       {std::string(), std::string(" x"), std::string(65, 'n'), std::string("a\tb"), std::string("\xff")}) {
    EXPECT_EQ(mfa->createAppPassword("alice", bad).error().code, ErrorCode::kInvalidArgument) << bad;
  }
  EXPECT_TRUE(mfa->createAppPassword("alice", std::string(64, 'n')).ok());
  for (std::size_t i = 2; i < UserMfa::kMaxAppPasswords; ++i) {
    ASSERT_TRUE(mfa->createAppPassword("alice", "phone " + std::to_string(i)).ok());
  }
  EXPECT_EQ(mfa->createAppPassword("alice", "one too many").error().code, ErrorCode::kResourceExhausted);
}

TEST_F(UserMfaTest, AppPasswordsFollowRenamesAndGoWithTheirUser) {
  auto created = mfa->createAppPassword("alice", "phone");
  ASSERT_TRUE(created.ok());
  User renamed = user("alice");
  renamed.name = "alicia";
  ASSERT_TRUE(users->update("alice", renamed).ok());
  EXPECT_TRUE(*mfa->matchAppPassword("alicia", created->second));
  EXPECT_FALSE(*mfa->matchAppPassword("alice", created->second));
  auto second = mfa->createAppPassword("alicia", "laptop");
  ASSERT_TRUE(second.ok());
  EXPECT_FALSE(*mfa->deleteAppPassword("bob", second->first.id)) << "not bob's";
  EXPECT_TRUE(*mfa->deleteAppPassword("alicia", second->first.id));
  EXPECT_EQ(mfa->appPasswords("alicia")->size(), 1u);
  ASSERT_TRUE(users->remove("alicia").ok());
  User again;
  again.name = "alicia";
  ASSERT_TRUE(users->create(again).ok());
  EXPECT_TRUE(mfa->appPasswords("alicia")->empty()) << "a new user of the same name inherits nothing";
  EXPECT_EQ(user("alicia").mfa_status, kMfaDisabled);
}

TEST_F(UserMfaTest, DeleteAppPasswordsDeletesAllOfOneUser) {
  for (const char* n : {"a", "b", "c"}) ASSERT_TRUE(mfa->createAppPassword("alice", n).ok());
  ASSERT_TRUE(mfa->createAppPassword("bob", "b").ok());
  EXPECT_EQ(*mfa->deleteAppPasswords("alice"), 3);
  EXPECT_TRUE(mfa->appPasswords("alice")->empty());
  EXPECT_EQ(mfa->appPasswords("bob")->size(), 1u);
}

TEST_F(UserMfaTest, UserUpdatesLeaveTheSecondFactorAlone) {
  setUpPending("alice");
  const User before = user("alice");
  User changed = before;
  changed.full_name = "Alice A.";
  changed.mfa_status = kMfaDisabled;  // a stale copy must not switch MFA off
  ASSERT_TRUE(users->update("alice", changed).ok());
  EXPECT_EQ(user("alice").mfa_status, kMfaPending);
  EXPECT_EQ(user("alice").mfa_secret_box, before.mfa_secret_box);
}

}  // namespace
}  // namespace spe::instance
