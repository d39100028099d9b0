// SyncUsersWithDirectoryServices on a fake directory and a fake user list:
// creates, updates, renames, deletes, the group filter, disabled entries,
// the dry run, cancellation, and a directory that fails part way.
#include "instancehost/instance/directory/directory_sync.h"

#include <gtest/gtest.h>

#include <map>

namespace spe::instance {
namespace {

DirectoryEntry entry(const std::string& name, const std::string& full = "", std::vector<std::string> mail = {},
                     std::vector<std::string> groups = {}) {
  DirectoryEntry e;
  e.user_name = name;
  e.dn = "CN=" + name + ",OU=Staff,DC=example,DC=com";
  e.full_name = full;
  e.email_addresses = std::move(mail);
  e.member_of = std::move(groups);
  return e;
}

User user(const std::string& name, const std::string& dn = "", const std::string& auth = "directoryServices") {
  User u;
  u.name = name;
  u.distinguished_name = dn;
  u.authentication = auth;
  u.privileges = {"admin"};
  u.login_privileges = {"web"};
  return u;
}

class FakeReader : public DirectoryReader {
 public:
  std::vector<DirectoryEntry> entries;
  std::map<std::string, std::vector<std::string>> groups;
  std::optional<Error> fail_users;
  Result<std::vector<DirectoryEntry>> users(const store::OperationControl& control) override {
    control.report(0, "read");
    if (fail_users) return *fail_users;
    return entries;
  }
  Result<std::vector<std::string>> groupMembers(const std::string& dn) override {
    auto it = groups.find(dn);
    if (it == groups.end()) return makeError(ErrorCode::kNotFound, "no group " + dn);
    return it->second;
  }
  Result<std::optional<DirectoryEntry>> findUser(const std::string&) override {
    return std::optional<DirectoryEntry>();
  }
  Result<std::optional<DirectoryEntry>> userAt(const std::string&) override { return std::optional<DirectoryEntry>(); }
  Status bindAs(const std::string&, const std::string&) override { return okStatus(); }
};

class FakeTarget : public SyncTarget {
 public:
  std::vector<std::string> calls;
  int fail_at = -1;  // the call (0-based) that fails
  std::function<void()> on_call;
  Status create(const User& u) override { return record("create " + u.name + " " + u.authentication); }
  Status update(const SyncUpdate& up) override {
    return record((up.renamed() ? "rename " : "update ") + up.user_name + " -> " + up.after.name);
  }
  Status remove(const std::string& name) override { return record("delete " + name); }

