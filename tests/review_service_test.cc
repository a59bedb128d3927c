// The review workflow on the server (issue 7): SyncService::SetReview writes a review as an ordinary
// synced change after the same role check a tablet's push gets; members may not review, by either
// path; a decision on an answer edited afterwards shows as edited since review.
#include "fieldsync/review.h"
#include "server_test_util.h"

namespace fieldsync::server::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using domain::ReviewStatus;

class ReviewServiceTest : public ServiceTest {
 protected:
  void SetUp() override {
    ServiceTest::SetUp();
    // Khoa (member of V1) answers item A1 of unit Q4.
    auto pushed = Push(Khoa(), {Answer(Khoa(), 1, seed_.q4, seed_.a1, "unit_id", seed_.q4.id),
                                Answer(Khoa(), 2, seed_.q4, seed_.a1, "item_id", seed_.a1.id),
                                Answer(Khoa(), 3, seed_.q4, seed_.a1, domain::kRatingField, "dat"),
                                Answer(Khoa(), 4, seed_.q4, seed_.a1, domain::kResultsField, "Đã quán triệt")});
    ASSERT_TRUE(pushed.ok()) << pushed.status().ToString();
  }

  ReviewTarget A1() const { return ReviewTarget{seed_.plan.plan.code, "Q4", "A1", ""}; }
  std::string ReviewId() const {
    return domain::ReviewId(domain::kAnswer, domain::AnswerId(seed_.q4.id, seed_.a1.id));
  }

  // The review state of item `code` of unit Q4 as Reviews() reports it.
  domain::ReviewState StateOf(const std::string& code) {
    auto list = service_->Reviews(seed_.plan.plan.code, "q4");
    EXPECT_TRUE(list.ok()) << list.status().ToString();
    for (const auto& info : list.ok() ? *list : std::vector<ReviewInfo>{}) {
      if (info.target_type == domain::kAnswer && info.item.code == code) return info.state;
    }
    ADD_FAILURE() << "no item " << code;
    return {};
  }

  // Every change of the review record a session pulls.
  std::vector<Change> PulledReview(const Session& s) {
    auto pulled = service_->Pull(s, 0, 1000);
    EXPECT_TRUE(pulled.ok()) << pulled.status().ToString();
    std::vector<Change> out;
    for (const auto& c : pulled.ok() ? pulled->changes : std::vector<Change>{}) {
      if (c.record_type == domain::kReview && c.record_id == ReviewId()) out.push_back(c);
    }
    return out;
  }
};

TEST_F(ReviewServiceTest, AnAnswerIsReceivedUntilALeaderDecides) {
  domain::ReviewState before = StateOf("A1");
  EXPECT_TRUE(before.answered);
  EXPECT_EQ(before.status, ReviewStatus::kReceived);
  EXPECT_FALSE(StateOf("A2").answered);

  auto set = service_->SetReview("luan", A1(), ReviewStatus::kNeedsChanges, "Bổ sung số liệu <năm 2023>");
  ASSERT_TRUE(set.ok()) << set.status().ToString();
  EXPECT_EQ(set->state.status, ReviewStatus::kNeedsChanges);
  EXPECT_EQ(set->state.comment, "Bổ sung số liệu <năm 2023>");
  EXPECT_EQ(set->state.reviewer, "luan");
  EXPECT_EQ(set->unit.code, "Q4");
  EXPECT_EQ(set->item.code, "A1");
  EXPECT_EQ(set->findings.results, "Đã quán triệt");
  EXPECT_EQ(StateOf("A1").status, ReviewStatus::kNeedsChanges);
}

TEST_F(ReviewServiceTest, AReviewIsASyncedChangeTheVisitsTabletsPull) {
  ASSERT_TRUE(service_->SetReview("luan", A1(), ReviewStatus::kApproved, "Đạt yêu cầu").ok());
  // Khoa, a member of V1, pulls it as written by the server's device in luan's name.
  auto changes = PulledReview(Khoa());
  ASSERT_FALSE(changes.empty());
  for (const auto& c : changes) {
    EXPECT_EQ(c.device_id, service_->own_device_id());
    EXPECT_EQ(c.author, "luan");
  }
  // Ha is assigned to V2 only: she does not see V1's reviews.
  EXPECT_TRUE(PulledReview(Ha()).empty());
  // Deciding the same again writes nothing new.
  const size_t before = PulledReview(Secretariat()).size();
  ASSERT_TRUE(service_->SetReview("luan", A1(), ReviewStatus::kApproved, "Đạt yêu cầu").ok());
  EXPECT_EQ(PulledReview(Secretariat()).size(), before);
}

