#include "common/metrics/monitoring_server.h"

#include <sodium.h>

#include <boost/beast/http.hpp>
#include <mutex>

#include "common/base/logging.h"
#include "common/base/system_info.h"
#include "common/metrics/process_metrics.h"
#include "common/net/accept.h"
#include "common/net/https_session.h"

namespace spe::metrics {
namespace http = beast::http;

const char* healthStatusName(HealthStatus s) {
  switch (s) {
    case HealthStatus::kOk: return "ok";
    case HealthStatus::kDegraded: return "degraded";
    case HealthStatus::kFailing: return "failing";
  }
  return "failing";
}

struct MonitoringServer::Impl {
  asio::io_context& io;
  asio::thread_pool& pool;
  SslContextPtr tls;
  MonitoringConfig config;
  Health health;
  Families families;
  tcp::acceptor acceptor;
  std::mutex collecting;  // one collection at a time
  std::shared_ptr<prometheus::Collectable> self = selfProcessCollector();

  Impl(asio::io_context& i, asio::thread_pool& p, SslContextPtr t, MonitoringConfig c, Health h, Families f)
      : io(i),
        pool(p),
        tls(std::move(t)),
        config(std::move(c)),
        health(std::move(h)),
        families(std::move(f)),
        acceptor(i) {
    addCollectable(self);
    gauge("spe_build_info", "Always 1; the labels say which version serves which role.",
          {{"version", kProductVersion}, {"role", config.role}})
        .Set(1);
  }

  HttpResponse text(const HttpRequest& req, http::status status, std::string body,
                    const char* type = "text/plain; charset=utf-8") const {
    HttpResponse res{status, req.version()};
    res.set(http::field::content_type, type);
    res.set(http::field::cache_control, "no-store");
    res.keep_alive(req.keep_alive());
    res.body() = std::move(body);
    res.prepare_payload();
    return res;
  }

  bool authorized(const HttpRequest& req) const {
    if (config.bearer_token.empty()) return true;
    auto h = req.find(http::field::authorization);
    if (h == req.end()) return false;
    const std::string want = "Bearer " + config.bearer_token;
    const std::string_view got = h->value();
    return got.size() == want.size() && sodium_memcmp(got.data(), want.data(), want.size()) == 0;
  }

  std::string collectText() {
    std::lock_guard lock(collecting);
    auto all = collect();
    if (families) {
      auto more = families();
      all.insert(all.end(), std::make_move_iterator(more.begin()), std::make_move_iterator(more.end()));
    }
    return toText(all);
  }

  asio::awaitable<HttpAnswer> answer(const HttpRequest& req) {
    if (req.method() != http::verb::get && req.method() != http::verb::head) {
      HttpResponse res = text(req, http::status::method_not_allowed, "Use GET.\n");
      res.set(http::field::allow, "GET, HEAD");
      co_return res;
    }
    const std::string target(req.target());
    const std::string path = target.substr(0, target.find('?'));
    if (path == "/health") {
      auto report = co_await offload<HealthReport>(pool, [this] { return health ? health() : HealthReport{}; });
      Json body{{"status", healthStatusName(report.status)}, {"checks", report.checks}};
      co_return text(req,
                     report.status == HealthStatus::kFailing ? http::status::service_unavailable : http::status::ok,
                     body.dump() + "\n", "application/json");
    }
    if (path == "/metrics") {
      if (!authorized(req)) {
        HttpResponse res = text(req, http::status::unauthorized, "A bearer token is required.\n");
        res.set(http::field::www_authenticate, "Bearer realm=\"spe metrics\"");
        co_return res;
      }
      std::string body = co_await offload<std::string>(pool, [this] { return collectText(); });
      co_return text(req, http::status::ok, std::move(body), "text/plain; version=0.0.4; charset=utf-8");
    }
    co_return text(req, http::status::not_found, "Not found. Try /metrics or /health.\n");
  }

  asio::awaitable<void> session(tcp::socket socket) {
    HttpsSessionLimits limits;
    limits.max_body = 0;
    limits.read_timeout = std::chrono::seconds(30);
    HttpsHandlers handlers{[this](const HttpRequest& req, const std::string&, ConnectionSlot*) { return answer(req); },
                           [this](HttpRefusal, unsigned version) {
                             HttpRequest bare;
                             bare.version(version);
                             bare.keep_alive(false);
                             return text(bare, http::status::bad_request, "Refused.\n");
                           },
                           "monitoring"};
    co_await serveHttps(std::move(socket), *tls, nullptr, limits, handlers);
  }
};

MonitoringServer::MonitoringServer(asio::io_context& io, asio::thread_pool& pool, SslContextPtr tls,
                                   MonitoringConfig config, Health health, Families families)
    : impl_(std::make_unique<Impl>(io, pool, std::move(tls), std::move(config), std::move(health),
                                   std::move(families))) {}

MonitoringServer::~MonitoringServer() = default;

Result<std::uint16_t> MonitoringServer::listen() {
  if (impl_->config.port < 0) return std::uint16_t{0};
  auto bound = bindAcceptor(impl_->acceptor, impl_->config.listen_address,
                            static_cast<std::uint16_t>(impl_->config.port), "monitoring");
  if (!bound) return bound;
  acceptConnections(impl_->io, impl_->acceptor,
                    [impl = impl_.get()](tcp::socket s) { return impl->session(std::move(s)); });
  logger("main")->info("metrics and health on https://{}:{}/metrics, /health", impl_->config.listen_address, *bound);
  return bound;
}

void MonitoringServer::stop() {
  asio::post(impl_->io, [impl = impl_.get()] {
    ErrorCodeT ec;
    impl->acceptor.close(ec);
  });
}

}  // namespace spe::metrics
