#include "soak/team.h"

#include "fieldsync/domain.h"
#include "fieldsync/seed_scenario.h"

namespace fieldsync::soak {
namespace {

const domain::Unit* UnitByCode(const std::string& code) {
  for (const auto& u : seed::Plan31().units)
    if (u.code == code) return &u;
  return nullptr;
}

}  // namespace

std::vector<TeamMember> SoakTeam() {
  const auto& plan = seed::Plan31();
  std::vector<TeamMember> team;
  for (const char* name : {"luan", "tham", "khoa", "ha"}) {
    for (const auto& m : plan.members) {
      if (m.user_name != name) continue;
      TeamMember t{m.user_name, m.role, m.full_name, {}};
      for (const auto& a : plan.assignments) {
        if (a.member_id != m.id) continue;
        for (const auto& u : plan.units)
          if (u.visit_id == a.visit_id) t.unit_codes.push_back(u.code);
      }
      team.push_back(std::move(t));
    }
  }
  return team;
}

std::vector<Account> ServerAccounts() {
  std::vector<Account> accounts{{"thuongtruc", "secretariat", "Thường trực Ban Chỉ đạo"}};
  for (const auto& t : SoakTeam()) accounts.push_back({t.name, t.role, t.full_name});
  return accounts;
}

std::vector<std::string> ItemCodes(const std::string& unit_code) {
  std::vector<std::string> codes;
  const domain::Unit* unit = UnitByCode(unit_code);
  if (!unit) return codes;
  for (const auto& item : seed::Plan31().items)
    if (item.template_id == unit->template_id) codes.push_back(item.code);
  return codes;
}

std::optional<std::pair<std::string, std::string>> AnswerCodes(const std::string& answer_id) {
  const auto& plan = seed::Plan31();
  for (const auto& u : plan.units) {
    for (const auto& item : plan.items) {
      if (item.template_id == u.template_id && domain::AnswerId(u.id, item.id) == answer_id) {
        return std::make_pair(u.code, item.code);
      }
    }
  }
  return std::nullopt;
}

}  // namespace fieldsync::soak
