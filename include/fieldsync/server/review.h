// Review workflow on the server (issue 7): what the dashboard and `fieldsync-server review` pass to
// SyncService::SetReview and get back from SyncService::Reviews. The review record itself and the
// rules for its state (received, needs changes, approved; edited since review) are in
// include/fieldsync/review.h, shared with the tablets.
#pragma once

#include <string>

#include "fieldsync/domain.h"
#include "fieldsync/hlc.h"
#include "fieldsync/review.h"

namespace fieldsync::server {

// What to review, by the codes people use: an answer (unit code + item code) or a visit's
// conclusion (visit code), of the plan with `plan_code`. Codes are case- and accent-insensitive.
struct ReviewTarget {
  std::string plan_code;
  std::string unit_code, item_code;  // an answer: both set
  std::string visit_code;            // a conclusion: set, unit_code and item_code empty
};

// One answer or conclusion of a plan with its review state and the context people read.
struct ReviewInfo {
  std::string review_id;    // domain::ReviewId(target_type, target_id)
  std::string target_type;  // domain::kAnswer or domain::kConclusion
  std::string target_id;
  std::string plan_code;
  domain::Visit visit;
  domain::Unit unit;           // empty for a conclusion
  domain::ChecklistItem item;  // empty for a conclusion
  domain::Findings findings;   // the target's current parts (rating as its code)
  std::string last_author;     // who made the newest edit of the target
  Hlc last_edit;
  domain::ReviewState state;
};

}  // namespace fieldsync::server