 private:
  Status record(const std::string& what) {
    if (on_call) on_call();
    if (static_cast<int>(calls.size()) == fail_at) return makeError(ErrorCode::kDatabase, "disk full");
    calls.push_back(what);
    return okStatus();
  }
};

DirectoryConfig config() {
  DirectoryConfig c;
  c.type = kDirectoryActiveDirectory;
  c.server_name = "dc1";
  c.base_dn = "DC=example,DC=com";
  return c;
}

Result<Json> sync(const DirectoryConfig& c, FakeReader& r, const std::vector<User>& existing, FakeTarget& t,
                  bool dry_run, store::OperationControl control = {}) {
  return syncUsersWithDirectory(c, r, existing, t, dry_run, control, nullptr);
}

TEST(DirectorySync, CreatesNewUsersAsDirectoryUsers) {
  FakeReader r;
  r.entries = {entry("alice", "Alice A", {"alice@example.com"}), entry("bob")};
  FakeTarget t;
  auto res = sync(config(), r, {}, t, false);
  ASSERT_TRUE(res.ok()) << res.error().message;
  EXPECT_EQ(t.calls, (std::vector<std::string>{"create alice directoryServices", "create bob directoryServices"}));
  ASSERT_EQ((*res)["created"].size(), 2u);
  EXPECT_EQ((*res)["created"][0]["userName"], "alice");
  EXPECT_EQ((*res)["created"][0]["fullName"], "Alice A");
  EXPECT_EQ((*res)["created"][0]["emailAddresses"], Json::array({"alice@example.com"}));
  EXPECT_EQ((*res)["created"][0]["distinguishedName"], "CN=alice,OU=Staff,DC=example,DC=com");
  EXPECT_FALSE((*res)["dryRun"].get<bool>());
  const auto plan = planDirectorySync(config(), r.entries, {});
  EXPECT_EQ(plan.create[0].login_privileges, (std::vector<std::string>{"web", "imap"}));
  EXPECT_EQ(plan.create[0].privileges, (std::vector<std::string>{"none"}));
}

TEST(DirectorySync, UpdatesFullNameAddressesAndDnListingEachChange) {
  FakeReader r;
  r.entries = {entry("alice", "Alice New", {"a@example.com"})};
  User alice = user("Alice");  // found by name (case-insensitive), no DN yet
  alice.full_name = "Alice Old";
  FakeTarget t;
  auto res = sync(config(), r, {alice}, t, false);
  ASSERT_TRUE(res.ok()) << res.error().message;
  EXPECT_EQ(t.calls, (std::vector<std::string>{"update Alice -> Alice"}));
  const Json& changes = (*res)["updated"][0]["changes"];
  ASSERT_EQ(changes.size(), 3u);
  EXPECT_EQ(changes[0], (Json{{"field", "fullName"}, {"from", "Alice Old"}, {"to", "Alice New"}}));
  EXPECT_EQ(changes[1]["field"], "emailAddresses");
  EXPECT_EQ(changes[1]["to"], Json::array({"a@example.com"}));
  EXPECT_EQ(changes[2]["field"], "distinguishedName");
  // The plan keeps the user's own privileges and authentication.
  const auto plan = planDirectorySync(config(), r.entries, {alice});
  EXPECT_EQ(plan.update[0].after.privileges, (std::vector<std::string>{"admin"}));
  // Synced again with the changes made: unchanged.
  User synced = plan.update[0].after;
  FakeTarget t2;
  auto again = sync(config(), r, {synced}, t2, false);
  EXPECT_TRUE(t2.calls.empty());
  EXPECT_EQ((*again)["unchanged"], 1);
}

TEST(DirectorySync, ADnMatchWithAnotherNameIsARename) {
  FakeReader r;
  DirectoryEntry e = entry("jsmith");
  e.dn = "CN=Jane,OU=Staff,DC=example,DC=com";
  r.entries = {e};
  // Stored with other spacing and case: still the same entry.
  FakeTarget t;
  auto res = sync(config(), r, {user("jdoe", "cn=jane, ou=staff, dc=example, dc=com")}, t, false);
  ASSERT_TRUE(res.ok()) << res.error().message;
  EXPECT_EQ(t.calls, (std::vector<std::string>{"rename jdoe -> jsmith"}));
  EXPECT_EQ((*res)["updated"][0]["changes"][0], (Json{{"field", "userName"}, {"from", "jdoe"}, {"to", "jsmith"}}));
  EXPECT_TRUE((*res)["created"].empty());
}

TEST(DirectorySync, RenameOntoAnExistingUserIsSkippedNotDeleted) {
  FakeReader r;
  DirectoryEntry e = entry("taken");
  e.dn = "CN=X,DC=example,DC=com";
  r.entries = {e};
  DirectoryConfig c = config();
  c.delete_users = true;
  FakeTarget t;
  auto res = sync(c, r, {user("old", "CN=X,DC=example,DC=com"), user("taken", "", "integrated")}, t, false);
  ASSERT_TRUE(res.ok());
  EXPECT_TRUE(t.calls.empty());
  ASSERT_EQ((*res)["skipped"].size(), 1u);
  EXPECT_NE((*res)["skipped"][0]["reason"].get<std::string>().find("exists already"), std::string::npos);
}

TEST(DirectorySync, DeletesOnlyDirectoryUsersAndOnlyWhenAsked) {
  FakeReader r;
  r.entries = {entry("alice")};
  const std::vector<User> existing = {user("alice", r.entries[0].dn), user("gone"), user("local", "", "integrated")};
  FakeTarget t;
  auto res = sync(config(), r, existing, t, false);
  EXPECT_TRUE(t.calls.empty()) << "deleteUsers is off";
  DirectoryConfig c = config();
  c.delete_users = true;
  FakeTarget t2;
  res = sync(c, r, existing, t2, false);
  ASSERT_TRUE(res.ok());
  EXPECT_EQ(t2.calls, (std::vector<std::string>{"delete gone"}));
  EXPECT_EQ((*res)["deleted"], Json::array({Json{{"userName", "gone"}}}));
}

TEST(DirectorySync, ADirectoryThatSelectsNobodyDeletesNobody) {
  FakeReader r;
  DirectoryConfig c = config();
  c.delete_users = true;
  FakeTarget t;
  auto res = sync(c, r, {user("a"), user("b")}, t, false);
  ASSERT_TRUE(res.ok());
  EXPECT_TRUE(t.calls.empty());
  EXPECT_EQ((*res)["skipped"].size(), 1u);
}

TEST(DirectorySync, GroupFilterByMemberOfOrGroupMembers) {
  FakeReader r;
  const std::string g1 = "CN=Archive,OU=Groups,DC=example,DC=com";
  const std::string g2 = "cn=staff,ou=groups,dc=example,dc=com";
  r.entries = {entry("inmemberof", "", {}, {"CN=Archive, OU=Groups, DC=example, DC=com"}), entry("inmembers"),
               entry("byuid"), entry("outside", "", {}, {"CN=Other,DC=example,DC=com"})};
  r.groups[g1] = {};
  r.groups[g2] = {"CN=inmembers,OU=Staff,DC=example,DC=com", "byuid"};  // memberUid-style values too
  DirectoryConfig c = config();
  c.groups = {g1, g2};
  FakeTarget t;
  auto res = sync(c, r, {}, t, false);
  ASSERT_TRUE(res.ok()) << res.error().message;
  EXPECT_EQ(t.calls,
            (std::vector<std::string>{"create inmemberof directoryServices", "create inmembers directoryServices",
                                      "create byuid directoryServices"}));
  // A group the directory does not have stops the sync before any change.
  c.groups = {"CN=Missing,DC=example,DC=com"};
  FakeTarget t2;
  res = sync(c, r, {}, t2, false);
  EXPECT_EQ(res.error().code, ErrorCode::kNotFound);
  EXPECT_TRUE(t2.calls.empty());
}

TEST(DirectorySync, DisabledEntriesCountOnlyWhenEnabledUsersOnlyIsOff) {
  FakeReader r;
  DirectoryEntry off = entry("off");
  off.disabled = true;
  r.entries = {entry("on"), off};
  DirectoryConfig c = config();
  c.delete_users = true;
  FakeTarget t;
  auto res = sync(c, r, {user("off", off.dn)}, t, false);
  EXPECT_EQ(t.calls, (std::vector<std::string>{"create on directoryServices", "delete off"}));
  c.enabled_users_only = false;
  FakeTarget t2;
  res = sync(c, r, {user("off", off.dn)}, t2, false);
  EXPECT_EQ(t2.calls, (std::vector<std::string>{"create on directoryServices"}));
}

TEST(DirectorySync, DryRunReportsTheSameChangesAndMakesNone) {
  FakeReader r;
  r.entries = {entry("new"), entry("renamed")};
  r.entries[1].dn = "CN=R,DC=example,DC=com";
  DirectoryConfig c = config();
  c.delete_users = true;
  const std::vector<User> existing = {user("old", "CN=R,DC=example,DC=com"), user("gone")};
  FakeTarget dry;
  auto preview = sync(c, r, existing, dry, true);
  ASSERT_TRUE(preview.ok());
  EXPECT_TRUE(dry.calls.empty());
  EXPECT_TRUE((*preview)["dryRun"].get<bool>());
  FakeTarget real;
  auto done = sync(c, r, existing, real, false);
  ASSERT_TRUE(done.ok());
  EXPECT_EQ(real.calls.size(), 3u);
  Json a = *preview, b = *done;
  a.erase("dryRun");
  b.erase("dryRun");
  EXPECT_EQ(a, b);
}

TEST(DirectorySync, BadAndDuplicateNamesAreSkippedWithAReason) {
  FakeReader r;
  r.entries = {entry("ok"), entry("OK"), entry(""), entry("$system"), entry("a/b")};
  FakeTarget t;
  auto res = sync(config(), r, {}, t, false);
  ASSERT_TRUE(res.ok());
  EXPECT_EQ(t.calls, (std::vector<std::string>{"create ok directoryServices"}));
  EXPECT_EQ((*res)["skipped"].size(), 4u);
  for (const auto& s : (*res)["skipped"]) EXPECT_FALSE(s["reason"].get<std::string>().empty());
}

TEST(DirectorySync, TheDirectoryFailingWhileReadingChangesNothing) {
  FakeReader r;
  r.entries = {entry("a")};
  r.fail_users = makeError(ErrorCode::kUnavailable,
                           "The directory server ldap://dc1:389 did not answer the search after 500 entries: Can't "
                           "contact LDAP server.");
  FakeTarget t;
  auto res = sync(config(), r, {user("x")}, t, false);
  ASSERT_FALSE(res.ok());
  EXPECT_EQ(res.error().code, ErrorCode::kIo);  // not kUnavailable: that would read "instance not reachable"
  EXPECT_NE(res.error().message.find("Nothing was changed"), std::string::npos);
  EXPECT_TRUE(t.calls.empty());
}

TEST(DirectorySync, AFailurePartWayReportsWhatWasMade) {
  FakeReader r;
  r.entries = {entry("a"), entry("b"), entry("c")};
  FakeTarget t;
  t.fail_at = 2;
  auto res = sync(config(), r, {}, t, false);
  ASSERT_FALSE(res.ok());
  EXPECT_EQ(res.error().code, ErrorCode::kDatabase);
  EXPECT_NE(res.error().message.find("2 of 3 changes were made"), std::string::npos) << res.error().message;
  auto made = tryParseJson(res.error().details);
  ASSERT_TRUE(made.has_value());
  EXPECT_EQ((*made)["created"].size(), 2u);
}

TEST(DirectorySync, CancellationStopsBetweenChanges) {
  FakeReader r;
  r.entries = {entry("a"), entry("b"), entry("c")};
  FakeTarget t;
  bool cancel = false;
  t.on_call = [&] { cancel = t.calls.size() >= 1; };
  store::OperationControl control;
  control.cancelled = [&] { return cancel; };
  auto res = sync(config(), r, {}, t, false, control);
  ASSERT_FALSE(res.ok());
  EXPECT_EQ(res.error().code, ErrorCode::kCancelled);
  EXPECT_EQ(t.calls.size(), 2u);
  EXPECT_NE(res.error().message.find("2 of 3"), std::string::npos) << res.error().message;
}

TEST(DirectorySync, CloudTypesAndNoneAreRefused) {
  FakeReader r;
  FakeTarget t;
  DirectoryConfig c;
  EXPECT_EQ(sync(c, r, {}, t, false).error().code, ErrorCode::kInvalidArgument);
  c.type = "office365";
  auto res = sync(c, r, {}, t, false);
  EXPECT_EQ(res.error().code, ErrorCode::kNotSupported);
  EXPECT_NE(res.error().message.find("needs a cloud connection, not available"), std::string::npos);
}

}  // namespace
}  // namespace spe::instance
