#include "index/message_text.h"

#include <algorithm>
#include <chrono>
#include <optional>

#include "common/base/text.h"
#include "common/mime/charset.h"
#include "common/mime/gmime_support.h"
#include "common/mime/html_text.h"
#include "common/mime/message_headers.h"
#include "index/extractor_programs.h"

namespace spe::index {
namespace {

// The least of a message's PDF budget worth starting a PDF reader with.
constexpr std::chrono::milliseconds kPdfMinimumTime{100};

using mime::addressListText;
std::string take(char* s) { return mime::takeGString(s); }

// The decoded bytes of a leaf part.
std::string partBytes(GMimePart* part) {
  GMimeDataWrapper* content = g_mime_part_get_content(part);
  if (!content) return {};
  GMimeStream* mem = g_mime_stream_mem_new();
  g_mime_data_wrapper_write_to_stream(content, mem);
  GByteArray* bytes = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(mem));
  std::string out(reinterpret_cast<const char*>(bytes->data), bytes->len);
  g_object_unref(mem);
  return out;
}

// The text of a text part in UTF-8 (converted from its charset), whole:
// g_mime_text_part_get_text() gives a C string, which ends at the first
// NUL byte, and the text after it would be lost to the index. NUL bytes
// become spaces (they separate words, as other control characters do).
std::string textOf(GMimeTextPart* part) {
  GMimeDataWrapper* content = g_mime_part_get_content(GMIME_PART(part));
  if (!content) return {};
  GMimeStream* mem = g_mime_stream_mem_new();
  const char* charset = g_mime_object_get_content_type_parameter(GMIME_OBJECT(part), "charset");
  GMimeFilter* convert = charset ? g_mime_filter_charset_new(charset, "utf-8") : nullptr;  // null: unknown charset
  if (convert) {
    GMimeStream* filtered = g_mime_stream_filter_new(mem);
    g_mime_stream_filter_add(GMIME_STREAM_FILTER(filtered), convert);
    g_object_unref(convert);
    g_mime_data_wrapper_write_to_stream(content, filtered);
    g_mime_stream_flush(filtered);
    g_object_unref(filtered);
  } else {
    g_mime_data_wrapper_write_to_stream(content, mem);
  }
  GByteArray* bytes = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(mem));
  std::string out(reinterpret_cast<const char*>(bytes->data), bytes->len);
  g_object_unref(mem);
  std::replace(out.begin(), out.end(), '\0', ' ');
  return out;
}

// The end of the time all PDF documents of one message may take together,
// set when the first one is read.
struct PdfBudget {
  std::optional<std::chrono::steady_clock::time_point> deadline;
};

struct Walker {
  const ExtractOptions& options;
  MessageText& out;
  int depth;
  PdfBudget& pdf_budget;

  void append(std::string& to, std::string_view text) {
    if (text.empty()) return;
    const std::size_t room = options.max_text_bytes > to.size() ? options.max_text_bytes - to.size() : 0;
    if (!to.empty()) to += '\n';
    to += mime::clampUtf8(text, room, true);
  }

  void textPart(GMimeTextPart* part, bool html, std::string& to) {
    const std::string text = textOf(part);
    append(to, html ? mime::htmlToText(text) : text);
  }

  void attachment(GMimeObject* object) {
    AttachmentText a;
    GMimeContentType* type = g_mime_object_get_content_type(object);
    a.content_type = asciiLower(take(g_mime_content_type_get_mime_type(type)));
    if (GMIME_IS_PART(object)) {
      if (const char* name = g_mime_part_get_filename(GMIME_PART(object))) a.name = name;
    }
    const auto dot = a.name.rfind('.');
    if (dot != std::string::npos) a.extension = asciiLower(a.name.substr(dot + 1));
    if (GMIME_IS_MESSAGE_PART(object)) {
      GMimeMessage* inner = g_mime_message_part_get_message(GMIME_MESSAGE_PART(object));
      if (inner && depth < options.max_depth) {
        MessageText nested;
        Walker w{options, nested, depth + 1, pdf_budget};
        w.message(inner);
        a.text = nested.subject + "\n" + nested.from + "\n" + nested.to + "\n" + nested.body;
        for (auto& n : nested.attachments) {
          if (!n.name.empty()) a.text += "\n" + n.name;
          if (!n.text.empty()) a.text += "\n" + n.text;
        }
      }
      out.attachments.push_back(std::move(a));
      return;
    }
    if (!GMIME_IS_PART(object)) return;
    if (a.extension.empty()) a.extension = extensionOfType(a.content_type);
    // A text part whose name says nothing a reader knows ("patch.diff",
    // "invite.ics", "data.dat") is read as what its type says: text.
    std::string reader = a.extension;
    if (GMIME_IS_TEXT_PART(object) && !ExtractorPrograms::known(reader)) {
      reader = a.content_type == "text/html" ? "html" : "txt";
    }
    // Text parts come converted from their charset; other bytes as they are.
    const bool text_part = GMIME_IS_TEXT_PART(object) && (reader == "txt" || reader == "html" || reader == "htm");
    const std::string bytes = text_part ? textOf(GMIME_TEXT_PART(object)) : partBytes(GMIME_PART(object));
    a.text = fileText(reader, bytes, a.note, 0);
    if (!a.note.empty()) out.notes.push_back((a.name.empty() ? a.content_type : a.name) + ": " + a.note);
    out.attachments.push_back(std::move(a));
  }

