// Conflict detection and preservation on the server (S7, S9) and who may resolve (S12): the
// losing value of concurrent edits is kept in a conflict record written by the server, the winner
// stays by (HLC, device id) (S6), edits on deleted records are kept without resurrecting them.
#include <algorithm>
#include <map>

#include "fieldsync/server/conflict.h"
#include "server_test_util.h"

namespace fieldsync::server::testing {
namespace {

namespace k = conflict;
using ::testing::HasSubstr;

class ConflictTest : public ServiceTest {
 protected:
  void SetUp() override {
    ServiceTest::SetUp();
    ASSERT_TRUE(service_->AddUser("tham", domain::Role::kDeputy, "Nguyễn Thị Hồng Thắm").ok());
  }
  Session Tham() { return {"dev-tham", "tham", domain::Role::kDeputy}; }

  // A change that had seen `seen` (the stamp of the value the device had).
  static Change Saw(Change c, const Change& seen) {
    c.seen_hlc = seen.hlc;
    c.seen_device_id = seen.device_id;
    return c;
  }
  Change At(const Session& s, uint64_t seq, const domain::ChecklistItem& item, const std::string& field, Value v,
            int64_t ms) {
    return Make(s, seq, domain::kAnswer, domain::AnswerId(seed_.q4.id, item.id), field, std::move(v), ms);
  }
  void MustPush(const Session& s, std::vector<Change> changes) {
    auto r = Push(s, std::move(changes));
    ASSERT_TRUE(r.ok()) << r.status().ToString();
  }
  std::vector<ConflictInfo> Open() {
    auto list = service_->Conflicts("", false);
    EXPECT_TRUE(list.ok()) << list.status().ToString();
    return list.ok() ? *list : std::vector<ConflictInfo>{};
  }
  std::vector<ConflictInfo> All() {
    auto list = service_->Conflicts("", true);
    EXPECT_TRUE(list.ok()) << list.status().ToString();
    return list.ok() ? *list : std::vector<ConflictInfo>{};
  }
  // The current value of an answer field as the secretariat's snapshot has it.
  std::optional<Change> Current(const domain::ChecklistItem& item, const std::string& field) {
    for (auto& f : SnapshotAll(Secretariat())) {
      if (f.record_type == domain::kAnswer && f.record_id == domain::AnswerId(seed_.q4.id, item.id) &&
          f.field == field) {
        return f;
      }
    }
    return std::nullopt;
  }
  const domain::ChecklistItem& a2() { return seed_.plan.items[1]; }
  static bool HasConflict(const std::vector<Change>& changes) {
    return std::any_of(changes.begin(), changes.end(), [](const Change& c) { return c.record_type == "conflict"; });
  }
};

TEST_F(ConflictTest, S7_S6_ConcurrentEditsKeepBothValuesAndTheWinnerWhateverTheOrder) {
  // Same two edits, pushed in both orders (on two items so both runs share one server).
  for (int order = 0; order < 2; ++order) {
    const auto& item = order == 0 ? seed_.a1 : a2();
    Change khoa = At(Khoa(), 1 + order, item, "results", std::string("Khoa viết"), kVisitDayMs - 5000);
    Change luan = At(Leader(), 1 + order, item, "results", std::string("Luận viết"), kVisitDayMs - 3000);
    if (order == 0) {
      MustPush(Khoa(), {khoa});
      MustPush(Leader(), {luan});
    } else {
      MustPush(Leader(), {luan});
      MustPush(Khoa(), {khoa});
    }
    auto cur = Current(item, "results");
    ASSERT_TRUE(cur);
    EXPECT_EQ(TextOf(cur->value), "Luận viết") << "order " << order;  // larger HLC wins (S6)

    auto open = Open();
    ASSERT_EQ(open.size(), static_cast<size_t>(order + 1));
    const ConflictInfo& c = open.back().item_id == item.id ? open.back() : open.front();
    EXPECT_EQ(c.id, "conflict/dev-khoa/" + std::to_string(1 + order));  // the loser's device and seq
    EXPECT_EQ(c.kind, "concurrent_edit");
    EXPECT_EQ(c.status, "open");
    EXPECT_EQ(c.record_type, "answer");
    EXPECT_EQ(c.record_id, domain::AnswerId(seed_.q4.id, item.id));
    EXPECT_EQ(c.field, "results");
    EXPECT_EQ(c.visit_id, seed_.v1.id);
    EXPECT_EQ(c.unit_id, seed_.q4.id);
    EXPECT_EQ(c.item_id, item.id);
    EXPECT_EQ(TextOf(c.winner.value), "Luận viết");
    EXPECT_EQ(c.winner.author, "luan");
    EXPECT_EQ(c.winner.device, "dev-luan");
    EXPECT_EQ(c.winner.hlc, luan.hlc);
    EXPECT_FALSE(c.winner.deleted);
    EXPECT_EQ(TextOf(c.loser.value), "Khoa viết");
    EXPECT_EQ(c.loser.author, "khoa");
    EXPECT_EQ(c.loser.device, "dev-khoa");
    EXPECT_EQ(c.loser.hlc, khoa.hlc);
    EXPECT_EQ(c.unit.code, seed_.q4.code);
    EXPECT_EQ(c.item.code, item.code);
    EXPECT_EQ(c.plan_code, seed_.plan.plan.code);
  }
  // The conflict record is an ordinary synced record written by the server's own device.
  auto log = PullAll(Secretariat());
  auto n = std::count_if(log.begin(), log.end(), [&](const Change& c) {
    return c.record_type == "conflict" && c.device_id == service_->own_device_id() && c.field == "status";
  });
  EXPECT_EQ(n, 2);
}

TEST_F(ConflictTest, S7_EqualValuesDisjointFieldsAndSequentialEditsAreNoConflict) {
  // Equal values written concurrently.
  MustPush(Khoa(), {At(Khoa(), 1, seed_.a1, "rating", std::string("dat"), kVisitDayMs - 5000)});
  MustPush(Leader(), {At(Leader(), 1, seed_.a1, "rating", std::string("dat"), kVisitDayMs - 4000)});
  // Different fields of one answer.
  MustPush(Khoa(), {At(Khoa(), 2, seed_.a1, "results", std::string("Kết quả"), kVisitDayMs - 3000)});
  MustPush(Leader(), {At(Leader(), 2, seed_.a1, "limitations", std::string("Hạn chế"), kVisitDayMs - 2000)});
  // One device editing its own value again, and another device that saw the current value.
  Change first = At(Khoa(), 3, a2(), "results", std::string("v1"), kVisitDayMs - 5000);
  Change second = Saw(At(Khoa(), 4, a2(), "results", std::string("v2"), kVisitDayMs - 4000), first);
  Change third = Saw(At(Leader(), 3, a2(), "results", std::string("v3"), kVisitDayMs - 3000), second);
  MustPush(Khoa(), {first, second});
  MustPush(Leader(), {third});
  EXPECT_TRUE(All().empty());
  EXPECT_EQ(TextOf(Current(a2(), "results")->value), "v3");
}

TEST_F(ConflictTest, S7_S9_EditAgainstAFieldTombstoneIsAConflict) {
  Change v = At(Khoa(), 1, seed_.a1, "results", std::string("Giữ lại"), kVisitDayMs - 9000);
  MustPush(Khoa(), {v});
  Change del = Saw(At(Leader(), 1, seed_.a1, "results", Value{}, kVisitDayMs - 5000), v);
  del.tombstone = true;
  MustPush(Leader(), {del});
  EXPECT_TRUE(All().empty());  // the deleter had seen the value
  // Khoa edits again without having seen the deletion: a conflict, and the newer edit wins.
  Change again = Saw(At(Khoa(), 2, seed_.a1, "results", std::string("Sửa lại"), kVisitDayMs - 1000), v);
  MustPush(Khoa(), {again});
  auto open = Open();
  ASSERT_EQ(open.size(), 1u);
  EXPECT_EQ(open[0].kind, "concurrent_edit");
  EXPECT_TRUE(open[0].loser.deleted);
  EXPECT_EQ(open[0].loser.author, "luan");
  EXPECT_TRUE(IsNone(open[0].loser.value));
  EXPECT_EQ(TextOf(open[0].winner.value), "Sửa lại");
  EXPECT_EQ(open[0].id, "conflict/dev-luan/1");
}

TEST_F(ConflictTest, S9_EditOnADeletedRecordIsKeptAndTheRecordStaysDeleted) {
  const std::string id = domain::AnswerId(seed_.q4.id, seed_.a1.id);
  Change created = At(Khoa(), 1, seed_.a1, "results", std::string("Bản đầu"), kVisitDayMs - 9000);
  MustPush(Khoa(), {created});
  Change tomb = Saw(At(Leader(), 1, seed_.a1, "results", Value{}, kVisitDayMs - 8000), created);
  tomb.tombstone = true;
  Change deleted = At(Leader(), 2, seed_.a1, kDeletedField, true, kVisitDayMs - 8000);
  MustPush(Leader(), {tomb, deleted});
  EXPECT_TRUE(All().empty());
  // Khoa, offline, writes another part of the answer it still has.
  Change edit = At(Khoa(), 2, seed_.a1, "limitations", std::string("Hạn chế mới"), kVisitDayMs - 7000);
  MustPush(Khoa(), {edit});
  auto open = Open();
  ASSERT_EQ(open.size(), 1u);
  EXPECT_EQ(open[0].kind, "edit_on_deleted");
  EXPECT_EQ(open[0].id, "conflict/dev-khoa/2");
  EXPECT_EQ(open[0].field, "limitations");
  EXPECT_TRUE(open[0].winner.deleted);
  EXPECT_EQ(open[0].winner.author, "luan");
  EXPECT_EQ(TextOf(open[0].loser.value), "Hạn chế mới");
  auto flag = Current(seed_.a1, kDeletedField);
  ASSERT_TRUE(flag);
  EXPECT_EQ(std::get<bool>(flag->value), true);  // no resurrection

  // The same edit by the deleter's own device is not a conflict.
  MustPush(Leader(), {At(Leader(), 3, seed_.a1, "rating", std::string("dat"), kVisitDayMs - 6000)});
  EXPECT_EQ(Open().size(), 1u);
}

TEST_F(ConflictTest, S9_DeletionArrivingAfterAConcurrentEditKeepsTheEdit) {
  Change created = At(Khoa(), 1, seed_.a1, "rating", std::string("tot"), kVisitDayMs - 9000);
  MustPush(Khoa(), {created});
  // Luan deletes the answer having seen only the rating; Khoa's results (unseen) arrived first.
  MustPush(Khoa(), {At(Khoa(), 2, seed_.a1, "results", std::string("Chưa thấy"), kVisitDayMs - 8000)});
  Change tomb = Saw(At(Leader(), 1, seed_.a1, "rating", Value{}, kVisitDayMs - 7000), created);
  tomb.tombstone = true;
  MustPush(Leader(), {tomb, At(Leader(), 2, seed_.a1, kDeletedField, true, kVisitDayMs - 7000)});
  auto open = Open();
  ASSERT_EQ(open.size(), 1u);
  EXPECT_EQ(open[0].kind, "edit_on_deleted");
  EXPECT_EQ(open[0].field, "results");
  EXPECT_EQ(open[0].id, "conflict/dev-khoa/2");
  EXPECT_EQ(TextOf(open[0].loser.value), "Chưa thấy");
}

TEST_F(ConflictTest, S2_S7_ResendingAConflictingChangeMakesNoSecondConflict) {
  MustPush(Khoa(), {At(Khoa(), 1, seed_.a1, "results", std::string("A"), kVisitDayMs - 5000)});
  Change luan = At(Leader(), 1, seed_.a1, "results", std::string("B"), kVisitDayMs - 4000);
  MustPush(Leader(), {luan});
  const uint64_t head = Head();
  for (int i = 0; i < 3; ++i) {
    auto again = Push(Leader(), {luan});
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(again->results[0].outcome, ApplyOutcome::kAlreadyHad);
  }
  EXPECT_EQ(All().size(), 1u);
  EXPECT_EQ(Head(), head);
}

TEST_F(ConflictTest, S12_ConflictsAreSeenByLeaderAndDeputyNotByMembers) {
  MustPush(Khoa(), {At(Khoa(), 1, seed_.a1, "results", std::string("A"), kVisitDayMs - 5000)});
  MustPush(Leader(), {At(Leader(), 1, seed_.a1, "results", std::string("B"), kVisitDayMs - 4000)});
  EXPECT_TRUE(HasConflict(PullAll(Leader())));
  EXPECT_TRUE(HasConflict(PullAll(Tham())));
  EXPECT_TRUE(HasConflict(PullAll(Secretariat())));
  EXPECT_FALSE(HasConflict(PullAll(Khoa())));
  EXPECT_FALSE(HasConflict(PullAll(Ha())));
  EXPECT_TRUE(HasConflict(SnapshotAll(Tham())));
  EXPECT_FALSE(HasConflict(SnapshotAll(Khoa())));
}

TEST_F(ConflictTest, S12_OnlyLeaderDeputyOrSecretariatWriteTheResolutionFields) {
  MustPush(Khoa(), {At(Khoa(), 1, seed_.a1, "results", std::string("A"), kVisitDayMs - 5000)});
  MustPush(Leader(), {At(Leader(), 1, seed_.a1, "results", std::string("B"), kVisitDayMs - 4000)});
  const std::string id = Open().at(0).id;
  const uint64_t head = Head();
  // A member: the whole batch is refused, the valid answer with it.
  auto by_member = Push(Khoa(), {At(Khoa(), 2, a2(), "results", std::string("ok"), kVisitDayMs - 1000),
                                 Make(Khoa(), 3, "conflict", id, "status", std::string("resolved"))});
  ASSERT_FALSE(by_member.ok());
  EXPECT_EQ(by_member.status().code(), StatusCode::kPermissionDenied);
  // Even a conflict id the server does not know.
  auto unknown = Push(Khoa(), {Make(Khoa(), 3, "conflict", "conflict/x/1", "status", std::string("resolved"))});
  EXPECT_EQ(unknown.status().code(), StatusCode::kPermissionDenied);
  // A leader may not rewrite what the server recorded.
  auto rewrite = Push(Leader(), {Make(Leader(), 2, "conflict", id, "loser_value", std::string("x"))});
  ASSERT_FALSE(rewrite.ok());
  EXPECT_EQ(rewrite.status().code(), StatusCode::kPermissionDenied);
  EXPECT_THAT(rewrite.status().message(), HasSubstr("resolution fields"));
  // A member of another visit's team (ha) cannot either.
  EXPECT_EQ(Push(Ha(), {Make(Ha(), 1, "conflict", id, "status", std::string("resolved"))}).status().code(),
            StatusCode::kPermissionDenied);
  EXPECT_EQ(Head(), head);
  EXPECT_EQ(Open().size(), 1u);
}

TEST_F(ConflictTest, S7_S12_LeaderResolutionClosesItAndAnUnseenNewerEditMakesANewConflict) {
  Change a = At(Khoa(), 1, seed_.a1, "results", std::string("A"), kVisitDayMs - 9000);
  Change b = At(Leader(), 1, seed_.a1, "results", std::string("B"), kVisitDayMs - 8000);
  MustPush(Khoa(), {a});
  MustPush(Leader(), {b});
  const std::string id = Open().at(0).id;
  // Tham (deputy) merges, having seen B (the current value), and closes the conflict.
  Change merged = Saw(At(Tham(), 1, seed_.a1, "results", std::string("A và B"), kVisitDayMs - 7000), b);
  // (Tham's tablet has pulled the conflict, so its clock is past the server's stamps on it.)
  auto close = [&](uint64_t seq, const char* field, Value v) {
    return Make(Tham(), seq, "conflict", id, field, v, kVisitDayMs + 1000);
  };
  MustPush(Tham(), {merged, close(2, "status", std::string("resolved")), close(3, "resolved_by", std::string("tham")),
                    close(4, "resolution", std::string("merged")), close(5, "resolved_value", std::string("A và B")),
                    close(6, "resolved_hlc", static_cast<int64_t>(merged.hlc.Pack()))});
  EXPECT_TRUE(Open().empty());
  ASSERT_EQ(All().size(), 1u);
  EXPECT_EQ(All()[0].status, "resolved");
  EXPECT_EQ(All()[0].resolution, "merged");
  EXPECT_EQ(TextOf(Current(seed_.a1, "results")->value), "A và B");

  // Meanwhile Khoa wrote C having seen only A; Luan resolves again having seen only B.
  Change c = Saw(At(Khoa(), 2, seed_.a1, "results", std::string("C"), kVisitDayMs - 6000), a);
  MustPush(Khoa(), {c});
  ASSERT_EQ(Open().size(), 1u);  // C against the merged value
  const std::string second = Open()[0].id;
  EXPECT_NE(second, id);
  Change stale = Saw(At(Leader(), 2, seed_.a1, "results", std::string("B lần nữa"), kVisitDayMs - 5000), b);
  MustPush(Leader(), {stale});
  EXPECT_EQ(Open().size(), 2u);  // the resolution that had not seen C is a new conflict
}

TEST_F(ConflictTest, S7_ServerResolutionKeepsTheChosenValue) {
  MustPush(Khoa(), {At(Khoa(), 1, seed_.a1, "results", std::string("A"), kVisitDayMs - 9000)});
  MustPush(Leader(), {At(Leader(), 1, seed_.a1, "results", std::string("B"), kVisitDayMs - 8000)});
  const std::string id = Open().at(0).id;
  auto resolved = service_->ResolveConflict(id, ConflictChoice::kKeepLoser);
  ASSERT_TRUE(resolved.ok()) << resolved.status().ToString();
  EXPECT_EQ(resolved->status, "resolved");
  EXPECT_EQ(resolved->resolution, "kept_loser");
  EXPECT_EQ(resolved->resolved_by, "fieldsync-server");
  EXPECT_EQ(TextOf(Current(seed_.a1, "results")->value), "A");
  EXPECT_TRUE(Open().empty());  // the server's own write saw the current value: no new conflict
  EXPECT_EQ(service_->ResolveConflict(id, ConflictChoice::kKeepWinner).status().code(),
            StatusCode::kFailedPrecondition);
  EXPECT_EQ(service_->ResolveConflict("conflict/none/1", ConflictChoice::kKeepWinner).status().code(),
            StatusCode::kNotFound);
  auto by_plan = service_->Conflicts(seed_.plan.plan.code, true);
  ASSERT_TRUE(by_plan.ok());
  EXPECT_EQ(by_plan->size(), 1u);
  EXPECT_EQ(service_->Conflicts("NO-SUCH-PLAN", true).status().code(), StatusCode::kNotFound);
}

// Who sees and resolves a visit's conflicts follows the member record in the plan, not the account.
TEST_F(ConflictTest, S12_ConflictRightsFollowThePlanRoleNotTheAccountRole) {
  MustPush(Khoa(), {At(Khoa(), 1, seed_.a1, "results", std::string("A"), kVisitDayMs - 5000)});
  MustPush(Leader(), {At(Leader(), 1, seed_.a1, "results", std::string("B"), kVisitDayMs - 4000)});
  const std::string id = Open().at(0).id;
  // khoa's account says leader; in the plan he is a member: no conflicts, no resolving.
  Session khoa_as_leader{"dev-khoa", "khoa", domain::Role::kLeader};
  EXPECT_FALSE(HasConflict(PullAll(khoa_as_leader)));
  EXPECT_EQ(Push(khoa_as_leader, {Make(khoa_as_leader, 2, "conflict", id, "status", std::string("resolved"),
                                       kVisitDayMs + 1000)})
                .status()
                .code(),
            StatusCode::kPermissionDenied);
  EXPECT_EQ(Open().size(), 1u);
  // tham's account says member; she is the plan's deputy: she sees and resolves it.
  Session tham_as_member{"dev-tham", "tham", domain::Role::kMember};
  EXPECT_TRUE(HasConflict(PullAll(tham_as_member)));
  MustPush(tham_as_member, {Make(tham_as_member, 1, "conflict", id, "status", std::string("resolved"),
                                 kVisitDayMs + 1000)});
  EXPECT_TRUE(Open().empty());
}

}  // namespace
}  // namespace fieldsync::server::testing
