// Migration 5 of the management database against real embedded Firebird:
// a system SMTP password kept in clear by an older version (schema 4) is
// sealed with the Management Server's key at the next start; the row keeps
// every other field; a second open changes nothing; without the key such a
// database does not open (nothing is lost or left half-done).
#include <gtest/gtest.h>

#include "common/base/crypto.h"
#include "common/db/firebird_db.h"
#include "common/net/smtp_settings_json.h"
#include "management/management_db.h"
#include "test_dir.h"

namespace spe::management {
namespace {

const Json kOldRow = {{"hostname", "mail.example.com"},
                      {"port", 587},
                      {"protocol", "SMTP-TLS"},
                      {"ignoreSslPolicyErrors", false},
                      {"authenticationRequired", true},
                      {"username", "sender@example.com"},
                      {"password", "clear-Secret-1"},
                      {"fromDisplayName", "Sender"},
                      {"fromEmailAddress", "sender@example.com"},
                      {"recipientSystemAdministrator", {"admin"}}};

// A database as schema 4 left it: the row with its password in clear.
void makeVersion4(const std::string& path, const Json& row) {
  {
    auto db = ManagementDb::open(path);
    ASSERT_TRUE(db.ok()) << db.error().message;
  }
  auto raw = FirebirdDb::openOrCreate(path);
  ASSERT_TRUE(raw.ok());
  ASSERT_TRUE((*raw)->exec("DROP TABLE INSTANCE_LICENSE_COUNTS").ok());  // migration 6's
  ASSERT_TRUE((*raw)->exec("UPDATE SCHEMA_VERSION SET VERSION = 4").ok());
  ASSERT_TRUE((*raw)
                  ->exec("UPDATE OR INSERT INTO SETTINGS (NAME, SETTING_VALUE) VALUES (?, ?) MATCHING (NAME)",
                         {std::string(kSystemSmtpSetting), dumpJson(row)})
                  .ok());
}

Json storedRow(ManagementDb& db) {
  auto s = db.setting(kSystemSmtpSetting);
  EXPECT_TRUE(s.ok() && s->has_value());
  return s.ok() && s->has_value() ? **s : Json();
}

TEST(SystemSmtpMigration, ClearPasswordIsSealedWithTheKey) {
  testing::TempDir dir;
  ASSERT_TRUE(setFirebirdLockDirectory(dir / ".fblock").ok());
  const std::string path = dir / "management.fdb";
  makeVersion4(path, kOldRow);
  const Key256 key = randomKey();

  auto db = ManagementDb::open(path, key);
  ASSERT_TRUE(db.ok()) << db.error().message;
  EXPECT_EQ((*db)->schemaVersion(), ManagementDb::kSchemaVersion);
  const Json row = storedRow(**db);
  EXPECT_FALSE(row.contains("password"));
  ASSERT_TRUE(row["passwordSealed"].is_string());
  EXPECT_EQ(dumpJson(row).find("clear-Secret-1"), std::string::npos);
  for (const char* k :
       {"hostname", "port", "protocol", "username", "fromEmailAddress", "recipientSystemAdministrator"}) {
    EXPECT_EQ(row[k], kOldRow[k]) << k;
  }
  const net::SmtpAccountShape shape{"config", "recipientSystemAdministrator", false, true};
  auto account = net::smtpAccountFromStored(row, shape, key, kSystemSmtpPasswordBinding);
  ASSERT_TRUE(account.ok()) << account.error().message;
  EXPECT_EQ(account->server.password, "clear-Secret-1");
  // Bound to its place: another binding does not open it.
  EXPECT_FALSE(net::smtpAccountFromStored(row, shape, key, "elsewhere").ok());

  // Opening again changes nothing.
  db->reset();
  auto again = ManagementDb::open(path, key);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(storedRow(**again), row);
}

TEST(SystemSmtpMigration, WithoutTheKeyTheDatabaseWaitsAtVersion4) {
  testing::TempDir dir;
  ASSERT_TRUE(setFirebirdLockDirectory(dir / ".fblock").ok());
  const std::string path = dir / "management.fdb";
  makeVersion4(path, kOldRow);
  auto db = ManagementDb::open(path);
  ASSERT_FALSE(db.ok());
  EXPECT_NE(db.error().message.find("key"), std::string::npos);
  auto raw = FirebirdDb::openOrCreate(path);
  ASSERT_TRUE(raw.ok());
  auto v = (*raw)->query("SELECT VERSION FROM SCHEMA_VERSION");
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(dbInt(v->at(0)[0]), 4);
}

TEST(SystemSmtpMigration, NoPasswordOrNoRowNeedsNoKey) {
  testing::TempDir dir;
  ASSERT_TRUE(setFirebirdLockDirectory(dir / ".fblock").ok());
  const std::string path = dir / "management.fdb";
  Json row = kOldRow;
  row["password"] = "";
  makeVersion4(path, row);
  auto db = ManagementDb::open(path);
  ASSERT_TRUE(db.ok()) << db.error().message;
  EXPECT_TRUE(storedRow(**db)["passwordSealed"].is_null());
  EXPECT_FALSE(storedRow(**db).contains("password"));
}

}  // namespace
}  // namespace spe::management
