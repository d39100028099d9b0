#include "management/api/http_responses.h"

#include <boost/beast/http.hpp>

#include "management/api/task_registry.h"

namespace spe::management {
namespace http = beast::http;

std::string collapseSlashes(std::string_view target) {
  const auto q = target.find('?');
  std::string_view path = target.substr(0, q);
  std::string out;
  for (char c : path) {
    if (c == '/' && !out.empty() && out.back() == '/') continue;
    out.push_back(c);
  }
  return out;
}

HttpResponse baseResponse(const HttpRequest& req, http::status status) {
  HttpResponse res{status, req.version()};
  res.set(http::field::server, "spe-management");
  res.set(http::field::cache_control, "no-cache,private,no-store,must-revalidate,max-stale=0,post-check=0,pre-check=0");
  res.set(http::field::pragma, "no-cache");
  res.set(http::field::expires, "-1");
  res.keep_alive(req.keep_alive());
  return res;
}

HttpResponse jsonResponse(const HttpRequest& req, http::status status, const Json& body) {
  HttpResponse res = baseResponse(req, status);
  res.set(http::field::content_type, "application/json; charset=utf-8");
  res.body() = envelopeBody(body);
  res.prepare_payload();
  return res;
}

HttpResponse envelopeResponse(const HttpRequest& req, std::string envelope_body) {
  HttpResponse res = baseResponse(req, http::status::ok);
  res.set(http::field::content_type, "application/json; charset=utf-8");
  res.body() = std::move(envelope_body);
  res.prepare_payload();
  return res;
}

HttpResponse textResponse(const HttpRequest& req, http::status status, const std::string& text) {
  HttpResponse res = baseResponse(req, status);
  res.set(http::field::content_type, "text/plain; charset=utf-8");
  res.body() = text + "\n";
  res.prepare_payload();
  return res;
}

}  // namespace spe::management
