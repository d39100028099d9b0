// Strict reading of JSON objects into typed structs.
//
// Used for daemon configuration files and for `json` arguments of API
// functions. Every key read is remembered; finish() reports the first type
// error, missing required key, or key nobody asked for, with its path
// ("config.serverCertificate.thumbprint"), so a typo never goes unnoticed.
// Thread safety: one reader per document, not shared.
#pragma once

#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "common/base/result.h"

namespace spe {

// Insertion-ordered, so results keep the field order of the product.
using Json = nlohmann::ordered_json;

class JsonReader {
 public:
  // `context` names the document in messages, e.g. "config" or "management.json".
  JsonReader(const Json& doc, std::string context);

  // Each reads `key` if present; `required` makes absence an error.
  // Null counts as absent.
  // `max_length` (bytes, 0: none) bounds the string; the error names the limit.
  void str(const char* key, std::string& out, bool required = false, std::size_t max_length = 0);
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

// JSON that enters a process from outside may nest at most this deep:
// deeper documents are refused before parsing (nlohmann's dump and
// comparison recurse, so a 50,000-level argument would overflow the stack).
inline constexpr int kMaxJsonDepth = 64;
// Internal frames (RPC, streams) wrap such JSON in a few levels of their own.
inline constexpr int kMaxFrameDepth = kMaxJsonDepth + 8;

// Success when `text` nests arrays and objects at most `max_depth` deep
// (strings and escapes are skipped; the text need not be valid JSON).
Status checkJsonDepth(std::string_view text, const std::string& what, int max_depth = kMaxJsonDepth);

// Parses text as JSON; the error names `what` and the parser's position.
// Documents nested deeper than kMaxJsonDepth are refused.
Result<Json> parseJson(const std::string& text, const std::string& what);
// With another depth bound: RPC frames carry outside JSON a few levels down.
Result<Json> parseJson(const std::string& text, const std::string& what, int max_depth);

// Serialises `value` as JSON text. Strings that are not valid UTF-8 (file
// and folder names, mail servers' messages, a PDF's names) have their bad
// bytes replaced by U+FFFD instead of throwing: no value can make a reply,
// a frame or a file impossible to write. `indent` < 0 writes one line.
std::string dumpJson(const Json& value, int indent = -1);

// The same for text that may be malformed: nullopt instead of an error.
std::optional<Json> tryParseJson(std::string_view text);

// The value of `key` in `object` when it is a string, else nullopt (absent,
// null, another type, or `object` not an object). Never throws.
std::optional<std::string> stringOf(const Json& object, const char* key);

// Typed fields of a request object (Web Access bodies, RPC params): absent
// or null gives `fallback`; another type, a string over `max_length` bytes or
// a number out of [min, max] is an error naming the field. Never throw.
inline constexpr std::size_t kMaxFieldLength = 1 << 20;
Result<std::string> stringField(const Json& object, const char* key, std::string fallback = {},
                                std::size_t max_length = kMaxFieldLength);
Result<std::int64_t> intField(const Json& object, const char* key, std::int64_t fallback, std::int64_t min,
                              std::int64_t max);
Result<bool> boolField(const Json& object, const char* key, bool fallback);

// Reads a whole file and parses it as JSON.
Result<Json> loadJsonFile(const std::string& path);

}  // namespace spe
