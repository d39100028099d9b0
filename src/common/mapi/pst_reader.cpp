#include "common/mapi/pst_reader.h"

#include <libpff.h>

#include <algorithm>
#include <cctype>
#include <vector>

namespace spe::mapi {

namespace {

constexpr std::uint64_t kMaxAttachmentBytes = 256u << 20;  // as a whole message may be (message_source.h)

std::string errorText(libpff_error_t*& error) {
  if (!error) return "unknown reason";
  char buffer[1024] = {};
  libpff_error_sprint(error, buffer, sizeof(buffer));
  libpff_error_free(&error);
  std::string s(buffer);
  while (!s.empty() && (s.back() == '\n' || s.back() == '.')) s.pop_back();
  // libpff prints a backtrace of functions; its first line says what failed.
  if (auto eol = s.find('\n'); eol != std::string::npos) s.resize(eol);
  return s.empty() ? "unknown reason" : s;
}

struct ItemPtr {
  libpff_item_t* p = nullptr;
  ItemPtr() = default;
  ItemPtr(const ItemPtr&) = delete;
  ItemPtr& operator=(const ItemPtr&) = delete;
  ~ItemPtr() {
    if (p) libpff_item_free(&p, nullptr);
  }
};

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

bool startsWith(const std::string& s, const char* prefix) { return s.rfind(prefix, 0) == 0; }

// Entry types above this are named properties (ids of the file's own map).
constexpr std::uint32_t kFirstNamedId = 0x8000;

}  // namespace

std::string skipReason(const std::string& message_class) {
  const std::string c = lower(message_class);
  static constexpr std::pair<const char*, const char*> kSkipped[] = {
      {"ipm.contact", "a contact"},
      {"ipm.distlist", "a distribution list"},
      {"ipm.appointment", "an appointment"},
      {"ipm.task", "a task"},
      {"ipm.stickynote", "a note"},
      {"ipm.activity", "a journal entry"},
      {"ipm.configuration", "a configuration item"},
      {"ipm.microsoft", "an Outlook internal item"},
      {"ipm.aggregation", "an Outlook internal item"},
  };
  for (const auto& [prefix, what] : kSkipped) {
    // "IPM.Task" and "IPM.Task.x", but IPM.TaskRequest (a task sent as mail) is mail.
    if (c == prefix || startsWith(c, (std::string(prefix) + ".").c_str())) {
      return std::string(what) + " (" + message_class + ")";
    }
  }
  return "";
}

bool isMailMessageClass(const std::string& message_class) { return skipReason(message_class).empty(); }

struct PstReader::Impl {
  libpff_file_t* file = nullptr;
  std::string path;
  int code_page = 1252;

  ~Impl() {
    if (file) {
      libpff_file_close(file, nullptr);
      libpff_file_free(&file, nullptr);
    }
  }

  // Every property of record set `index` of `item`, named properties and
  // the ids in `skip` excepted.
  Result<MapiProperties> properties(libpff_item_t* item, int index, std::uint16_t skip = 0) {
    MapiProperties props;
    libpff_error_t* error = nullptr;
    libpff_record_set_t* set = nullptr;
    if (libpff_item_get_record_set_by_index(item, index, &set, &error) != 1) {
      return makeError(ErrorCode::kCorrupt, "its properties cannot be read: " + errorText(error));
    }
    int entries = 0;
    if (libpff_record_set_get_number_of_entries(set, &entries, &error) != 1) entries = 0;
    for (int i = 0; i < entries; ++i) {
      libpff_record_entry_t* entry = nullptr;
      if (libpff_record_set_get_entry_by_index(set, i, &entry, &error) != 1) {
        if (error) libpff_error_free(&error);
        continue;
      }
      std::uint32_t entry_type = 0, value_type = 0;
      std::size_t size = 0;
      if (libpff_record_entry_get_entry_type(entry, &entry_type, nullptr) == 1 &&
          libpff_record_entry_get_value_type(entry, &value_type, nullptr) == 1 && entry_type < kFirstNamedId &&
          entry_type != skip && (value_type & 0x1000) == 0 &&
          libpff_record_entry_get_data_size(entry, &size, nullptr) == 1) {
        std::string data(size, '\0');
        if (size == 0 ||
            libpff_record_entry_get_data(entry, reinterpret_cast<std::uint8_t*>(data.data()), size, nullptr) == 1) {
          props.set(static_cast<std::uint16_t>(entry_type), static_cast<std::uint16_t>(value_type), std::move(data));
        }
      }
      libpff_record_entry_free(&entry, nullptr);
    }
    libpff_record_set_free(&set, nullptr);
    return props;
  }

