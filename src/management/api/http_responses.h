// Answers the Management Server's HTTPS servers share (the Management API
// on 8474 and the Management Console on 8470): no caching, the server's
// name, JSON envelopes (UTF-8 with a BOM, PRODUCT-SPEC §1) and plain text.
// Thread safety: stateless.
#pragma once

#include <boost/beast/http/status.hpp>
#include <string>
#include <string_view>

#include "common/base/json_reader.h"
#include "common/net/https_session.h"

namespace spe::management {

// The request's path without its query, repeated slashes made one
// ("/api//get-status" is "/api/get-status").
std::string collapseSlashes(std::string_view target);

HttpResponse baseResponse(const HttpRequest& req, beast::http::status status);
// The API's envelope (envelopeBody: with a BOM).
HttpResponse jsonResponse(const HttpRequest& req, beast::http::status status, const Json& body);
// An envelope already made (envelopeBody).
HttpResponse envelopeResponse(const HttpRequest& req, std::string envelope_body);
HttpResponse textResponse(const HttpRequest& req, beast::http::status status, const std::string& text);

}  // namespace spe::management
