#include "review_views.h"

#include "fieldsync/review.h"
#include "fieldsync/server/scope.h"
#include "plan_views.h"

namespace fieldsync::dashboard {

using nlohmann::json;
namespace d = domain;

Result<json> ConclusionsJson(Context& ctx, const Caller& caller, const std::string& plan_code) {
  FS_ASSIGN_OR_RETURN(d::Plan plan, VisiblePlan(ctx, caller, plan_code));
  FS_ASSIGN_OR_RETURN(auto visits, VisibleVisits(ctx, caller, plan));
  json out = json::array();
  for (const auto& visit : visits) {
    const std::string id = d::ConclusionId(visit.id);
    FS_ASSIGN_OR_RETURN(auto conclusion, ctx.store->GetRecord(d::kConclusion, id));
    FS_ASSIGN_OR_RETURN(auto review, ctx.store->GetRecord(d::kReview, d::ReviewId(d::kConclusion, id)));
    const d::ReviewState state = d::ReviewStateOf(conclusion ? &*conclusion : nullptr, review ? &*review : nullptr);
    json parts = json::object();
    if (conclusion && !conclusion->IsDeleted()) {
      for (const char* field : d::kFindingFields) {
        auto it = conclusion->fields.find(field);
        if (it == conclusion->fields.end() || it->second.tombstone) continue;
        parts[field] = {{"value", ValueJson(it->second.value)},
                        {"author", it->second.author},
                        {"at_ms", MillisOf(it->second.hlc)}};
      }
    }
    out.push_back({{"visit", VisitHeader(visit)},
                   {"parts", parts},
                   {"review", ReviewJson(state)},
                   {"can_review", MayWrite(caller, d::kReview, "status", server::VisitScope(visit.id))}});
  }
  return json{{"plan", {{"code", plan.code}, {"title", plan.title}}}, {"conclusions", out}};
}

}  // namespace fieldsync::dashboard
