#include "instancehost/instance/access/web/web_export.h"

#include <algorithm>
#include <ctime>

#include "common/base/crypto.h"
#include "common/base/logging.h"
#include "common/base/text.h"
#include "instancehost/instance/access/web/web_failure.h"
#include "instancehost/instance/export/export_writers.h"
#include "instancehost/instance/model/readable_archives.h"

namespace spe::instance {
namespace {

Json answer(int status, Json body) { return webAnswer(status, std::move(body)); }

std::string exportName(const std::string& extension) {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char day[16];
  std::strftime(day, sizeof day, "%Y-%m-%d", &tm);
  return std::string("archive-export-") + day + "." + extension;
}

// The state of one download: the message being written (read from its
// store a frame at a time, so any message goes in constant memory), the
// next one, and the writer.
struct Producer {
  InstanceContext& ctx;
  std::vector<WebMessageRef> items;
  std::optional<std::vector<std::string>> archives;
  std::unique_ptr<ExportWriter> writer;
  std::size_t next = 0;
  std::vector<std::string> left_out;
  std::optional<store::ContentReader> current;
  bool finished = false;

  // The next bytes of the export, nullopt after the end.
  Result<std::optional<std::string>> operator()() {
    std::string out;
    while (out.empty() && !finished) {
      if (current) {
        SPE_TRY(continueEntry(out));
      } else if (next < items.size()) {
        const WebMessageRef item = items[next++];
        SPE_TRY(startEntry(item, next, out));
      } else {
        SPE_TRY(finish(out));
      }
    }
    if (out.empty()) return std::optional<std::string>();
    return std::optional<std::string>(std::move(out));
  }

  Status startEntry(const WebMessageRef& item, std::size_t number, std::string& out) {
    const std::string which = "store " + std::to_string(item.store_id) + ", message " + std::to_string(item.message_id);
    auto store = ctx.stores.loadedStore(item.store_id);
    if (!store) {
      left_out.push_back(which);
      return okStatus();
    }
    auto infos = (*store)->messagesById({item.message_id});
    if (!infos) return infos.error();
    if (infos->empty() || !webReadable(archives, infos->front().folder)) {
      left_out.push_back(which);
      return okStatus();
    }
    const auto& info = infos->front();
    auto reader = (*store)->contentReader(info.content, info.id);
    if (!reader) return reader.error();
    SPE_TRY(writer->begin(exportEntryName(info.folder, number, info.subject), info.date, reader->rawSize(), out));
    current.emplace(std::move(*reader));
    return okStatus();
  }

  Status continueEntry(std::string& out) {
    auto piece = current->next();
    if (!piece) return piece.error();
    if (*piece) return writer->write(**piece, out);
    current.reset();
    return writer->end(out);
  }

  Status finish(std::string& out) {
    finished = true;
    if (!left_out.empty() && writer->extension() == "zip") {
      std::string report =
          "These messages were left out: they were deleted, or you may no longer read them, since "
          "the export was prepared.\r\n";
      for (const auto& l : left_out) report += l + "\r\n";
      SPE_TRY(writer->add("export-report.txt", std::time(nullptr), report, out));
    }
    return writer->finish(out);
  }
};

}  // namespace

Result<Json> WebExports::prepare(const std::string& user, const Json& body, const WebSearchAll& search,
                                 std::optional<std::chrono::milliseconds> budget) {
  const auto deadline = budget ? std::optional(clock_.now() + *budget) : std::nullopt;
  const std::string format = stringOf(body, "format").value_or("");
  if (format != "zip" && format != "mbox") {
    return webFailure(400, "badField", "'format' must be zip or mbox.", Json{{"field", "format"}});
  }
  const auto late = [&] { return deadline && clock_.now() >= *deadline; };
  auto items = webSelection(ctx_, user, body, search, late);
  if (!items) return webSelectionFailure(items.error());
  const std::string id = toHex(randomBytes(16));
  const std::size_t count = items->size();
  {
    std::lock_guard lock(mutex_);
    dropExpired();
    const auto mine = std::count_if(pending_.begin(), pending_.end(),
                                    [&](const auto& p) { return p.second.user == user; });
    if (static_cast<std::size_t>(mine) >= kPerUser || pending_.size() >= kTotal) {
      // The oldest of this user's exports goes first.
      auto oldest = pending_.end();
      for (auto it = pending_.begin(); it != pending_.end(); ++it) {
        if (it->second.user == user && (oldest == pending_.end() || it->second.created < oldest->second.created)) {
          oldest = it;
        }
      }
      if (oldest == pending_.end()) {
        return webFailure(429, "tooManyExports", "Too many exports are being prepared; try again later.");
      }
      pending_.erase(oldest);
    }
    pending_[id] = Pending{user, format, std::move(*items), clock_.now()};
  }
  logger("web")->info("Web Access export of {} messages ({}) prepared for '{}'", count, format, user);
  return answer(200, Json{{"exportID", id}, {"count", count}, {"name", exportName(format)}});
}

Result<Json> WebExports::download(const std::string& user, const Json& body, Body& out) {
  const std::string id = stringOf(body, "exportID").value_or("");
  Pending pending;
  {
    std::lock_guard lock(mutex_);
    dropExpired();
    auto it = pending_.find(id);
    if (it == pending_.end() || it->second.user != user) {
      return webFailure(404, "noSuchExport", "This export is not there (any more): prepare it again.");
    }
    pending = it->second;  // a copy: the export may be downloaded again
  }
  auto archives = readableArchives(ctx_.users, user);
  if (!archives) return archives.error();
  auto producer = std::make_shared<Producer>(Producer{ctx_,
                                                      std::move(pending.items),
                                                      std::move(*archives),
                                                      pending.format == "zip" ? makeZipWriter() : makeMboxWriter(),
                                                      0,
                                                      {},
                                                      std::nullopt,
                                                      false});
  const std::string name = exportName(producer->writer->extension());
  const std::string type = producer->writer->contentType();
  out = [producer] { return (*producer)(); };
  return Json{{"status", 200}, {"file", {{"name", name}, {"contentType", type}}}, {"streamed", true}};
}

void WebExports::dropExpired() {
  const auto now = clock_.now();
  for (auto it = pending_.begin(); it != pending_.end();) {
    it = now - it->second.created > kLifetime ? pending_.erase(it) : std::next(it);
  }
}

}  // namespace spe::instance
