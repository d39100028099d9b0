#include "common/json_reader.h"

#include <fstream>
#include <sstream>

namespace spe {

JsonReader::JsonReader(const Json& doc, std::string context) : doc_(doc), context_(std::move(context)) {
  if (!doc_.is_object()) fail("", "must be a JSON object");
}

void JsonReader::fail(const std::string& key, const std::string& what) {
  if (error_) return;
  const std::string where = key.empty() ? context_ : path(key);
  error_ = makeError(ErrorCode::kInvalidArgument, "'" + where + "' " + what + ".");
}

const Json* JsonReader::find(const char* key, bool required) {
  seen_.insert(key);
  if (!doc_.is_object()) return nullptr;
  auto it = doc_.find(key);
  if (it == doc_.end() || it->is_null()) {
    if (required) fail(key, "is required");
    return nullptr;
  }
  return &*it;
}

void JsonReader::str(const char* key, std::string& out, bool required) {
  if (const Json* v = find(key, required)) {
    if (!v->is_string()) return fail(key, "must be a string");
    out = v->get<std::string>();
  }
}

void JsonReader::optStr(const char* key, std::optional<std::string>& out) {
  if (const Json* v = find(key, false)) {
    if (!v->is_string()) return fail(key, "must be a string");
    out = v->get<std::string>();
  }
}

void JsonReader::integer(const char* key, std::int64_t& out, bool required, std::int64_t min,
                         std::int64_t max) {
  if (const Json* v = find(key, required)) {
    if (!v->is_number_integer()) return fail(key, "must be an integer");
    const auto n = v->get<std::int64_t>();
    if (n < min || n > max) {
      return fail(key, "must be between " + std::to_string(min) + " and " + std::to_string(max));
    }
    out = n;
  }
}

void JsonReader::port(const char* key, std::uint16_t& out, bool required) {
  std::int64_t n = out;
  integer(key, n, required, 1, 65535);
  out = static_cast<std::uint16_t>(n);
}

void JsonReader::boolean(const char* key, bool& out, bool required) {
  if (const Json* v = find(key, required)) {
    if (!v->is_boolean()) return fail(key, "must be true or false");
    out = v->get<bool>();
  }
}

void JsonReader::strList(const char* key, std::vector<std::string>& out, bool required) {
  if (const Json* v = find(key, required)) {
    if (!v->is_array()) return fail(key, "must be an array of strings");
    std::vector<std::string> items;
    for (const auto& item : *v) {
      if (!item.is_string()) return fail(key, "must be an array of strings");
      items.push_back(item.get<std::string>());
    }
    out = std::move(items);
  }
}

JsonReader* JsonReader::object(const char* key, bool required) {
  const Json* v = find(key, required);
  if (!v) return nullptr;
  if (!v->is_object()) {
    fail(key, "must be a JSON object");
    return nullptr;
  }
  children_.push_back(std::make_unique<JsonReader>(*v, path(key)));
  return children_.back().get();
}

Status JsonReader::finish() {
  if (error_) return *error_;
  for (auto& child : children_) SPE_TRY(child->finish());
  if (doc_.is_object()) {
    for (auto it = doc_.begin(); it != doc_.end(); ++it) {
      if (!seen_.count(it.key())) {
        return makeError(ErrorCode::kInvalidArgument,
                         "'" + path(it.key()) + "' is not a known setting.");
      }
    }
  }
  return okStatus();
}

Result<Json> parseJson(const std::string& text, const std::string& what) {
  try {
    return Json::parse(text);
  } catch (const Json::parse_error& e) {
    return makeError(ErrorCode::kInvalidArgument,
                     what + " is not valid JSON (at byte " + std::to_string(e.byte) + ").", e.what());
  }
}

Result<Json> loadJsonFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return makeError(ErrorCode::kIo, "Cannot read the file '" + path + "'.");
  std::stringstream ss;
  ss << in.rdbuf();
  return parseJson(ss.str(), "'" + path + "'");
}

}  // namespace spe
