#include "instancehost/instance/access/web/web_folders.h"

#include <gtest/gtest.h>

namespace spe::instance {
namespace {

TEST(IsSentFolder, NamesInManyLanguagesAndTheirSubfolders) {
  for (const char* p : {"a/Sent", "a/Sent Items", "a/[Gmail]/Sent Mail", "a/SENT MESSAGES", "a/Gesendete Elemente",
                        "a/Gesendete Objekte", "a/Gesendet", "a/\xC3\x89l\xC3\xA9ments envoy\xC3\xA9s",
                        "a/Elementos enviados", "a/Posta inviata", "a/Verzonden items", "a/Skickat", "a/Sent/2023"}) {
    EXPECT_TRUE(isSentFolder(p)) << p;
  }
  for (const char* p : {"a/Inbox", "a/Sent stuff", "a/Presentations", "sent", "sent/Inbox", "a"}) {
    EXPECT_FALSE(isSentFolder(p)) << p;
  }
}

TEST(FolderTree, EachArchiveWithItsFoldersInTreeOrder) {
  const auto tree = folderTree({"alice", "bob"},
                               {"alice/Sent", "alice/projects/2024", "alice/Inbox", "alice/Inbox/Sub", "bob/Inbox",
                                "carol/Inbox", "alice/Archive"},
                               "alice");
  ASSERT_EQ(tree.size(), 2u);
  EXPECT_EQ(tree[0]["archive"], "alice");
  EXPECT_TRUE(tree[0]["own"].get<bool>());
  std::vector<std::string> paths;
  for (const auto& f : tree[0]["folders"]) paths.push_back(f["path"].get<std::string>() + ":" + f["depth"].dump());
  EXPECT_EQ(paths, (std::vector<std::string>{"alice/Inbox:1", "alice/Inbox/Sub:2", "alice/Archive:1",
                                             "alice/projects:1", "alice/projects/2024:2", "alice/Sent:1"}));
  const auto& projects = tree[0]["folders"][3];
  EXPECT_TRUE(projects["hasChildren"].get<bool>());
  EXPECT_FALSE(projects["hasMessages"].get<bool>());  // only holds other folders
  EXPECT_TRUE(tree[0]["folders"][5]["sent"].get<bool>());
  EXPECT_FALSE(tree[1]["own"].get<bool>());
  EXPECT_EQ(tree[1]["folders"].size(), 1u);  // carol's folders are not bob's
}

TEST(FolderTree, AnEmptyArchiveIsListedWithoutFolders) {
  const auto tree = folderTree({"dave"}, {"alice/Inbox"}, "dave");
  ASSERT_EQ(tree.size(), 1u);
  EXPECT_TRUE(tree[0]["folders"].empty());
}

TEST(FolderTree, ArchiveNamesMatchRegardlessOfCaseAndOnce) {
  const auto tree = folderTree({"Alice", "alice"}, {"alice/Inbox", "ALICE/Inbox/x"}, "alice");
  ASSERT_EQ(tree.size(), 1u);
  EXPECT_EQ(tree[0]["folders"].size(), 2u);
}

TEST(ShownArchives, EveryArchiveForAdminsTheirOwnFirst) {
  EXPECT_EQ(shownArchives(std::nullopt, {"bob/Inbox", "zed/x", "Admin/Inbox", "bob/Sent"}, "admin"),
            (std::vector<std::string>{"Admin", "bob", "zed"}));
  EXPECT_EQ(shownArchives(std::vector<std::string>{"a", "b"}, {"c/x"}, "a"), (std::vector<std::string>{"a", "b"}));
}

}  // namespace
}  // namespace spe::instance
