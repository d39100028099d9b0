// Our IMAP client against a real Dovecot: STARTTLS, implicit TLS and plain;
// certificate checks; wrong passwords; the folder hierarchy with the
// server's separator and modified UTF-7 names; UID SEARCH and pipelined
// UID FETCH in batches, byte-identical; deleting; a server that never
// answers.
#include "instancehost/instance/archiving/clients/imap_client.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "common/net/asio.h"
#include "dovecot.h"
#include "test_dir.h"

namespace spe::instance {
namespace {

std::string message(int n, const std::string& extra = {}) {
  return "From: sender" + std::to_string(n) + "@example.com\r\nTo: alice@example.org\r\nSubject: message " +
         std::to_string(n) + "\r\nMessage-ID: <m" + std::to_string(n) + "@example.com>\r\n\r\nBody " +
         std::to_string(n) + " (with \"quotes\" and {braces}\r\n)\r\n" + extra;
}

class ImapClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dovecot = std::make_unique<testing::Dovecot>(dir / "dovecot");
    dovecot->addUser("alice", "secret \"pw\"");
    for (int i = 1; i <= 3; ++i) inbox.push_back(message(i));
    for (const auto& m : inbox) dovecot->addMessage("alice", "INBOX", m);
    dovecot->addMessage("alice", "Sent Items", message(10));
    dovecot->addMessage("alice", "Projects/2024", message(20));
    dovecot->addMessage("alice", "Entw&APw-rfe", message(30), false);
    dovecot->start();
  }

  ImapClient::Options options(ImapClient::Security security = ImapClient::Security::kStartTls) {
    ImapClient::Options o;
    o.host = "localhost";
    o.port = security == ImapClient::Security::kTls ? dovecot->ports().imaps : dovecot->ports().imap;
    o.security = security;
    o.ignore_certificate_errors = true;
    o.user = "alice";
    o.password = "secret \"pw\"";
    o.timeout = std::chrono::seconds(10);
    return o;
  }

  std::unique_ptr<ImapClient> connected(ImapClient::Security security = ImapClient::Security::kStartTls) {
    auto c = ImapClient::connect(options(security));
    EXPECT_TRUE(c.ok()) << (c ? "" : c.error().message) << "\n" << dovecot->log();
    return c ? std::move(*c) : nullptr;
  }

  static ImapFolder find(const std::vector<ImapFolder>& folders, const std::string& name) {
    for (const auto& f : folders) {
      if (f.name == name) return f;
    }
    ADD_FAILURE() << "no folder " << name;
    return {};
  }

  spe::testing::TempDir dir;
  std::unique_ptr<testing::Dovecot> dovecot;
  std::vector<std::string> inbox;
};

TEST_F(ImapClientTest, FoldersWithTheServersSeparatorAndUtf8Names) {
  for (auto security : {ImapClient::Security::kStartTls, ImapClient::Security::kTls, ImapClient::Security::kNone}) {
    auto c = connected(security);
    ASSERT_TRUE(c);
    auto folders = c->list();
    ASSERT_TRUE(folders.ok()) << folders.error().message;
    std::set<std::string> names;
    for (const auto& f : *folders) names.insert(f.name);
    EXPECT_TRUE(names.count("INBOX"));
    EXPECT_TRUE(names.count("Sent Items"));
    EXPECT_TRUE(names.count("Projects/2024"));
    EXPECT_TRUE(names.count("Entwürfe")) << "modified UTF-7 decoded";
    EXPECT_EQ(find(*folders, "Projects/2024").separator, '/');
    EXPECT_EQ(find(*folders, "Entwürfe").wire_name, "Entw&APw-rfe");
    EXPECT_TRUE(c->logout().ok());
  }
}

