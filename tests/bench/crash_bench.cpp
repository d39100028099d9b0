// crash_bench: kill -9 during archiving, many times, then count.
//
//   crash_bench --maildir DIR --work DIR [--kills 100] [--seed 1]
//
// A child process archives every message of the maildir into one store (in
// file order, 64 in flight) and reports each acknowledged message (store id
// and file) on a pipe. The parent kills it with SIGKILL after a random
// 30-400 ms, again and again; a last run archives the rest. Then every
// acknowledged message is read back and compared byte for byte with its
// file, and the store is checked for messages archived twice.
// Prints one JSON object: acknowledged, found, lost, duplicated, ...
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <deque>
#include <filesystem>
#include <future>
#include <iostream>
#include <map>
#include <random>
#include <set>
#include <thread>

#include "common/base/crypto.h"
#include "common/base/json_reader.h"
#include "store/append_file.h"
#include "store/archive_store.h"

namespace fs = std::filesystem;
using namespace spe;
using namespace spe::store;

namespace {

std::vector<std::string> listFiles(const std::string& maildir) {
  std::vector<std::string> files;
  for (const char* sub : {"cur", "new"}) {
    std::error_code ec;
    for (fs::directory_iterator it(fs::path(maildir) / sub, ec), end; !ec && it != end; it.increment(ec)) {
      files.push_back(it->path().string());
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

// The child: archive everything, acknowledge on `fd`; never returns.
[[noreturn]] void archiveAll(const std::string& store_dir, const InstanceKeys& keys,
                             const std::vector<std::string>& files, int fd) {
  auto store = ArchiveStore::open(store_dir, keys, false);
  if (!store) {
    std::fprintf(stderr, "child: %s\n", store.error().message.c_str());
    ::_exit(3);
  }
  std::deque<std::pair<std::int64_t, std::future<IngestResult>>> inflight;
  auto drain = [&](std::size_t keep) {
    while (inflight.size() > keep) {
      auto [index, fut] = std::move(inflight.front());
      inflight.pop_front();
      const IngestResult r = fut.get();
      if (r.outcome != IngestOutcome::kArchived) continue;
      const std::int64_t rec[2] = {r.message_id, index};
      if (::write(fd, rec, sizeof rec) != sizeof rec) ::_exit(4);
    }
  };
  for (std::size_t i = 0; i < files.size(); ++i) {
    auto raw = readFile(files[i]);
    if (!raw) ::_exit(5);
    IngestItem item;
    item.folder = "crash/Inbox";
    item.headers = mime::parseMessageHeaders(*raw);
    item.content = (*store)->prepare(*raw);
    inflight.emplace_back(static_cast<std::int64_t>(i), (*store)->submit(std::move(item)));
    drain(64);
  }
  drain(0);
  (*store)->close();
  ::_exit(0);
}

}  // namespace

int main(int argc, char** argv) {
  std::string maildir, work;
  int kills = 100;
  unsigned seed = 1;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string a = argv[i];
    if (a == "--maildir") maildir = argv[i + 1];
    else if (a == "--work") work = argv[i + 1];
    else if (a == "--kills") kills = std::atoi(argv[i + 1]);
    else if (a == "--seed") seed = static_cast<unsigned>(std::atoi(argv[i + 1]));
  }
  if (maildir.empty() || work.empty()) {
    std::cerr << "usage: crash_bench --maildir DIR --work DIR [--kills N] [--seed S]\n";
    return 2;
  }
  const auto files = listFiles(maildir);
  fs::create_directories(work);
  (void)setFirebirdLockDirectory(work + "/.fblock");
  const KeyPair recovery = newKeyPair();
  const InstanceKeys keys{randomKey(), recovery.public_key};
  const std::string store_dir = work + "/store";
  {
    // Created in a child: the parent must not hold the database open.
    const pid_t pid = ::fork();
    if (pid == 0) ::_exit(ArchiveStore::create(store_dir, keys).ok() ? 0 : 1);
    int status = 0;
    ::waitpid(pid, &status, 0);
    if (status != 0) return 1;
  }
  std::mt19937 rng(seed);
  std::map<std::int64_t, std::int64_t> acknowledged;  // message id -> file index
  int completed_early = 0;
  const auto started = std::chrono::steady_clock::now();
  for (int k = 0; k <= kills; ++k) {
    int fds[2];
    if (::pipe(fds) != 0) return 1;
    const pid_t pid = ::fork();
    if (pid == 0) {
      ::close(fds[0]);
      archiveAll(store_dir, keys, files, fds[1]);
    }
    ::close(fds[1]);
    // Read acknowledgements while the child runs (a full pipe would stop it),
    // until the kill deadline or, in the last run, until it ends.
    std::string pending;
    auto readAvailable = [&](int timeout_ms) -> bool {  // false at end of file
      pollfd pfd{fds[0], POLLIN, 0};
      if (::poll(&pfd, 1, timeout_ms) <= 0) return true;
      char buf[65536];
      const ssize_t n = ::read(fds[0], buf, sizeof buf);
      if (n <= 0) return false;
      pending.append(buf, static_cast<std::size_t>(n));
      std::size_t used = 0;
      for (; pending.size() - used >= 16; used += 16) {
        std::int64_t rec[2];
        std::memcpy(rec, pending.data() + used, 16);
        acknowledged[rec[0]] = rec[1];
      }
      pending.erase(0, used);
      return true;
    };
    int status = 0;
    if (k < kills) {
      const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(30 + rng() % 370);
      bool open = true;
      while (open && std::chrono::steady_clock::now() < deadline) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline -
                                                                                std::chrono::steady_clock::now());
        open = readAvailable(static_cast<int>(std::max<std::int64_t>(1, left.count())));
      }
      if (!open) {
        ++completed_early;
      } else {
        ::kill(pid, SIGKILL);
      }
    }
    while (readAvailable(1000)) {
    }
    ::waitpid(pid, &status, 0);
    ::close(fds[0]);
    std::fprintf(stderr, "\rcrash_bench: %d of %d kills, %zu acknowledged", std::min(k + 1, kills), kills,
                 acknowledged.size());
  }
  std::fprintf(stderr, "\n");
  auto store = ArchiveStore::open(store_dir, keys, true);
  if (!store) {
    std::cerr << "crash_bench: " << store.error().message << "\n";
    return 1;
  }
  std::int64_t found = 0, lost = 0;
  for (const auto& [id, index] : acknowledged) {
    auto raw = (*store)->readMessage(id);
    auto expected = readFile(files[static_cast<std::size_t>(index)]);
    if (raw && expected && *raw == *expected) ++found;
    else ++lost;
  }
  auto messages = (*store)->messagesIn("crash/Inbox");
  std::set<std::string> unique;
  for (const auto& m : *messages) unique.insert(m.sha256_hex);
  auto report = (*store)->verify({});
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  const Json out{
      {"benchmark", "crash"},
      {"kills", kills},
      {"runs_finished_before_kill", completed_early},
      {"source_messages", files.size()},
      {"acknowledged", acknowledged.size()},
      {"found", found},
      {"lost", lost},
      {"duplicated", static_cast<std::int64_t>(messages->size() - unique.size())},
      {"in_store", messages->size()},
      {"missing_after_final_run", static_cast<std::int64_t>(files.size()) - static_cast<std::int64_t>(unique.size())},
      {"verify_problems", report ? report->problems.size() : 1},
      {"seconds", std::round(seconds * 10) / 10}};
  std::cout << out.dump() << "\n";
  return lost == 0 && messages->size() == unique.size() ? 0 : 1;
}
