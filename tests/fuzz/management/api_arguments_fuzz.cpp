// Fuzz target for the Management API's request body: the form decoder
// (application/x-www-form-urlencoded, UTF-8) and the checking of its fields
// against declared arguments of every type, range, length and alias, json
// arguments included. Any body gives typed arguments or an error naming an
// argument, whose echo of the input stays short; never a crash.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "common/net/form.h"
#include "management/api/function_registry.h"

namespace {

using spe::management::ArgSpec;
using spe::management::ArgType;
using spe::management::FunctionSpec;

FunctionSpec spec(std::string name, std::vector<ArgSpec> args) {
  FunctionSpec f;
  f.name = std::move(name);
  f.args = std::move(args);
  return f;
}

const std::vector<FunctionSpec>& specs() {
  static const std::vector<FunctionSpec> all = {
      spec("Strings",
           {ArgSpec{"instanceID", ArgType::kString}.maxLength(32), ArgSpec{"userName", ArgType::kString, true}}),
      spec("Numbers", {ArgSpec{"id", ArgType::kNumber}, ArgSpec{"port", ArgType::kNumber, true}.range(1, 65535),
                       ArgSpec{"offset", ArgType::kNumber, true}.range(-100, 100)}),
      spec("Flags", {ArgSpec{"raw", ArgType::kBool}, ArgSpec{"withServiceStatus", ArgType::kBool, true}}),
      spec("Objects", {ArgSpec{"config", ArgType::kJson}, ArgSpec{"properties", ArgType::kJson, true}}),
      spec("Aliases", {ArgSpec{"databasePath", ArgType::kString, true}.maxLength(1024).alias("path"),
                       ArgSpec{"contentPath", ArgType::kString, true}.maxLength(1024)}),
  };
  return all;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  auto form = spe::parseForm(body);
  if (!form) return 0;
  for (const auto& [name, value] : *form) {
    if (!spe::isValidUtf8(name) || !spe::isValidUtf8(value)) std::abort();  // the decoder refuses invalid UTF-8
    (void)spe::urlEncode(value);
  }
  for (const auto& spec : specs()) {
    auto args = spe::management::FunctionRegistry::validate(spec, *form);
    if (!args) {
      const std::string shown = spe::management::clampEchoedInput(args.error().message, *form);
      if (shown.size() > 4096) std::abort();
      continue;
    }
    (void)args->toJson().dump();
  }
  return 0;
}
