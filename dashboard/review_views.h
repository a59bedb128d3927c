// The visits' conclusions of a plan with their review states (the caller's visits only), as JSON.
// The caller holds ctx.store_mu.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "dashboard_context.h"

namespace fieldsync::dashboard {

Result<nlohmann::json> ConclusionsJson(Context& ctx, const Caller& caller, const std::string& plan_code);

}  // namespace fieldsync::dashboard
