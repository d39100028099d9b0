// PDF documents are read by spe-pdf-text, a child process with memory,
// CPU, wall-clock and output limits: an ordinary document gives its text
// (and its embedded files), a deflate bomb (a small FlateDecode stream
// that inflates to hundreds of MB) ends within the time limit with a note,
// and the calling process does not grow.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <zlib.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "index/message_text.h"
#include "test_mime.h"

namespace spe::index {
namespace {

// Sanitizer builds leave the reader's address space unlimited
// (pdf_text_main.cpp): ASan and TSan reserve terabytes of shadow memory.
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
constexpr bool kAddressSpaceLimited = false;
#else
constexpr bool kAddressSpaceLimited = true;
#endif

using spe::testing::base64;
using spe::testing::pdf;

// Peak resident set of this process (VmHWM), in KB.
long peakRssKb() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmHWM:", 0) == 0) return std::stol(line.substr(6));
  }
  return -1;
}

// "BT … Td" and then `size` bytes of "(AAAA…) Tj" lines, deflated: about
// 1 KB per MB.
std::string deflatedTextOperators(std::size_t size) {
  std::string chunk;
  while (chunk.size() < (1u << 20)) chunk += "(" + std::string(65536, 'A') + ") Tj\n";
  z_stream z{};
  EXPECT_EQ(deflateInit(&z, 6), Z_OK);
  std::string out;
  char buffer[1 << 16];
  auto feed = [&](std::string& in, int flush) {
    z.next_in = reinterpret_cast<Bytef*>(in.data());
    z.avail_in = static_cast<uInt>(in.size());
    do {
      z.next_out = reinterpret_cast<Bytef*>(buffer);
      z.avail_out = sizeof buffer;
      deflate(&z, flush);
      out.append(buffer, sizeof buffer - z.avail_out);
    } while (z.avail_out == 0);
  };
  std::string begin = "BT /F1 12 Tf 20 50 Td\n";
  feed(begin, Z_NO_FLUSH);
  for (std::size_t fed = chunk.size(); fed < size; fed += chunk.size()) feed(chunk, Z_NO_FLUSH);
  feed(chunk, Z_FINISH);
  deflateEnd(&z);
  return out;
}

// A one-page PDF whose page content is `deflated` (a FlateDecode stream),
// or, with `embed`, whose page says "small" and which holds `deflated` as
// an embedded file.
std::string bombPdf(const std::string& deflated, bool embed) {
  const std::string len = std::to_string(deflated.size());
  const std::string small = "BT /F1 12 Tf 20 50 Td (small) Tj ET";
  std::string names;
  std::string extra;
  if (embed) {
    names = " /Names << /EmbeddedFiles << /Names [(big.txt) 6 0 R] >> >>";
    extra =
        "6 0 obj << /Type /Filespec /F (big.txt) /EF << /F 7 0 R >> >> endobj\n"
        "7 0 obj << /Type /EmbeddedFile /Filter /FlateDecode /Length " +
        len + " >> stream\n" + deflated + "\nendstream endobj\n";
  }
  const std::string contents = embed ? "4 0 obj << /Length " + std::to_string(small.size()) + " >> stream\n" + small
                                     : "4 0 obj << /Filter /FlateDecode /Length " + len + " >> stream\n" + deflated;
  return "%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R" + names +
         " >> endobj\n"
         "2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n"
         "3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 300 100] /Contents 4 0 R "
         "/Resources << /Font << /F1 5 0 R >> >> >> endobj\n" +
         contents +
         "\nendstream endobj\n"
         "5 0 obj << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> endobj\n" +
         extra + "trailer << /Root 1 0 R >>\n%%EOF\n";
}

std::string attachment(const std::string& name, const std::string& bytes) {
  return "--M\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; filename=\"" + name +
         "\"\r\nContent-Transfer-Encoding: base64\r\n\r\n" + base64(bytes) + "\r\n";
}

