#include "instancehost/instance/access/web/web_search.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <map>
#include <memory>

#include "common/base/text.h"
#include "common/mime/html_text.h"
#include "common/mime/message_view.h"
#include "index/searcher.h"
#include "instancehost/instance/access/web/web_failure.h"
#include "instancehost/instance/access/web/web_folders.h"
#include "instancehost/instance/access/web/web_snippet.h"
#include "instancehost/instance/api/search.h"
#include "instancehost/instance/model/readable_archives.h"

namespace spe::instance {
namespace {

Json answer(int status, Json body) { return webAnswer(status, std::move(body)); }

// Bounds of the fields a browser sends (bytes).
constexpr std::size_t kMaxQueryField = 4096;
constexpr std::size_t kMaxFormField = 1024;
constexpr std::int64_t kMaxPage = 200;
// A snippet reads its message: one larger than this is listed without one,
// and of the others the first part is read (the text comes first).
constexpr std::int64_t kMaxSnippetMessage = 32 << 20;
constexpr std::size_t kSnippetBytes = 1 << 20;

// A day "YYYY-MM-DD" that exists.
std::optional<std::chrono::year_month_day> parseDay(const std::string& s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
  for (std::size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (!std::isdigit(static_cast<unsigned char>(s[i]))) return std::nullopt;
  }
  const std::chrono::year_month_day day{std::chrono::year(std::stoi(s.substr(0, 4))),
                                        std::chrono::month(static_cast<unsigned>(std::stoi(s.substr(5, 2)))),
                                        std::chrono::day(static_cast<unsigned>(std::stoi(s.substr(8, 2))))};
  if (!day.ok()) return std::nullopt;
  return day;
}

std::string formatDay(const std::chrono::year_month_day& d) {
  char out[16];
  std::snprintf(out, sizeof out, "%04d-%02u-%02u", static_cast<int>(d.year()), static_cast<unsigned>(d.month()),
                static_cast<unsigned>(d.day()));
  return out;
}

// `field:word` for each word of a form field (quotes dropped: a field is
// words, not the query language).
void addFieldWords(std::string& query, const char* field, const std::string& value) {
  std::string word;
  auto flush = [&] {
    if (!word.empty()) query += std::string(query.empty() ? "" : " ") + field + ":" + word;
    word.clear();
  };
  for (const char c : value) {
    if (std::isspace(static_cast<unsigned char>(c)) || c == '"') {
      flush();
    } else {
      word += c;
    }
  }
  flush();
}

bool sameArchive(const std::string& a, const std::string& b) { return asciiLower(a) == asciiLower(b); }

// The snippet of a hit's body around the first term, or nullopt when its
// message cannot be read (it is listed without one).
std::optional<Json> snippetOf(InstanceContext& ctx, const index::SearchHitInfo& hit,
                              const std::vector<std::string>& terms,
                              std::map<std::int64_t, std::shared_ptr<store::ArchiveStore>>& stores) {
  if (hit.message.size > kMaxSnippetMessage) return std::nullopt;
  auto& store = stores[hit.store_id];
  if (!store) {
    auto loaded = ctx.stores.loadedStore(hit.store_id);
    if (!loaded) return std::nullopt;
    store = *loaded;
  }
  auto raw = store->readContent(hit.message.content, hit.message.id);
  if (!raw) return std::nullopt;
  const auto view = mime::viewMessage(std::string_view(*raw).substr(0, kSnippetBytes));
  const std::string text = view.text.empty() ? mime::htmlToText(view.html) : view.text;
  Json pieces = Json::array();
  for (const auto& p : snippetAround(text, terms)) pieces.push_back({{"text", p.text}, {"hit", p.hit}});
  return pieces;
}

}  // namespace

Result<std::string> composeQuery(const SearchForm& form) {
  std::string query = form.query;
  addFieldWords(query, "from", form.from);
  addFieldWords(query, "to", form.to);
  addFieldWords(query, "subject", form.subject);
  auto add = [&query](const std::string& term) { query += (query.empty() ? "" : " ") + term; };
  if (form.has_attachment) add("has:attachment");
  for (const auto& [name, value] : {std::pair<const char*, const std::string&>{"after", form.after},
                                    {"until", form.until},
                                    {"before", form.before}}) {
    if (value.empty()) continue;
    const auto day = parseDay(value);
    if (!day)
      return makeError(ErrorCode::kInvalidArgument, "'" + std::string(name) + "' must be a date like 2024-01-31.",
                       name);
    if (std::string(name) == "until") {
      add("before:" + formatDay(std::chrono::year_month_day(std::chrono::sys_days(*day) + std::chrono::days(1))));
    } else {
      add(std::string(name) + ":" + value);
    }
  }
  return query;
}

namespace {

// What a search body asks for: the request (page size up to `max_page`),
// the composed query and whether snippets are wanted; or `answer`, the
// answer already decided (a refusal, or nothing to show).
struct PreparedSearch {
  index::SearchRequest request;
  std::string query;
  bool snippets = false;
  std::optional<Json> answer;
};

// `out` with the answer already decided.
PreparedSearch refused(PreparedSearch& out, Json decided) {
  out.answer = std::move(decided);
  return std::move(out);
}

Result<PreparedSearch> prepareSearch(InstanceContext& ctx, const std::string& user, const Json& body,
                                     std::int64_t max_page) {
  PreparedSearch out;
  SearchForm form;
  std::string folder;
  for (const auto& [key, field_out, limit] :
       {std::tuple<const char*, std::string*, std::size_t>{"query", &form.query, kMaxQueryField},
        {"from", &form.from, kMaxFormField},
        {"to", &form.to, kMaxFormField},
        {"subject", &form.subject, kMaxFormField},
        {"after", &form.after, 10},
        {"until", &form.until, 10},
        {"before", &form.before, 10},
        {"folder", &folder, kMaxQueryField}}) {
    auto field = stringField(body, key, {}, limit);
    if (!field) return refused(out, webFieldFailure(key, field.error()));
    *field_out = std::move(*field);
  }
  auto has_attachment = boolField(body, "hasAttachment", false);
  auto subfolders = boolField(body, "subfolders", true);
  auto snippets = boolField(body, "snippets", false);
  for (const auto& [key, f] : {std::pair<const char*, const Result<bool>*>{"hasAttachment", &has_attachment},
                               {"subfolders", &subfolders},
                               {"snippets", &snippets}}) {
    if (!*f) return refused(out, webFieldFailure(key, f->error()));
  }
  form.has_attachment = *has_attachment;
  out.snippets = *snippets;
  auto query = composeQuery(form);
  if (!query) {  // a date of the form: its field is in the details
    return refused(out, webFailure(400, "badDate", query.error().message, Json{{"field", query.error().details}}));
  }
  out.query = *query;
  index::SearchRequest& request = out.request;
  if (auto page = readSearchPage(body, max_page, request); !page)
    return refused(out, webFailure(400, "badRequest", page.error().message));
  while (!folder.empty() && folder.back() == '/') folder.pop_back();
  if (folder.empty() && query->find_first_not_of(' ') == std::string::npos) {
    return refused(out, webFailure(400, "searchEmpty", "Enter search words or choose a folder."));
  }
  auto archives = readableArchives(ctx.users, user);
  if (!archives) return archives.error();
  request.query = *query;
  request.archives = *archives;
  if (!folder.empty()) {
    // Only the folder's archive is opened; one the user may not read has
    // nothing to show (the same answer as an empty folder).
    const std::string archive = folder.substr(0, folder.find('/'));
    if (*archives) {
      auto it = std::find_if((*archives)->begin(), (*archives)->end(),
                             [&](const std::string& a) { return sameArchive(a, archive); });
      if (it == (*archives)->end()) {
        return refused(out, answer(200, Json{{"total", 0},
                                             {"totalIsEstimate", false},
                                             {"hits", Json::array()},
                                             {"warnings", Json::array()},
                                             {"terms", Json::array()}}));
      }
      request.archives = std::vector<std::string>{*it};
    } else {
      request.archives = std::vector<std::string>{archive};
    }
    request.folder = folder;
    request.subfolders = *subfolders;
  }
  return out;
}

// A search the index refused as not valid (kInvalidArgument): mostly the
// query language's complaint, "The query is not valid: ..." in English, whose
// part after the colon is the `detail` param; its reason and the values it
// names (the error's details, query_language.cpp) are params too, for Web
// Access to say it in the user's language.
Json queryRefusal(const Error& e) {
  const std::string prefix = "The query is not valid: ";
  const std::string detail = e.message.rfind(prefix, 0) == 0 ? e.message.substr(prefix.size()) : e.message;
  Json params = Json::object();
  if (auto why = parseJson(e.details.empty() ? std::string("{}") : e.details, "details"); why && why->is_object()) {
    for (const auto& [k, v] : why->items()) {
      if (v.is_string()) params[k] = v;
    }
  }
  params["detail"] = detail;
  return webFailure(400, "badQuery", e.message, params);
}

Result<index::SearchResults> run(InstanceContext& ctx, const index::SearchRequest& request) {
  std::vector<index::SearchSource> sources;
  for (const auto& [id, indexer] : ctx.stores.indexers()) sources.push_back({id, indexer});
  return index::search(sources, request);
}

}  // namespace

Result<Json> webSearch(InstanceContext& ctx, const std::string& user, const Json& body) {
  auto prepared = prepareSearch(ctx, user, body, kMaxPage);
  if (!prepared) return prepared.error();
  if (prepared->answer) return std::move(*prepared->answer);
  auto results = run(ctx, prepared->request);
  if (!results) {
    if (results.error().code == ErrorCode::kInvalidArgument) return queryRefusal(results.error());
    return results.error();
  }
  const auto terms = highlightTerms(prepared->query);
  std::map<std::int64_t, std::shared_ptr<store::ArchiveStore>> stores;
  Json hits = Json::array();
  for (const auto& h : results->hits) {
    Json hit = searchHitJson(h);
    hit["sent"] = isSentFolder(h.message.folder);
    if (prepared->snippets && !terms.empty()) {
      if (auto snippet = snippetOf(ctx, h, terms, stores)) hit["snippet"] = std::move(*snippet);
    }
    hits.push_back(std::move(hit));
  }
  return answer(200, Json{{"total", results->total},
                          {"totalIsEstimate", results->total_is_estimate},
                          {"hits", hits},
                          {"warnings", results->warnings},
                          {"terms", terms}});
}

Result<std::vector<std::pair<std::int64_t, std::int64_t>>> webSearchMessages(InstanceContext& ctx,
                                                                             const std::string& user, Json body,
                                                                             std::size_t max) {
  body["offset"] = 0;
  body["limit"] = static_cast<std::int64_t>(max) + 1;
  body["snippets"] = false;
  auto prepared = prepareSearch(ctx, user, body, static_cast<std::int64_t>(max) + 1);
  if (!prepared) return prepared.error();
  if (prepared->answer) {
    const Json& refusal = *prepared->answer;
    if (intField(refusal, "status", 500, 0, 999).value_or(500) == 200) return {};  // nothing to show
    return webRefusalError(ErrorCode::kInvalidArgument, refusal);
  }
  auto results = run(ctx, prepared->request);
  if (!results) {
    if (results.error().code != ErrorCode::kInvalidArgument) return results.error();
    return webRefusalError(ErrorCode::kInvalidArgument, queryRefusal(results.error()));
  }
  if (results->hits.size() > max) {
    return webRefusalError(ErrorCode::kInvalidArgument, webFailure(400, "exportTooMany",
                                                                   "The search finds more than " + std::to_string(max) +
                                                                       " messages; narrow it down.",
                                                                   Json{{"max", max}}));
  }
  std::vector<std::pair<std::int64_t, std::int64_t>> out;
  out.reserve(results->hits.size());
  for (const auto& h : results->hits) out.emplace_back(h.store_id, h.message.id);
  return out;
}

}  // namespace spe::instance
