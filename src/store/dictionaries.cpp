#include "store/dictionaries.h"

#include <zdict.h>
#include <zstd.h>

#include <cstdio>
#include <filesystem>

#include "common/base/atomic_file.h"
#include "common/base/logging.h"
#include "store/append_file.h"

namespace spe::store {
namespace fs = std::filesystem;

namespace {

constexpr std::size_t kDictionaryBytes = 112 * 1024;

std::string context(const std::string& guid, std::uint32_t id) { return guid + ":dictionary:" + std::to_string(id); }

}  // namespace

Dictionary::Dictionary(std::uint32_t id, std::string_view bytes, int level)
    : id_(id),
      cdict_(ZSTD_createCDict(bytes.data(), bytes.size(), level)),
      ddict_(ZSTD_createDDict(bytes.data(), bytes.size())) {}

Dictionary::~Dictionary() {
  ZSTD_freeCDict(cdict_);
  ZSTD_freeDDict(ddict_);
}

DictionarySet::DictionarySet(std::string content_directory, Key256 key, std::string store_guid, int level)
    : directory_(std::move(content_directory)), key_(key), guid_(std::move(store_guid)), level_(level) {}

std::string DictionarySet::path(std::uint32_t id) const {
  char name[40];
  std::snprintf(name, sizeof name, "/dictionary-%04u.zd", id);
  return directory_ + name;
}

Status DictionarySet::load() {
  std::lock_guard lock(mutex_);
  std::error_code ec;
  for (fs::directory_iterator it(directory_, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    unsigned id = 0;
    if (std::sscanf(name.c_str(), "dictionary-%u.zd", &id) != 1) continue;
    auto box = readFile(it->path().string());
    if (!box) return box.error();
    auto bytes = open(key_, *box, context(guid_, id));
    if (!bytes)
      return makeError(ErrorCode::kIo, "The compression dictionary '" + it->path().string() + "' is damaged.");
    auto d = std::make_shared<const Dictionary>(id, *bytes, level_);
    all_[id] = d;
    if (!current_ || id > current_->id()) current_ = d;
  }
  return okStatus();
}

std::shared_ptr<const Dictionary> DictionarySet::current() const {
  std::lock_guard lock(mutex_);
  return current_;
}

std::shared_ptr<const Dictionary> DictionarySet::get(std::uint32_t id) const {
  std::lock_guard lock(mutex_);
  auto it = all_.find(id);
  return it == all_.end() ? nullptr : it->second;
}

void DictionarySet::offerSample(std::string_view raw) {
  {
    std::lock_guard lock(mutex_);
    if (current_ || training_) return;
    if (samples_.size() + raw.size() > kSampleBytesMax) return;
    samples_.append(raw.substr(0, std::min<std::size_t>(raw.size(), 64 * 1024)));
    sample_sizes_.push_back(std::min<std::size_t>(raw.size(), 64 * 1024));
    if (sample_sizes_.size() < kSamplesWanted) return;
    training_ = true;
  }
  train();
}

void DictionarySet::train() {
  // Only this thread touches the samples while training_ is set.
  std::string dict(kDictionaryBytes, '\0');
  const std::size_t n = ZDICT_trainFromBuffer(dict.data(), dict.size(), samples_.data(), sample_sizes_.data(),
                                              static_cast<unsigned>(sample_sizes_.size()));
  std::lock_guard lock(mutex_);
  samples_.clear();
  samples_.shrink_to_fit();
  sample_sizes_.clear();
  training_ = false;
  if (ZDICT_isError(n)) {
    logger("store")->warn("{}: training a compression dictionary failed: {}", directory_, ZDICT_getErrorName(n));
    current_ = nullptr;
    return;
  }
  dict.resize(n);
  const std::uint32_t id = all_.empty() ? 1 : all_.rbegin()->first + 1;
  std::string box;
  seal(key_, dict, context(guid_, id), box);
  // Durable before any record can name it.
  if (auto st = writeFileAtomically(path(id), box); !st) {
    logger("store")->warn("{}: cannot store the compression dictionary: {}", directory_, st.error().message);
    return;
  }
  auto d = std::make_shared<const Dictionary>(id, dict, level_);
  all_[id] = d;
  current_ = d;
  logger("store")->info("{}: trained compression dictionary {} ({} bytes)", directory_, id, n);
}

}  // namespace spe::store
