// A real Dovecot for tests (docs/testing.md): IMAP and POP3, plain with
// STARTTLS and implicit TLS, on free loopback ports, with a self-signed
// certificate for "localhost", users in a passwd file and Maildir homes
// owned by `nobody`. Mail is put into the Maildirs directly (Dovecot reads
// new files on the next access). Stopped and removed with the object.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pwd.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <map>
#include <stdexcept>
#include <string>
#include <thread>

namespace spe::testing {

class Dovecot {
 public:
  struct Ports {
    std::uint16_t imap = 0, imaps = 0, pop3 = 0, pop3s = 0;
  };

  explicit Dovecot(std::filesystem::path dir) : dir_(std::move(dir)) {
    namespace fs = std::filesystem;
    // Dovecot's sockets need a short path (108 bytes at most).
    char run[] = "/tmp/spe-dovecot-XXXXXX";
    if (!::mkdtemp(run)) throw std::runtime_error("mkdtemp");
    run_ = run;
    fs::create_directories(dir_ / "state");
    fs::create_directories(dir_ / "home");
    ports_ = {freePort(), freePort(), freePort(), freePort()};
    if (std::system(("openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=localhost -addext "
                     "subjectAltName=DNS:localhost -keyout " +
                     (dir_ / "key.pem").string() + " -out " + (dir_ / "cert.pem").string() + " 2>/dev/null")
                        .c_str()) != 0) {
      throw std::runtime_error("openssl could not make a certificate");
    }
    std::ofstream(dir_ / "users").close();
    std::ofstream conf(dir_ / "dovecot.conf");
    conf << "protocols = imap pop3\nlisten = 127.0.0.1\nbase_dir = " << run_.string()
         << "\nstate_dir = " << (dir_ / "state").string() << "\nlog_path = " << (dir_ / "dovecot.log").string()
         << "\nssl = yes\nssl_cert = <" << (dir_ / "cert.pem").string() << "\nssl_key = <"
         << (dir_ / "key.pem").string()
         << "\ndisable_plaintext_auth = no\nauth_mechanisms = plain login\nmail_location = maildir:~/Maildir\n"
            "namespace inbox {\n  inbox = yes\n  separator = /\n}\n"
            "passdb {\n  driver = passwd-file\n  args = scheme=PLAIN username_format=%u "
         << (dir_ / "users").string() << "\n}\nuserdb {\n  driver = passwd-file\n  args = username_format=%u "
         << (dir_ / "users").string() << "\n}\n"
         << "service imap-login {\n  inet_listener imap {\n    port = " << ports_.imap
         << "\n  }\n  inet_listener imaps {\n    port = " << ports_.imaps << "\n    ssl = yes\n  }\n}\n"
         << "service pop3-login {\n  inet_listener pop3 {\n    port = " << ports_.pop3
         << "\n  }\n  inet_listener pop3s {\n    port = " << ports_.pop3s << "\n    ssl = yes\n  }\n}\n";
  }

  ~Dovecot() {
    stop();
    std::error_code ec;
    std::filesystem::remove_all(run_, ec);
  }
  Dovecot(const Dovecot&) = delete;
  Dovecot& operator=(const Dovecot&) = delete;

  // A user with an empty Maildir.
  void addUser(const std::string& name, const std::string& password) {
    const passwd* nobody = ::getpwnam("nobody");
    if (!nobody) throw std::runtime_error("no user 'nobody'");
    const auto home = dir_ / "home" / name;
    for (const char* sub : {"Maildir/cur", "Maildir/new", "Maildir/tmp"})
      std::filesystem::create_directories(home / sub);
    std::ofstream(dir_ / "users", std::ios::app) << name << ":{PLAIN}" << password << ":" << nobody->pw_uid << ":"
                                                 << nobody->pw_gid << "::" << home.string() << "::\n";
    chownTree(home, nobody->pw_uid, nobody->pw_gid);
  }

  // Puts a message into a folder ("INBOX", or "Sent/2024" etc.); returns
  // its file. `seen` sets the Maildir S flag.
  std::filesystem::path addMessage(const std::string& user, const std::string& folder, const std::string& raw,
                                   bool seen = true) {
    const passwd* nobody = ::getpwnam("nobody");
    auto dir = dir_ / "home" / user / "Maildir";
    if (folder != "INBOX") {
      std::string sub = "." + folder;
      for (auto& c : sub) c = c == '/' ? '.' : c;
      dir /= sub;
      for (const char* s : {"cur", "new", "tmp"}) std::filesystem::create_directories(dir / s);
      std::ofstream(dir / "maildirfolder").close();
      chownTree(dir, nobody->pw_uid, nobody->pw_gid);
    }
    const auto file = dir / "cur" /
                      (std::to_string(1700000000 + counter_) + ".M" + std::to_string(counter_) + "P1.test:2," +
                       (seen ? "S" : ""));
    ++counter_;
    std::ofstream(file, std::ios::binary) << raw;
    if (::chown(file.c_str(), nobody->pw_uid, nobody->pw_gid) != 0) throw std::runtime_error("chown");
    return file;
  }

  void start() {
    pid_ = ::fork();
    if (pid_ == 0) {
      ::execl("/usr/sbin/dovecot", "dovecot", "-F", "-c", (dir_ / "dovecot.conf").c_str(), nullptr);
      ::_exit(127);
    }
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (!listening(ports_.imap) || !listening(ports_.imaps) || !listening(ports_.pop3)) {
      if (std::chrono::steady_clock::now() > deadline) throw std::runtime_error("dovecot did not start: " + log());
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }

  void stop() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGTERM);
    int st = 0;
    ::waitpid(pid_, &st, 0);
    pid_ = 0;
  }

  const Ports& ports() const { return ports_; }
  const std::filesystem::path& directory() const { return dir_; }
  std::string log() const {
    std::ifstream in(dir_ / "dovecot.log");
    return std::string(std::istreambuf_iterator<char>(in), {});
  }

 private:
  static std::uint16_t freePort() {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
    socklen_t len = sizeof a;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
    ::close(fd);
    return ntohs(a.sin_port);
  }
  static bool listening(std::uint16_t port) {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
    ::close(fd);
    return ok;
  }
  static void chownTree(const std::filesystem::path& root, uid_t uid, gid_t gid) {
    if (::chown(root.c_str(), uid, gid) != 0) throw std::runtime_error("chown " + root.string());
    for (const auto& e : std::filesystem::recursive_directory_iterator(root)) {
      if (::chown(e.path().c_str(), uid, gid) != 0) throw std::runtime_error("chown " + e.path().string());
    }
  }

  std::filesystem::path dir_, run_;
  Ports ports_;
  pid_t pid_ = 0;
  int counter_ = 0;
};

}  // namespace spe::testing