  // `read`: the item's properties when the caller has them already.
  Result<MapiMessage> message(libpff_item_t* item, int depth, Result<MapiProperties> read = Error{}) {
    if (depth > 8) return makeError(ErrorCode::kCorrupt, "attached messages are nested more than 8 levels deep");
    auto props = read ? std::move(read) : properties(item, 0);
    if (!props) return props.error();
    libpff_error_t* error = nullptr;
    std::vector<MapiProperties> recipients;
    {
      ItemPtr recip;
      const int r = libpff_message_get_recipients(item, &recip.p, &error);
      if (r == 1) {
        int sets = 0;
        if (libpff_item_get_number_of_record_sets(recip.p, &sets, &error) != 1) sets = 0;
        for (int i = 0; i < sets; ++i) {
          if (auto p = properties(recip.p, i)) recipients.push_back(std::move(*p));
        }
      }
      if (error) libpff_error_free(&error);
    }
    int cp = props->int32(prop::kInternetCodepage).value_or(0);
    if (cp <= 0) cp = props->int32(prop::kMessageCodepage).value_or(code_page);
    std::vector<MapiAttachment> attachments;
    std::uint64_t attached = 0;
    int count = 0;
    if (libpff_message_get_number_of_attachments(item, &count, &error) != 1) {
      if (error) libpff_error_free(&error);
      count = 0;
    }
    for (int i = 0; i < count; ++i) {
      ItemPtr att;
      if (libpff_message_get_attachment(item, i, &att.p, &error) != 1) {
        return makeError(ErrorCode::kCorrupt,
                         "attachment " + std::to_string(i + 1) + " cannot be read: " + errorText(error));
      }
      auto ap = properties(att.p, 0, prop::kAttachData);
      if (!ap) return ap.error();
      MapiAttachment a = attachmentFromProperties(*ap, cp);
      int type = 0;
      libpff_attachment_get_type(att.p, &type, nullptr);
      if (type == LIBPFF_ATTACHMENT_TYPE_ITEM) {
        ItemPtr inner;
        if (libpff_attachment_get_item(att.p, &inner.p, &error) == 1) {
          auto embedded = message(inner.p, depth + 1);
          if (!embedded) return embedded.error();
          a.embedded = std::make_shared<MapiMessage>(std::move(*embedded));
          a.method = 5;
        } else {
          return makeError(ErrorCode::kCorrupt,
                           "the attached message '" + a.name + "' cannot be read: " + errorText(error));
        }
      } else if (type == LIBPFF_ATTACHMENT_TYPE_DATA) {
        size64_t size = 0;
        if (libpff_attachment_get_data_size(att.p, &size, &error) == 1 && size > 0) {
          // One message's attachments together stay below what a message may be (kMaxAttachmentBytes).
          attached += size;
          if (attached > kMaxAttachmentBytes) {
            return makeError(ErrorCode::kResourceExhausted, "the attachments are over 256 MB together");
          }
          a.data.resize(static_cast<std::size_t>(size));
          libpff_attachment_data_seek_offset(att.p, 0, SEEK_SET, nullptr);
          const ssize_t got = libpff_attachment_data_read_buffer(att.p, reinterpret_cast<std::uint8_t*>(a.data.data()),
                                                                 a.data.size(), &error);
          if (got < 0 || static_cast<std::size_t>(got) != a.data.size()) {
            return makeError(ErrorCode::kCorrupt,
                             "the data of attachment '" + a.name + "' cannot be read: " + errorText(error));
          }
        }
        if (error) libpff_error_free(&error);
      }
      attachments.push_back(std::move(a));
    }
    return messageFromProperties(*props, recipients, std::move(attachments), code_page);
  }

  std::string name(libpff_item_t* folder) {
    auto props = properties(folder, 0);
    std::string n = props ? props->text(prop::kDisplayName, code_page).value_or("") : "";
    std::replace(n.begin(), n.end(), '/', '_');
    return n;
  }

  // The IPM subtree: by the message store's entry id, else by name.
  void ipmSubtree(ItemPtr& out) {
    libpff_error_t* error = nullptr;
    ItemPtr store;
    if (libpff_file_get_message_store(file, &store.p, &error) == 1) {
      if (auto props = properties(store.p, 0)) {
        if (auto id = props->binary(0x35E0); id && id->size() >= 24) {
          std::uint32_t nid = 0;
          for (int k = 3; k >= 0; --k)
            nid = (nid << 8) | static_cast<unsigned char>((*id)[20 + static_cast<std::size_t>(k)]);
          if (libpff_file_get_item_by_identifier(file, nid, &out.p, &error) == 1) return;
        }
      }
    }
    if (error) libpff_error_free(&error);
    ItemPtr root;
    if (libpff_file_get_root_folder(file, &root.p, &error) != 1) {
      if (error) libpff_error_free(&error);
      return;
    }
    int n = 0;
    libpff_folder_get_number_of_sub_folders(root.p, &n, nullptr);
    for (int i = 0; i < n; ++i) {
      ItemPtr sub;
      if (libpff_folder_get_sub_folder(root.p, i, &sub.p, nullptr) != 1) continue;
      const std::string nm = name(sub.p);
      if (nm == "Top of Personal Folders" || nm == "Top of Outlook data file") {
        std::swap(out.p, sub.p);
        return;
      }
      if (nm == "Root - Mailbox") {
        int m = 0;
        libpff_folder_get_number_of_sub_folders(sub.p, &m, nullptr);
        for (int j = 0; j < m; ++j) {
          ItemPtr s2;
          if (libpff_folder_get_sub_folder(sub.p, j, &s2.p, nullptr) == 1 && name(s2.p) == "IPM_SUBTREE") {
            std::swap(out.p, s2.p);
            return;
          }
        }
      }
    }
    std::swap(out.p, root.p);  // no IPM subtree: everything under the root
  }

