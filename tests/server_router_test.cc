// RequestRouter and LoopbackTransport: the same requests sent over real HTTP (cpprest, 127.0.0.1)
// and in-process through LoopbackTransport get the same answers (status, ErrorResponse code,
// message, server HLC header), so tests that use the loopback test the real protocol (S11, S2, S4).
#include <gtest/gtest.h>

#include <future>
#include <thread>

#include "fieldsync.pb.h"
#include "fieldsync/http_transport.h"
#include "fieldsync/protocol.h"
#include "fieldsync/seed_scenario.h"
#include "fieldsync/server/loopback_transport.h"
#include "fieldsync/server/request_router.h"
#include "fieldsync/server/server.h"
#include "fieldsync/wire_codec.h"
#include "temp_dir.h"

namespace fieldsync::server {
namespace {

struct Seen {
  int status = 0;
  std::string error_code, error_message, content_type;
  bool has_hlc_header = false;
  std::string body_without_hlc;  // the body with every server_hlc cleared
};

std::string Find(const std::map<std::string, std::string>& headers, const std::string& name) {
  for (const auto& [k, v] : headers) {
    if (HeaderNameLess{}(k, name) == HeaderNameLess{}(name, k)) return v;  // equal ignoring case
  }
  return "";
}

TEST(RouterTest, S11_LoopbackTransportAnswersExactlyAsHttp) {
  TempDir dir;
  auto started = Server::Start(ServerOptions{.db_path = dir.File("central.db")});
  ASSERT_TRUE(started.ok()) << started.status().ToString();
  auto& service = (*started)->service();
  ASSERT_TRUE(service.AddUser("khoa", domain::Role::kMember, "").ok());
  ASSERT_TRUE(service.ImportPlan(seed::Plan31()).ok());
  auto http = MakeCpprestTransport((*started)->url());
  ASSERT_TRUE(http.ok());
  RequestRouter router(service);
  LoopbackTransport loopback(router);

  auto send = [](HttpTransport& t, const std::string& method, const std::string& path, const std::string& body,
                 std::map<std::string, std::string> headers) {
    HttpRequest req;
    req.method = method;
    req.path = path;
    req.body = body;
    req.headers = std::move(headers);
    if (method == "POST") req.headers["Content-Type"] = protocol::kContentType;
    auto r = t.Send(req);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    Seen seen;
    if (!r.ok()) return seen;
    seen.status = r->status;
    seen.has_hlc_header = !Find(r->headers, protocol::kServerHlcHeader).empty();
    seen.content_type = Find(r->headers, "Content-Type");
    seen.body_without_hlc = r->body;
    wire::ErrorResponse error;
    if (r->status != 200 && error.ParseFromString(r->body)) {
      seen.error_code = error.code();
      seen.error_message = error.message();
      EXPECT_NE(error.server_hlc(), 0u);
      error.clear_server_hlc();
      seen.body_without_hlc = error.SerializeAsString();
    }
    return seen;
  };
  const std::string v = std::to_string(protocol::kVersion);
  auto enroll_body = [&](const std::string& device) {
    wire::EnrollRequest req;
    req.set_protocol_version(protocol::kVersion);
    req.set_enrollment_code(*service.CreateEnrollmentCode("khoa"));
    req.set_device_id(device);
    return req.SerializeAsString();
  };
  auto token_of = [&](HttpTransport& t, const std::string& device) {
    HttpRequest req;
    req.path = protocol::kEnrollPath;
    req.body = enroll_body(device);
    req.headers = {{protocol::kVersionHeader, v}, {"Content-Type", protocol::kContentType}};
    auto r = t.Send(req);
    wire::EnrollResponse resp;
    EXPECT_TRUE(r.ok() && r->status == 200 && resp.ParseFromString(r->body));
    return resp.device_token();
  };
  const std::string http_token = token_of(**http, "tablet-http");
  const std::string loop_token = token_of(loopback, "tablet-loop");
  ASSERT_FALSE(http_token.empty());
  ASSERT_FALSE(loop_token.empty());

  const auto& plan = seed::Plan31();
  const int64_t now = SystemClock::Default().NowMillis();
  auto push_body = [&](const std::string& device, uint64_t seq, int64_t ms, uint32_t version = protocol::kVersion) {
    Change c;
    c.record_type = domain::kAnswer;
    c.record_id = domain::AnswerId(plan.units[0].id, plan.items[0].id);
    c.field = "results";
    c.value = std::string("Kết quả ") + device;
    c.hlc = Hlc{ms, 0};
    c.device_id = device;
    c.device_seq = seq;
    c.author = "khoa";
    wire::ChangeSet set;
    set.set_protocol_version(version);
    set.set_device_id(device);
    wire_codec::ToWire(c, set.add_changes());
    return set.SerializeAsString();
  };
  wire::PullRequest pull;
  pull.set_protocol_version(protocol::kVersion);
  pull.set_after_server_seq(1'000'000);  // past the end: both answer an empty page
  wire::SnapshotRequest bad_snapshot;
  bad_snapshot.set_protocol_version(protocol::kVersion);
  bad_snapshot.set_page_token("not a token");

  struct Case {
    std::string name, method, path;
    std::function<std::string(const std::string& device)> body;
    std::function<std::map<std::string, std::string>(const std::string& token)> headers;
  };
  auto versioned = [&](const std::string& token) {
    std::map<std::string, std::string> h{{protocol::kVersionHeader, v}};
    if (!token.empty()) h["Authorization"] = "Bearer " + token;
    return h;
  };
  auto none = [](const std::string&) { return std::string(); };
  const std::vector<Case> cases = {
      {"health", "GET", protocol::kHealthPath, none, [](auto&) { return std::map<std::string, std::string>{}; }},
      {"health by POST", "POST", protocol::kHealthPath, none, versioned},
      {"no version", "POST", protocol::kPushPath, [&](auto& d) { return push_body(d, 1, now); },
       [](auto& t) { return std::map<std::string, std::string>{{"Authorization", "Bearer " + t}}; }},
      {"lower-case version header", "POST", protocol::kPullPath, [&](auto&) { return pull.SerializeAsString(); },
       [&](auto& t) {
         return std::map<std::string, std::string>{{"x-fieldsync-protocol", v}, {"authorization", "Bearer " + t}};
       }},
      {"no token", "POST", protocol::kPushPath, [&](auto& d) { return push_body(d, 1, now); },
       [&](auto&) { return versioned(""); }},
      {"unknown token", "POST", protocol::kPullPath, none, [&](auto&) { return versioned("nope"); }},
      {"garbage", "POST", protocol::kPushPath, [](auto&) { return std::string("\xff\xff\xff junk"); }, versioned},
      {"too large", "POST", protocol::kPushPath,
       [](auto&) { return std::string(protocol::kMaxBodyBytes + 10, 'x'); }, versioned},
      {"old message version", "POST", protocol::kPushPath, [&](auto& d) { return push_body(d, 1, now, 0); },
       versioned},
      {"wrong device", "POST", protocol::kPushPath, [&](auto&) { return push_body("tablet-other", 1, now); },
       versioned},
      {"clock ahead", "POST", protocol::kPushPath, [&](auto& d) { return push_body(d, 1, now + 3'600'000); },
       versioned},
      {"push", "POST", protocol::kPushPath, [&](auto& d) { return push_body(d, 1, now); }, versioned},
      {"resend", "POST", protocol::kPushPath, [&](auto& d) { return push_body(d, 1, now); }, versioned},
      {"pull past the end", "POST", protocol::kPullPath, [&](auto&) { return pull.SerializeAsString(); }, versioned},
      {"bad page token", "POST", protocol::kSnapshotPath, [&](auto&) { return bad_snapshot.SerializeAsString(); },
       versioned},
      {"unknown path", "POST", "/v1/nothing", none, versioned},
      {"GET push", "GET", protocol::kPushPath, none, versioned},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    Seen over_http = send(**http, c.method, c.path, c.body("tablet-http"), c.headers(http_token));
    Seen in_process = send(loopback, c.method, c.path, c.body("tablet-loop"), c.headers(loop_token));
    EXPECT_NE(over_http.status, 0);
    EXPECT_EQ(over_http.status, in_process.status);
    EXPECT_EQ(over_http.error_code, in_process.error_code);
    EXPECT_TRUE(over_http.has_hlc_header);
    EXPECT_TRUE(in_process.has_hlc_header);
    EXPECT_EQ(over_http.content_type, in_process.content_type);
    if (over_http.status != 200) {
      // Same refusal, word for word (messages naming the device differ only by its name).
      std::string msg = over_http.error_message;
      for (size_t p; (p = msg.find("tablet-http")) != std::string::npos;) msg.replace(p, 11, "tablet-loop");
      EXPECT_EQ(msg, in_process.error_message);
    }
    if (c.name == "push" || c.name == "resend") {
      wire::PushResponse a, b;
      ASSERT_TRUE(a.ParseFromString(over_http.body_without_hlc));
      ASSERT_TRUE(b.ParseFromString(in_process.body_without_hlc));
      ASSERT_EQ(a.results_size(), 1);
      ASSERT_EQ(b.results_size(), 1);
      EXPECT_EQ(a.results(0).outcome(), b.results(0).outcome());
      EXPECT_EQ(a.results(0).outcome(), c.name == "push" ? wire::APPLIED : wire::ALREADY_HAD);
    }
    if (c.name == "health") {
      EXPECT_EQ(over_http.body_without_hlc, "ok");
      EXPECT_EQ(in_process.body_without_hlc, "ok");
    }
  }
}

// An overloaded server answers 503 at once, even while a push holds the service (here a report
// holding its lock): the answer must not wait for the very work that made the server busy.
TEST(RouterTest, S11_BusyIsAnsweredWhileTheServiceIsHeld) {
  TempDir dir;
  auto service = SyncService::Open(dir.File("central.db"));
  ASSERT_TRUE(service.ok()) << service.status().ToString();
  const Hlc before = (*service)->ServerHlc();
  RequestRouter router(**service);
  std::promise<void> entered, release;
  std::shared_future<void> released = release.get_future().share();
  std::thread holder([&] {
    (void)(*service)->ReadStore([&](ServerStore&) {
      entered.set_value();
      released.wait();
      return Status::Ok();
    });
  });
  entered.get_future().wait();
  auto busy = std::async(std::launch::async, [&] { return router.Busy(7); });
  const bool answered = busy.wait_for(std::chrono::seconds(20)) == std::future_status::ready;
  release.set_value();
  holder.join();
  ASSERT_TRUE(answered) << "the 503 waited for the service's lock";
  RouterResponse r = busy.get();
  EXPECT_EQ(r.status, 503);
  EXPECT_EQ(r.headers["Retry-After"], "1");  // HeaderMap ignores case
  wire::ErrorResponse error;
  ASSERT_TRUE(error.ParseFromString(r.body));
  EXPECT_EQ(error.code(), "unavailable");
  EXPECT_GE(error.server_hlc(), before.Pack()) << "stamped with the last timestamp handed out, never an older one";
}

}  // namespace
}  // namespace fieldsync::server
