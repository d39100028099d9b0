#include "management/api/function_registry.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>

#include "management/api/function_descriptions.h"
#include "management/api/known_functions.h"

namespace spe::management {

const char* argTypeName(ArgType t) {
  switch (t) {
    case ArgType::kString: return "string";
    case ArgType::kNumber: return "number";
    case ArgType::kBool: return "bool";
    case ArgType::kJson: return "json";
  }
  return "string";
}

std::string Args::str(const std::string& name, const std::string& fallback) const {
  auto it = values_.find(name);
  return it != values_.end() && it->second.is_string() ? it->second.get<std::string>() : fallback;
}

std::int64_t Args::num(const std::string& name, std::int64_t fallback) const {
  auto it = values_.find(name);
  if (it == values_.end() || !it->second.is_number()) return fallback;
  return it->second.is_number_integer() ? it->second.get<std::int64_t>()
                                        : static_cast<std::int64_t>(it->second.get<double>());
}

bool Args::flag(const std::string& name, bool fallback) const {
  auto it = values_.find(name);
  return it != values_.end() && it->second.is_boolean() ? it->second.get<bool>() : fallback;
}

Json Args::toJson() const {
  Json out = Json::object();
  for (const auto& [name, value] : values_) out[name] = value;
  return out;
}

const Json& Args::json(const std::string& name) const {
  static const Json kNull;
  auto it = values_.find(name);
  return it != values_.end() ? it->second : kNull;
}

void FunctionRegistry::add(FunctionSpec spec) {
  std::string name = spec.name;
  functions_[name] = std::move(spec);
}

const FunctionSpec* FunctionRegistry::find(const std::string& name) const {
  auto it = functions_.find(name);
  return it == functions_.end() ? nullptr : &it->second;
}

bool FunctionRegistry::isKnownUnsupported(const std::string& name) { return isProductFunction(name); }

Json FunctionRegistry::metadata() const {
  Json out = Json::array();
  for (const auto& [name, spec] : functions_) {
    Json args = Json::array();
    for (const auto& a : spec.args) {
      args.push_back({{"name", a.name}, {"type", argTypeName(a.type)}, {"nullable", a.nullable}});
    }
    Json entry{{"name", name}, {"args", std::move(args)}};
    if (const auto line = functionDescription(name); !line.empty()) entry["description"] = std::string(line);
    if (spec.long_running) entry["longRunning"] = true;
    out.push_back(std::move(entry));
  }
  return out;
}

namespace {

constexpr std::size_t kMaxEcho = 200;

// Code points of valid UTF-8 (the form parser has checked it).
std::size_t characters(std::string_view s) {
  std::size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

// The first `max` characters of `s` followed by "…" when it is longer.
std::string clip(std::string_view s, std::size_t max = kMaxEcho) {
  std::size_t n = 0, i = 0;
  for (; i < s.size(); ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80 && n++ == max) break;
  }
  if (i >= s.size()) return std::string(s);
  return std::string(s.substr(0, i)) + "\u2026";
}

Error badArgument(const std::string& message) { return makeError(ErrorCode::kInvalidArgument, message); }

bool equalsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
  }
  return true;
}

void collectStrings(const Json& j, std::vector<std::string>& out) {
  if (j.is_string()) {
    out.push_back(j.get<std::string>());
  } else if (j.is_structured()) {
    for (const auto& v : j) collectStrings(v, out);
  }
}

}  // namespace

Status checkLength(const std::string& value, std::size_t max, const std::string& argument) {
  if (characters(value) <= max) return okStatus();
  return badArgument("'" + argument + "' may have at most " + std::to_string(max) + " characters (it has " +
                     std::to_string(characters(value)) + ").");
}

