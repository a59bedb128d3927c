#include "actions.h"

#include "fieldsync/server/conflict.h"
#include "plan_views.h"

namespace fieldsync::dashboard {
namespace {

using nlohmann::json;

// The string member `name` of the body, "" when absent; InvalidArgument when not a string.
Result<std::string> Member(const json& body, const char* name) {
  auto it = body.find(name);
  if (it == body.end() || it->is_null()) return std::string();
  if (!it->is_string()) return Status::InvalidArgument(std::string("'") + name + "' must be text");
  return it->get<std::string>();
}

}  // namespace

Result<json> ResolveAction(Context& ctx, const Caller& caller, const json& body) {
  namespace k = server::conflict;
  FS_ASSIGN_OR_RETURN(std::string id, Member(body, "id"));
  FS_ASSIGN_OR_RETURN(std::string keep, Member(body, "keep"));
  FS_ASSIGN_OR_RETURN(std::string value, Member(body, "value"));
  server::ConflictChoice choice;
  if (keep == "winner") {
    choice = server::ConflictChoice::kKeepWinner;
  } else if (keep == "loser") {
    choice = server::ConflictChoice::kKeepLoser;
  } else if (keep == "value") {
    choice = server::ConflictChoice::kValue;
  } else {
    return Status::InvalidArgument("'keep' must be winner, loser or value");
  }
  {
    StoreLock lock(ctx.store_mu);
    FS_ASSIGN_OR_RETURN(auto scope, ctx.store->RecordScope(k::kType, id));
    if (!scope) return Status::NotFound("no conflict '" + id + "'");
    // The sync API's rule for a resolution pushed by a tablet: a member is refused whatever the
    // visit, a leader or deputy outside their visits too.
    FS_RETURN_IF_ERROR(CheckMayWrite(caller, k::kType, k::kStatus, *scope));
  }
  FS_ASSIGN_OR_RETURN(auto resolved, ctx.service.ResolveConflict(id, choice, value, caller.session.user_name));
  return json{{"id", resolved.id}, {"status", resolved.status}, {"resolution", resolved.resolution}};
}

Result<json> ReviewAction(Context& ctx, const Caller& caller, const json& body) {
  server::ReviewTarget target;
  FS_ASSIGN_OR_RETURN(target.plan_code, Member(body, "plan"));
  FS_ASSIGN_OR_RETURN(target.unit_code, Member(body, "unit"));
  FS_ASSIGN_OR_RETURN(target.item_code, Member(body, "item"));
  FS_ASSIGN_OR_RETURN(target.visit_code, Member(body, "visit"));
  FS_ASSIGN_OR_RETURN(std::string status_text, Member(body, "status"));
  FS_ASSIGN_OR_RETURN(std::string comment, Member(body, "comment"));
  FS_ASSIGN_OR_RETURN(auto status, domain::ParseReviewStatus(status_text));
  {
    // A plan the caller cannot see is "not found", as on every other call. The rest (the role,
    // then the target within the caller's visits only) is SetReview's, as for every path.
    StoreLock lock(ctx.store_mu);
    FS_RETURN_IF_ERROR(VisiblePlan(ctx, caller, target.plan_code).status());
  }
  FS_ASSIGN_OR_RETURN(auto info, ctx.service.SetReview(caller.session.user_name, target, status, comment));
  return json{{"review_id", info.review_id}, {"status", domain::ReviewStatusCode(info.state.status)}};
}

}  // namespace fieldsync::dashboard
