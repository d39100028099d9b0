#include "instancehost/instance/access/web/web_api.h"

#include <algorithm>
#include <cstdlib>

#include "common/base/crypto.h"
#include "common/base/logging.h"
#include "common/base/text.h"
#include "common/mime/charset.h"
#include "common/mime/html_sanitize.h"
#include "common/mime/message_skeleton.h"
#include "common/mime/message_view.h"
#include "index/message_text.h"
#include "index/searcher.h"
#include "instancehost/instance/access/end_user_login.h"
#include "instancehost/instance/access/imap/mailboxes.h"
#include "instancehost/instance/access/web/web_audit.h"
#include "instancehost/instance/access/web/web_conversation.h"
#include "instancehost/instance/access/web/web_failure.h"
#include "instancehost/instance/access/web/web_folders.h"
#include "instancehost/instance/access/web/web_search.h"
#include "instancehost/instance/api/search.h"
#include "instancehost/instance/model/audit_events.h"
#include "instancehost/instance/model/compliance.h"
#include "instancehost/instance/model/readable_archives.h"

namespace spe::instance {
namespace {

Json answer(int status, Json body) { return webAnswer(status, std::move(body)); }

// The answer that announces a download; its bytes follow as the body.
Json fileAnswer(const std::string& name, const std::string& content_type, std::size_t size) {
  return Json{
      {"status", 200}, {"file", {{"name", name}, {"contentType", content_type}, {"size", size}}}, {"streamed", true}};
}

// A body read from the store as it is sent (a framed record a frame at a time).
WebApi::Body readerBody(store::ContentReader reader) {
  auto held = std::make_shared<store::ContentReader>(std::move(reader));
  return [held]() { return held->next(); };
}

// An attachment decoded as it is sent: the message is read again from the
// store a frame at a time and the attachment's encoded bytes are fed to its
// decoder, so no copy of the message stays while the download lasts.
WebApi::Body attachmentBody(store::ContentReader reader, const mime::AttachmentPlace& place) {
  struct State {
    store::ContentReader reader;
    std::uint64_t at = 0;  // bytes of the message read
    std::optional<Error> error;
  };
  auto st = std::make_shared<State>(State{std::move(reader), 0, std::nullopt});
  auto encoded = [st, begin = place.begin, end = place.end]() -> std::optional<std::string> {
    while (st->at < end) {
      auto piece = st->reader.next();
      if (!piece || !*piece) {
        st->error = piece ? makeError(ErrorCode::kIo, "The message ends before its attachment.") : piece.error();
        return std::nullopt;
      }
      const std::uint64_t from = st->at;
      st->at += (*piece)->size();
      if (st->at <= begin) continue;  // before the attachment
      const std::size_t lo = from < begin ? static_cast<std::size_t>(begin - from) : 0;
      const std::size_t hi = static_cast<std::size_t>(std::min<std::uint64_t>(st->at, end) - from);
      return (*piece)->substr(lo, hi - lo);
    }
    return std::nullopt;
  };
  auto next = mime::attachmentDecoder(place, std::move(encoded));
  return [st, next]() -> Result<std::optional<std::string>> {
    auto piece = next();
    if (!piece && st->error) return *st->error;
    return piece;
  };
}

// Messages bigger than this are walked as a skeleton (message_skeleton.h)
// read a frame at a time, not held whole to find an attachment.
constexpr std::int64_t kWholeWalkLimit = std::int64_t{8} << 20;

// Where attachment `index` is: a small message is read and walked whole; a
// big one is read a frame at a time into its skeleton (about 1 MiB whatever
// its size), and the attachment's decoded size is counted by decoding it
// once more as it will be sent.
Result<std::optional<mime::AttachmentPlace>> findAttachmentPlace(const store::ArchiveStore& store,
                                                                 const store::MessageInfo& info, std::size_t index) {
  if (info.size <= kWholeWalkLimit) {
    auto whole = store.readContent(info.content, info.id);
    if (!whole) return whole.error();
    return mime::messageAttachmentPlace(*whole, index);
  }
  auto reader = store.contentReader(info.content, info.id);
  if (!reader) return reader.error();
  mime::MessageSkeleton skeleton;
  for (;;) {
    auto piece = reader->next();
    if (!piece) return piece.error();
    if (!*piece) break;
    skeleton.add(**piece);
  }
  skeleton.finish();
  auto place = mime::skeletonAttachmentPlace(skeleton, index);
  if (!place) return place;
  auto again = store.contentReader(info.content, info.id);
  if (!again) return again.error();
  auto decoded = attachmentBody(std::move(*again), *place);
  for (;;) {
    auto piece = decoded();
    if (!piece) return piece.error();
    if (!*piece) break;
    place->info.size += (*piece)->size();
  }
  return place;
}

// GET attachment: the place of the attachment is found (findAttachmentPlace),
// then the attachment is decoded as it is sent (attachmentBody).
Result<Json> attachmentDownload(const store::ArchiveStore& store, const store::MessageInfo& info, const Json& body,
                                WebApi::Body& out) {
  auto index_field = intField(body, "index", -1, -1, INT32_MAX);
  if (!index_field) return webFieldFailure("index", index_field.error());
  if (*index_field < 0) return webFailure(404, "noSuchAttachment", "There is no such attachment.");
  auto place = findAttachmentPlace(store, info, static_cast<std::size_t>(*index_field));
  if (!place) return place.error();
  if (!*place) return webFailure(404, "noSuchAttachment", "There is no such attachment.");
  auto reader = store.contentReader(info.content, info.id);
  if (!reader) return reader.error();
  out = attachmentBody(std::move(*reader), **place);
  return fileAnswer((*place)->info.name, (*place)->info.content_type, (*place)->info.size);
}

Json noSuchMessage() { return webFailure(404, "noSuchMessage", "There is no such message."); }

// A refused login of `user` (checkEndUserLogin's error) as Web Access shows it.
Json loginRefusal(const Error& e, const std::string& user) {
  const int status = webStatusOf(e);
  switch (e.code) {
    case ErrorCode::kUnauthenticated: return webFailure(status, "wrongLogin", "The user name or password is wrong.");
    case ErrorCode::kResourceExhausted:  // its details are the seconds to wait
      return webFailure(status, "tooManyLogins", e.message,
                        Json{{"seconds", std::strtoll(e.details.c_str(), nullptr, 10)}});
    case ErrorCode::kPermissionDenied: return webFailure(status, "loginNotAllowed", e.message, Json{{"user", user}});
    case ErrorCode::kUnavailable:
      if (e.details == kLoginDirectoryDown) return webFailure(status, "directoryUnavailable", e.message);
      return webFailure(status, e.details == kLoginMaintenance ? "maintenance" : "serverBusy", e.message);
    default: return webFailureOf(e);
  }
}

// Bounds of the fields a browser sends (bytes).
constexpr std::size_t kMaxUserNameField = 1024;
constexpr std::size_t kMaxPasswordField = 1024;

}  // namespace

std::optional<WebApi::Session> WebApi::session(const std::string& t) {
  auto s = sessions_.lookup(t);
  if (!s) return std::nullopt;
  // A user or grant changed since this session looked: check it again (grants
  // themselves are read on every request).
  const std::int64_t seen = s->data.generation;
  if (auto valid = recheckEndUserSession(ctx_, s->data, "web", safe_mode_); !valid) {
    logger("web")->info("Web Access session of '{}' ended: {}", s->user, valid.error().message);
    sessions_.end(t);
    return std::nullopt;
  }
  if (s->data.generation != seen) sessions_.setGeneration(t, s->data.generation);
  return s;
}

std::string WebApi::createArchiveAdminPassword() { return sessions_.createOneTimePassword(); }

void WebApi::revokeArchiveAdminPasswords() {
  sessions_.revokeOneTimePasswords();
  sessions_.endAllOf(kArchiveAdmin);
}

Json WebApi::login(const Json& body, const std::string& client, const std::string& device) {
  auto one_time = stringField(body, "oneTimePassword", {}, kMaxPasswordField);
  if (!one_time) return webFieldFailure("oneTimePassword", one_time.error());
  if (!one_time->empty()) {
    if (!sessions_.useOneTimePassword(*one_time)) {  // single use, even when expired
      logger("web")->info("Web Access one-time login from {} refused", client);
      return webFailure(401, "oneTimeLinkInvalid",
                        "This one-time link is not valid (it was used already, or it is older than 5 minutes).");
    }
    // No archive admin session without its audit record (the link is used up:
    // the provider creates a new one).
    if (auto audited = ctx_.db.audit(kArchiveAdmin, "ArchiveAdminOneTimeLogin", "Web Access from " + client);
        !audited) {
      logger("web")->error("Web Access one-time login from {} refused: the audit record could not be written: {}",
                           client, audited.error().message);
      return webFailure(503, "loginNotRecorded",
                        "The login could not be recorded in the audit log; try again with a new link.");
    }
    EndUserLogin admin;
    admin.name = kArchiveAdmin;
    const auto created = sessions_.create(kArchiveAdmin, admin);
    logger("web")->info("Web Access login of {} (one-time password) from {}", kArchiveAdmin, client);
    Json out = answer(200, Json{{"userName", kArchiveAdmin}, {"csrfToken", created.csrf}});
    out["setSession"] = created.token;
    return out;
  }
  auto user_field = stringField(body, "userName", {}, kMaxUserNameField);
  if (!user_field) return webFieldFailure("userName", user_field.error());
  auto password_field = stringField(body, "password", {}, kMaxPasswordField);
  if (!password_field) return webFieldFailure("password", password_field.error());
  const std::string& user = *user_field;
  const std::string& password = *password_field;
  if (user.empty() || password.empty()) {
    return webFailure(400, "enterUserAndPassword", "Enter your user name and password.");
  }
  auto checked = checkEndUserLogin(ctx_, user, password, "web", safe_mode_, client);
  if (!checked) {
    logger("web")->info("Web Access login of '{}' from {} refused: {}", user, client, checked.error().message);
    return loginRefusal(checked.error(), user);
  }
  // Multi-factor login: a code (or the set-up) comes first (web_account.h).
  auto second = account_.secondStep(*checked, device);
  if (!second) return webFailureOf(second.error());
  if (*second) {
    logger("web")->info("Web Access login of '{}' from {}: password right, code asked", checked->name, client);
    return **second;
  }
  return account_.startSession(*checked, client, "");
}

Result<Json> WebApi::folders(const Session& s) {
  auto archives = readableArchives(ctx_.users, s.user);
  if (!archives) return archives.error();
  // The IMAP view's names ("Inbox", "Other Users/bob/Inbox"), and the tree
  // Web Access shows (web_folders.h).
  ImapUserView view(ctx_, s.user, *archives);
  auto boxes = view.mailboxes();
  if (!boxes) return boxes.error();
  Json out = Json::array();
  std::vector<std::string> paths;
  for (const auto& b : *boxes) {
    std::string name = b.name;
    if (name.rfind("INBOX", 0) == 0) name = "Inbox" + name.substr(5);
    out.push_back({{"name", name}, {"path", b.path}, {"hasChildren", b.has_children}});
    if (!b.path.empty()) paths.push_back(b.path);
  }
  const auto shown = shownArchives(*archives, paths, s.user);
  return answer(200, Json{{"folders", out}, {"archives", folderTree(shown, paths, s.user)}});
}

Result<Json> WebApi::search(const Session& s, const Json& body) { return webSearch(ctx_, s.user, body); }

Result<Json> WebApi::message(const Session& s, const Json& body, const std::string& op, Body& out) {
  auto store_field = intField(body, "storeID", 0, 0, INT32_MAX);
  if (!store_field) return webFieldFailure("storeID", store_field.error());
  auto message_field = intField(body, "messageID", 0, 0, INT64_MAX);
  if (!message_field) return webFieldFailure("messageID", message_field.error());
  const auto store_id = *store_field;
  const auto message_id = *message_field;
  auto store = ctx_.stores.loadedStore(store_id);
  if (!store) return noSuchMessage();
  auto infos = (*store)->messagesById({message_id});
  if (!infos) return infos.error();
  auto archives = readableArchives(ctx_.users, s.user);
  if (!archives) return archives.error();
  // The same answer whether the message does not exist or is not the user's to read.
  if (infos->empty()) return noSuchMessage();
  const auto& info = infos->front();
  const std::string archive = store::archiveOf(info.folder);
  if (*archives && std::none_of((*archives)->begin(), (*archives)->end(),
                                [&](const std::string& a) { return asciiLower(a) == asciiLower(archive); })) {
    logger("web")->warn("'{}' asked for message {} of store {}, which it may not read", s.user, message_id, store_id);
    return noSuchMessage();
  }
  if (op == "download") {  // read from the store piece by piece: any size in constant memory
    auto reader = (*store)->contentReader(info.content, info.id);
    if (!reader) return reader.error();
    const std::string name = info.subject.empty() ? "message" : info.subject.substr(0, 80);
    const auto size = reader->rawSize();
    out = readerBody(std::move(*reader));
    return fileAnswer(name + ".eml", "message/rfc822", size);
  }
  if (op == "attachment") return attachmentDownload(**store, info, body, out);
  auto raw = (*store)->readContent(info.content, info.id);
  if (!raw) return raw.error();
  const auto view = mime::viewMessage(*raw);
  // Remote images only when the user asks, each under a token the CAS fetches it by.
  std::size_t images = 0;  // one message shows at most kMaxPerMessage (it cannot flush everyone's links)
  const mime::RemoteImageRewrite through_cas = [this, &images](const std::string& url) {
    if (++images > RemoteImageLinks::kMaxPerMessage) return std::string();
    const std::string token = remote_images_.issue(url);
    return token.empty() ? std::string() : "api/remoteImage?token=" + token;
  };
  const bool show_remote = boolField(body, "remoteImages", false).value_or(false);
  const auto safe = view.html.empty() ? mime::SanitizedHtml{}
                                      : mime::sanitizeHtml(view.html, show_remote ? &through_cas : nullptr);
  Json attachments = Json::array();
  for (std::size_t i = 0; i < view.attachments.size(); ++i) {
    const auto& a = view.attachments[i];
    attachments.push_back(
        {{"index", i}, {"part", a.part}, {"name", a.name}, {"contentType", a.content_type}, {"size", a.size}});
  }
  // Invalid UTF-8 would break the JSON answer (read as Windows-1252 then).
  auto clean = [](const std::string& t) { return mime::textToUtf8(t.substr(0, 8u << 20)); };
  return answer(200, Json{{"storeID", store_id},
                          {"messageID", message_id},
                          {"folder", info.folder},
                          {"size", info.size},
                          {"subject", clean(view.subject)},
                          {"from", clean(view.from)},
                          {"to", clean(view.to)},
                          {"cc", clean(view.cc)},
                          {"date", view.date ? view.date : info.date},
                          {"text", clean(view.text)},
                          {"html", safe.html},
                          {"remoteContentRemoved", safe.removed_remote},
                          {"remoteImagesShown", safe.proxied_remote},
                          {"attachments", attachments}});
}

Result<WebApi::Reply> WebApi::handle(const Json& request) {
  Reply reply;
  auto answered = respond(request, reply.body);
  if (!answered) return answered.error();
  reply.answer = std::move(*answered);
  if (intField(reply.answer, "status", 500, 0, 999).value_or(500) != 200) reply.body = nullptr;
  return reply;
}

Result<Json> WebApi::respond(const Json& request, Body& out_body) {
  // The CAS writes op, session, csrf and clientAddress; the body is the browser's.
  const std::string op = stringOf(request, "op").value_or("");
  const std::string client = stringOf(request, "clientAddress").value_or("");
  const std::string session_token = stringOf(request, "session").value_or("");
  const auto body_it = request.is_object() ? request.find("body") : request.end();
  const Json body = body_it == request.end() || body_it->is_null() ? Json::object() : *body_it;
  if (!body.is_object()) return webFailure(400, "badRequestBody", "The request body must be a JSON object.");
  if (op == "login") return login(body, client, stringOf(request, "device").value_or(""));
  if (op == "loginMfa") return account_.unlock(body, client);
  if (op == "remoteImage") {  // the CAS asks what a token stands for; the token is the capability
    auto url = remote_images_.resolve(stringOf(body, "token").value_or(""));
    if (!url) return webFailure(404, "noSuchImage", "This image link is not valid (any more).");
    return answer(200, Json{{"url", *url}});
  }
  auto s = session(session_token);
  if (op == "session") {
    if (!s) return webFailure(401, "notLoggedIn", "Not logged in.");
    return answer(200, Json{{"userName", s->user}, {"csrfToken", s->csrf}});
  }
  if (!s) return webFailure(401, "sessionEnded", "Your session has ended; log in again.");
  if (!WebSessions::csrfMatches(*s, stringOf(request, "csrf").value_or(""))) {
    return webFailure(403, "csrfRefused", "The request was refused (CSRF check).");
  }
  if (op == "logout") {
    sessions_.end(session_token);
    if (s->user != kArchiveAdmin) auditLogin(ctx_, s->user, "SessionLogout", "Web Access from " + client, client);
    Json out = answer(200, Json::object());
    out["clearSession"] = true;
    return out;
  }
  if (isAuditOperation(op)) {
    // The instance's own audit log: its archive administrator's page only.
    if (s->user != kArchiveAdmin) {
      return webFailure(403, "auditArchiveAdminOnly", "Only the archive administrator can read the audit log.");
    }
    return webAudit(ctx_, op, body);
  }
  Result<Json> out = webFailure(404, "unknownOperation", "Unknown operation.");
  // $archiveadmin sees the folders; searching and reading only while admin
  // e-mail preview is on (docs/compliance.md "Admin e-mail preview"), and
  // never the Settings page or exports.
  const bool admin_reads = s->user == kArchiveAdmin && op != "folders";
  if (admin_reads) {
    const bool previewable = op == "search" || op == "thread" || op == "message" || op == "download" ||
                             op == "attachment";
    auto config = loadComplianceConfig(ctx_.db);
    if (!previewable || !config || !config->admin_email_preview_enabled) {
      return webFailure(403, "adminCannotRead",
                        previewable ? "The archive administrator manages this archive but cannot search or read "
                                      "messages while admin e-mail preview is off."
                                    : "The archive administrator manages this archive but cannot use this here.");
    }
  }
  if (WebAccount::isSettingsOperation(op)) out = account_.handle(op, session_token, s->user, body, client);
  else if (op == "folders") out = folders(*s);
  else if (op == "search") out = search(*s, body);
  else if (op == "thread") out = webConversation(ctx_, s->user, body);
  else if (op == "message" || op == "download" || op == "attachment") out = message(*s, body, op, out_body);
  else if (op == "export") {
    // The CAS says how long it waits (timeoutMs); past that nobody wants the answer.
    std::optional<std::chrono::milliseconds> budget;
    if (auto ms = intField(request, "timeoutMs", -1, -1, 3600000); ms && *ms >= 0)
      budget = std::chrono::milliseconds(*ms);
    out = exports_.prepare(
        s->user, body, [&](const Json& b, std::size_t max) { return webSearchMessages(ctx_, s->user, b, max); },
        budget);
  } else if (op == "exportDownload") out = exports_.download(s->user, body, out_body);
  else if (op == "restore") {
    const auto started = std::chrono::steady_clock::now();
    const auto budget = intField(request, "timeoutMs", -1, -1, 3600000).value_or(-1);
    const auto late = [&] {
      return budget >= 0 && std::chrono::steady_clock::now() - started >= std::chrono::milliseconds(budget);
    };
    out = restores_.start(
        s->user, body, [&](const Json& b, std::size_t max) { return webSearchMessages(ctx_, s->user, b, max); }, late,
        client);
  } else if (op == "restoreStatus") out = restores_.status(s->user, body);
  else if (op == "restoreCancel") out = restores_.cancel(s->user, body);
  if (out && out->value("status", 0) == 200 && admin_reads) {
    // Every opening (and every search, whose hits show snippets) is on the
    // record; without its record the content is not handed out.
    std::string details = op;
    if (op == "search") {
      // At most 200 bytes of each, cut before a UTF-8 sequence, not inside one.
      auto field = [&body](const char* key) {
        std::string v = stringField(body, key, {}).value_or("");
        if (v.size() > 200) {
          std::size_t n = 200;
          while (n > 0 && (static_cast<unsigned char>(v[n]) & 0xC0) == 0x80) --n;
          v.resize(n);
        }
        return v;
      };
      details += " query=\"" + field("query") + "\" folder=\"" + field("folder") + "\"";
    } else {
      details += " storeID=" + std::to_string(intField(body, "storeID", 0, 0, INT32_MAX).value_or(0)) +
                 " messageID=" + std::to_string(intField(body, "messageID", 0, 0, INT64_MAX).value_or(0));
      if (op == "attachment") {
        details += " index=" + std::to_string(intField(body, "index", 0, 0, INT32_MAX).value_or(0));
      }
    }
    details += " from " + client;
    if (auto audited = ctx_.db.audit(kArchiveAdmin, std::string(audit_events::kAdminEmailPreview), details); !audited) {
      logger("web")->error("audit record lost: {} {}: {}", kArchiveAdmin, details, audited.error().message);
      out_body = nullptr;
      return webFailure(503, "auditUnavailable", "The message was not opened: its audit record could not be written.");
    }
  }
  if (out && out->value("status", 0) == 200 && !admin_reads) {
    // End users' message access (docs/compliance.md "What is audited"): one
    // entry per opening, download, export and search; without its entry the
    // content is not handed out.
    const char* event = op == "message"      ? "MessageView"
                        : op == "download"   ? "MessageDownload"
                        : op == "attachment" ? "MessageAttachmentDownload"
                        : op == "export"     ? "MessageExport"
                        : op == "search"     ? "MessageSearch"
                                             : nullptr;
    if (event != nullptr) {
      audit::AuditEntry e;
      e.actor_kind = audit::ActorKind::kUser;
      e.actor = s->user;
      e.source = client;
      e.event = event;
      if (op == "search" || op == "export") {
        std::string query = stringField(body, "query", {}).value_or("");
        if (query.size() > 200) query.resize(200);  // the JSON writer escapes; the reader tolerates a cut sequence
        e.object = stringField(body, "folder", {}).value_or("");
        e.details = op == "export" ? "Web Access: " + std::to_string(out->value("count", 0)) + " messages"
                                   : "Web Access: query \"" + query + "\"";
      } else {
        e.object = "store " + std::to_string(intField(body, "storeID", 0, 0, INT32_MAX).value_or(0)) + " message " +
                   std::to_string(intField(body, "messageID", 0, 0, INT64_MAX).value_or(0));
        if (op == "attachment") {
          e.object += " attachment " + std::to_string(intField(body, "index", 0, 0, INT32_MAX).value_or(0));
        }
        e.details = "Web Access";
      }
      if (auto audited = ctx_.db.audit(e); !audited) {
        logger("web")->error("audit record lost: {} {} {}: {}", s->user, e.event, e.object, audited.error().message);
        out_body = nullptr;
        return webFailure(503, "auditUnavailable",
                          "The message was not opened: its audit record could not be written.");
      }
    }
  }
  if (!out) {
    logger("web")->error("Web Access '{}' for '{}' failed: {}", op, s->user, out.error().message);
    return webFailureOf(out.error());
  }
  return out;
}

}  // namespace spe::instance
