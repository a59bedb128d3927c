// The consolidated report (issue 7) of the seed plan after a synced scenario: three tablets answer
// over real HTTP (one finding carries markup, quotes, commas, a line break and a formula), two edit
// the same part offline (an open conflict), the leader writes a conclusion and reviews an answer.
// Each format is checked for what the committee reads: traceability of every line to unit, item
// and author, counts, the open conflict, escaping, CSV's BOM and quoting, JSON that parses.
#include <gmock/gmock.h>

#include <nlohmann/json.hpp>
#include <sstream>

#include <filesystem>

#include "soak/child_process.h"
#include "fieldsync/report/report.h"
#include "fieldsync/review.h"
#include "sync_harness.h"

namespace fieldsync {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using nlohmann::json;
using report::Language;
using report::ReportFormat;

constexpr const char* kMarkup = "<script>alert('x')</script> & <b>";
constexpr const char* kQuoted = "Cách làm \"hay\", sáng tạo\nDòng thứ hai";
constexpr const char* kFormula = "=1+1 kiến nghị";
constexpr const char* kDialogue = "Tổ chức đối thoại định kỳ với người dân";
// The parts of V1's conclusion that belong in the across-units lists.
constexpr const char* kTeamPractice = "Đoàn ghi nhận mô hình “Dân vận khéo” của Quận 4";
constexpr const char* kTeamLimitation = "Quy chế dân chủ ở một số phường chưa cập nhật";
constexpr const char* kTeamRecommendation = "Đề nghị Thành ủy nhân rộng mô hình đối thoại";

// RFC 4180 rows (CRLF between records; quotes double inside quoted fields).
std::vector<std::vector<std::string>> ParseCsv(std::string_view text) {
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> row;
  std::string field;
  bool quoted = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        field += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        field += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      row.push_back(std::move(field));
      field.clear();
    } else if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
      row.push_back(std::move(field));
      field.clear();
      rows.push_back(std::move(row));
      row.clear();
      ++i;
    } else {
      field += c;  // a bare line break lands here and breaks the column count
    }
  }
  if (!field.empty() || !row.empty()) {
    row.push_back(std::move(field));
    rows.push_back(std::move(row));
  }
  return rows;
}

class ReportTest : public SyncHarness {
 protected:
  void SetUp() override {
    SyncHarness::SetUp();
    khoa_ = Enroll("khoa");
    luan_ = Enroll("luan");
    ha_ = Enroll("ha");
    for (auto* t : {khoa_.get(), luan_.get(), ha_.get()}) ASSERT_TRUE(t->Sync().ok());

    AnswerEdit q4a1;
    q4a1.rating = "tot";
    q4a1.results = "Ban hành 5 văn bản, 3 hội nghị";
    q4a1.good_practices = kQuoted;
    q4a1.limitations = kMarkup;
    q4a1.recommendations = kFormula;
    khoa_->Answer("Q4", "A1", q4a1);
    AnswerEdit p10;
    p10.rating = "chua_dat";
    p10.good_practices = kDialogue;
    luan_->Answer("P10Q4", "A2", p10);
    AnswerEdit cnsg;
    cnsg.rating = "dat";
    cnsg.results = "Hội nghị người lao động đúng hạn";
    ha_->Answer("CNSG", "B2", cnsg);
    // Khoa and Luan fill the same part offline: the later one's value is kept in a conflict.
    AnswerEdit mine, theirs;
    mine.results = "Khoa: đã rà soát quy chế";
    theirs.results = "Luận: quy chế chưa cập nhật";
    khoa_->Answer("Q4", "A3", mine);
    luan_->Answer("Q4", "A3", theirs);
    // The leader's conclusion of V1 (Q4's session).
    AnswerEdit conclusion;
    conclusion.results = "Quận 4 thực hiện nghiêm túc";
    conclusion.good_practices = kTeamPractice;
    conclusion.limitations = kTeamLimitation;
    conclusion.recommendations = kTeamRecommendation;
    auto concluded = luan_->checklist->Conclude("Q4", conclusion);
    ASSERT_TRUE(concluded.ok()) << concluded.status().ToString();
    for (auto* t : {khoa_.get(), luan_.get(), ha_.get()}) ASSERT_TRUE(t->Sync().ok()) << t->user;
    auto reviewed = server_->service().SetReview("luan", server::ReviewTarget{kPlan(), "Q4", "A1", ""},
                                                 domain::ReviewStatus::kApproved, "Đầy đủ");
    ASSERT_TRUE(reviewed.ok()) << reviewed.status().ToString();
    auto conflicts = server_->service().Conflicts(kPlan(), false);
    ASSERT_TRUE(conflicts.ok());
    ASSERT_EQ(conflicts->size(), 1u);
    losing_value_ = DescribeValue(conflicts->front().loser.value);
  }

