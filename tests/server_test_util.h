// Helpers for the server tests: a SyncService over a temporary SQLite file with the seed plan (with
// a fault-injecting store in between), a manual clock, the seed's users, and builders for changes
// as tablets would push them.
#pragma once

#include <gmock/gmock.h>
#include <sqlite3.h>
#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "fieldsync.pb.h"
#include "fieldsync/domain.h"
#include "fieldsync/protocol.h"
#include "fieldsync/seed_scenario.h"
#include "fieldsync/server/request_router.h"
#include "fieldsync/server/server_store.h"
#include "fieldsync/server/sync_service.h"
#include "fieldsync/wire_codec.h"
#include "temp_dir.h"
#include "test_clock.h"

namespace fieldsync::server::testing {

// 2023-07-06T08:00:00Z, the first visit's morning.
inline constexpr int64_t kVisitDayMs = 1'688'630'400'000;

// Seed ids used across the tests (seed_scenario.cc).
struct Seed {
  const domain::PlanData& plan = seed::Plan31();
  const domain::Visit& v1 = plan.visits[0];      // khoa and luan assigned
  const domain::Visit& v2 = plan.visits[1];      // khoa not assigned (ha is)
  const domain::Unit& q4 = plan.units[0];        // in V1, template A
  const domain::Unit& cnsg = plan.units[2];      // in V2, template B
  const domain::ChecklistItem& a1 = plan.items[0];
  const domain::ChecklistItem& b1 = plan.items[7];
};

// A ServerStore that forwards to a real one, failing a call when `fail` (if set) returns an error
// for it: `op` is the method name, `arg` its first text argument ("" when none).
class FaultyStore final : public ServerStore {
 public:
  explicit FaultyStore(std::unique_ptr<ServerStore> inner) : inner_(std::move(inner)) {}
  std::function<Status(std::string_view op, const std::string& arg)> fail;
  // When set, told how many records each call that returns records gave back (bounded reads).
  std::function<void(std::string_view op, const std::string& arg, size_t records)> returned;

