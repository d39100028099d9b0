#include "common/base/json_reader.h"

#include <fstream>
#include <sstream>

#include "common/base/text.h"

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

void JsonReader::str(const char* key, std::string& out, bool required, std::size_t max_length) {
  if (const Json* v = find(key, required)) {
    if (!v->is_string()) return fail(key, "must be a string");
    if (max_length > 0 && v->get_ref<const std::string&>().size() > max_length) {
      return fail(key, "must be at most " + std::to_string(max_length) + " bytes long");
    }
    out = v->get<std::string>();
  }
}

void JsonReader::optStr(const char* key, std::optional<std::string>& out) {
  if (const Json* v = find(key, false)) {
    if (!v->is_string()) return fail(key, "must be a string");
    out = v->get<std::string>();
  }
}

void JsonReader::integer(const char* key, std::int64_t& out, bool required, std::int64_t min, std::int64_t max) {
  if (const Json* v = find(key, required)) {
    if (!v->is_number_integer()) return fail(key, "must be an integer");
    const bool too_big = v->is_number_unsigned() && v->get<std::uint64_t>() > static_cast<std::uint64_t>(max);
    const auto n = too_big ? max : v->get<std::int64_t>();
    if (too_big || n < min || n > max) {
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
        return makeError(ErrorCode::kInvalidArgument, "'" + printable(path(it.key())) + "' is not a known setting.");
      }
    }
  }
  return okStatus();
}

Status checkJsonDepth(std::string_view text, const std::string& what, int max_depth) {
  int depth = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') ++i;
      else if (c == '"') in_string = false;
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > max_depth) {
        return makeError(ErrorCode::kInvalidArgument,
                         what + " nests arrays and objects deeper than " + std::to_string(max_depth) + " levels.");
      }
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return okStatus();
}

std::optional<Json> tryParseJson(std::string_view text) {
  if (!checkJsonDepth(text, "")) return std::nullopt;
  try {
    Json j = Json::parse(text, nullptr, false);
    if (j.is_discarded()) return std::nullopt;
    return j;
  } catch (const Json::exception&) {  // not every error honours allow_exceptions=false
    return std::nullopt;
  }
}

std::optional<std::string> stringOf(const Json& object, const char* key) {
  if (!object.is_object()) return std::nullopt;
  auto it = object.find(key);
  if (it == object.end() || !it->is_string()) return std::nullopt;
  return it->get<std::string>();
}

namespace {

// The field's value, nullptr when absent or null; `error` set when `object`
// is not an object.
const Json* fieldOf(const Json& object, const char* key) {
  if (!object.is_object()) return nullptr;
  auto it = object.find(key);
  return it == object.end() || it->is_null() ? nullptr : &*it;
}

Error fieldError(const char* key, const std::string& what) {
  return makeError(ErrorCode::kInvalidArgument, "'" + std::string(key) + "' " + what + ".");
}

}  // namespace

Result<std::string> stringField(const Json& object, const char* key, std::string fallback, std::size_t max_length) {
  const Json* v = fieldOf(object, key);
  if (!v) return fallback;
  if (!v->is_string()) return fieldError(key, "must be a string");
  if (v->get_ref<const std::string&>().size() > max_length) {
    return fieldError(key, "must be at most " + std::to_string(max_length) + " bytes long");
  }
  return v->get<std::string>();
}

Result<std::int64_t> intField(const Json& object, const char* key, std::int64_t fallback, std::int64_t min,
                              std::int64_t max) {
  const Json* v = fieldOf(object, key);
  if (!v) return fallback;
  const bool in_range = v->is_number_integer() &&
                        (v->is_number_unsigned() ? v->get<std::uint64_t>() <= static_cast<std::uint64_t>(max)
                                                 : v->get<std::int64_t>() >= min && v->get<std::int64_t>() <= max);
  if (!in_range || v->get<std::int64_t>() < min) {
    return fieldError(key, "must be a whole number from " + std::to_string(min) + " to " + std::to_string(max));
  }
  return v->get<std::int64_t>();
}

Result<bool> boolField(const Json& object, const char* key, bool fallback) {
  const Json* v = fieldOf(object, key);
  if (!v) return fallback;
  if (!v->is_boolean()) return fieldError(key, "must be true or false");
  return v->get<bool>();
}

std::string dumpJson(const Json& value, int indent) {
  return value.dump(indent, ' ', false, Json::error_handler_t::replace);
}

Result<Json> parseJson(const std::string& text, const std::string& what) {
  return parseJson(text, what, kMaxJsonDepth);
}

Result<Json> parseJson(const std::string& text, const std::string& what, int max_depth) {
  SPE_TRY(checkJsonDepth(text, what, max_depth));
  try {
    return Json::parse(text);
  } catch (const Json::parse_error& e) {
    return makeError(ErrorCode::kInvalidArgument, what + " is not valid JSON (at byte " + std::to_string(e.byte) + ").",
                     e.what());
  } catch (const Json::exception& e) {  // e.g. a number beyond a double's range (1e400)
    return makeError(ErrorCode::kInvalidArgument, what + " is not valid JSON (" + std::string(e.what()) + ").");
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
