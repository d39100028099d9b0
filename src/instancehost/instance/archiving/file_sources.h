// Message sources that read files on the instance's host, for the file
// import connectors:
//   emlDirectory  one message per file; subdirectories become folders
//   mbox          a file, or a directory of mbox files (each a folder)
//   maildir       a Maildir++ tree (cur/ and new/; ".Sub.Folder" and
//                 nested maildirs become folders; the root is "Inbox")
// A source first lists its units of work (files, with the folder each goes
// to) so progress can be shown, then yields raw messages one by one.
// Thread safety: a source is used by one thread.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "common/base/result.h"
#include "instancehost/instance/archiving/message_source.h"

namespace spe::instance {

struct FileSourceOptions {
  std::string connector;  // emlDirectory, mbox, maildir
  std::string path;
  bool include_subfolders = true;
};

Result<std::unique_ptr<MessageSource>> openFileSource(const FileSourceOptions& options);

// Splits mbox text into messages at "From <sender> <date>" lines that
// follow a blank line (mboxrd: ">From " lines lose one '>').
std::vector<std::string> splitMbox(const std::string& text);

}  // namespace spe::instance
