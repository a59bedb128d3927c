#include "fault_proxy/proxy_args.h"

#include <CLI/CLI.hpp>
#include <iostream>

#include "fault_proxy/units.h"

namespace fieldsync::fault_proxy {
namespace {

// CLI11 validators that turn unit text into numbers with a message saying what is expected.
std::string CheckDuration(const std::string& text) {
  return ParseDuration(text) ? "" : "'" + text + "' is not a duration; use e.g. 300ms or 2s";
}
std::string CheckRate(const std::string& text) {
  return ParseRate(text) ? "" : "'" + text + "' is not a rate; use e.g. 32kB/s, 1MB/s or a number of bytes/s";
}
std::string CheckPort(const std::string& text) {
  return ParseLoopbackPort(text) ? ""
                                 : "'" + text + "' is not 127.0.0.1:PORT; the proxy only listens on and "
                                                "forwards to this machine";
}

}  // namespace

std::optional<int> ParseProxyArgs(int argc, char** argv, ProxyArgs& out) {
  CLI::App app{"fieldsync-fault-proxy: a seeded fault-injecting TCP proxy on 127.0.0.1 for soak tests.\n"
               "Each connection gets at most one fault, drawn with the given probabilities.",
               "fieldsync-fault-proxy"};
  std::string listen = "127.0.0.1:0", target;
  std::string stall_min = "200ms", stall_max = "1500ms", latency_min = "20ms", latency_max = "300ms";
  std::string rate, link_latency = "0ms", interval = "1s";
  FaultSettings& f = out.options.faults;
  auto probability = CLI::Range(0.0, 1.0);

  app.add_option("--listen", listen, "address to listen on, 127.0.0.1:PORT (0: a free port, printed)")
      ->check(CheckPort);
  app.add_option("--target", target, "where to forward, 127.0.0.1:PORT")->required()->check(CheckPort);
  app.add_option("--seed", out.options.seed, "seed of the fault decisions (std::mt19937_64)");
  app.add_option("--cut-request", f.cut_request, "probability: close both sides mid-request")->check(probability);
  app.add_option("--cut-response", f.cut_response, "probability: close both sides mid-response")->check(probability);
  app.add_option("--reset", f.reset, "probability: RST both sides (SO_LINGER 0) mid-exchange")->check(probability);
  app.add_option("--stall", f.stall, "probability: hold one direction's data, then close or go on")
      ->check(probability);
  app.add_option("--latency-fault", f.latency, "probability: a connection with extra latency on every chunk")
      ->check(probability);
  app.add_option("--truncate", f.truncate, "probability: forward a prefix of the response, then FIN")
      ->check(probability);
  app.add_option("--fault-bytes", f.max_offset_bytes, "faults strike after a uniform 0..N bytes (default 2048)");
  app.add_option("--stall-min", stall_min, "shortest stall (default 200ms)")->check(CheckDuration);
  app.add_option("--stall-max", stall_max, "longest stall (default 1500ms)")->check(CheckDuration);
  app.add_option("--stall-close", f.stall_close, "probability that a stall ends by closing (default 0.5)")
      ->check(probability);
  app.add_option("--extra-latency-min", latency_min, "smallest latency of a --latency-fault connection")
      ->check(CheckDuration);
  app.add_option("--extra-latency-max", latency_max, "largest latency of a --latency-fault connection")
      ->check(CheckDuration);
  app.add_option("--rate", rate, "every connection: bandwidth per direction, e.g. 32kB/s (slow mobile link)")
      ->check(CheckRate);
  app.add_option("--latency", link_latency, "every connection: one-way delay, e.g. 300ms")->check(CheckDuration);
  app.add_option("--stats-file", out.stats_file,
                 "JSON fault counts, rewritten every --stats-interval, on SIGUSR1 and on exit");
  app.add_option("--stats-interval", interval, "how often to rewrite --stats-file (default 1s)")
      ->check(CheckDuration);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;  // --help: 0; a usage error: 2, as the project's other commands
  }
  out.options.listen_port = *ParseLoopbackPort(listen);
  out.options.target_port = *ParseLoopbackPort(target);
  f.stall_min = *ParseDuration(stall_min);
  f.stall_max = *ParseDuration(stall_max);
  f.latency_min = *ParseDuration(latency_min);
  f.latency_max = *ParseDuration(latency_max);
  out.options.link.rate_bytes_per_second = rate.empty() ? 0 : *ParseRate(rate);
  out.options.link.latency = *ParseDuration(link_latency);
  out.stats_interval = std::max(std::chrono::milliseconds(10), *ParseDuration(interval));
  if (std::string problem = f.Validate(); !problem.empty()) {
    std::cerr << "fieldsync-fault-proxy: " << problem << "\n";
    return 2;
  }
  return std::nullopt;
}

}  // namespace fieldsync::fault_proxy
