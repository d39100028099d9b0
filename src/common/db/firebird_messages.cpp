#include "common/db/firebird_messages.h"

#include <ibase.h>

#include <algorithm>
#include <cstring>
#include <stdexcept>
#include <string>

namespace spe::fbmsg {

namespace {

constexpr unsigned kUtf8 = 4;

// Text blobs: written and read in segments of at most this many bytes
// (a segment's length is 16 bits).
constexpr std::size_t kBlobSegment = 32768;

// Writes `text` into a new blob of `tra`; returns its id.
ISC_QUAD writeBlob(fb::ThrowStatusWrapper& st, fb::IAttachment* att, fb::ITransaction* tra, const std::string& text) {
  ISC_QUAD id{};
  fb::IBlob* blob = att->createBlob(&st, tra, &id, 0, nullptr);
  struct Guard {  // an unfinished blob is released (and dropped) on a throw
    fb::IBlob*& b;
    ~Guard() {
      if (b) b->release();
    }
  } guard{blob};
  for (std::size_t at = 0; at < text.size(); at += kBlobSegment) {
    const std::size_t n = std::min(kBlobSegment, text.size() - at);
    blob->putSegment(&st, static_cast<unsigned>(n), text.data() + at);
  }
  blob->close(&st);  // releases it
  blob = nullptr;
  return id;
}

// The whole content of the blob `id` of `tra`.
std::string readBlob(fb::ThrowStatusWrapper& st, fb::IAttachment* att, fb::ITransaction* tra, ISC_QUAD id) {
  fb::IBlob* blob = att->openBlob(&st, tra, &id, 0, nullptr);
  struct Guard {
    fb::IBlob*& b;
    ~Guard() {
      if (b) b->release();
    }
  } guard{blob};
  std::string out;
  std::vector<char> buf(kBlobSegment);
  for (;;) {
    unsigned got = 0;
    const int r = blob->getSegment(&st, static_cast<unsigned>(buf.size()), buf.data(), &got);
    if (r != fb::IStatus::RESULT_OK && r != fb::IStatus::RESULT_SEGMENT) break;  // RESULT_NO_DATA: the end
    out.append(buf.data(), got);
  }
  blob->close(&st);
  blob = nullptr;
  return out;
}

}  // namespace

// Input message layout: each parameter as BIGINT or VARCHAR, always
// nullable; text for a BLOB parameter stays a BLOB (its id). Throws
// std::invalid_argument when the statement expects another number of
// parameters. The caller releases the result.
fb::IMessageMetadata* inputMetadata(fb::ThrowStatusWrapper& st, fb::IStatement* stmt,
                                    const std::vector<DbValue>& params) {
  fb::IMessageMetadata* in_meta = stmt->getInputMetadata(&st);
  const unsigned in_count = in_meta->getCount(&st);
  if (in_count != params.size()) {
    in_meta->release();
    throw std::invalid_argument("statement expects " + std::to_string(in_count) + " parameters, got " +
                                std::to_string(params.size()));
  }
  fb::IMetadataBuilder* ib = in_meta->getBuilder(&st);
  std::vector<bool> blob(in_count);
  for (unsigned i = 0; i < in_count; ++i) blob[i] = (in_meta->getType(&st, i) & ~1u) == SQL_BLOB;
  in_meta->release();
  for (unsigned i = 0; i < in_count; ++i) {
    if (blob[i] && !std::holds_alternative<std::int64_t>(params[i])) {
      ib->setType(&st, i, SQL_BLOB + 1);  // text goes into a blob (inputMessage)
    } else if (std::holds_alternative<std::int64_t>(params[i])) {
      ib->setType(&st, i, SQL_INT64 + 1);
      ib->setLength(&st, i, sizeof(std::int64_t));
      ib->setScale(&st, i, 0);
    } else {
      const std::size_t len = std::holds_alternative<std::string>(params[i]) ? std::get<std::string>(params[i]).size()
                                                                             : 0;
      ib->setType(&st, i, SQL_VARYING + 1);
      ib->setLength(&st, i, static_cast<unsigned>(std::max<std::size_t>(len, 1)));
      ib->setCharSet(&st, i, kUtf8);
    }
  }
  fb::IMessageMetadata* in = ib->getMetadata(&st);
  ib->release();
  return in;
}

// The input message for `params` laid out as `in` says; text for a BLOB
// parameter is written to a new blob of `tra` first.
std::vector<unsigned char> inputMessage(fb::ThrowStatusWrapper& st, fb::IAttachment* att, fb::ITransaction* tra,
                                        fb::IMessageMetadata* in, const std::vector<DbValue>& params) {
  std::vector<unsigned char> in_buf(in->getMessageLength(&st));
  for (unsigned i = 0; i < params.size(); ++i) {
    unsigned char* p = in_buf.data() + in->getOffset(&st, i);
    auto* null_flag = reinterpret_cast<short*>(in_buf.data() + in->getNullOffset(&st, i));
    *null_flag = std::holds_alternative<std::monostate>(params[i]) ? -1 : 0;
    if (const auto* n = std::get_if<std::int64_t>(&params[i])) {
      std::memcpy(p, n, sizeof *n);
    } else if (const auto* s = std::get_if<std::string>(&params[i])) {
      if ((in->getType(&st, i) & ~1u) == SQL_BLOB) {
        const ISC_QUAD id = writeBlob(st, att, tra, *s);
        std::memcpy(p, &id, sizeof id);
      } else {
        const auto len = static_cast<std::uint16_t>(s->size());
        std::memcpy(p, &len, sizeof len);
        std::memcpy(p + sizeof len, s->data(), s->size());
      }
    }
  }
  return in_buf;
}

// Output message layout: integers as BIGINT, blobs as blob ids (decodeRow
// reads them), everything else as VARCHAR; nullptr when the statement
// returns no columns. The caller releases it.
fb::IMessageMetadata* outputMetadata(fb::ThrowStatusWrapper& st, fb::IStatement* stmt) {
  fb::IMessageMetadata* out_meta = stmt->getOutputMetadata(&st);
  const unsigned out_count = out_meta->getCount(&st);
  fb::IMessageMetadata* out = nullptr;
  if (out_count > 0) {
    fb::IMetadataBuilder* ob = out_meta->getBuilder(&st);
    for (unsigned i = 0; i < out_count; ++i) {
      const unsigned type = out_meta->getType(&st, i) & ~1u;
      if ((type == SQL_SHORT || type == SQL_LONG || type == SQL_INT64) && out_meta->getScale(&st, i) == 0) {
        ob->setType(&st, i, SQL_INT64 + 1);
        ob->setLength(&st, i, sizeof(std::int64_t));
      } else if (type == SQL_BLOB) {
        ob->setType(&st, i, SQL_BLOB + 1);
      } else {
        unsigned len = out_meta->getLength(&st, i);
        if (type != SQL_VARYING && type != SQL_TEXT) len = 64;
        ob->setType(&st, i, SQL_VARYING + 1);
        ob->setLength(&st, i, len);
      }
    }
    out = ob->getMetadata(&st);
    ob->release();
  }
  out_meta->release();
  return out;
}

// One fetched row of `out_count` columns, decoded from `out_buf` (blobs
// are read from `tra`).
DbRow decodeRow(fb::ThrowStatusWrapper& st, fb::IAttachment* att, fb::ITransaction* tra, fb::IMessageMetadata* out,
                unsigned out_count, const std::vector<unsigned char>& out_buf) {
  DbRow row;
  for (unsigned i = 0; i < out_count; ++i) {
    const unsigned char* p = out_buf.data() + out->getOffset(&st, i);
    const short null_flag = *reinterpret_cast<const short*>(out_buf.data() + out->getNullOffset(&st, i));
    if (null_flag) {
      row.emplace_back(std::monostate{});
    } else if ((out->getType(&st, i) & ~1u) == SQL_INT64) {
      std::int64_t n;
      std::memcpy(&n, p, sizeof n);
      row.emplace_back(n);
    } else if ((out->getType(&st, i) & ~1u) == SQL_BLOB) {
      ISC_QUAD id;
      std::memcpy(&id, p, sizeof id);
      row.emplace_back(readBlob(st, att, tra, id));
    } else {
      std::uint16_t len;
      std::memcpy(&len, p, sizeof len);
      row.emplace_back(std::string(reinterpret_cast<const char*>(p + sizeof len), len));
    }
  }
  return row;
}

}  // namespace spe::fbmsg
