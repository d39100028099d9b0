// The listing columns of a message (MESSAGES joined with FOLDERS and
// CONTENTS) and their reading into MessageInfo, shared by the store's
// queries.
#pragma once

#include "common/db/firebird_db.h"
#include "store/archive_store.h"

namespace spe::store {

// "SELECT <columns> FROM MESSAGES M JOIN FOLDERS F … JOIN CONTENTS C … "
extern const char* const kMessageColumns;
MessageInfo messageFromRow(const DbRow& r);

}  // namespace spe::store
