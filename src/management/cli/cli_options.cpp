#include "management/cli/cli_options.h"

#include <cctype>
#include <set>

#include "common/net/tls.h"

namespace spe::cli {
namespace {

// Echoed words are cut and their control characters replaced, so a hostile
// or mistyped argument cannot flood or drive the terminal.
constexpr std::size_t kMaxEcho = 60;

std::string quote(const std::string& word) {
  std::string out = "'";
  std::size_t chars = 0;
  for (unsigned char c : word) {
    if ((c & 0xC0) != 0x80 && chars++ == kMaxEcho) return out + "\u2026'";
    out.push_back(c < 0x20 || c == 0x7F ? '?' : static_cast<char>(c));
  }
  return out + "'";
}

Error usageError(std::string message) { return makeError(ErrorCode::kInvalidArgument, std::move(message)); }

bool isFunctionName(const std::string& s) {
  if (s.empty() || s.size() > 128 || !std::isalpha(static_cast<unsigned char>(s[0]))) return false;
  for (unsigned char c : s) {
    if (!std::isalnum(c) && c != '_' && c != '-') return false;
  }
  return true;
}

Result<std::uint16_t> parsePort(const std::string& text, const std::string& server) {
  std::uint32_t port = 0;
  for (char c : text) {
    if (c < '0' || c > '9' || text.size() > 5)
      return usageError("-s: the port in " + quote(server) + " is not a number");
    port = port * 10 + static_cast<std::uint32_t>(c - '0');
  }
  if (port < 1 || port > 65535) return usageError("-s: the port in " + quote(server) + " is not within 1-65535");
  return static_cast<std::uint16_t>(port);
}

// host, host:port, [IPv6]:port, [IPv6] or a bare IPv6 address.
Status parseServer(const std::string& s, ApiClientOptions& out) {
  std::string host = s, port;
  if (!s.empty() && s[0] == '[') {
    const auto close = s.find(']');
    if (close == std::string::npos) return usageError("-s: " + quote(s) + " lacks the closing ']'");
    host = s.substr(1, close - 1);
    if (close + 1 < s.size()) {
      if (s[close + 1] != ':') return usageError("-s: " + quote(s) + " has text after ']' that is not ':port'");
      port = s.substr(close + 2);
      if (port.empty()) return usageError("-s: " + quote(s) + " ends in ':' without a port");
    }
  } else if (const auto colon = s.find(':');
             colon != std::string::npos && s.find(':', colon + 1) == std::string::npos) {
    host = s.substr(0, colon);
    port = s.substr(colon + 1);
    if (port.empty()) return usageError("-s: " + quote(s) + " ends in ':' without a port");
  }
  if (host.empty()) return usageError("-s: " + quote(s) + " names no host");
  out.host = host;
  if (!port.empty()) {
    auto p = parsePort(port, s);
    if (!p) return p.error();
    out.port = *p;
  }
  return okStatus();
}

class Parser {
 public:
  explicit Parser(const std::vector<std::string>& words) : words_(words) {}

  Result<CommandLine> run(const char* env_password) {
    if (env_password) cmd_.client.password = env_password;
    for (i_ = 0; i_ < words_.size(); ++i_) SPE_TRY(word(words_[i_]));
    SPE_TRY(decide());
    return cmd_;
  }

 private:
  // The next word as the value of `option`.
  Result<std::string> value(const std::string& option, const char* what = "a value") {
    if (i_ + 1 >= words_.size()) return usageError(option + " needs " + what);
    return words_[++i_];
  }

  Status once(const std::string& option) {
    if (!seen_.insert(option).second) return usageError(option + " is given twice");
    return okStatus();
  }

