// Test material for MIME: base64 (76-column lines) and small PDF documents
// with a line of text, optionally with a file attached inside.
#pragma once

#include <string>

namespace spe::testing {

inline std::string base64(const std::string& in) {
  static const char* const k = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  std::size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    const unsigned v = (static_cast<unsigned char>(in[i]) << 16) | (static_cast<unsigned char>(in[i + 1]) << 8) |
                       static_cast<unsigned char>(in[i + 2]);
    out += {k[v >> 18], k[(v >> 12) & 63], k[(v >> 6) & 63], k[v & 63]};
    if ((i / 3) % 19 == 18) out += "\r\n";
  }
  if (i + 1 == in.size()) {
    const unsigned v = static_cast<unsigned char>(in[i]) << 16;
    out += {k[v >> 18], k[(v >> 12) & 63], '=', '='};
  } else if (i + 2 == in.size()) {
    const unsigned v = (static_cast<unsigned char>(in[i]) << 16) | (static_cast<unsigned char>(in[i + 1]) << 8);
    out += {k[v >> 18], k[(v >> 12) & 63], k[(v >> 6) & 63], '='};
  }
  return out;
}

// A one-page PDF with `text`, optionally with a file attached inside it.
inline std::string pdf(const std::string& text, const std::string& embedded_name = {},
                       const std::string& embedded = {}) {
  const std::string stream = "BT /F1 12 Tf 20 50 Td (" + text + ") Tj ET";
  std::string names;
  std::string extra;
  if (!embedded_name.empty()) {
    names = " /Names << /EmbeddedFiles << /Names [(" + embedded_name + ") 6 0 R] >> >>";
    extra = "6 0 obj << /Type /Filespec /F (" + embedded_name +
            ") /EF << /F 7 0 R >> >> endobj\n"
            "7 0 obj << /Type /EmbeddedFile /Length " +
            std::to_string(embedded.size()) + " >> stream\n" + embedded + "\nendstream endobj\n";
  }
  return "%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R" + names +
         " >> endobj\n"
         "2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n"
         "3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 300 100] /Contents 4 0 R "
         "/Resources << /Font << /F1 5 0 R >> >> >> endobj\n"
         "4 0 obj << /Length " +
         std::to_string(stream.size()) + " >> stream\n" + stream +
         "\nendstream endobj\n"
         "5 0 obj << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> endobj\n" +
         extra + "trailer << /Root 1 0 R >>\n%%EOF\n";
}

}  // namespace spe::testing
