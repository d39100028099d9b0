#include "index/searcher.h"

#include <xapian.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <thread>

#include "common/base/text.h"
#include "common/metrics/metrics.h"
#include "index/archive_index.h"
#include "index/date_order.h"
#include "index/dead_documents.h"
#include "index/pair_filter.h"
#include "index/query_language.h"
#include "index/sort_keys.h"

namespace spe::index {
namespace {

constexpr Xapian::doccount kCountAtLeast = 10000;
constexpr std::size_t kCheckWindow = 64;    // candidates resolved at a time for phrase checks
constexpr std::size_t kMaxChecks = 640;     // messages read per search at most (then the total is an estimate)
constexpr std::size_t kMaxExamined = 4000;  // candidates put to their word-pair filter per search at most
constexpr unsigned kCheckThreads = 4;       // threads checking candidates of one search at most

struct Shard {
  std::int64_t store_id = 0;
  std::shared_ptr<StoreIndexer> indexer;
};
using Indexers = std::map<std::int64_t, std::shared_ptr<StoreIndexer>>;  // by store id

// The listing rows of the result window's entries at `positions`, in
// order; messages deleted since they were indexed, or no longer in a
// readable archive, are left out. `kept` gets the positions of the rows.
Result<std::vector<SearchHitInfo>> resolve(const Xapian::MSet& mset, const std::vector<Shard>& shards,
                                           const Indexers& indexers,
                                           const std::optional<std::vector<std::string>>& archives,
                                           const std::vector<std::size_t>& positions,
                                           std::vector<std::size_t>* kept = nullptr) {
  struct Pending {
    std::size_t shard;
    std::int64_t message_id;
    int percent;
    std::size_t position;
  };
  std::vector<Pending> order;
  std::map<std::int64_t, std::vector<std::int64_t>> ids_by_store;
  try {
    for (const std::size_t i : positions) {
      const Xapian::MSetIterator it = mset[static_cast<Xapian::doccount>(i)];
      const std::size_t shard = (*it - 1) % shards.size();
      const std::int64_t id = parseDocumentData(it.get_document().get_data()).message_id;
      order.push_back({shard, id, it.get_percent(), i});
      ids_by_store[shards[shard].store_id].push_back(id);
    }
  } catch (const Xapian::Error& e) {
    return makeError(ErrorCode::kIo, "The search failed.", e.get_description());
  }
  std::map<std::int64_t, std::map<std::int64_t, store::MessageInfo>> found;  // store id → message id → info
  for (const auto& [store_id, ids] : ids_by_store) {
    auto infos = indexers.at(store_id)->store()->messagesById(ids);
    if (!infos) return infos.error();
    for (auto& m : *infos) found[store_id][m.id] = std::move(m);
  }
  std::vector<SearchHitInfo> out;
  for (const auto& p : order) {
    const std::int64_t store_id = shards[p.shard].store_id;
    auto it = found[store_id].find(p.message_id);
    if (it == found[store_id].end()) continue;
    if (archives) {
      const std::string archive = store::archiveOf(it->second.folder);
      if (std::find(archives->begin(), archives->end(), archive) == archives->end()) continue;
    }
    out.push_back({store_id, it->second, p.percent});
    if (kept) kept->push_back(p.position);
  }
  return out;
}

// The positions from `first` on (up to `count` of them) whose documents'
// word-pair filters let the phrases hold; `end` gets the position after
// the last one looked at.
Result<std::vector<std::size_t>> passingFilter(const Xapian::MSet& mset, std::size_t first, std::size_t count,
                                               const std::optional<PhrasePairs>& pairs, std::size_t& end) {
  std::vector<std::size_t> out;
  try {
    for (end = first; end < mset.size() && out.size() < count; ++end) {
      const auto data = mset[static_cast<Xapian::doccount>(end)].get_document().get_data();
      const auto parsed = parseDocumentData(data);
      if (!pairs || mayHoldPhrases(parsed.pair_filter, parsed.message_id, *pairs)) out.push_back(end);
    }
  } catch (const Xapian::Error& e) {
    return makeError(ErrorCode::kIo, "The search failed.", e.get_description());
  }
  return out;
}

std::vector<std::size_t> allPositions(const Xapian::MSet& mset) {
  std::vector<std::size_t> out(mset.size());
  for (std::size_t i = 0; i < out.size(); ++i) out[i] = i;
  return out;
}

// Checks candidates in order on a few threads until `needed` matched;
// returns the outcome of each candidate checked (a prefix of them).
Result<std::vector<bool>> checkInOrder(const std::vector<SearchHitInfo>& candidates, std::size_t needed,
                                       const std::function<Result<bool>(const SearchHitInfo&)>& check) {
  const std::size_t n = candidates.size();
  std::vector<char> outcome(n, 0);
  std::atomic<std::size_t> next{0}, matched{0};
  std::mutex error_mutex;
  std::optional<Error> error;
  auto work = [&] {
    for (std::size_t i; matched.load() < needed && (i = next.fetch_add(1)) < n;) {
      auto r = check(candidates[i]);
      if (!r) {
        std::lock_guard lock(error_mutex);
        if (!error) error = r.error();
        matched = needed;  // stop
        return;
      }
      outcome[i] = *r ? 1 : 0;
      if (*r) ++matched;
    }
  };
  const unsigned threads = std::clamp(std::thread::hardware_concurrency(), 1u, kCheckThreads);
  std::vector<std::thread> helpers;
  for (unsigned t = 1; t < threads; ++t) helpers.emplace_back(work);
  work();
  for (auto& h : helpers) h.join();
  if (error) return *error;
  // Every candidate below `next` was checked; the page needs them in order.
  std::vector<bool> out;
  for (std::size_t i = 0, matches = 0; i < std::min(next.load(), n) && matches < needed; ++i) {
    out.push_back(outcome[i] != 0);
    matches += outcome[i];
  }
  return out;
}

// The indexes a search reads, combined into one database.
struct OpenIndexes {
  Xapian::Database combined;
  std::vector<Shard> shards;  // by the position of their database in `combined`
  Indexers indexers;
  bool month_terms = true;       // every index has them (archive_index.h)
  std::size_t legacy_terms = 0;  // indexes made before terms version 2 (archive_index.h)
};

// Opens the indexes of `archives` in every source; one that cannot be read
// is left out with a warning.
OpenIndexes openIndexes(const std::vector<SearchSource>& sources,
                        const std::optional<std::vector<std::string>>& archives, std::vector<std::string>& warnings) {
  OpenIndexes open;
  std::set<std::string> opened;  // an archive named twice (or a store given twice) is searched once
  for (const auto& source : sources) {
    open.indexers[source.store_id] = source.indexer;
    for (const auto& dir : source.indexer->indexDirectories(archives)) {
      if (!opened.insert(dir).second) continue;
      try {
        Xapian::Database one(dir);
        open.month_terms = open.month_terms && hasMonthTerms(one);
        open.legacy_terms += hasCurrentTerms(one) ? 0 : 1;
        open.combined.add_database(one);
        open.shards.push_back({source.store_id, source.indexer});
      } catch (const Xapian::Error& e) {
        warnings.push_back("The search index '" + dir + "' cannot be read and needs a rebuild (" + e.get_description() +
                           "); its messages are missing from the results.");
      }
    }
  }
  if (open.legacy_terms > 0) {
    // Not silent: such an index misses words its messages hold (its store
    // is selected for a rebuild when the indexer starts).
    warnings.push_back(std::to_string(open.legacy_terms) +
                       " of the search indexes were made by an older version and do not find words inside Chinese "
                       "or Japanese text, in inline text parts with a file name or after a NUL byte until they are "
                       "rebuilt (RebuildSelectedStoreIndexes).");
  }
  return open;
}

// The value slot a sort field reads (archive_index.h, sort_keys.h).
Xapian::valueno sortSlot(SearchRequest::SortField field) {
  switch (field) {
    case SearchRequest::SortField::kSender: return kSenderValue;
    case SearchRequest::SortField::kRecipient: return kRecipientValue;
    case SearchRequest::SortField::kSubject: return kSubjectValue;
    case SearchRequest::SortField::kSize: return 1;
    default: return 0;
  }
}

// The query restricted to the request's folder (the index's folder terms
// are lower case: archive_index.cpp), or every message there when the query
// is empty.
Xapian::Query inFolder(const Xapian::Query& query, const SearchRequest& request) {
  std::string folder = asciiLower(request.folder);
  while (!folder.empty() && folder.back() == '/') folder.pop_back();
  Xapian::Query scope("P" + folder);
  if (request.subfolders) {
    scope = Xapian::Query(Xapian::Query::OP_OR, scope, Xapian::Query(Xapian::Query::OP_WILDCARD, "P" + folder + "/"));
  }
  if (query.empty()) return scope;
  return Xapian::Query(Xapian::Query::OP_FILTER, query, scope);
}

bool blank(const std::string& s) { return s.find_first_not_of(" \t\r\n") == std::string::npos; }

// Runs the index query over a window of the results, newest first or by
// relevance, again when the indexes change under it; keeps the count of
// matches of the last window.
class ResultWindows {
 public:
  ResultWindows(OpenIndexes& open, Xapian::Query query, const SearchRequest& request)
      : open_(open),
        query_(std::move(query)),
        by_date_(request.by_date && request.sort_field == SearchRequest::SortField::kNone),
        enquire_(open.combined) {
    enquire_.set_query(query_);
    if (request.sort_field != SearchRequest::SortField::kNone) {
      // By a value, the newest first among equal ones; no relevance needed.
      enquire_.set_weighting_scheme(Xapian::BoolWeight());
      keys_.add_value(sortSlot(request.sort_field), !request.ascending);
      keys_.add_value(0, true);
      enquire_.set_sort_by_key(&keys_, false);
    } else if (by_date_) {
      // Newest first needs no relevance: the boolean weight saves scoring
      // every match.
      enquire_.set_weighting_scheme(Xapian::BoolWeight());
      enquire_.set_sort_by_value(0, true);
    }
  }

