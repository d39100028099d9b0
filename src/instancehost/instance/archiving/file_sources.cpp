#include "instancehost/instance/archiving/file_sources.h"

#include <algorithm>
#include <filesystem>

#include "common/mime/charset.h"
#include "index/message_text.h"
#include "instancehost/instance/model/path_roots.h"
#include "store/append_file.h"

namespace spe::instance {

std::string tooLargeError(std::int64_t size) {
  return "the message is larger than " + std::to_string(kMaxMessageBytes >> 20) + " MB (" + std::to_string(size >> 20) +
         " MB); it was not archived";
}
namespace fs = std::filesystem;

namespace {

bool hidden(const fs::path& p) { return !p.filename().empty() && p.filename().string()[0] == '.'; }

SourceMessage readMessageFile(const fs::path& file, std::string folder) {
  SourceMessage m;
  m.folder = std::move(folder);
  m.origin = file.string();
  std::error_code ec;
  const auto size = fs::file_size(file, ec);
  if (auto inside = confinePath(file.string(), "details.path"); !inside) {
    m.error = "not read: it leads outside the allowed directories (a symbolic link?)";
  } else if (ec) {
    m.error = "cannot read: " + ec.message();
  } else if (size > kMaxMessageBytes) {
    m.error = tooLargeError(static_cast<std::int64_t>(size));
  } else if (auto data = store::readFile(file.string()); data) {
    m.raw = std::move(*data);
  } else {
    m.error = data.error().message;
  }
  return m;
}

// Folder names come from the file system, which holds bytes: names that
// are not UTF-8 (an old Latin-1 tree) are read as Windows-1252, so their
// mail is archived under a readable name instead of failing.
std::string relativeFolder(const fs::path& root, const fs::path& dir) {
  const std::string rel = dir.lexically_relative(root).generic_string();
  return rel == "." ? "" : mime::textToUtf8(rel);
}

struct FileUnit {
  fs::path file;
  std::string folder;
};

class EmlDirectorySource : public MessageSource {
 public:
  EmlDirectorySource(std::vector<FileUnit> files) : files_(std::move(files)) {}
  std::int64_t estimate() const override { return static_cast<std::int64_t>(files_.size()); }
  Status forEach(const std::function<bool(SourceMessage&&)>& each) override {
    for (const auto& f : files_) {
      if (!each(readMessageFile(f.file, f.folder))) break;
    }
    return okStatus();
  }

 private:
  std::vector<FileUnit> files_;
};

class MboxSource : public MessageSource {
 public:
  MboxSource(std::vector<FileUnit> files, std::int64_t bytes) : files_(std::move(files)), bytes_(bytes) {}
  // About 5 KB per message.
  std::int64_t estimate() const override { return std::max<std::int64_t>(1, bytes_ / 5000); }
  Status forEach(const std::function<bool(SourceMessage&&)>& each) override {
    for (const auto& f : files_) {
      Result<std::string> data = makeError(ErrorCode::kPermissionDenied,
                                           "not read: it leads outside the allowed directories (a symbolic link?)");
      if (confinePath(f.file.string(), "details.path")) data = store::readFile(f.file.string());
      if (!data) {
        SourceMessage m;
        m.folder = f.folder;
        m.origin = f.file.string();
        m.error = data.error().message;
        if (!each(std::move(m))) return okStatus();
        continue;
      }
      int n = 0;
      for (auto& raw : splitMbox(*data)) {
        SourceMessage m;
        m.folder = f.folder;
        m.origin = f.file.string() + " #" + std::to_string(++n);
        if (raw.size() > kMaxMessageBytes) {
          m.error = tooLargeError(static_cast<std::int64_t>(raw.size()));
        } else {
          m.raw = std::move(raw);
        }
        if (!each(std::move(m))) return okStatus();
      }
    }
    return okStatus();
  }