TEST(PdfText, ReadsTextAndEmbeddedFilesInTheChild) {
  const PdfContent c = readPdf(pdf("Quarterly invoice 4711", "inner.txt", "inner words"), true, 1 << 20, 1 << 20);
  EXPECT_NE(c.text.find("Quarterly invoice 4711"), std::string::npos) << c.text;
  EXPECT_TRUE(c.notes.empty()) << c.notes.front();
  ASSERT_EQ(c.files.size(), 1u);
  EXPECT_EQ(c.files[0].first, "inner.txt");
  EXPECT_EQ(c.files[0].second.rfind("inner words", 0), 0u) << c.files[0].second;
}

TEST(PdfText, UnreadableDocumentGivesANote) {
  std::string note;
  EXPECT_EQ(pdfToText("not a PDF at all", &note), "");
  EXPECT_NE(note.find("cannot be read"), std::string::npos) << note;
}

TEST(PdfText, TextIsCappedInTheChild) {
  const PdfContent c = readPdf(pdf("Quarterly invoice 4711"), false, 10, 0);
  EXPECT_EQ(c.text, "Quarterly ");
  ASSERT_FALSE(c.notes.empty());
  EXPECT_NE(c.notes.front().find("text cut"), std::string::npos) << c.notes.front();
}

TEST(PdfText, MissingReaderGivesANote) {
  PdfLimits limits;
  limits.helper = "/nonexistent/spe-pdf-text";
  const PdfContent c = readPdf(pdf("x"), false, 1000, 0, limits);
  EXPECT_TRUE(c.text.empty());
  ASSERT_FALSE(c.notes.empty());
  EXPECT_NE(c.notes.front().find("cannot be started"), std::string::npos) << c.notes.front();
}

// The attack of issue 15: a mail of a few hundred KB whose PDFs inflate
// to 512 MB, once as page content (poppler then works until the time
// limit) and once as an embedded file (it needs more than the memory
// limit). Without the child process poppler inflated such streams in the
// indexing process (39 MB to 561 MB).
TEST(PdfText, DeflateBombsEndWithinLimitsAndTheCallerDoesNotGrow) {
  const std::string deflated = deflatedTextOperators(512u << 20);
  ASSERT_LT(deflated.size(), 700u << 10) << "the stream should be a few hundred KB";
  const std::string raw =
      "Subject: bomb\r\nContent-Type: multipart/mixed; boundary=\"M\"\r\n\r\n"
      "--M\r\nContent-Type: text/plain\r\n\r\nsee the attachments\r\n" +
      attachment("pages.pdf", bombPdf(deflated, false)) + attachment("inside.pdf", bombPdf(deflated, true)) +
      "--M--\r\n";
  ASSERT_LT(raw.size(), 2u << 20);

  ExtractOptions options;
  options.pdf_embedded_files = true;
  options.pdf.timeout = std::chrono::seconds(3);
  options.pdf.max_memory = 256u << 20;
  const long before = peakRssKb();
  ASSERT_GT(before, 0);
  const auto start = std::chrono::steady_clock::now();
  const MessageText t = extractText(raw, options);
  const auto elapsed = std::chrono::steady_clock::now() - start;
  const long grown_kb = peakRssKb() - before;

  EXPECT_LT(elapsed, std::chrono::seconds(15));
  EXPECT_LT(grown_kb, 64 * 1024) << "the caller's peak RSS grew by " << grown_kb << " KB";
  EXPECT_NE(t.body.find("see the attachments"), std::string::npos);
  ASSERT_EQ(t.attachments.size(), 2u);
  for (const auto& a : t.attachments) EXPECT_LE(a.text.size(), options.max_text_bytes);
  EXPECT_NE(t.attachments[0].note.find("took longer than 3 s"), std::string::npos) << t.attachments[0].note;
  // The page of the second document was read before its embedded file broke the memory limit.
  EXPECT_NE(t.attachments[1].text.find("small"), std::string::npos) << t.attachments[1].text;
  if (kAddressSpaceLimited) {
    EXPECT_NE(t.attachments[1].note.find("memory"), std::string::npos) << t.attachments[1].note;
  } else {  // the CPU limit ends it instead
    EXPECT_NE(t.attachments[1].note.find("took longer"), std::string::npos) << t.attachments[1].note;
  }
  EXPECT_EQ(t.attachments[1].text.find("big.txt"), std::string::npos);
  ASSERT_EQ(t.notes.size(), 2u);
  EXPECT_EQ(t.notes[0].rfind("pages.pdf: ", 0), 0u) << t.notes[0];
  EXPECT_EQ(t.notes[1].rfind("inside.pdf: ", 0), 0u) << t.notes[1];
  std::cout << "bombs: " << deflated.size() << " bytes deflated each, "
            << std::chrono::duration_cast<std::chrono::milliseconds>(elapsed).count() << " ms, caller grew " << grown_kb
            << " KB\n  " << t.notes[0] << "\n  " << t.notes[1] << "\n";
}

