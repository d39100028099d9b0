// Strict reading of JSON objects into typed structs.
//
// Used for daemon configuration files and for `json` arguments of API
// functions. Every key read is remembered; finish() reports the first type
// error, missing required key, or key nobody asked for, with its path
// ("config.serverCertificate.thumbprint"), so a typo never goes unnoticed.
// Thread safety: one reader per document, not shared.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "common/result.h"

namespace spe {

// Insertion-ordered, so results keep the field order of the product.
using Json = nlohmann::ordered_json;

class JsonReader {
 public:
  // `context` names the document in messages, e.g. "config" or "management.json".
  JsonReader(const Json& doc, std::string context);

  // Each reads `key` if present; `required` makes absence an error.
  // Null counts as absent.
  void str(const char* key, std::string& out, bool required = false);
  void optStr(const char* key, std::optional<std::string>& out);
  void integer(const char* key, std::int64_t& out, bool required = false, std::int64_t min = INT64_MIN,
               std::int64_t max = INT64_MAX);
  void port(const char* key, std::uint16_t& out, bool required = false);
  void boolean(const char* key, bool& out, bool required = false);
  void strList(const char* key, std::vector<std::string>& out, bool required = false);
  // Returns a reader for a nested object (owned by this reader and checked
  // by its finish()), or nullptr when absent.
  JsonReader* object(const char* key, bool required = false);

  // Records a caller-detected problem with `key`.
  void fail(const std::string& key, const std::string& what);

  // The first problem found (including unknown keys), or success.
  Status finish();

  std::string path(const std::string& key) const { return context_ + "." + key; }

 private:
  const Json* find(const char* key, bool required);

  const Json& doc_;
  std::string context_;
  std::set<std::string> seen_;
  std::vector<std::unique_ptr<JsonReader>> children_;
  std::optional<Error> error_;
};

// Parses text as JSON; the error names `what` and the parser's position.
Result<Json> parseJson(const std::string& text, const std::string& what);

// Reads a whole file and parses it as JSON.
Result<Json> loadJsonFile(const std::string& path);

}  // namespace spe