  static std::string kPlan() { return seed::Plan31().plan.code; }

  std::string Render(ReportFormat format, Language language = Language::kVi) {
    std::ostringstream out;
    Status s = report::WriteReport(server_->service(), kPlan(), format, language, out);
    EXPECT_TRUE(s.ok()) << s.ToString();
    return out.str();
  }

  std::unique_ptr<Tablet> khoa_, luan_, ha_;
  std::string losing_value_;
};

TEST_F(ReportTest, HtmlIsEscapedPrintableAndTraceable) {
  const std::string html = Render(ReportFormat::kHtml);
  EXPECT_THAT(html, HasSubstr("<!DOCTYPE html>"));
  EXPECT_THAT(html, HasSubstr("<html lang=\"vi\">"));
  EXPECT_THAT(html, HasSubstr("@page { size: A4"));
  EXPECT_THAT(html, HasSubstr("section.unit"));
  EXPECT_THAT(html, HasSubstr("break-before: page"));
  EXPECT_THAT(html, HasSubstr("Báo cáo tổng hợp"));
  EXPECT_THAT(html, HasSubstr("31-KH/BCĐTP"));
  // Free text is escaped: no markup from a tablet reaches the page.
  EXPECT_THAT(html, HasSubstr("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &lt;b&gt;"));
  EXPECT_THAT(html, Not(HasSubstr("<script")));
  EXPECT_THAT(html, Not(HasSubstr("<b>")));
  // Every unit, in order: V1's superior unit before its ward, V1 before V3.
  const size_t q4 = html.find("id=\"unit-Q4\""), p10 = html.find("id=\"unit-P10Q4\""),
               cg = html.find("id=\"unit-CG\"");
  ASSERT_NE(q4, std::string::npos);
  ASSERT_NE(p10, std::string::npos);
  ASSERT_NE(cg, std::string::npos);
  EXPECT_LT(q4, p10);
  EXPECT_LT(p10, cg);
  // The across-units line of a good practice names its unit, item and author.
  const size_t line = html.find(std::string("<li>") + kDialogue);
  ASSERT_NE(line, std::string::npos);
  const std::string li = html.substr(line, html.find("</li>", line) - line);
  EXPECT_THAT(li, HasSubstr("(P10Q4)"));
  EXPECT_THAT(li, HasSubstr("A2"));
  EXPECT_THAT(li, HasSubstr("Ngô Văn Luận (luan)"));
  // The conclusion's parts are in the lists too, traced to its visit, "Kết luận" and its author.
  const size_t across = html.find("<section class=\"across\">");
  ASSERT_NE(across, std::string::npos);
  for (const char* text : {kTeamPractice, kTeamLimitation, kTeamRecommendation}) {
    const size_t at = html.find(std::string("<li>") + text, across);
    ASSERT_NE(at, std::string::npos) << text;
    const std::string team = html.substr(at, html.find("</li>", at) - at);
    EXPECT_THAT(team, HasSubstr("Đợt làm việc V1 (Buổi làm việc 1"));
    EXPECT_THAT(team, HasSubstr("· Kết luận ·"));
    EXPECT_THAT(team, HasSubstr("Ngô Văn Luận (luan)"));
  }
  // The review, the conclusion and the open conflict are there.
  EXPECT_THAT(html, HasSubstr("Đã duyệt"));
  EXPECT_THAT(html, HasSubstr("Quận 4 thực hiện nghiêm túc"));
  const size_t conflicts = html.find("<section class=\"conflicts\">");
  ASSERT_NE(conflicts, std::string::npos);
  EXPECT_NE(html.find(losing_value_, conflicts), std::string::npos);
  EXPECT_THAT(html, HasSubstr("có xung đột chưa giải quyết"));  // marked on the answer too
}

TEST_F(ReportTest, HtmlSpeaksEnglishOnRequest) {
  const std::string html = Render(ReportFormat::kHtml, Language::kEn);
  EXPECT_THAT(html, HasSubstr("<html lang=\"en\">"));
  EXPECT_THAT(html, HasSubstr("Consolidated supervision report"));
  EXPECT_THAT(html, HasSubstr("Results achieved"));
  EXPECT_THAT(html, HasSubstr("Approved"));
  EXPECT_THAT(html, HasSubstr("Not met"));
  EXPECT_THAT(html, HasSubstr(kDialogue));  // findings are never translated
}

