#include "common/mapi/msg_reader.h"

#include <gsf/gsf-infile-msole.h>
#include <gsf/gsf-infile.h>
#include <gsf/gsf-input-memory.h>
#include <gsf/gsf-input-stdio.h>
#include <gsf/gsf-utils.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <vector>

namespace spe::mapi {

namespace {

void initGsf() {
  static std::once_flag once;
  std::call_once(once, [] {
    gsf_init();
    // libgsf reports a damaged compound file with g_critical/g_warning
    // before it fails the read; the failure reaches the import as an error
    // of that file, so these messages would only repeat it on stderr.
    for (const char* domain : {"libgsf", "libgsf:msole"}) {
      g_log_set_handler(
          domain, static_cast<GLogLevelFlags>(G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING),
          [](const gchar*, GLogLevelFlags, const gchar*, gpointer) {}, nullptr);
    }
  });
}

struct Unref {
  void operator()(void* p) const {
    if (p) g_object_unref(p);
  }
};
using InputPtr = std::unique_ptr<GsfInput, Unref>;

bool isStorage(GsfInput* child) { return GSF_IS_INFILE(child) && gsf_infile_num_children(GSF_INFILE(child)) >= 0; }

std::uint32_t le32(const std::string& b, std::size_t at) {
  std::uint32_t v = 0;
  for (int i = 3; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(b[at + static_cast<std::size_t>(i)]);
  return v;
}

bool fixedSize(std::uint16_t type) {
  switch (type) {
    case 0x0002:
    case 0x0003:
    case 0x0004:
    case 0x0005:
    case 0x0006:
    case 0x0007:
    case 0x000A:
    case 0x000B:
    case 0x0014:
    case 0x0040: return true;
    default: return false;
  }
}

class MsgReader {
 public:
  explicit MsgReader(std::size_t max_bytes) : max_bytes_(max_bytes) {}

  Result<std::string> readStream(GsfInput* in, const std::string& name) {
    const gsf_off_t size = gsf_input_size(in);
    if (size < 0) return makeError(ErrorCode::kCorrupt, "The stream '" + name + "' cannot be read.");
    if (static_cast<std::size_t>(size) > max_bytes_ - std::min(max_bytes_, total_)) {
      return makeError(ErrorCode::kResourceExhausted,
                       "The message is larger than " + std::to_string(max_bytes_ >> 20) + " MB.");
    }
    total_ += static_cast<std::size_t>(size);
    std::string out(static_cast<std::size_t>(size), '\0');
    if (size > 0 && !gsf_input_read(in, static_cast<std::size_t>(size), reinterpret_cast<guint8*>(out.data()))) {
      return makeError(ErrorCode::kCorrupt, "The stream '" + name + "' is cut short.");
    }
    return out;
  }

  // The properties of one storage: variable-size values from their
  // streams, fixed-size ones from the property stream (after `header` bytes).
  Result<MapiProperties> properties(GsfInfile* storage, std::size_t header) {
    MapiProperties props;
    bool have_stream = false;
    const int n = gsf_infile_num_children(storage);
    for (int i = 0; i < n; ++i) {
      const char* cname = gsf_infile_name_by_index(storage, i);
      if (!cname) continue;
      const std::string name = cname;
      if (name == "__properties_version1.0") {
        InputPtr in(gsf_infile_child_by_index(storage, i));
        if (!in) continue;
        auto data = readStream(in.get(), name);
        if (!data) return data.error();
        have_stream = true;
        for (std::size_t at = header; at + 16 <= data->size(); at += 16) {
          const std::uint32_t t = le32(*data, at);
          const auto type = static_cast<std::uint16_t>(t & 0xFFFF);
          if (!fixedSize(type)) continue;
          props.values[t] = data->substr(at + 8, 8);
        }
        continue;
      }
      if (name.size() != 20 || name.rfind("__substg1.0_", 0) != 0) continue;
      char* end = nullptr;
      const std::uint32_t t = static_cast<std::uint32_t>(std::strtoul(name.c_str() + 12, &end, 16));
      if (end != name.c_str() + 20) continue;
      const auto type = static_cast<std::uint16_t>(t & 0xFFFF);
      if ((type & 0x1000) != 0 || type == kTypeObject) continue;  // multi-valued; embedded storages
      InputPtr in(gsf_infile_child_by_index(storage, i));
      if (!in || isStorage(in.get())) continue;
      auto data = readStream(in.get(), name);
      if (!data) return data.error();
      props.values[t] = std::move(*data);
    }
    if (!have_stream) {
      return makeError(ErrorCode::kCorrupt,
                       "It is no Outlook message: the property stream '__properties_version1.0' "
                       "is missing.");
    }
    return props;
  }

  Result<MapiMessage> message(GsfInfile* storage, int depth) {
    if (depth > kMaxMsgDepth) {
      return makeError(ErrorCode::kCorrupt,
                       "Attached messages are nested more than " + std::to_string(kMaxMsgDepth) + " levels deep.");
    }
    auto props = properties(storage, depth == 0 ? 32 : 24);
    if (!props) return props.error();
    int cp = props->int32(prop::kInternetCodepage).value_or(0);
    if (cp <= 0) cp = props->int32(prop::kMessageCodepage).value_or(1252);
    std::vector<MapiProperties> recipients;
    std::vector<MapiAttachment> attachments;
    // Children in name order: recipients and attachments keep their numbers' order.
    std::vector<std::pair<std::string, int>> children;
    const int n = gsf_infile_num_children(storage);
    for (int i = 0; i < n; ++i) {
      const char* name = gsf_infile_name_by_index(storage, i);
      if (name) children.emplace_back(name, i);
    }
    std::sort(children.begin(), children.end());
    for (const auto& [name, i] : children) {
      const bool recip = name.rfind("__recip_version1.0_", 0) == 0;
      const bool attach = name.rfind("__attach_version1.0_", 0) == 0;
      if (!recip && !attach) continue;
      InputPtr in(gsf_infile_child_by_index(storage, i));
      if (!in || !isStorage(in.get())) continue;
      GsfInfile* sub = GSF_INFILE(in.get());
      auto p = properties(sub, 8);
      if (!p) return p.error();
      if (recip) {
        recipients.push_back(std::move(*p));
        continue;
      }
      MapiAttachment a = attachmentFromProperties(*p, cp);
      if (auto data = p->binary(prop::kAttachData)) a.data = std::move(*data);
      if (InputPtr inner{gsf_infile_child_by_name(sub, "__substg1.0_3701000D")}; inner && isStorage(inner.get())) {
        auto embedded = message(GSF_INFILE(inner.get()), depth + 1);
        if (!embedded) return embedded.error();
        a.embedded = std::make_shared<MapiMessage>(std::move(*embedded));
        a.method = 5;
      }
      attachments.push_back(std::move(a));
    }
    return messageFromProperties(*props, recipients, std::move(attachments), cp);
  }

 private:
  std::size_t max_bytes_;
  std::size_t total_ = 0;
};

Result<MapiMessage> readFrom(GsfInput* input, const std::string& what, std::size_t max_bytes) {
  GError* error = nullptr;
  InputPtr infile(reinterpret_cast<GsfInput*>(gsf_infile_msole_new(input, &error)));
  if (!infile) {
    std::string why = error && error->message ? error->message : "unknown reason";
    if (error) g_error_free(error);
    return makeError(ErrorCode::kCorrupt, what + " is no Outlook .msg file (no compound file: " + why + ").");
  }
  MsgReader reader(max_bytes);
  return reader.message(GSF_INFILE(infile.get()), 0);
}

}  // namespace

Result<MapiMessage> readMsgFile(const std::string& path, std::size_t max_bytes) {
  initGsf();
  GError* error = nullptr;
  InputPtr input(gsf_input_stdio_new(path.c_str(), &error));
  if (!input) {
    std::string why = error && error->message ? error->message : "unknown reason";
    if (error) g_error_free(error);
    return makeError(ErrorCode::kIo, "Cannot read '" + path + "': " + why);
  }
  return readFrom(input.get(), "The file", max_bytes);
}

Result<MapiMessage> readMsgBytes(std::string_view bytes, std::size_t max_bytes) {
  initGsf();
  InputPtr input(
      gsf_input_memory_new(reinterpret_cast<const guint8*>(bytes.data()), static_cast<gsf_off_t>(bytes.size()), FALSE));
  if (!input) return makeError(ErrorCode::kInternal, "The message could not be read from memory.");
  return readFrom(input.get(), "The data", max_bytes);
}

}  // namespace spe::mapi
