#include "common/net/mail_message.h"

#include <gtest/gtest.h>

#include "common/base/crypto.h"
#include "common/net/smtp_client.h"
#include "common/net/smtp_settings_json.h"

namespace spe::net {
namespace {

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start < text.size()) {
    const std::size_t end = text.find("\r\n", start);
    EXPECT_NE(end, std::string::npos) << "the text does not end in CRLF";
    if (end == std::string::npos) break;
    out.push_back(text.substr(start, end - start));
    start = end + 2;
  }
  return out;
}

// Every line ends in CRLF (no bare CR or LF), is 7-bit and at most `max` long.
void expectCleanLines(const std::string& text, std::size_t max) {
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    ASSERT_LT(c, 0x80) << "byte " << i;
    if (c == '\r') {
      ASSERT_EQ(text[i + 1], '\n') << "bare CR at " << i;
    }
    if (c == '\n') {
      ASSERT_EQ(text[i - 1], '\r') << "bare LF at " << i;
    }
  }
  for (const auto& l : lines(text)) EXPECT_LE(l.size(), max) << l;
}

std::string decodeQp(const std::string& qp) {
  std::string out;
  for (std::size_t i = 0; i < qp.size(); ++i) {
    if (qp[i] != '=') {
      out += qp[i];
    } else if (qp.compare(i, 3, "=\r\n") == 0) {
      i += 2;
    } else {
      out += static_cast<char>(std::stoi(qp.substr(i + 1, 2), nullptr, 16));
      i += 2;
    }
  }
  return out;
}

// Decodes a header value made of encoded words (folding removed).
std::string decodeWords(const std::string& value) {
  std::string out;
  std::size_t pos = 0;
  while ((pos = value.find("=?UTF-8?B?", pos)) != std::string::npos) {
    const std::size_t end = value.find("?=", pos + 10);
    const std::string word = value.substr(pos + 10, end - pos - 10);
    EXPECT_LE(end + 2 - pos, 75u) << "an encoded word is longer than 75 characters";
    auto bytes = base64Decode(word);
    EXPECT_TRUE(bytes.has_value());
    out += bytes.value_or("");
    pos = end + 2;
  }
  return out;
}

std::string unfold(std::string s) {
  for (std::size_t p; (p = s.find("\r\n ")) != std::string::npos;) s.erase(p, 2);
  return s;
}

MailMessage sample() {
  MailMessage m;
  m.from = {"Archive Service", "archive@example.com"};
  m.to = {{"", "admin@example.com"}, {"Jörg Müller", "joerg@example.de"}};
  m.subject = "Test";
  m.text = "Hello.\nSecond line.\n";
  return m;
}

MimeEnvelope fixedEnvelope() { return MimeEnvelope{1709632800, "abc123@example.com", "=_spe_0123456789"}; }

TEST(MailMessage, PlainMessageHasTheHeadersAndCrlfLines) {
  auto mime = buildMime(sample(), fixedEnvelope());
  ASSERT_TRUE(mime.ok()) << mime.error().message;
  expectCleanLines(*mime, 78);
  const auto l = lines(*mime);
  EXPECT_EQ(l[0], "Date: Tue, 05 Mar 2024 10:00:00 +0000");
  EXPECT_EQ(l[1], "From: Archive Service <archive@example.com>");
  EXPECT_NE(mime->find("Subject: Test\r\n"), std::string::npos);
  EXPECT_NE(mime->find("Message-ID: <abc123@example.com>\r\n"), std::string::npos);
  EXPECT_NE(mime->find("MIME-Version: 1.0\r\n"), std::string::npos);
  EXPECT_NE(mime->find("Auto-Submitted: auto-generated\r\n"), std::string::npos);
  EXPECT_NE(mime->find("Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"
                       "Hello.\r\nSecond line.\r\n"),
            std::string::npos);
  // The German name is an encoded word that decodes to the name.
  const std::size_t to = mime->find("To: ");
  const std::string to_value = unfold(mime->substr(to, mime->find("\r\nSubject:") - to));
  EXPECT_NE(to_value.find("admin@example.com, =?UTF-8?B?"), std::string::npos) << to_value;
  EXPECT_EQ(decodeWords(to_value), "Jörg Müller");
  EXPECT_NE(to_value.find("<joerg@example.de>"), std::string::npos);
}

