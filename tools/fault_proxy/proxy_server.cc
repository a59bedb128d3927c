#include "fault_proxy/proxy_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "fault_proxy/loopback.h"

namespace fieldsync::fault_proxy {
namespace {

// Listens on 127.0.0.1:port; returns the socket and the port it got.
std::pair<int, uint16_t> Listen(uint16_t port) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) throw std::runtime_error(std::string("cannot create a socket: ") + std::strerror(errno));
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr = LoopbackAddress(port);
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || listen(fd, 128) != 0) {
    std::string why = std::strerror(errno);
    close(fd);
    throw std::runtime_error("cannot listen on 127.0.0.1:" + std::to_string(port) + " (" + why +
                             "); choose another --listen port, or 0 for a free one");
  }
  socklen_t len = sizeof addr;
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  return {fd, ntohs(addr.sin_port)};
}

// A connection to the target, or -1 when it refuses (down, restarting).
int ConnectTarget(uint16_t port) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  sockaddr_in addr = LoopbackAddress(port);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    close(fd);
    return -1;
  }
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return fd;
}

}  // namespace

std::unique_ptr<FaultProxy> FaultProxy::Start(ProxyOptions options) {
  if (std::string problem = options.faults.Validate(); !problem.empty()) throw std::runtime_error(problem);
  if (options.target_port == 0) throw std::runtime_error("the target port is missing: pass --target 127.0.0.1:PORT");
  if (!options.stats) options.stats = std::make_shared<FaultStats>();
  auto [fd, port] = Listen(options.listen_port);
  std::unique_ptr<FaultProxy> proxy(new FaultProxy(std::move(options), fd, port));
  proxy->acceptor_ = std::thread([p = proxy.get()] { p->AcceptLoop(); });
  return proxy;
}

FaultProxy::FaultProxy(ProxyOptions options, int listen_fd, uint16_t port)
    : options_(std::move(options)), plan_(options_.faults, options_.seed), listen_fd_(listen_fd), port_(port) {}

FaultProxy::~FaultProxy() { Stop(); }

void FaultProxy::Stop() {
  if (stopping_.exchange(true)) return;
  if (acceptor_.joinable()) acceptor_.join();
  close(listen_fd_);
  std::lock_guard lock(workers_mu_);
  for (auto& w : workers_) w.thread.join();  // relays see stopping_ within 100 ms
  workers_.clear();
}

void FaultProxy::AcceptLoop() {
  while (!stopping_) {
    pollfd p{listen_fd_, POLLIN, 0};
    if (poll(&p, 1, 100) <= 0) continue;
    int client = accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (client < 0) continue;
    int one = 1;
    setsockopt(client, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    Serve(client);
  }
}

void FaultProxy::Serve(int client_fd) {
  options_.stats->CountConnection();
  int target_fd = ConnectTarget(options_.target_port);
  if (target_fd < 0) {
    options_.stats->CountTargetDown();
    linger l{1, 0};  // the client sees a reset, as it would from a dead server's host
    setsockopt(client_fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);
    close(client_fd);
    return;
  }
  auto context = std::make_unique<RelayContext>();
  context->connection = next_connection_++;
  context->shape = options_.link;
  context->stats = options_.stats.get();
  context->tap = &options_.tap;
  context->stopping = &stopping_;
  const ConnectionFault fault = plan_.Next();

  std::lock_guard lock(workers_mu_);
  ReapFinished();
  Worker& w = workers_.emplace_back();
  w.context = std::move(context);
  w.thread = std::thread([client_fd, target_fd, fault, ctx = w.context.get(), done = w.done] {
    RunRelay(client_fd, target_fd, fault, *ctx);
    *done = true;
  });
}

void FaultProxy::ReapFinished() {
  for (auto it = workers_.begin(); it != workers_.end();) {
    if (*it->done) {
      it->thread.join();
      it = workers_.erase(it);
    } else {
      ++it;
    }
  }
}

}  // namespace fieldsync::fault_proxy
