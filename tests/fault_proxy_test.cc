// tools/fault_proxy: the seeded fault plan, and the proxy relaying to a local target with each
// kind of fault forced (probability 1), the link shape and the stats it counts.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <fstream>
#include <future>
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "fault_proxy/loopback.h"
#include "fault_proxy/proxy_server.h"
#include "fault_proxy/units.h"
#include "soak/child_process.h"
#include "soak/net.h"
#include "temp_dir.h"

namespace fieldsync::fault_proxy {
namespace {

using namespace std::chrono_literals;

// A TCP socket bound to a free port on 127.0.0.1 (not listening yet); sets `*port`.
int BindFreeLoopbackPort(uint16_t* port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr = LoopbackAddress(0);
  bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  *port = ntohs(addr.sin_port);
  return fd;
}

// A target on 127.0.0.1 that reads a request of `request_size` bytes (or until EOF), then answers
// `response` and closes. Records what it received.
class Target {
 public:
  Target(size_t request_size, std::string response) : request_size_(request_size), response_(std::move(response)) {
    fd_ = BindFreeLoopbackPort(&port_);
    listen(fd_, 8);
    thread_ = std::thread([this] { Serve(); });
  }
  ~Target() {
    thread_.join();
    close(fd_);
  }
  uint16_t port() const { return port_; }
  // What the target received, once its exchange is over.
  std::string Received() { return received_.get(); }

 private:
  void Serve() {
    std::string got;
    pollfd p{fd_, POLLIN, 0};
    if (poll(&p, 1, 5000) > 0) {
      int c = accept(fd_, nullptr, nullptr);
      char buf[4096];
      while (got.size() < request_size_) {
        pollfd q{c, POLLIN, 0};
        if (poll(&q, 1, 5000) <= 0) break;
        ssize_t n = recv(c, buf, sizeof buf, 0);
        if (n <= 0) break;
        got.append(buf, static_cast<size_t>(n));
      }
      if (got.size() == request_size_) send(c, response_.data(), response_.size(), MSG_NOSIGNAL);
      close(c);
    }
    received_promise_.set_value(got);
  }

  int fd_;
  uint16_t port_;
  size_t request_size_;
  std::string response_;
  std::promise<std::string> received_promise_;
  std::shared_future<std::string> received_ = received_promise_.get_future().share();
  std::thread thread_;
};

struct Exchange {
  std::string response;
  bool reset = false;  // the client saw ECONNRESET
};

// Connects to the proxy, sends `request`, reads until EOF or reset.
Exchange Talk(uint16_t port, const std::string& request) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr = LoopbackAddress(port);
  Exchange out;
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    close(fd);
    out.reset = true;
    return out;
  }
  send(fd, request.data(), request.size(), MSG_NOSIGNAL);
  char buf[4096];
  while (true) {
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, 5000) <= 0) break;
    ssize_t n = recv(fd, buf, sizeof buf, 0);
    if (n < 0) out.reset = errno == ECONNRESET;
    if (n <= 0) break;
    out.response.append(buf, static_cast<size_t>(n));
  }
  close(fd);
  return out;
}

const std::string kRequest = "POST /v1/push HTTP/1.1\r\n\r\n" + std::string(3000, 'q');
const std::string kResponse = "HTTP/1.1 200 OK\r\n\r\n" + std::string(3000, 'r');

std::unique_ptr<FaultProxy> StartProxy(uint16_t target, FaultSettings faults, LinkShape link = {}) {
  ProxyOptions o;
  o.target_port = target;
  o.seed = 7;
  o.faults = faults;
  o.faults.max_offset_bytes = 1000;  // always inside the 3000-byte messages
  o.link = link;
  return FaultProxy::Start(std::move(o));
}

// Settings where every connection gets the fault `member` (probability 1).
FaultSettings Always(double FaultSettings::*member) {
  FaultSettings s;
  s.*member = 1;
  return s;
}

TEST(FaultPlan, SameSeedSameDecisionsAndProbabilitiesHold) {
  FaultSettings s;
  s.cut_request = 0.1;
  s.reset = 0.2;
  s.latency = 0.3;
  FaultPlan a(s, 42), b(s, 42), c(s, 43);
  int differ = 0, resets = 0;
  for (int i = 0; i < 10000; ++i) {
    auto x = a.Next(), y = b.Next(), z = c.Next();
    ASSERT_EQ(x.kind, y.kind);
    ASSERT_EQ(x.offset, y.offset);
    differ += x.kind != z.kind;
    resets += x.kind == FaultKind::kReset;
  }
  EXPECT_GT(differ, 1000) << "another seed gives other decisions";
  EXPECT_NEAR(resets, 2000, 300);
}

