#include "fieldsync/review.h"

#include <iterator>

#include "fieldsync/domain.h"
#include "fieldsync/text.h"

namespace fieldsync::domain {
namespace {

struct StatusName {
  const char* code;
  const char* label;
};
constexpr StatusName kStatuses[] = {{"received", "Đã nhận"}, {"needs_changes", "Cần sửa"}, {"approved", "Đã duyệt"}};

constexpr const char* kReviewPrefix = "review/";

// Review fields in wire order, with the struct member each one holds.
constexpr std::pair<const char*, std::string Review::*> kReviewFields[] = {
    {"target_type", &Review::target_type}, {"target_id", &Review::target_id},
    {"visit_id", &Review::visit_id},       {"unit_id", &Review::unit_id},
    {"item_id", &Review::item_id},         {"status", &Review::status},
    {"comment", &Review::comment},         {"reviewer", &Review::reviewer},
    {"reviewed_version", &Review::reviewed_version}};

const FieldState* Present(const Record* r, const std::string& field) {
  if (!r) return nullptr;
  auto it = r->fields.find(field);
  return it == r->fields.end() || it->second.tombstone ? nullptr : &it->second;
}

}  // namespace

const char* ReviewStatusCode(ReviewStatus status) { return kStatuses[static_cast<size_t>(status)].code; }
const char* ReviewStatusLabel(ReviewStatus status) { return kStatuses[static_cast<size_t>(status)].label; }

Result<ReviewStatus> ParseReviewStatus(const std::string& text) {
  const std::string key = FoldForSearch(text);
  for (size_t i = 0; i < std::size(kStatuses); ++i) {
    if (key == FoldForSearch(kStatuses[i].code) || key == FoldForSearch(kStatuses[i].label)) {
      return static_cast<ReviewStatus>(i);
    }
  }
  return Status::InvalidArgument("unknown review status '" + text +
                                 "'; use received (Đã nhận), needs_changes (Cần sửa) or approved (Đã duyệt)");
}

std::string ReviewId(const std::string& target_type, const std::string& target_id) {
  return kReviewPrefix + target_type + "/" + target_id;
}

std::optional<std::pair<std::string, std::string>> ReviewTargetOf(const std::string& review_id) {
  if (!review_id.starts_with(kReviewPrefix)) return std::nullopt;
  const std::string rest = review_id.substr(std::string_view(kReviewPrefix).size());
  const size_t slash = rest.find('/');
  if (slash == std::string::npos || slash == 0 || slash + 1 == rest.size()) return std::nullopt;
  std::string type = rest.substr(0, slash);
  if (type != kAnswer && type != kConclusion) return std::nullopt;
  return std::make_pair(std::move(type), rest.substr(slash + 1));
}

std::vector<FieldWrite> ToWrites(const Review& review) {
  std::vector<FieldWrite> writes;
  for (const auto& [name, member] : kReviewFields) {
    const std::string& value = review.*member;
    // An empty comment is written (it clears an earlier one); other unset fields are not.
    if (value.empty() && std::string_view(name) != "comment") continue;
    writes.push_back(FieldWrite{kReview, review.id, name, value, false});
  }
  return writes;
}

std::vector<FieldWrite> ChangedWrites(const Review& review, const Record* current) {
  std::vector<FieldWrite> writes;
  for (auto& w : ToWrites(review)) {
    const FieldState* now = Present(current, w.field);
    if (now && now->value == w.value) continue;
    writes.push_back(std::move(w));
  }
  return writes;
}

Review ReviewFrom(const Record& record) {
  Review review;
  review.id = record.id;
  for (const auto& [name, member] : kReviewFields) review.*member = record.Text(name);
  return review;
}

std::string ReviewedVersion(const Record& target) {
  std::string version;
  auto add = [&](const std::string& field) {
    auto it = target.fields.find(field);
    if (it == target.fields.end()) return;
    version += field + "=" + std::to_string(it->second.hlc.Pack()) + "@" + it->second.node + ";";
  };
  for (const char* field : kFindingFields) add(field);
  add(kDeletedField);
  return version;
}

const FieldState* NewestPart(const Record& target) {
  const FieldState* newest = nullptr;
  for (const char* field : kFindingFields) {
    auto it = target.fields.find(field);
    if (it != target.fields.end() && (!newest || it->second.stamp() > newest->stamp())) newest = &it->second;
  }
  return newest;
}

ReviewState ReviewStateOf(const Record* target, const Record* review) {
  ReviewState state;
  if (target && !target->IsDeleted()) {
    for (const char* field : kFindingFields) {
      if (const FieldState* f = Present(target, field); f && !TextOf(f->value).empty()) state.answered = true;
    }
  }
  const FieldState* status = Present(review, "status");
  if (!status) return state;
  auto parsed = ParseReviewStatus(TextOf(status->value));
  if (!parsed.ok()) return state;  // a status from a newer version: shown as not decided
  state.status = *parsed;
  state.decided_at = status->hlc;
  state.comment = review->Text("comment");
  state.reviewer = review->Text("reviewer");
  if (state.status == ReviewStatus::kReceived) return state;
  const std::string& seen = review->Text("reviewed_version");
  const std::string now = target ? ReviewedVersion(*target) : std::string();
  if (!seen.empty()) {
    state.edited_since_review = seen != now;
  } else if (target) {
    // No version recorded (an older writer): any part stamped after the decision counts as an edit.
    for (const auto& [field, f] : target->fields) {
      if (f.hlc > status->hlc) state.edited_since_review = true;
    }
  }
  return state;
}

std::string ReviewStateLabel(const ReviewState& state) {
  if (!state.answered && state.status == ReviewStatus::kReceived) return "Chưa có";
  std::string label = ReviewStatusLabel(state.status);
  if (state.edited_since_review) label += " — đã sửa sau khi xét duyệt";
  return label;
}

}  // namespace fieldsync::domain
