#include "management/functions/job_action.h"

#include <cctype>
#include <vector>

namespace spe::management {
namespace {

Error bad(const std::string& what) { return makeError(ErrorCode::kInvalidArgument, "'action': " + what); }

Result<std::vector<std::string>> words(const std::string& text) {
  std::vector<std::string> out;
  std::string cur;
  bool in_word = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == ' ' || c == '\t') {
      if (in_word) out.push_back(std::move(cur));
      cur.clear();
      in_word = false;
    } else if (c == '"') {
      in_word = true;
      for (++i;; ++i) {
        if (i >= text.size()) return bad("a double quote is not closed.");
        if (text[i] == '"') break;
        if (text[i] == '\\' && i + 1 < text.size() && (text[i + 1] == '"' || text[i + 1] == '\\')) ++i;
        cur += text[i];
      }
    } else if (c == '\'') {
      in_word = true;
      const auto end = text.find('\'', i + 1);
      if (end == std::string::npos) return bad("a single quote is not closed.");
      cur += text.substr(i + 1, end - i - 1);
      i = end;
    } else if (c == '\n' || c == '\r') {
      return bad("it must be one line.");
    } else {
      in_word = true;
      cur += c;
    }
  }
  if (in_word) out.push_back(std::move(cur));
  return out;
}

bool isName(const std::string& s) {
  if (s.empty() || !std::isalpha(static_cast<unsigned char>(s[0]))) return false;
  for (char c : s) {
    if (!std::isalnum(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

}  // namespace

Result<JobAction> parseJobAction(const std::string& text) {
  if (text.size() > kMaxJobActionLength) return bad("it is longer than 4000 characters.");
  auto w = words(text);
  if (!w) return w.error();
  if (w->empty()) return bad("it is empty; write a function and its arguments, e.g. RunProfile --id=1.");
  JobAction a;
  a.function = (*w)[0];
  if (!isName(a.function)) return bad("'" + a.function + "' is not a function name.");
  for (std::size_t i = 1; i < w->size(); ++i) {
    const std::string& word = (*w)[i];
    if (word.size() < 2 || word[0] != '-') {
      return bad("'" + word + "' is not an argument (write --name=value).");
    }
    const std::size_t start = word[1] == '-' ? 2 : 1;
    const auto eq = word.find('=');
    const std::string name = word.substr(start, eq == std::string::npos ? std::string::npos : eq - start);
    if (!isName(name)) return bad("'" + word + "' names no argument.");
    std::string value;
    if (eq != std::string::npos) {
      value = word.substr(eq + 1);
    } else {
      if (i + 1 >= w->size()) return bad("the argument '" + name + "' has no value.");
      value = (*w)[++i];
    }
    if (!a.args.emplace(name, value).second) return bad("the argument '" + name + "' is given twice.");
  }
  return a;
}

Result<Json> checkJobAction(const FunctionRegistry& registry, const std::string& text, const std::string& instance_id) {
  auto action = parseJobAction(text);
  if (!action) return action.error();
  const FunctionSpec* spec = registry.find(action->function);
  if (!spec) return bad("there is no function '" + action->function + "' (get-metadata lists them).");
  if (spec->scope == Scope::kSystem) {
    return bad("'" + action->function + "' is not a function of an instance; a job runs in its instance.");
  }
  if (action->args.count("instanceID")) {
    return bad("do not write instanceID: the job runs in its own instance.");
  }
  auto form = action->args;
  form["instanceID"] = instance_id;
  auto args = FunctionRegistry::validate(*spec, form);
  if (!args) return bad(action->function + ": " + args.error().message);
  Json typed = args->toJson();
  typed.erase("instanceID");
  return Json{{"function", action->function}, {"args", std::move(typed)}};
}

}  // namespace spe::management
