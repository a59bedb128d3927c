// The HTTP layer over 127.0.0.1 with cpprest's client: status codes and ErrorResponse codes of
// docs/PROTOCOL.md (426, 401, 403, 400, 413), the server HLC header on every answer, a push/pull
// round trip, and that the server keeps serving after bad input (S11).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <thread>
#include <vector>

#include <cpprest/http_client.h>
#include <gtest/gtest.h>

#include "fieldsync.pb.h"
#include "fieldsync/protocol.h"
#include "fieldsync/seed_scenario.h"
#include "fieldsync/server/server.h"
#include "fieldsync/wire_codec.h"
#include "temp_dir.h"

namespace fieldsync::server {
namespace {

namespace http = web::http;

struct Reply {
  int status = 0;
  std::string body;
  std::string server_hlc;
};

// A raw TCP connection to the server at `url` (on 127.0.0.1); -1 when it cannot connect.
int ConnectToServer(const std::string& url) {
  const int port = std::stoi(url.substr(url.rfind(':') + 1));
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

// The head of a raw push request whose body is framed by `framing` ("Content-Length: N" or
// "Transfer-Encoding: chunked").
std::string PushHead(const std::string& token, const std::string& framing) {
  return "POST /v1/push HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Fieldsync-Protocol: 1\r\n"
         "Content-Type: application/x-protobuf\r\nAuthorization: Bearer " + token + "\r\n" + framing + "\r\n\r\n";
}

// Sends `head` then body bytes over a raw connection, as fast as the server takes them, until the
// server answers, `max_body` bytes are sent or 20 s pass. Returns the answer's first line ("" when
// none came) and how many body bytes went out.
struct RawUpload {
  std::string status_line;
  size_t body_sent = 0;
};
RawUpload UploadUntilAnswered(const std::string& url, const std::string& head, bool chunked, size_t max_body) {
  RawUpload out;
  const int fd = ConnectToServer(url);
  if (fd < 0) return out;
  std::string pending = head;
  const std::string piece(64 * 1024, 'x');
  char hex[16];
  std::snprintf(hex, sizeof hex, "%zx\r\n", piece.size());
  const std::string chunk = chunked ? std::string(hex) + piece + "\r\n" : piece;
  std::string answer;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (std::chrono::steady_clock::now() < deadline && answer.find("\r\n") == std::string::npos) {
    pollfd p{fd, static_cast<short>(POLLIN | (out.body_sent < max_body ? POLLOUT : 0)), 0};
    if (::poll(&p, 1, 200) <= 0) continue;
    if (p.revents & (POLLIN | POLLHUP | POLLERR)) {
      char buf[4096];
      const ssize_t n = ::recv(fd, buf, sizeof buf, MSG_DONTWAIT);
      if (n <= 0) break;
      answer.append(buf, static_cast<size_t>(n));
      continue;
    }
    if (pending.empty()) {
      pending = chunk;
      out.body_sent += piece.size();
    }
    const ssize_t n = ::send(fd, pending.data(), pending.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
    if (n < 0 && errno != EAGAIN) break;
    if (n > 0) pending.erase(0, static_cast<size_t>(n));
  }
  ::close(fd);
  out.status_line = answer.substr(0, answer.find("\r\n"));
  return out;
}

class HttpTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto started = Server::Start(ServerOptions{.db_path = dir_.File("central.db")});
    ASSERT_TRUE(started.ok()) << started.status().ToString();
    server_ = std::move(started).value();
    auto& service = server_->service();
    ASSERT_TRUE(service.AddUser("khoa", domain::Role::kMember, "").ok());
    ASSERT_TRUE(service.ImportPlan(seed::Plan31()).ok());
    client_ = std::make_unique<http::client::http_client>(server_->url());
  }

  Reply Send(const std::string& method, const std::string& path, const std::string& body,
             const std::string& version = "1", const std::string& token = "") {
    http::http_request req(method);
    req.set_request_uri(path);
    if (!version.empty()) req.headers().add(protocol::kVersionHeader, version);
    if (!token.empty()) req.headers().add(http::header_names::authorization, "Bearer " + token);
    if (!body.empty() || method == http::methods::POST) {
      req.set_body(std::vector<unsigned char>(body.begin(), body.end()));
      req.headers().set_content_type(protocol::kContentType);
    }
    Reply reply;
    try {
      auto resp = client_->request(req).get();
      reply.status = resp.status_code();
      auto bytes = resp.extract_vector().get();
      reply.body.assign(bytes.begin(), bytes.end());
      auto it = resp.headers().find(protocol::kServerHlcHeader);
      if (it != resp.headers().end()) reply.server_hlc = it->second;
    } catch (const std::exception& e) {
      ADD_FAILURE() << method << " " << path << ": " << e.what();
    }
    return reply;
  }

  static std::string ErrorCode(const Reply& r) {
    wire::ErrorResponse error;
    EXPECT_TRUE(error.ParseFromString(r.body)) << "status " << r.status << " without an ErrorResponse";
    EXPECT_FALSE(error.message().empty());
    EXPECT_NE(error.server_hlc(), 0u);
    return error.code();
  }

  std::string Enroll() {
    auto code = server_->service().CreateEnrollmentCode("khoa");
    EXPECT_TRUE(code.ok());
    wire::EnrollRequest req;
    req.set_protocol_version(1);
    req.set_enrollment_code(*code);
    req.set_device_id("tablet-khoa");
    auto r = Send("POST", protocol::kEnrollPath, req.SerializeAsString());
    EXPECT_EQ(r.status, 200);
    wire::EnrollResponse resp;
    EXPECT_TRUE(resp.ParseFromString(r.body));
    EXPECT_EQ(resp.user_name(), "khoa");
    EXPECT_EQ(resp.role(), "member");
    return resp.device_token();
  }

  static std::string AnswerPush(uint64_t seq, int64_t ms, const std::string& device = "tablet-khoa") {
    const auto& plan = seed::Plan31();
    Change c;
    c.record_type = domain::kAnswer;
    c.record_id = domain::AnswerId(plan.units[0].id, plan.items[0].id);
    c.field = "results";
    c.value = std::string("Kết quả qua HTTP");
    c.hlc = Hlc{ms, 0};
    c.device_id = device;
    c.device_seq = seq;
    c.author = "khoa";
    wire::ChangeSet set;
    set.set_protocol_version(1);
    set.set_device_id("tablet-khoa");
    wire_codec::ToWire(c, set.add_changes());
    return set.SerializeAsString();
  }

  void ExpectHealthy() {
    auto r = Send("GET", protocol::kHealthPath, "", "");
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.body, "ok");
    EXPECT_FALSE(r.server_hlc.empty());
  }

