// The report streams (issue 7): for a plan of 240 units and 960 answers, no store call made while
// writing it returns more records than one page (or one unit's checklist), in every format, and
// the report still holds every unit and answer. A report that loaded all units or all answers at
// once fails here: the store wrapper sees the size of every result.
#include <nlohmann/json.hpp>
#include <sstream>

#include "fieldsync/report/report.h"
#include "server_test_util.h"

namespace fieldsync::server::testing {
namespace {

constexpr size_t kVisits = 3;
constexpr size_t kUnitsPerVisit = 80;
constexpr size_t kItems = 4;
constexpr size_t kPage = 16;

class ReportStreamingTest : public ServiceTest {
 protected:
  void SetUp() override {
    ServiceTest::SetUp();
    domain::PlanData data;
    data.plan = {"big-plan", "99-KH/LỚN", "Kế hoạch lớn", "2024-01-02", "", "2024-02-01", "2024-03-01", "Ban Chỉ đạo"};
    data.templates = {{"big-template", "T", "Mẫu", "all", 1}};
    for (size_t i = 0; i < kItems; ++i) {
      data.items.push_back({"big-item-" + std::to_string(i), "big-template", "I" + std::to_string(i),
                            "Nội dung " + std::to_string(i), "", static_cast<int64_t>(i)});
    }
    for (size_t v = 0; v < kVisits; ++v) {
      const std::string visit = "big-visit-" + std::to_string(v);
      data.visits.push_back({visit, "big-plan", "W" + std::to_string(v), "2024-02-0" + std::to_string(v + 1), ""});
      for (size_t u = 0; u < kUnitsPerVisit; ++u) {
        // Every tenth unit is a superior one; the others hang under the visit's first unit.
        const std::string id = "big-unit-" + std::to_string(v) + "-" + std::to_string(1000 + u);
        const std::string parent = u % 10 == 0 ? "" : "big-unit-" + std::to_string(v) + "-1000";
        data.units.push_back({id, "big-plan", "U" + std::to_string(v) + "-" + std::to_string(u), "Đơn vị " + id,
                              "ward", parent, visit, "big-template"});
      }
    }
    auto imported = service_->ImportPlan(data);
    ASSERT_TRUE(imported.ok()) << imported.status().ToString();
    std::vector<Change> batch;
    uint64_t seq = 0;
    auto flush = [&] {
      auto pushed = Push(Secretariat(), std::move(batch));
      ASSERT_TRUE(pushed.ok()) << pushed.status().ToString();
      batch.clear();
    };
    for (const auto& unit : data.units) {
      for (const auto& item : data.items) {
        const std::string id = domain::AnswerId(unit.id, item.id);
        batch.push_back(Make(Secretariat(), ++seq, domain::kAnswer, id, "unit_id", unit.id));
        batch.push_back(Make(Secretariat(), ++seq, domain::kAnswer, id, domain::kRatingField,
                             std::string(item.position % 2 ? "dat" : "tot")));
        batch.push_back(Make(Secretariat(), ++seq, domain::kAnswer, id, domain::kGoodPracticesField,
                             "Cách làm " + unit.code + "/" + item.code));
        if (batch.size() >= 1500) flush();
      }
    }
    flush();
    units_ = data.units.size();
  }

  // Writes the report while recording the largest result of any store call.
  std::string Render(report::ReportFormat format) {
    largest_ = 0;
    faults_->returned = [this](std::string_view op, const std::string& arg, size_t records) {
      if (records > largest_) {
        largest_ = records;
        largest_call_ = std::string(op) + " " + arg;
      }
    };
    std::ostringstream out;
    Status s = service_->ReadStore([&](ServerStore& store) {
      return report::WriteReport(store, "99-KH/LỚN", report::ReportOptions{format, report::Language::kVi, kPage}, out);
    });
    faults_->returned = nullptr;
    EXPECT_TRUE(s.ok()) << s.ToString();
    return out.str();
  }

  size_t units_ = 0;
  size_t largest_ = 0;
  std::string largest_call_;
};

TEST_F(ReportStreamingTest, JsonHoldsEveryAnswerWhileEveryReadIsOnePage) {
  const std::string text = Render(report::ReportFormat::kJson);
  EXPECT_LE(largest_, kPage) << largest_call_;
  EXPECT_GT(largest_, 0u);
  const auto doc = nlohmann::json::parse(text);
  size_t units = 0;
  for (const auto& visit : doc["visits"]) {
    bool subordinate_seen = false;
    for (const auto& unit : visit["units"]) {
      ++units;
      // Superior units (codes ending in 0) first within each visit, although pages come in id order.
      const bool superior = unit["unit"]["code"].get<std::string>().ends_with("0");
      if (!superior) subordinate_seen = true;
      EXPECT_FALSE(superior && subordinate_seen) << unit["unit"]["code"];
    }
  }
  EXPECT_EQ(units, units_);
  EXPECT_EQ(doc["totals"]["answered"], units_ * kItems);
  EXPECT_EQ(doc["totals"]["by_rating"]["tot"], units_ * kItems / 2);
  EXPECT_EQ(doc["across_units"]["good_practices"].size(), units_ * kItems);
}

TEST_F(ReportStreamingTest, HtmlAndCsvReadOnePageAtATimeToo) {
  const std::string html = Render(report::ReportFormat::kHtml);
  EXPECT_LE(largest_, kPage) << largest_call_;
  EXPECT_NE(html.find("Cách làm U2-79/I3"), std::string::npos);
  const std::string csv = Render(report::ReportFormat::kCsv);
  EXPECT_LE(largest_, kPage) << largest_call_;
  size_t lines = 0;
  for (size_t at = csv.find("\r\n"); at != std::string::npos; at = csv.find("\r\n", at + 2)) ++lines;
  EXPECT_EQ(lines, 1 + units_ * kItems * 2);  // the header, then rating and good practice of each answer
}

// A report read through its own connection sees one state while the server commits pushes.
TEST_F(ReportStreamingTest, AReadViewKeepsOneStateWhileTheServerCommits) {
  auto reader = OpenSqliteServerStore(dir_.File("central.db"));
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  const std::string id = domain::AnswerId("big-unit-0-1001", "big-item-0");
  auto before = (*reader)->GetRecord(domain::kAnswer, id);
  ASSERT_TRUE(before.ok() && *before);
  const std::string text = (*before)->Text(domain::kGoodPracticesField);
  auto view = (*reader)->BeginReadView();
  ASSERT_TRUE(view.ok()) << view.status().ToString();
  auto pushed = Push(Secretariat(), {Make(Secretariat(), 100000, domain::kAnswer, id, domain::kGoodPracticesField,
                                          std::string("sửa trong lúc lập báo cáo"), clock_.NowMillis() + 1000)});
  ASSERT_TRUE(pushed.ok()) << pushed.status().ToString();
  auto during = (*reader)->GetRecord(domain::kAnswer, id);
  ASSERT_TRUE(during.ok() && *during);
  EXPECT_EQ((*during)->Text(domain::kGoodPracticesField), text);
  view->reset();
  auto after = (*reader)->GetRecord(domain::kAnswer, id);
  ASSERT_TRUE(after.ok() && *after);
  EXPECT_EQ((*after)->Text(domain::kGoodPracticesField), "sửa trong lúc lập báo cáo");
}

}  // namespace
}  // namespace fieldsync::server::testing
