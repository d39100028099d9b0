#include "index/sort_keys.h"

#include <gtest/gtest.h>

namespace spe::index {
namespace {

TEST(SortKeys, SenderByDisplayNameElseAddress) {
  EXPECT_EQ(addressSortKey("Anna Smith <anna@example.com>"), "anna smith");
  EXPECT_EQ(addressSortKey("\"Doe, John\" <jd@example.com>, Bob <b@x>"), "doe, john");
  EXPECT_EQ(addressSortKey("<Zed@Example.com>"), "zed@example.com");
  EXPECT_EQ(addressSortKey("plain@example.com, other@x"), "plain@example.com");
  EXPECT_EQ(addressSortKey("  'Quoted' <q@x>"), "quoted'");
  EXPECT_EQ(addressSortKey("Ärger Ölig <a@x>"), "ärger ölig");
  EXPECT_EQ(addressSortKey(""), "");
}

TEST(SortKeys, SubjectWithoutReplyPrefixes) {
  EXPECT_EQ(subjectSortKey("Re: AW: Offer"), "offer");
  EXPECT_EQ(subjectSortKey("FWD:  Big   news"), "big news");
  EXPECT_EQ(subjectSortKey("Regarding offers"), "regarding offers");
  EXPECT_EQ(subjectSortKey("  ...and more"), "and more");
}

TEST(SortKeys, CutToTheLimitOnACharacter) {
  const std::string long_name(200, 'a');
  EXPECT_EQ(subjectSortKey(long_name).size(), kMaxSortKeyBytes);
  std::string umlauts;
  for (int i = 0; i < 100; ++i) umlauts += "\xC3\xBC";  // ü
  const auto key = subjectSortKey(umlauts);
  EXPECT_LE(key.size(), kMaxSortKeyBytes);
  EXPECT_EQ(key.size() % 2, 0u);
}

TEST(SortKeys, ValuesInTheirSlots) {
  Xapian::Document doc;
  addSortValues(doc, "Bob <b@x>", "Carol <c@x>", "Re: Hello");
  EXPECT_EQ(doc.get_value(kSenderValue), "bob");
  EXPECT_EQ(doc.get_value(kRecipientValue), "carol");
  EXPECT_EQ(doc.get_value(kSubjectValue), "hello");
}

}  // namespace
}  // namespace spe::index
