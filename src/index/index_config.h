// The instance's index configuration (GetIndexConfiguration /
// SetIndexConfiguration): which attachment types have their text indexed
// and whether files attached inside PDF documents are read too.
//   {"attachmentExtensions": null | ["pdf", "docx", ...],
//    "includeAttachmentsOfPDFs": false}
// null means every type there is a reader for (docs/search.md). Attachment
// names are always indexed. An extension without a reader is refused.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/base/json_reader.h"
#include "common/base/result.h"

namespace spe::index {

struct IndexConfig {
  std::optional<std::vector<std::string>> attachment_extensions;
  bool include_attachments_of_pdfs = false;

  Json toJson() const;
  // Reads and checks a config object; errors name the key.
  static Result<IndexConfig> fromJson(const Json& json, const std::string& context = "config");
  bool wants(const std::string& extension) const;
};

}  // namespace spe::index
