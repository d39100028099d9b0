// MessageSkeleton (common/mime/message_skeleton.h): the attachments found in
// a message's skeleton are the ones found in the message (same place, type,
// name, encoding and part), for every message of the MIME fuzz corpora and
// for big messages of every shape, whatever pieces the message comes in;
// and the skeleton of a big message stays small.
#include "common/mime/message_skeleton.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace spe::mime {
namespace {

MessageSkeleton skeletonOf(std::string_view raw, std::size_t piece, std::size_t run_keep) {
  MessageSkeleton s(run_keep);
  for (std::size_t at = 0; at < raw.size(); at += piece) s.add(raw.substr(at, piece));
  s.finish();
  return s;
}

// Every attachment of `raw` found in its skeleton as in the message itself; the number compared.
std::size_t expectSamePlaces(const std::string& raw, std::size_t piece, std::size_t run_keep, const std::string& what) {
  const MessageSkeleton s = skeletonOf(raw, piece, run_keep);
  EXPECT_EQ(s.rawOffset(s.text().size()), raw.size()) << what;
  std::size_t n = 0;
  for (;; ++n) {
    const auto expected = messageAttachmentPlace(raw, n);
    const auto found = skeletonAttachmentPlace(s, n);
    EXPECT_EQ(found.has_value(), expected.has_value()) << what << " attachment " << n;
    if (!expected || !found) break;
    EXPECT_EQ(found->begin, expected->begin) << what << " attachment " << n;
    EXPECT_EQ(found->end, expected->end) << what << " attachment " << n;
    EXPECT_EQ(found->encoding, expected->encoding) << what << " attachment " << n;
    EXPECT_EQ(found->info.name, expected->info.name) << what << " attachment " << n;
    EXPECT_EQ(found->info.content_type, expected->info.content_type) << what << " attachment " << n;
    EXPECT_EQ(found->info.part, expected->info.part) << what << " attachment " << n;
  }
  return n;
}

std::string base64Lines(std::size_t lines, const std::string& eol) {
  std::string out;
  for (std::size_t i = 0; i < lines; ++i) out += std::string(76, static_cast<char>('A' + i % 26)) + eol;
  return out;
}

// Big messages of the shapes that matter, with CRLF or LF line ends.
std::vector<std::pair<std::string, std::string>> bigMessages(const std::string& eol) {
  const std::string big = base64Lines(40000, eol);  // about 3 MB
  std::vector<std::pair<std::string, std::string>> out;
  auto header = [&](const std::string& boundary) {
    return "From: a@example.com" + eol + "Subject: big" + eol + "MIME-Version: 1.0" + eol +
           "Content-Type: multipart/mixed; boundary=\"" + boundary + "\"" + eol + eol;
  };
  auto part = [&](const std::string& boundary, const std::string& type, const std::string& name,
                  const std::string& body) {
    return "--" + boundary + eol + "Content-Type: " + type + eol + "Content-Disposition: attachment; filename=\"" +
           name + "\"" + eol + "Content-Transfer-Encoding: base64" + eol + eol + body;
  };
  out.push_back({"two attachments", header("b") + "--b" + eol + "Content-Type: text/plain" + eol + eol + "Hello" + eol +
                                        eol + "world" + eol + part("b", "image/png", "a.png", big) +
                                        part("b", "application/pdf", "b.pdf", big) + "--b--" + eol});
  out.push_back({"no closing boundary, no final line end",
                 header("b") + part("b", "image/png", "a.png", big) + part("b", "text/plain", "c.txt", "tail")});
  std::string binary(2 << 20, 'z');  // 2 MB on one line, with a "--" and a lone CR inside
  binary[1000] = '-';
  binary[1001] = '-';
  binary[5000] = '\r';
  out.push_back({"a binary line", header("b") + "--b" + eol + "Content-Type: application/octet-stream" + eol +
                                      "Content-Disposition: attachment; filename=bin" + eol + eol + binary + eol +
                                      "--b--" + eol});
  out.push_back({"an attached message with an attachment",
                 header("outer") + "--outer" + eol + "Content-Type: message/rfc822" + eol + eol + header("inner") +
                     part("inner", "image/gif", "in.gif", big) + "--inner--" + eol +
                     part("outer", "image/png", "o.png", big) + "--outer--" + eol});
  out.push_back({"an inner multipart reusing the boundary",
                 header("b") + "--b" + eol + "Content-Type: multipart/mixed; boundary=b" + eol + eol +
                     part("b", "image/png", "r.png", big) + "--b--" + eol + part("b", "image/jpeg", "s.jpg", big) +
                     "--b--" + eol});
  std::string dashes;
  for (int i = 0; i < 2000; ++i) dashes += "-- not a boundary " + std::to_string(i) + eol + "text" + eol + eol;
  out.push_back({"many dash lines and blank lines", header("b") + part("b", "text/plain", "d.txt", dashes + big) +
                                                        part("b", "image/png", "e.png", big) + "--b--" + eol});
  out.push_back({"empty lines in base64 and spaces before the boundary",
                 header("b") + part("b", "image/png", "f.png", big + eol + eol + "   " + eol) +
                     part("b", "image/png", "g.png", big) + "--b--  " + eol});
  out.push_back({"not multipart", "Subject: single" + eol + "Content-Type: image/png" + eol +
                                      "Content-Disposition: attachment; filename=one.png" + eol +
                                      "Content-Transfer-Encoding: base64" + eol + eol + big});
  return out;
}

TEST(MessageSkeleton, BigMessagesKeepTheirPlacesAndStaySmall) {
  for (const std::string eol : {"\r\n", "\n"}) {
    for (const auto& [what, raw] : bigMessages(eol)) {
      for (std::size_t piece : {std::size_t{1} << 20, std::size_t{4093}, std::size_t{77}}) {
        EXPECT_GT(expectSamePlaces(raw, piece, 4096, what), 0u) << what;
      }
      const MessageSkeleton s = skeletonOf(raw, 65536, 4096);
      EXPECT_LT(s.text().size(), 200u * 1024) << what << ": " << raw.size() << " bytes";
    }
  }
}

TEST(MessageSkeleton, SmallMessagesAreKeptWhole) {
  const std::string raw = "Subject: x\r\n\r\nbody\r\n";
  const MessageSkeleton s = skeletonOf(raw, 3, 1 << 20);
  EXPECT_EQ(s.text(), raw);
  EXPECT_EQ(s.rawOffset(5), 5u);
}

TEST(MessageSkeleton, EveryCorpusMessageKeepsItsPlaces) {
  const std::filesystem::path fuzz = SPE_MIME_CORPORA;
  std::size_t messages = 0;
  for (const char* corpus : {"message_view_corpus", "mime_structure_corpus"}) {
    for (const auto& entry : std::filesystem::directory_iterator(fuzz / corpus)) {
      std::ifstream in(entry.path(), std::ios::binary);
      std::stringstream bytes;
      bytes << in.rdbuf();
      const std::string raw = bytes.str();
      for (std::size_t piece : {std::size_t{1}, std::size_t{5}, std::size_t{4096}}) {
        expectSamePlaces(raw, piece, 256, entry.path().filename().string());
      }
      ++messages;
    }
  }
  EXPECT_GT(messages, 100u);
}

}  // namespace
}  // namespace spe::mime
