// The text of a message for the full-text index, read with GMime: decoded
// headers, the text of its body parts (HTML turned into text without
// scripts and styles), attachment names, and the text of attachments this
// library reads itself (plain text, HTML, PDF through poppler in the child
// process spe-pdf-text, see readPdf()). Other
// attachment types are listed with their name and type so an extractor
// program can be run for them.
// Thread safety: extractText() is safe from any thread.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace spe::index {

struct AttachmentText {
  std::string name;          // decoded file name ("" when the part has none)
  std::string content_type;  // "application/pdf"
  std::string extension;     // "pdf" (lower case, from the name, else from the type)
  std::string text;          // extracted text, UTF-8
  std::string note;          // why there is no text, if there is none
};

struct MessageText {
  std::string subject, from, to, cc, bcc;  // decoded to UTF-8
  std::string body;                        // inline text and HTML parts as text
  std::vector<AttachmentText> attachments;
  std::vector<std::string> notes;  // parts that could not be read, and why
  bool unparsed = false;           // not MIME: the raw text is the body
};

// PDF documents are read by poppler in a child process, spe-pdf-text (a
// document can be built to inflate a few hundred KB into gigabytes, or to
// take minutes): these are its limits. A document that hits one gives the
// text read until then (possibly none) and a note.
// extractText() shares one budget among all PDF documents of a message,
// the files inside them included (a mail of K documents each holding K
// more would otherwise cost K * K * timeout): when it is spent, the rest
// are not read, with a note.
struct PdfLimits {
  std::chrono::milliseconds timeout{20000};         // wall clock (and CPU time) per document
  std::chrono::milliseconds message_budget{30000};  // wall clock for all documents of one message
  std::size_t max_memory = 512u << 20;              // address space of spe-pdf-text
  std::size_t max_embedded_files = 32;              // files read from inside one document; a note names the rest
  // No child runs past this point, whatever `timeout` says (extractText()
  // sets it to the end of the message's budget); max() = none.
  std::chrono::steady_clock::time_point deadline = std::chrono::steady_clock::time_point::max();
  std::string helper;           // path of spe-pdf-text; "" = beside this program (/proc/self/exe)
  bool report_sandbox = false;  // tests: the text is what spe-pdf-text runs under (limits, environment)
};

// Reads the text of an attachment type this library does not read itself
// (an extractor program); sets `note` when it cannot.
using ExternalExtractor =
    std::function<std::string(const std::string& extension, std::string_view bytes, std::string& note)>;

struct ExtractOptions {
  std::size_t max_text_bytes = 4u << 20;         // per part
  std::size_t max_attachment_bytes = 64u << 20;  // larger attachments are listed, not read
  // Which attachment types have their text indexed (by extension); none =
  // every type there is a reader for. Attachment names are always indexed.
  std::function<bool(const std::string& extension)> wanted;
  ExternalExtractor external;
  bool pdf_embedded_files = false;  // the files attached inside PDF documents too
  PdfLimits pdf;
  int max_depth = 3;  // attached messages inside attached messages
};

MessageText extractText(std::string_view raw, const ExtractOptions& options = {});

// What spe-pdf-text read of a PDF document: at most `max_text` bytes of
// text, the files attached inside it when `embedded_files` (at most
// `max_files` bytes together), and notes saying what is missing or cut and
// why. Never fails: a document that cannot be read gives notes only.
struct PdfContent {
  std::string text;
  std::vector<std::pair<std::string, std::string>> files;  // name, bytes
  std::vector<std::string> notes;
};
PdfContent readPdf(std::string_view pdf, bool embedded_files, std::size_t max_text, std::size_t max_files,
                   const PdfLimits& limits = {});
// The text of a PDF document (empty with a note when it cannot be read).
std::string pdfToText(std::string_view pdf, std::string* note = nullptr);

}  // namespace spe::index
