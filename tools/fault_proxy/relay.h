// Relay: moves the bytes of one accepted connection between the client and the target, shaped by
// the LinkShape and broken by the connection's planned fault. Blocks until the connection is over,
// then closes both sockets. One thread per connection.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>

#include "fault_proxy/fault_plan.h"
#include "fault_proxy/fault_stats.h"
#include "fault_proxy/link_shape.h"

namespace fieldsync::fault_proxy {

// Reported after every forwarded chunk: which connection, the request path when the first request
// line was seen ("/v1/push"; "" before), the direction and how many bytes of it have passed so far.
// Lets a test act at a precise point of an exchange, e.g. kill the target mid-push.
struct LinkEvent {
  uint64_t connection = 0;
  const std::string& path;
  Direction direction;
  uint64_t total_bytes = 0;
};
using LinkTap = std::function<void(const LinkEvent&)>;

struct RelayContext {
  uint64_t connection = 0;
  LinkShape shape;
  FaultStats* stats = nullptr;
  const LinkTap* tap = nullptr;             // may be null
  const std::atomic<bool>* stopping = nullptr;  // set when the proxy stops: end at once
};

// Takes ownership of both (connected) sockets.
void RunRelay(int client_fd, int target_fd, const ConnectionFault& fault, const RelayContext& context);

}  // namespace fieldsync::fault_proxy
