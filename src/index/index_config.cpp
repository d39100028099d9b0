#include "index/index_config.h"

#include <algorithm>

#include "common/base/text.h"
#include "index/extractor_programs.h"

namespace spe::index {

Json IndexConfig::toJson() const {
  Json j = Json::object();
  j["attachmentExtensions"] = attachment_extensions ? Json(*attachment_extensions) : Json(nullptr);
  j["includeAttachmentsOfPDFs"] = include_attachments_of_pdfs;
  return j;
}

Result<IndexConfig> IndexConfig::fromJson(const Json& json, const std::string& context) {
  if (!json.is_object()) return makeError(ErrorCode::kInvalidArgument, "'" + context + "' must be a JSON object.");
  IndexConfig c;
  Json doc = json;
  if (doc.contains("attachmentExtensions") && doc["attachmentExtensions"].is_null()) doc.erase("attachmentExtensions");
  JsonReader r(doc, context);
  r.boolean("includeAttachmentsOfPDFs", c.include_attachments_of_pdfs);
  if (doc.contains("attachmentExtensions")) {
    std::vector<std::string> list;
    r.strList("attachmentExtensions", list);
    std::vector<std::string> clean;
    for (std::string e : list) {
      e = asciiLower(e);
      if (!e.empty() && e[0] == '.') e.erase(0, 1);
      if (e.rfind("*.", 0) == 0) e.erase(0, 2);
      if (e.empty()) {
        r.fail("attachmentExtensions", "holds an empty extension");
        continue;
      }
      if (!ExtractorPrograms::known(e)) {
        std::string known;
        for (const auto& k : ExtractorPrograms::builtInExtensions()) known += (known.empty() ? "" : ", ") + k;
        for (const auto& k : ExtractorPrograms::extensions()) known += ", " + k;
        r.fail("attachmentExtensions", "names '." + e + "', a type there is no text reader for (known: " + known + ")");
        continue;
      }
      if (std::find(clean.begin(), clean.end(), e) == clean.end()) clean.push_back(e);
    }
    c.attachment_extensions = clean;
  }
  SPE_TRY(r.finish());
  return c;
}

bool IndexConfig::wants(const std::string& extension) const {
  if (!attachment_extensions) return ExtractorPrograms::known(extension);
  return std::find(attachment_extensions->begin(), attachment_extensions->end(), extension) !=
         attachment_extensions->end();
}

}  // namespace spe::index
