// LoopbackTransport: an HttpTransport that hands each request to a RequestRouter in the same
// process, without sockets, so tests can run thousands of syncs quickly. It behaves as the
// server over HTTP does (same router), minus what only a network adds (latency, connection
// failures, transport headers such as Content-Length); wrap it in FaultInjectingTransport for
// those. Usable from one thread at a time, like every HttpTransport.
#pragma once

#include "fieldsync/http_transport.h"
#include "fieldsync/server/request_router.h"

namespace fieldsync::server {

class LoopbackTransport final : public fieldsync::HttpTransport {
 public:
  // `router` is not owned and must outlive the transport.
  explicit LoopbackTransport(RequestRouter& router) : router_(router) {}

  Result<HttpResponse> Send(const HttpRequest& request) override {
    RouterRequest in;
    in.method = request.method;
    in.path = request.path.substr(0, request.path.find('?'));
    for (const auto& [name, value] : request.headers) in.headers[name] = value;
    in.body = request.body;
    RouterResponse out = router_.Handle(in);
    HttpResponse response;
    response.status = out.status;
    for (auto& [name, value] : out.headers) response.headers[name] = std::move(value);
    response.body = std::move(out.body);
    ++requests_;
    return response;
  }

  // Requests handled so far.
  int requests() const { return requests_; }

 private:
  RequestRouter& router_;
  int requests_ = 0;
};

}  // namespace fieldsync::server
