// fieldsync-fault-proxy: see proxy_args.cc (or --help) for the options and tools/README.md.
// Runs until SIGTERM or SIGINT; SIGUSR1 writes the stats at once. The stats go to --stats-file
// (JSON) and, on exit, to stderr.
#include <csignal>
#include <ctime>
#include <iostream>

#include "fault_proxy/proxy_args.h"

using namespace fieldsync::fault_proxy;

namespace {

void WriteStats(const FaultProxy& proxy, const std::string& path) {
  if (path.empty()) return;
  if (std::string error = proxy.stats().WriteFile(path); !error.empty()) {
    std::cerr << "fieldsync-fault-proxy: " << error << "\n";
  }
}

}  // namespace

int main(int argc, char** argv) {
  ProxyArgs args;
  if (auto exit_code = ParseProxyArgs(argc, argv, args)) return *exit_code;

  // Block the signals before any thread starts so every thread inherits the mask and only the
  // sigtimedwait below receives them.
  sigset_t signals;
  sigemptyset(&signals);
  for (int s : {SIGINT, SIGTERM, SIGUSR1}) sigaddset(&signals, s);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  std::unique_ptr<FaultProxy> proxy;
  try {
    proxy = FaultProxy::Start(args.options);
  } catch (const std::exception& e) {
    std::cerr << "fieldsync-fault-proxy: " << e.what() << "\n";
    return 1;
  }
  std::cout << "fieldsync-fault-proxy listening on 127.0.0.1:" << proxy->port() << " -> 127.0.0.1:"
            << args.options.target_port << " (seed " << args.options.seed << ")" << std::endl;

  const auto interval = args.stats_interval;
  timespec wait{static_cast<time_t>(interval.count() / 1000), static_cast<long>(interval.count() % 1000) * 1000000};
  while (true) {
    int signal = sigtimedwait(&signals, nullptr, &wait);
    WriteStats(*proxy, args.stats_file);
    if (signal == SIGINT || signal == SIGTERM) break;
  }
  proxy->Stop();
  WriteStats(*proxy, args.stats_file);
  std::cerr << "fieldsync-fault-proxy: stopping; " << proxy->stats().ToJson().dump() << "\n";
  return 0;
}