  Result<Xapian::MSet> get(std::size_t first, std::size_t count) {
    const auto from = static_cast<Xapian::doccount>(first), n = static_cast<Xapian::doccount>(count);
    for (int attempt = 0;; ++attempt) {
      try {
        if (by_date_ && open_.month_terms) {
          return newestFirst(open_.combined, query_, from, n, kCountAtLeast, matches_);
        }
        Xapian::MSet mset = enquire_.get_mset(from, n, kCountAtLeast);
        matches_ = {mset.get_matches_estimated(), mset.get_matches_lower_bound() == mset.get_matches_upper_bound()};
        return mset;
      } catch (const Xapian::DatabaseModifiedError&) {
        if (attempt >= 3) return makeError(ErrorCode::kUnavailable, "The search indexes changed too often; try again.");
        open_.combined.reopen();
      } catch (const Xapian::Error& e) {
        return makeError(ErrorCode::kIo, "The search failed.", e.get_description());
      }
    }
  }
  const MatchCount& matches() const { return matches_; }

 private:
  OpenIndexes& open_;
  const Xapian::Query query_;
  const bool by_date_;
  Xapian::MultiValueKeyMaker keys_;  // outlives enquire_, which points at it
  Xapian::Enquire enquire_;
  MatchCount matches_;
};

// A page when the index decides alone.
Status indexedPage(ResultWindows& windows, const OpenIndexes& open, const SearchRequest& request,
                   SearchResults& results) {
  auto mset = windows.get(request.offset, request.limit);
  if (!mset) return mset.error();
  results.total = static_cast<std::int64_t>(windows.matches().estimated);
  results.total_is_estimate = !windows.matches().exact;
  auto hits = resolve(*mset, open.shards, open.indexers, request.archives, allPositions(*mset));
  if (!hits) return hits.error();
  results.hits = std::move(*hits);
  return okStatus();
}

// A page when phrases must be checked: candidates have all the words. Their
// word-pair filters turn most that cannot hold the phrases away; the others
// are checked against their messages, in result order, until the page is
// full. The index query is evaluated once for every candidate that may be
// looked at.
Status checkedPage(ResultWindows& windows, const OpenIndexes& open, const CompiledQuery& query,
                   const SearchRequest& request, SearchResults& results) {
  const std::size_t wanted = request.offset + request.limit;
  // Exhaustive: `wanted` is every document, so every candidate is here.
  auto mset = windows.get(0, request.exhaustive ? wanted : wanted + kMaxExamined);
  if (!mset) return mset.error();
  std::optional<PhrasePairs> pairs;  // only when the phrases alone decide
  if (query.phrases_suffice) pairs = phrasePairs(query.phrases);
  std::vector<SearchHitInfo> verified;
  std::size_t examined = 0, read = 0;
  bool stopped_early = false;
  const std::size_t max_checks = request.exhaustive ? mset->size() : kMaxChecks;
  while (verified.size() < wanted && examined < mset->size() && read < max_checks) {
    std::size_t end = examined;
    auto passing = passingFilter(*mset, examined, kCheckWindow, pairs, end);
    if (!passing) return passing.error();
    std::vector<std::size_t> positions;
    auto candidates = resolve(*mset, open.shards, open.indexers, request.archives, *passing, &positions);
    if (!candidates) return candidates.error();
    auto outcome = checkInOrder(*candidates, wanted - verified.size(), [&](const SearchHitInfo& c) {
      return open.indexers.at(c.store_id)->matches(c.message, query);
    });
    if (!outcome) return outcome.error();
    read += outcome->size();
    stopped_early = outcome->size() < candidates->size();
    examined = stopped_early ? positions[outcome->size() - 1] + 1 : end;
    for (std::size_t i = 0; i < outcome->size(); ++i) {
      if ((*outcome)[i]) verified.push_back(std::move((*candidates)[i]));
    }
  }
  results.messages_read = read;
  results.candidates_looked_at = examined;
  const auto estimate = static_cast<std::int64_t>(windows.matches().estimated);
  if (!stopped_early && examined >= mset->size() && (request.exhaustive || mset->size() < wanted + kMaxExamined)) {
    results.total = static_cast<std::int64_t>(verified.size());  // every candidate was looked at
  } else {
    results.total_is_estimate = true;
    results.total = std::max<std::int64_t>(
        static_cast<std::int64_t>(verified.size()),
        examined ? estimate * static_cast<std::int64_t>(verified.size()) / static_cast<std::int64_t>(examined) : 0);
  }
  for (std::size_t i = request.offset; i < verified.size() && results.hits.size() < request.limit; ++i) {
    results.hits.push_back(std::move(verified[i]));
  }
  return okStatus();
}

// Puts how long a search took into spe_search_duration_seconds when it ends
// (Web Access, IMAP SEARCH and the API's searches alike).
class SearchTimer {
 public:
  ~SearchTimer() {
    static auto& h = metrics::histogram("spe_search_duration_seconds",
                                        "How long searches of the archive took (Web Access, IMAP, API).", {},
                                        metrics::latencyBuckets());
    h.Observe(std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count());
  }

