#include "instancehost/instance/api/search.h"

#include <map>

#include "common/base/text.h"
#include "index/searcher.h"
#include "instancehost/instance/model/readable_archives.h"

namespace spe::instance {

Status readSearchPage(const Json& params, std::int64_t max_limit, index::SearchRequest& request) {
  auto sort = stringField(params, "sort", "date", 64);
  if (!sort) return sort.error();
  using Field = index::SearchRequest::SortField;
  static const std::map<std::string, Field> fields{{"sender", Field::kSender},   {"recipient", Field::kRecipient},
                                                   {"subject", Field::kSubject}, {"size", Field::kSize},
                                                   {"date", Field::kDate},       {"relevance", Field::kNone}};
  const auto field = fields.find(*sort);
  if (field == fields.end()) {
    return makeError(
        ErrorCode::kInvalidArgument,
        "'sort' must be date, relevance, sender, recipient, subject or size (not '" + printable(*sort) + "').");
  }
  auto ascending = boolField(params, "ascending", false);
  if (!ascending) return ascending.error();
  request.by_date = *sort == "date";
  request.ascending = *ascending;
  // Newest first is the index's own fast order (date_order.h).
  if (field->second != Field::kDate || *ascending) request.sort_field = field->second;
  auto offset = intField(params, "offset", 0, 0, 1000000);
  if (!offset)
    return makeError(ErrorCode::kInvalidArgument, "The page is out of range: 'offset' must be 0 to 1000000.");
  auto limit = intField(params, "limit", 50, 1, max_limit);
  if (!limit) {
    return makeError(ErrorCode::kInvalidArgument,
                     "The page is out of range: 'limit' must be 1 to " + std::to_string(max_limit) + ".");
  }
  request.offset = static_cast<std::size_t>(*offset);
  request.limit = static_cast<std::size_t>(*limit);
  auto zone = intField(params, "zoneOffsetSeconds", 0, -86400, 86400);
  if (!zone) return zone.error();
  request.zone_offset_seconds = *zone;
  return okStatus();
}

Json searchHitJson(const index::SearchHitInfo& h) {
  return Json{{"storeID", h.store_id},   {"messageID", h.message.id},  {"folder", h.message.folder},
              {"date", h.message.date},  {"size", h.message.size},     {"subject", h.message.subject},
              {"from", h.message.from},  {"to", h.message.recipients}, {"hasAttachments", h.message.has_attachments},
              {"relevance", h.relevance}};
}

Result<Json> searchArchives(InstanceContext& ctx, const Json& params) {
  index::SearchRequest request;
  auto query = stringField(params, "query", {}, 4096);
  if (!query) return query.error();
  request.query = *query;
  auto user_field = stringField(params, "userName", {}, 1024);
  if (!user_field) return user_field.error();
  const std::string& user = *user_field;
  if (user.empty()) return makeError(ErrorCode::kInvalidArgument, "'userName' is missing.");
  auto archives = readableArchives(ctx.users, user);
  if (!archives) return archives.error();
  request.archives = *archives;
  SPE_TRY(readSearchPage(params, 1000, request));
  std::vector<index::SearchSource> sources;
  for (const auto& [id, indexer] : ctx.stores.indexers()) sources.push_back({id, indexer});
  auto results = index::search(sources, request);
  if (!results) return results.error();
  Json hits = Json::array();
  for (const auto& h : results->hits) hits.push_back(searchHitJson(h));
  return Json{{"total", results->total},
              {"totalIsEstimate", results->total_is_estimate},
              {"hits", hits},
              {"warnings", results->warnings},
              {"candidatesLookedAt", results->candidates_looked_at},
              {"messagesRead", results->messages_read}};
}

}  // namespace spe::instance
