#include "index/index_settings.h"

namespace spe::index {

IndexSettings::IndexSettings(std::string temp_directory, ExtractorLimits limits)
    : programs_(std::move(temp_directory), limits) {}

IndexConfig IndexSettings::config() const {
  std::lock_guard lock(mutex_);
  return config_;
}

void IndexSettings::setConfig(IndexConfig config) {
  std::lock_guard lock(mutex_);
  config_ = std::move(config);
}

ExtractOptions IndexSettings::extractOptions() const {
  const IndexConfig c = config();
  ExtractOptions o;
  o.wanted = [c](const std::string& ext) { return c.wants(ext); };
  o.external = [this](const std::string& ext, std::string_view bytes, std::string& note) {
    return programs_.run(ext, bytes, note);
  };
  o.pdf_embedded_files = c.include_attachments_of_pdfs;
  return o;
}

void IndexSettings::setWritePermits(std::function<std::optional<WritePermit>()> acquire) {
  std::lock_guard lock(mutex_);
  acquire_ = std::move(acquire);
}

std::optional<IndexSettings::WritePermit> IndexSettings::writePermit() const {
  std::function<std::optional<WritePermit>()> acquire;
  {
    std::lock_guard lock(mutex_);
    acquire = acquire_;
  }
  return acquire ? acquire() : WritePermit();
}

}  // namespace spe::index