  TempDir dir_;
  std::unique_ptr<Server> server_;
  std::unique_ptr<http::client::http_client> client_;
};

TEST_F(HttpTest, S11_BadRequestsGetClearRefusalsAndServerKeepsServing) {
  ExpectHealthy();
  const int64_t now = SystemClock::Default().NowMillis();

  auto no_version = Send("POST", protocol::kPushPath, AnswerPush(1, now), "");
  EXPECT_EQ(no_version.status, 426);
  EXPECT_EQ(ErrorCode(no_version), "unsupported_protocol");
  EXPECT_FALSE(no_version.server_hlc.empty());
  EXPECT_EQ(Send("POST", protocol::kPushPath, AnswerPush(1, now), "99").status, 426);

  auto no_token = Send("POST", protocol::kPushPath, AnswerPush(1, now));
  EXPECT_EQ(no_token.status, 401);
  EXPECT_EQ(ErrorCode(no_token), "unauthenticated");
  EXPECT_EQ(Send("POST", protocol::kPullPath, "", "1", "unknown-token").status, 401);

  auto bad_code = Send("POST", protocol::kEnrollPath, [] {
    wire::EnrollRequest req;
    req.set_protocol_version(1);
    req.set_enrollment_code("NOPE0-NOPE0");
    req.set_device_id("x");
    return req.SerializeAsString();
  }());
  EXPECT_EQ(bad_code.status, 403);
  EXPECT_EQ(ErrorCode(bad_code), "enrollment_code_invalid");

  const std::string token = Enroll();
  ASSERT_FALSE(token.empty());

  auto garbage = Send("POST", protocol::kPushPath, "\xff\xff\xff not protobuf", "1", token);
  EXPECT_EQ(garbage.status, 400);
  EXPECT_EQ(ErrorCode(garbage), "malformed");

  auto huge = Send("POST", protocol::kPushPath, std::string(protocol::kMaxBodyBytes + 1024, 'x'), "1", token);
  EXPECT_EQ(huge.status, 413);
  EXPECT_EQ(ErrorCode(huge), "too_large");

  wire::ChangeSet old_version;
  old_version.ParseFromString(AnswerPush(1, now));
  old_version.set_protocol_version(0);
  EXPECT_EQ(Send("POST", protocol::kPushPath, old_version.SerializeAsString(), "1", token).status, 426);

  auto wrong_device = Send("POST", protocol::kPushPath, AnswerPush(1, now, "tablet-other"), "1", token);
  EXPECT_EQ(wrong_device.status, 403);
  EXPECT_EQ(ErrorCode(wrong_device), "wrong_device");

  auto future = Send("POST", protocol::kPushPath, AnswerPush(1, now + 3'600'000), "1", token);
  EXPECT_EQ(future.status, 400);
  EXPECT_EQ(ErrorCode(future), "clock_ahead");

  EXPECT_EQ(Send("POST", "/v1/nothing", "", "1", token).status, 404);
  EXPECT_EQ(Send("GET", protocol::kPushPath, "", "1", token).status, 405);
  ExpectHealthy();
}

// cpprest's 40 threads once all waited for request bodies that only they could read: 100 uploads
// arriving together hung the server for good. Every one of them must be answered.
// cpprest holds a request's whole body in memory before any answer (S11): a body of unknown length
// (chunked) is answered 411 at once and not read. Without that, the upload is never answered (the
// body never ends) while the server holds all of it.
TEST_F(HttpTest, S11_ChunkedUploadsAreRefusedAtOnceNotHeldInMemory) {
  const std::string token = Enroll();
  const std::string head = PushHead(token, "Transfer-Encoding: chunked");
  const size_t cap = 256u << 20;
  auto chunked = UploadUntilAnswered(server_->url(), head, true, cap);
  EXPECT_EQ(chunked.status_line, "HTTP/1.1 411 Length Required");
  EXPECT_LT(chunked.body_sent, cap) << "answered only once the client gave up";
  ExpectHealthy();
}

// This process's resident memory in MiB (the server runs in it).
double ResidentMiB() {
  std::FILE* f = std::fopen("/proc/self/statm", "r");
  long pages = 0, resident = 0;
  if (f) {
    if (std::fscanf(f, "%ld %ld", &pages, &resident) != 2) resident = 0;
    std::fclose(f);
  }
  return static_cast<double>(resident) * static_cast<double>(::sysconf(_SC_PAGESIZE)) / (1024.0 * 1024.0);
}

// A body declared over the limit is read and thrown away as it arrives, then answered 413: the
// server's memory does not grow with it (cpprest's own reading kept all of it, 256 MiB here).
TEST_F(HttpTest, S11_DeclaredOversizedUploadIsAnswered413WithoutBeingHeldInMemory) {
  const std::string token = Enroll();
  const size_t size = 256u << 20;
  const std::string head = PushHead(token, "Content-Length: " + std::to_string(size));
  const double before = ResidentMiB();
  std::atomic<bool> done{false};
  double peak = before;
  std::thread sampler([&] {
    while (!done) {
      peak = std::max(peak, ResidentMiB());
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  });
  auto upload = UploadUntilAnswered(server_->url(), head, false, size);
  done = true;
  sampler.join();
  EXPECT_EQ(upload.status_line, "HTTP/1.1 413 Request Entity Too Large");
  EXPECT_LT(peak - before, 64.0) << "the server held the body: " << before << " MiB before, " << peak << " at peak";
  ExpectHealthy();
}

size_t OpenDescriptors() {
  size_t n = 0;
  for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator("/proc/self/fd")) ++n;
  return n;
}

// Sends all of `data` on `fd`; false when the connection failed first.
bool SendAll(int fd, const std::string& data) {
  for (size_t sent = 0; sent < data.size();) {
    const ssize_t n = ::send(fd, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) return false;
    sent += static_cast<size_t>(n);
  }
  return true;
}

// Sends `head` and `body_bytes` bytes of body over a raw connection, then hangs up.
void UploadAndHangUp(const std::string& url, const std::string& head, size_t body_bytes) {
  const int fd = ConnectToServer(url);
  if (fd < 0) return;
  SendAll(fd, head + std::string(body_bytes, 'x'));
  ::close(fd);
}

// A client that goes away mid-upload (a tablet losing its link) leaves nothing behind: the server
// closes its side of the connection and frees what had arrived, under the limit and over it.
TEST_F(HttpTest, S11_UploadsAbandonedMidwayLeaveNoConnectionsOpen) {
  const std::string token = Enroll();
  auto head = [&](size_t declared) { return PushHead(token, "Content-Length: " + std::to_string(declared)); };
  ExpectHealthy();
  const size_t before = OpenDescriptors();
  constexpr int kAbandoned = 20;
  for (int i = 0; i < kAbandoned; ++i) {
    UploadAndHangUp(server_->url(), head(3u << 20), 256 * 1024);   // under the limit: would be read
    UploadAndHangUp(server_->url(), head(64u << 20), 256 * 1024);  // over it: would be thrown away
  }
  size_t after = OpenDescriptors();
  for (int wait = 0; wait < 100 && after > before + 4; ++wait) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    after = OpenDescriptors();
  }
  EXPECT_LE(after, before + 4) << 2 * kAbandoned << " abandoned uploads left " << after - before
                               << " descriptors open";
  ExpectHealthy();
}

