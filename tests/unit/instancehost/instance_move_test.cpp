#include <gtest/gtest.h>

#include "instancehost/instance/model/instance_key_file.h"
#include "instancehost/instance_move_receive.h"

namespace spe {
namespace {

TEST(InstanceMovePaths, OnlyPlainRelativePathsBelowTheNewPlace) {
  for (const char* ok : {"MailStoreMaster.fdb", "Data/DefaultFileGroup/MailStoreFileGroup.fdb", "a b/c.d", ".hidden"}) {
    EXPECT_TRUE(instancehost::isSafeRelativePath(ok)) << ok;
  }
  const std::string deep = [] {
    std::string p = "d";
    for (int i = 0; i < 64; ++i) p += "/d";
    return p;
  }();
  for (const std::string& bad :
       {std::string(), std::string("/etc/passwd"), std::string("../x"), std::string("a/../../x"), std::string("a/./b"),
        std::string("a//b"), std::string("a/"), std::string("."), std::string(".."), std::string("a\0b", 3),
        std::string(5000, 'x'), deep}) {
    EXPECT_FALSE(instancehost::isSafeRelativePath(bad)) << bad;
  }
}

TEST(InstanceKeyFile, ResealedForAnotherHostOpensThereOnlyWithTheSameKeys) {
  const Key256 old_host = randomKey(), new_host = randomKey(), instance_key = randomKey();
  const KeyPair recovery = newKeyPair();
  const std::string text = instance::instanceKeyFileText("alpha", instance_key, old_host, recovery.public_key);
  auto opened = instance::openInstanceKeyFile(text, "alpha", old_host, "k");
  ASSERT_TRUE(opened.ok()) << opened.error().message;
  EXPECT_EQ(opened->instance_key, instance_key);
  auto refused = instance::openInstanceKeyFile(text, "alpha", new_host, "k");
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().message.find("another Instance Host's key"), std::string::npos);

  auto moved = instance::resealInstanceKeyFile(text, "alpha", opened->instance_key, new_host);
  ASSERT_TRUE(moved.ok()) << moved.error().message;
  auto there = instance::openInstanceKeyFile(*moved, "alpha", new_host, "k");
  ASSERT_TRUE(there.ok()) << there.error().message;
  EXPECT_EQ(there->instance_key, instance_key);
  EXPECT_EQ(there->recovery_public_key, recovery.public_key);
  EXPECT_FALSE(instance::openInstanceKeyFile(*moved, "alpha", old_host, "k").ok());
  // Another instance's file, or a damaged one, is not resealed.
  EXPECT_FALSE(instance::resealInstanceKeyFile(text, "beta", instance_key, new_host).ok());
  EXPECT_FALSE(instance::resealInstanceKeyFile("{not json", "alpha", instance_key, new_host).ok());
}

}  // namespace
}  // namespace spe
