// Server: the central server as one object for the app and tests: opens the store, builds the
// SyncService and serves it over HTTP. With port 0 it picks a free port on the host.
//
//   auto server = Server::Start({.db_path = "central.db"});
//   (*server)->url();  // "http://127.0.0.1:40123"
//
// Thread-safe (service() is; Stop() may be called from any one thread).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "fieldsync/clock.h"
#include "fieldsync/hlc.h"
#include "fieldsync/server/http_server.h"
#include "fieldsync/server/sync_service.h"
#include "fieldsync/status.h"

namespace fieldsync::server {

struct ServerOptions {
  std::string db_path;
  std::string host = "127.0.0.1";
  uint16_t port = 0;  // 0 = pick a free port
  int64_t max_forward_drift_ms = HlcClock::kDefaultMaxDriftMs;
  Clock* clock = nullptr;  // not owned; the system clock when null
  TlsFiles tls = {};       // HTTPS when set
  // Makes the handler of every path outside /v1/ (the web dashboard) over the opened service;
  // `https` tells it whether it is served over TLS. None: those paths get 404.
  std::function<Result<std::unique_ptr<WebHandler>>(SyncService& service, bool https)> web;
};

class Server {
 public:
  static Result<std::unique_ptr<Server>> Start(ServerOptions options);
  ~Server();  // stops

  uint16_t port() const { return port_; }
  std::string url() const;  // "http://127.0.0.1:PORT" ("https://" with TLS)
  SyncService& service() { return *service_; }
  void Stop();

 private:
  Server() = default;
  std::string host_;
  uint16_t port_ = 0;
  bool tls_ = false;
  std::unique_ptr<SyncService> service_;
  std::unique_ptr<WebHandler> web_;  // outlives http_, which calls it
  std::unique_ptr<HttpServer> http_;
};

}  // namespace fieldsync::server