// cpprest keeps a closed server's connections running while another server in the process is
// open: an upload to the closed one that finishes afterwards must not reach the freed server, and
// is answered so that its connection closes.
TEST_F(HttpTest, AnUploadFinishingAfterItsServerIsGoneIsTurnedAway) {
  auto other = Server::Start(ServerOptions{.db_path = dir_.File("other.db")});
  ASSERT_TRUE(other.ok()) << other.status().ToString();
  const std::string url = (*other)->url();
  constexpr size_t kBody = 512 * 1024;
  const int fd = ConnectToServer(url);
  ASSERT_GE(fd, 0);
  ASSERT_TRUE(SendAll(fd, PushHead("not-a-token", "Content-Length: " + std::to_string(kBody)) +
                       std::string(kBody / 2, 'x')));
  // cpprest hands a request to the server once its head is parsed: long before this, even on a
  // loaded machine (before then it would answer 404, and the check below would say so).
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  other->reset();                         // that server is gone, ours is open
  SendAll(fd, std::string(kBody / 2, 'x'));  // may fail once the answer has closed the connection
  std::string answer;
  char buf[4096];
  for (int i = 0; i < 100 && answer.find("\r\n") == std::string::npos; ++i) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 100) <= 0) continue;
    const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) break;
    answer.append(buf, static_cast<size_t>(n));
  }
  ::close(fd);
  // Either answered (400, connection closed) or cut; never handled by the freed server (a crash).
  if (!answer.empty()) {
    EXPECT_EQ(answer.substr(0, answer.find("\r\n")), "HTTP/1.1 400 Bad Request");
  }
  ExpectHealthy();
}

