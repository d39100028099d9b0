// A message as Web Access shows it (common/mime/message_view.h): decoded
// headers, the first text and HTML bodies in UTF-8, attachments listed and
// taken out decoded under the same index, and what a message GMime cannot
// read shows.
#include "common/mime/message_view.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <sstream>
#include <string>
#include <utility>

#include "common/mime/mime_structure.h"

namespace spe::mime {
namespace {

const std::string kMixed =
    "From: =?utf-8?q?J=C3=BCrgen?= <j@example.com>\r\nTo: a@example.com\r\nCc: c@example.com\r\n"
    "Bcc: b@example.com\r\nReply-To: r@example.com\r\nSubject: =?iso-8859-1?q?Gr=FC=DFe?=\r\n"
    "Date: Mon, 01 Jan 2024 12:00:00 +0000\r\nContent-Type: multipart/mixed; boundary=m\r\n\r\n"
    "--m\r\nContent-Type: multipart/alternative; boundary=a\r\n\r\n"
    "--a\r\nContent-Type: text/plain; charset=iso-8859-1\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"
    "caf=E9\r\n--a\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>caf\xC3\xA9</p>\r\n--a--\r\n"
    "--m\r\nContent-Type: image/png\r\nContent-Disposition: attachment; filename=\"pixel.png\"\r\n"
    "Content-Transfer-Encoding: base64\r\n\r\niVBORw0KGgo=\r\n"
    "--m\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment\r\n\r\nraw bytes\r\n"
    "--m\r\nContent-Type: message/rfc822\r\n\r\nSubject: inner\r\n\r\ninner body\r\n"
    "--m\r\nContent-Type: text/plain\r\n\r\na second inline text part\r\n--m--\r\n";

TEST(MessageView, HeadersDecoded) {
  const MessageView v = viewMessage(kMixed);
  EXPECT_EQ(v.subject,
            "Gr\xC3\xBC\xC3\x9F"
            "e");
  EXPECT_EQ(v.from, "J\xC3\xBCrgen <j@example.com>");
  EXPECT_EQ(v.to, "a@example.com");
  EXPECT_EQ(v.cc, "c@example.com");
  EXPECT_EQ(v.bcc, "b@example.com");
  EXPECT_EQ(v.reply_to, "r@example.com");
  EXPECT_EQ(v.date, 1704110400);
}

TEST(MessageView, FirstTextAndHtmlBodiesInUtf8) {
  const MessageView v = viewMessage(kMixed);
  EXPECT_EQ(v.text, "caf\xC3\xA9") << "quoted-printable Latin-1 decoded; the CRLF belongs to the boundary";
  EXPECT_EQ(v.html, "<p>caf\xC3\xA9</p>");
}

TEST(MessageView, AttachmentsListedWithDecodedSizes) {
  const MessageView v = viewMessage(kMixed);
  ASSERT_EQ(v.attachments.size(), 3u) << "the second inline text part is part of the body";
  EXPECT_EQ(v.attachments[0].name, "pixel.png");
  EXPECT_EQ(v.attachments[0].content_type, "image/png");
  EXPECT_EQ(v.attachments[0].size, 8u) << "base64 decoded";
  EXPECT_EQ(v.attachments[1].name, "attachment-2") << "a part without a name";
  EXPECT_EQ(v.attachments[1].size, 9u);
  EXPECT_EQ(v.attachments[2].name, "inner.eml") << "an attached message is named by its subject";
  EXPECT_EQ(v.attachments[2].content_type, "message/rfc822");
}

TEST(MessageView, AttachmentsTakenOutUnderTheSameIndex) {
  const MessageView v = viewMessage(kMixed);
  for (std::size_t i = 0; i < v.attachments.size(); ++i) {
    const auto a = messageAttachment(kMixed, i);
    ASSERT_TRUE(a) << i;
    EXPECT_EQ(a->first.name, v.attachments[i].name);
    EXPECT_EQ(a->first.content_type, v.attachments[i].content_type);
    EXPECT_EQ(a->first.size, v.attachments[i].size);
    EXPECT_EQ(a->first.part, v.attachments[i].part);
    EXPECT_EQ(a->second.size(), a->first.size);
  }
  EXPECT_EQ(messageAttachment(kMixed, 0)->second, std::string("\x89PNG\r\n\x1A\n", 8));
  EXPECT_EQ(messageAttachment(kMixed, 1)->second, "raw bytes");
  EXPECT_NE(messageAttachment(kMixed, 2)->second.find("inner body"), std::string::npos);
  EXPECT_FALSE(messageAttachment(kMixed, 3));
  EXPECT_FALSE(messageAttachment(kMixed, static_cast<std::size_t>(-1)));
}

TEST(MessageView, AttachmentsCarryTheirImapPartNumbers) {
  const MessageView v = viewMessage(kMixed);
  ASSERT_EQ(v.attachments.size(), 3u);
  EXPECT_EQ(v.attachments[0].part, "2");
  EXPECT_EQ(v.attachments[1].part, "3");
  EXPECT_EQ(v.attachments[2].part, "4");
  EXPECT_EQ(messageAttachment(kMixed, 2)->first.part, "4");
  const MessageView single = viewMessage("Content-Type: application/pdf; name=a.pdf\r\n\r\nPDF");
  ASSERT_EQ(single.attachments.size(), 1u);
  EXPECT_EQ(single.attachments[0].part, "1") << "the body of a message that is not multipart is part 1";
}

// The attachments as "part:name:type:size", and each part number checked
// against the IMAP walk: it names a part of that type there.
std::string listed(const std::string& raw) {
  const MimeEntity top = parseMimeStructure(raw);
  std::string out;
  for (const auto& a : viewMessage(raw).attachments) {
    std::vector<int> path;
    std::stringstream numbers(a.part);
    for (std::string n; std::getline(numbers, n, '.');) path.push_back(std::stoi(n));
    const MimeEntity* part = findMimePart(top, path);
    if (!part || part->type + "/" + part->subtype != a.content_type)
      return "part " + a.part + " is not " + a.content_type;
    out += (out.empty() ? "" : " ; ") + a.part + ":" + a.name + ":" + a.content_type + ":" + std::to_string(a.size);
  }
  return out;
}

TEST(MessageView, TheSameStructureAsBodystructureForOddShapes) {
  struct Case {
    const char* what;
    std::string raw, attachments;
  };
  const Case cases[] = {
      {"a nested multipart reusing the outer boundary",
       "Subject: m1\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: multipart/alternative; "
       "boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\none\r\n--b\r\nContent-Type: "
       "text/html\r\n\r\n<p>two</p>"
       "\r\n--b--\r\n--b\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; filename=a.pdf\r\n\r\n"
       "PDF\r\n--b--\r\n",
       "2:a.pdf:application/pdf:3"},
      {"a header without a blank line (all header: empty)",
       "Subject: m2\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nbody\r\n"
       "--b\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment; filename=x.bin\r\nDATA\r\n"
       "--b\r\nContent-Type: application/pdf; name=y.pdf\r\n\r\nPDF\r\n--b--\r\n",
       "2:x.bin:application/octet-stream:0 ; 3:y.pdf:application/pdf:3"},
      {"an inner multipart without its closing delimiter",
       "Subject: m3\r\nContent-Type: multipart/mixed; boundary=a\r\n\r\n--a\r\nContent-Type: multipart/alternative; "
       "boundary=b\r\n\r\n--b\r\n\r\none\r\n--a\r\nContent-Type: image/gif; name=g.gif\r\n\r\nGIF\r\n--a--\r\n",
       "2:g.gif:image/gif:3"},
      {"an attached message whose multipart reuses the outer boundary (taken out as archived: 120 bytes)",
       "Subject: m4\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n\r\nbody\r\n--b\r\nContent-Type: "
       "message/rfc822\r\n\r\nSubject: in\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: "
       "application/zip; name=z.zip\r\n\r\nZIP\r\n--b--\r\n--b\r\nContent-Type: text/csv; "
       "name=t.csv\r\n\r\na,b\r\n--b--\r\n",
       "2:in.eml:message/rfc822:120 ; 3:t.csv:text/csv:3"},
      {"an empty part between two delimiters, a last part without a line break or closing delimiter",
       "Subject: m6\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n\r\nbody\r\n--b\r\nContent-Type: "
       "application/pdf; name=p.pdf\r\nContent-Transfer-Encoding: base64\r\n\r\nUERG\r\n--b\r\n--b\r\nContent-Type: "
       "image/png; name=i.png\r\n\r\nPNG",
       "2:p.pdf:application/pdf:3 ; 4:i.png:image/png:3"},
      {"a digest: parts without a type are messages",
       "Subject: d\r\nContent-Type: multipart/digest; boundary=d\r\n\r\n--d\r\n\r\nSubject: one\r\n\r\nfirst\r\n"
       "--d\r\n\r\nSubject: =?UTF-8?Q?zw=C3=B6lf?=\r\n\r\nsecond\r\n--d--\r\n",
       "1:one.eml:message/rfc822:21 ; 2:zw\xC3\xB6lf.eml:message/rfc822:41"},
  };
  for (const auto& c : cases) EXPECT_EQ(listed(c.raw), c.attachments) << c.what;
}

TEST(MessageView, AnAttachedMessageIsTakenOutAsArchived) {
  const std::string inner = "Subject: in\r\nX-Odd:   spacing kept\r\n\r\nbody";
  const std::string raw =
      "Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: message/rfc822\r\n\r\n" + inner +
      "\r\n--b--\r\n";
  const auto a = messageAttachment(raw, 0);
  ASSERT_TRUE(a);
  EXPECT_EQ(a->second, inner) << "GMime's copy was re-serialised";
  EXPECT_EQ(a->first.size, inner.size());
}

TEST(MessageView, AnAttachedMessageWithoutSubjectIsMessageEml) {
  const MessageView v = viewMessage(
      "Content-Type: multipart/mixed; boundary=m\r\n\r\n--m\r\nContent-Type: message/rfc822\r\n\r\n"
      "From: x@example.com\r\n\r\nbody\r\n--m--\r\n");
  ASSERT_EQ(v.attachments.size(), 1u);
  EXPECT_EQ(v.attachments[0].name, "message.eml");
}

TEST(MessageView, AnInlinePartWithAFileNameIsAnAttachment) {
  const MessageView v = viewMessage("Content-Type: text/plain; name=notes.txt\r\n\r\nthe notes\r\n");
  EXPECT_EQ(v.text, "");
  ASSERT_EQ(v.attachments.size(), 1u);
  EXPECT_EQ(v.attachments[0].name, "notes.txt");
}

TEST(MessageView, TextWithoutAHeaderShowsAsItIs) {
  const MessageView v = viewMessage("just some text\r\n");
  EXPECT_TRUE(v.attachments.empty());
  EXPECT_NE(v.text.find("just some text"), std::string::npos);
}

TEST(MessageView, EmptyMessage) {
  const MessageView v = viewMessage("");
  EXPECT_EQ(v.subject, "");
  EXPECT_EQ(v.text, "");
  EXPECT_TRUE(v.attachments.empty());
  EXPECT_FALSE(messageAttachment("", 0));
}

TEST(MessageView, DeepMultipartNestingIsCutNotFollowed) {
  std::string raw;
  for (int i = 0; i < 60; ++i)
    raw += "Content-Type: multipart/mixed; boundary=b" + std::to_string(i) + "\r\n\r\n--b" + std::to_string(i) + "\r\n";
  raw += "Content-Type: application/octet-stream\r\n\r\ndeep\r\n";
  const MessageView v = viewMessage(raw);
  EXPECT_TRUE(v.attachments.empty()) << "parts below 32 levels are not listed";
}

// Attachments streamed (messageAttachmentStream): for each input below, the
// pieces joined are messageAttachment's bytes and the expected ones, the size
// is known before the first piece and is viewMessage's, and every piece is 1
// to `piece` bytes, with pieces so small that slice borders land on every
// byte of the encoding.
const std::size_t kPieces[] = {1, 3, 4, 57, 1000, std::size_t{1} << 20};

// The attachment's place, and its bytes decoded from the encoded range
// given in chunks of several sizes: the same pieces as from the message.
void expectDecodedFromChunks(const std::string& raw, std::size_t index, std::size_t piece,
                             const std::string& expected) {
  const auto place = messageAttachmentPlace(raw, index);
  ASSERT_TRUE(place);
  EXPECT_EQ(place->info.size, expected.size());
  ASSERT_LE(place->begin, place->end);
  ASSERT_LE(place->end, raw.size());
  std::vector<std::string> from_message;
  auto stream = messageAttachmentStream(raw, index, piece);
  while (auto bytes = stream->next()) from_message.push_back(*bytes);
  for (const std::size_t chunk : {std::size_t{1}, std::size_t{5}, std::size_t{4096}, std::size_t{1} << 20}) {
    if (chunk < 4096 && raw.size() > 100000) continue;  // byte by byte only for small messages
    std::size_t at = place->begin;
    auto next = attachmentDecoder(
        *place,
        [&]() -> std::optional<std::string> {
          if (at >= place->end) return std::nullopt;
          const std::size_t n = std::min(chunk, place->end - at);
          at += n;
          return raw.substr(at - n, n);
        },
        piece);
    std::vector<std::string> pieces;
    while (auto bytes = next()) pieces.push_back(*bytes);
    EXPECT_EQ(pieces, from_message) << "piece " << piece << ", chunk " << chunk;
  }
}

void expectTakenOut(const std::string& raw, std::size_t index, const std::string& expected, const std::string& what) {
  SCOPED_TRACE(what);
  const auto whole = messageAttachment(raw, index);
  ASSERT_TRUE(whole);
  EXPECT_EQ(whole->second, expected);
  EXPECT_EQ(whole->first.size, expected.size());
  const MessageView view = viewMessage(raw);
  ASSERT_GT(view.attachments.size(), index);
  EXPECT_EQ(view.attachments[index].size, expected.size());
  for (const std::size_t piece : kPieces) {
    auto stream = messageAttachmentStream(raw, index, piece);
    ASSERT_TRUE(stream) << piece;
    EXPECT_EQ(stream->info.size, expected.size()) << "known before the first piece";
    EXPECT_EQ(stream->info.name, whole->first.name);
    EXPECT_EQ(stream->info.content_type, whole->first.content_type);
    EXPECT_EQ(stream->info.part, whole->first.part);
    std::string joined;
    while (auto bytes = stream->next()) {
      EXPECT_GE(bytes->size(), 1u);
      EXPECT_LE(bytes->size(), piece);
      joined += *bytes;
    }
    EXPECT_FALSE(stream->next()) << "the end stays the end";
    EXPECT_EQ(joined, expected) << "piece " << piece;
    expectDecodedFromChunks(raw, index, piece, expected);
  }
}

// A message whose body is a text part and whose attachment 0 (part 2) has
// these header lines and this body, with these line ends.
std::string withAttachment(const std::string& header, const std::string& body, const std::string& nl = "\r\n") {
  return "Subject: s" + nl + "Content-Type: multipart/mixed; boundary=b" + nl + nl + "--b" + nl +
         "Content-Type: text/plain" + nl + nl + "the body" + nl + "--b" + nl + header + nl + body + nl + "--b--" + nl;
}

std::string payload(std::size_t size) {
  std::string out(size, '\0');
  for (std::size_t i = 0; i < size; ++i) out[i] = static_cast<char>((i * 7 + i / 256) & 0xFF);
  return out;
}

std::string base64(const std::string& bytes, const std::string& nl, std::size_t line = 76) {
  static const char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  for (std::size_t i = 0; i < bytes.size(); i += 3) {
    std::uint32_t group = 0;
    for (std::size_t k = 0; k < 3; ++k) group = group << 8 | (i + k < bytes.size() ? std::uint8_t(bytes[i + k]) : 0u);
    for (std::size_t k = 0; k < 4; ++k) out += k <= bytes.size() - i ? kAlphabet[(group >> (18 - 6 * k)) & 63] : '=';
    if ((i / 3 + 1) % (line / 4) == 0) out += nl;
  }
  return out;
}

TEST(MessageViewStream, Base64WithEitherLineEndJunkAndMissingPadding) {
  for (const std::size_t size : {0u, 1u, 2u, 3u, 4u, 5u, 100u, 1000u, 4097u}) {
    const std::string bytes = payload(size);
    for (const std::string nl : {"\r\n", "\n"}) {
      const std::string header = "Content-Type: image/png; name=p.png" + nl + "Content-Transfer-Encoding: base64" + nl;
      const std::string clean = base64(bytes, nl);
      const std::string what = std::to_string(size) + (nl == "\n" ? " LF" : " CRLF");
      expectTakenOut(withAttachment(header, clean, nl), 0, bytes, what);
      std::string junk;  // characters outside the alphabet are skipped
      for (std::size_t i = 0; i < clean.size(); ++i) junk += std::string(i % 5 == 2 ? " *\t!\x80" : "") + clean[i];
      expectTakenOut(withAttachment(header, junk, nl), 0, bytes, what + " junk");
      std::string unpadded = clean;
      unpadded.erase(std::remove(unpadded.begin(), unpadded.end(), '='), unpadded.end());
      expectTakenOut(withAttachment(header, unpadded, nl), 0, bytes.substr(0, size - size % 3),
                     what + " unpadded: GMime drops a last group without its padding");
      if (size % 3 != 0) {
        expectTakenOut(withAttachment(header, clean + "___" + nl + "list footer" + nl, nl), 0, bytes,
                       what + " a footer after the padding is not data");
      }
    }
  }
}

// Quoted-printable of `bytes`: printable ASCII as it is, the rest =XX (some
// in lower case), a hard line break every 50 bytes (decoded as written),
// a soft line break ("=" + nl) before a line would pass `width`.
std::pair<std::string, std::string> quotedPrintable(const std::string& bytes, const std::string& nl,
                                                    std::size_t width) {
  std::string encoded, decoded, line;
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    const auto c = static_cast<unsigned char>(bytes[i]);
    char hex[4];
    std::snprintf(hex, sizeof hex, i % 7 == 0 ? "=%02x" : "=%02X", c);
    const std::string token = c > 32 && c < 127 && c != '=' ? std::string(1, char(c)) : std::string(hex);
    if (line.size() + token.size() > width) {
      encoded += line + "=" + nl;
      line.clear();
    }
    line += token;
    decoded += char(c);
    if (i % 50 == 49) {
      encoded += line + nl;
      decoded += nl;
      line.clear();
    }
  }
  return {encoded + line, decoded};
}

TEST(MessageViewStream, QuotedPrintableWithSoftBreaksAcrossSliceBorders) {
  for (const std::string nl : {"\r\n", "\n"}) {
    for (const std::size_t width : {3u, 10u, 76u}) {
      const auto [encoded, decoded] = quotedPrintable(payload(700), nl, width);
      const std::string header = "Content-Type: application/pdf; name=a.pdf" + nl +
                                 "Content-Transfer-Encoding: quoted-printable" + nl;
      expectTakenOut(withAttachment(header, encoded, nl), 0, decoded,
                     "width " + std::to_string(width) + (nl == "\n" ? " LF" : " CRLF"));
    }
  }
  const std::string header = "Content-Type: text/csv; name=t.csv\r\nContent-Transfer-Encoding: quoted-printable\r\n";
  expectTakenOut(withAttachment(header, "a=3Db=\r\n=\nc=G1=\r\nd"), 0, "a=bc=G1d",
                 "soft breaks back to back, an escape that is none is kept as written");
}

TEST(MessageViewStream, IdentityEncodingsAreTheBytesAsTheyAre) {
  const std::string bytes = payload(3000) + "no line break at the end";
  for (const std::string encoding : {"", "7bit", "8bit", "binary", "x-unknown"}) {
    const std::string header = "Content-Type: application/octet-stream; name=x.bin\r\n" +
                               (encoding.empty() ? "" : "Content-Transfer-Encoding: " + encoding + "\r\n");
    expectTakenOut(withAttachment(header, bytes), 0, bytes, "'" + encoding + "'");
  }
  expectTakenOut(withAttachment("Content-Type: application/octet-stream; name=e.bin\r\n", ""), 0, "", "empty");
}

// uuencode as uuencode(1) writes it: the begin line, lines of up to 45 bytes, "`" and "end".
std::string uuencode(const std::string& bytes, const std::string& nl) {
  auto digit = [](unsigned v) { return char(v == 0 ? '`' : v + 32); };
  std::string out = "preamble text" + nl + "begin 644 u.bin" + nl;
  for (std::size_t i = 0; i < bytes.size(); i += 45) {
    const std::size_t n = std::min<std::size_t>(45, bytes.size() - i);
    out += digit(unsigned(n));
    for (std::size_t k = 0; k < n; k += 3) {
      std::uint32_t group = 0;
      for (std::size_t j = 0; j < 3; ++j) group = group << 8 | (k + j < n ? std::uint8_t(bytes[i + k + j]) : 0u);
      for (int j = 3; j >= 0; --j) out += digit((group >> (6 * j)) & 63);
    }
    out += nl;
  }
  return out + "`" + nl + "end" + nl + "after the end";
}

TEST(MessageViewStream, UuencodeFromBeginToEnd) {
  for (const std::size_t size : {0u, 1u, 45u, 100u, 9000u}) {
    for (const std::string nl : {"\r\n", "\n"}) {
      const std::string header =
          "Content-Type: application/zip; name=u.zip\r\nContent-Transfer-Encoding: x-uuencode\r\n";
      expectTakenOut(withAttachment(header, uuencode(payload(size), nl)), 0, payload(size),
                     std::to_string(size) + (nl == "\n" ? " LF" : " CRLF"));
    }
  }
}

TEST(MessageViewStream, AttachedMessagesAsArchivedOrDecoded) {
  const std::string inner = "Subject: inner\r\nFrom: x@example.com\r\n\r\nthe inner body\r\nwith two lines";
  expectTakenOut(withAttachment("Content-Type: message/rfc822\r\n", inner), 0, inner, "as archived");
  expectTakenOut(withAttachment("Content-Type: message/rfc822\r\nContent-Transfer-Encoding: 8bit\r\n", inner), 0, inner,
                 "8bit: as archived");
  expectTakenOut(
      withAttachment("Content-Type: message/rfc822\r\nContent-Transfer-Encoding: base64\r\n", base64(inner, "\r\n")), 0,
      inner, "base64: decoded");
  const auto [qp, decoded] = quotedPrintable(inner, "\r\n", 20);
  expectTakenOut(withAttachment("Content-Type: message/rfc822\r\nContent-Transfer-Encoding: quoted-printable\r\n", qp),
                 0, decoded, "quoted-printable: decoded");
  expectTakenOut(withAttachment("Content-Type: message/rfc822\r\nContent-Transfer-Encoding: 7-bit\r\n", inner), 0, "",
                 "an encoding GMime does not decode makes it a message part to GMime: no bytes, as before");
}

TEST(MessageViewStream, PartsOfNestedMultiparts) {
  const std::string pdf = payload(2000), png = payload(777), zip = payload(300);
  const auto [qp, pdf_decoded] = quotedPrintable(pdf, "\r\n", 76);
  const std::string raw =
      "Subject: nested\r\nContent-Type: multipart/mixed; boundary=m\r\n\r\n--m\r\n"
      "Content-Type: multipart/related; boundary=r\r\n\r\n--r\r\nContent-Type: text/html\r\n\r\n<p>hi</p>\r\n--r\r\n"
      "Content-Type: image/png; name=i.png\r\nContent-Transfer-Encoding: base64\r\n\r\n" +
      base64(png, "\r\n") + "\r\n--r--\r\n--m\r\nContent-Type: multipart/mixed; boundary=n\r\n\r\n--n\r\n" +
      "Content-Type: application/pdf; name=a.pdf\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n" + qp +
      "\r\n--n\r\nContent-Type: application/zip; name=z.zip\r\nContent-Transfer-Encoding: binary\r\n\r\n" + zip +
      "\r\n--n--\r\n--m--\r\n";
  const MessageView view = viewMessage(raw);
  ASSERT_EQ(view.attachments.size(), 3u);
  EXPECT_EQ(view.html, "<p>hi</p>");
  EXPECT_EQ(view.attachments[0].part, "1.2");
  EXPECT_EQ(view.attachments[1].part, "2.1");
  EXPECT_EQ(view.attachments[2].part, "2.2");
  expectTakenOut(raw, 0, png, "base64 in multipart/related");
  expectTakenOut(raw, 1, pdf_decoded, "quoted-printable in a nested multipart/mixed");
  expectTakenOut(raw, 2, zip, "binary in a nested multipart/mixed");
}

TEST(MessageViewStream, NoSuchAttachmentIsNothingAndAZeroPieceIsOneByte) {
  const std::string raw = withAttachment("Content-Type: application/octet-stream; name=x.bin\r\n", "abc");
  EXPECT_FALSE(messageAttachmentStream(raw, 1));
  EXPECT_FALSE(messageAttachmentStream(raw, static_cast<std::size_t>(-1)));
  EXPECT_FALSE(messageAttachmentStream("just some text\r\n", 0));
  EXPECT_FALSE(messageAttachmentStream("", 0));
  auto stream = messageAttachmentStream(raw, 0, 0);
  ASSERT_TRUE(stream);
  EXPECT_EQ(stream->info.name, "x.bin");
  EXPECT_EQ(stream->info.part, "2");
  for (const char c : std::string("abc")) EXPECT_EQ(stream->next(), std::string(1, c));
  EXPECT_FALSE(stream->next());
}

// The stream holds a piece at a time, not the attachment: a 20 MB attachment
// comes out in pieces no larger than asked for. (Its peak memory, the raw
// message plus O(piece), is measured by hand: a unit test cannot.)
TEST(MessageViewStream, TwentyMegabytesInBoundedPieces) {
  const std::size_t size = 20u << 20, piece = 64u << 10;
  const std::string bytes = payload(size);
  const std::string raw = withAttachment("Content-Type: video/mp4; name=v.mp4\r\nContent-Transfer-Encoding: base64\r\n",
                                         base64(bytes, "\r\n"));
  const MessageView view = viewMessage(raw);
  ASSERT_EQ(view.attachments.size(), 1u);
  EXPECT_EQ(view.attachments[0].size, size);
  auto stream = messageAttachmentStream(raw, 0, piece);
  ASSERT_TRUE(stream);
  EXPECT_EQ(stream->info.size, size);
  std::size_t at = 0, pieces = 0, largest = 0;
  bool same = true;
  while (auto bytes_piece = stream->next()) {
    ++pieces;
    largest = std::max(largest, bytes_piece->size());
    same = same && bytes.compare(at, bytes_piece->size(), *bytes_piece) == 0;
    at += bytes_piece->size();
  }
  EXPECT_EQ(at, size);
  EXPECT_TRUE(same);
  EXPECT_LE(largest, piece);
  EXPECT_GE(pieces, size / piece);
}

}  // namespace
}  // namespace spe::mime
