// The IPv4 loopback address 127.0.0.1:port, for the proxy, the soak driver and their tests (all
// of which talk to 127.0.0.1 only).
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>

#include <cstdint>

namespace fieldsync::fault_proxy {

inline sockaddr_in LoopbackAddress(uint16_t port) {
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return addr;
}

}  // namespace fieldsync::fault_proxy