  Status word(const std::string& w) {
    if (w == "-h" || w == "--help") {
      help_ = true;
    } else if (w == "--list") {
      list_ = true;
    } else if (w == "--output" || w.rfind("--output=", 0) == 0) {
      SPE_TRY(once("--output"));
      std::string v = w.size() > 8 ? w.substr(9) : std::string();
      if (w.size() == 8) {
        auto next = value("--output", "a value: json or table");
        if (!next) return next.error();
        v = *next;
      }
      if (v != "json" && v != "table") return usageError("--output must be json or table, not " + quote(v));
      cmd_.output = v == "json" ? OutputFormat::kJson : OutputFormat::kTable;
    } else if (w.size() == 2 && w[0] == '-' && w[1] != '-') {
      return option(w);
    } else if (w.size() > 2 && w[0] == '-') {
      return functionArgument(w);
    } else {
      return usageError("unexpected argument " + quote(w) + " (function arguments are written --name=value)");
    }
    return okStatus();
  }

  // The options of one letter: -s -u -p -t -c.
  Status option(const std::string& w) {
    if (w != "-s" && w != "-u" && w != "-p" && w != "-t" && w != "-c") return usageError("unknown option " + quote(w));
    SPE_TRY(once(w));
    auto v = value(w, w == "-c" ? "a function name" : "a value");
    if (!v) return v.error();
    if (w == "-s") return parseServer(*v, cmd_.client);
    if (w == "-u") cmd_.client.user = *v;
    if (w == "-p") cmd_.client.password = *v;
    if (w == "-t") {
      if (*v != "*" && normalizeThumbprint(*v).empty()) {
        return usageError("-t must be * or the server certificate's SHA-256 thumbprint (64 hex digits), not " +
                          quote(*v));
      }
      cmd_.client.thumbprint = *v;
    }
    if (w == "-c") {
      if (!v->empty() && (*v)[0] == '-') return usageError("-c needs a function name, not the option " + quote(*v));
      if (!isFunctionName(*v)) {
        return usageError("-c: " + quote(*v) + " is not a function name (letters, digits, '_' and '-')");
      }
      cmd_.function = *v;
    }
    return okStatus();
  }

  // --name=value, --name value or -name value.
  Status functionArgument(const std::string& w) {
    const std::size_t start = w[1] == '-' ? 2 : 1;
    const auto eq = w.find('=');
    const std::string name = w.substr(start, eq == std::string::npos ? std::string::npos : eq - start);
    if (name.empty()) return usageError("unexpected argument " + quote(w) + " (it names no argument)");
    std::string v;
    if (eq != std::string::npos) {
      v = w.substr(eq + 1);
    } else {
      auto next = value(w.substr(0, start) + name);
      if (!next) return next.error();
      v = *next;
    }
    if (!cmd_.args.emplace(name, v).second) return usageError("the argument " + quote(name) + " is given twice");
    if (first_arg_.empty()) first_arg_ = w.substr(0, eq);
    return okStatus();
  }

  // What the words ask for, once all are read.
  Status decide() {
    const bool any_function = !cmd_.function.empty();
    if (words_.empty() || (help_ && !any_function)) {
      cmd_.action = Action::kHelp;
      return okStatus();
    }
    if (help_) {
      cmd_.action = Action::kFunctionHelp;
    } else if (list_) {
      if (any_function) return usageError("--list and -c cannot be combined");
      if (!first_arg_.empty())
        return usageError("unknown option " + quote(first_arg_) + " (--list takes no arguments)");
      cmd_.action = Action::kList;
    } else if (any_function) {
      cmd_.action = Action::kInvoke;
    } else if (!first_arg_.empty()) {
      return usageError("the function argument " + quote(first_arg_) + " needs -c Function");
    } else {
      return usageError("-c Function, --list or --help is required");
    }
    if (cmd_.client.user.empty()) return usageError("-u user is required (an administrator of the Management Server)");
    return okStatus();
  }

  const std::vector<std::string>& words_;
  std::size_t i_ = 0;
  CommandLine cmd_;
  bool help_ = false;
  bool list_ = false;
  std::set<std::string> seen_;
  std::string first_arg_;  // the first function argument as written, for errors
};

}  // namespace

Result<CommandLine> parseCommandLine(const std::vector<std::string>& words, const char* env_password) {
  return Parser(words).run(env_password);
}

}  // namespace spe::cli
