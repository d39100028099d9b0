#include "instancehost/instance/access/web/web_selection.h"

#include <algorithm>
#include <set>

#include "common/base/text.h"
#include "instancehost/instance/access/web/web_failure.h"
#include "instancehost/instance/model/readable_archives.h"

namespace spe::instance {
namespace {

// A malformed field of the request, as an Error that carries its refusal.
Error badField(const char* field, const std::string& message) {
  return webRefusalError(ErrorCode::kInvalidArgument, webFailure(400, "badField", message, Json{{"field", field}}));
}

Error refusal(ErrorCode code, int status, const char* name, const std::string& message, Json params = Json::object()) {
  return webRefusalError(code, webFailure(status, name, message, std::move(params)));
}

Result<std::vector<WebMessageRef>> ticked(const Json& list) {
  if (!list.is_array()) return badField("messages", "'messages' must be a list.");
  if (list.size() > kWebSelectionMax) {
    return refusal(ErrorCode::kInvalidArgument, 400, "exportTooMany",
                   "At most " + std::to_string(kWebSelectionMax) + " messages can be chosen at once.",
                   Json{{"max", kWebSelectionMax}});
  }
  std::vector<WebMessageRef> items;
  std::set<std::pair<std::int64_t, std::int64_t>> seen;
  for (const auto& m : list) {
    if (!m.is_object()) return badField("messages", "Each of 'messages' must be an object.");
    auto store = intField(m, "storeID", -1, 0, INT32_MAX);
    auto message = intField(m, "messageID", -1, 0, INT64_MAX);
    if (!store || *store < 0) return badField("messages[].storeID", "'messages[].storeID' must be a number.");
    if (!message || *message < 0) return badField("messages[].messageID", "'messages[].messageID' must be a number.");
    if (seen.insert({*store, *message}).second) items.push_back({*store, *message});
  }
  return items;
}

Result<std::vector<WebMessageRef>> searched(const Json& search_body, const WebSearchAll& search) {
  if (!search_body.is_object()) return badField("search", "'search' must be an object.");
  auto found = search(search_body, kWebSelectionMax);
  if (!found) return found.error();
  std::vector<WebMessageRef> items;
  items.reserve(found->size());
  std::set<std::pair<std::int64_t, std::int64_t>> seen;
  for (const auto& [store_id, message_id] : *found) {
    if (seen.insert({store_id, message_id}).second) items.push_back({store_id, message_id});
  }
  return items;
}

}  // namespace

Result<Json> webSelectionFailure(const Error& e) {
  const auto carried = tryParseJson(e.details);
  if (carried && carried->is_object() && carried->contains("code")) return webFailureOf(e);
  return e;
}

bool webReadable(const std::optional<std::vector<std::string>>& archives, const std::string& folder) {
  if (!archives) return true;
  const std::string archive = asciiLower(store::archiveOf(folder));
  return std::any_of(archives->begin(), archives->end(),
                     [&](const std::string& a) { return asciiLower(a) == archive; });
}

Result<std::vector<WebMessageRef>> webSelection(InstanceContext& ctx, const std::string& user, const Json& body,
                                                const WebSearchAll& search, const std::function<bool()>& late) {
  const auto gaveUp = [] {
    return refusal(ErrorCode::kUnavailable, 503, "exportTooSlow",
                   "Finding the messages took longer than the Client Access Server waits; choose fewer messages or "
                   "a narrower search.");
  };
  const auto list = body.find("messages");
  const auto query = body.find("search");
  if ((list == body.end()) == (query == body.end())) {
    return refusal(ErrorCode::kInvalidArgument, 400, "exportWhat",
                   "Give either 'messages' (the chosen messages) or 'search' (all results of a search).");
  }
  auto items = list != body.end() ? ticked(*list) : searched(*query, search);
  if (!items) return items.error();
  if (items->empty())
    return refusal(ErrorCode::kInvalidArgument, 400, "nothingToExport", "There is nothing to export.");
  if (late()) return gaveUp();
  if (list != body.end()) {  // chosen by the browser: each must be the user's to read
    auto archives = readableArchives(ctx.users, user);
    if (!archives) return archives.error();
    std::size_t checked = 0;
    for (const auto& item : *items) {
      if (++checked % 256 == 0 && late()) return gaveUp();
      auto store = ctx.stores.loadedStore(item.store_id);
      auto infos = store ? (*store)->messagesById({item.message_id})
                         : Result<std::vector<store::MessageInfo>>(store.error());
      if (!infos || infos->empty() || !webReadable(*archives, infos->front().folder)) {
        return refusal(ErrorCode::kNotFound, 404, "noSuchMessage",
                       "There is no such message (store " + std::to_string(item.store_id) + ", message " +
                           std::to_string(item.message_id) + ").");
      }
    }
    if (late()) return gaveUp();
  }
  return items;
}

}  // namespace spe::instance
