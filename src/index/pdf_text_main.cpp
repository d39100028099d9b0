// spe-pdf-text: reads one PDF document with poppler in a process of its
// own, so that a hostile document (a small stream that inflates to
// gigabytes, a page that never ends) costs this process only, never the
// instance that indexes it. Started by readPdf() (pdf_text.cpp), never by
// hand.
//
//   spe-pdf-text MAX_TEXT MAX_FILES MAX_MEMORY CPU_SECONDS [--embedded MAX_COUNT] [--report-sandbox]
//
// It is started with an empty environment and limits itself first, before
// it reads anything: no new privileges (PR_SET_NO_NEW_PRIVS), working
// folder "/", address space MAX_MEMORY bytes, CPU_SECONDS of CPU time, no
// core dumps, no files written, no processes started, at most 16 open
// descriptors. A limit that cannot be set ends it at once with its own
// exit status (10 to 19). It then reads the document from standard input
// up to end of file, and writes records to standard output,
// each one kind byte, a 4-byte big-endian length and that many bytes:
//   'T' text of a page (UTF-8; all of them together at most MAX_TEXT bytes)
//   'N' a note (why text is missing or cut)
//   'F' the name of an embedded file, followed by
//   'D' its bytes (at most MAX_FILES bytes and MAX_COUNT files in all)
//   'E' the end: the document was read completely.
// --report-sandbox (for tests) reads no document: it writes one 'T' record
// with what it runs under (/proc/self/limits, the environment, the working
// folder, NoNewPrivs) and 'E'.
// A child that is killed (memory or time) leaves no 'E': the caller keeps
// the pages that came before and says the text is cut.
#include <poppler/cpp/poppler-document.h>
#include <poppler/cpp/poppler-embedded-file.h>
#include <poppler/cpp/poppler-global.h>
#include <poppler/cpp/poppler-page.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace {

void writeAll(const char* data, std::size_t size) {
  while (size > 0) {
    const ssize_t n = ::write(1, data, size);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) ::_exit(3);  // the caller went away
    data += n;
    size -= static_cast<std::size_t>(n);
  }
}

void record(char kind, std::string_view bytes) {
  const auto n = static_cast<std::uint32_t>(bytes.size());
  const char header[5] = {kind, static_cast<char>(n >> 24), static_cast<char>(n >> 16), static_cast<char>(n >> 8),
                          static_cast<char>(n)};
  writeAll(header, sizeof header);
  writeAll(bytes.data(), bytes.size());
}

// At most `size` bytes of `text`, not cutting a UTF-8 sequence.
std::string_view utf8Prefix(std::string_view text, std::size_t size) {
  if (text.size() <= size) return text;
  while (size > 0 && (static_cast<unsigned char>(text[size]) & 0xC0) == 0x80) --size;
  return text.substr(0, size);
}

// Sets a hard and soft limit, or ends the process with `status`: a
// reader that runs without its limits would be worse than none.
void limit(int resource, rlim_t value, int status) {
  const rlimit l{value, value};
  if (::setrlimit(resource, &l) != 0) ::_exit(status);
}

// Everything this process runs under, before it reads a byte of the
// document. Standard input and output are the caller's socket already.
void sandbox(rlim_t memory, rlim_t cpu_seconds) {
  if (::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) ::_exit(10);
  if (::chdir("/") != 0) ::_exit(11);
#if !defined(__SANITIZE_ADDRESS__) && !defined(__SANITIZE_THREAD__)
  limit(RLIMIT_AS, memory, 12);
#else
  // ASan and TSan reserve terabytes of shadow address space at start, so a
  // limit of the address space fails every later mapping. Sanitizer builds
  // are test builds: the other limits (CPU time above all) still hold.
  (void)memory;
#endif
  limit(RLIMIT_CPU, cpu_seconds, 13);
  limit(RLIMIT_CORE, 0, 14);
  limit(RLIMIT_FSIZE, 0, 15);
  limit(RLIMIT_NOFILE, 16, 16);
  limit(RLIMIT_NPROC, 0, 17);
}

