#include "common/base/totp.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "common/base/qr_code.h"
#include "fake_clock.h"

namespace spe {
namespace {

using namespace std::chrono_literals;
using Outcome = TotpCheck::Outcome;

// RFC 6238 Appendix B: the SHA-1 rows (8 digits, seed "12345678901234567890").
constexpr std::string_view kRfcSecret = "12345678901234567890";
struct Vector {
  std::int64_t unix_time;
  const char* code;
};
constexpr Vector kRfcVectors[] = {
    {59, "94287082"},         {1111111109, "07081804"}, {1111111111, "14050471"},
    {1234567890, "89005924"}, {2000000000, "69279037"}, {20000000000, "65353130"},
};

std::chrono::system_clock::time_point at(std::int64_t unix_time) {
  return std::chrono::system_clock::time_point(std::chrono::seconds(unix_time));
}

std::string codeAt(std::string_view secret, std::chrono::system_clock::time_point t) {
  return totpCode(secret, totpStep(t)).value();
}

// T = floor(unix time / 30), computed here: the last row (the year 2603) lies
// beyond what a system_clock::time_point of nanoseconds holds (2262).
TEST(Totp, Rfc6238Sha1TestVectors) {
  for (const auto& v : kRfcVectors) {
    auto code = totpCode(kRfcSecret, v.unix_time / 30, 8);
    ASSERT_TRUE(code.ok()) << v.unix_time;
    EXPECT_EQ(*code, v.code) << v.unix_time;
  }
}

TEST(Totp, SixDigitsAreTheLastSixOfTheRfcCodes) {
  // RFC 4226 dynamic truncation: the 6-digit code is the 31-bit number modulo 10^6.
  for (const auto& v : kRfcVectors) {
    EXPECT_EQ(totpCode(kRfcSecret, v.unix_time / 30).value(), std::string(v.code).substr(2));
  }
}

TEST(Totp, StepsAreThirtySecondsFromTheEpoch) {
  EXPECT_EQ(totpStep(at(0)), 0);
  EXPECT_EQ(totpStep(at(29)), 0);
  EXPECT_EQ(totpStep(at(30)), 1);
  EXPECT_EQ(totpStep(at(59)), 1);
  EXPECT_EQ(totpStep(at(1111111109)), 37037036);  // RFC 6238 Appendix B's T
  EXPECT_EQ(totpStep(at(2000000000)), 66666666);
  EXPECT_EQ(totpStep(at(-1)), -1);
}

TEST(Totp, CodeRefusesWhatIsNotATotp) {
  EXPECT_FALSE(totpCode("", 1).ok());
  EXPECT_FALSE(totpCode(kRfcSecret, 1, 5).ok());
  EXPECT_FALSE(totpCode(kRfcSecret, 1, 9).ok());
  EXPECT_FALSE(totpCode(kRfcSecret, -1).ok());
}

TEST(Totp, ASecretIsTwentyRandomBytes) {
  const std::string a = newTotpSecret(), b = newTotpSecret();
  EXPECT_EQ(a.size(), 20u);
  EXPECT_NE(a, b);
}

TEST(Base32, Rfc4648Vectors) {
  // RFC 4648 §10, padding left out.
  EXPECT_EQ(base32Encode(""), "");
  EXPECT_EQ(base32Encode("f"), "MY");
  EXPECT_EQ(base32Encode("fo"), "MZXQ");
  EXPECT_EQ(base32Encode("foo"), "MZXW6");
  EXPECT_EQ(base32Encode("foob"), "MZXW6YQ");
  EXPECT_EQ(base32Encode("fooba"), "MZXW6YTB");
  EXPECT_EQ(base32Encode("foobar"), "MZXW6YTBOI");
  EXPECT_EQ(base32Encode(kRfcSecret), "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
}

TEST(Base32, DecodesWhatPeopleType) {
  EXPECT_EQ(base32Decode("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ").value(), kRfcSecret);
  EXPECT_EQ(base32Decode("gezd gnbv gy3t qojq gezd gnbv gy3t qojq").value(), kRfcSecret);
  EXPECT_EQ(base32Decode("MZXW6YTBOI======").value(), "foobar");
  EXPECT_EQ(base32Decode("MZXW6YTBOI").value(), "foobar");
  EXPECT_EQ(base32Decode("").value(), "");
  EXPECT_FALSE(base32Decode("MZXW6YTB1").has_value());  // '1' is not base32
  EXPECT_FALSE(base32Decode("MZXW6YTBO").has_value());  // 9 letters: no whole bytes
  EXPECT_FALSE(base32Decode("M").has_value());
  EXPECT_FALSE(base32Decode("ab-c").has_value());
}

TEST(Base32, RoundTripsEverySecret) {
  for (int i = 0; i < 100; ++i) {
    const std::string secret = newTotpSecret();
    const std::string text = base32Encode(secret);
    EXPECT_EQ(text.size(), 32u);
    EXPECT_EQ(base32Decode(text).value(), secret);
  }
}

TEST(TotpCheck, AcceptsTheCodeOfNowAndOneStepEitherSide) {
  testing::FakeClock clock;
  const std::string secret = newTotpSecret();
  const auto now = clock.systemNow();
  for (auto offset : {-30s, 0s, 30s}) {
    const auto result = checkTotp(secret, codeAt(secret, now + offset), now, std::nullopt);
    EXPECT_EQ(result.outcome, Outcome::kAccepted) << offset.count();
    EXPECT_EQ(result.step, totpStep(now + offset));
  }
  for (auto offset : {-90s, -60s, 60s, 90s}) {
    EXPECT_EQ(checkTotp(secret, codeAt(secret, now + offset), now, std::nullopt).outcome, Outcome::kWrong)
        << offset.count();
  }
}

TEST(TotpCheck, ACodeTypedAtTheEndOfItsStepStillCountsInTheNext) {
  testing::FakeClock clock(std::chrono::system_clock::time_point(std::chrono::seconds(1767225600 + 29)));
  const std::string secret = newTotpSecret();
  const std::string code = codeAt(secret, clock.systemNow());
  clock.advance(2s);  // into the next step
  EXPECT_EQ(checkTotp(secret, code, clock.systemNow(), std::nullopt).outcome, Outcome::kAccepted);
  clock.advance(30s);  // two steps on
  EXPECT_EQ(checkTotp(secret, code, clock.systemNow(), std::nullopt).outcome, Outcome::kWrong);
}

TEST(TotpCheck, ACodeUsedOnceIsRefusedTheSecondTime) {
  testing::FakeClock clock;
  const std::string secret = newTotpSecret();
  const std::string code = codeAt(secret, clock.systemNow());
  const auto first = checkTotp(secret, code, clock.systemNow(), std::nullopt);
  ASSERT_EQ(first.outcome, Outcome::kAccepted);
  // Again at once, and later while the code would still be valid by time.
  EXPECT_EQ(checkTotp(secret, code, clock.systemNow(), first.step).outcome, Outcome::kReplayed);
  clock.advance(30s);
  EXPECT_EQ(checkTotp(secret, code, clock.systemNow(), first.step).outcome, Outcome::kReplayed);
  // An earlier code of the window is refused too once a later one was used.
  const std::string previous = totpCode(secret, first.step - 1).value();
  EXPECT_NE(checkTotp(secret, previous, clock.systemNow(), first.step).outcome, Outcome::kAccepted);
  // The next step's code is new.
  const auto next = checkTotp(secret, codeAt(secret, clock.systemNow()), clock.systemNow(), first.step);
  EXPECT_EQ(next.outcome, Outcome::kAccepted);
  EXPECT_EQ(next.step, first.step + 1);
}

TEST(TotpCheck, RefusesWhatIsNotSixDigits) {
  testing::FakeClock clock;
  const std::string secret = newTotpSecret();
  const std::string code = codeAt(secret, clock.systemNow());
  const auto now = clock.systemNow();
  EXPECT_EQ(checkTotp(secret, code.substr(0, 3) + " " + code.substr(3), now, std::nullopt).outcome, Outcome::kAccepted);
  const std::vector<std::string> bad_codes = {std::string(),
                                              code.substr(0, 5),
                                              code + "0",
                                              "0" + code,
                                              "12345a",
                                              code.substr(0, 5) + "\xd9\xa3",
                                              std::string("123\0"
                                                          "456",
                                                          7)};
  for (const std::string& bad : bad_codes) {
    EXPECT_EQ(checkTotp(secret, bad, now, std::nullopt).outcome, Outcome::kWrong) << bad;
  }
  EXPECT_EQ(checkTotp(secret, code, now, std::nullopt).outcome, Outcome::kAccepted);
  EXPECT_NE(checkTotp(newTotpSecret(), code, now, std::nullopt).outcome, Outcome::kAccepted);
}

TEST(TotpCheck, TheRfcSecretAtTheRfcTimes) {
  for (const auto& v : kRfcVectors) {
    if (v.unix_time > 9'000'000'000) continue;  // beyond a time_point of nanoseconds (see above)
    const auto result = checkTotp(kRfcSecret, std::string(v.code).substr(2), at(v.unix_time), std::nullopt);
    EXPECT_EQ(result.outcome, Outcome::kAccepted) << v.unix_time;
    EXPECT_EQ(result.step, totpStep(at(v.unix_time)));
  }
}

TEST(Otpauth, UriCarriesTheSecretInBase32AndTheParameters) {
  EXPECT_EQ(otpauthUri("SPE Management", "admin@example.com", kRfcSecret),
            "otpauth://totp/SPE%20Management:admin%40example.com?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
            "&issuer=SPE%20Management&algorithm=SHA1&digits=6&period=30");
  EXPECT_EQ(otpauthUri("a:b", "c&d", "x").substr(0, 26), "otpauth://totp/a%3Ab:c%26d");
}

TEST(QrCode, DrawsAnSvgOfModules) {
  auto svg = qrCodeSvg(otpauthUri("SPE", "admin", kRfcSecret));
  ASSERT_TRUE(svg.ok()) << svg.error().message;
  EXPECT_EQ(svg->rfind("<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 ", 0), 0u);
  EXPECT_NE(svg->find("<path fill=\"#000\" d=\"M4 4h1v1h-1z"), std::string::npos);  // the finder's corner
  EXPECT_EQ(svg->find("<script"), std::string::npos);
  EXPECT_EQ(svgDataUrl("<svg/>"), "data:image/svg+xml;base64,PHN2Zy8+");
}

TEST(QrCode, RefusesEmptyTooLongAndNul) {
  EXPECT_FALSE(qrCodeSvg("").ok());
  EXPECT_FALSE(qrCodeSvg(std::string(1001, 'a')).ok());
  EXPECT_FALSE(qrCodeSvg(std::string("a\0b", 3)).ok());
  EXPECT_TRUE(qrCodeSvg(std::string(1000, 'a')).ok());
}

}  // namespace
}  // namespace spe