TEST_F(ReportTest, CsvHasBomQuotingAndOneRowPerPart) {
  const std::string csv = Render(ReportFormat::kCsv);
  ASSERT_EQ(csv.substr(0, 3), "\xEF\xBB\xBF");
  auto rows = ParseCsv(std::string_view(csv).substr(3));
  ASSERT_GT(rows.size(), 10u);
  const size_t columns = rows.front().size();
  EXPECT_EQ(rows.front()[4], "Mã đơn vị");
  for (const auto& row : rows) ASSERT_EQ(row.size(), columns) << row.front();
  auto find = [&](const std::string& unit, const std::string& item, const std::string& part) {
    for (const auto& row : rows) {
      if (row[4] == unit && row[6] == item && row[8] == part) return row;
    }
    ADD_FAILURE() << unit << " " << item << " " << part;
    return std::vector<std::string>(columns);
  };
  auto practice = find("Q4", "A1", "Cách làm hay, kinh nghiệm");
  EXPECT_EQ(practice[9], kQuoted);  // quotes, comma and line break survive
  EXPECT_EQ(practice[10], "khoa");
  EXPECT_EQ(practice[11], "Trần Minh Khoa");
  EXPECT_EQ(practice[13], "Đã duyệt");
  EXPECT_EQ(practice[14], "Đầy đủ");
  EXPECT_EQ(find("Q4", "A1", "Hạn chế, khó khăn, vướng mắc")[9], kMarkup);
  EXPECT_EQ(find("Q4", "A1", "Kiến nghị, đề xuất")[9], std::string("'") + kFormula);  // not run as a formula
  EXPECT_EQ(find("P10Q4", "A2", "Đánh giá")[9], "Chưa đạt");
  EXPECT_EQ(find("Q4", "A3", "Kết quả đạt được")[16], "có xung đột chưa giải quyết");
  // Filtered by part, the rows are the across-units lists: a conclusion's row names its visit and
  // "Kết luận" where the item would be.
  bool traced = false;
  for (const auto& row : rows) {
    if (row[9] != kTeamPractice) continue;
    traced = row[0] == "Kết luận" && row[2] == "V1" && row[7] == "Kết luận" && row[8] == "Cách làm hay, kinh nghiệm" &&
             row[10] == "luan" && row[11] == "Ngô Văn Luận";
  }
  EXPECT_TRUE(traced);
  size_t conflict_rows = 0, unanswered = 0;
  for (const auto& row : rows) {
    if (row[0] == "Xung đột") {
      ++conflict_rows;
      EXPECT_EQ(row[9], losing_value_);
    }
    if (row[9] == "Chưa trả lời") ++unanswered;
  }
  EXPECT_EQ(conflict_rows, 1u);
  EXPECT_GT(unanswered, 20u);  // progress shows what is missing too
}

TEST_F(ReportTest, JsonParsesWithCountsListsAndConflicts) {
  const json doc = json::parse(Render(ReportFormat::kJson));
  EXPECT_EQ(doc["plan"]["code"], kPlan());
  ASSERT_EQ(doc["visits"].size(), 3u);
  size_t units = 0;
  for (const auto& v : doc["visits"]) units += v["units"].size();
  EXPECT_EQ(units, 6u);
  const json& totals = doc["totals"];
  EXPECT_EQ(totals["answered"], 4);  // Q4 A1 and A3, P10Q4 A2, CNSG B2
  EXPECT_EQ(totals["by_rating"]["tot"], 1);
  EXPECT_EQ(totals["by_rating"]["dat"], 1);
  EXPECT_EQ(totals["by_rating"]["chua_dat"], 1);
  EXPECT_EQ(totals["by_rating"]["none"], 1);
  EXPECT_EQ(totals["approved"], 1);
  EXPECT_EQ(totals["received"], 3);
  EXPECT_EQ(totals["items"], 7 * 4 + 6 * 2);  // four locality units, two enterprises

  const json& q4 = doc["visits"][0]["units"][0];
  EXPECT_EQ(q4["unit"]["code"], "Q4");
  EXPECT_EQ(q4["counts"]["answered"], 2);
  const json& a1 = q4["items"][0];
  EXPECT_EQ(a1["item"]["code"], "A1");
  EXPECT_EQ(a1["parts"]["limitations"]["text"], kMarkup);
  EXPECT_EQ(a1["parts"]["good_practices"]["author_name"], "Trần Minh Khoa");
  EXPECT_EQ(a1["review"]["status"], "approved");
  EXPECT_EQ(doc["visits"][0]["conclusion"]["parts"]["results"]["text"], "Quận 4 thực hiện nghiêm túc");

  bool traced = false;
  for (const auto& line : doc["across_units"]["good_practices"]) {
    if (line["text"] == kDialogue) {
      traced = line["unit"]["code"] == "P10Q4" && line["item"]["code"] == "A2" && line["author"] == "luan";
    }
  }
  EXPECT_TRUE(traced);
  // The conclusion's parts, traced to its visit, "Kết luận" and its author, ahead of V1's answers.
  const std::pair<const char*, const char*> team[] = {{"good_practices", kTeamPractice},
                                                      {"limitations", kTeamLimitation},
                                                      {"recommendations", kTeamRecommendation}};
  for (const auto& [part, text] : team) {
    const json& lines = doc["across_units"][part];
    ASSERT_FALSE(lines.empty()) << part;
    const json& first = lines[0];
    EXPECT_EQ(first["text"], text);
    EXPECT_EQ(first["source"], "conclusion");
    EXPECT_EQ(first["visit"]["code"], "V1");
    EXPECT_TRUE(first["unit"].is_null());
    EXPECT_EQ(first["item"]["title"], "Kết luận");
    EXPECT_EQ(first["author"], "luan");
  }
  EXPECT_EQ(doc["across_units"]["good_practices"][1]["source"], "answer");
  ASSERT_EQ(doc["open_conflicts"].size(), 1u);
  EXPECT_EQ(doc["open_conflicts"][0]["overwritten"]["text"], losing_value_);
  EXPECT_EQ(doc["open_conflicts"][0]["unit"]["code"], "Q4");
}