std::string clampEchoedInput(std::string message, const std::map<std::string, std::string>& form) {
  // Values the caller sent (and strings inside JSON values), longest first.
  std::vector<std::string> values;
  for (const auto& [name, raw] : form) {
    values.push_back(raw);
    if (auto parsed = tryParseJson(raw)) collectStrings(*parsed, values);
  }
  std::sort(values.begin(), values.end(), [](const auto& a, const auto& b) { return a.size() > b.size(); });
  for (const auto& v : values) {
    if (characters(v) <= kMaxEcho) break;
    for (std::size_t at = message.find(v); at != std::string::npos; at = message.find(v, at)) {
      const std::string short_value = clip(v);
      message.replace(at, v.size(), short_value);
      at += short_value.size();
    }
  }
  // Anything else quoted ('...') that is still too long.
  std::string out;
  std::size_t pos = 0;
  while (pos < message.size()) {
    const std::size_t open = message.find('\'', pos);
    const std::size_t close = open == std::string::npos ? open : message.find('\'', open + 1);
    if (close == std::string::npos) break;
    out.append(message, pos, open + 1 - pos);
    out += clip(std::string_view(message).substr(open + 1, close - open - 1));
    out += '\'';
    pos = close + 1;
  }
  out.append(message, std::min(pos, message.size()), std::string::npos);
  return out;
}

Result<Args> FunctionRegistry::validate(const FunctionSpec& spec, const std::map<std::string, std::string>& form) {
  // Which declared argument each field is, by its name or an older name.
  std::map<std::string, std::pair<const ArgSpec*, std::string>> given;  // declared name -> (spec, name as sent)
  for (const auto& [name, value] : form) {
    const ArgSpec* match = nullptr;
    for (const auto& a : spec.args) {
      if (a.name == name || std::find(a.aliases.begin(), a.aliases.end(), name) != a.aliases.end()) match = &a;
    }
    if (!match) {
      return badArgument("The function " + spec.name + " has no argument '" + clip(name) + "'.");
    }
    if (auto seen = given.find(match->name); seen != given.end()) {
      return badArgument("Give either '" + seen->second.second + "' or '" + name + "', not both.");
    }
    given[match->name] = {match, name};
  }
  std::map<std::string, Json> values;
  for (const auto& a : spec.args) {
    auto g = given.find(a.name);
    // An empty value of an optional argument is the same as leaving it out.
    if (g == given.end() || (a.nullable && form.at(g->second.second).empty())) {
      if (a.nullable) continue;
      return badArgument("The argument '" + a.name + "' (" + argTypeName(a.type) + ") is required.");
    }
    const std::string& as_sent = g->second.second;
    const std::string& raw = form.at(as_sent);
    switch (a.type) {
      case ArgType::kString:
        if (characters(raw) > a.max_length) {
          return badArgument("The argument '" + as_sent + "' may have at most " + std::to_string(a.max_length) +
                             " characters (it has " + std::to_string(characters(raw)) + ").");
        }
        values[a.name] = raw;
        break;
      case ArgType::kNumber: {
        // Whole numbers only: a fraction is never truncated and an
        // out-of-range value never wraps.
        errno = 0;
        char* end = nullptr;
        const long long n = raw.empty() || std::isspace(static_cast<unsigned char>(raw[0]))
                                ? 0
                                : std::strtoll(raw.c_str(), &end, 10);
        const bool whole = end && *end == '\0' && end != raw.c_str();
        if (!whole || errno == ERANGE || n < a.min || n > a.max) {
          return badArgument("The argument '" + as_sent + "' must be a whole number from " + std::to_string(a.min) +
                             " to " + std::to_string(a.max) + ", not '" + clip(raw) + "'.");
        }
        values[a.name] = static_cast<std::int64_t>(n);
        break;
      }
      case ArgType::kBool:
        // MailStore's own clients send True/False (.NET's case-insensitive parse).
        if (!equalsIgnoreCase(raw, "true") && !equalsIgnoreCase(raw, "false")) {
          return badArgument("The argument '" + as_sent + "' must be 'true' or 'false', not '" + clip(raw) + "'.");
        }
        values[a.name] = equalsIgnoreCase(raw, "true");
        break;
      case ArgType::kJson: {
        if (auto depth = checkJsonDepth(raw, "The argument '" + as_sent + "'"); !depth) {
          return badArgument(depth.error().message);
        }
        auto parsed = tryParseJson(raw);
        if (!parsed) return badArgument("The argument '" + as_sent + "' is not valid JSON.");
        values[a.name] = std::move(*parsed);
        break;
      }
    }
  }
  return Args(std::move(values));
}

}  // namespace spe::management
