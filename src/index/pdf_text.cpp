// readPdf(): runs spe-pdf-text (pdf_text_main.cpp) for one document and
// reads its records. poppler never runs in this process: it decompresses
// whole streams in memory before anything can look at their size, so a
// mail of a few hundred KB could take an instance to gigabytes. The child
// limits its own address space and CPU time; this side adds a wall-clock
// deadline and a cap on what it reads back.
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

#include "index/message_text.h"

extern char** environ;

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
  const int rc = ::posix_spawn(&pid, path.c_str(), &actions, &attr, argv.data(), environ);
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

}  // namespace

PdfContent readPdf(std::string_view pdf, bool embedded_files, std::size_t max_text, std::size_t max_files,
                   const PdfLimits& limits) {
  PdfContent out;
  const std::string helper = helperPath(limits);
  const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(limits.timeout).count() + 1;
  std::vector<std::string> args = {std::to_string(max_text), std::to_string(max_files),
                                   std::to_string(limits.max_memory), std::to_string(seconds)};
  if (embedded_files) args.emplace_back("--embedded");
  Child child;
  if (!spawnHelper(child, helper, args)) {
    out.notes.push_back("the PDF reader " + helper + " cannot be started: " + std::strerror(errno));
    return out;
  }
  // Records are 5 header bytes each; allow for notes and file names besides.
  const std::size_t max_read = max_text + max_files + (1u << 20);
  const auto deadline = std::chrono::steady_clock::now() + limits.timeout;
  std::string received;
  std::size_t sent = 0;
  bool timed_out = false, too_much = false, write_open = true;
  char buffer[65536];
  for (;;) {
    if (write_open && sent == pdf.size()) {
      ::shutdown(child.fd, SHUT_WR);
      write_open = false;
    }
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()).count();
    if (left <= 0) {
      timed_out = true;
      break;
    }
    pollfd pfd{child.fd, static_cast<short>(POLLIN | (write_open ? POLLOUT : 0)), 0};
    const int ready = ::poll(&pfd, 1, static_cast<int>(std::min<long long>(left, 60000)));
    if (ready < 0 && errno == EINTR) continue;
    if (ready < 0) break;
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
      if (n <= 0) break;
      received.append(buffer, static_cast<std::size_t>(n));
      if (received.size() > max_read) {
        too_much = true;
        break;
      }
    }
  }
  ::close(child.fd);
  child.fd = -1;
  int status = 0;
  if (timed_out || too_much) {
    ::kill(child.pid, SIGKILL);
  }
  while (::waitpid(child.pid, &status, 0) < 0 && errno == EINTR) {
  }
  child.pid = -1;

  bool complete = false;
  std::string name;
  std::size_t at = 0;
  while (at + 5 <= received.size()) {
    const auto byte = [&](std::size_t i) { return static_cast<std::uint32_t>(static_cast<unsigned char>(received[at + i])); };
    const std::size_t n = (byte(1) << 24) | (byte(2) << 16) | (byte(3) << 8) | byte(4);
    if (received.size() - at - 5 < n) break;  // cut off: the child was stopped in the middle
    const char kind = received[at];
    const std::string_view bytes(received.data() + at + 5, n);
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
      complete = true;
      break;
    }
  }
  if (complete) return out;
  const std::string so_far = out.text.empty() ? "; not indexed" : "; the text read until then is indexed";
  if (timed_out) {
    out.notes.push_back("reading the PDF document took longer than " +
                        std::to_string(std::chrono::duration_cast<std::chrono::seconds>(limits.timeout).count()) +
                        " s" + so_far);
  } else if (too_much) {
    out.notes.push_back("the PDF reader returned more than " + std::to_string(max_read >> 20) + " MB" + so_far);
  } else if (WIFSIGNALED(status)) {
    out.notes.push_back("reading the PDF document was stopped (signal " + std::to_string(WTERMSIG(status)) +
                        ": it needs more than " + std::to_string(limits.max_memory >> 20) + " MB of memory or " +
                        std::to_string(seconds - 1) + " s of CPU time)" + so_far);
  } else if (WIFEXITED(status) && WEXITSTATUS(status) == 127) {
    out.notes.push_back("the PDF reader " + helper + " is not installed" + so_far);
  } else {
    out.notes.push_back("the PDF reader failed (exit status " +
                        std::to_string(WIFEXITED(status) ? WEXITSTATUS(status) : -1) + ")" + so_far);
  }
  return out;
}

std::string pdfToText(std::string_view pdf, std::string* note) {
  PdfContent c = readPdf(pdf, false, 4u << 20, 0);
  if (note && !c.notes.empty()) *note = c.notes.front();
  return std::move(c.text);
}

}  // namespace spe::index
