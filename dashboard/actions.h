// The dashboard's state changes, each authorised as the sync API authorises a tablet's push:
// resolving a conflict (leader or deputy of its visit, or the secretariat; the same resolve path as
// `fieldsync-server resolve`, audited with the user's name) and reviewing an answer or a
// conclusion (SyncService::SetReview, which checks the role itself). Bodies are JSON objects.
#pragma once

#include <nlohmann/json.hpp>

#include "dashboard_context.h"

namespace fieldsync::dashboard {

// {"id": "conflict/...", "keep": "winner" | "loser" | "value", "value": "text when keep is value"}.
Result<nlohmann::json> ResolveAction(Context& ctx, const Caller& caller, const nlohmann::json& body);
// {"plan": CODE, "unit": CODE, "item": CODE} for an answer or {"plan": CODE, "visit": CODE} for a
// conclusion, with "status": "approved" | "needs_changes" | "received" and "comment".
Result<nlohmann::json> ReviewAction(Context& ctx, const Caller& caller, const nlohmann::json& body);

}  // namespace fieldsync::dashboard
