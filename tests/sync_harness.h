// Test harness for end-to-end sync: a real fieldsync server on 127.0.0.1 (random free port) with
// the seed plan and team, and tablets that enrol and sync over real HTTP through cpprestsdk.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "fieldsync.pb.h"
#include "fieldsync/body_compression.h"
#include "fieldsync/wire_codec.h"
#include "fieldsync/checklist.h"
#include "fieldsync/domain.h"
#include "fieldsync/fault_injecting_transport.h"
#include "fieldsync/protocol.h"
#include "fieldsync/seed_scenario.h"
#include "fieldsync/server/server.h"
#include "fieldsync/sync_engine.h"
#include "temp_dir.h"
#include "test_clock.h"

namespace fieldsync {

using server::Server;
using server::ServerOptions;

// Counts what goes over the wire: requests per path and the largest push (in either form), and
// keeps every push.
class RecordingTransport final : public HttpTransport {
 public:
  explicit RecordingTransport(HttpTransport& inner) : inner_(inner) {}
  Result<HttpResponse> Send(const HttpRequest& request) override {
    if (request.path == protocol::kPushPath) {
      wire::ChangeSet set;
      const std::string plain = body::PlainBody(request.headers, request.body);
      if (set.ParseFromString(plain)) {
        const size_t changes = set.changes_size() + wire_codec::GroupSize(set.grouped());
        max_push_changes = std::max(max_push_changes, static_cast<int>(changes));
        push_sets.push_back(set);
      }
      max_push_bytes = std::max(max_push_bytes, plain.size());
      if (const auto* encoding = FindHeader(request.headers, "Content-Encoding"); encoding && *encoding == "zstd") {
        ++compressed_pushes;
      }
      ++pushes;
    }
    if (request.path == protocol::kPullPath) ++pulls;
    if (request.path == protocol::kSnapshotPath) ++snapshots;
    return inner_.Send(request);
  }
  int pushes = 0, compressed_pushes = 0, pulls = 0, snapshots = 0, max_push_changes = 0;
  size_t max_push_bytes = 0;
  std::vector<wire::ChangeSet> push_sets;  // every push, decoded

 private:
  HttpTransport& inner_;
};

struct Tablet {
  std::string user;
  std::string path;  // the store file
  std::unique_ptr<DeviceStore> store;
  std::unique_ptr<HttpTransport> http;
  std::unique_ptr<Checklist> checklist;

  Result<SyncReport> Sync(SyncOptions options = FastOptions()) {
    SyncEngine engine(*store, *http, std::move(options));
    return engine.Sync();
  }
  Result<SyncReport> SyncThrough(HttpTransport& transport, SyncOptions options = FastOptions()) {
    SyncEngine engine(*store, transport, std::move(options));
    return engine.Sync();
  }
  bool Delete(const std::string& unit, const std::string& item, const std::string& part = "") {
    Status s = checklist->DeleteAnswer(unit, item, part);
    EXPECT_TRUE(s.ok()) << user << ": " << s.ToString();
    return s.ok();
  }
  std::string Token() const { return **store->GetSetting("sync.device_token"); }
  std::string DeviceId() const { return store->Identity()->device_id; }
  void Answer(const std::string& unit, const std::string& item, AnswerEdit edit) {
    auto r = checklist->Answer(unit, item, edit);
    ASSERT_TRUE(r.ok()) << user << ": " << r.status().ToString();
  }
  static SyncOptions FastOptions() {
    SyncOptions o;
    o.initial_backoff = std::chrono::milliseconds(5);
    o.max_backoff = std::chrono::milliseconds(20);
    o.request_timeout = std::chrono::milliseconds(5000);
    o.jitter_seed = 7;
    return o;
  }
};

class SyncHarness : public ::testing::Test {
 protected:
  void SetUp() override {
    ServerOptions options;
    options.db_path = dir_.File("server.db");
    options.clock = &server_clock_;
    options.tls = ServerTls();
    auto server = Server::Start(options);
    ASSERT_TRUE(server.ok()) << server.status().ToString();
    server_ = std::move(server).value();
    auto& service = server_->service();
    const std::pair<const char*, domain::Role> users[] = {{"thuongtruc", domain::Role::kSecretariat},
                                                          {"luan", domain::Role::kLeader},
                                                          {"tham", domain::Role::kDeputy},
                                                          {"khoa", domain::Role::kMember},
                                                          {"ha", domain::Role::kMember}};
    for (const auto& [name, role] : users) ASSERT_TRUE(service.AddUser(name, role, name).ok()) << name;
    ASSERT_TRUE(service.ImportPlan(seed::Plan31()).ok());
  }

  std::unique_ptr<Tablet> Enroll(const std::string& user, Clock* clock = nullptr) {
    auto tablet = std::make_unique<Tablet>();
    tablet->user = user;
    auto code = server_->service().CreateEnrollmentCode(user);
    EXPECT_TRUE(code.ok()) << code.status().ToString();
    tablet->path = dir_.File(user + "-" + std::to_string(++tablets_) + ".db");
    auto store = DeviceStore::Open(tablet->path, DeviceStoreOptions{clock});
    EXPECT_TRUE(store.ok());
    tablet->store = std::move(store).value();
    tablet->http = std::move(MakeCpprestTransport(server_->url(), tablet_trust_).value());
    SyncEngine engine(*tablet->store, *tablet->http, Tablet::FastOptions());
    Status s = engine.Enroll(server_->url(), *code, user + "'s tablet", tablet_trust_.pinned_ca_pem);
    EXPECT_TRUE(s.ok()) << s.ToString();
    tablet->checklist = std::make_unique<Checklist>(*tablet->store);
    return tablet;
  }

  // Sends `body` to `path` as the given token; returns the HTTP status.
  int RawPost(const std::string& path, const std::string& body, const std::string& token,
              std::string* response_body = nullptr) {
    auto http = MakeCpprestTransport(server_->url(), tablet_trust_);
    HttpRequest req;
    req.path = path;
    req.body = body;
    req.headers["Content-Type"] = protocol::kContentType;
    req.headers[protocol::kVersionHeader] = std::to_string(protocol::kVersion);
    if (!token.empty()) req.headers["Authorization"] = "Bearer " + token;
    auto answer = (*http)->Send(req);
    EXPECT_TRUE(answer.ok()) << answer.status().ToString();
    if (!answer.ok()) return 0;
    if (response_body) *response_body = answer->body;
    return answer->status;
  }

  // Every change the secretariat can pull, in server order.
  std::vector<wire::Change> PullEverything(const std::string& secretariat_token) {
    std::vector<wire::Change> all;
    uint64_t cursor = 0;
    while (true) {
      wire::PullRequest req;
      req.set_protocol_version(protocol::kVersion);
      req.set_after_server_seq(cursor);
      req.set_max_changes(1000);
      std::string body;
      EXPECT_EQ(RawPost(protocol::kPullPath, req.SerializeAsString(), secretariat_token, &body), 200);
      wire::PullResponse resp;
      EXPECT_TRUE(resp.ParseFromString(body));
      for (const auto& c : resp.changes()) all.push_back(c);
      cursor = resp.next_cursor();
      if (!resp.has_more()) return all;
    }
  }

  // HTTPS for the server when a test overrides this (the harness runs before the test's own SetUp).
  virtual server::TlsFiles ServerTls() { return {}; }

  TempDir dir_;
  TlsTrust tablet_trust_;  // what tablets from Enroll() trust
  ManualClock server_clock_{SystemClock::Default().NowMillis()};  // tests may move the server's days on
  std::unique_ptr<Server> server_;
  int tablets_ = 0;
};

}  // namespace fieldsync