std::string fileText(const char* path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

void reportSandbox() {
  std::string environment = fileText("/proc/self/environ");
  for (char& c : environment) {
    if (c == '\0') c = '\n';
  }
  std::string no_new_privs;
  const std::string status = fileText("/proc/self/status");
  const auto at = status.find("NoNewPrivs:");
  if (at != std::string::npos) no_new_privs = status.substr(at, status.find('\n', at) - at);
  char cwd[4096] = "";
  if (!::getcwd(cwd, sizeof cwd)) cwd[0] = '\0';
  record('T', "limits:\n" + fileText("/proc/self/limits") + "environment:\n" + environment + "cwd: " + cwd + "\n" +
                  no_new_privs + "\n");
  record('E', "");
}

void quietPoppler(const std::string&, void*) {}

// All of standard input; false on a read error.
bool readInput(std::vector<char>& data) {
  char buffer[65536];
  for (;;) {
    const ssize_t n = ::read(0, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return false;
    if (n == 0) return true;
    data.insert(data.end(), buffer, buffer + n);
  }
}

// The text of the pages, at most `max_text` bytes of it.
void recordPages(poppler::document& doc, std::size_t max_text) {
  std::size_t text_left = max_text;
  for (int i = 0; i < doc.pages() && text_left > 0; ++i) {
    std::unique_ptr<poppler::page> page(doc.create_page(i));
    if (!page) continue;
    poppler::byte_array bytes = page->text().to_utf8();
    bytes.push_back('\n');
    const std::string_view text = utf8Prefix(std::string_view(bytes.data(), bytes.size()), text_left);
    record('T', text);
    text_left -= text.size();
    if (text.size() < bytes.size()) {
      record('N', "text cut at " + std::to_string(max_text >> 10) + " KB");
      break;
    }
  }
}

// The embedded files: at most `max_count` of them and `max_files` bytes
// together.
void recordEmbeddedFiles(poppler::document& doc, std::size_t max_files, std::size_t max_count) {
  std::size_t files_left = max_files;
  const std::vector<poppler::embedded_file*> files = doc.embedded_files();
  std::size_t count = 0;
  for (poppler::embedded_file* f : files) {
    if (!f || !f->is_valid()) continue;
    if (count == max_count) {
      record('N', "only the first " + std::to_string(max_count) + " of the " + std::to_string(files.size()) +
                      " files inside the PDF document are read");
      break;
    }
    ++count;
    const int declared = f->size();  // -1 when the document does not say
    const poppler::byte_array bytes = declared >= 0 && static_cast<std::size_t>(declared) > files_left
                                          ? poppler::byte_array()
                                          : f->data();
    if ((declared >= 0 && static_cast<std::size_t>(declared) > files_left) || bytes.size() > files_left) {
      record('N', f->name() + ": the files inside the PDF document are larger than " + std::to_string(max_files >> 20) +
                      " MB together; not read");
      continue;
    }
    files_left -= bytes.size();
    record('F', f->name());
    record('D', std::string_view(bytes.data(), bytes.size()));
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 5) return 2;
  const std::size_t max_text = std::strtoull(argv[1], nullptr, 10);
  const std::size_t max_files = std::strtoull(argv[2], nullptr, 10);
  sandbox(std::strtoull(argv[3], nullptr, 10), std::strtoull(argv[4], nullptr, 10));
  bool embedded = false;
  std::size_t max_count = 0;
  for (int i = 5; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--embedded" && i + 1 < argc) {
      embedded = true;
      max_count = std::strtoull(argv[++i], nullptr, 10);
    } else if (arg == "--report-sandbox") {
      reportSandbox();
      return 0;
    } else {
      return 2;
    }
  }
  poppler::set_debug_error_function(quietPoppler, nullptr);

  std::vector<char> data;
  if (!readInput(data)) return 3;
  std::unique_ptr<poppler::document> doc(poppler::document::load_from_data(&data));
  if (!doc || doc->is_locked()) {
    record('N', doc ? "the PDF document is encrypted" : "the PDF document cannot be read");
    record('E', "");
    return 0;
  }
  recordPages(*doc, max_text);
  if (embedded && doc->has_embedded_files()) recordEmbeddedFiles(*doc, max_files, max_count);
  record('E', "");
  return 0;
}
