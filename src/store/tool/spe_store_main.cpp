// spe-store: operator tool for an archive store, working without the
// instance (which must be stopped: the store's database is opened
// exclusively). Opens the store read-only with the instance's recovery key.
//
//   spe-store list    --store DIR --recovery-key-file RecoveryKey.txt
//       one JSON line per message: id, folder, sha256, size, date, subject
//   spe-store export  --store DIR --recovery-key-file F --out DIR
//       writes every message as <out>/<folder>/<id>.eml (byte-identical)
//   spe-store verify  --store DIR --recovery-key-file F
//       checks every content record and the recovery records; exit 1 on problems
#include <filesystem>
#include <fstream>
#include <iostream>
#include <regex>

#include "common/db/firebird_db.h"
#include "store/append_file.h"
#include "store/archive_store.h"

namespace {

int usage() {
  std::cerr << "usage: spe-store list|export|verify --store DIR --recovery-key-file FILE [--out DIR]\n";
  return 2;
}

// The key is the 8 groups of 8 hex digits in RecoveryKey.txt (or the bare key).
std::string readRecoveryKey(const std::string& path) {
  auto text = spe::store::readFile(path);
  if (!text) return {};
  std::smatch m;
  static const std::regex grouped("([0-9a-fA-F]{8}(-[0-9a-fA-F]{8}){7})");
  static const std::regex bare("([0-9a-fA-F]{64})");
  if (std::regex_search(*text, m, grouped) || std::regex_search(*text, m, bare)) return m[1].str();
  return {};
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) return usage();
  const std::string command = argv[1];
  std::string store_dir, key_file, out;
  for (int i = 2; i + 1 < argc; i += 2) {
    const std::string a = argv[i];
    if (a == "--store") store_dir = argv[i + 1];
    else if (a == "--recovery-key-file") key_file = argv[i + 1];
    else if (a == "--out") out = argv[i + 1];
    else return usage();
  }
  if (store_dir.empty() || key_file.empty()) return usage();
  const std::string key = readRecoveryKey(key_file);
  if (key.empty()) {
    std::cerr << "spe-store: no recovery key found in '" << key_file << "'\n";
    return 2;
  }
  const std::string lock = std::filesystem::temp_directory_path().string() + "/spe-store-fblock";
  if (auto st = spe::setFirebirdLockDirectory(lock); !st) {
    std::cerr << "spe-store: " << st.error().message << "\n";
    return 1;
  }
  auto store = spe::store::ArchiveStore::openWithRecoveryKey(store_dir, key);
  if (!store) {
    std::cerr << "spe-store: " << store.error().message
              << (store.error().details.empty() ? "" : " (" + store.error().details + ")") << "\n";
    return 1;
  }
  auto& s = **store;
  if (command == "verify") {
    auto report = s.verify({});
    if (!report) {
      std::cerr << "spe-store: " << report.error().message << "\n";
      return 1;
    }
    std::cout << report->toJson().dump() << "\n";
    return report->problems.empty() ? 0 : 1;
  }
  if (command != "list" && command != "export") return usage();
  if (command == "export" && out.empty()) return usage();
  auto folders = s.folders();
  if (!folders) {
    std::cerr << "spe-store: " << folders.error().message << "\n";
    return 1;
  }
  int failures = 0;
  for (const auto& f : *folders) {
    auto messages = s.messagesIn(f.path);
    if (!messages) {
      std::cerr << "spe-store: " << messages.error().message << "\n";
      return 1;
    }
    for (const auto& m : *messages) {
      if (command == "list") {
        std::cout << spe::Json{{"id", m.id},     {"folder", m.folder}, {"sha256", m.sha256_hex},
                               {"size", m.size}, {"date", m.date},     {"subject", m.subject}}
                         .dump()
                  << "\n";
        continue;
      }
      auto raw = s.readMessage(m.id);
      if (!raw) {
        std::cerr << "spe-store: " << raw.error().message << "\n";
        ++failures;
        continue;
      }
      const std::filesystem::path dir = std::filesystem::path(out) / m.folder;
      std::filesystem::create_directories(dir);
      std::ofstream(dir / (std::to_string(m.id) + ".eml"), std::ios::binary) << *raw;
    }
  }
  return failures ? 1 : 0;
}