  Result<std::string> OwnDeviceId() override { return Call("OwnDeviceId", "", [&] { return inner_->OwnDeviceId(); }); }
  Result<Hlc> LoadClock() override { return Call("LoadClock", "", [&] { return inner_->LoadClock(); }); }
  Result<uint64_t> ReserveOwnDeviceSeqs(uint64_t n) override {
    return Call("ReserveOwnDeviceSeqs", "", [&] { return inner_->ReserveOwnDeviceSeqs(n); });
  }
  Status AddUser(const UserInfo& u) override { return Hook("AddUser", u.name, [&] { return inner_->AddUser(u); }); }
  Result<std::optional<UserInfo>> GetUser(const std::string& name) override {
    return Call("GetUser", name, [&] { return inner_->GetUser(name); });
  }
  Status AddEnrollmentCode(const EnrollmentCode& c) override {
    return Hook("AddEnrollmentCode", c.user_name, [&] { return inner_->AddEnrollmentCode(c); });
  }
  Result<UserInfo> EnrollDevice(const std::string& code, int64_t now, const DeviceInfo& d, const std::string& token,
                                const AuditEvent& audit) override {
    return Call("EnrollDevice", d.device_id, [&] { return inner_->EnrollDevice(code, now, d, token, audit); });
  }
  Result<std::optional<DeviceInfo>> DeviceByTokenHash(const std::string& h) override {
    return Call("DeviceByTokenHash", h, [&] { return inner_->DeviceByTokenHash(h); });
  }
  Result<std::optional<std::string>> RecordScope(const std::string& type, const std::string& id) override {
    return Call("RecordScope", type + " " + id, [&] { return inner_->RecordScope(type, id); });
  }
  Result<std::vector<DeviceInfo>> ListDevices() override {
    return Call("ListDevices", "", [&] { return inner_->ListDevices(); });
  }
  Result<size_t> RevokeDevices(const std::string& device, const std::string& user, int64_t now) override {
    return Call("RevokeDevices", device, [&] { return inner_->RevokeDevices(device, user, now); });
  }
  Status RecordEnrollmentFailure(const std::string& client, int64_t now) override {
    return Hook("RecordEnrollmentFailure", client, [&] { return inner_->RecordEnrollmentFailure(client, now); });
  }
  Result<int64_t> CountEnrollmentFailures(const std::string& client, int64_t since) override {
    return Call("CountEnrollmentFailures", client, [&] { return inner_->CountEnrollmentFailures(client, since); });
  }
  Status AppendAudit(const AuditEvent& e, int64_t now) override {
    return Hook("AppendAudit", e.action, [&] { return inner_->AppendAudit(e, now); });
  }
  Result<std::vector<AuditEntry>> AuditEntries(uint64_t after, size_t max) override {
    return Call("AuditEntries", "", [&] { return inner_->AuditEntries(after, max); });
  }
  Result<std::vector<ApplyResult>> ApplyChanges(const std::vector<ScopedChange>& changes, HlcClock& clock,
                                                const std::string& own_author, const AuditEvent& audit,
                                                size_t* refused) override {
    return Call("ApplyChanges", "", [&] { return inner_->ApplyChanges(changes, clock, own_author, audit, refused); });
  }
  Result<ChangePage> ChangesAfter(uint64_t after, const ScopeFilter& f, size_t max, const SkipOwnChanges& except) override {
    return Call("ChangesAfter", "", [&] { return inner_->ChangesAfter(after, f, max, except); });
  }
  Result<uint64_t> LastServerSeq() override { return Call("LastServerSeq", "", [&] { return inner_->LastServerSeq(); }); }
  Result<FieldPage> CurrentFields(const std::optional<FieldKey>& after, const ScopeFilter& f, size_t max) override {
    return Call("CurrentFields", "", [&] { return inner_->CurrentFields(after, f, max); });
  }
  Result<std::optional<Record>> GetRecord(const std::string& type, const std::string& id) override {
    return Call("GetRecord", type + " " + id, [&] { return inner_->GetRecord(type, id); });
  }
  Result<std::vector<Record>> FindRecords(const std::string& type, const std::string& field,
                                          const std::string& value) override {
    return Call("FindRecords", type, [&] { return inner_->FindRecords(type, field, value); });
  }
  Result<std::vector<Record>> ListRecords(const std::string& type) override {
    return Call("ListRecords", type, [&] { return inner_->ListRecords(type); });
  }
  Result<RecordPage> FindRecordsPage(const std::string& type, const std::string& field, const std::string& value,
                                     const std::string& after, size_t max) override {
    return Call("FindRecordsPage", type, [&] { return inner_->FindRecordsPage(type, field, value, after, max); });
  }
  Result<RecordPage> RecordsByIdPrefix(const std::string& type, const std::string& prefix, const std::string& after,
                                       size_t max) override {
    return Call("RecordsByIdPrefix", type, [&] { return inner_->RecordsByIdPrefix(type, prefix, after, max); });
  }
  Result<std::unique_ptr<ReadView>> BeginReadView() override {
    return Call("BeginReadView", "", [&] { return inner_->BeginReadView(); });
  }
  Result<std::vector<Record>> Conflicts(bool all) override {
    return Call("Conflicts", "", [&] { return inner_->Conflicts(all); });
  }
  Status RecordDeviceCursor(const std::string& device, uint64_t cursor, int64_t now) override {
    return Hook("RecordDeviceCursor", device, [&] { return inner_->RecordDeviceCursor(device, cursor, now); });
  }
  Result<uint64_t> PurgedThrough() override { return Call("PurgedThrough", "", [&] { return inner_->PurgedThrough(); }); }
  Result<PurgeStats> PurgeHistory(int64_t since) override {
    return Call("PurgeHistory", "", [&] { return inner_->PurgeHistory(since); });
  }