// A PDF document holding `count` small embedded files f00.txt, f01.txt...
std::string pdfWithFiles(int count) {
  std::string names, objects;
  int object = 6;
  for (int i = 0; i < count; ++i) {
    const std::string name = std::string("f") + static_cast<char>('0' + i / 10) + static_cast<char>('0' + i % 10) +
                             ".txt";
    const std::string content = "file number " + std::to_string(i);
    names += "(" + name + ") " + std::to_string(object) + " 0 R ";
    objects += std::to_string(object) + " 0 obj << /Type /Filespec /F (" + name + ") /EF << /F " +
               std::to_string(object + 1) + " 0 R >> >> endobj\n" + std::to_string(object + 1) +
               " 0 obj << /Type /EmbeddedFile /Length " + std::to_string(content.size()) + " >> stream\n" + content +
               "\nendstream endobj\n";
    object += 2;
  }
  const std::string page = "BT /F1 12 Tf 20 50 Td (many files) Tj ET";
  return "%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R /Names << /EmbeddedFiles << /Names [" + names +
         "] >> >> >> endobj\n"
         "2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n"
         "3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 300 100] /Contents 4 0 R "
         "/Resources << /Font << /F1 5 0 R >> >> >> endobj\n"
         "4 0 obj << /Length " +
         std::to_string(page.size()) + " >> stream\n" + page +
         "\nendstream endobj\n"
         "5 0 obj << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> endobj\n" +
         objects + "trailer << /Root 1 0 R >>\n%%EOF\n";
}

// A stand-in for spe-pdf-text: a shell script in a temporary folder.
class PdfHelperScript : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (std::filesystem::temp_directory_path() / "spe-pdf-helper-XXXXXX").string();
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string script(const std::string& body) {
    const auto path = dir_ / "helper.sh";
    std::ofstream(path) << "#!/bin/sh\n" << body << "\n";
    ::chmod(path.c_str(), 0755);
    return path.string();
  }
  std::filesystem::path dir_;
};

// The soft and hard value of a line of /proc/<pid>/limits ("Max open files  16  16  files").
std::pair<std::string, std::string> limitOf(const std::string& limits, const std::string& name) {
  const auto at = limits.find("\n" + name + " ");
  if (at == std::string::npos) return {};
  std::istringstream line(limits.substr(at + 1 + name.size(), limits.find('\n', at + 1) - at - 1 - name.size()));
  std::pair<std::string, std::string> values;
  line >> values.first >> values.second;
  return values;
}

// The reader runs with an empty environment, in "/", without new
// privileges, and with every limit in place before it reads the document.
TEST(PdfText, TheReaderRunsWithoutEnvironmentAndWithItsLimits) {
  ASSERT_EQ(::setenv("SPE_PDF_TEST_SECRET", "instance-secret", 1), 0);
  PdfLimits limits;
  limits.report_sandbox = true;
  limits.timeout = std::chrono::seconds(5);
  limits.max_memory = 256u << 20;
  const PdfContent c = readPdf(pdf("x"), false, 1 << 20, 0, limits);
  ::unsetenv("SPE_PDF_TEST_SECRET");
  ASSERT_TRUE(c.notes.empty()) << c.notes.front();
  const std::string& r = c.text;
  const auto env = r.find("environment:\n");
  const auto cwd = r.find("cwd: ");
  ASSERT_NE(env, std::string::npos) << r;
  ASSERT_NE(cwd, std::string::npos) << r;
  EXPECT_EQ(r.substr(env + 13, cwd - env - 13), "") << "the reader inherited an environment: " << r;
  EXPECT_NE(r.find("cwd: /\n"), std::string::npos) << r;
  EXPECT_NE(r.find("NoNewPrivs:\t1"), std::string::npos) << r;
  const std::string memory = std::to_string(256u << 20);
  if (kAddressSpaceLimited) {
    EXPECT_EQ(limitOf(r, "Max address space"), std::make_pair(memory, memory)) << r;
  }
  EXPECT_EQ(limitOf(r, "Max cpu time"), std::make_pair(std::string("6"), std::string("6"))) << r;
  EXPECT_EQ(limitOf(r, "Max open files"), std::make_pair(std::string("16"), std::string("16"))) << r;
  EXPECT_EQ(limitOf(r, "Max file size"), std::make_pair(std::string("0"), std::string("0"))) << r;
  EXPECT_EQ(limitOf(r, "Max core file size"), std::make_pair(std::string("0"), std::string("0"))) << r;
  EXPECT_EQ(limitOf(r, "Max processes"), std::make_pair(std::string("0"), std::string("0"))) << r;
}

