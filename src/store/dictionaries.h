// Compression dictionaries of a store (zstd). Mail compresses much better
// with a dictionary trained on mail: the first messages a store archives
// without one are kept as samples; once there are enough, a dictionary is
// trained, written sealed and durable to Content/dictionary-NNNN.zd, and
// used for every later message. Records name the dictionary they need, so
// every dictionary ever written is kept.
// Thread safety: all members are safe from any thread.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "common/base/crypto.h"
#include "common/base/result.h"

struct ZSTD_CDict_s;
struct ZSTD_DDict_s;

namespace spe::store {

class Dictionary {
 public:
  Dictionary(std::uint32_t id, std::string_view bytes, int level);
  ~Dictionary();
  Dictionary(const Dictionary&) = delete;
  Dictionary& operator=(const Dictionary&) = delete;
  std::uint32_t id() const { return id_; }
  const ZSTD_CDict_s* compression() const { return cdict_; }
  const ZSTD_DDict_s* decompression() const { return ddict_; }

 private:
  std::uint32_t id_;
  ZSTD_CDict_s* cdict_;
  ZSTD_DDict_s* ddict_;
};

class DictionarySet {
 public:
  DictionarySet(std::string content_directory, Key256 key, std::string store_guid, int level);

  // Loads every dictionary file; an error names a file that does not open.
  Status load();
  // The dictionary for new records (null until one is trained).
  std::shared_ptr<const Dictionary> current() const;
  std::shared_ptr<const Dictionary> get(std::uint32_t id) const;
  // Offers a raw message as a training sample; trains, stores and
  // publishes a dictionary once enough samples were seen.
  void offerSample(std::string_view raw);

  static constexpr std::size_t kSamplesWanted = 1500;
  static constexpr std::size_t kSampleBytesMax = 16u << 20;

 private:
  std::string path(std::uint32_t id) const;
  void train();

  std::string directory_;
  Key256 key_;
  std::string guid_;
  int level_;
  mutable std::mutex mutex_;
  std::map<std::uint32_t, std::shared_ptr<const Dictionary>> all_;
  std::shared_ptr<const Dictionary> current_;
  std::string samples_;
  std::vector<std::size_t> sample_sizes_;
  bool training_ = false;
};

}  // namespace spe::store