  std::int64_t count(libpff_item_t* folder, int depth) {
    if (depth > 64) return 0;
    int messages = 0, folders = 0;
    libpff_folder_get_number_of_sub_messages(folder, &messages, nullptr);
    std::int64_t total = messages;
    libpff_folder_get_number_of_sub_folders(folder, &folders, nullptr);
    for (int i = 0; i < folders; ++i) {
      ItemPtr sub;
      if (libpff_folder_get_sub_folder(folder, i, &sub.p, nullptr) == 1) total += count(sub.p, depth + 1);
    }
    return total;
  }

  // False when `each` asked to stop.
  bool walk(libpff_item_t* folder, const std::string& folder_path, int depth,
            const std::function<bool(PstItem&&)>& each) {
    if (depth > 64) return true;  // deeper trees are cut off (a cycle in a damaged file)
    libpff_error_t* error = nullptr;
    int messages = 0;
    if (libpff_folder_get_number_of_sub_messages(folder, &messages, &error) != 1) {
      PstItem item;
      item.folder = folder_path;
      item.error = "the folder's messages cannot be listed: " + errorText(error);
      if (!each(std::move(item))) return false;
      messages = 0;
    }
    for (int i = 0; i < messages; ++i) {
      PstItem item;
      item.folder = folder_path;
      item.index = i + 1;
      ItemPtr msg;
      if (libpff_folder_get_sub_message(folder, i, &msg.p, &error) != 1) {
        item.error = "cannot be read: " + errorText(error);
      } else {
        auto props = properties(msg.p, 0);
        const std::string cls = props ? props->text(prop::kMessageClass, code_page).value_or("") : "";
        item.skip_reason = skipReason(cls);
        if (item.skip_reason.empty()) {
          auto m = message(msg.p, 0, std::move(props));
          if (m) {
            item.message = std::move(*m);
          } else {
            item.error = m.error().message;
          }
        }
      }
      if (!each(std::move(item))) return false;
    }
    int folders = 0;
    if (libpff_folder_get_number_of_sub_folders(folder, &folders, &error) != 1) {
      if (error) libpff_error_free(&error);
      folders = 0;
    }
    for (int i = 0; i < folders; ++i) {
      ItemPtr sub;
      if (libpff_folder_get_sub_folder(folder, i, &sub.p, &error) != 1) {
        PstItem item;
        item.folder = folder_path;
        item.error = "subfolder " + std::to_string(i + 1) + " cannot be read: " + errorText(error);
        if (!each(std::move(item))) return false;
        continue;
      }
      std::string nm = name(sub.p);
      if (nm.empty()) nm = "Folder " + std::to_string(i + 1);
      if (!walk(sub.p, folder_path.empty() ? nm : folder_path + "/" + nm, depth + 1, each)) return false;
    }
    return true;
  }
};

PstReader::PstReader(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
PstReader::~PstReader() = default;

Result<std::unique_ptr<PstReader>> PstReader::open(const std::string& path) {
  auto impl = std::make_unique<Impl>();
  impl->path = path;
  libpff_error_t* error = nullptr;
  if (libpff_file_initialize(&impl->file, &error) != 1) {
    return makeError(ErrorCode::kInternal, "libpff could not start: " + errorText(error));
  }
  if (libpff_check_file_signature(path.c_str(), &error) != 1) {
    if (error) libpff_error_free(&error);
    return makeError(ErrorCode::kCorrupt, "'" + path + "' is no Outlook data file (PST or OST).");
  }
  if (libpff_file_open(impl->file, path.c_str(), LIBPFF_OPEN_READ, &error) != 1) {
    return makeError(ErrorCode::kIo, "'" + path + "' cannot be opened: " + errorText(error));
  }
  int cp = 0;
  if (libpff_file_get_ascii_codepage(impl->file, &cp, nullptr) == 1 && cp > 0) impl->code_page = cp;
  return std::unique_ptr<PstReader>(new PstReader(std::move(impl)));
}

std::int64_t PstReader::itemCount() {
  ItemPtr top;
  impl_->ipmSubtree(top);
  return top.p ? impl_->count(top.p, 0) : 0;
}

Status PstReader::forEach(const std::function<bool(PstItem&&)>& each) {
  ItemPtr top;
  impl_->ipmSubtree(top);
  if (!top.p) return makeError(ErrorCode::kCorrupt, "The folders of '" + impl_->path + "' cannot be read.");
  impl_->walk(top.p, "", 0, each);
  return okStatus();
}

}  // namespace spe::mapi
