#include "soak/net.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <stdexcept>
#include <string>

#include "fault_proxy/loopback.h"

namespace fieldsync::soak {
namespace {

using fault_proxy::LoopbackAddress;

// Closes the socket on every path.
struct Socket {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  ~Socket() {
    if (fd >= 0) close(fd);
  }
};

}  // namespace

uint16_t PickFreePort() {
  Socket s;
  sockaddr_in addr = LoopbackAddress(0);
  socklen_t len = sizeof addr;
  if (s.fd < 0 || bind(s.fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      getsockname(s.fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    throw std::runtime_error("cannot find a free port on 127.0.0.1");
  }
  return ntohs(addr.sin_port);
}

bool HealthOk(uint16_t port) {
  Socket s;
  sockaddr_in addr = LoopbackAddress(port);
  if (s.fd < 0 || connect(s.fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) return false;
  const std::string request = "GET /v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
  if (send(s.fd, request.data(), request.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(request.size())) return false;
  std::string answer;
  char buf[512];
  while (answer.size() < 12) {
    pollfd p{s.fd, POLLIN, 0};
    if (poll(&p, 1, 1000) <= 0) return false;
    ssize_t n = recv(s.fd, buf, sizeof buf, 0);
    if (n <= 0) return false;
    answer.append(buf, static_cast<size_t>(n));
  }
  return answer.compare(0, 12, "HTTP/1.1 200") == 0;
}

}  // namespace fieldsync::soak