TEST_F(ReportTest, AnUnknownPlanWritesNothing) {
  std::ostringstream out;
  Status s = report::WriteReport(server_->service(), "99-KH", ReportFormat::kHtml, Language::kVi, out);
  EXPECT_EQ(s.code(), StatusCode::kNotFound);
  EXPECT_THAT(s.message(), HasSubstr("31-KH/BCĐTP"));  // lists the plans there are
  EXPECT_TRUE(out.str().empty());
  EXPECT_EQ(report::ParseReportFormat("PDF").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(report::ParseLanguage("fr").status().code(), StatusCode::kInvalidArgument);
}

// The command lines: the tablet's checklist shows the review, the server writes the report file.
TEST_F(ReportTest, TheCommandLinesShowReviewsAndWriteTheReport) {
  ASSERT_TRUE(khoa_->Sync().ok());  // receives the leader's review
  auto run = [&](std::vector<std::string> argv) {
    auto result = soak::RunCommand(argv, dir_.File("cli.out"), dir_.File("cli.err"), std::chrono::seconds(60));
    EXPECT_FALSE(result.timed_out) << argv[0];
    return result;
  };
  const std::string tablet = FIELDSYNC_BIN_DIR "/fieldsync", server = FIELDSYNC_BIN_DIR "/fieldsync-server";
  auto checklist = run({tablet, "checklist", "--db", khoa_->path, "--unit", "Q4"});
  ASSERT_TRUE(checklist.status.ok()) << soak::ReadFile(dir_.File("cli.err"));
  EXPECT_THAT(checklist.out, HasSubstr("Xét duyệt: Đã duyệt (luan): Đầy đủ"));
  auto as_json = run({tablet, "checklist", "--db", khoa_->path, "--unit", "Q4", "--json"});
  ASSERT_TRUE(as_json.status.ok());
  const json doc = json::parse(as_json.out);
  EXPECT_EQ(doc["items"][0]["review"]["status"], "approved");
  EXPECT_EQ(doc["conclusion"]["findings"]["results"], "Quận 4 thực hiện nghiêm túc");

  const std::string csv = dir_.File("bao-cao.csv");
  auto written = run({server, "report", "--db", dir_.File("server.db"), "--plan", kPlan(), "--format", "csv",
                      "--out", csv});
  ASSERT_TRUE(written.status.ok()) << soak::ReadFile(dir_.File("cli.err"));
  EXPECT_EQ(soak::ReadFile(csv).substr(0, 3), "\xEF\xBB\xBF");
  EXPECT_FALSE(std::filesystem::exists(csv + ".part"));
  const std::string missing = dir_.File("missing.html");
  auto refused = run({server, "report", "--db", dir_.File("server.db"), "--plan", "99-KH", "--out", missing});
  EXPECT_EQ(refused.status.code, 1);
  EXPECT_THAT(soak::ReadFile(dir_.File("cli.err")), HasSubstr("no plan with code '99-KH'"));
  EXPECT_FALSE(std::filesystem::exists(missing));
  EXPECT_FALSE(std::filesystem::exists(missing + ".part"));
}

}  // namespace
}  // namespace fieldsync
