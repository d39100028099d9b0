// FunctionRegistry: the Management API's functions, their declared
// arguments and handlers, and strict argument checking.
//
// A function is listed by get-metadata only when it is registered here with
// a working handler. Names of the product's other functions are known (so
// they answer "not supported" instead of "unknown"), see known_functions.cpp.
// Thread safety: register everything before serving; lookups are then
// read-only and may run on any thread.
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/base/json_reader.h"
#include "common/base/result.h"

namespace spe::management {

enum class ArgType { kString, kNumber, kBool, kJson };
const char* argTypeName(ArgType t);

// The product's ids (stores, profiles, worker results) are positive 32-bit
// integers; a string argument that is stored ends up in a Firebird VARCHAR, so
// every string has a limit in characters checked before any database sees it.
constexpr std::int64_t kMaxId = 2147483647;
constexpr std::size_t kDefaultMaxLength = 255;  // names and ids: VARCHAR(255) columns

struct ArgSpec {
  std::string name;
  ArgType type = ArgType::kString;
  bool nullable = false;
  // number: the allowed whole numbers (ids by default); string: the most characters.
  std::int64_t min = 1;
  std::int64_t max = kMaxId;
  std::size_t max_length = kDefaultMaxLength;
  // Older names of this argument that official clients still send (not in get-metadata).
  std::vector<std::string> aliases = {};

  ArgSpec range(std::int64_t lo, std::int64_t hi) const {
    ArgSpec a = *this;
    a.min = lo;
    a.max = hi;
    return a;
  }
  ArgSpec maxLength(std::size_t n) const {
    ArgSpec a = *this;
    a.max_length = n;
    return a;
  }
  ArgSpec alias(std::string old_name) const {
    ArgSpec a = *this;
    a.aliases.push_back(std::move(old_name));
    return a;
  }
};

// A string value (e.g. a field of a JSON argument, named `argument` as in
// 'config.fullName') of at most `max` characters, the size of its column.
Status checkLength(const std::string& value, std::size_t max, const std::string& argument);

// An error message may quote what the caller sent; this cuts every quoted
// value and every echoed argument value to at most 200 characters.
std::string clampEchoedInput(std::string message, const std::map<std::string, std::string>& form);

// The caller of a function, as authenticated by the API front end.
struct Caller {
  std::string user_name;
  std::string address;  // the client's address (audit records name it); empty inside the server
};

// Typed, validated arguments. Absent nullable arguments are simply missing.
class Args {
 public:
  explicit Args(std::map<std::string, Json> values) : values_(std::move(values)) {}
  bool has(const std::string& name) const { return values_.count(name) > 0; }
  std::string str(const std::string& name, const std::string& fallback = {}) const;
  std::int64_t num(const std::string& name, std::int64_t fallback = 0) const;
  bool flag(const std::string& name, bool fallback = false) const;
  const Json& json(const std::string& name) const;
  // Every present argument as one JSON object (forwarded to instances).
  Json toJson() const;

 private:
  std::map<std::string, Json> values_;
};

// Lets a long-running handler report progress and see cancellation.
class Progress {
 public:
  virtual ~Progress() = default;
  virtual void update(std::optional<int> percent, const std::string& text) = 0;
  virtual void log(const std::string& line) = 0;
  virtual bool cancelled() const = 0;
};

struct CallContext {
  const Caller& caller;
  const Args& args;
  Progress& progress;
  // A handler whose result is large and made of pieces kept serialized
  // (GetInstances) may set this to the result's JSON text and return
  // Json(); the envelope then embeds the text as it is.
  std::shared_ptr<const std::string> raw_result = nullptr;
};

using Handler = std::function<Result<Json>(CallContext&)>;

// Which access a function needs (PRODUCT-SPEC §1.3): instance-scoped
// functions need service-provider (archive admin) access to the instance,
// except those on archive stores and search indexes.
enum class Scope { kSystem, kInstance, kInstanceStoreOrIndex };

struct FunctionSpec {
  std::string name;
  std::vector<ArgSpec> args;
  Handler handler;
  bool long_running = false;  // runs as a task with a status token
  Scope scope = Scope::kSystem;
};

using AccessCheck = std::function<Status(const FunctionSpec&, const Args&)>;

class FunctionRegistry {
 public:
  void add(FunctionSpec spec);
  // Checked before every call (archive admin access for instance functions).
  void setAccessCheck(AccessCheck check) { access_check_ = std::move(check); }
  Status checkAccess(const FunctionSpec& spec, const Args& args) const {
    return access_check_ ? access_check_(spec, args) : okStatus();
  }
  const FunctionSpec* find(const std::string& name) const;
  // True for functions of the product that this server does not implement.
  static bool isKnownUnsupported(const std::string& name);
  // get-metadata: [{name, args:[{name,type,nullable}], description, longRunning?}]
  // sorted by name (function_descriptions.h).
  Json metadata() const;

  // Checks raw form fields against the spec: unknown, missing, wrongly
  // typed, out-of-range, over-long or malformed JSON arguments are errors
  // naming the argument as the caller wrote it. Older names (aliases) are
  // accepted; an empty value of a nullable argument counts as absent.
  static Result<Args> validate(const FunctionSpec& spec, const std::map<std::string, std::string>& form);

 private:
  std::map<std::string, FunctionSpec> functions_;
  AccessCheck access_check_;
};

}  // namespace spe::management
