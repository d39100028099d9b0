// Pieces of the mail server connectors that need no server: POP3
// dot-unstuffing, archive folder names of IMAP folders, profile details.
#include <gtest/gtest.h>

#include "instancehost/instance/archiving/clients/imap_source.h"
#include "instancehost/instance/archiving/clients/pop3_client.h"
#include "instancehost/instance/archiving/clients/pop3_source.h"

namespace spe::instance {
namespace {

TEST(Pop3, DotUnstuffingKeepsEverythingElse) {
  EXPECT_EQ(pop3Unstuff("a\r\n..b\r\n.c\r\n"), "a\r\n.b\r\nc\r\n");
  EXPECT_EQ(pop3Unstuff("..\r\n"), ".\r\n");
  EXPECT_EQ(pop3Unstuff("x.y\r\nz\r\n"), "x.y\r\nz\r\n");
  EXPECT_EQ(pop3Unstuff(""), "");
}

TEST(ImapFolders, ArchiveNamesUseSlashesAndInbox) {
  EXPECT_EQ(archiveFolderOf({"INBOX", "INBOX", '/', true}), "Inbox");
  EXPECT_EQ(archiveFolderOf({"inbox", "inbox", '.', true}), "Inbox");
  EXPECT_EQ(archiveFolderOf({"INBOX.Sent.2024", "INBOX.Sent.2024", '.', true}), "Inbox/Sent/2024");
  EXPECT_EQ(archiveFolderOf({"Projects.a/b", "Projects.a/b", '.', true}), "Projects/a_b");
  EXPECT_EQ(archiveFolderOf({"Entwürfe", "Entw&APw-rfe", '/', true}), "Entwürfe");
}

TEST(MailSourceDetails, ErrorsNameTheDetail) {
  const Json secrets{{"password", "pw"}};
  Json d{{"host", "mail.example.com"}, {"userName", "u"}, {"targetUserFolder", "u"}};
  auto imap = imapSettings(d, secrets);
  ASSERT_TRUE(imap.ok());
  EXPECT_EQ(imap->connection.port, 993) << "IMAP-SSL by default";
  EXPECT_EQ(imap->connection.timeout, std::chrono::seconds(60));
  d["includeFolders"] = "INBOX; Projects/2024 ,Sent";
  d["since"] = "2024-03-01";
  d["deleteAfterArchive"] = "afterDays";
  d["deleteAfterDays"] = "30";
  imap = imapSettings(d, secrets);
  ASSERT_TRUE(imap.ok()) << imap.error().message;
  EXPECT_EQ(imap->include_folders, (std::vector<std::string>{"INBOX", "Projects/2024", "Sent"}));
  EXPECT_EQ(imap->since, "1-Mar-2024");
  EXPECT_EQ(imap->delete_after_days, 30);
  EXPECT_FALSE(imapSettings(d, Json::object()).ok()) << "no password";
  auto pop = pop3Settings(Json{{"host", "h"}, {"userName", "u"}, {"targetUserFolder", "u"}, {"protocol", "POP3"}},
                          secrets);
  ASSERT_TRUE(pop.ok());
  EXPECT_EQ(pop->connection.port, 110);
  auto injected = pop3Settings(Json{{"host", "h"}, {"userName", "u\r\nDELE 1"}, {"targetUserFolder", "u"}}, secrets);
  ASSERT_FALSE(injected.ok());
  EXPECT_NE(injected.error().message.find("line breaks"), std::string::npos);
}

}  // namespace
}  // namespace spe::instance
