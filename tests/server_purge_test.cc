// Tombstone and history purge (S9, S10): superseded history that every recently seen device has
// pulled is deleted, resends stay ALREADY_HAD (S2), current values and tombstones stay (a late old
// change never resurrects), a device away longer than the retention gets 410 resync_required, and
// a new device's snapshot is still the whole current state, deletions included.
#include <algorithm>

#include "fieldsync.pb.h"
#include "fieldsync/protocol.h"
#include "fieldsync/server/loopback_transport.h"
#include "fieldsync/server/request_router.h"
#include "server_test_util.h"

namespace fieldsync::server::testing {
namespace {

constexpr int64_t kDayMs = 24LL * 60 * 60 * 1000;

class PurgeTest : public ServiceTest {
 protected:
  Change Part(const Session& s, uint64_t seq, const std::string& field, Value v, int64_t ms) {
    return Make(s, seq, domain::kAnswer, domain::AnswerId(seed_.q4.id, seed_.a1.id), field, std::move(v), ms);
  }
  static Change Saw(Change c, const Change& seen) {
    c.seen_hlc = seen.hlc;
    c.seen_device_id = seen.device_id;
    return c;
  }
  // A pull from exactly `cursor`, which the server records as the device's position.
  void PullFrom(const Session& s, uint64_t cursor) {
    auto r = service_->Pull(s, cursor, 0);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
  }
};

TEST_F(PurgeTest, S9_S10_PurgeDropsSupersededHistoryKeepsResendsAndTombstonesAndForcesResync) {
  const Session old_tablet{"dev-khoa-old", "khoa", domain::Role::kMember};
  PullFrom(old_tablet, 0);  // last seen today, then never again

  // History of one answer: results v1 -> v2 -> v3, rating "tot" then deleted.
  const int64_t t = kVisitDayMs - 60'000;
  Change v1 = Part(Khoa(), 1, "results", std::string("v1"), t);
  Change v2 = Saw(Part(Khoa(), 2, "results", std::string("v2"), t + 1000), v1);
  Change v3 = Saw(Part(Khoa(), 3, "results", std::string("v3"), t + 2000), v2);
  Change tot = Part(Khoa(), 4, "rating", std::string("tot"), t + 3000);
  Change gone = Saw(Part(Khoa(), 5, "rating", Value{}, t + 4000), tot);
  gone.tombstone = true;
  const std::vector<Change> batch = {v1, v2, v3, tot, gone};
  auto first = Push(Khoa(), batch);
  ASSERT_TRUE(first.ok()) << first.status().ToString();

  // 40 days later the active tablets have pulled everything; the old one was not seen.
  clock_.Advance(40 * kDayMs);
  // (Head() would pull from 0 and so record that position for the secretariat's device.)
  const uint64_t head = first->results.back().server_seq;
  PullFrom(Khoa(), head);
  PullFrom(Leader(), head);
  PullFrom(Secretariat(), head);

  auto purged = service_->Purge(30);
  ASSERT_TRUE(purged.ok()) << purged.status().ToString();
  EXPECT_EQ(purged->purged_through, head);
  EXPECT_EQ(purged->devices_counted, 3u);
  EXPECT_EQ(purged->changes_deleted, 3u);  // v1, v2 and "tot": superseded; v3 and the tombstone stay
  EXPECT_EQ(purged->changes_kept, head - 3);
  EXPECT_EQ(service_->Purge(30)->changes_deleted, 0u);  // nothing more to do

  // S2: the resent batch is still ALREADY_HAD, with the positions it got the first time.
  auto again = Push(Khoa(), batch);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  for (size_t i = 0; i < batch.size(); ++i) {
    EXPECT_EQ(again->results[i].outcome, ApplyOutcome::kAlreadyHad);
    EXPECT_EQ(again->results[i].server_seq, first->results[i].server_seq);
  }

  // The old tablet must re-sync: 410 resync_required over the protocol, with what to do.
  auto code = service_->CreateEnrollmentCode("khoa");
  ASSERT_TRUE(code.ok());
  auto enrolled = service_->Enroll(*code, "dev-khoa-old", "old tablet");
  ASSERT_TRUE(enrolled.ok()) << enrolled.status().ToString();
  RequestRouter router(*service_);
  LoopbackTransport transport(router);
  wire::PullRequest pull;
  pull.set_protocol_version(protocol::kVersion);
  pull.set_after_server_seq(0);
  HttpRequest req;
  req.path = protocol::kPullPath;
  req.body = pull.SerializeAsString();
  req.headers = {{protocol::kVersionHeader, "1"},
                 {"Content-Type", protocol::kContentType},
                 {"Authorization", "Bearer " + enrolled->device_token}};
  auto answer = transport.Send(req);
  ASSERT_TRUE(answer.ok());
  EXPECT_EQ(answer->status, 410);
  wire::ErrorResponse error;
  ASSERT_TRUE(error.ParseFromString(answer->body));
  EXPECT_EQ(error.code(), "resync_required");
  EXPECT_THAT(error.message(), ::testing::HasSubstr("re-sync"));
  // Its outbox still pushes normally.
  auto late = Push(old_tablet, {Make(old_tablet, 1, domain::kAnswer, domain::AnswerId(seed_.q4.id, seed_.plan.items[1].id),
                                     "results", std::string("từ máy cũ"), kVisitDayMs)});
  ASSERT_TRUE(late.ok()) << late.status().ToString();
  EXPECT_EQ(late->results[0].outcome, ApplyOutcome::kApplied);

  // A late old change to the deleted rating does not resurrect it (the tombstone is kept).
  ASSERT_TRUE(Push(Leader(), {Part(Leader(), 1, "rating", std::string("dat"), t + 3500)}).ok());

  // S10: a new device's snapshot is the whole current state, the deletion included; then it pulls
  // from as_of without a 410.
  const Session fresh{"dev-khoa-new", "khoa", domain::Role::kMember};
  auto snapshot = SnapshotAll(fresh);
  auto find = [&](const std::string& field) -> const Change* {
    for (const auto& f : snapshot) {
      if (f.record_id == domain::AnswerId(seed_.q4.id, seed_.a1.id) && f.field == field) return &f;
    }
    return nullptr;
  };
  ASSERT_NE(find("results"), nullptr);
  EXPECT_EQ(TextOf(find("results")->value), "v3");
  ASSERT_NE(find("rating"), nullptr);
  EXPECT_TRUE(find("rating")->tombstone);
  EXPECT_EQ(find("rating")->hlc, gone.hlc);
  auto first_page = service_->Snapshot(fresh, "", 0);
  ASSERT_TRUE(first_page.ok());
  EXPECT_TRUE(service_->Pull(fresh, first_page->as_of_server_seq, 0).ok());
}

TEST_F(PurgeTest, S10_CursorOfARecentDeviceHoldsTheHorizonBack) {
  const int64_t t = kVisitDayMs - 60'000;
  Change v1 = Part(Khoa(), 1, "results", std::string("v1"), t);
  auto pushed = Push(Khoa(), {v1});
  ASSERT_TRUE(pushed.ok());
  const uint64_t before = pushed->results[0].server_seq;
  PullFrom(Leader(), before - 1);  // the leader has not pulled v1 yet
  auto second = Push(Khoa(), {Saw(Part(Khoa(), 2, "results", std::string("v2"), t + 1000), v1)});
  ASSERT_TRUE(second.ok());
  PullFrom(Khoa(), second->results[0].server_seq);
  auto purged = service_->Purge(30);
  ASSERT_TRUE(purged.ok());
  EXPECT_EQ(purged->purged_through, before - 1);
  EXPECT_EQ(purged->changes_deleted, 0u);  // v1 is superseded but after the leader's cursor
  // The leader resumes where it stopped and still gets v1, then v2 (S4).
  auto changes = PullAll(Leader(), before - 1);
  ASSERT_GE(changes.size(), 2u);
  EXPECT_EQ(TextOf(changes[0].value), "v1");
  EXPECT_EQ(service_->Purge(0).status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace fieldsync::server::testing
