// readPdf(): runs spe-pdf-text (pdf_text_main.cpp) for one document and
// reads its records. poppler never runs in this process: it decompresses
// whole streams in memory before anything can look at their size, so a
// mail of a few hundred KB could take an instance to gigabytes. The child
// limits its own address space and CPU time; this side starts it with an
// empty environment and adds a wall-clock deadline (the document's, or the
// message's when that comes first) and a cap on what it reads back.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "common/base/fork_gate.h"
#include "index/message_text.h"

namespace spe::index {
namespace {

std::string helperPath(const PdfLimits& limits) {
  if (!limits.helper.empty()) return limits.helper;
  static const std::string beside = [] {
    std::error_code ec;
    const auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
    return ((ec ? std::filesystem::path(".") : self.parent_path()) / "spe-pdf-text").string();
  }();
  return beside;
}

struct Child {
  pid_t pid = -1;
  int fd = -1;  // the child's standard input and output (a socket pair)
  ~Child() {
    if (fd >= 0) ::close(fd);
    if (pid > 0) {
      ::kill(pid, SIGKILL);  // nothing left to wait for: it has finished or must stop now
      int status = 0;
      while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
      }
    }
  }
};

bool spawnHelper(Child& child, const std::string& path, std::vector<std::string> args) {
  int sv[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) return false;
  posix_spawn_file_actions_t actions;
  posix_spawnattr_t attr;
  ::posix_spawn_file_actions_init(&actions);
  ::posix_spawnattr_init(&attr);
  ::posix_spawn_file_actions_adddup2(&actions, sv[1], 0);
  ::posix_spawn_file_actions_adddup2(&actions, sv[1], 1);
  ::posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
  ::posix_spawn_file_actions_addclosefrom_np(&actions, 3);  // nothing of ours leaks into it
  sigset_t none, defaults;
  sigemptyset(&none);
  sigemptyset(&defaults);
  sigaddset(&defaults, SIGPIPE);
  ::posix_spawnattr_setsigmask(&attr, &none);
  ::posix_spawnattr_setsigdefault(&attr, &defaults);
  ::posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  args.insert(args.begin(), path);
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = -1;
  char* no_environment[] = {nullptr};  // nothing of the instance's environment reaches the reader
  int rc = 0;
  {
    ForkGate::Starting starting;  // posix_spawn returns once the child has exec'd
    rc = ::posix_spawn(&pid, path.c_str(), &actions, &attr, argv.data(), no_environment);
  }
  ::posix_spawn_file_actions_destroy(&actions);
  ::posix_spawnattr_destroy(&attr);
  ::close(sv[1]);
  if (rc != 0) {
    ::close(sv[0]);
    errno = rc;
    return false;
  }
  child.pid = pid;
  child.fd = sv[0];
  return true;
}

// What came back from the child, and how the exchange ended.
struct Exchange {
  std::string received;
  bool timed_out = false;  // the deadline passed (then the child was killed)
  bool too_much = false;   // it wrote more than allowed (then it was killed)
  int status = 0;          // its wait status
};

// Writes `pdf` to the child and reads what it writes back until it closes
// its end, writes more than `max_read` bytes, or `deadline` passes.
void talk(Child& child, std::string_view pdf, std::chrono::steady_clock::time_point deadline, std::size_t max_read,
          Exchange& x) {
  std::size_t sent = 0;
  bool write_open = true;
  char buffer[65536];
  for (;;) {
    if (write_open && sent == pdf.size()) {
      ::shutdown(child.fd, SHUT_WR);
      write_open = false;
    }
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()).count();
    if (left <= 0) {
      x.timed_out = true;
      return;
    }
    pollfd pfd{child.fd, static_cast<short>(POLLIN | (write_open ? POLLOUT : 0)), 0};
    const int ready = ::poll(&pfd, 1, static_cast<int>(std::min<long long>(left, 60000)));
    if (ready < 0 && errno == EINTR) continue;
    if (ready < 0) return;
    if (ready == 0) continue;
    if (write_open && (pfd.revents & POLLOUT)) {
      const ssize_t n = ::send(child.fd, pdf.data() + sent, std::min<std::size_t>(pdf.size() - sent, 1u << 16),
                               MSG_NOSIGNAL | MSG_DONTWAIT);
      if (n > 0) {
        sent += static_cast<std::size_t>(n);
      } else if (n < 0 && errno != EINTR && errno != EAGAIN) {
        write_open = false;  // the child is gone; what it wrote is still to be read
      }
    }
    if (pfd.revents & (POLLIN | POLLHUP | POLLERR)) {
      const ssize_t n = ::recv(child.fd, buffer, sizeof buffer, MSG_DONTWAIT);
      if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
      if (n <= 0) return;
      x.received.append(buffer, static_cast<std::size_t>(n));
      if (x.received.size() > max_read) {
        x.too_much = true;
        return;
      }
    }
  }
}

