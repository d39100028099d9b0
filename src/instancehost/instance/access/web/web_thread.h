// Conversations in Web Access: which messages belong to the thread of one.
//
// Messages are linked by their headers first: one names another's
// Message-ID in its References or In-Reply-To. Where that information is
// missing (a reply without References and In-Reply-To, as some clients and
// gateways send), by subject: a reply ("Re: x", "AW: x") links to the
// messages with the same subject once "Re:", "Fwd:" and their translations
// and list tags ("[team]") are taken off. The conversation of a message is
// everything linked to it, directly or through others. Messages that are no
// replies are not linked by subject alone ("Weekly meeting" of every week
// starts its own conversation).
//
// The candidates come from the caller (web_message.cpp: the messages of the
// archive whose subject has the same words, found by the index): a reply
// whose subject was changed completely is not among them.
// Thread safety: pure functions.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace spe::instance {

// `subject` without reply and forward prefixes ("Re:", "RE[2]:", "Fwd:",
// "Fw:", "AW:", "WG:", "SV:", "VS:", "Antw:", "TR:", "RV:", "Enc:") and list
// tags in brackets, repeated, lower case, white space collapsed.
std::string conversationSubject(std::string_view subject);

struct ThreadHeaders {
  std::string message_id;               // "<a@b>", empty when absent
  std::vector<std::string> references;  // References then In-Reply-To, "<...>" each
  std::string subject;                  // conversationSubject()
  bool reply = false;                   // isReplySubject()
};

// True when `subject` starts with a reply or forward prefix (after list tags).
bool isReplySubject(std::string_view subject);

// The headers of the raw message that link it (Message-ID, References,
// In-Reply-To); `subject` is the decoded subject.
ThreadHeaders threadHeaders(std::string_view raw, std::string_view subject);

// The indexes of `messages` in the conversation of messages[opened]
// (opened included), ascending.
std::vector<std::size_t> conversationOf(const std::vector<ThreadHeaders>& messages, std::size_t opened);

}  // namespace spe::instance
