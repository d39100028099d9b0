// webSelection: the messages a Web Access request picks for an export or a
// restore, either
//   {messages: [{storeID, messageID}, ...]}  (the rows the user ticked)
//   {search: {<the body of a search request>}}  (every result of a search)
// at most kMaxMessages, duplicates dropped, in the given order. Ticked
// messages must each be the user's to read now (404 noSuchMessage
// otherwise); a search finds only such messages. Refusals are Errors that
// carry their Web Access answer (web_failure.h: webFailureOf).
// Thread safety: plain functions.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "instancehost/instance/api/context.h"

namespace spe::instance {

struct WebMessageRef {
  std::int64_t store_id = 0;
  std::int64_t message_id = 0;
};

constexpr std::size_t kWebSelectionMax = 100000;

// Every message a search request body finds, in one search (web_search.h's
// webSearchMessages), at most `max` of them.
using WebSearchAll =
    std::function<Result<std::vector<std::pair<std::int64_t, std::int64_t>>>(const Json& body, std::size_t max)>;

// `late`: whether the caller has stopped waiting (checked after the search
// and every 256 checked messages); then 503 exportTooSlow.
Result<std::vector<WebMessageRef>> webSelection(InstanceContext& ctx, const std::string& user, const Json& body,
                                                const WebSearchAll& search, const std::function<bool()>& late);

// The answer to a request whose selection failed: the refusal the error
// carries, or the error itself when it is none (a store that failed).
Result<Json> webSelectionFailure(const Error& e);

// Whether `folder` lies in one of `archives` (nullopt: every archive).
bool webReadable(const std::optional<std::vector<std::string>>& archives, const std::string& folder);

}  // namespace spe::instance