// Reaps the child: at once when the exchange failed, else when it exits,
// but never after `deadline` (a child that closed its output and then
// sleeps is killed then).
void reap(Child& child, std::chrono::steady_clock::time_point deadline, Exchange& x) {
  ::close(child.fd);
  child.fd = -1;
  auto pause = std::chrono::milliseconds(1);
  while (!x.timed_out && !x.too_much) {
    const pid_t done = ::waitpid(child.pid, &x.status, WNOHANG);
    if (done == child.pid || (done < 0 && errno != EINTR)) {
      child.pid = -1;
      return;
    }
    const auto now = std::chrono::steady_clock::now();
    if (now >= deadline) {
      x.timed_out = true;
      break;
    }
    const auto wait = std::min<std::chrono::steady_clock::duration>(pause, deadline - now);
    ::poll(nullptr, 0, static_cast<int>(std::chrono::ceil<std::chrono::milliseconds>(wait).count()));
    pause = std::min(pause * 2, std::chrono::milliseconds(20));
  }
  ::kill(child.pid, SIGKILL);
  while (::waitpid(child.pid, &x.status, 0) < 0 && errno == EINTR) {
  }
  child.pid = -1;
}

// Reads the child's records into `out`; true when the end record came.
bool parseRecords(std::string_view received, std::size_t max_text, PdfContent& out) {
  std::string name;
  std::size_t at = 0;
  while (at + 5 <= received.size()) {
    const auto byte = [&](std::size_t i) {
      return static_cast<std::uint32_t>(static_cast<unsigned char>(received[at + i]));
    };
    const std::size_t n = (byte(1) << 24) | (byte(2) << 16) | (byte(3) << 8) | byte(4);
    if (received.size() - at - 5 < n) break;  // cut off: the child was stopped in the middle
    const char kind = received[at];
    const std::string_view bytes = received.substr(at + 5, n);
    at += 5 + n;
    if (kind == 'T') {
      if (out.text.size() + bytes.size() <= max_text) out.text.append(bytes);
    } else if (kind == 'N') {
      out.notes.emplace_back(bytes);
    } else if (kind == 'F') {
      name.assign(bytes);
    } else if (kind == 'D') {
      out.files.emplace_back(name, std::string(bytes));
    } else if (kind == 'E') {
      return true;
    }
  }
  return false;
}

long long wholeSeconds(std::chrono::milliseconds d) {
  return std::chrono::duration_cast<std::chrono::seconds>(d).count();
}

// Why a child gave no end record.
std::string failureNote(const Exchange& x, bool message_deadline, const PdfLimits& limits, const std::string& helper,
                        long long cpu_seconds, std::size_t max_read, bool have_text) {
  const std::string so_far = have_text ? "; the text read until then is indexed" : "; not indexed";
  if (x.timed_out && message_deadline) {
    return "reading the PDF documents of this message took longer than " +
           std::to_string(wholeSeconds(limits.message_budget)) + " s together" + so_far;
  }
  if (x.timed_out) {
    return "reading the PDF document took longer than " + std::to_string(wholeSeconds(limits.timeout)) + " s" + so_far;
  }
  if (x.too_much) return "the PDF reader returned more than " + std::to_string(max_read >> 20) + " MB" + so_far;
  if (WIFSIGNALED(x.status)) {
    return "reading the PDF document was stopped (signal " + std::to_string(WTERMSIG(x.status)) +
           ": it needs more than " + std::to_string(limits.max_memory >> 20) + " MB of memory or " +
           std::to_string(cpu_seconds) + " s of CPU time)" + so_far;
  }
  const int code = WIFEXITED(x.status) ? WEXITSTATUS(x.status) : -1;
  if (code == 127) return "the PDF reader " + helper + " is not installed" + so_far;
  if (code >= 10 && code <= 19) {
    return "the PDF reader could not limit itself (exit status " + std::to_string(code) + "); not read";
  }
  return "the PDF reader failed (exit status " + std::to_string(code) + ")" + so_far;
}

}  // namespace

PdfContent readPdf(std::string_view pdf, bool embedded_files, std::size_t max_text, std::size_t max_files,
                   const PdfLimits& limits) {
  PdfContent out;
  const std::string helper = helperPath(limits);
  const auto now = std::chrono::steady_clock::now();
  const bool message_deadline = limits.deadline < now + limits.timeout;
  const auto deadline = message_deadline ? limits.deadline : now + limits.timeout;
  const long long cpu_seconds = std::chrono::duration_cast<std::chrono::seconds>(
                                    std::max(deadline - now, std::chrono::steady_clock::duration{}))
                                    .count() +
                                1;
  std::vector<std::string> args = {std::to_string(max_text), std::to_string(max_files),
                                   std::to_string(limits.max_memory), std::to_string(cpu_seconds)};
  if (embedded_files) {
    args.emplace_back("--embedded");
    args.push_back(std::to_string(limits.max_embedded_files));
  }
  if (limits.report_sandbox) args.emplace_back("--report-sandbox");
  Child child;
  if (!spawnHelper(child, helper, args)) {
    out.notes.push_back("the PDF reader " + helper + " cannot be started: " + std::strerror(errno));
    return out;
  }
  // Records are 5 header bytes each; allow for notes and file names besides.
  const std::size_t max_read = max_text + max_files + (1u << 20);
  Exchange x;
  talk(child, pdf, deadline, max_read, x);
  reap(child, deadline, x);
  if (parseRecords(x.received, max_text, out)) return out;
  out.notes.push_back(failureNote(x, message_deadline, limits, helper, cpu_seconds - 1, max_read, !out.text.empty()));
  return out;
}

std::string pdfToText(std::string_view pdf, std::string* note) {
  PdfContent c = readPdf(pdf, false, 4u << 20, 0);
  if (note && !c.notes.empty()) *note = c.notes.front();
  return std::move(c.text);
}

}  // namespace spe::index
