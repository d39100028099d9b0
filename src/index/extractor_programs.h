// Attachment text through extractor programs (Debian packages installed by
// ./spe setup): docx2txt, odt2txt, unrtf, catdoc/xls2csv/catppt, xlsx2csv.
// Each run gets the attachment as a private temporary file, a time limit,
// a memory limit and a cap on the text it may print; a program that fails,
// hangs or is missing gives no text and a note saying why, never an error
// that stops indexing.
// Thread safety: run() is safe from any thread.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace spe::index {

struct ExtractorLimits {
  std::chrono::milliseconds timeout{20000};
  std::size_t max_output = 4u << 20;
  std::size_t max_memory = 1u << 30;  // address space of the program
};

class ExtractorPrograms {
 public:
  // `temp_directory` holds the attachment files while a program reads them
  // (created mode 700 if missing).
  explicit ExtractorPrograms(std::string temp_directory, ExtractorLimits limits = {});

  // Extensions with an extractor program, e.g. "docx".
  static std::vector<std::string> extensions();
  // Extensions read without a program (text, HTML, PDF).
  static std::vector<std::string> builtInExtensions();
  static bool known(const std::string& extension);

  // The text of `bytes` as a file of this type; "" with `note` set when the
  // program is missing, fails, times out or prints nothing.
  std::string run(const std::string& extension, std::string_view bytes, std::string& note) const;

  // Runs `argv` (the file path replaces "{}") with the limits; the exit
  // status and what it printed. Exposed for tests.
  struct Outcome {
    bool started = false, timed_out = false, truncated = false;
    int exit_status = -1;
    std::string output;
  };
  Outcome spawn(const std::vector<std::string>& argv, const std::string& file) const;

 private:
  std::string temp_directory_;
  ExtractorLimits limits_;
};

}  // namespace spe::index