 private:
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
};

}  // namespace

Result<SearchResults> search(const std::vector<SearchSource>& sources, const SearchRequest& request) {
  SearchTimer timer;
  // The API and Web Access bound the page (api_index.cpp); IMAP SEARCH
  // asks for a whole mailbox.
  if (request.limit == 0) return makeError(ErrorCode::kInvalidArgument, "The page size must be at least 1.");
  SearchResults results;
  OpenIndexes open = openIndexes(sources, request.archives, results.warnings);
  auto lister = [&open](const std::string& prefix) {
    std::vector<std::string> terms;
    for (auto it = open.combined.allterms_begin(prefix);
         it != open.combined.allterms_end(prefix) && terms.size() < 10000; ++it) {
      terms.push_back(*it);
    }
    return terms;
  };
  // A folder without words lists the folder.
  const bool list_folder = !request.folder.empty() && blank(request.query);
  auto query = list_folder ? Result<CompiledQuery>(CompiledQuery{})
                           : compileQuery(request.query, lister, request.zone_offset_seconds, open.month_terms,
                                          open.legacy_terms > 0);
  if (!query) return query.error();
  if (open.shards.empty()) return results;

  if (!request.folder.empty()) {
    // The phrase check (query->exact) sees only candidates of this query.
    query->index = inFolder(list_folder ? Xapian::Query() : query->index, request);
  }
  SearchRequest page = request;
  if (page.exhaustive) {  // one page of every document
    page.offset = 0;
    page.limit = std::max<std::size_t>(open.combined.get_doccount(), 1);
  }
  ResultWindows windows(open, withoutDeadDocuments(query->index), page);
  SPE_TRY(query->needs_check ? checkedPage(windows, open, *query, page, results)
                             : indexedPage(windows, open, page, results));
  return results;
}

}  // namespace spe::index
