// The dashboard's read models, as JSON for app.js: plans, a plan's overview (progress per unit and
// item), a unit's checklist with authors, times and history, conflicts side by side, and search.
// Everything is limited to what the caller's tablet could pull (UserAccess::visible): a plan,
// unit or conflict outside it is "not found". The caller holds ctx.store_mu.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "dashboard_context.h"
#include "fieldsync/domain.h"
#include "fieldsync/review.h"

namespace fieldsync::dashboard {

Result<nlohmann::json> PlansJson(Context& ctx, const Caller& caller);
Result<nlohmann::json> OverviewJson(Context& ctx, const Caller& caller, const std::string& plan_code);
Result<nlohmann::json> UnitJson(Context& ctx, const Caller& caller, const std::string& unit_id);
Result<nlohmann::json> ConflictsJson(Context& ctx, const Caller& caller, const std::string& plan_code);
Result<nlohmann::json> SearchJson(Context& ctx, const Caller& caller, const std::string& plan_code,
                                  const std::string& query);

// Shared with review_views.cc and exports.cc.
nlohmann::json ReviewJson(const domain::ReviewState& state);
nlohmann::json VisitHeader(const domain::Visit& visit);
// The plan with that code if the caller may see it; NotFound otherwise.
Result<domain::Plan> VisiblePlan(Context& ctx, const Caller& caller, const std::string& plan_code);
// The plan's visits the caller sees, by code.
Result<std::vector<domain::Visit>> VisibleVisits(Context& ctx, const Caller& caller, const domain::Plan& plan);
// True when the caller sees every visit of the plan (a report or export shows them all).
Result<bool> SeesWholePlan(Context& ctx, const Caller& caller, const domain::Plan& plan);
// May the caller write `field` of a record of `type` in `scope`? The sync API's rule for a tablet's
// push (access_policy.cc); PermissionDenied says why not.
Status CheckMayWrite(const Caller& caller, const std::string& type, const std::string& field,
                     const std::string& scope);
bool MayWrite(const Caller& caller, const std::string& type, const std::string& field, const std::string& scope);

}  // namespace fieldsync::dashboard
