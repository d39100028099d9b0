#include "management/api/function_registry.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>

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
    out.push_back({{"name", name}, {"args", std::move(args)}});
  }
  return out;
}

Result<Args> FunctionRegistry::validate(const FunctionSpec& spec, const std::map<std::string, std::string>& form) {
  for (const auto& [name, value] : form) {
    bool known = false;
    for (const auto& a : spec.args) known = known || a.name == name;
    if (!known) {
      return makeError(ErrorCode::kInvalidArgument,
                       "The function " + spec.name + " has no argument '" + name + "'.");
    }
  }
  std::map<std::string, Json> values;
  for (const auto& a : spec.args) {
    auto it = form.find(a.name);
    if (it == form.end()) {
      if (a.nullable) continue;
      return makeError(ErrorCode::kInvalidArgument,
                       "The argument '" + a.name + "' (" + argTypeName(a.type) + ") is required.");
    }
    const std::string& raw = it->second;
    switch (a.type) {
      case ArgType::kString:
        values[a.name] = raw;
        break;
      case ArgType::kNumber: {
        errno = 0;
        char* end = nullptr;
        const long long n = std::strtoll(raw.c_str(), &end, 10);
        if (!raw.empty() && end && *end == '\0' && errno == 0) {
          values[a.name] = static_cast<std::int64_t>(n);
          break;
        }
        end = nullptr;
        const double d = std::strtod(raw.c_str(), &end);
        if (raw.empty() || !end || *end != '\0' || !std::isfinite(d)) {
          return makeError(ErrorCode::kInvalidArgument,
                           "The argument '" + a.name + "' must be a number, not '" + raw + "'.");
        }
        values[a.name] = d;
        break;
      }
      case ArgType::kBool:
        if (raw != "true" && raw != "false") {
          return makeError(ErrorCode::kInvalidArgument,
                           "The argument '" + a.name + "' must be 'true' or 'false', not '" + raw + "'.");
        }
        values[a.name] = raw == "true";
        break;
      case ArgType::kJson: {
        if (auto depth = checkJsonDepth(raw, "The argument '" + a.name + "'"); !depth) return depth.error();
        auto parsed = tryParseJson(raw);
        if (!parsed) {
          return makeError(ErrorCode::kInvalidArgument, "The argument '" + a.name + "' is not valid JSON.");
        }
        values[a.name] = std::move(*parsed);
        break;
      }
    }
  }
  return Args(std::move(values));
}

}  // namespace spe::management
