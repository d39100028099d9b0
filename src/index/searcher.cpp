#include "index/searcher.h"

#include <xapian.h>

#include <map>

#include "index/query_language.h"

namespace spe::index {
namespace {

constexpr Xapian::doccount kCountAtLeast = 10000;

struct Shard {
  std::int64_t store_id = 0;
  std::shared_ptr<StoreIndexer> indexer;
};

}  // namespace

Result<SearchResults> search(const std::vector<SearchSource>& sources, const SearchRequest& request) {
  if (request.limit == 0 || request.limit > 1000) {
    return makeError(ErrorCode::kInvalidArgument, "The page size must be between 1 and 1000.");
  }
  SearchResults results;
  Xapian::Database combined;
  std::vector<Shard> shards;
  for (const auto& source : sources) {
    for (const auto& dir : source.indexer->indexDirectories(request.archives)) {
      try {
        combined.add_database(Xapian::Database(dir));
        shards.push_back({source.store_id, source.indexer});
      } catch (const Xapian::Error& e) {
        results.warnings.push_back("The search index '" + dir + "' cannot be read and needs a rebuild (" +
                                   e.get_description() + "); its messages are missing from the results.");
      }
    }
  }
  auto lister = [&combined](const std::string& prefix) {
    std::vector<std::string> terms;
    for (auto it = combined.allterms_begin(prefix); it != combined.allterms_end(prefix) && terms.size() < 10000;
         ++it) {
      terms.push_back(*it);
    }
    return terms;
  };
  auto query = compileQuery(request.query, lister, request.zone_offset_seconds);
  if (!query) return query.error();
  if (shards.empty()) return results;

  Xapian::MSet mset;
  for (int attempt = 0;; ++attempt) {
    try {
      Xapian::Enquire enquire(combined);
      enquire.set_query(*query);
      if (request.by_date) enquire.set_sort_by_value_then_relevance(0, true);
      mset = enquire.get_mset(static_cast<Xapian::doccount>(request.offset),
                              static_cast<Xapian::doccount>(request.limit), kCountAtLeast);
      break;
    } catch (const Xapian::DatabaseModifiedError&) {
      if (attempt >= 3) return makeError(ErrorCode::kUnavailable, "The search indexes changed too often; try again.");
      combined.reopen();
    } catch (const Xapian::Error& e) {
      return makeError(ErrorCode::kIo, "The search failed.", e.get_description());
    }
  }
  results.total = static_cast<std::int64_t>(mset.get_matches_estimated());
  results.total_is_estimate = mset.get_matches_lower_bound() != mset.get_matches_upper_bound();

  // Message ids per shard, in result order.
  struct Pending {
    std::size_t shard;
    std::int64_t message_id;
    int percent;
  };
  std::vector<Pending> order;
  std::map<std::size_t, std::vector<std::int64_t>> ids_by_shard;
  try {
    for (auto it = mset.begin(); it != mset.end(); ++it) {
      const std::size_t shard = (*it - 1) % shards.size();
      const std::int64_t id = std::stoll(it.get_document().get_data());
      order.push_back({shard, id, it.get_percent()});
      ids_by_shard[shard].push_back(id);
    }
  } catch (const Xapian::Error& e) {
    return makeError(ErrorCode::kIo, "The search failed.", e.get_description());
  }
  // One metadata lookup per store.
  std::map<std::int64_t, std::map<std::int64_t, store::MessageInfo>> found;  // store id → message id → info
  std::map<std::int64_t, std::vector<std::int64_t>> ids_by_store;
  std::map<std::int64_t, std::shared_ptr<StoreIndexer>> indexer_of;
  for (const auto& [shard, ids] : ids_by_shard) {
    auto& v = ids_by_store[shards[shard].store_id];
    v.insert(v.end(), ids.begin(), ids.end());
    indexer_of[shards[shard].store_id] = shards[shard].indexer;
  }
  for (const auto& [store_id, ids] : ids_by_store) {
    auto infos = indexer_of[store_id]->store()->messagesById(ids);
    if (!infos) return infos.error();
    for (auto& m : *infos) found[store_id][m.id] = std::move(m);
  }
  for (const auto& p : order) {
    const std::int64_t store_id = shards[p.shard].store_id;
    auto it = found[store_id].find(p.message_id);
    if (it == found[store_id].end()) continue;  // deleted since it was indexed
    const std::string archive = store::archiveOf(it->second.folder);
    if (std::find(request.archives.begin(), request.archives.end(), archive) == request.archives.end()) continue;
    results.hits.push_back({store_id, it->second, p.percent});
  }
  return results;
}

}  // namespace spe::index
