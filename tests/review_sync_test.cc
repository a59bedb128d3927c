// Reviews end to end over real HTTP (issue 7): a review written on the server reaches the tablets
// of the visit and their checklists show it; a leader's tablet reviews like any edit; a member's
// tablet cannot; an answer edited after the decision shows as edited since review everywhere.
#include "fieldsync/review.h"
#include "sync_harness.h"

namespace fieldsync {
namespace {

using domain::ReviewStatus;

class ReviewSyncTest : public SyncHarness {
 protected:
  void SetUp() override {
    SyncHarness::SetUp();
    khoa_ = Enroll("khoa");
    luan_ = Enroll("luan");
    ASSERT_TRUE(khoa_->Sync().ok());
    ASSERT_TRUE(luan_->Sync().ok());
    AnswerEdit edit;
    edit.rating = "dat";
    edit.results = "Đã ban hành kế hoạch";
    khoa_->Answer("Q4", "A1", edit);
    ASSERT_TRUE(khoa_->Sync().ok());
  }

  static domain::ReviewState OnTablet(Tablet& tablet, const std::string& item) {
    auto checklist = tablet.checklist->ChecklistOf("Q4");
    EXPECT_TRUE(checklist.ok()) << checklist.status().ToString();
    for (const auto& e : checklist.ok() ? checklist->entries : std::vector<ChecklistEntry>{}) {
      if (e.item.code == item) return e.review;
    }
    ADD_FAILURE() << "no item " << item;
    return {};
  }
  domain::ReviewState OnServer(const std::string& item) {
    auto list = server_->service().Reviews(seed::Plan31().plan.code, "Q4");
    EXPECT_TRUE(list.ok()) << list.status().ToString();
    for (const auto& info : list.ok() ? *list : std::vector<server::ReviewInfo>{}) {
      if (info.item.code == item) return info.state;
    }
    ADD_FAILURE() << "no item " << item;
    return {};
  }
  server::ReviewTarget Q4(const std::string& item) const {
    return server::ReviewTarget{seed::Plan31().plan.code, "Q4", item, ""};
  }

  std::unique_ptr<Tablet> khoa_, luan_;
};

TEST_F(ReviewSyncTest, AServerReviewReachesTheTabletsChecklist) {
  EXPECT_EQ(OnTablet(*khoa_, "A1").status, ReviewStatus::kReceived);
  auto set = server_->service().SetReview("luan", Q4("A1"), ReviewStatus::kNeedsChanges, "Bổ sung số văn bản");
  ASSERT_TRUE(set.ok()) << set.status().ToString();
  ASSERT_TRUE(khoa_->Sync().ok());
  domain::ReviewState state = OnTablet(*khoa_, "A1");
  EXPECT_EQ(state.status, ReviewStatus::kNeedsChanges);
  EXPECT_EQ(state.comment, "Bổ sung số văn bản");
  EXPECT_EQ(state.reviewer, "luan");
  EXPECT_FALSE(state.edited_since_review);

  // Khoa corrects the answer: his checklist shows it edited at once, the server after the sync.
  AnswerEdit edit;
  edit.results = "Đã ban hành kế hoạch số 12-KH";
  khoa_->Answer("Q4", "A1", edit);
  EXPECT_TRUE(OnTablet(*khoa_, "A1").edited_since_review);
  ASSERT_TRUE(khoa_->Sync().ok());
  domain::ReviewState server = OnServer("A1");
  EXPECT_EQ(server.status, ReviewStatus::kNeedsChanges);
  EXPECT_TRUE(server.edited_since_review);
  // The leader's tablet agrees after its sync.
  ASSERT_TRUE(luan_->Sync().ok());
  EXPECT_TRUE(OnTablet(*luan_, "A1").edited_since_review);
}

TEST_F(ReviewSyncTest, TheLeadersTabletReviewsLikeAnyEdit) {
  ASSERT_TRUE(luan_->Sync().ok());  // gets Khoa's answer
  auto local = luan_->checklist->Review("Q4", "A1", ReviewStatus::kApproved, "Tốt");
  ASSERT_TRUE(local.ok()) << local.status().ToString();
  EXPECT_EQ(local->status, ReviewStatus::kApproved);
  auto report = luan_->Sync();
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->rejected, 0);
  domain::ReviewState server = OnServer("A1");
  EXPECT_EQ(server.status, ReviewStatus::kApproved);
  EXPECT_EQ(server.reviewer, "luan");
  EXPECT_FALSE(server.edited_since_review);  // the version the tablet saw is the server's
  ASSERT_TRUE(khoa_->Sync().ok());
  EXPECT_EQ(OnTablet(*khoa_, "A1").status, ReviewStatus::kApproved);
  EXPECT_EQ(OnTablet(*khoa_, "A1").comment, "Tốt");
}

TEST_F(ReviewSyncTest, AMembersTabletCannotReview) {
  auto local = khoa_->checklist->Review("Q4", "A1", ReviewStatus::kApproved, "");
  ASSERT_EQ(local.status().code(), StatusCode::kPermissionDenied);
  // Written past the app's check, the server refuses it and the tablet sets it aside.
  const std::string answer = domain::AnswerId(seed::Plan31().units[0].id, seed::Plan31().items[0].id);
  domain::Review review{domain::ReviewId(domain::kAnswer, answer), domain::kAnswer, answer, "", "", "",
                        "approved", "", "khoa", ""};
  ASSERT_TRUE(khoa_->store->Write(domain::ToWrites(review)).ok());
  auto report = khoa_->Sync();
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_GT(report->rejected, 0);
  EXPECT_EQ(OnServer("A1").status, ReviewStatus::kReceived);
  auto rejected = khoa_->store->RejectedChanges();
  ASSERT_TRUE(rejected.ok());
  ASSERT_FALSE(rejected->empty());
  EXPECT_NE(rejected->front().reason.find("may not review"), std::string::npos) << rejected->front().reason;
}

}  // namespace
}  // namespace fieldsync
