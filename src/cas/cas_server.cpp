#include "cas/cas_server.h"

#include "common/logging.h"

namespace spe::cas {

CasServer::CasServer(CasConfig config)
    : config_(config),
      agent_(config.role,
             [](const RpcRequest& r) -> Result<Json> {
               return makeError(ErrorCode::kNotSupported, "The Client Access Server has no method '" + r.method + "'.");
             },
             [this] { return Json{{"routesVersion", routes_ ? routes_->version() : std::string()}}; }) {
  routes_ = std::make_unique<CasRoutes>(agent_.identity());
  agent_.setHeartbeatReplyHandler([this](const Json& reply) { routes_->apply(reply); });
  agent_.setStartHook([this] { return startPublic(); });
  agent_.setShutdownHook([this] {
    if (imap_) imap_->stop();
  });
}

CasServer::~CasServer() = default;

Status CasServer::startPublic() {
  auto identity = config_.certificate_file.empty()
                      ? loadOrCreateIdentity(config_.role.data_directory + "/public-tls", config_.role.server_name)
                      : loadIdentityFiles(config_.certificate_file, config_.key_file);
  if (!identity) return identity.error();
  auto ctx = makeServerContext(*identity, nullptr);
  if (!ctx) return ctx.error();
  imap_ = std::make_unique<ImapProxy>(agent_.io(), *routes_, *ctx);
  for (const auto& [port, implicit] : {std::pair{config_.imap_port, false}, std::pair{config_.imaps_port, true}}) {
    if (port < 0) continue;
    auto bound = imap_->listen(config_.public_address, static_cast<std::uint16_t>(port), implicit);
    if (!bound) return bound.error();
    logger("main")->info("{} for end users on {}:{}", implicit ? "IMAPS" : "IMAP (STARTTLS)", config_.public_address,
                         *bound);
  }
  return okStatus();
}

}  // namespace spe::cas