TEST(MailMessage, NonAsciiSubjectIsEncodedInWordsThatDoNotSplitCharacters) {
  MailMessage m = sample();
  m.subject = "Statusbericht für Größenänderungen — 日本語のテキストも含まれています、とても長い件名です";
  auto mime = buildMime(m, fixedEnvelope());
  ASSERT_TRUE(mime.ok());
  expectCleanLines(*mime, 78);
  const std::size_t s = mime->find("Subject: ");
  const std::string value = unfold(mime->substr(s + 9, mime->find("\r\nMessage-ID") - s - 9));
  EXPECT_EQ(decodeWords(value), m.subject);
  // Each word's bytes are whole UTF-8 characters.
  std::size_t pos = 0;
  while ((pos = value.find("=?UTF-8?B?", pos)) != std::string::npos) {
    const std::size_t end = value.find("?=", pos);
    const std::string bytes = *base64Decode(value.substr(pos + 10, end - pos - 10));
    EXPECT_NE(static_cast<unsigned char>(bytes.front()) & 0xC0, 0x80u) << "a word starts inside a character";
    pos = end + 2;
  }
}

TEST(MailMessage, LongAsciiSubjectIsFoldedAtSpaces) {
  MailMessage m = sample();
  m.subject.clear();
  for (int i = 0; i < 30; ++i) m.subject += "word" + std::to_string(i) + " ";
  m.subject += "end";
  auto mime = buildMime(m, fixedEnvelope());
  ASSERT_TRUE(mime.ok());
  expectCleanLines(*mime, 78);
  const std::size_t s = mime->find("Subject: ");
  EXPECT_EQ(unfold(mime->substr(s + 9, mime->find("\r\nMessage-ID") - s - 9)), m.subject);
}

TEST(MailMessage, HeaderInjectionBecomesSpaces) {
  MailMessage m = sample();
  m.subject = "Hi\r\nBcc: victim@example.com";
  m.from.display_name = "Evil\nX-Injected: 1";
  auto mime = buildMime(m, fixedEnvelope());
  ASSERT_TRUE(mime.ok());
  EXPECT_EQ(mime->find("\r\nBcc:"), std::string::npos);
  EXPECT_EQ(mime->find("\r\nX-Injected:"), std::string::npos);
  EXPECT_NE(mime->find("Subject: Hi  Bcc: victim@example.com\r\n"), std::string::npos);
}

TEST(MailMessage, AsciiLookingEncodedWordIsEncoded) {
  // "=?" in plain text would be read as an encoded word by a mail client.
  MailMessage m = sample();
  m.subject = "=?UTF-8?B?SGk=?=";
  auto mime = buildMime(m, fixedEnvelope());
  ASSERT_TRUE(mime.ok());
  const std::size_t s = mime->find("Subject: ");
  EXPECT_EQ(decodeWords(unfold(mime->substr(s + 9, mime->find("\r\nMessage-ID") - s - 9))), m.subject);
}

TEST(MailMessage, DisplayNamesWithSpecialsAreQuoted) {
  EXPECT_EQ(formatAddress({"Doe, John \"JD\"", "j@example.com"}), "\"Doe, John \\\"JD\\\"\" <j@example.com>");
  EXPECT_EQ(formatAddress({"", "j@example.com"}), "j@example.com");
  EXPECT_EQ(formatAddress({"John Doe", "j@example.com"}), "John Doe <j@example.com>");
}

TEST(MailMessage, BadAddressesAreRefused) {
  for (const char* bad : {"", "no-at", "@example.com", "a@", "a b@example.com", "a@exa mple.com", "a<b@example.com",
                          "a@example.com\r\nRCPT TO:<x@y>", "a@.example.com", "a@example..com"}) {
    EXPECT_FALSE(isMailAddress(bad)) << bad;
    MailMessage m = sample();
    m.to = {{"", bad}};
    EXPECT_FALSE(buildMime(m, fixedEnvelope()).ok()) << bad;
  }
  for (const char* good : {"a@example.com", "first.last+tag@sub.example.co.uk", "x@[192.0.2.1]"}) {
    EXPECT_TRUE(isMailAddress(good)) << good;
  }
  MailMessage none = sample();
  none.to.clear();
  EXPECT_FALSE(buildMime(none, fixedEnvelope()).ok());
}

