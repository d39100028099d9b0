// Generated test messages: varied headers, sizes and MIME structure, each
// unique by its Message-ID.
#pragma once

#include <cstdint>
#include <string>

namespace spe::testing {

inline std::string testMessage(int n, std::size_t body_lines = 20) {
  std::string m = "From: Sender " + std::to_string(n % 17) + " <sender" + std::to_string(n % 17) +
                  "@example.com>\r\nTo: user@example.org\r\nCc: other@example.net\r\nSubject: Test message " +
                  std::to_string(n) +
                  " =?UTF-8?B?w6TDtsO8?=\r\nDate: Mon, 1 Jan 2024 10:" + std::to_string(10 + n % 50) +
                  ":00 +0000\r\nMessage-ID: <msg" + std::to_string(n) + "@test.example>\r\nMIME-Version: 1.0\r\n";
  if (n % 3 == 0) {
    m += "Content-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n--b1\r\nContent-Type: text/plain\r\n\r\n";
    for (std::size_t i = 0; i < body_lines; ++i)
      m += "Line " + std::to_string(i) + " of message " + std::to_string(n) + "\r\n";
    m += "--b1\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment; filename=\"a.bin\"\r\n"
         "Content-Transfer-Encoding: base64\r\n\r\nAAECAwQFBgcICQ==\r\n--b1--\r\n";
  } else {
    m += "Content-Type: text/plain; charset=utf-8\r\n\r\n";
    for (std::size_t i = 0; i < body_lines; ++i)
      m += "Line " + std::to_string(i) + " of message " + std::to_string(n) + "\r\n";
  }
  return m;
}

}  // namespace spe::testing
