// S12 scope and roles: what a member, a leader and the secretariat may write, and what a member's
// pull and snapshot contain. A refused push names the first offending change and applies nothing.
#include <set>

#include "fieldsync/server/scope.h"
#include "server_test_util.h"

namespace fieldsync::server::testing {
namespace {

using ::testing::HasSubstr;

class ScopeTest : public ServiceTest {
 protected:
  // Expects `changes` from `s` refused with PermissionDenied naming change `index` (1-based),
  // and nothing applied.
  void ExpectForbidden(const Session& s, std::vector<Change> changes, int index) {
    const uint64_t head = Head();
    auto r = Push(s, std::move(changes));
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), StatusCode::kPermissionDenied) << r.status().ToString();
    EXPECT_THAT(r.status().message(), HasSubstr("change " + std::to_string(index) + " ("));
    EXPECT_EQ(Head(), head) << "a refused push applied something";
  }
};

TEST_F(ScopeTest, S12_MemberCannotEditTemplatesPlansUnitsOrAssignments) {
  auto khoa = Khoa();
  auto answer = Answer(khoa, 1, seed_.q4, seed_.a1, "rating", "tot");
  ExpectForbidden(khoa, {answer, Make(khoa, 2, domain::kTemplate, seed_.plan.templates[0].id, "title", "Mẫu mới")}, 2);
  ExpectForbidden(khoa, {Make(khoa, 2, domain::kItem, seed_.a1.id, "title", "Sửa")}, 1);
  ExpectForbidden(khoa, {answer, Make(khoa, 2, domain::kPlan, seed_.plan.plan.id, "title", "Sửa")}, 2);
  ExpectForbidden(khoa, {Make(khoa, 2, domain::kUnit, seed_.q4.id, "name", "Sửa")}, 1);
  ExpectForbidden(khoa, {Make(khoa, 2, domain::kAssignment, "new-assignment", "visit_id", seed_.v2.id)}, 1);
  ExpectForbidden(khoa, {Make(khoa, 2, domain::kVisit, seed_.v1.id, "date", "2023-07-08")}, 1);
  // The leader may not either: only the secretariat changes the plan.
  ExpectForbidden(Leader(), {Make(Leader(), 1, domain::kItem, seed_.a1.id, "title", "Sửa")}, 1);
  auto sec = Secretariat();
  EXPECT_TRUE(Push(sec, {Make(sec, 1, domain::kItem, seed_.a1.id, "title", "Tiêu đề mới")}).ok());
}

TEST_F(ScopeTest, S12_MemberCannotAnswerInAVisitTheyAreNotAssignedTo) {
  auto khoa = Khoa();
  ExpectForbidden(khoa, {Answer(khoa, 1, seed_.q4, seed_.a1, "rating", "tot"),
                         Answer(khoa, 2, seed_.cnsg, seed_.b1, "rating", "tot")}, 2);
  // An answer claiming another visit_id still belongs to its unit's visit.
  auto sneaky = Answer(khoa, 1, seed_.cnsg, seed_.b1, "visit_id", seed_.v1.id);
  ExpectForbidden(khoa, {sneaky}, 1);
  EXPECT_TRUE(Push(Ha(), {Answer(Ha(), 1, seed_.cnsg, seed_.b1, "rating", "tot")}).ok());
  EXPECT_TRUE(Push(khoa, {Answer(khoa, 1, seed_.q4, seed_.a1, "rating", "tot")}).ok());
}

TEST_F(ScopeTest, S12_OnlyLeaderOrDeputyWritesTheConclusion) {
  const std::string conclusion = domain::ConclusionId(seed_.v1.id);
  auto khoa = Khoa();
  ExpectForbidden(khoa, {Make(khoa, 1, domain::kConclusion, conclusion, "results", "Kết luận")}, 1);
  auto luan = Leader();
  auto r = Push(luan, {Make(luan, 1, domain::kConclusion, conclusion, "visit_id", seed_.v1.id),
                       Make(luan, 2, domain::kConclusion, conclusion, "results", "Kết luận của đoàn")});
  EXPECT_TRUE(r.ok()) << r.status().ToString();
}