TEST_F(ReviewServiceTest, MembersMayNotReviewByAnyPath) {
  auto by_member = service_->SetReview("khoa", A1(), ReviewStatus::kApproved, "");
  ASSERT_EQ(by_member.status().code(), StatusCode::kPermissionDenied);
  EXPECT_THAT(by_member.status().message(), HasSubstr("may not review"));
  EXPECT_THAT(by_member.status().message(), HasSubstr("khoa"));
  // Refused for the role before anything about the target: unanswered, or in another visit, alike.
  for (const auto& [unit, item] : {std::pair{"Q4", "A2"}, std::pair{"CNSG", "B1"}, std::pair{"Q9", "A1"}}) {
    auto refused = service_->SetReview("khoa", ReviewTarget{seed_.plan.plan.code, unit, item, ""},
                                       ReviewStatus::kApproved, "");
    ASSERT_EQ(refused.status().code(), StatusCode::kPermissionDenied) << unit << " " << item;
    EXPECT_EQ(refused.status().message(), by_member.status().message());
  }

  // The same review pushed from Khoa's tablet is refused like any forbidden write.
  const std::string id = ReviewId();
  size_t refused = 0;
  auto pushed = service_->Push(
      Khoa(), Khoa().device_id,
      {Make(Khoa(), 5, domain::kReview, id, "target_type", std::string(domain::kAnswer)),
       Make(Khoa(), 6, domain::kReview, id, "status", std::string("approved"))},
      &refused);
  ASSERT_EQ(pushed.status().code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(refused, 1u);
  EXPECT_EQ(StateOf("A1").status, ReviewStatus::kReceived);

  // The leader's tablet may push it.
  auto by_leader = Push(Leader(), {Make(Leader(), 1, domain::kReview, id, "status", std::string("approved")),
                                   Make(Leader(), 2, domain::kReview, id, "reviewer", std::string("luan"))});
  ASSERT_TRUE(by_leader.ok()) << by_leader.status().ToString();
  EXPECT_EQ(StateOf("A1").status, ReviewStatus::kApproved);
  // Nobody signs a review in someone else's name.
  auto forged = Push(Leader(), {Make(Leader(), 3, domain::kReview, id, "reviewer", std::string("tham"))});
  ASSERT_EQ(forged.status().code(), StatusCode::kPermissionDenied);
  EXPECT_THAT(forged.status().message(), HasSubstr("may not sign a review as 'tham'"));
  // And the secretariat through the service.
  EXPECT_TRUE(service_->SetReview("thuongtruc", A1(), ReviewStatus::kNeedsChanges, "").ok());
  EXPECT_EQ(StateOf("A1").status, ReviewStatus::kNeedsChanges);
}

// The role and scope come before the target: outside one's visits, every review is refused alike,
// answered or not, existing or not, and the refusal names only one's own codes.
TEST_F(ReviewServiceTest, ALeaderOfOneVisitLearnsNothingAboutAnotherVisit) {
  // Minh leads V1 only; Ha (V2) answers CNSG B1, CNSG B2 stays unanswered.
  domain::PlanData plan = seed_.plan;
  plan.members.push_back({"member-minh", plan.plan.id, "minh", "Phạm Văn Minh", "", "leader"});
  plan.assignments.push_back({"assignment-minh-v1", seed_.v1.id, "member-minh"});
  ASSERT_TRUE(service_->ImportPlan(plan).ok());
  ASSERT_TRUE(service_->AddUser("minh", domain::Role::kLeader, "Phạm Văn Minh").ok());
  ASSERT_TRUE(Push(Ha(), {Answer(Ha(), 1, seed_.cnsg, seed_.b1, "unit_id", seed_.cnsg.id),
                          Answer(Ha(), 2, seed_.cnsg, seed_.b1, domain::kResultsField, "Đã ban hành")})
                  .ok());

  auto review = [&](const std::string& unit, const std::string& item, const std::string& visit = "") {
    return service_->SetReview("minh", ReviewTarget{seed_.plan.plan.code, unit, item, visit},
                               ReviewStatus::kApproved, "");
  };
  auto answered = review("CNSG", "B1"), unanswered = review("CNSG", "B2"), unknown = review("Q9", "A1");
  for (const auto* refused : {&answered, &unanswered, &unknown}) {
    ASSERT_EQ(refused->status().code(), StatusCode::kPermissionDenied) << refused->status().ToString();
    for (const char* mine : {"Q4", "P10Q4"}) EXPECT_THAT(refused->status().message(), HasSubstr(mine));
    for (const char* other : {"CSTN", "CG", "TTCT"}) EXPECT_THAT(refused->status().message(), Not(HasSubstr(other)));
  }
  EXPECT_EQ(answered.status().message(), unanswered.status().message());  // nothing tells them apart
  auto other_conclusion = review("", "", "V2");
  ASSERT_EQ(other_conclusion.status().code(), StatusCode::kPermissionDenied);  // not "no conclusion yet"
  EXPECT_THAT(other_conclusion.status().message(), Not(HasSubstr("V3")));

  // In his own visit he reviews, and hears what is missing there.
  EXPECT_TRUE(review("Q4", "A1").ok());
  EXPECT_EQ(review("Q4", "A2").status().code(), StatusCode::kFailedPrecondition);
  auto item = review("Q4", "B1");
  ASSERT_EQ(item.status().code(), StatusCode::kNotFound);
  EXPECT_THAT(item.status().message(), HasSubstr("A7"));  // the unit's own checklist
  EXPECT_EQ(review("", "", "V1").status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(StateOf("A1").reviewer, "minh");
}

TEST_F(ReviewServiceTest, APushedReviewMustNameItsTargetAndAKnownStatus) {
  const std::string id = ReviewId();
  auto bad_status = Push(Leader(), {Make(Leader(), 1, domain::kReview, id, "status", std::string("ok"))});
  ASSERT_EQ(bad_status.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(bad_status.status().message(), HasSubstr("needs_changes"));
  auto bad_id = Push(Leader(), {Make(Leader(), 2, domain::kReview, "review/plan/x", "status", std::string("approved"))});
  EXPECT_EQ(bad_id.status().code(), StatusCode::kInvalidArgument);
  // A review lives where its target lives: of a unit the server does not know, it has no place.
  const std::string unknown = domain::ReviewId(domain::kAnswer, domain::AnswerId("no-such-unit", seed_.a1.id));
  auto no_target = Push(Leader(), {Make(Leader(), 3, domain::kReview, unknown, "status", std::string("approved"))});
  ASSERT_EQ(no_target.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(no_target.status().message(), HasSubstr("which the server does not know"));
}

TEST_F(ReviewServiceTest, AnEditAfterTheDecisionShowsAsEditedSinceReview) {
  ASSERT_TRUE(service_->SetReview("luan", A1(), ReviewStatus::kApproved, "").ok());
  EXPECT_FALSE(StateOf("A1").edited_since_review);
  auto edit = Push(Khoa(), {Answer(Khoa(), 5, seed_.q4, seed_.a1, domain::kResultsField, "Đã quán triệt, bổ sung",
                                   clock_.NowMillis() + 1000)});
  ASSERT_TRUE(edit.ok()) << edit.status().ToString();
  domain::ReviewState after = StateOf("A1");
  EXPECT_EQ(after.status, ReviewStatus::kApproved);  // the decision stays, flagged
  EXPECT_TRUE(after.edited_since_review);
  EXPECT_THAT(domain::ReviewStateLabel(after), HasSubstr("đã sửa sau khi xét duyệt"));
  // Approving again covers the edit.
  ASSERT_TRUE(service_->SetReview("luan", A1(), ReviewStatus::kApproved, "").ok());
  EXPECT_FALSE(StateOf("A1").edited_since_review);
}

TEST_F(ReviewServiceTest, ConclusionsAreReviewedByVisit) {
  const std::string id = domain::ConclusionId(seed_.v1.id);
  auto conclusion = Push(Leader(), {Make(Leader(), 1, domain::kConclusion, id, "visit_id", seed_.v1.id),
                                    Make(Leader(), 2, domain::kConclusion, id, domain::kResultsField,
                                         std::string("Quận 4 thực hiện tốt"))});
  ASSERT_TRUE(conclusion.ok()) << conclusion.status().ToString();
  auto set = service_->SetReview("thuongtruc", ReviewTarget{seed_.plan.plan.code, "", "", "v1"},
                                 ReviewStatus::kApproved, "Thống nhất");
  ASSERT_TRUE(set.ok()) << set.status().ToString();
  EXPECT_EQ(set->target_type, domain::kConclusion);
  auto list = service_->Reviews(seed_.plan.plan.code, "Q4");
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->back().target_type, domain::kConclusion);  // after the unit's items
  EXPECT_EQ(list->back().visit.code, "V1");
  EXPECT_EQ(list->back().state.status, ReviewStatus::kApproved);
  EXPECT_EQ(list->back().findings.results, "Quận 4 thực hiện tốt");
}

TEST_F(ReviewServiceTest, RefusalsSayWhatIsWrong) {
  auto unanswered = service_->SetReview("luan", ReviewTarget{seed_.plan.plan.code, "Q4", "A2", ""},
                                        ReviewStatus::kApproved, "");
  EXPECT_EQ(unanswered.status().code(), StatusCode::kFailedPrecondition);
  auto unit = service_->SetReview("luan", ReviewTarget{seed_.plan.plan.code, "Q9", "A1", ""},
                                  ReviewStatus::kApproved, "");
  EXPECT_EQ(unit.status().code(), StatusCode::kNotFound);
  EXPECT_THAT(unit.status().message(), HasSubstr("P10Q4"));  // lists the codes
  auto user = service_->SetReview("nobody", A1(), ReviewStatus::kApproved, "");
  EXPECT_EQ(user.status().code(), StatusCode::kNotFound);
  auto plan = service_->Reviews("99-KH", "");
  EXPECT_EQ(plan.status().code(), StatusCode::kNotFound);
  auto bad_text = service_->SetReview("luan", A1(), ReviewStatus::kApproved, std::string("\xff\xfe"));
  EXPECT_EQ(bad_text.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(StateOf("A1").status, ReviewStatus::kReceived);  // nothing was written
}

}  // namespace
}  // namespace fieldsync::server::testing
