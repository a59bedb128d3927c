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

#include "fieldsync/server/request_router.h"
#include "fieldsync/server/sync_service.h"
#include "fieldsync/status.h"

namespace fieldsync::server {

// HTTPS: a PEM certificate chain (the server's certificate first) and its PEM private key. Both
// empty means plain HTTP (for 127.0.0.1 and tests; put anything facing a network behind TLS).
struct TlsFiles {
  std::string certificate_chain_file;
  std::string private_key_file;
  bool enabled() const { return !certificate_chain_file.empty() || !private_key_file.empty(); }
};

class HttpServer {
 public:
  // Listens on http://host:port/, or https:// with `tls`. `service` is not owned and must outlive
  // the server. Unavailable when the address cannot be bound (e.g. the port is taken);
  // InvalidArgument naming the file when the certificate or key cannot be loaded or do not match.
  // `web`, when given (not owned, outlives the server), answers every path outside /v1/.
  static Result<std::unique_ptr<HttpServer>> Start(SyncService& service, const std::string& host, uint16_t port,
                                                   const TlsFiles& tls = {}, WebHandler* web = nullptr);
  ~HttpServer();  // stops
  // Stops accepting and waits for the listener to close. Idempotent.
  void Stop();

  class Impl;

 private:
  explicit HttpServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace fieldsync::server
