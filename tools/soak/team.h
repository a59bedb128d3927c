// The soak's team, from the seed plan 31-KH/BCĐTP (core/src/seed_scenario.cc): the leader luan,
// the deputy tham and the members khoa and ha, each with the units of the working sessions they
// are assigned to, plus the secretariat account that sets the server up.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "soak/server_process.h"

namespace fieldsync::soak {

struct TeamMember {
  std::string name, role, full_name;
  std::vector<std::string> unit_codes;  // units this inspector may answer
  bool can_resolve() const { return role == "leader" || role == "deputy"; }
};

std::vector<TeamMember> SoakTeam();
// The secretariat and the team, for `fieldsync-server user add`.
std::vector<Account> ServerAccounts();
std::vector<std::string> ItemCodes(const std::string& unit_code);
// The (unit code, item code) of an answer record id "<unit id>/<item id>" of the seed plan.
std::optional<std::pair<std::string, std::string>> AnswerCodes(const std::string& answer_id);

}  // namespace fieldsync::soak
