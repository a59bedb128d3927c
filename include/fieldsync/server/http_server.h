// HttpServer: the sync protocol's HTTP endpoints (docs/PROTOCOL.md) over a SyncService, on
// cpprestsdk's http_listener: a thin adapter over RequestRouter (request_router.h), which checks
// the protocol version (426), body size (413), token (401) and message shape (400), maps service
// errors to status codes and ErrorResponse bodies, and puts the server HLC on every response. It
// catches everything, so bad input never stops the server (S11). No cpprest type appears here.
// Thread-safe; requests run on cpprest's thread pool and the service serialises them.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "fieldsync/server/sync_service.h"
#include "fieldsync/status.h"

namespace fieldsync::server {

class HttpServer {
 public:
  // Listens on http://host:port/. `service` is not owned and must outlive the server.
  // Unavailable when the address cannot be bound (e.g. the port is taken).
  static Result<std::unique_ptr<HttpServer>> Start(SyncService& service, const std::string& host, uint16_t port);
  ~HttpServer();  // stops
  // Stops accepting and waits for the listener to close. Idempotent.
  void Stop();

  class Impl;

 private:
  explicit HttpServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace fieldsync::server
