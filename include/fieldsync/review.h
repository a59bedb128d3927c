// Review of an answer or a visit conclusion (issue 7), as ODK Central's review states: an answer
// or conclusion that exists is "received" until a team leader, deputy or the secretariat marks it
// "needs_changes" or "approved", with a comment. A review is an ordinary record of type "review",
// written by the server (dashboard, `fieldsync-server review`) or a leader's tablet and synced like
// any edit. Its id is derived from what it reviews, so two reviewers write one record, field by
// field. Field names are wire names: never rename one.
//
//   id                "review/<target_type>/<target_id>"
//   target_type       "answer" | "conclusion"
//   target_id         "<unit id>/<item id>" (AnswerId) or "<visit id>/conclusion" (ConclusionId)
//   visit_id, unit_id, item_id   where the target is (unit and item for answers only)
//   status            "received" | "needs_changes" | "approved"
//   comment           the reviewer's words (free text)
//   reviewer          user name of who decided
//   reviewed_version  the stamps of the target's parts the reviewer saw (ReviewedVersion): when the
//                     target changes afterwards the decision is shown as edited since review
//
// Scope: the target's (its visit), so every tablet of that visit pulls it. Who may write it:
// leaders and deputies of that visit and the secretariat (server/access_policy.cc); members may
// not. Pure functions; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "fieldsync/change.h"
#include "fieldsync/hlc.h"
#include "fieldsync/record.h"
#include "fieldsync/status.h"

namespace fieldsync::domain {

inline constexpr const char* kReview = "review";

enum class ReviewStatus { kReceived, kNeedsChanges, kApproved };
const char* ReviewStatusCode(ReviewStatus status);   // "needs_changes"
const char* ReviewStatusLabel(ReviewStatus status);  // "Cần sửa"
// Accepts the code or the Vietnamese label, with or without diacritics ("can sua", "approved").
Result<ReviewStatus> ParseReviewStatus(const std::string& text);

struct Review {
  std::string id, target_type, target_id, visit_id, unit_id, item_id;
  std::string status;  // ReviewStatusCode
  std::string comment, reviewer, reviewed_version;
};

// "review/answer/<unit id>/<item id>".
std::string ReviewId(const std::string& target_type, const std::string& target_id);
// (target_type, target_id) of a review id; nullopt for an id of another form.
std::optional<std::pair<std::string, std::string>> ReviewTargetOf(const std::string& review_id);

std::vector<FieldWrite> ToWrites(const Review& review);
// The writes of `review` whose value differs from the `current` review record (all of them when
// null), so that repeating a decision writes nothing.
std::vector<FieldWrite> ChangedWrites(const Review& review, const Record* current);
Review ReviewFrom(const Record& record);

// The stamps (HLC and device) of the target's five parts and its deletion flag, as text: equal on
// every replica that holds the same versions, different as soon as any part is edited or deleted.
std::string ReviewedVersion(const Record& target);

// The newest write among the target's five parts (tombstones included): who edited it last and
// when. nullptr when no part was ever written.
const FieldState* NewestPart(const Record& target);

// What people see of a target's review.
struct ReviewState {
  bool answered = false;  // the target exists, not deleted, with some part filled: it has been received
  ReviewStatus status = ReviewStatus::kReceived;
  bool edited_since_review = false;  // a decision was made and the target changed since
  std::string comment, reviewer;
  Hlc decided_at;  // when the status was last written (zero when never)
};
// `target` and `review` may be null (not there). A decision is kept when the target changes, but
// flagged edited_since_review, never silently kept as approved.
ReviewState ReviewStateOf(const Record* target, const Record* review);
// "Đã duyệt", "Cần sửa — đã sửa sau khi xét duyệt", "Chưa có" (nothing to review).
std::string ReviewStateLabel(const ReviewState& state);

}  // namespace fieldsync::domain