 private:
  std::vector<FileUnit> files_;
  std::int64_t bytes_;
};

// Maildir++ folder name ".A.B" -> "A/B".
std::string maildirPlusFolder(const std::string& name) {
  std::string out = name.substr(1);
  std::replace(out.begin(), out.end(), '.', '/');
  return mime::textToUtf8(out);
}

bool isMaildir(const fs::path& p) {
  std::error_code ec;
  return fs::is_directory(p / "cur", ec) || fs::is_directory(p / "new", ec);
}

void collectMaildir(const fs::path& dir, const std::string& folder, std::vector<FileUnit>& out) {
  for (const char* sub : {"cur", "new"}) {
    std::error_code ec;
    std::vector<fs::path> files;
    for (fs::directory_iterator it(dir / sub, ec), end; !ec && it != end; it.increment(ec)) {
      if (it->is_regular_file() && !hidden(it->path())) files.push_back(it->path());
    }
    std::sort(files.begin(), files.end());
    for (auto& f : files) out.push_back({f, folder});
  }
}

// A "From " separator line: "From <sender> <date with hh:mm>", so a body
// line that merely starts with "From " (a writer that did not escape it)
// does not split a message.
bool isFromLine(std::string_view line) {
  if (line.rfind("From ", 0) != 0) return false;
  const auto sender_end = line.find(' ', 5);
  if (sender_end == std::string_view::npos || sender_end == 5) return false;
  const std::string_view rest = line.substr(sender_end);
  for (std::size_t i = 0; i + 4 < rest.size(); ++i) {
    auto digit = [&](std::size_t k) { return rest[k] >= '0' && rest[k] <= '9'; };
    if (digit(i) && digit(i + 1) && rest[i + 2] == ':' && digit(i + 3) && digit(i + 4)) return true;
  }
  return false;
}

}  // namespace

std::vector<std::string> splitMbox(const std::string& text) {
  std::vector<std::string> out;
  std::string current;
  // The blank line before the next "From " (or the end) belongs to the separator.
  auto finish = [&] {
    if (current.size() >= 4 && current.compare(current.size() - 4, 4, "\r\n\r\n") == 0) {
      current.resize(current.size() - 2);
    } else if (current.size() >= 2 && current.compare(current.size() - 2, 2, "\n\n") == 0) {
      current.pop_back();
    }
    out.push_back(std::move(current));
  };
  bool in_message = false;
  bool previous_blank = true;
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t eol = text.find('\n', pos);
    const std::size_t next = eol == std::string::npos ? text.size() : eol + 1;
    std::string_view line(text.data() + pos, next - pos);
    if ((previous_blank || !in_message) && isFromLine(line)) {
      if (in_message) {
        finish();
        current.clear();
      }
      in_message = true;
    } else if (in_message) {
      std::size_t gt = 0;
      while (gt < line.size() && line[gt] == '>') ++gt;
      if (gt > 0 && line.substr(gt).rfind("From ", 0) == 0) line.remove_prefix(1);
      current.append(line);
    } else if (!line.empty() && line != "\n" && line != "\r\n") {
      // Text before the first "From " line: a message without a separator.
      in_message = true;
      current.append(line);
    }
    previous_blank = line == "\n" || line == "\r\n";
    pos = next;
  }
  if (in_message) finish();
  return out;
}

