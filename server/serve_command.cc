// `fieldsync-server serve`: runs the HTTP server until SIGINT or SIGTERM.
#include <csignal>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <iostream>
#include <optional>
#include <string>

#include "commands.h"
#include "fieldsync/dashboard/dashboard.h"

#include "fieldsync/server/server.h"

namespace fieldsync::server::cli {
namespace {

// "HOST:PORT" (or ":PORT", or "PORT") into its parts; on failure, what is wrong and what to write.
std::optional<std::string> ParseListen(const std::string& listen, std::string& host, uint16_t& port) {
  const std::string example = "use e.g. --listen 127.0.0.1:8080 (port 0 picks a free one)";
  if (listen.find("://") != std::string::npos || listen.find('/') != std::string::npos) {
    return "--listen '" + listen + "' is a URL; give HOST:PORT without a scheme or path (HTTPS is chosen with "
           "--tls-cert and --tls-key): " + example;
  }
  auto colon = listen.rfind(':');
  if (listen.find('[') != std::string::npos || (colon != std::string::npos && listen.find(':') != colon)) {
    return "--listen '" + listen + "': IPv6 addresses are not supported; give an IPv4 address or host name "
           "(0.0.0.0 for every interface): " + example;
  }
  std::string port_text = colon == std::string::npos ? listen : listen.substr(colon + 1);
  host = colon == std::string::npos || colon == 0 ? "127.0.0.1" : listen.substr(0, colon);
  // Up to 5 digits first, so that stoul can neither throw nor overflow.
  const bool digits = !port_text.empty() && port_text.size() <= 5 &&
                      port_text.find_first_not_of("0123456789") == std::string::npos;
  const unsigned long value = digits ? std::stoul(port_text) : 65536;
  if (value > 65535) return "--listen '" + listen + "' is not HOST:PORT with a port from 0 to 65535; " + example;
  port = static_cast<uint16_t>(value);
  return std::nullopt;
}

}  // namespace

// glibc gives every thread that allocates its own malloc arena and keeps what it freed there; with
// cpprest's pool of request threads each handling megabyte-sized sync bodies, that doubled the
// server's resident memory (bench/run: 190 -> 98 MiB at 100k changes). Two arenas are plenty for a
// server whose store is serialised anyway.
void LimitMallocArenas() {
#ifdef __GLIBC__
  mallopt(M_ARENA_MAX, 2);
#endif
}

int RunServe(const Common& common, const std::string& listen, int64_t max_drift_seconds, const TlsFiles& tls) {
  LimitMallocArenas();
  ServerOptions options;
  options.db_path = common.db;
  options.tls = tls;
  if (auto wrong = ParseListen(listen, options.host, options.port)) {
    std::cerr << "fieldsync-server: " << *wrong << "\n";
    return 2;
  }
  if (max_drift_seconds <= 0) {
    std::cerr << "fieldsync-server: --max-clock-drift must be a positive number of seconds\n";
    return 2;
  }
  options.max_forward_drift_ms = max_drift_seconds * 1000;
  options.web = [db = common.db](SyncService& service, bool https) {
    dashboard::DashboardOptions web;
    web.db_path = db;
    web.https = https;
    return dashboard::MakeDashboard(service, web);
  };

  // Block the stop signals before any server thread starts, so every thread inherits the mask and
  // only sigwait below receives them.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  auto server = Server::Start(options);
  if (!server.ok()) {
    std::cerr << "fieldsync-server: " << server.status().message() << "\n";
    return 1;
  }
  std::cout << "fieldsync-server listening on " << (*server)->url() << std::endl;
  std::cout << "dashboard: " << (*server)->url() << "/ (passwords: fieldsync-server user passwd)" << std::endl;
  const bool loopback = options.host == "127.0.0.1" || options.host == "localhost" || options.host == "::1";
  if (!tls.enabled() && !loopback) {
    std::cerr << "fieldsync-server: WARNING: plain HTTP on " << options.host
              << ": device tokens and enrolment codes cross the network readable by anyone on it; serve HTTPS "
                 "(--tls-cert, --tls-key) or put a TLS proxy in front\n";
  }

  int signal = 0;
  sigwait(&stop_signals, &signal);
  std::cerr << "fieldsync-server: " << (signal == SIGINT ? "SIGINT" : "SIGTERM") << ", stopping\n";
  (*server)->Stop();
  return 0;
}

}  // namespace fieldsync::server::cli
