#include "instancehost/instance/access/web/web_conversation.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <numeric>
#include <tuple>

#include "common/base/logging.h"
#include "common/base/text.h"
#include "index/searcher.h"
#include "instancehost/instance/access/web/web_failure.h"
#include "instancehost/instance/access/web/web_folders.h"
#include "instancehost/instance/access/web/web_thread.h"
#include "instancehost/instance/api/search.h"
#include "instancehost/instance/model/readable_archives.h"

namespace spe::instance {
namespace {

Json answer(int status, Json body) { return webAnswer(status, std::move(body)); }
Json noSuchMessage() { return webFailure(404, "noSuchMessage", "There is no such message."); }

// The query for messages whose subject has the words of `subject`: each
// word in the subject field (characters the query language reads as
// wildcards or quotes left out).
std::string subjectQuery(const std::string& subject) {
  std::string query, word;
  auto flush = [&] {
    // A word of punctuation only ("-", "&") finds nothing and may not be
    // valid in the query language.
    const bool has_letters = std::any_of(word.begin(), word.end(), [](char c) {
      return std::isalnum(static_cast<unsigned char>(c)) || (static_cast<unsigned char>(c) & 0x80);
    });
    if (has_letters && word.front() != '-') query += (query.empty() ? "subject:" : " subject:") + word;
    word.clear();
  };
  for (const char c : subject) {
    if (std::isspace(static_cast<unsigned char>(c))) {
      flush();
    } else if (c != '"' && c != '*' && c != '?') {
      word += c;
    }
  }
  flush();
  return query;
}

struct Member {
  std::int64_t store_id = 0;
  store::MessageInfo info;
};

Json memberJson(const Member& m, bool current) {
  return Json{{"storeID", m.store_id},
              {"messageID", m.info.id},
              {"folder", m.info.folder},
              {"date", m.info.date},
              {"from", m.info.from},
              {"to", m.info.recipients},
              {"subject", m.info.subject},
              {"size", m.info.size},
              {"hasAttachments", m.info.has_attachments},
              {"sent", isSentFolder(m.info.folder)},
              {"current", current}};
}

}  // namespace

Result<Json> webConversation(InstanceContext& ctx, const std::string& user, const Json& body) {
  auto store_field = intField(body, "storeID", 0, 0, INT32_MAX);
  if (!store_field) return webFieldFailure("storeID", store_field.error());
  auto message_field = intField(body, "messageID", 0, 0, INT64_MAX);
  if (!message_field) return webFieldFailure("messageID", message_field.error());
  auto store = ctx.stores.loadedStore(*store_field);
  if (!store) return noSuchMessage();
  auto infos = (*store)->messagesById({*message_field});
  if (!infos) return infos.error();
  auto archives = readableArchives(ctx.users, user);
  if (!archives) return archives.error();
  if (infos->empty()) return noSuchMessage();
  const Member opened{*store_field, infos->front()};
  const std::string archive = store::archiveOf(opened.info.folder);
  if (*archives && std::none_of((*archives)->begin(), (*archives)->end(),
                                [&](const std::string& a) { return asciiLower(a) == asciiLower(archive); })) {
    return noSuchMessage();
  }
  std::vector<Member> members{opened};
  const std::string key = conversationSubject(opened.info.subject);
  const std::string query = subjectQuery(key);
  if (!query.empty()) {
    index::SearchRequest request;
    request.query = query;
    request.archives = std::vector<std::string>{archive};
    request.limit = kMaxConversationCandidates;
    std::vector<index::SearchSource> sources;
    for (const auto& [id, indexer] : ctx.stores.indexers()) sources.push_back({id, indexer});
    auto found = index::search(sources, request);
    if (!found) {
      // The message is still shown; only its conversation is missing.
      logger("web")->warn("The conversation of message {} of store {} could not be searched: {}", opened.info.id,
                          opened.store_id, found.error().message);
    } else {
      for (auto& h : found->hits) {
        if (h.store_id == opened.store_id && h.message.id == opened.info.id) continue;
        if (conversationSubject(h.message.subject) == key) members.push_back({h.store_id, std::move(h.message)});
      }
    }
  }
  // The headers that link messages are read from the messages themselves:
  // the opened one, then the others nearest to it in time, within a budget.
  // Those beyond it are judged by their subject alone (a reply joins).
  std::vector<std::size_t> order(members.size());
  std::iota(order.begin(), order.end(), 0);
  const auto distance = [&](std::size_t i) { return std::llabs(members[i].info.date - opened.info.date); };
  std::stable_sort(order.begin() + 1, order.end(),
                   [&](std::size_t a, std::size_t b) { return distance(a) < distance(b); });
  std::vector<ThreadHeaders> headers(members.size());
  std::int64_t bytes = 0;
  std::size_t reads = 0;
  for (const std::size_t i : order) {
    const auto& m = members[i];
    headers[i].subject = conversationSubject(m.info.subject);
    headers[i].reply = isReplySubject(m.info.subject);
    if (i != 0 && (reads >= kMaxConversationReads || bytes + m.info.size > kMaxConversationBytes)) continue;
    auto s = ctx.stores.loadedStore(m.store_id);
    if (!s) continue;
    auto raw = (*s)->readContent(m.info.content, m.info.id);
    if (!raw) continue;
    ++reads;
    bytes += m.info.size;
    headers[i] = threadHeaders(*raw, m.info.subject);
  }
  std::vector<const Member*> shown;
  for (const std::size_t i : conversationOf(headers, 0)) shown.push_back(&members[i]);
  std::sort(shown.begin(), shown.end(), [](const Member* a, const Member* b) {
    return std::tie(a->info.date, a->info.id) < std::tie(b->info.date, b->info.id);
  });
  Json out = Json::array();
  for (const Member* m : shown) out.push_back(memberJson(*m, m == &members.front()));
  return answer(200, Json{{"messages", out}});
}

}  // namespace spe::instance
