// ManagementDbTest: a test with a new management database (embedded
// Firebird) in its own temporary directory: db_ after SetUp().
#pragma once

#include <gtest/gtest.h>

#include <memory>

#include "common/db/firebird_db.h"
#include "management/management_db.h"
#include "test_dir.h"

namespace spe::management {

class ManagementDbTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(setFirebirdLockDirectory(dir_ / ".fblock").ok());
    auto db = ManagementDb::open(dir_ / "management.fdb");
    ASSERT_TRUE(db.ok()) << db.error().message;
    db_ = std::move(db.value());
  }

  testing::TempDir dir_;
  std::unique_ptr<ManagementDb> db_;
};

}  // namespace spe::management
