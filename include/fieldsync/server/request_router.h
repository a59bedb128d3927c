// RequestRouter: everything the server does between "a request arrived" and "the response is
// sent", independent of any HTTP library (docs/PROTOCOL.md): path and method dispatch, the protocol
// version check (426), body size limit (413), bearer token (401), content type (415), message
// parsing (400), the
// service call, service errors mapped to status codes and ErrorResponse bodies, and the server
// HLC header on every response. HttpServer (cpprest) and LoopbackTransport (in-process, tests) are
// thin adapters over it, so both behave identically. Never throws: any failure is a 500 answer.
//
// Thread-safe (it holds no state besides the service, which serialises itself).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "fieldsync/protocol.h"
#include "fieldsync/server/sync_service.h"

namespace fieldsync::server {

// Orders header names ignoring ASCII case ("content-length" == "Content-Length").
struct HeaderNameLess {
  using is_transparent = void;
  bool operator()(std::string_view a, std::string_view b) const;
};
using HeaderMap = std::map<std::string, std::string, HeaderNameLess>;

struct RouterRequest {
  std::string method;  // "POST", "GET", ...
  std::string path;    // "/v1/push" (no query string)
  HeaderMap headers;   // looked up case-insensitively
  // The body as read. An adapter that streams may stop reading once it holds more than
  // RequestRouter::kBodyLimit bytes: the router answers 413 for any body longer than the limit,
  // and also when a Content-Length header announces more than the limit.
  std::string body;
  // The caller's network address ("127.0.0.1"), when the adapter knows it; limits enrolment
  // attempts per address.
  std::string remote_address;
};

struct RouterResponse {
  int status = 200;
  HeaderMap headers;  // always X-Fieldsync-Server-Hlc; Content-Type when there is a body
  std::string body;
};

class RequestRouter {
 public:
  static constexpr size_t kBodyLimit = protocol::kMaxBodyBytes;

  // `service` is not owned and must outlive the router.
  explicit RequestRouter(SyncService& service) : service_(service) {}

  RouterResponse Handle(const RouterRequest& request);

  // True when the headers alone show the body is over the limit (an adapter need not read it).
  static bool DeclaredTooLarge(const HeaderMap& headers);

 private:
  RouterResponse Dispatch(const RouterRequest& request);
  SyncService& service_;
};

}  // namespace fieldsync::server
