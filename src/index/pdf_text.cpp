#include <poppler/cpp/poppler-document.h>
#include <poppler/cpp/poppler-embedded-file.h>
#include <poppler/cpp/poppler-page.h>

#include <memory>
#include <vector>

#include "index/message_text.h"

namespace spe::index {

std::string pdfToText(std::string_view pdf, std::string* note) {
  std::vector<char> data(pdf.begin(), pdf.end());
  std::unique_ptr<poppler::document> doc(poppler::document::load_from_data(&data));
  if (!doc) {
    if (note) *note = "the PDF document cannot be read";
    return {};
  }
  if (doc->is_locked()) {
    if (note) *note = "the PDF document is encrypted";
    return {};
  }
  std::string out;
  for (int i = 0; i < doc->pages(); ++i) {
    std::unique_ptr<poppler::page> page(doc->create_page(i));
    if (!page) continue;
    const auto bytes = page->text().to_utf8();
    out.append(bytes.begin(), bytes.end());
    out += '\n';
  }
  return out;
}

std::vector<std::pair<std::string, std::string>> pdfEmbeddedFiles(std::string_view pdf) {
  std::vector<char> data(pdf.begin(), pdf.end());
  std::unique_ptr<poppler::document> doc(poppler::document::load_from_data(&data));
  std::vector<std::pair<std::string, std::string>> out;
  if (!doc || doc->is_locked() || !doc->has_embedded_files()) return out;
  for (poppler::embedded_file* f : doc->embedded_files()) {
    if (!f || !f->is_valid()) continue;
    const poppler::byte_array bytes = f->data();
    out.emplace_back(f->name(), std::string(bytes.begin(), bytes.end()));
  }
  return out;
}

}  // namespace spe::index