TEST(FaultPlan, RefusesProbabilitiesAboveOne) {
  FaultSettings s;
  s.cut_request = 0.6;
  s.cut_response = 0.6;
  EXPECT_NE(s.Validate().find("at most 1"), std::string::npos);
  EXPECT_THROW(StartProxy(1, s), std::runtime_error);
}

TEST(FaultProxy, RelaysCleanlyWithoutFaults) {
  Target target(kRequest.size(), kResponse);
  auto proxy = StartProxy(target.port(), {});
  auto got = Talk(proxy->port(), kRequest);
  EXPECT_EQ(got.response, kResponse);
  EXPECT_EQ(target.Received(), kRequest);
  EXPECT_EQ(proxy->stats().TotalFaults(), 0u);
  EXPECT_EQ(proxy->stats().Connections(), 1u);
}

TEST(FaultProxy, CutRequestDeliversOnlyAPrefix) {
  Target target(kRequest.size(), kResponse);
  auto proxy = StartProxy(target.port(), Always(&FaultSettings::cut_request));
  auto got = Talk(proxy->port(), kRequest);
  EXPECT_TRUE(got.response.empty());
  EXPECT_LT(target.Received().size(), kRequest.size());
  EXPECT_EQ(proxy->stats().Faults(FaultKind::kCutRequest), 1u);
}

TEST(FaultProxy, CutResponseAfterTheTargetGotEverything) {
  Target target(kRequest.size(), kResponse);
  auto proxy = StartProxy(target.port(), Always(&FaultSettings::cut_response));
  auto got = Talk(proxy->port(), kRequest);
  EXPECT_EQ(target.Received(), kRequest) << "the server got the whole request: the answer is what is lost";
  EXPECT_LT(got.response.size(), kResponse.size());
  EXPECT_EQ(proxy->stats().Faults(FaultKind::kCutResponse), 1u);
}

TEST(FaultProxy, ResetSendsRst) {
  int resets = 0;
  for (int i = 0; i < 4; ++i) {  // the seed picks the direction; either way the client sees RST
    Target target(kRequest.size(), kResponse);
    auto proxy = StartProxy(target.port(), Always(&FaultSettings::reset));
    resets += Talk(proxy->port(), kRequest).reset;
    EXPECT_EQ(proxy->stats().Faults(FaultKind::kReset), 1u);
  }
  EXPECT_EQ(resets, 4);
}

TEST(FaultProxy, TruncateEndsTheResponseEarlyWithFin) {
  Target target(kRequest.size(), kResponse);
  auto proxy = StartProxy(target.port(), Always(&FaultSettings::truncate));
  auto got = Talk(proxy->port(), kRequest);
  EXPECT_FALSE(got.reset);
  EXPECT_LT(got.response.size(), kResponse.size());
  EXPECT_EQ(got.response, kResponse.substr(0, got.response.size()));
  EXPECT_EQ(proxy->stats().Faults(FaultKind::kTruncate), 1u);
}

TEST(FaultProxy, StallHoldsTheDataThenClosesOrGoesOn) {
  Target target(kRequest.size(), kResponse);
  FaultSettings s = Always(&FaultSettings::stall);
  s.stall_min = s.stall_max = 300ms;
  auto proxy = StartProxy(target.port(), s);
  auto start = std::chrono::steady_clock::now();
  auto got = Talk(proxy->port(), kRequest);
  EXPECT_GE(std::chrono::steady_clock::now() - start, 290ms);
  EXPECT_EQ(proxy->stats().Faults(FaultKind::kStall), 1u);
  if (got.response.size() == kResponse.size()) {
    EXPECT_EQ(got.response, kResponse) << "a stall that goes on delivers everything";
  }
}

TEST(FaultProxy, ThrottlesToTheLinkRateAndAddsLatency) {
  Target target(kRequest.size(), kResponse);
  auto proxy = StartProxy(target.port(), {}, LinkShape{8000, 100ms});  // 8 kB/s
  auto start = std::chrono::steady_clock::now();
  auto got = Talk(proxy->port(), kRequest);
  auto took = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(got.response, kResponse);
  // 3 kB each way at 8 kB/s with a 512-byte burst, plus 100 ms each way.
  EXPECT_GE(took, 700ms);
  EXPECT_LT(took, 5s);
}