// A reader that closes its output and then does not exit is killed at the
// deadline; the caller does not wait for it.
TEST_F(PdfHelperScript, AReaderThatClosesItsOutputAndHangsIsKilledAtTheDeadline) {
  PdfLimits limits;
  limits.helper = script("exec >&- <&-\nexec /bin/sleep 30");
  limits.timeout = std::chrono::seconds(1);
  const auto start = std::chrono::steady_clock::now();
  const PdfContent c = readPdf(pdf("x"), false, 1000, 0, limits);
  const auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_LT(elapsed, std::chrono::seconds(5));
  ASSERT_FALSE(c.notes.empty());
  EXPECT_NE(c.notes.front().find("took longer than 1 s"), std::string::npos) << c.notes.front();
}

// At most 32 files are read from inside one document; a note says so.
TEST(PdfText, AtMost32EmbeddedFilesAreRead) {
  const PdfContent c = readPdf(pdfWithFiles(40), true, 1 << 20, 1 << 20);
  EXPECT_NE(c.text.find("many files"), std::string::npos) << c.text;
  ASSERT_EQ(c.files.size(), 32u);
  EXPECT_EQ(c.files[0].first, "f00.txt");
  EXPECT_EQ(c.files[31].first, "f31.txt");
  ASSERT_EQ(c.notes.size(), 1u);
  EXPECT_NE(c.notes[0].find("only the first 32 of the 40 files"), std::string::npos) << c.notes[0];
}

// All PDF documents of a message share one budget: five documents whose
// reader never answers take the budget (3 s), not five times the
// per-document limit (2 s each); those after it are not read, with a note.
TEST_F(PdfHelperScript, ThePdfDocumentsOfAMessageShareOneBudget) {
  std::string raw = "Subject: many\r\nContent-Type: multipart/mixed; boundary=\"M\"\r\n\r\n";
  for (int i = 0; i < 5; ++i) raw += attachment("d" + std::to_string(i) + ".pdf", pdf("document"));
  raw += "--M--\r\n";
  ExtractOptions options;
  options.pdf.helper = script("exec /bin/sleep 30");
  options.pdf.timeout = std::chrono::seconds(2);
  options.pdf.message_budget = std::chrono::seconds(3);
  const auto start = std::chrono::steady_clock::now();
  const MessageText t = extractText(raw, options);
  const auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_LT(elapsed, std::chrono::milliseconds(4500));
  ASSERT_EQ(t.attachments.size(), 5u);
  EXPECT_NE(t.attachments[0].note.find("took longer than 2 s"), std::string::npos) << t.attachments[0].note;
  EXPECT_NE(t.attachments[1].note.find("the PDF documents of this message took longer than 3 s together"),
            std::string::npos)
      << t.attachments[1].note;
  for (int i = 2; i < 5; ++i) {
    EXPECT_EQ(t.attachments[i].note.rfind("not read: the PDF documents of this message took longer than 3 s", 0), 0u)
        << t.attachments[i].note;
  }
  EXPECT_EQ(t.notes.size(), 5u);
}

}  // namespace
}  // namespace spe::index
