#include "store/recovery_changes.h"

#include <gtest/gtest.h>

#include <vector>

namespace spe::store {
namespace {

// Every kind of change, as the writer makes it.
std::vector<RecoveryChange> everyKind() {
  const ContentPlace place{"ab12", 3, 16, 100, 42};
  return {RecoveryChange::folderAdded("jdoe/INBOX"),
          RecoveryChange::contentAdded(7, place),
          RecoveryChange::messageAdded(9, 7, "jdoe/INBOX", 1700000000),
          RecoveryChange::messageAdded(10, 8, "jdoe/Sent", 1700000001, place),
          RecoveryChange::folderRenamed("jdoe/Old", "jdoe/New"),
          RecoveryChange::contentMoved(7, 4, 32),
          RecoveryChange::folderDeleted("jdoe/Trash"),
          RecoveryChange::messageDeleted(9)};
}

// The bytes are a file format: each kind is written exactly as every earlier
// version wrote it (same letters, same key order), so stores written before
// and after this codec read alike.
TEST(RecoveryChanges, TheBytesOnDiskAreTheOnesEarlierVersionsWrote) {
  const std::vector<std::string> expected{
      R"({"t":"f","p":"jdoe/INBOX"})",
      R"({"t":"c","id":7,"sha":"ab12","n":3,"o":16,"l":100,"s":42})",
      R"({"t":"m","id":9,"c":7,"f":"jdoe/INBOX","a":1700000000})",
      R"({"t":"cm","id":10,"c":8,"f":"jdoe/Sent","a":1700000001,"sha":"ab12","n":3,"o":16,"l":100,"s":42})",
      R"({"t":"r","from":"jdoe/Old","to":"jdoe/New"})",
      R"({"t":"mv","c":7,"n":4,"o":32})",
      R"({"t":"df","p":"jdoe/Trash"})",
      R"({"t":"dm","id":9})",
  };
  const auto changes = everyKind();
  ASSERT_EQ(changes.size(), expected.size());
  for (std::size_t i = 0; i < changes.size(); ++i) EXPECT_EQ(dumpJson(encodeChange(changes[i])), expected[i]);
}

TEST(RecoveryChanges, EveryKindRoundTrips) {
  for (const RecoveryChange& c : everyKind()) {
    const Json encoded = encodeChange(c);
    auto back = decodeChange(encoded);
    ASSERT_TRUE(back.ok()) << dumpJson(encoded) << ": " << back.error().message;
    EXPECT_EQ(back->tag, c.tag);
    EXPECT_EQ(dumpJson(encodeChange(*back)), dumpJson(encoded));
  }
}

TEST(RecoveryChanges, EveryTagHasItsOwnLetters) {
  for (const RecoveryChange& c : everyKind()) {
    auto tag = changeTagFromName(changeTagName(c.tag));
    ASSERT_TRUE(tag.has_value()) << changeTagName(c.tag);
    EXPECT_EQ(*tag, c.tag);
  }
}

TEST(RecoveryChanges, AnUnknownTagIsCorrupt) {
  auto r = decodeChange(Json{{"t", "zz"}, {"id", 1}});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kCorrupt);
  EXPECT_NE(r.error().message.find("zz"), std::string::npos) << r.error().message;
}

TEST(RecoveryChanges, AMissingOrNonTextTagIsCorrupt) {
  EXPECT_EQ(decodeChange(Json{{"id", 1}}).error().code, ErrorCode::kCorrupt);
  EXPECT_EQ(decodeChange(Json{{"t", 1}}).error().code, ErrorCode::kCorrupt);
  EXPECT_EQ(decodeChange(Json::array()).error().code, ErrorCode::kCorrupt);
}

TEST(RecoveryChanges, AKeyOfTheWrongTypeIsCorrupt) {
  auto r = decodeChange(Json{{"t", "dm"}, {"id", "nine"}});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kCorrupt);
}

// As every earlier reader did: a missing key reads as 0 or "".
TEST(RecoveryChanges, MissingKeysReadAsEmpty) {
  auto r = decodeChange(Json{{"t", "m"}, {"id", 4}});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->id, 4);
  EXPECT_EQ(r->content_id, 0);
  EXPECT_EQ(r->folder, "");
}

TEST(RecoveryChanges, DeletionsRenamesAndMovesSupersedeEarlierChanges) {
  for (const RecoveryChange& c : everyKind()) {
    const bool expected = c.tag == ChangeTag::kMessageDeleted || c.tag == ChangeTag::kFolderDeleted ||
                          c.tag == ChangeTag::kFolderRenamed || c.tag == ChangeTag::kContentMoved;
    EXPECT_EQ(supersedesEarlierChanges(c.tag), expected) << changeTagName(c.tag);
  }
}

}  // namespace
}  // namespace spe::store
