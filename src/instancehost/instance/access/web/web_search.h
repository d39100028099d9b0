// The Web Access "search" operation: the archives a user may read, searched
// with the query language (docs/search.md) and the fields of the search
// form, in one folder, a folder with its subfolders, all folders of an
// archive (its name as the folder) or every readable archive, sorted and
// paged.
//
// Request {query, from, to, subject, hasAttachment, after (on or after),
// until (on or before), before (before; the old form of until), folder, subfolders (default true), sort (date,
// relevance, sender, recipient, subject, size), ascending, offset, limit (1..200), zoneOffsetSeconds, snippets}. Answer
// {total, totalIsEstimate, hits, warnings, terms}: each hit as searchHitJson() gives it, plus `sent` (its folder holds
// sent mail: show the recipients) and, with `snippets` and words to look for, `snippet`: [{text, hit}] around the first
// place they are found in its body (web_snippet.h). `terms`: the words the list and the opened message mark. Thread
// safety: safe from any thread.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "common/base/json_reader.h"
#include "common/base/result.h"
#include "instancehost/instance/api/context.h"

namespace spe::instance {

// What the search form holds besides the query.
struct SearchForm {
  std::string query, from, to, subject;
  std::string after, until, before;  // "YYYY-MM-DD": on or after, on or before, before
  bool has_attachment = false;
};

// The query the form stands for, in the query language: the query as it
// is, then from:, to: and subject: for each word of those fields (the
// words anywhere in the field, in any order), has:attachment, and the dates
// (after:, before: the day after `until`, before:). Errors: a date that is
// not a valid YYYY-MM-DD, naming the field.
Result<std::string> composeQuery(const SearchForm& form);

// The answer ({status, body}) to a search request of `user`.
Result<Json> webSearch(InstanceContext& ctx, const std::string& user, const Json& body);

// Every message a search request finds (its page fields ignored): (store
// ID, message ID) pairs in the request's order, from one search. Errors:
// kInvalidArgument for a request the search op refuses, or when it finds
// more than `max` messages.
Result<std::vector<std::pair<std::int64_t, std::int64_t>>> webSearchMessages(InstanceContext& ctx,
                                                                             const std::string& user, Json body,
                                                                             std::size_t max);

}  // namespace spe::instance