TEST_F(HttpTest, HundredLargeUploadsAtOnceAreAllAnswered) {
  const std::string body(1024 * 1024, 'x');  // well under the limit, read in many pieces
  constexpr int kClients = 100;
  std::vector<int> status(kClients, 0);
  std::vector<std::thread> clients;
  for (int i = 0; i < kClients; ++i) {
    clients.emplace_back([&, i] {
      http::client::http_client_config config;
      config.set_timeout(std::chrono::seconds(30));
      http::client::http_client client(server_->url(), config);
      http::http_request req(http::methods::POST);
      req.set_request_uri(protocol::kPushPath);
      req.headers().add(protocol::kVersionHeader, "1");
      req.headers().add(http::header_names::authorization, "Bearer not-a-token");
      req.set_body(std::vector<unsigned char>(body.begin(), body.end()));
      req.headers().set_content_type(protocol::kContentType);
      try {
        status[i] = client.request(req).get().status_code();
      } catch (const std::exception&) {
        status[i] = -1;  // timed out: the server hung
      }
    });
  }
  for (auto& c : clients) c.join();
  for (int i = 0; i < kClients; ++i) EXPECT_EQ(status[i], 401) << "upload " << i;
  EXPECT_EQ(Send("GET", protocol::kHealthPath, "").status, 200) << "and the server still serves";
}

TEST_F(HttpTest, S2_S4_PushThenPullRoundTrip) {
  const std::string token = Enroll();
  const int64_t now = SystemClock::Default().NowMillis();
  for (int attempt = 0; attempt < 2; ++attempt) {
    auto pushed = Send("POST", protocol::kPushPath, AnswerPush(1, now), "1", token);
    ASSERT_EQ(pushed.status, 200) << pushed.body;
    wire::PushResponse resp;
    ASSERT_TRUE(resp.ParseFromString(pushed.body));
    ASSERT_EQ(resp.results_size(), 1);
    EXPECT_EQ(resp.results(0).outcome(), attempt == 0 ? wire::APPLIED : wire::ALREADY_HAD);
    EXPECT_GT(resp.server_hlc(), (Hlc{now, 0}.Pack()));
  }
  wire::PullRequest pull;
  pull.set_protocol_version(1);
  pull.set_max_changes(1000);
  auto pulled = Send("POST", protocol::kPullPath, pull.SerializeAsString(), "1", token);
  ASSERT_EQ(pulled.status, 200);
  wire::PullResponse resp;
  ASSERT_TRUE(resp.ParseFromString(pulled.body));
  EXPECT_FALSE(resp.has_more());
  ASSERT_GT(resp.changes_size(), 0);
  EXPECT_EQ(resp.next_cursor(), resp.changes(resp.changes_size() - 1).server_seq());
  EXPECT_EQ(resp.changes(resp.changes_size() - 1).value().text(), "Kết quả qua HTTP");

  wire::SnapshotRequest snap;
  snap.set_protocol_version(1);
  auto snapshot = Send("POST", protocol::kSnapshotPath, snap.SerializeAsString(), "1", token);
  ASSERT_EQ(snapshot.status, 200);
  wire::SnapshotResponse page;
  ASSERT_TRUE(page.ParseFromString(snapshot.body));
  EXPECT_GT(page.fields_size(), 0);
  EXPECT_EQ(page.as_of_server_seq(), resp.next_cursor());
}

}  // namespace
}  // namespace fieldsync::server
