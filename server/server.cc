#include "fieldsync/server/server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace fieldsync::server {
namespace {

// A port the OS reports free on `host` right now (bind to port 0, read it back, close).
// cpprest cannot report the port of a port-0 bind, so Start binds this one and retries if another
// process took it in between.
Result<uint16_t> FreePort(const std::string& host) {
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = 0;
  if (inet_pton(AF_INET, host == "localhost" ? "127.0.0.1" : host.c_str(), &addr.sin_addr) != 1) {
    return Status::InvalidArgument("cannot pick a free port on '" + host + "'; give an IPv4 address or a port");
  }
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return Status::Unavailable("cannot open a socket to find a free port");
  socklen_t len = sizeof addr;
  bool ok = ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
            ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0;
  ::close(fd);
  if (!ok) return Status::Unavailable("cannot bind " + host + " to find a free port");
  return ntohs(addr.sin_port);
}

}  // namespace

Result<std::unique_ptr<Server>> Server::Start(ServerOptions options) {
  if (options.db_path.empty()) return Status::InvalidArgument("the server needs a database file (--db FILE)");
  SyncServiceOptions service_options;
  service_options.max_forward_drift_ms = options.max_forward_drift_ms;
  service_options.clock = options.clock;
  std::unique_ptr<Server> server(new Server());
  FS_ASSIGN_OR_RETURN(server->service_, SyncService::Open(options.db_path, service_options));
  server->host_ = options.host;
  server->tls_ = options.tls.enabled();
  if (options.web) {
    FS_ASSIGN_OR_RETURN(server->web_, options.web(*server->service_, server->tls_));
  }
  const int attempts = options.port == 0 ? 20 : 1;
  Status last;
  for (int i = 0; i < attempts; ++i) {
    uint16_t port = options.port;
    if (port == 0) {
      FS_ASSIGN_OR_RETURN(port, FreePort(options.host));
    }
    auto http = HttpServer::Start(*server->service_, options.host, port, options.tls, server->web_.get());
    if (!http.ok() && http.status().code() == StatusCode::kInvalidArgument) return http.status();  // not the port
    if (http.ok()) {
      server->http_ = std::move(http).value();
      server->port_ = port;
      return server;
    }
    last = http.status();
  }
  return last;
}

Server::~Server() { Stop(); }

std::string Server::url() const {
  return std::string(tls_ ? "https" : "http") + "://" + host_ + ":" + std::to_string(port_);
}

void Server::Stop() {
  if (http_) http_->Stop();
}

}  // namespace fieldsync::server
