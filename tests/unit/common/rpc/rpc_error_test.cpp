#include <gtest/gtest.h>

#include "common/rpc/rpc.h"

namespace spe {
namespace {

// Every code survives the trip through an error frame: the caller must be
// able to tell a corrupt index (kCorrupt) from a bug (kInternal).
TEST(RpcErrorJson, EveryCodeRoundTrips) {
  for (std::size_t i = 0; i < kErrorCodeCount; ++i) {
    const auto code = static_cast<ErrorCode>(i);
    const Error back = rpcErrorFromJson(rpcErrorToJson(makeError(code, "message", "details")));
    EXPECT_EQ(back.code, code) << errorCodeName(code);
    EXPECT_EQ(back.message, "message");
    EXPECT_EQ(back.details, "details");
  }
}

TEST(RpcErrorJson, TheCodeTravelsByItsName) {
  EXPECT_EQ(rpcErrorToJson(makeError(ErrorCode::kCorrupt, "m"))["code"], "corrupt");
  EXPECT_EQ(rpcErrorFromJson(Json{{"code", "corrupt"}, {"message", "m"}}).code, ErrorCode::kCorrupt);
}

// A newer peer's code, or none, is kInternal; the message still arrives.
TEST(RpcErrorJson, AnUnknownOrMissingCodeIsInternal) {
  const Error future = rpcErrorFromJson(Json{{"code", "fromTheFuture"}, {"message", "m"}});
  EXPECT_EQ(future.code, ErrorCode::kInternal);
  EXPECT_EQ(future.message, "m");
  EXPECT_EQ(rpcErrorFromJson(Json{{"message", "m"}}).code, ErrorCode::kInternal);
  EXPECT_EQ(rpcErrorFromJson(Json{{"code", 3}, {"message", "m"}}).code, ErrorCode::kInternal);
  EXPECT_EQ(rpcErrorFromJson(Json("not an object")).code, ErrorCode::kInternal);
}

}  // namespace
}  // namespace spe