  static std::string extensionOfType(const std::string& type) {
    if (type == "text/plain") return "txt";
    if (type == "text/html") return "html";
    if (type == "application/pdf") return "pdf";
    return {};
  }

  // The text of an attached file by its extension: built-in readers for
  // text, HTML and PDF (and the files inside a PDF), else the external
  // extractor. Types not wanted give no text and no note.
  std::string fileText(const std::string& ext, const std::string& bytes, std::string& note, int pdf_depth) {
    if (bytes.size() > options.max_attachment_bytes) {
      note = "larger than " + std::to_string(options.max_attachment_bytes >> 20) + " MB; not read";
      return {};
    }
    if (options.wanted && !options.wanted(ext)) return {};
    std::string text;
    if (ext == "txt" || ext == "text" || ext == "csv" || ext == "log") {
      text = mime::textToUtf8(bytes);
    } else if (ext == "html" || ext == "htm") {
      text = mime::htmlToText(mime::textToUtf8(bytes));
    } else if (ext == "pdf") {
      const auto now = std::chrono::steady_clock::now();
      if (!pdf_budget.deadline) pdf_budget.deadline = now + options.pdf.message_budget;
      // A reader started with almost nothing of the budget left only times out:
      // what remains under kPdfMinimumTime counts as spent.
      if (now + kPdfMinimumTime >= *pdf_budget.deadline) {
        note = "not read: the PDF documents of this message took longer than " +
               std::to_string(std::chrono::duration_cast<std::chrono::seconds>(options.pdf.message_budget).count()) +
               " s together";
        return {};
      }
      PdfLimits limits = options.pdf;
      limits.deadline = std::min(limits.deadline, *pdf_budget.deadline);
      const bool embedded = options.pdf_embedded_files && pdf_depth < 2;
      PdfContent pdf = readPdf(bytes, embedded, options.max_text_bytes, embedded ? options.max_attachment_bytes : 0,
                               limits);
      text = std::move(pdf.text);
      for (const auto& n : pdf.notes) note += (note.empty() ? "" : "; ") + n;
      if (embedded) {
        for (const auto& [name, data] : pdf.files) {
          const auto dot = name.rfind('.');
          std::string inner_note;
          const std::string inner = fileText(dot == std::string::npos ? "" : asciiLower(name.substr(dot + 1)), data,
                                             inner_note, pdf_depth + 1);
          text += "\n" + name + "\n" + inner;
          if (!inner_note.empty()) out.notes.push_back(name + " (in a PDF): " + inner_note);
        }
      }
    } else if (options.external && !ext.empty()) {
      text = options.external(ext, bytes, note);
    }
    return mime::clampUtf8(text, options.max_text_bytes, true);
  }

  void walk(GMimeObject* object) {
    if (GMIME_IS_MULTIPART(object)) {
      GMimeMultipart* mp = GMIME_MULTIPART(object);
      const std::string subtype = asciiLower(
          g_mime_content_type_get_media_subtype(g_mime_object_get_content_type(object)));
      const int n = g_mime_multipart_get_count(mp);
      if (subtype == "alternative" && n > 0) {
        // One rendering is enough: the plain one when there is one.
        GMimeObject* chosen = nullptr;
        for (int i = 0; i < n && !chosen; ++i) {
          GMimeObject* sub = g_mime_multipart_get_part(mp, i);
          if (GMIME_IS_TEXT_PART(sub) &&
              g_mime_content_type_is_type(g_mime_object_get_content_type(sub), "text", "plain")) {
            chosen = sub;
          }
        }
        walk(chosen ? chosen : g_mime_multipart_get_part(mp, n - 1));
        return;
      }
      for (int i = 0; i < n; ++i) walk(g_mime_multipart_get_part(mp, i));
      return;
    }
    const bool disposed = GMIME_IS_PART(object) && g_mime_part_is_attachment(GMIME_PART(object));
    const bool named = GMIME_IS_PART(object) && g_mime_part_get_filename(GMIME_PART(object));
    if (!disposed && GMIME_IS_TEXT_PART(object)) {
      // Inline text is the message's text, with a file name too (clients
      // show it in the body). A named one stays an attachment as well, so
      // its name and text are found as an attachment's.
      GMimeContentType* type = g_mime_object_get_content_type(object);
      textPart(GMIME_TEXT_PART(object), g_mime_content_type_is_type(type, "text", "html"), out.body);
      if (named) attachment(object);
      return;
    }
    attachment(object);
  }

  void message(GMimeMessage* msg) {
    if (const char* subject = g_mime_message_get_subject(msg)) out.subject = subject;
    out.from = mime::addressListText(g_mime_message_get_from(msg));
    out.to = mime::addressListText(g_mime_message_get_to(msg));
    out.cc = mime::addressListText(g_mime_message_get_cc(msg));
    out.bcc = mime::addressListText(g_mime_message_get_bcc(msg));
    if (GMimeObject* body = g_mime_message_get_mime_part(msg)) walk(body);
  }
};

}  // namespace

MessageText extractText(std::string_view raw, const ExtractOptions& options) {
  MessageText out;
  GMimeMessage* msg = mime::parseMessage(raw);
  if (!msg) {
    out.unparsed = true;  // archiving warned already
    out.body = mime::clampUtf8(raw, options.max_text_bytes, true);
    return out;
  }
  PdfBudget pdf_budget;
  Walker{options, out, 0, pdf_budget}.message(msg);
  g_object_unref(msg);
  return out;
}

}  // namespace spe::index
