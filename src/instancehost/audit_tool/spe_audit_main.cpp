// spe-audit: checks and reads an instance's audit log without the instance
// or its keys (only the public key file next to the log).
//   spe-audit verify <instance base directory>   exit 0 intact, 1 not, 2 usage/IO
//   spe-audit export <instance base directory>   JSON lines: the key, entries, checkpoints
// The directory may also be the Audit folder itself.
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <string>

#include "instancehost/instance/audit/audit_reader.h"

namespace {

std::string auditDirectory(const std::string& arg) {
  namespace fs = std::filesystem;
  if (fs::exists(fs::path(arg) / spe::audit::kLogFile) || fs::exists(fs::path(arg) / spe::audit::kPublicKeyFile)) {
    return arg;
  }
  return (fs::path(arg) / "Audit").string();
}

int usage() {
  std::cerr << "usage: spe-audit verify|export <instance base directory>\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) return usage();
  const std::string command = argv[1];
  const std::string dir = auditDirectory(argv[2]);
  if (command == "verify") {
    const auto r = spe::audit::verifyAuditLog(dir);
    std::cout << r.toJson().dump() << "\n";
    if (r.intact) {
      std::cerr << "intact: " << r.entries << " entries, " << r.checkpoints << " checkpoints";
      if (r.last_checkpoint) std::cerr << ", last signed " << spe::audit::isoTime(r.last_checkpoint->time_us);
      std::cerr << "\n";
      if (!r.note.empty()) std::cerr << "note: " << r.note << "\n";
      return 0;
    }
    std::cerr << "NOT INTACT";
    if (r.first_bad_entry != 0) std::cerr << " (first bad entry " << r.first_bad_entry << ")";
    std::cerr << ": " << r.problem << "\n";
    return 1;
  }
  if (command == "export") {
    const auto r = spe::audit::verifyAuditLog(dir);
    std::cout << spe::Json{{"type", "publicKey"},
                           {"instanceID", r.instance_id},
                           {"algorithm", "Ed25519"},
                           {"publicKey", r.public_key_hex}}
                     .dump()
              << "\n";
    auto st = spe::audit::forEachEntry(dir, [](const spe::audit::StoredEntry& s) {
      auto j = spe::audit::entryToJson(s);
      j["type"] = "entry";
      std::cout << j.dump() << "\n";
      return true;
    });
    if (!st) {
      std::cerr << st.error().message << "\n";
      return 2;
    }
    auto cps = spe::audit::readCheckpoints(dir);
    if (!cps) {
      std::cerr << cps.error().message << "\n";
      return 2;
    }
    for (const auto& c : *cps) {
      auto j = spe::audit::checkpointToJson(c);
      j["type"] = "checkpoint";
      std::cout << j.dump() << "\n";
    }
    return 0;
  }
  return usage();
}
