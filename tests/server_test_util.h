// Helpers for the server tests: a SyncService over a temporary SQLite file with the seed plan, a
// manual clock, the seed's users, and builders for changes as tablets would push them.
#pragma once

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "fieldsync/domain.h"
#include "fieldsync/seed_scenario.h"
#include "fieldsync/server/sync_service.h"
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

  void Open() {
    service_.reset();
    SyncServiceOptions options;
    options.clock = &clock_;
    auto opened = SyncService::Open(dir_.File("central.db"), options);
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    service_ = std::move(opened).value();
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
};

}  // namespace fieldsync::server::testing