TEST_F(ScopeTest, S12_AssignmentOpensAVisit) {
  auto khoa = Khoa();
  auto v2_answer = Answer(khoa, 1, seed_.cnsg, seed_.b1, "rating", "dat");
  ExpectForbidden(khoa, {v2_answer}, 1);
  auto assigned = service_->Assign("khoa", "V2");
  ASSERT_TRUE(assigned.ok()) << assigned.status().ToString();
  EXPECT_TRUE(Push(khoa, {v2_answer}).ok());
  // Assigning twice gives the same assignment.
  EXPECT_EQ(*service_->Assign("khoa", "V2"), *assigned);
  EXPECT_EQ(service_->Assign("khoa", "V9").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(service_->Assign("nobody", "V2").status().code(), StatusCode::kNotFound);
}

TEST_F(ScopeTest, S12_MemberPullAndSnapshotExcludeUnassignedVisits) {
  ASSERT_TRUE(Push(Ha(), {Answer(Ha(), 1, seed_.cnsg, seed_.b1, "results", "V2 answer")}).ok());
  ASSERT_TRUE(Push(Khoa(), {Answer(Khoa(), 1, seed_.q4, seed_.a1, "results", "V1 answer")}).ok());

  std::set<std::string> v2_records = {seed_.v2.id, domain::AnswerId(seed_.cnsg.id, seed_.b1.id)};
  for (const auto& u : seed_.plan.units) {
    if (u.visit_id == seed_.v2.id) v2_records.insert(u.id);
  }
  for (const auto& a : seed_.plan.assignments) {
    if (a.visit_id == seed_.v2.id) v2_records.insert(a.id);
  }
  auto check = [&](const std::vector<Change>& changes, const char* what) {
    std::set<std::string> types;
    bool saw_v1_answer = false;
    for (const auto& c : changes) {
      EXPECT_FALSE(v2_records.contains(c.record_id)) << what << " leaked " << c.record_type << " " << c.record_id;
      types.insert(c.record_type);
      if (c.record_id == domain::AnswerId(seed_.q4.id, seed_.a1.id)) saw_v1_answer = true;
    }
    EXPECT_TRUE(saw_v1_answer) << what;
    for (const char* type : {domain::kPlan, domain::kMember, domain::kTemplate, domain::kItem, domain::kVisit,
                             domain::kUnit, domain::kAssignment, domain::kAnswer}) {
      EXPECT_TRUE(types.contains(type)) << what << " has no " << type;
    }
  };
  check(PullAll(Khoa()), "pull");
  check(SnapshotAll(Khoa(), 50), "snapshot");

  // ha sees V2 and not V1's units.
  for (const auto& c : PullAll(Ha())) {
    EXPECT_NE(c.record_id, seed_.q4.id);
    EXPECT_NE(c.record_id, domain::AnswerId(seed_.q4.id, seed_.a1.id));
  }
  // The secretariat sees everything.
  bool saw_v2 = false;
  for (const auto& c : PullAll(Secretariat())) saw_v2 |= c.record_id == domain::AnswerId(seed_.cnsg.id, seed_.b1.id);
  EXPECT_TRUE(saw_v2);
}

// A pull over several scopes merges one ordered range per scope: in small pages, across scopes
// written in turn, every change the user may see comes once, in server order, and the page ends
// are exactly what the whole-log pull of the secretariat yields for those scopes.
TEST_F(ScopeTest, S4_S12_PullAcrossScopesInSmallPagesIsInOrderWithoutGapsOrRepeats) {
  uint64_t khoa_seq = 0, ha_seq = 0;
  for (int round = 0; round < 6; ++round) {
    ASSERT_TRUE(Push(Khoa(), {Answer(Khoa(), ++khoa_seq, seed_.q4, seed_.a1, "results", "V1 " + std::to_string(round))}).ok());
    ASSERT_TRUE(Push(Ha(), {Answer(Ha(), ++ha_seq, seed_.cnsg, seed_.b1, "results", "V2 " + std::to_string(round))}).ok());
  }
  const auto everything = PullAll(Secretariat(), 0, 1000);
  const auto leader = PullAll(Leader(), 0, 1000);  // luan is assigned to every visit: sees it all
  ASSERT_EQ(leader.size(), everything.size());
  for (size_t i = 0; i < leader.size(); ++i) ASSERT_EQ(leader[i].server_seq, everything[i].server_seq) << i;
  for (uint32_t batch : {1u, 2u, 3u, 7u}) {
    uint64_t cursor = 0;
    const auto paged = PullAll(Leader(), 0, batch, &cursor);
    ASSERT_EQ(paged.size(), leader.size()) << "batch " << batch;
    for (size_t i = 0; i < paged.size(); ++i) {
      EXPECT_EQ(paged[i].server_seq, leader[i].server_seq) << "batch " << batch << " at " << i;
      if (i > 0) EXPECT_LT(paged[i - 1].server_seq, paged[i].server_seq);
    }
    EXPECT_EQ(cursor, everything.back().server_seq);
  }
  int answers = 0;
  for (const auto& c : leader) answers += c.record_type == domain::kAnswer;
  EXPECT_EQ(answers, 12);
}

TEST_F(ScopeTest, S12_UserWithNoAssignmentSeesOnlyTemplates) {
  ASSERT_TRUE(service_->AddUser("moi", domain::Role::kMember, "").ok());
  Session moi{"dev-moi", "moi", domain::Role::kMember};
  auto pulled = PullAll(moi);
  ASSERT_FALSE(pulled.empty());
  for (const auto& c : pulled) {
    EXPECT_TRUE(c.record_type == domain::kTemplate || c.record_type == domain::kItem) << c.record_type;
  }
}

TEST_F(ScopeTest, NewRecordWithoutAPlaceIsRefused) {
  auto sec = Secretariat();
  auto r = Push(sec, {Make(sec, 1, domain::kUnit, "unit-nowhere", "name", "Đơn vị")});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(r.status().message(), HasSubstr("visit_id"));
  // With its visit_id in the same push it is placed.
  EXPECT_TRUE(Push(sec, {Make(sec, 1, domain::kUnit, "unit-new", "name", "Đơn vị"),
                         Make(sec, 2, domain::kUnit, "unit-new", "visit_id", seed_.v1.id)})
                  .ok());
  // ... and khoa (assigned to V1) may answer in it.
  auto khoa = Khoa();
  EXPECT_TRUE(Push(khoa, {Make(khoa, 1, domain::kAnswer, "unit-new/" + seed_.a1.id, "rating", "tot")}).ok());
}

// The answer's scope comes from its unit only: a member cannot create an answer of a unit the
// server does not know and so pick its visit (and with it who sees the answer) forever.
TEST_F(ScopeTest, S12_AnswerOfAnUnknownUnitIsRefusedUnlessFromTheSecretariat) {
  const uint64_t head = Head();
  auto khoa = Khoa();
  const std::string answer = domain::AnswerId("unit-unknown", seed_.a1.id);
  auto r = Push(khoa, {Make(khoa, 1, domain::kAnswer, answer, "visit_id", seed_.v1.id),
                       Make(khoa, 2, domain::kAnswer, answer, "results", "Đơn vị lạ")});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(r.status().message(), HasSubstr("unit-unknown"));
  EXPECT_EQ(Head(), head);
  // The secretariat may place it by its visit_id.
  auto sec = Secretariat();
  EXPECT_TRUE(Push(sec, {Make(sec, 1, domain::kAnswer, answer, "visit_id", seed_.v1.id)}).ok());
}

TEST_F(ScopeTest, S12_AnswerVisitOrUnitFieldThatContradictsItsUnitIsRefused) {
  const uint64_t head = Head();
  auto khoa = Khoa();
  const std::string answer = domain::AnswerId(seed_.q4.id, seed_.a1.id);  // Q4 is in V1
  auto wrong_visit = Push(khoa, {Answer(khoa, 1, seed_.q4, seed_.a1, "rating", "tot"),
                                 Make(khoa, 2, domain::kAnswer, answer, "visit_id", seed_.v2.id)});
  ASSERT_FALSE(wrong_visit.ok());
  EXPECT_EQ(wrong_visit.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(wrong_visit.status().message(), HasSubstr("change 2"));
  auto wrong_unit = Push(khoa, {Make(khoa, 1, domain::kAnswer, answer, "unit_id", seed_.cnsg.id)});
  EXPECT_EQ(wrong_unit.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(Head(), head);
  // What a tablet writes (the unit's own visit and id) is accepted.
  auto right = Push(khoa, {Make(khoa, 1, domain::kAnswer, answer, "visit_id", seed_.v1.id),
                           Make(khoa, 2, domain::kAnswer, answer, "unit_id", seed_.q4.id)});
  EXPECT_TRUE(right.ok()) << right.status().ToString();
}

// A store failure while finding the unit is an error, never a reason to trust the client's visit_id.
TEST_F(ScopeTest, S12_StoreErrorWhileFindingTheUnitIsAnErrorNotTheClientsVisit) {
  const uint64_t head = Head();
  faults_->fail = [&](std::string_view op, const std::string& arg) {
    return op == "RecordScope" && arg == std::string(domain::kUnit) + " " + seed_.cnsg.id
               ? Status::IoError("disk I/O error (injected)")
               : Status::Ok();
  };
  auto khoa = Khoa();  // assigned to V1 only; CNSG is in V2
  const std::string answer = domain::AnswerId(seed_.cnsg.id, seed_.b1.id);
  auto r = Push(khoa, {Make(khoa, 1, domain::kAnswer, answer, "visit_id", seed_.v1.id),
                       Make(khoa, 2, domain::kAnswer, answer, "results", "vào V2 qua V1")});
  faults_->fail = nullptr;
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kIoError) << r.status().ToString();
  EXPECT_EQ(Head(), head);
}

// Rights inside a visit follow the user's member record in the plan, not the account role.
TEST_F(ScopeTest, S12_ConclusionRightsFollowThePlanRoleNotTheAccountRole) {
  const std::string conclusion = domain::ConclusionId(seed_.v1.id);
  // khoa's account says leader, but in plan 31 he is a member.
  Session khoa_as_leader{"dev-khoa", "khoa", domain::Role::kLeader};
  ExpectForbidden(khoa_as_leader, {Make(khoa_as_leader, 1, domain::kConclusion, conclusion, "results", "Kết luận")},
                  1);
  // tham's account says member, but she is the plan's deputy, assigned to V1.
  ASSERT_TRUE(service_->AddUser("tham", domain::Role::kMember, "Nguyễn Thị Hồng Thắm").ok());
  Session tham{"dev-tham", "tham", domain::Role::kMember};
  auto r = Push(tham, {Make(tham, 1, domain::kConclusion, conclusion, "results", "Kết luận của phó đoàn")});
  EXPECT_TRUE(r.ok()) << r.status().ToString();
}

}  // namespace
}  // namespace fieldsync::server::testing
