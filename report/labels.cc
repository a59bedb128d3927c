#include "labels.h"

#include <chrono>
#include <cstdio>

#include "fieldsync/domain.h"

namespace fieldsync::report {
namespace {

constexpr Labels kVietnamese = {
    "vi", "Báo cáo tổng hợp kết quả giám sát",
    "Kế hoạch", "Ngày ban hành", "Cơ quan ban hành", "Căn cứ", "Thời gian giám sát", "Dữ liệu đến thay đổi số",
    "Kết quả theo từng đơn vị", "Đợt làm việc", "Kết luận của Đoàn", "Chưa có kết luận", "Đơn vị",
    "Nội dung", "Đánh giá", "Người nhập", "Thời gian", "Xét duyệt", "Ý kiến xét duyệt", "Người xét duyệt",
    "Chưa trả lời", "Chưa đánh giá", "có xung đột chưa giải quyết",
    "Thống kê theo mức đánh giá", "Đã trả lời", "Số nội dung", "Tổng cộng", "Đã duyệt", "Cần sửa", "Chờ xét duyệt",
    "Sửa sau khi xét duyệt",
    "Tổng hợp chung các đơn vị", "Không có",
    "Xung đột chưa giải quyết", "Loại", "Phần", "Giá trị hiện tại", "Giá trị bị thay thế", "(đã xóa)",
    "Trả lời", "Kết luận", "Xung đột",
    "Thời gian theo giờ Việt Nam (UTC+7)."};

constexpr Labels kEnglish = {
    "en", "Consolidated supervision report",
    "Plan", "Issued on", "Issued by", "Basis", "Visit period", "Data up to change no.",
    "Results per unit", "Working session", "Conclusion of the team", "No conclusion yet", "Unit",
    "Item", "Rating", "Author", "Time", "Review", "Review comment", "Reviewer",
    "Not answered", "Not rated", "has an open conflict",
    "Counts by rating", "Answered", "Items", "Total", "Approved", "Needs changes", "Awaiting review",
    "Edited since review",
    "Across units", "None",
    "Open conflicts", "Kind", "Part", "Current value", "Overwritten value", "(deleted)",
    "Answer", "Conclusion", "Conflict",
    "Times in Vietnam time (UTC+7)."};

struct Pair {
  const char* code;
  const char* english;
};
constexpr Pair kPartsEnglish[] = {{domain::kRatingField, "Rating"},
                                  {domain::kResultsField, "Results achieved"},
                                  {domain::kGoodPracticesField, "Good practices"},
                                  {domain::kLimitationsField, "Limitations and difficulties"},
                                  {domain::kRecommendationsField, "Recommendations"}};
constexpr const char* kRatingsEnglish[] = {"Good", "Met", "Not met", "Not applicable"};
constexpr const char* kReviewEnglish[] = {"Received", "Needs changes", "Approved"};

}  // namespace

const Labels& LabelsFor(Language language) { return language == Language::kEn ? kEnglish : kVietnamese; }

std::string PartLabel(Language language, const std::string& field) {
  if (language == Language::kVi) {
    const char* label = domain::FindingFieldLabel(field);
    return *label ? label : field;
  }
  for (const auto& p : kPartsEnglish) {
    if (field == p.code) return p.english;
  }
  return field;
}

std::string RatingText(Language language, const std::string& code) {
  auto rating = domain::ParseRating(code);
  if (!rating.ok()) return code;
  return language == Language::kEn ? kRatingsEnglish[static_cast<size_t>(*rating)] : domain::RatingLabel(*rating);
}

std::string ReviewText(Language language, const domain::ReviewState& state) {
  if (language == Language::kVi) return domain::ReviewStateLabel(state);
  if (!state.answered && state.status == domain::ReviewStatus::kReceived) return "No answer yet";
  std::string text = kReviewEnglish[static_cast<size_t>(state.status)];
  if (state.edited_since_review) text += " — edited since review";
  return text;
}

std::string SideText(Language language, const std::string& field, const FieldState& side) {
  if (side.tombstone || IsNone(side.value)) return LabelsFor(language).deleted;
  const std::string text = DescribeValue(side.value);
  return field == domain::kRatingField ? RatingText(language, text) : text;
}

std::string TimeText(Language language, Hlc hlc) {
  if (hlc.IsZero()) return "";
  using namespace std::chrono;
  const sys_time<milliseconds> at{milliseconds(hlc.physical_ms) + hours(7)};
  const auto day = floor<days>(at);
  const year_month_day ymd{day};
  const hh_mm_ss<minutes> clock{floor<minutes>(at - day)};
  char text[32];
  const int y = static_cast<int>(ymd.year()), mo = static_cast<int>(static_cast<unsigned>(ymd.month())),
            d = static_cast<int>(static_cast<unsigned>(ymd.day())), h = static_cast<int>(clock.hours().count()),
            mi = static_cast<int>(clock.minutes().count());
  if (language == Language::kVi) {
    std::snprintf(text, sizeof text, "%02d/%02d/%04d %02d:%02d", d, mo, y, h, mi);
  } else {
    std::snprintf(text, sizeof text, "%04d-%02d-%02d %02d:%02d", y, mo, d, h, mi);
  }
  return text;
}

}  // namespace fieldsync::report
