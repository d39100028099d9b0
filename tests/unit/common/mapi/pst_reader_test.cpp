// Reads a real PST when SPE_PST_FIXTURE names one, else enron.pst where
// the e2e test test_pst_import caches the npm package pst-extractor
// (SPE_CORPUS_DIR, default ~/.cache/spe-corpus); skipped when neither exists.
#include "common/mapi/pst_reader.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <map>

#include "common/mapi/mime_builder.h"

namespace spe::mapi {
namespace {

TEST(PstReader, MessageClasses) {
  EXPECT_TRUE(isMailMessageClass("IPM.Note"));
  EXPECT_TRUE(isMailMessageClass("IPM.Schedule.Meeting.Request"));
  EXPECT_TRUE(isMailMessageClass("IPM.TaskRequest.Accept"));
  EXPECT_TRUE(isMailMessageClass("REPORT.IPM.Note.NDR"));
  EXPECT_TRUE(isMailMessageClass(""));
  EXPECT_EQ(skipReason("IPM.Contact"), "a contact (IPM.Contact)");
  EXPECT_FALSE(isMailMessageClass("IPM.Appointment"));
  EXPECT_FALSE(isMailMessageClass("ipm.task"));
  EXPECT_FALSE(isMailMessageClass("IPM.DistList"));
}

TEST(PstReader, NotAPstIsRefused) {
  auto r = PstReader::open("/proc/self/cmdline");
  ASSERT_FALSE(r);
  auto missing = PstReader::open("/nonexistent/file.pst");
  ASSERT_FALSE(missing);
}

TEST(PstReader, EnronFixture) {
  std::string path;
  if (const char* env = std::getenv("SPE_PST_FIXTURE")) {
    path = env;
  } else {
    const char* cache = std::getenv("SPE_CORPUS_DIR");
    const char* home = std::getenv("HOME");
    const std::string dir = cache ? cache : std::string(home ? home : "/root") + "/.cache/spe-corpus";
    path = dir + "/pst-extractor@1.12.0/package/example/testdata/enron.pst";
  }
  if (!std::filesystem::exists(path)) GTEST_SKIP() << "no " << path << " (set SPE_PST_FIXTURE or run test_pst_import)";
  auto reader = PstReader::open(path);
  ASSERT_TRUE(reader) << reader.error().message;
  std::map<std::string, int> per_folder;
  int converted = 0;
  ASSERT_TRUE((*reader)->forEach([&](PstItem&& item) {
    EXPECT_TRUE(item.error.empty()) << item.folder << " #" << item.index << ": " << item.error;
    if (item.message) {
      ++per_folder[item.folder];
      auto mime = toRfc5322(*item.message);
      EXPECT_TRUE(mime);
      if (mime) ++converted;
    }
    return true;
  }));
  EXPECT_EQ(per_folder["lokay-m/MLOKAY (Non-Privileged)/Personal"], 47);
  EXPECT_EQ(per_folder["lokay-m/MLOKAY (Non-Privileged)/TW-Commercial Group"], 14);
  EXPECT_EQ(converted, 71);
}

}  // namespace
}  // namespace spe::mapi
