// How a profile's run ended: one enum inside the instance, the product's
// names (PRODUCT-SPEC.md 1.10) in the database and in GetWorkerResults.
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "instancehost/instance/model/profiles.h"

namespace spe::instance {
namespace {

TEST(RunResult, EveryResultHasTheProductsNameAndReadsBack) {
  const std::set<std::string> product{
      "running", "succeeded", "completedWithWarnings", "completedWithErrors", "failed", "cancelled", "threadAbort"};
  std::set<std::string> seen;
  for (RunResult r :
       {RunResult::kRunning, RunResult::kSucceeded, RunResult::kCompletedWithWarnings, RunResult::kCompletedWithErrors,
        RunResult::kFailed, RunResult::kCancelled, RunResult::kThreadAbort}) {
    const std::string name = runResultName(r);
    EXPECT_TRUE(product.count(name)) << name;
    EXPECT_EQ(runResultFromName(name), r) << name;
    seen.insert(name);
  }
  EXPECT_EQ(seen, product);  // one name each
}

TEST(RunResult, AStoredNameThisVersionDoesNotKnowReadsAsFailed) {
  for (const char* name : {"", "Succeeded", "disconnected", "running ", "\xff"}) {
    EXPECT_EQ(runResultFromName(name), RunResult::kFailed) << name;
  }
}

}  // namespace
}  // namespace spe::instance
