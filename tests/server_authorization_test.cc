// The authorization matrix (S11, S12, issue 5): every endpoint and kind of write, for each of
// secretariat, leader, deputy, member, an unenrolled caller and a revoked tablet. Each cell is the
// HTTP status the router answers; a refused cell must also leave the server's log unchanged.
#include "fieldsync/server/conflict.h"
#include "server_test_util.h"

namespace fieldsync::server::testing {
namespace {

enum Caller { kSecretariat, kLeader, kDeputy, kMember, kUnenrolled, kRevoked, kCallers };
const char* const kCallerNames[kCallers] = {"secretariat", "leader", "deputy", "member", "unenrolled", "revoked"};

class AuthorizationMatrixTest : public ServiceTest {
 protected:
  void SetUp() override {
    ServiceTest::SetUp();
    callers_[kSecretariat] = {"dev-sec", "thuongtruc", EnrolledToken("thuongtruc", "dev-sec")};
    callers_[kLeader] = {"dev-luan", "luan", EnrolledToken("luan", "dev-luan")};
    callers_[kDeputy] = {"dev-tham", "tham", ""};
    ASSERT_TRUE(service_->AddUser("tham", domain::Role::kDeputy, "Nguyễn Thị Hồng Thắm").ok());
    callers_[kDeputy].token = EnrolledToken("tham", "dev-tham");
    callers_[kMember] = {"dev-khoa", "khoa", EnrolledToken("khoa", "dev-khoa")};
    callers_[kUnenrolled] = {"dev-stranger", "stranger", ""};
    callers_[kRevoked] = {"dev-khoa-lost", "khoa", EnrolledToken("khoa", "dev-khoa-lost")};
    ASSERT_TRUE(service_->RevokeDevices("dev-khoa-lost", "").ok());
    MakeConflictInV1();
  }

  struct CallerInfo {
    std::string device, user, token;
  };

  // khoa and the leader both edit Q4·A1 results without seeing each other: a conflict in V1.
  void MakeConflictInV1() {
    ASSERT_TRUE(Push(Khoa(), {Answer(Khoa(), 1, seed_.q4, seed_.a1, "results", "Bản của Khoa")}).ok());
    ASSERT_TRUE(Push(Leader(), {Answer(Leader(), 1, seed_.q4, seed_.a1, "results", "Bản của Luận")}).ok());
    auto conflicts = service_->Conflicts("", false);
    ASSERT_TRUE(conflicts.ok());
    ASSERT_EQ(conflicts->size(), 1u);
    conflict_id_ = conflicts->front().id;
    next_seq_ = 100;  // above what the setup pushed
  }

  // One change of `type`/`id`.`field` as `caller`'s tablet would push it.
  Change ChangeFrom(Caller caller, const std::string& type, const std::string& id, const std::string& field,
                    Value value) {
    const CallerInfo& c = callers_[caller];
    return Make(Session{c.device, c.user, domain::Role::kMember}, ++next_seq_, type, id, field, std::move(value));
  }

  int PushStatus(Caller caller, const Change& change) {
    return Send(protocol::kPushPath, ChangeSetOf(callers_[caller].device, {change}), callers_[caller].token).status;
  }

  int RequestStatus(Caller caller, const std::string& path) {
    wire::PullRequest pull;  // also a valid empty SnapshotRequest: field 1 is protocol_version in both
    pull.set_protocol_version(protocol::kVersion);
    return Send(path, pull, callers_[caller].token).status;
  }