 private:
  Status Injected(std::string_view op, const std::string& arg) { return fail ? fail(op, arg) : Status::Ok(); }
  template <typename F>
  auto Call(std::string_view op, const std::string& arg, F forward) -> decltype(forward()) {
    if (Status s = Injected(op, arg); !s.ok()) return s;
    auto result = forward();
    using R = decltype(result);
    if constexpr (std::is_same_v<R, Result<std::vector<Record>>>) {
      if (returned && result.ok()) returned(op, arg, result->size());
    } else if constexpr (std::is_same_v<R, Result<RecordPage>>) {
      if (returned && result.ok()) returned(op, arg, result->records.size());
    } else if constexpr (std::is_same_v<R, Result<std::optional<Record>>>) {
      if (returned && result.ok()) returned(op, arg, result->has_value() ? 1 : 0);
    }
    return result;
  }
  template <typename F>
  Status Hook(std::string_view op, const std::string& arg, F forward) {
    FS_RETURN_IF_ERROR(Injected(op, arg));
    return forward();
  }
  std::unique_ptr<ServerStore> inner_;
};

class ServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(seed_.q4.visit_id, seed_.v1.id);
    ASSERT_EQ(seed_.cnsg.visit_id, seed_.v2.id);
    ASSERT_EQ(seed_.b1.code, "B1");
    Open();
    ASSERT_TRUE(service_->AddUser("thuongtruc", domain::Role::kSecretariat, "Thường trực").ok());
    ASSERT_TRUE(service_->AddUser("luan", domain::Role::kLeader, "Ngô Văn Luận").ok());
    ASSERT_TRUE(service_->AddUser("khoa", domain::Role::kMember, "Trần Minh Khoa").ok());
    ASSERT_TRUE(service_->AddUser("ha", domain::Role::kMember, "Lê Thị Thu Hà").ok());
    auto imported = service_->ImportPlan(seed_.plan);
    ASSERT_TRUE(imported.ok()) << imported.status().ToString();
  }

  // The service over the SQLite store in dir_, through a FaultyStore (faults_) that fails nothing
  // until a test sets faults_->fail.
  void Open() {
    service_.reset();
    faults_ = nullptr;
    SyncServiceOptions options;
    options.clock = &clock_;
    auto store = OpenSqliteServerStore(dir_.File("central.db"));
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    auto faulty = std::make_unique<FaultyStore>(std::move(store).value());
    FaultyStore* faults = faulty.get();
    auto opened = SyncService::Create(std::move(faulty), options);
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    service_ = std::move(opened).value();
    faults_ = faults;
  }

  // The first column of the first row `sql` gives on the store's file (-1 when none), and running
  // SQL on it: for white-box checks of the tables, beside the service's own connection.
  int64_t StoreScalar(const std::string& sql) {
    sqlite3* db = nullptr;
    EXPECT_EQ(sqlite3_open(dir_.File("central.db").c_str(), &db), SQLITE_OK);
    sqlite3_stmt* s = nullptr;
    EXPECT_EQ(sqlite3_prepare_v2(db, sql.c_str(), -1, &s, nullptr), SQLITE_OK) << sqlite3_errmsg(db);
    const int64_t v = sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int64(s, 0) : -1;
    sqlite3_finalize(s);
    sqlite3_close(db);
    return v;
  }
  void StoreExec(const std::string& sql) {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(dir_.File("central.db").c_str(), &db), SQLITE_OK);
    char* error = nullptr;
    EXPECT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error), SQLITE_OK) << (error ? error : "");
    sqlite3_free(error);
    sqlite3_close(db);
  }

  // Sessions as Authenticate would return them (the tests of enrolment check that path).
  Session Secretariat() { return {"dev-sec", "thuongtruc", domain::Role::kSecretariat}; }
  Session Leader() { return {"dev-luan", "luan", domain::Role::kLeader}; }
  Session Khoa() { return {"dev-khoa", "khoa", domain::Role::kMember}; }
  Session Ha() { return {"dev-ha", "ha", domain::Role::kMember}; }

  // A change as `session`'s tablet would make it: HLC at `ms` (now when 0), its own device.
  Change Make(const Session& session, uint64_t seq, const std::string& type, const std::string& id,
              const std::string& field, Value value, int64_t ms = 0, uint32_t counter = 0) {
    Change c;
    c.record_type = type;
    c.record_id = id;
    c.field = field;
    c.value = std::move(value);
    c.hlc = Hlc{ms ? ms : clock_.NowMillis(), counter};
    c.device_id = session.device_id;
    c.device_seq = seq;
    c.author = session.user_name;
    return c;
  }
  Change Answer(const Session& s, uint64_t seq, const domain::Unit& unit, const domain::ChecklistItem& item,
                const std::string& field, const std::string& text, int64_t ms = 0) {
    return Make(s, seq, domain::kAnswer, domain::AnswerId(unit.id, item.id), field, text, ms);
  }

  Result<PushResult> Push(const Session& s, std::vector<Change> changes) {
    return service_->Push(s, s.device_id, std::move(changes));
  }

  // Everything `s` can pull from `after`, in batches of `batch`; the final cursor in *cursor.
  std::vector<Change> PullAll(const Session& s, uint64_t after = 0, uint32_t batch = 0, uint64_t* cursor = nullptr) {
    std::vector<Change> all;
    for (int guard = 0; guard < 10000; ++guard) {
      auto page = service_->Pull(s, after, batch);
      EXPECT_TRUE(page.ok()) << page.status().ToString();
      if (!page.ok()) break;
      all.insert(all.end(), page->changes.begin(), page->changes.end());
      EXPECT_GE(page->next_cursor, after);
      after = page->next_cursor;
      if (!page->has_more) break;
    }
    if (cursor) *cursor = after;
    return all;
  }

  // Every current field `s` may see, page by page.
  std::vector<Change> SnapshotAll(const Session& s, uint32_t page_size = 0, int* pages = nullptr) {
    std::vector<Change> all;
    std::string token;
    int count = 0;
    do {
      auto page = service_->Snapshot(s, token, page_size);
      EXPECT_TRUE(page.ok()) << page.status().ToString();
      if (!page.ok()) break;
      all.insert(all.end(), page->fields.begin(), page->fields.end());
      token = page->next_page_token;
      ++count;
    } while (!token.empty() && count < 10000);
    if (pages) *pages = count;
    return all;
  }

  // A device token for `device_id` enrolled for `user` (for requests through RequestRouter).
  std::string EnrolledToken(const std::string& user, const std::string& device_id) {
    auto code = service_->CreateEnrollmentCode(user);
    EXPECT_TRUE(code.ok()) << code.status().ToString();
    auto enrolled = service_->Enroll(code.ok() ? *code : "", device_id, "");
    EXPECT_TRUE(enrolled.ok()) << enrolled.status().ToString();
    return enrolled.ok() ? enrolled->device_token : "";
  }

  // A POST of `body` to `path` as a tablet sends it, with the device's token when not empty.
  static RouterRequest PostRequest(const std::string& path, std::string body, const std::string& token) {
    RouterRequest req;
    req.method = "POST";
    req.path = path;
    req.headers = {{protocol::kVersionHeader, std::to_string(protocol::kVersion)},
                   {"Content-Type", protocol::kContentType}};
    if (!token.empty()) req.headers["Authorization"] = "Bearer " + token;
    req.body = std::move(body);
    return req;
  }

  // `message` POSTed to `path` through a RequestRouter over service_, with the device's token.
  RouterResponse Send(const std::string& path, const google::protobuf::MessageLite& message,
                      const std::string& token) {
    return RequestRouter(*service_).Handle(PostRequest(path, message.SerializeAsString(), token));
  }

  // The ChangeSet a tablet would push.
  static wire::ChangeSet ChangeSetOf(const std::string& device_id, const std::vector<Change>& changes) {
    wire::ChangeSet set;
    set.set_protocol_version(protocol::kVersion);
    set.set_device_id(device_id);
    for (const auto& c : changes) wire_codec::ToWire(c, set.add_changes());
    return set;
  }

  // The ErrorResponse code of a refusal ("" when the body is not one).
  static std::string ErrorCode(const RouterResponse& r) {
    wire::ErrorResponse error;
    return error.ParseFromString(r.body) ? error.code() : "";
  }

  // server_seq of the newest change (what the secretariat's full pull ends at).
  uint64_t Head() {
    uint64_t cursor = 0;
    PullAll(Secretariat(), 0, 1000, &cursor);
    return cursor;
  }

  TempDir dir_;
  ManualClock clock_{kVisitDayMs};
  Seed seed_;
  std::unique_ptr<SyncService> service_;
  FaultyStore* faults_ = nullptr;  // owned by service_
};

}  // namespace fieldsync::server::testing