TEST(QuotedPrintable, EncodesWhatItMustAndRoundTrips) {
  EXPECT_EQ(quotedPrintable("a=b"), "a=3Db");
  EXPECT_EQ(quotedPrintable("trailing \nx"), "trailing=20\r\nx");
  EXPECT_EQ(quotedPrintable("tab\t"), "tab=09");
  EXPECT_EQ(quotedPrintable("Grüße"), "Gr=C3=BC=C3=9Fe");
  EXPECT_EQ(quotedPrintable(".\nFrom here\nFrom"), "=2E\r\n=46rom here\r\nFrom");
  EXPECT_EQ(quotedPrintable("a\r\nb"), "a\r\nb");
  std::string long_line;
  for (int i = 0; i < 300; ++i) long_line += static_cast<char>(i % 2 ? 'x' : "äö"[i % 4 / 2]);
  long_line += "\n" + std::string(200, '.') + "\n\n";
  const std::string qp = quotedPrintable(long_line);
  expectCleanLines(qp + "\r\n", 76);
  for (const auto& l : lines(qp + "\r\n")) EXPECT_NE(l.rfind('.', 0), 0u) << "a line starts with a dot: " << l;
  std::string expected;
  for (char c : long_line) expected += c == '\n' ? std::string("\r\n") : std::string(1, c);
  EXPECT_EQ(decodeQp(qp), expected);
}

TEST(MailMessage, HtmlMakesMultipartAlternativeWithTheBoundaryOnItsOwnLines) {
  MailMessage m = sample();
  m.html = "<p>Hello <b>wörld</b></p>";
  auto mime = buildMime(m, fixedEnvelope());
  ASSERT_TRUE(mime.ok());
  expectCleanLines(*mime, 78);
  EXPECT_NE(mime->find("Content-Type: multipart/alternative;\r\n boundary=\"=_spe_0123456789\"\r\n"),
            std::string::npos);
  const auto l = lines(*mime);
  std::vector<std::string> boundaries;
  for (const auto& line : l) {
    if (line.rfind("--=_spe_", 0) == 0) boundaries.push_back(line);
  }
  ASSERT_EQ(boundaries.size(), 3u);
  EXPECT_EQ(boundaries[0], "--=_spe_0123456789");
  EXPECT_EQ(boundaries[2], "--=_spe_0123456789--");
  const std::size_t text = mime->find("Content-Type: text/plain");
  const std::size_t html = mime->find("Content-Type: text/html; charset=utf-8");
  ASSERT_NE(html, std::string::npos);
  EXPECT_LT(text, html);
  EXPECT_NE(mime->find("<p>Hello <b>w=C3=B6rld</b></p>"), std::string::npos);
  EXPECT_TRUE(mime->size() >= 2 && mime->substr(mime->size() - 2) == "\r\n");
}

TEST(MailMessage, DateIsRfc5322InUtc) {
  EXPECT_EQ(rfc5322Date(0), "Thu, 01 Jan 1970 00:00:00 +0000");
  EXPECT_EQ(rfc5322Date(1709632800 + 50399), "Tue, 05 Mar 2024 23:59:59 +0000");
}

TEST(MailMessage, EnvelopeNowIsUniqueAndAtTheSendersDomain) {
  auto a = mimeEnvelopeNow({"", "x@example.org"});
  auto b = mimeEnvelopeNow({"", "x@example.org"});
  EXPECT_NE(a.message_id, b.message_id);
  EXPECT_NE(a.boundary, b.boundary);
  EXPECT_TRUE(a.message_id.size() > 12 && a.message_id.substr(a.message_id.size() - 12) == "@example.org");
}

TEST(SmtpProtocols, NamesAndSynonym) {
  EXPECT_EQ(parseSmtpProtocol("SMTP"), SmtpProtocol::kPlain);
  EXPECT_EQ(parseSmtpProtocol("SMTP-TLS"), SmtpProtocol::kStartTls);
  EXPECT_EQ(parseSmtpProtocol("SMTPS"), SmtpProtocol::kImplicitTls);
  EXPECT_EQ(parseSmtpProtocol("SMTP-SSL"), SmtpProtocol::kImplicitTls);
  EXPECT_FALSE(parseSmtpProtocol("smtp").has_value());
  EXPECT_STREQ(smtpProtocolName(SmtpProtocol::kImplicitTls), "SMTP-SSL");   // the product's name
  EXPECT_STREQ(smtpProtocolName(*parseSmtpProtocol("SMTPS")), "SMTP-SSL");  // an older value reads back so
  EXPECT_TRUE(isSmtpHost("mail.example.com"));
  EXPECT_TRUE(isSmtpHost("::1"));
  EXPECT_FALSE(isSmtpHost("mail.example.com/x"));
  EXPECT_FALSE(isSmtpHost("user@host"));
  EXPECT_FALSE(isSmtpHost(""));
}

const SmtpAccountShape kShape{"settings", "recipientEmailAddresses", true, false};

