// Export writers (access/web/export_writers.h): mboxrd quoting that gives
// every message back byte for byte, entry names that are safe on every
// file system, and a zip writer that hands out its bytes as it goes.
#include "instancehost/instance/export/export_writers.h"

#include <archive.h>
#include <archive_entry.h>
#include <gtest/gtest.h>

#include <map>
#include <random>

namespace spe::instance {
namespace {

// Reads an mboxrd entry back: drops the "From " line and the blank line
// after the message, and one '>' of each ">*From " line.
std::string unquote(const std::string& entry) {
  std::string body = entry.substr(entry.find('\n') + 1);
  body.pop_back();  // the blank line between messages
  std::string out;
  std::size_t at = 0;
  while (at < body.size()) {
    auto end = body.find('\n', at);
    end = end == std::string::npos ? body.size() : end + 1;
    std::string line = body.substr(at, end - at);
    const auto first = line.find_first_not_of('>');
    if (first != std::string::npos && first > 0 && line.compare(first, 5, "From ") == 0) line.erase(0, 1);
    out += line;
    at = end;
  }
  return out;
}

TEST(ExportWritersTest, MboxrdQuotesEveryFromLineAndComesBackByteForByte) {
  const std::string messages[] = {
      "Subject: a\r\n\r\nFrom here on\r\n>From there\r\n>>From far\r\nFromage\r\n",
      "Subject: b\n\nFrom \n",
      "Subject: no line end at the end\r\n\r\nlast From line",
      "From the very start\r\n\r\nbody\r\n",
  };
  for (const auto& m : messages) {
    const std::string entry = mboxrdEntry(0, m);
    EXPECT_EQ(entry.rfind("From MAILER-DAEMON Thu Jan  1 00:00:00 1970\n", 0), 0u) << entry;
    // No line of the entry but its first starts with "From ".
    EXPECT_EQ(entry.find("\nFrom "), std::string::npos) << entry;
    const std::string back = unquote(entry);
    const std::string expected = m.back() == '\n' ? m : m + "\n";  // a line end is added when missing
    EXPECT_EQ(back, expected);
  }
  EXPECT_NE(mboxrdEntry(0, "Subject: x\r\n\r\nFrom a\r\n").find("\r\n>From a\r\n"), std::string::npos);
}

// Writes `raw` as one entry of `writer`, in pieces of `piece` bytes.
std::string inPieces(ExportWriter& writer, const std::string& name, const std::string& raw, std::size_t piece) {
  std::string out;
  EXPECT_TRUE(writer.begin(name, 0, raw.size(), out));
  for (std::size_t at = 0; at < raw.size(); at += piece) {
    EXPECT_TRUE(writer.write(std::string_view(raw).substr(at, piece), out));
  }
  EXPECT_TRUE(writer.end(out));
  return out;
}

TEST(ExportWritersTest, MboxrdGivenInPiecesIsTheSameWhereverThePiecesEnd) {
  const std::string messages[] = {
      "Subject: a\r\n\r\nFrom here on\r\n>From there\r\n>>From far\r\nFromage\r\nFro\r\n>>>>Fr\r\n",
      "From the very start\r\n\r\nbody\r\n",
      "Subject: b\n\nFrom \n>\n\n>>>\nFrom",
      "Subject: ends in a started From\r\n\r\nFro",
      "",
  };
  for (const auto& m : messages) {
    const std::string whole = mboxrdEntry(0, m);
    for (std::size_t piece : {1, 2, 3, 4, 5, 6, 7, 13, 64}) {
      auto mbox = makeMboxWriter();
      EXPECT_EQ(inPieces(*mbox, "", m, piece), whole) << piece << " " << m;
    }
  }
}

// The entries of a zip read back with libarchive: name -> bytes.
std::map<std::string, std::string> unzip(const std::string& zip) {
  std::map<std::string, std::string> entries;
  archive* a = archive_read_new();
  archive_read_support_format_zip(a);
  EXPECT_EQ(archive_read_open_memory(a, zip.data(), zip.size()), ARCHIVE_OK);
  archive_entry* entry = nullptr;
  while (archive_read_next_header(a, &entry) == ARCHIVE_OK) {
    std::string data;
    char buf[65536];
    for (la_ssize_t n; (n = archive_read_data(a, buf, sizeof buf)) > 0;) data.append(buf, static_cast<std::size_t>(n));
    entries[archive_entry_pathname(entry)] = data;
  }
  archive_read_free(a);
  return entries;
}

TEST(ExportWritersTest, AZipOfMessagesGivenInPiecesReadsBackByteForByte) {
  std::mt19937 rng(3);
  std::string noise(3 << 20, '\0');
  for (auto& c : noise) c = static_cast<char>(rng());
  const std::string text = std::string(1 << 20, 'x') + "From the middle\r\n";
  for (std::size_t piece : {std::size_t{1000}, std::size_t{65536}, std::size_t{1} << 20}) {
    auto zip = makeZipWriter();
    std::string out = inPieces(*zip, "a/000001 noise.eml", noise, piece);
    out += inPieces(*zip, "a/000002 text.eml", text, piece);
    out += inPieces(*zip, "a/000003 empty.eml", "", piece);
    ASSERT_TRUE(zip->finish(out));
    const auto entries = unzip(out);
    ASSERT_EQ(entries.size(), 3u) << piece;
    EXPECT_TRUE(entries.at("a/000001 noise.eml") == noise) << piece;
    EXPECT_TRUE(entries.at("a/000002 text.eml") == text) << piece;
    EXPECT_EQ(entries.at("a/000003 empty.eml"), "") << piece;
  }
}

TEST(ExportWritersTest, EntryNamesAreSafeOnEveryFileSystem) {
  EXPECT_EQ(exportEntryName("alice/Inbox", 1, "Hello"), "alice/Inbox/000001 Hello.eml");
  EXPECT_EQ(exportEntryName("alice/../..", 2, "x"), "alice/000002 x.eml");
  EXPECT_EQ(exportEntryName("/abs//path/", 3, ""), "abs/path/000003.eml");
  EXPECT_EQ(exportEntryName("a", 4, "re: \"what?\" <x>|y\\z/w*\r\nSet-Cookie"),
            "a/000004 re_ _what__ _x__y_z_w___Set-Cookie.eml");
  EXPECT_EQ(exportEntryName(".hidden", 5, "...dots"), "hidden/000005 dots.eml");
  const std::string umlauts(100, 'a');
  const std::string cut = exportEntryName("f", 6, umlauts.substr(0, 79) + "\xC3\xA4\xC3\xB6");  // ä cut in half at 80
  EXPECT_EQ(cut, "f/000006 " + umlauts.substr(0, 79) + ".eml");
}

TEST(ExportWritersTest, TheZipWriterHandsOutItsBytesAsItGoes) {
  auto zip = makeZipWriter();
  std::string first, second, end;
  ASSERT_TRUE(zip->add("a/000001 x.eml", 0, std::string(100000, 'x'), first));
  ASSERT_TRUE(zip->add("a/000002 y.eml", 0, "Subject: y\r\n\r\ny\r\n", second));
  ASSERT_TRUE(zip->finish(end));
  EXPECT_EQ(first.rfind("PK\x03\x04", 0), 0u);           // a local file header at once
  EXPECT_LT(first.size(), 5000u);                        // deflated, not held back
  EXPECT_NE(end.find("PK\x05\x06"), std::string::npos);  // the end of the central directory
  EXPECT_EQ(zip->extension(), "zip");
  // Names that are not ASCII go as UTF-8, flagged so (general purpose bit 11).
  auto utf8 = makeZipWriter();
  std::string named;
  ASSERT_TRUE(
      utf8->add("B\xC3\xBCro/000001 Gr\xC3\xBC\xC3\x9F"
                "e.eml",
                0, "x", named));
  ASSERT_GE(named.size(), 30u);
  EXPECT_NE(named.find("B\xC3\xBCro/000001 Gr\xC3\xBC\xC3\x9F"
                       "e.eml"),
            std::string::npos);
  const unsigned flags = static_cast<unsigned char>(named[6]) | (static_cast<unsigned char>(named[7]) << 8);
  EXPECT_TRUE(flags & 0x800) << flags;
  EXPECT_EQ(makeMboxWriter()->contentType(), "application/mbox");
}

}  // namespace
}  // namespace spe::instance
