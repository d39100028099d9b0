#include "management/instance_filter.h"

#include <sstream>

namespace spe::management {

bool isValidInstanceId(const std::string& id) {
  if (id.size() < 3 || id.size() > 32 || !(id[0] >= 'a' && id[0] <= 'z')) return false;
  for (char c : id) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
  }
  return true;
}

Result<InstanceFilter> parseInstanceFilter(const std::string& text) {
  InstanceFilter f;
  std::istringstream in(text);
  bool any = false;
  for (std::string tok; in >> tok;) {
    if (tok == "*") {
      f.all = true;
      any = true;
    } else if (tok == ".running" || tok == ".stopped") {
      if (f.state && *f.state != tok.substr(1)) {
        return makeError(ErrorCode::kInvalidArgument, "'instanceFilter' cannot contain both .running and .stopped.");
      }
      f.state = tok.substr(1);
    } else if (tok[0] == '.') {
      return makeError(ErrorCode::kInvalidArgument,
                       "'instanceFilter' has the unknown qualifier '" + tok + "' (use .running or .stopped).");
    } else if (tok[0] == '*') {
      f.hosts.insert(tok.substr(1));
      any = true;
    } else {
      f.ids.insert(tok);
      any = true;
    }
  }
  if (!any) {
    return makeError(ErrorCode::kInvalidArgument,
                     "'instanceFilter' selects nothing: give '*', instance IDs or '*<instance host>'.");
  }
  return f;
}

}  // namespace spe::management
