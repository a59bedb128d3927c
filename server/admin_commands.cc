// The admin commands of `fieldsync-server`: they open the server's database directly (the same
// file a running server uses; WAL and the busy timeout make that safe) through SyncService.
#include <cstdlib>
#include <iostream>
#include <nlohmann/json.hpp>

#include "commands.h"
#include "fieldsync/domain.h"
#include "fieldsync/seed_scenario.h"
#include "fieldsync/server/sync_service.h"

namespace fieldsync::server::cli {

int Fail(const Status& s) {
  std::cerr << "fieldsync-server: " << s.message() << "\n";
  return 1;
}

Result<std::unique_ptr<SyncService>> OpenService(const Common& common) {
  SyncServiceOptions options;
  // The audit log names who ran an admin command: the operating-system account.
  if (const char* user = std::getenv("USER"); user && *user) options.operator_name = std::string("admin:") + user;
  return SyncService::Open(common.db, options);
}

namespace {

using nlohmann::json;

// Code and Vietnamese label of a stored rating; an unknown value is shown as stored.
std::pair<std::string, std::string> RatingOf(const std::string& stored) {
  auto rating = domain::ParseRating(stored);
  if (!rating.ok()) return {stored, stored};
  return {domain::RatingCode(*rating), domain::RatingLabel(*rating)};
}

const std::string& Part(const domain::Findings& f, const std::string& field) {
  if (field == domain::kResultsField) return f.results;
  if (field == domain::kGoodPracticesField) return f.good_practices;
  if (field == domain::kLimitationsField) return f.limitations;
  if (field == domain::kRecommendationsField) return f.recommendations;
  return f.rating;
}

const char* kTextParts[] = {domain::kResultsField, domain::kGoodPracticesField, domain::kLimitationsField,
                            domain::kRecommendationsField};

json ToJson(const MergedPlan& merged) {
  json units = json::array();
  for (const auto& u : merged.units) {
    json items = json::array();
    for (const auto& e : u.items) {
      json item = {{"code", e.item.code}, {"title", e.item.title}, {"answered", e.answered}};
      if (e.findings.rating.empty()) {
        item["rating"] = nullptr;
      } else {
        auto [code, label] = RatingOf(e.findings.rating);
        item["rating"] = {{"code", code}, {"label", label}};
      }
      for (const char* field : kTextParts) item[field] = Part(e.findings, field);
      item["last_author"] = e.last_author;
      item["last_edit"] = e.last_edit.IsZero() ? json(nullptr) : json(e.last_edit.ToString());
      items.push_back(std::move(item));
    }
    units.push_back({{"code", u.unit.code},
                     {"name", u.unit.name},
                     {"visit", {{"code", u.visit.code}, {"date", u.visit.date}, {"title", u.visit.title}}},
                     {"items", std::move(items)}});
  }
  return {{"plan", {{"id", merged.plan.id}, {"code", merged.plan.code}, {"title", merged.plan.title}}},
          {"units", std::move(units)}};
}

void PrintText(const MergedPlan& merged) {
  std::cout << "Kế hoạch " << merged.plan.code << ": " << merged.plan.title << "\n";
  std::string visit_code;
  for (const auto& u : merged.units) {
    if (u.visit.code != visit_code) {
      visit_code = u.visit.code;
      std::cout << "\n" << u.visit.code << " (" << u.visit.date << ") " << u.visit.title << "\n";
    }
    size_t answered = 0;
    for (const auto& e : u.items) answered += e.answered ? 1 : 0;
    std::cout << "\n  Đơn vị " << u.unit.code << " · " << u.unit.name << " (" << answered << "/" << u.items.size()
              << " nội dung đã trả lời)\n";
    for (const auto& e : u.items) {
      // One line per item with its rating; only the parts someone filled follow it.
      std::cout << "  " << e.item.code << ". " << e.item.title << " — ";
      if (!e.answered) {
        std::cout << "(chưa trả lời)\n";
        continue;
      }
      std::cout << (e.findings.rating.empty() ? "chưa đánh giá" : RatingOf(e.findings.rating).second) << "\n";
      for (const char* field : kTextParts) {
        const std::string& text = Part(e.findings, field);
        if (!text.empty()) std::cout << "      " << domain::FindingFieldLabel(field) << ": " << text << "\n";
      }
      std::cout << "      Cập nhật lần cuối: " << e.last_author << ", " << e.last_edit.ToString() << "\n";
    }
  }
}

const char* KindLabel(const std::string& kind) {
  if (kind == "concurrent_edit") return "Sửa cùng lúc";
  if (kind == "edit_on_deleted") return "Sửa trên bản ghi đã xóa";
  return "Xung đột";
}

std::string FieldLabel(const std::string& field) {
  const char* label = domain::FindingFieldLabel(field);
  return label && *label ? std::string(label) : field;
}

std::string SideText(const ConflictValue& side) {
  return side.deleted ? std::string("(đã xóa)") : "\"" + DescribeValue(side.value) + "\"";
}

json SideJson(const ConflictValue& side) {
  return {{"value", side.deleted ? json(nullptr) : json(DescribeValue(side.value))},
          {"deleted", side.deleted},
          {"author", side.author},
          {"device", side.device},
          {"hlc", side.hlc.ToString()}};
}

json ToJson(const ConflictInfo& c) {
  return {{"id", c.id},
          {"kind", c.kind},
          {"status", c.status},
          {"record_type", c.record_type},
          {"record_id", c.record_id},
          {"field", c.field},
          {"field_label", FieldLabel(c.field)},
          {"plan", c.plan_code},
          {"visit", {{"id", c.visit_id}, {"code", c.visit.code}}},
          {"unit", {{"id", c.unit_id}, {"code", c.unit.code}, {"name", c.unit.name}}},
          {"item", {{"id", c.item_id}, {"code", c.item.code}, {"title", c.item.title}}},
          {"winner", SideJson(c.winner)},
          {"loser", SideJson(c.loser)},
          {"resolved_by", c.resolved_by},
          {"resolution", c.resolution}};
}

void PrintText(const ConflictInfo& c) {
  std::cout << c.id << " · " << KindLabel(c.kind) << (c.status == "resolved" ? " (đã giải quyết)" : "") << "\n";
  if (!c.unit.code.empty() || !c.item.code.empty()) {
    std::cout << "  Đơn vị " << c.unit.code << " · " << c.unit.name << " — nội dung " << c.item.code << ". "
              << c.item.title << "\n";
  } else {
    std::cout << "  Bản ghi " << c.record_type << " " << c.record_id << (c.visit.code.empty() ? "" : " (đợt ")
              << c.visit.code << (c.visit.code.empty() ? "" : ")") << "\n";
  }
  std::cout << "  Phần: " << FieldLabel(c.field) << "\n";
  std::cout << "  Giá trị hiện hành: " << SideText(c.winner) << " — " << c.winner.author << ", "
            << c.winner.hlc.ToString() << "\n";
  std::cout << "  Giá trị bị thay thế: " << SideText(c.loser) << " — " << c.loser.author << ", "
            << c.loser.hlc.ToString() << "\n";
  if (c.status == "resolved") {
    std::cout << "  Đã giải quyết bởi " << c.resolved_by << " (" << c.resolution << ")\n";
  }
}

}  // namespace

int RunConflicts(const Common& common, const std::string& plan, bool all) {
  auto service = OpenService(common);
  if (!service.ok()) return Fail(service.status());
  auto list = (*service)->Conflicts(plan, all);
  if (!list.ok()) return Fail(list.status());
  if (common.json) {
    json out = json::array();
    for (const auto& c : *list) out.push_back(ToJson(c));
    std::cout << out.dump(2) << "\n";
    return 0;
  }
  if (list->empty()) {
    std::cout << (all ? "Không có xung đột nào.\n" : "Không có xung đột nào đang mở.\n");
    return 0;
  }
  std::cout << (all ? "Các xung đột: " : "Các xung đột đang mở: ") << list->size() << "\n";
  for (const auto& c : *list) {
    std::cout << "\n";
    PrintText(c);
  }
  std::cout << "\nGiải quyết: fieldsync-server resolve --db " << common.db
            << " --conflict ID (--keep winner|loser | --value \"...\")\n";
  return 0;
}

int RunResolve(const Common& common, const std::string& conflict_id, const std::string& keep,
               const std::optional<std::string>& value) {
  if (keep.empty() == !value.has_value()) {
    std::cerr << "fieldsync-server: give either --keep winner|loser or --value TEXT\n";
    return 2;
  }
  auto service = OpenService(common);
  if (!service.ok()) return Fail(service.status());
  ConflictChoice choice = value ? ConflictChoice::kValue
                                : (keep == "loser" ? ConflictChoice::kKeepLoser : ConflictChoice::kKeepWinner);
  auto resolved = (*service)->ResolveConflict(conflict_id, choice, value.value_or(""));
  if (!resolved.ok()) return Fail(resolved.status());
  if (common.json) {
    std::cout << ToJson(*resolved).dump(2) << "\n";
  } else {
    PrintText(*resolved);
  }
  return 0;
}

int RunUserAdd(const Common& common, const std::string& name, const std::string& role_text,
               const std::string& full_name) {
  auto role = domain::ParseRole(role_text);
  if (!role.ok()) return Fail(role.status());
  auto service = OpenService(common);
  if (!service.ok()) return Fail(service.status());
  if (Status s = (*service)->AddUser(name, *role, full_name); !s.ok()) return Fail(s);
  if (common.json) {
    std::cout << json{{"user", name}, {"role", domain::RoleCode(*role)}, {"full_name", full_name}}.dump(2) << "\n";
  } else {
    std::cout << "added user " << name << " (" << domain::RoleLabel(*role) << ")\n";
  }
  return 0;
}

int RunPlanImport(const Common& common, bool demo) {
  if (!demo) {
    std::cerr << "fieldsync-server: only the built-in demo plan can be imported yet; pass --demo\n";
    return 2;
  }
  auto service = OpenService(common);
  if (!service.ok()) return Fail(service.status());
  const auto& plan = seed::Plan31();
  auto written = (*service)->ImportPlan(plan);
  if (!written.ok()) return Fail(written.status());
  if (common.json) {
    std::cout << json{{"plan", plan.plan.code}, {"changes_written", *written}}.dump(2) << "\n";
  } else if (*written == 0) {
    std::cout << "plan " << plan.plan.code << " is already imported; nothing changed\n";
  } else {
    std::cout << "imported plan " << plan.plan.code << ": " << plan.visits.size() << " visits, " << plan.units.size()
              << " units, " << plan.members.size() << " team members, " << plan.templates.size() << " templates ("
              << *written << " changes)\n";
  }
  return 0;
}

int RunAssign(const Common& common, const std::string& user, const std::string& visit) {
  auto service = OpenService(common);
  if (!service.ok()) return Fail(service.status());
  auto id = (*service)->Assign(user, visit);
  if (!id.ok()) return Fail(id.status());
  if (common.json) {
    std::cout << json{{"user", user}, {"visit", visit}, {"assignment_id", *id}}.dump(2) << "\n";
  } else {
    std::cout << "assigned " << user << " to visit " << visit << " (assignment " << *id << ")\n";
  }
  return 0;
}

int RunEnrollCode(const Common& common, const std::string& user) {
  auto service = OpenService(common);
  if (!service.ok()) return Fail(service.status());
  auto code = (*service)->CreateEnrollmentCode(user);
  if (!code.ok()) return Fail(code.status());
  if (common.json) {
    std::cout << json{{"user", user}, {"code", *code}, {"valid_days", 7}}.dump(2) << "\n";
  } else {
    std::cout << *code << std::endl;  // alone, so scripts can capture it
    std::cerr << "one-time enrolment code for " << user << ", valid 7 days\n";
  }
  return 0;
}

int RunAnswers(const Common& common, const std::string& plan) {
  auto service = OpenService(common);
  if (!service.ok()) return Fail(service.status());
  auto merged = (*service)->MergedAnswers(plan);
  if (!merged.ok()) return Fail(merged.status());
  if (common.json) {
    std::cout << ToJson(*merged).dump(2) << "\n";
  } else {
    PrintText(*merged);
  }
  return 0;
}

int RunPurge(const Common& common, int64_t retention_days) {
  auto service = OpenService(common);
  if (!service.ok()) return Fail(service.status());
  auto purged = (*service)->Purge(retention_days);
  if (!purged.ok()) return Fail(purged.status());
  if (common.json) {
    std::cout << json{{"purged_through", purged->purged_through},
                      {"changes_deleted", purged->changes_deleted},
                      {"changes_kept", purged->changes_kept},
                      {"devices_counted", purged->devices_counted}}
                     .dump(2)
              << "\n";
  } else {
    std::cout << "purged " << purged->changes_deleted << " superseded changes through position "
              << purged->purged_through << " (" << purged->changes_kept << " kept; " << purged->devices_counted
              << " devices seen in the last " << retention_days << " days)\n"
              << "tablets not seen for longer re-sync their state at their next sync; pushes are unaffected\n";
  }
  return 0;
}

}  // namespace fieldsync::server::cli
