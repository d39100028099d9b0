// The Web Access "thread" operation: the conversation of a message
// (web_thread.h) among the messages of its archive.
//
// Request {storeID, messageID}; answer {messages: [{storeID, messageID,
// folder, date, from, to, subject, size, hasAttachments, sent, current}]},
// oldest first, the asked message marked `current`; 404 as the message
// operation answers for a message that does not exist or that the user may
// not read. Candidates are the messages of the same archive whose subject
// holds the same words (found by the index, the newest
// kMaxConversationCandidates), of which those with the same subject are read
// for the headers that link them: nearest in time first, at most
// kMaxConversationReads of them and kMaxConversationBytes together (the store
// reads whole messages); the rest are judged by their subject (a reply
// joins, web_thread.h).
// Thread safety: safe from any thread.
#pragma once

#include <cstdint>
#include <string>

#include "common/base/json_reader.h"
#include "common/base/result.h"
#include "instancehost/instance/api/context.h"

namespace spe::instance {

inline constexpr std::size_t kMaxConversationCandidates = 200;
inline constexpr std::size_t kMaxConversationReads = 100;
inline constexpr std::int64_t kMaxConversationBytes = 64 << 20;

Result<Json> webConversation(InstanceContext& ctx, const std::string& user, const Json& body);

}  // namespace spe::instance
