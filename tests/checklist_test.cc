// The tablet's checklist workflow over the seed scenario: codes, answers per part, errors that
// change nothing, and accent-insensitive search (composed and decomposed input alike).
#include "fieldsync/checklist.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "fieldsync/seed_scenario.h"
#include "temp_dir.h"

namespace fieldsync {
namespace {

class ChecklistTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = DeviceStore::Open(dir_.File("tablet.db"));
    ASSERT_TRUE(opened.ok());
    store_ = std::move(opened).value();
    ASSERT_TRUE(store_->Initialize("tham").ok());  // the deputy: assigned to all three sessions
    checklist_ = std::make_unique<Checklist>(*store_);
    ASSERT_TRUE(checklist_->LoadPlan(seed::Plan31()).ok());
    pending_after_load_ = *store_->PendingCount();
  }
  int64_t NewChanges() { return *store_->PendingCount() - pending_after_load_; }

  TempDir dir_;
  std::unique_ptr<DeviceStore> store_;
  std::unique_ptr<Checklist> checklist_;
  int64_t pending_after_load_ = 0;
};

TEST_F(ChecklistTest, SeedPlanHasThreeSessionsSixUnitsAndBothTemplates) {
  auto visits = checklist_->Visits();
  ASSERT_TRUE(visits.ok());
  ASSERT_EQ(visits->size(), 3u);
  EXPECT_EQ((*visits)[0].visit.date, "2023-07-06");
  EXPECT_EQ((*visits)[0].units[0].code, "Q4");
  EXPECT_EQ((*visits)[0].units[1].code, "P10Q4");
  EXPECT_EQ((*visits)[0].members[0].full_name, "Ngô Văn Luận") << "leader listed first";
  EXPECT_EQ((*visits)[2].units[0].name, "Huyện ủy Cần Giờ");
  for (const auto& v : *visits) {
    EXPECT_GE(v.visit.date, "2023-07-06");
    EXPECT_LE(v.visit.date, "2023-07-11");
    EXPECT_EQ(v.units.size(), 2u);
  }
  auto a = checklist_->ChecklistOf("Q4");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->entries.size(), 7u);
  EXPECT_EQ(a->entries[5].item.text, "việc thực hiện quy ước cộng đồng dân cư");
  auto b = checklist_->ChecklistOf("cstn");
  ASSERT_TRUE(b.ok()) << "codes are case-insensitive";
  ASSERT_EQ(b->entries.size(), 6u);
  EXPECT_EQ(b->entries[0].item.code, "B1");
  EXPECT_NE(b->entries[2].item.text.find("thỏa ước lao động tập thể"), std::string::npos);
}

TEST_F(ChecklistTest, AnswerPartsAreSeparateFieldChanges) {
  AnswerEdit edit;
  edit.rating = "Tốt";
  edit.results = "Đã tổ chức hội nghị người lao động";
  auto first = checklist_->Answer("CNSG", "B2", edit);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(first->findings.rating, "tot");
  EXPECT_EQ(NewChanges(), 5) << "3 identity fields + rating + results";

  AnswerEdit later;
  later.recommendations = "Đối thoại định kỳ hằng quý";
  auto second = checklist_->Answer("CNSG", "B2", later);
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(NewChanges(), 6) << "only the edited part is a new change";
  EXPECT_EQ(second->findings.results, "Đã tổ chức hội nghị người lao động");
  EXPECT_EQ(second->id, first->id);

  auto list = checklist_->ChecklistOf("CNSG");
  ASSERT_TRUE(list->entries[1].answer.has_value());
  EXPECT_EQ(list->entries[1].answer->findings.recommendations, "Đối thoại định kỳ hằng quý");
  EXPECT_FALSE(list->entries[0].answer.has_value());
}

TEST_F(ChecklistTest, ErrorsNameTheProblemAndChangeNothing) {
  AnswerEdit edit;
  edit.rating = "tot";
  auto unit = checklist_->Answer("Q5", "A1", edit);
  ASSERT_FALSE(unit.ok());
  EXPECT_EQ(unit.status().code(), StatusCode::kNotFound);
  EXPECT_NE(unit.status().message().find("P10Q4"), std::string::npos) << unit.status().message();

  auto item = checklist_->Answer("Q4", "B1", edit);  // a template B item on a template A unit
  ASSERT_FALSE(item.ok());
  EXPECT_NE(item.status().message().find("A1, A2, A3, A4, A5, A6, A7"), std::string::npos) << item.status().message();

  AnswerEdit bad = edit;
  bad.rating = "xuất sắc";
  bad.results = "không được lưu";
  auto rating = checklist_->Answer("Q4", "A1", bad);
  ASSERT_FALSE(rating.ok());
  EXPECT_NE(rating.status().message().find("Chưa đạt"), std::string::npos) << rating.status().message();

  AnswerEdit invalid;
  invalid.results = "\xC3\x28";
  EXPECT_EQ(checklist_->Answer("Q4", "A1", invalid).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(checklist_->Answer("Q4", "A1", AnswerEdit{}).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(NewChanges(), 0);
  EXPECT_FALSE(checklist_->ChecklistOf("Q4")->entries[0].answer.has_value());
}

TEST(ChecklistScope, S12_MemberCannotAnswerOutsideTheirSessions) {
  TempDir dir;
  auto store = std::move(DeviceStore::Open(dir.File("khoa.db")).value());
  ASSERT_TRUE(store->Initialize("khoa").ok());  // assigned to sessions 1 and 3
  Checklist checklist(*store);
  ASSERT_TRUE(checklist.LoadPlan(seed::Plan31()).ok());
  AnswerEdit edit;
  edit.rating = "tot";
  auto refused = checklist.Answer("CNSG", "B1", edit);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), StatusCode::kPermissionDenied);
  EXPECT_NE(refused.status().message().find("assign"), std::string::npos) << refused.status().message();
  EXPECT_EQ(*store->PendingCount(), 0);
  EXPECT_TRUE(checklist.Answer("CG", "A1", edit).ok());
}

