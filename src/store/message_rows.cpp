#include "store/message_rows.h"

namespace spe::store {

MessageInfo messageFromRow(const DbRow& r) {
  MessageInfo m;
  m.id = dbInt(r[0]);
  m.folder = dbStr(r[1]);
  m.sha256_hex = dbStr(r[2]);
  m.size = dbInt(r[3]);
  m.date = dbInt(r[4]);
  m.archived_at = dbInt(r[5]);
  m.subject = dbStr(r[6]);
  m.from = dbStr(r[7]);
  m.recipients = dbStr(r[8]);
  m.has_attachments = dbInt(r[9]) != 0;
  m.content = ContentRef{m.sha256_hex, dbInt(r[10]), dbInt(r[11]), dbInt(r[12])};
  return m;
}

const char* const kMessageColumns =
    "SELECT M.ID, F.PATH, C.SHA256, C.RAW_SIZE, C.MESSAGE_DATE, M.ARCHIVED_AT, C.SUBJECT, C.SENDER, C.RECIPIENTS, "
    "C.HAS_ATTACHMENTS, C.CONTAINER_NO, C.CONTAINER_OFFSET, C.RECORD_LENGTH FROM MESSAGES M "
    "JOIN FOLDERS F ON F.ID = M.FOLDER_ID "
    "JOIN CONTENTS C ON C.ID = M.CONTENT_ID ";

}  // namespace spe::store