TEST(SmtpAccount, ReadsEveryFieldAndNamesBadOnes) {
  Json in = {{"hostname", "mail.example.com"},
             {"port", 465},
             {"protocol", "SMTPS"},  // the name older settings may hold
             {"ignoreSslPolicyErrors", true},
             {"authenticationRequired", true},
             {"username", "u"},
             {"password", "pw"},
             {"fromDisplayName", "Archive"},
             {"fromEmailAddress", "a@example.com"},
             {"recipientEmailAddresses", {"b@example.com"}}};
  auto a = parseSmtpAccount(in, kShape, "old");
  ASSERT_TRUE(a.ok()) << a.error().message;
  EXPECT_EQ(a->server.protocol, SmtpProtocol::kImplicitTls);
  EXPECT_EQ(a->server.password, "pw");
  Json pub = smtpAccountPublicJson(*a, kShape);
  EXPECT_EQ(pub["protocol"], "SMTP-SSL");
  EXPECT_TRUE(pub["password"].is_null());

  auto with = [&](const char* key, Json v) {
    Json c = in;
    c[key] = std::move(v);
    return parseSmtpAccount(c, kShape, "");
  };
  for (auto [key, value, word] : std::vector<std::tuple<const char*, Json, std::string>>{
           {"port", 0, "settings.port"},
           {"port", "25", "settings.port"},
           {"protocol", "FTP", "settings.protocol"},
           {"hostname", "smtp://x", "settings.hostname"},
           {"fromEmailAddress", "nobody", "settings.fromEmailAddress"},
           {"recipientEmailAddresses", Json::array({"ok@example.com", "bad"}), "settings.recipientEmailAddresses[1]"},
           {"password", std::string(2000, 'x'), "settings.password"},
           {"timeoutSeconds", 0, "settings.timeoutSeconds"},
           {"extra", 1, "settings.extra"},
           {"fromDisplayName", "a\nb", "settings.fromDisplayName"}}) {
    auto r = with(key, value);
    ASSERT_FALSE(r.ok()) << key;
    EXPECT_NE(r.error().message.find(word), std::string::npos) << r.error().message;
  }
}

TEST(SmtpAccount, PasswordAbsentOrNullKeepsEmptyClears) {
  Json in = {{"hostname", "h"}};
  EXPECT_EQ(parseSmtpAccount(in, kShape, "kept")->server.password, "kept");
  in["password"] = nullptr;
  EXPECT_EQ(parseSmtpAccount(in, kShape, "kept")->server.password, "kept");
  in["password"] = "";
  EXPECT_EQ(parseSmtpAccount(in, kShape, "kept")->server.password, "");
  in["password"] = "new";
  EXPECT_EQ(parseSmtpAccount(in, kShape, "kept")->server.password, "new");
}

TEST(SmtpAccount, StoredPasswordIsSealedAndBoundToItsPlace) {
  const Key256 key = randomKey();
  auto a = parseSmtpAccount(Json{{"hostname", "h"}, {"password", "s3cret-pw"}}, kShape, "");
  ASSERT_TRUE(a.ok());
  Json stored = smtpAccountStoredJson(*a, kShape, key, "i1/smtp-password");
  EXPECT_EQ(dumpJson(stored).find("s3cret-pw"), std::string::npos);
  EXPECT_FALSE(stored.contains("password"));
  auto back = smtpAccountFromStored(stored, kShape, key, "i1/smtp-password");
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(back->server.password, "s3cret-pw");
  auto elsewhere = smtpAccountFromStored(stored, kShape, key, "i2/smtp-password");
  ASSERT_FALSE(elsewhere.ok());
  EXPECT_EQ(elsewhere.error().code, ErrorCode::kCorrupt);
  // A clear password from before sealing is still read.
  auto legacy = smtpAccountFromStored(Json{{"hostname", "h"}, {"password", "clear"}}, kShape, key, "x");
  ASSERT_TRUE(legacy.ok());
  EXPECT_EQ(legacy->server.password, "clear");
}

TEST(SmtpClient, SettingsErrorsComeBeforeAnyConnection) {
  CurlSmtpClient client;
  SmtpSettings s;
  s.host = "";
  auto r = client.send(s, sample());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(smtpStepOf(r.error()), SmtpStep::kSettings);
  s.host = "127.0.0.1";
  MailMessage m = sample();
  m.to = {{"", "not an address"}};
  r = client.send(s, m);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().details, "settings");
}

}  // namespace
}  // namespace spe::net