// A change pulled from the server, stamped now (newer than the plan as loaded).
Change FromServer(const std::string& type, const std::string& id, const std::string& field, Value value) {
  Change c;
  c.record_type = type;
  c.record_id = id;
  c.field = field;
  c.value = std::move(value);
  c.hlc = SystemClock::Default().NowMillis() > 0 ? Hlc{SystemClock::Default().NowMillis(), 1} : Hlc{1, 1};
  c.device_id = "server-test";
  c.author = "thuongtruc";
  return c;
}

// Checklist keeps units, items and the user's role between taps; a pull through the same store or
// a commit from another connection to the file (a sync process) must still be seen at once.
TEST(ChecklistScope, KeptLookupsFollowPullsAndOtherConnections) {
  TempDir dir;
  auto store = std::move(DeviceStore::Open(dir.File("khoa.db")).value());
  ASSERT_TRUE(store->Initialize("khoa").ok());  // assigned to sessions 1 and 3
  Checklist checklist(*store);
  const auto& plan = seed::Plan31();
  ASSERT_TRUE(checklist.LoadPlan(plan).ok());
  AnswerEdit edit;
  edit.rating = "tot";
  ASSERT_TRUE(checklist.Answer("CG", "A1", edit).ok());  // looked up and kept

  // The unit's code changes in a pull applied through this store.
  const auto unit = std::find_if(plan.units.begin(), plan.units.end(), [](const auto& u) { return u.code == "CG"; });
  ASSERT_NE(unit, plan.units.end());
  ASSERT_TRUE(store->ApplyRemote({FromServer(domain::kUnit, unit->id, "code", std::string("CGX"))}, {}).ok());
  EXPECT_EQ(checklist.Answer("CG", "A1", edit).status().code(), StatusCode::kNotFound);
  EXPECT_TRUE(checklist.Answer("CGX", "A1", edit).ok());

  // Another connection takes the user off that session: the next tap is refused.
  const auto khoa = std::find_if(plan.members.begin(), plan.members.end(),
                                 [](const auto& m) { return m.user_name == "khoa"; });
  ASSERT_NE(khoa, plan.members.end());
  const auto assignment = std::find_if(plan.assignments.begin(), plan.assignments.end(), [&](const auto& a) {
    return a.member_id == khoa->id && a.visit_id == unit->visit_id;
  });
  ASSERT_NE(assignment, plan.assignments.end());
  {
    auto other = std::move(DeviceStore::Open(dir.File("khoa.db")).value());
    ASSERT_TRUE(other->ApplyRemote({FromServer(domain::kAssignment, assignment->id, kDeletedField, true)}, {}).ok());
  }
  const int64_t pending = *store->PendingCount();
  auto refused = checklist.Answer("CGX", "A1", edit);
  EXPECT_EQ(refused.status().code(), StatusCode::kPermissionDenied) << refused.status().ToString();
  EXPECT_EQ(*store->PendingCount(), pending);
}

TEST_F(ChecklistTest, SearchIgnoresAccentsAndFindsComposedOrDecomposedText) {
  auto units = checklist_->Search("can gio");
  ASSERT_TRUE(units.ok());
  bool found_unit = false;
  for (const auto& r : *units) found_unit |= r.hit.text == "Huyện ủy Cần Giờ";
  EXPECT_TRUE(found_unit);

  auto items = checklist_->Search("thoa uoc");
  ASSERT_TRUE(items.ok());
  ASSERT_FALSE(items->empty());
  EXPECT_NE(items->front().hit.text.find("thỏa ước lao động tập thể"), std::string::npos);
  EXPECT_EQ(items->front().where.rfind("mục B3", 0), 0u) << items->front().where;

  // One inspector types decomposed text, another searches with composed diacritics: same row.
  AnswerEdit nfd;
  nfd.limitations = "Chu\xCC\x9B\xCC\x81" "a co\xCC\x81 quy u\xCC\x9Bo\xCC\x9B\xCC\x81" "c a\xCC\x82\xCC\x81p";
  ASSERT_TRUE(checklist_->Answer("TTCT", "A6", nfd).ok());
  for (const char* query : {"quy ước ấp", "quy u\xCC\x9Bo\xCC\x9B\xCC\x81" "c", "QUY UOC AP"}) {
    auto hits = checklist_->Search(query);
    ASSERT_TRUE(hits.ok());
    auto it = std::find_if(hits->begin(), hits->end(), [](const auto& r) { return r.hit.record_type == "answer"; });
    ASSERT_NE(it, hits->end()) << query;
    EXPECT_EQ(it->hit.text, "Chứa có quy ước ấp") << "stored in NFC";
    EXPECT_EQ(it->where, "TTCT · A6 · Hạn chế, khó khăn, vướng mắc");
  }
}

}  // namespace
}  // namespace fieldsync
