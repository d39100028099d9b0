// InstanceCatalog against the real management database (embedded Firebird):
// the snapshot is patched row by row, each change gives each affected host
// exactly its delta between consecutive versions of its own list, and the
// CASes the routing entries that changed; a change nobody routes or starts
// differently gives no delta.
#include "management/instance_catalog.h"

#include <gtest/gtest.h>

#include "common/db/firebird_db.h"
#include "management_db_fixture.h"
#include "test_dir.h"

namespace spe::management {
namespace {

class InstanceCatalogTest : public ManagementDbTest {
 protected:
  void SetUp() override {
    ManagementDbTest::SetUp();
    if (HasFatalFailure()) return;
    for (const char* id : {"beta", "alpha"}) ASSERT_TRUE(db_->insertInstance(record(id, "h1")).ok());
    catalog_ = std::make_unique<InstanceCatalog>(*db_);
  }

  static InstanceRecord record(const std::string& id, const std::string& host) {
    InstanceRecord r;
    r.instance_id = id;
    r.instance_host = host;
    r.base_directory = "/srv/" + id;
    return r;
  }

  std::vector<std::string> ids() {
    std::vector<std::string> out;
    for (const auto& r : **catalog_->snapshot()) out.push_back(r->instance_id + "@" + r->instance_host);
    return out;
  }

  static std::int64_t seqOf(const Json& version) { return version.value("seq", -1); }

  std::unique_ptr<InstanceCatalog> catalog_;
};

TEST_F(InstanceCatalogTest, ChangesPatchTheSnapshotAndGiveEachHostItsDelta) {
  EXPECT_EQ(ids(), (std::vector<std::string>{"alpha@h1", "beta@h1"}));
  const auto first = *catalog_->snapshot();
  EXPECT_EQ(seqOf(catalog_->hostVersion("h1")), 0);

  // Created: the host gets it, the CASes route it.
  ASSERT_TRUE(db_->insertInstance(record("gamma", "h1")).ok());
  auto c = catalog_->changed({"gamma"});
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(ids(), (std::vector<std::string>{"alpha@h1", "beta@h1", "gamma@h1"}));
  EXPECT_EQ(first->size(), 2u);  // an earlier snapshot stays as it was
  ASSERT_EQ(c->hosts.size(), 1u);
  const HostListDelta& d = c->hosts.at("h1");
  EXPECT_EQ(seqOf(d.from_version), 0);
  EXPECT_EQ(seqOf(d.to_version), 1);
  EXPECT_EQ(d.to_version, catalog_->hostVersion("h1"));
  EXPECT_EQ(d.changes, Json::array({InstanceCatalog::specJson(record("gamma", "h1"))}));
  EXPECT_EQ(c->routes, Json::array({Json{{"instanceID", "gamma"}, {"alias", ""}, {"host", "h1"}}}));

  // Moved to another host: removed on one, added on the other; h2's version
  // does not depend on h1's changes.
  auto moved = record("gamma", "h2");
  moved.alias = "g";
  ASSERT_TRUE(db_->updateInstance(moved).ok());
  c = catalog_->changed({"gamma"});
  ASSERT_TRUE(c.ok());
  ASSERT_EQ(c->hosts.size(), 2u);
  EXPECT_EQ(seqOf(c->hosts.at("h1").from_version), 1);
  EXPECT_EQ(c->hosts.at("h1").changes, Json::array({Json{{"instanceID", "gamma"}, {"removed", true}}}));
  EXPECT_EQ(seqOf(c->hosts.at("h2").from_version), 0);
  EXPECT_EQ(c->hosts.at("h2").changes, Json::array({InstanceCatalog::specJson(moved)}));
  EXPECT_EQ(c->routes, Json::array({Json{{"instanceID", "gamma"}, {"alias", "g"}, {"host", "h2"}}}));
  EXPECT_NE(c->hosts.at("h1").to_version, c->hosts.at("h2").to_version);

  // A change no host starts and no CAS routes differently: no delta.
  auto same = moved;
  same.archive_admin_enabled = false;
  same.display_name = "Gamma Ltd";
  ASSERT_TRUE(db_->updateInstance(same).ok());
  const Json h2_before = catalog_->hostVersion("h2");
  c = catalog_->changed({"gamma"});
  ASSERT_TRUE(c.ok());
  EXPECT_TRUE(c->hosts.empty());
  EXPECT_TRUE(c->routes.empty());
  EXPECT_EQ(catalog_->hostVersion("h2"), h2_before);
  EXPECT_EQ((*catalog_->snapshot())->back()->display_name, "Gamma Ltd");

  // Deleted, two at once: one delta for the host with both.
  ASSERT_TRUE(db_->deleteInstance("alpha").ok());
  ASSERT_TRUE(db_->deleteInstance("beta").ok());
  c = catalog_->changed({"alpha", "beta"});
  ASSERT_TRUE(c.ok());
  ASSERT_EQ(c->hosts.size(), 1u);
  EXPECT_EQ(c->hosts.at("h1").changes.size(), 2u);
  EXPECT_EQ(c->routes.size(), 2u);
  EXPECT_EQ(ids(), (std::vector<std::string>{"gamma@h2"}));
}

TEST_F(InstanceCatalogTest, TheHeadOfAStatusEntryIsValidJsonForEveryText) {
  auto odd = record("odd", "h1");
  odd.display_name = "Quote \" backslash \\ tab \t and \xC3\xA9";
  odd.alias = "o.d_d";
  ASSERT_TRUE(db_->insertInstance(odd).ok());
  ASSERT_TRUE(catalog_->changed({"odd"}).ok());
  for (const auto& r : **catalog_->snapshot()) {
    const Json entry = Json::parse(r->status_head + "\"end\":true}");
    EXPECT_EQ(entry["instanceID"], r->instance_id);
    EXPECT_EQ(entry["displayName"], r->display_name);
    EXPECT_EQ(entry["alias"], r->alias);
  }
}

}  // namespace
}  // namespace spe::management
