// JSON renderings of core types for `--json` output (nlohmann::json).
#pragma once

#include <nlohmann/json.hpp>

#include "fieldsync/change.h"
#include "fieldsync/checklist.h"

namespace fieldsync::cli {

nlohmann::json ToJson(const Value& value);
nlohmann::json ToJson(const Change& change);
nlohmann::json ToJson(const domain::Findings& findings);
nlohmann::json ToJson(const VisitView& visit);
nlohmann::json ToJson(const domain::ReviewState& review);
nlohmann::json ToJson(const UnitChecklist& checklist);
nlohmann::json ToJson(const SearchResult& result);
nlohmann::json ToJson(const ConflictView& conflict);

// Prints `j` indented, for --json output.
void PrintJsonLine(const nlohmann::json& j);

}  // namespace fieldsync::cli
