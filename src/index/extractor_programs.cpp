#include "index/extractor_programs.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <filesystem>
#include <map>
#include <optional>

#include "common/base/fork_gate.h"
#include "common/mime/charset.h"
#include "index/message_text.h"

namespace spe::index {
namespace {

// Extension → program and arguments ("{}" = the file).
const std::map<std::string, std::vector<std::string>>& programs() {
  static const std::map<std::string, std::vector<std::string>> table = {
      {"docx", {"docx2txt", "{}", "-"}},
      {"docm", {"docx2txt", "{}", "-"}},
      {"xlsx", {"xlsx2csv", "--all", "{}"}},
      {"odt", {"odt2txt", "--encoding=UTF-8", "{}"}},
      {"ods", {"odt2txt", "--encoding=UTF-8", "{}"}},
      {"odp", {"odt2txt", "--encoding=UTF-8", "{}"}},
      {"rtf", {"unrtf", "--text", "--nopict", "{}"}},
      {"doc", {"catdoc", "-d", "utf-8", "-w", "{}"}},
      {"xls", {"xls2csv", "-d", "utf-8", "{}"}},
      {"ppt", {"catppt", "-d", "utf-8", "{}"}},
  };
  return table;
}

// unrtf starts with "###" comment lines and a dashed rule.
std::string dropRtfHeader(const std::string& text) {
  std::string out;
  std::size_t pos = 0;
  bool header = true;
  while (pos < text.size()) {
    std::size_t end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    const std::string line = text.substr(pos, end - pos);
    if (header && (line.rfind("###", 0) == 0 || line.rfind("-----", 0) == 0 || line.empty())) {
      pos = end + 1;
      continue;
    }
    header = false;
    out += line + "\n";
    pos = end + 1;
  }
  return out;
}

struct TempFile {
  std::string path;
  ~TempFile() {
    if (!path.empty()) ::unlink(path.c_str());
  }
};

}  // namespace

ExtractorPrograms::ExtractorPrograms(std::string temp_directory, ExtractorLimits limits)
    : temp_directory_(std::move(temp_directory)), limits_(limits) {}

std::vector<std::string> ExtractorPrograms::extensions() {
  std::vector<std::string> out;
  for (const auto& [ext, argv] : programs()) out.push_back(ext);
  return out;
}

std::vector<std::string> ExtractorPrograms::builtInExtensions() {
  return {"txt", "text", "csv", "log", "htm", "html", "pdf"};
}

bool ExtractorPrograms::known(const std::string& extension) {
  const auto b = builtInExtensions();
  return programs().count(extension) || std::find(b.begin(), b.end(), extension) != b.end();
}

ExtractorPrograms::Outcome ExtractorPrograms::spawn(const std::vector<std::string>& argv_template,
                                                    const std::string& file) const {
  Outcome outcome;
  std::vector<std::string> args;
  for (const auto& a : argv_template) args.push_back(a == "{}" ? file : a);
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);