  CallerInfo callers_[kCallers];
  std::string conflict_id_;
  uint64_t next_seq_ = 0;
};

struct Row {
  const char* action;
  int expected[kCallers];  // secretariat, leader, deputy, member, unenrolled, revoked
};

TEST_F(AuthorizationMatrixTest, EveryRoleAndEndpointGetsExactlyItsRights) {
  const auto& plan = seed_.plan;
  const std::string v1_answer = domain::AnswerId(seed_.q4.id, seed_.a1.id);
  const std::string v2_answer = domain::AnswerId(seed_.cnsg.id, seed_.b1.id);
  const Row rows[] = {
      {"pull", {200, 200, 200, 200, 401, 401}},
      {"snapshot", {200, 200, 200, 200, 401, 401}},
      {"push answer, own visit V1", {200, 200, 200, 200, 401, 401}},
      {"push answer, visit V2 (member not assigned)", {200, 200, 200, 403, 401, 401}},
      {"push visit conclusion V1", {200, 200, 200, 403, 401, 401}},
      {"push conflict resolution V1", {200, 200, 200, 403, 401, 401}},
      {"push conflict's recorded values", {403, 403, 403, 403, 401, 401}},
      {"push checklist item (template)", {200, 403, 403, 403, 401, 401}},
      {"push plan title", {200, 403, 403, 403, 401, 401}},
      {"push assignment", {200, 403, 403, 403, 401, 401}},
      {"push team member", {200, 403, 403, 403, 401, 401}},
  };
  for (const Row& row : rows) {
    for (int caller = 0; caller < kCallers; ++caller) {
      const Caller who = static_cast<Caller>(caller);
      const std::string action = row.action;
      const uint64_t head = Head();
      int got = 0;
      if (action == "pull") got = RequestStatus(who, protocol::kPullPath);
      else if (action == "snapshot") got = RequestStatus(who, protocol::kSnapshotPath);
      else if (action.starts_with("push answer, own")) got = PushStatus(who, ChangeFrom(who, domain::kAnswer, v1_answer, "limitations", std::string("Hạn chế ") + kCallerNames[caller]));
      else if (action.starts_with("push answer, visit V2")) got = PushStatus(who, ChangeFrom(who, domain::kAnswer, v2_answer, "results", std::string("Kết quả ") + kCallerNames[caller]));
      else if (action == "push visit conclusion V1") got = PushStatus(who, ChangeFrom(who, domain::kConclusion, domain::ConclusionId(seed_.v1.id), "results", std::string("Kết luận")));
      else if (action == "push conflict resolution V1") got = PushStatus(who, ChangeFrom(who, conflict::kType, conflict_id_, conflict::kStatus, std::string(conflict::kStatusResolved)));
      else if (action == "push conflict's recorded values") got = PushStatus(who, ChangeFrom(who, conflict::kType, conflict_id_, "field", std::string("rating")));
      else if (action == "push checklist item (template)") got = PushStatus(who, ChangeFrom(who, domain::kItem, seed_.a1.id, "text", std::string("Sửa mẫu")));
      else if (action == "push plan title") got = PushStatus(who, ChangeFrom(who, domain::kPlan, plan.plan.id, "title", std::string("Đổi tên")));
      else if (action == "push assignment") got = PushStatus(who, ChangeFrom(who, domain::kAssignment, "new-assignment", "visit_id", seed_.v2.id));
      else if (action == "push team member") got = PushStatus(who, ChangeFrom(who, domain::kMember, plan.members[2].id, "role", std::string("leader")));
      EXPECT_EQ(got, row.expected[caller]) << row.action << " as " << kCallerNames[caller];
      if (got != 200) {
        EXPECT_EQ(Head(), head) << row.action << " as " << kCallerNames[caller] << ": nothing applied";
      }
    }
  }
}

TEST_F(AuthorizationMatrixTest, EnrolmentAndHealthNeedNoTokenAndWrongCodesAreRefusedForEveryone) {
  RouterRequest health;
  health.method = "GET";
  health.path = protocol::kHealthPath;
  EXPECT_EQ(RequestRouter(*service_).Handle(health).status, 200);
  for (int caller = 0; caller < kCallers; ++caller) {
    wire::EnrollRequest enroll;
    enroll.set_protocol_version(protocol::kVersion);
    enroll.set_device_id(callers_[caller].device);
    enroll.set_enrollment_code("WRONG-CODE0");
    EXPECT_EQ(Send(protocol::kEnrollPath, enroll, callers_[caller].token).status, 403) << kCallerNames[caller];
  }
}

}  // namespace
}  // namespace fieldsync::server::testing
