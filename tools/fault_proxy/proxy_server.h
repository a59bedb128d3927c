// FaultProxy: listens on 127.0.0.1 (only), and relays each accepted connection to the target
// port on 127.0.0.1 with the fault its FaultPlan draws for it. Runs an accept thread and one relay
// thread per connection until Stop() or destruction.
#pragma once

#include <atomic>
#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "fault_proxy/fault_plan.h"
#include "fault_proxy/fault_stats.h"
#include "fault_proxy/link_shape.h"
#include "fault_proxy/relay.h"

namespace fieldsync::fault_proxy {

struct ProxyOptions {
  uint16_t listen_port = 0;  // 0: a free port, see FaultProxy::port()
  uint16_t target_port = 0;
  uint64_t seed = 1;
  FaultSettings faults;
  LinkShape link;
  LinkTap tap;                         // optional: sees every forwarded chunk
  std::shared_ptr<FaultStats> stats;   // optional: shared between proxies; made when null
};

class FaultProxy {
 public:
  // Throws std::runtime_error saying what to do when the settings are wrong or the port is taken.
  static std::unique_ptr<FaultProxy> Start(ProxyOptions options);
  ~FaultProxy();
  FaultProxy(const FaultProxy&) = delete;
  FaultProxy& operator=(const FaultProxy&) = delete;

  uint16_t port() const { return port_; }
  // Disabled: new connections are relayed without faults (the link shape still applies).
  void SetFaultsEnabled(bool enabled) { plan_.SetEnabled(enabled); }
  const FaultStats& stats() const { return *options_.stats; }
  // Closes the listener and ends every open connection; joins all threads. Idempotent.
  void Stop();

 private:
  struct Worker {
    std::thread thread;
    std::shared_ptr<std::atomic<bool>> done = std::make_shared<std::atomic<bool>>(false);
    // Owned here so the relay's reference stays valid until the thread is joined.
    std::unique_ptr<RelayContext> context;
  };

  FaultProxy(ProxyOptions options, int listen_fd, uint16_t port);
  void AcceptLoop();
  void Serve(int client_fd);
  void ReapFinished();

  ProxyOptions options_;
  FaultPlan plan_;
  const int listen_fd_;
  const uint16_t port_;
  std::atomic<bool> stopping_{false};
  std::atomic<uint64_t> next_connection_{1};
  std::thread acceptor_;
  std::mutex workers_mu_;
  std::list<Worker> workers_;
};

}  // namespace fieldsync::fault_proxy
