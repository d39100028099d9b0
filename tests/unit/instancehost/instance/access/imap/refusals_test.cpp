#include "instancehost/instance/access/imap/refusals.h"

#include <gtest/gtest.h>

#include <string>

namespace spe::instance {
namespace {

TEST(ImapRefusals, EveryCodeGetsAStatusAndTheCodesClientsActOn) {
  for (std::size_t i = 0; i < kErrorCodeCount; ++i) {
    const ImapRefusal r = imapRefusalFor(static_cast<ErrorCode>(i));
    const std::string status = r.status;
    EXPECT_TRUE(status == "NO" || status == "BAD") << errorCodeName(static_cast<ErrorCode>(i));
  }
  EXPECT_STREQ(imapRefusalFor(ErrorCode::kInvalidArgument).status, "BAD");
  EXPECT_STREQ(imapRefusalFor(ErrorCode::kNotFound).response_code, "NONEXISTENT");
  EXPECT_STREQ(imapRefusalFor(ErrorCode::kUnauthenticated).response_code, "AUTHENTICATIONFAILED");
  EXPECT_STREQ(imapRefusalFor(ErrorCode::kResourceExhausted).response_code, "LIMIT");
  // A damaged index is the server's problem, never the client's request.
  EXPECT_STREQ(imapRefusalFor(ErrorCode::kCorrupt).response_code, "SERVERBUG");
}

TEST(ImapRefusals, TheTextCarriesTheCodeBeforeTheMessageAsItIs) {
  EXPECT_EQ(imapRefusalText(makeError(ErrorCode::kNotFound, "No mailbox \"x\".")), "[NONEXISTENT] No mailbox \"x\".");
  EXPECT_EQ(imapRefusalText(makeError(ErrorCode::kCancelled, "Cancelled.")), "Cancelled.");
}

TEST(ImapRefusals, TheArchiveRefusesEveryCommandThatWouldChangeMail) {
  for (const char* c : {"APPEND", "STORE", "COPY", "MOVE", "EXPUNGE", "CREATE", "DELETE", "RENAME"}) {
    EXPECT_TRUE(isWriteCommand(c)) << c;
  }
  for (const char* c : {"FETCH", "SEARCH", "SELECT", "EXAMINE", "LIST", "append"}) EXPECT_FALSE(isWriteCommand(c)) << c;
  const Error e = readOnlyRefusal("STORE");
  EXPECT_EQ(e.code, ErrorCode::kNotSupported);
  EXPECT_EQ(imapRefusalText(e), "[CANNOT] The archive is read-only: STORE is not possible.");
}

}  // namespace
}  // namespace spe::instance