TEST(FaultProxy, TargetDownResetsTheClientAndIsCounted) {
  // A port nobody listens on: bound, never listened on, closed.
  const uint16_t dead_port = soak::PickFreePort();
  auto proxy = StartProxy(dead_port, {});
  EXPECT_TRUE(Talk(proxy->port(), kRequest).response.empty());
  EXPECT_EQ(proxy->stats().TargetDown(), 1u);
}

TEST(FaultProxy, StatsFileHasEveryKind) {
  TempDir dir;
  FaultStats stats;
  stats.CountFault(FaultKind::kStall);
  ASSERT_EQ(stats.WriteFile(dir.File("stats.json")), "");
  auto j = nlohmann::json::parse(std::ifstream(dir.File("stats.json")));
  EXPECT_EQ(j["faults"]["stall"], 1);
  for (auto kind : kFaultKinds) EXPECT_TRUE(j["faults"].contains(FaultName(kind))) << FaultName(kind);
}

// The `fieldsync-fault-proxy` program: prints its port, counts a forced fault, writes the stats
// file on SIGUSR1 and stops cleanly on SIGTERM.
TEST(FaultProxyProgram, ForwardsAndWritesItsStatsOnSignals) {
  TempDir dir;
  Target target(kRequest.size(), kResponse);
  auto proxy = soak::ChildProcess::Spawn({FIELDSYNC_BIN_DIR "/fieldsync-fault-proxy", "--target",
                                          "127.0.0.1:" + std::to_string(target.port()), "--cut-response", "1",
                                          "--fault-bytes", "0", "--stats-file", dir.File("stats.json"),
                                          "--stats-interval", "1min"},
                                         dir.File("out"), dir.File("err"));
  uint16_t port = 0;
  for (int i = 0; i < 500 && !port; ++i) {
    std::this_thread::sleep_for(10ms);
    auto out = soak::ReadFile(dir.File("out"));
    if (auto at = out.find("127.0.0.1:"); at != std::string::npos && out.find('\n') != std::string::npos) {
      port = static_cast<uint16_t>(std::stoi(out.substr(at + 10)));
    }
  }
  ASSERT_NE(port, 0) << soak::ReadFile(dir.File("err"));
  auto got = Talk(port, kRequest);
  EXPECT_TRUE(got.response.empty()) << "cut at the first response byte";
  EXPECT_EQ(target.Received(), kRequest);

  ASSERT_TRUE(proxy->Signal(SIGUSR1));
  nlohmann::json stats;
  for (int i = 0; i < 500 && stats.is_null(); ++i) {
    std::this_thread::sleep_for(10ms);
    stats = nlohmann::json::parse(soak::ReadFile(dir.File("stats.json")), nullptr, false, true);
    if (stats.is_discarded()) stats = nullptr;
  }
  ASSERT_TRUE(stats.is_object()) << "no stats file after SIGUSR1";
  EXPECT_EQ(stats["faults"]["cut_response"], 1);
  EXPECT_EQ(stats["connections"], 1);

  ASSERT_TRUE(proxy->Signal(SIGTERM));
  auto status = proxy->WaitFor(10s);
  ASSERT_TRUE(status);
  EXPECT_TRUE(status->ok()) << status->Describe();
  EXPECT_NE(soak::ReadFile(dir.File("err")).find("\"cut_response\":1"), std::string::npos);
}

TEST(FaultProxyProgram, RefusesATargetOffThisMachine) {
  TempDir dir;
  auto r = soak::RunCommand({FIELDSYNC_BIN_DIR "/fieldsync-fault-proxy", "--target", "10.0.0.1:80"},
                            dir.File("out"), dir.File("err"), 10s);
  EXPECT_FALSE(r.status.ok());
  EXPECT_NE(soak::ReadFile(dir.File("err")).find("this machine"), std::string::npos);
}

TEST(FaultProxyUnits, ParseWhatPeopleType) {
  EXPECT_EQ(ParseRate("32kB/s"), 32000u);
  EXPECT_EQ(ParseRate("1.5MB/s"), 1500000u);
  EXPECT_EQ(ParseRate("4096"), 4096u);
  EXPECT_FALSE(ParseRate("fast"));
  EXPECT_EQ(ParseDuration("300ms"), 300ms);
  EXPECT_EQ(ParseDuration("1.5s"), 1500ms);
  EXPECT_EQ(ParseLoopbackPort("127.0.0.1:8080"), 8080);
  EXPECT_EQ(ParseLoopbackPort("8080"), 8080);
  EXPECT_FALSE(ParseLoopbackPort("10.0.0.1:8080")) << "the proxy only talks to this machine";
}

}  // namespace
}  // namespace fieldsync::fault_proxy
