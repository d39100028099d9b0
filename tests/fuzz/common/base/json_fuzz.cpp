// Fuzz target for JSON where it enters a process: RPC frames, Web Access
// bodies, API json arguments, configuration and branding files all go
// through parseJson, and their fields are read with JsonReader or the typed
// field reads. Any bytes must give a value or an error, never a crash, an
// exception, a stack overflow (depth is bounded before parsing) or a
// value nested deeper than the bound.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "common/base/json_reader.h"
#include "common/base/text.h"

namespace {

int depthOf(const spe::Json& j) {
  int deepest = 0;
  if (j.is_structured()) {
    for (const auto& v : j) deepest = std::max(deepest, depthOf(v));
    return deepest + 1;
  }
  return 0;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  auto parsed = spe::parseJson(text, "input");
  const auto lenient = spe::tryParseJson(text);
  if (parsed.ok() != lenient.has_value()) std::abort();  // the two entry points agree
  (void)spe::printable(text, size % 300);
  if (!parsed) return 0;
  const spe::Json& j = *parsed;
  if (depthOf(j) > spe::kMaxJsonDepth) std::abort();
  (void)j.dump();  // what an RPC client does with a value before sending it on
  // The reads of Web Access and the instance's RPC methods: any key, any type.
  for (const char* key : {"userName", "password", "query", "storeID", "limit", "body", "a", ""}) {
    (void)spe::stringField(j, key, "x", 16);
    (void)spe::intField(j, key, 0, -5, 1000);
    (void)spe::boolField(j, key, false);
    (void)spe::stringOf(j, key);
  }
  // A configuration-style strict read of whatever the object holds.
  spe::JsonReader reader(j, "config");
  std::string s;
  std::int64_t n = 0;
  std::uint16_t port = 0;
  bool b = false;
  std::vector<std::string> list;
  reader.str("serverName", s, false, 64);
  reader.integer("n", n, false, -10, 10);
  reader.port("port", port);
  reader.boolean("on", b);
  reader.strList("list", list);
  if (spe::JsonReader* sub = reader.object("sub")) sub->str("thumbprint", s);
  (void)reader.finish();
  return 0;
}
