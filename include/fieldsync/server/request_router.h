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
#include <memory>
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
  std::string path;    // "/v1/push" (no query string), as sent (percent-encoding kept)
  std::string query;   // what follows '?', "" when none (the web dashboard's searches)
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
  // When not empty, the body is this file instead of `body`: the adapter streams it (a large export
  // never sits in memory) and deletes it once sent. Only the web dashboard uses it.
  std::string body_file;
  // Kept alive by the adapter until body_file is sent and deleted, then released: the dashboard
  // counts the exports in flight by it (dashboard/export_slots.h). Null when not needed.
  std::shared_ptr<const void> body_file_guard;
};

// What the server answers outside the sync protocol's /v1/ paths: the web dashboard (dashboard/).
// The router hands it every such request untouched; it never sees a /v1/ request, so the sync
// endpoints keep exactly their own rules. Implementations must be thread-safe and never throw.
class WebHandler {
 public:
  virtual ~WebHandler() = default;
  virtual RouterResponse Handle(const RouterRequest& request) = 0;
};

class RequestRouter {
 public:
  static constexpr size_t kBodyLimit = protocol::kMaxBodyBytes;

  // `service` (and `web`, when given) are not owned and must outlive the router. Without `web`,
  // paths outside /v1/ get 404.
  explicit RequestRouter(SyncService& service, WebHandler* web = nullptr) : service_(service), web_(web) {}

  RouterResponse Handle(const RouterRequest& request);

  // True when the headers alone show the body is over the limit (an adapter need not read it).
  static bool DeclaredTooLarge(const HeaderMap& headers);
  // True for a body sent without a length (Transfer-Encoding, e.g. chunked): answered 411, since
  // nothing would bound what the adapter has to hold while it arrives (S11).
  static bool LengthUnknown(const HeaderMap& headers);
  // 503 "unavailable" for a request the adapter could not even queue: `waiting` requests are ahead.
  RouterResponse Busy(size_t waiting);

 private:
  RouterResponse Dispatch(const RouterRequest& request);
  SyncService& service_;
  WebHandler* web_;
};

}  // namespace fieldsync::server
