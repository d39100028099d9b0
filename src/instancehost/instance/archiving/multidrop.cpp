#include "instancehost/instance/archiving/multidrop.h"

#include <set>

#include "common/mime/message_headers.h"

namespace spe::instance {
namespace {

class MultidropSource : public MessageSource {
 public:
  MultidropSource(std::unique_ptr<MessageSource> inner, std::map<std::string, std::vector<std::string>> users,
                  std::string unknown)
      : inner_(std::move(inner)), users_(std::move(users)), unknown_(std::move(unknown)) {}

  std::int64_t estimate() const override { return inner_->estimate(); }

  Status forEach(const std::function<bool(SourceMessage&&)>& each) override {
    return inner_->forEach([&](SourceMessage&& m) {
      if (!m.error.empty()) return each(std::move(m));
      std::set<std::string> archives;
      for (const auto& address : mime::messageRecipients(m.raw)) {
        auto it = users_.find(address);
        if (it != users_.end()) archives.insert(it->second.begin(), it->second.end());
      }
      std::vector<std::string> destinations;
      for (const auto& user : archives) destinations.push_back(m.folder.empty() ? user : user + "/" + m.folder);
      if (destinations.empty()) {
        if (unknown_.empty()) {
          m.skip_reason = "no recipient is a known user";
          return each(std::move(m));
        }
        destinations.push_back(unknown_);
      }
      m.destinations = std::move(destinations);
      return each(std::move(m));
    });
  }

  Status finish(std::vector<std::string>& warnings) override { return inner_->finish(warnings); }

 private:
  std::unique_ptr<MessageSource> inner_;
  std::map<std::string, std::vector<std::string>> users_;
  std::string unknown_;
};

}  // namespace

std::unique_ptr<MessageSource> multidropSource(std::unique_ptr<MessageSource> inner,
                                               std::map<std::string, std::vector<std::string>> users_by_address,
                                               std::string unknown_recipients_folder) {
  return std::make_unique<MultidropSource>(std::move(inner), std::move(users_by_address),
                                           std::move(unknown_recipients_folder));
}

}  // namespace spe::instance