namespace {

void sortByFile(std::vector<FileUnit>& files) {
  std::sort(files.begin(), files.end(), [](const FileUnit& a, const FileUnit& b) { return a.file < b.file; });
}

// emlDirectory: every visible file (below `root`, or in it alone).
std::vector<FileUnit> emlFiles(const fs::path& root, bool include_subfolders) {
  std::error_code ec;
  std::vector<FileUnit> files;
  auto add = [&](const fs::path& p) {
    if (fs::is_regular_file(p, ec) && !hidden(p)) files.push_back({p, relativeFolder(root, p.parent_path())});
  };
  if (include_subfolders) {
    for (fs::recursive_directory_iterator it(root, ec), end; !ec && it != end; it.increment(ec)) {
      if (hidden(it->path()) && it->is_directory()) {
        it.disable_recursion_pending();
        continue;
      }
      add(it->path());
    }
  } else {
    for (fs::directory_iterator it(root, ec), end; !ec && it != end; it.increment(ec)) add(it->path());
  }
  sortByFile(files);
  return files;
}

// mbox: the file `root`, or every mbox file below it, each a folder; adds
// their sizes to `bytes`.
std::vector<FileUnit> mboxFiles(const fs::path& root, std::int64_t& bytes) {
  std::error_code ec;
  std::vector<FileUnit> files;
  auto add = [&](const fs::path& p) {
    if (!fs::is_regular_file(p, ec) || hidden(p) || p.extension() == ".msf") return;
    std::string folder = relativeFolder(root, p.parent_path());
    // Thunderbird keeps subfolders of "X" in "X.sbd/".
    std::string cleaned;
    for (const auto& part : fs::path(folder)) {
      std::string s = part.string();
      if (s.size() > 4 && s.compare(s.size() - 4, 4, ".sbd") == 0) s.resize(s.size() - 4);
      cleaned += (cleaned.empty() ? "" : "/") + s;
    }
    std::string stem = p.extension() == ".mbox" ? p.stem().string() : p.filename().string();
    files.push_back({p, cleaned.empty() ? stem : cleaned + "/" + stem});
    bytes += static_cast<std::int64_t>(fs::file_size(p, ec));
  };
  if (fs::is_regular_file(root, ec)) {
    files.push_back({root, root.extension() == ".mbox" ? root.stem().string() : root.filename().string()});
    bytes = static_cast<std::int64_t>(fs::file_size(root, ec));
  } else {
    for (fs::recursive_directory_iterator it(root, ec), end; !ec && it != end; it.increment(ec)) add(it->path());
    sortByFile(files);
  }
  return files;
}

// maildir: `root` itself as Inbox when it is a maildir, then every maildir
// below it (Maildir++ folders ".a.b" by their dotted names).
std::vector<FileUnit> maildirFiles(const fs::path& root) {
  std::error_code ec;
  std::vector<FileUnit> files;
  if (isMaildir(root)) collectMaildir(root, "Inbox", files);
  std::vector<fs::path> dirs;
  for (fs::recursive_directory_iterator it(root, ec), end; !ec && it != end; it.increment(ec)) {
    if (!it->is_directory()) continue;
    const std::string name = it->path().filename().string();
    if (name == "cur" || name == "new" || name == "tmp") {
      it.disable_recursion_pending();
      continue;
    }
    if (isMaildir(it->path())) dirs.push_back(it->path());
  }
  std::sort(dirs.begin(), dirs.end());
  for (const auto& d : dirs) {
    const std::string rel = relativeFolder(root, d);
    const std::string name = d.filename().string();
    const bool plus = d.parent_path() == root && name.size() > 1 && name[0] == '.';
    collectMaildir(d, plus ? maildirPlusFolder(name) : rel, files);
  }
  return files;
}

}  // namespace

Result<std::unique_ptr<MessageSource>> openFileSource(const FileSourceOptions& o) {
  std::error_code ec;
  const fs::path root = fs::path(o.path).lexically_normal();
  if (o.path.empty() || o.path[0] != '/') {
    return makeError(ErrorCode::kInvalidArgument, "'details.path' must be an absolute path on the instance's host.");
  }
  SPE_TRY(confinePath(o.path, "details.path"));
  if (!fs::exists(root, ec)) {
    return makeError(ErrorCode::kNotFound, "'details.path' '" + o.path + "' does not exist on the instance's host.");
  }
  const bool directory = fs::is_directory(root, ec);
  const auto notADirectory = [&] {
    return makeError(ErrorCode::kInvalidArgument, "'details.path' '" + o.path + "' is not a directory.");
  };
  if (o.connector == "emlDirectory") {
    if (!directory) return notADirectory();
    return std::unique_ptr<MessageSource>(new EmlDirectorySource(emlFiles(root, o.include_subfolders)));
  }
  if (o.connector == "mbox") {
    std::int64_t bytes = 0;
    auto files = mboxFiles(root, bytes);
    return std::unique_ptr<MessageSource>(new MboxSource(std::move(files), bytes));
  }
  if (o.connector == "maildir") {
    if (!directory) return notADirectory();
    return std::unique_ptr<MessageSource>(new EmlDirectorySource(maildirFiles(root)));
  }
  return makeError(ErrorCode::kInvalidArgument, "Unknown file connector '" + o.connector + "'.");
}

}  // namespace spe::instance