TEST_F(ImapClientTest, FetchesEveryMessageByteIdenticalInPipelinedBatches) {
  // A large message too (5 MB), in the middle.
  std::string big = message(4, std::string(5 << 20, 'x') + "\r\n");
  dovecot->addMessage("alice", "INBOX", big);
  inbox.push_back(big);
  for (int i = 5; i <= 9; ++i) {
    inbox.push_back(message(i));
    dovecot->addMessage("alice", "INBOX", inbox.back());
  }
  auto c = connected();
  ASSERT_TRUE(c);
  auto folders = c->list();
  ASSERT_TRUE(folders.ok());
  auto state = c->open(find(*folders, "INBOX"), false);
  ASSERT_TRUE(state.ok()) << state.error().message;
  EXPECT_GT(state->uid_validity, 0u);
  EXPECT_EQ(state->exists, 9u);
  auto uids = c->uidsAfter(0);
  ASSERT_TRUE(uids.ok());
  ASSERT_EQ(uids->size(), 9u);
  std::vector<std::string> got;
  ASSERT_TRUE(c->fetch(*uids, 2, [&](ImapMessage&& m) {
                 got.push_back(std::move(m.raw));
                 return true;
               }).ok());
  std::vector<std::string> want = inbox;
  std::sort(want.begin(), want.end());
  std::sort(got.begin(), got.end());
  EXPECT_TRUE(got == want) << "every message, byte for byte";
  // Incremental: nothing after the last UID; the flags were not changed
  // (BODY.PEEK).
  auto after = c->uidsAfter(uids->back());
  ASSERT_TRUE(after.ok());
  EXPECT_TRUE(after->empty());
  auto drafts = find(*folders, "Entwürfe");
  ASSERT_TRUE(c->open(drafts, false).ok());
  bool unseen = false;
  ASSERT_TRUE(c->fetch({1}, 10, [&](ImapMessage&& m) {
                 unseen = std::find(m.flags.begin(), m.flags.end(), "\\Seen") == m.flags.end();
                 return true;
               }).ok());
  EXPECT_TRUE(unseen);
  // Stopping early leaves the connection usable.
  ASSERT_TRUE(c->open(find(*folders, "INBOX"), false).ok());
  int seen = 0;
  ASSERT_TRUE(c->fetch(*uids, 1, [&](ImapMessage&&) { return ++seen < 2; }).ok());
  EXPECT_EQ(seen, 2);
  EXPECT_TRUE(c->uidsAfter(0).ok());
}

TEST_F(ImapClientTest, DeletesOnlyWhatItIsAskedTo) {
  auto c = connected();
  ASSERT_TRUE(c);
  auto folders = c->list();
  ASSERT_TRUE(folders.ok());
  ASSERT_TRUE(c->open(find(*folders, "INBOX"), true).ok());
  auto uids = c->uidsAfter(0);
  ASSERT_TRUE(uids.ok());
  ASSERT_EQ(uids->size(), 3u);
  ASSERT_TRUE(c->remove({(*uids)[0], (*uids)[2]}).ok());
  auto left = c->uidsAfter(0);
  ASSERT_TRUE(left.ok());
  EXPECT_EQ(*left, std::vector<std::uint32_t>{(*uids)[1]});
}

TEST_F(ImapClientTest, ErrorsAProviderCanActOn) {
  auto wrong = options();
  wrong.password = "nope";
  auto refused = ImapClient::connect(wrong);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::kPermissionDenied);
  EXPECT_NE(refused.error().message.find("refused the login of 'alice'"), std::string::npos) << refused.error().message;

  auto strict = options(ImapClient::Security::kTls);
  strict.ignore_certificate_errors = false;
  auto untrusted = ImapClient::connect(strict);
  ASSERT_FALSE(untrusted.ok());
  EXPECT_NE(untrusted.error().message.find("certificate is not trusted"), std::string::npos)
      << untrusted.error().message;
  EXPECT_NE(untrusted.error().message.find("ignoreSSLPolicyErrors"), std::string::npos);

  auto closed = options(ImapClient::Security::kNone);
  closed.port = 1;
  auto nothing = ImapClient::connect(closed);
  ASSERT_FALSE(nothing.ok());
  EXPECT_NE(nothing.error().message.find("connecting to localhost:1"), std::string::npos) << nothing.error().message;

  // A server that accepts and never says a word.
  asio::io_context io;
  tcp::acceptor silent(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  auto mute = options(ImapClient::Security::kNone);
  mute.host = "127.0.0.1";
  mute.port = silent.local_endpoint().port();
  mute.timeout = std::chrono::seconds(1);
  const auto t0 = std::chrono::steady_clock::now();
  auto timed_out = ImapClient::connect(mute);
  ASSERT_FALSE(timed_out.ok());
  EXPECT_NE(timed_out.error().message.find("did not answer within 1 seconds"), std::string::npos)
      << timed_out.error().message;
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(5));
}

TEST(ImapSequenceSet, Ranges) {
  EXPECT_EQ(imapSequenceSet({1, 2, 3, 5, 7, 8, 9}), "1:3,5,7:9");
  EXPECT_EQ(imapSequenceSet({42}), "42");
  EXPECT_EQ(imapSequenceSet({}), "");
}

}  // namespace
}  // namespace spe::instance
