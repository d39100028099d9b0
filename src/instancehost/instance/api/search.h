// The instance's search over the archives a user may read (RPC method
// "search"), for the end-user access paths (Web Access, IMAP SEARCH).
#pragma once

#include "common/base/json_reader.h"
#include "common/base/result.h"
#include "index/searcher.h"
#include "instancehost/instance/api/context.h"

namespace spe::instance {

// {userName, query, sort, ascending, offset, limit, zoneOffsetSeconds}
// -> {total, totalIsEstimate, hits, warnings, candidatesLookedAt,
// messagesRead}. Errors name the parameter that is wrong.
Result<Json> searchArchives(InstanceContext& ctx, const Json& params);

// Sorting and paging of a search from request parameters {sort (date,
// relevance, sender, recipient, subject, size), ascending (false: newest,
// largest, Z first), offset, limit (1..max_limit), zoneOffsetSeconds};
// errors name the bad value.
Status readSearchPage(const Json& params, std::int64_t max_limit, index::SearchRequest& request);
// A search hit as the search answers show it.
Json searchHitJson(const index::SearchHitInfo& hit);

}  // namespace spe::instance
