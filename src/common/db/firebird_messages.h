// Firebird message buffers for FirebirdDb: how statement parameters are laid
// out and written (text into BLOB parameters included) and how fetched rows
// are decoded (BLOB columns read whole). Internal to spe_db; every function
// throws Firebird::FbException on an engine error, as the OO API does.
#pragma once

#include <firebird/Interface.h>

#include <vector>

#include "common/db/firebird_db.h"

namespace spe::fbmsg {

namespace fb = Firebird;

// Input message layout: each parameter as BIGINT or VARCHAR, always
// nullable; text for a BLOB parameter stays a BLOB (its id). Throws
// std::invalid_argument when the statement expects another number of
// parameters. The caller releases the result.
fb::IMessageMetadata* inputMetadata(fb::ThrowStatusWrapper& st, fb::IStatement* stmt,
                                    const std::vector<DbValue>& params);

// The input message for `params` laid out as `in` says; text for a BLOB
// parameter is written to a new blob of `tra` first.
std::vector<unsigned char> inputMessage(fb::ThrowStatusWrapper& st, fb::IAttachment* att, fb::ITransaction* tra,
                                        fb::IMessageMetadata* in, const std::vector<DbValue>& params);

// Output message layout: integers as BIGINT, blobs as blob ids (decodeRow
// reads them), everything else as VARCHAR; nullptr when the statement
// returns no columns. The caller releases it.
fb::IMessageMetadata* outputMetadata(fb::ThrowStatusWrapper& st, fb::IStatement* stmt);

// One fetched row of `out_count` columns, decoded from `out_buf` (blobs
// are read from `tra`).
DbRow decodeRow(fb::ThrowStatusWrapper& st, fb::IAttachment* att, fb::ITransaction* tra, fb::IMessageMetadata* out,
                unsigned out_count, const std::vector<unsigned char>& out_buf);

}  // namespace spe::fbmsg