  int out_pipe[2];
  if (::pipe2(out_pipe, O_CLOEXEC) != 0) return outcome;
  // Reads end of file once the child has closed its copies of our
  // descriptors (close_range below), exec'd or died: the end of the window
  // ForkGate guards.
  int started[2];
  if (::pipe2(started, O_CLOEXEC) != 0) {
    ::close(out_pipe[0]);
    ::close(out_pipe[1]);
    return outcome;
  }
  const rlim_t memory = limits_.max_memory;
  const rlim_t cpu = static_cast<rlim_t>(limits_.timeout.count() / 1000 + 1);
  std::optional<ForkGate::Starting> starting(std::in_place);
  const pid_t pid = ::fork();
  if (pid < 0) {
    starting.reset();
    for (int fd : {out_pipe[0], out_pipe[1], started[0], started[1]}) ::close(fd);
    return outcome;
  }
  if (pid == 0) {
    // Child: only async-signal-safe calls until exec.
    ::setpgid(0, 0);
    const rlimit mem{memory, memory};
    ::setrlimit(RLIMIT_AS, &mem);
    const rlimit cpu_limit{cpu, cpu};
    ::setrlimit(RLIMIT_CPU, &cpu_limit);
    const rlimit no_core{0, 0};
    ::setrlimit(RLIMIT_CORE, &no_core);
    const int devnull = ::open("/dev/null", O_RDWR);
    ::dup2(devnull, 0);
    ::dup2(out_pipe[1], 1);
    ::dup2(devnull, 2);
    // Nothing else of the instance's (its databases, index files, sockets)
    // reaches a program that reads hostile documents, or outlives a restart.
    ::close_range(3, ~0U, 0);
    // Signals the instance holds back (termination_signals.h) are the
    // program's to take.
    sigset_t none;
    ::sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    ::execvp(argv[0], argv.data());
    ::_exit(127);
  }
  ::close(out_pipe[1]);
  ::close(started[1]);
  char ignored;
  while (::read(started[0], &ignored, 1) < 0 && errno == EINTR) {
  }
  ::close(started[0]);
  starting.reset();
  outcome.started = true;
  const auto deadline = std::chrono::steady_clock::now() + limits_.timeout;
  char buffer[65536];
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline -
                                                                            std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      outcome.timed_out = true;
      break;
    }
    pollfd pfd{out_pipe[0], POLLIN, 0};
    const int ready = ::poll(&pfd, 1, static_cast<int>(left.count()));
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) {
      outcome.timed_out = ready == 0;
      break;
    }
    const ssize_t n = ::read(out_pipe[0], buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    const std::size_t room = limits_.max_output - outcome.output.size();
    outcome.output.append(buffer, std::min<std::size_t>(room, static_cast<std::size_t>(n)));
    if (outcome.output.size() >= limits_.max_output) {
      outcome.truncated = true;
      break;
    }
  }
  ::close(out_pipe[0]);
  if (outcome.timed_out || outcome.truncated) ::kill(-pid, SIGKILL);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFEXITED(status)) outcome.exit_status = WEXITSTATUS(status);
  return outcome;
}

std::string ExtractorPrograms::run(const std::string& extension, std::string_view bytes, std::string& note) const {
  const auto it = programs().find(extension);
  if (it == programs().end()) return {};
  std::error_code ec;
  std::filesystem::create_directories(temp_directory_, ec);
  ::chmod(temp_directory_.c_str(), 0700);
  std::string pattern = temp_directory_ + "/attachment-XXXXXX." + extension;
  const int fd = ::mkstemps(pattern.data(), static_cast<int>(extension.size() + 1));
  if (fd < 0) {
    note = "cannot write a temporary file for the extractor";
    return {};
  }
  TempFile temp{pattern};
  std::size_t written = 0;
  while (written < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + written, bytes.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    written += static_cast<std::size_t>(n);
  }
  ::close(fd);
  if (written < bytes.size()) {
    note = "cannot write a temporary file for the extractor (disk full?)";
    return {};
  }
  const std::string& program = it->second[0];
  Outcome o = spawn(it->second, temp.path);
  if (o.timed_out) {
    note = program + " did not finish within " + std::to_string(limits_.timeout.count() / 1000) + " s; not indexed";
    return {};
  }
  if (o.exit_status == 127) {
    note = "the extractor program " + program + " is not installed";
    return {};
  }
  if (o.exit_status != 0 && !o.truncated) {
    note = program + " could not read it (exit status " + std::to_string(o.exit_status) + ")";
    return {};
  }
  std::string text = mime::textToUtf8(o.output);
  if (extension == "rtf") text = dropRtfHeader(text);
  if (o.truncated) note = "text cut at " + std::to_string(limits_.max_output >> 20) + " MB";
  return text;
}

}  // namespace spe::index
