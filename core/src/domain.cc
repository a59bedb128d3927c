#include "fieldsync/domain.h"

#include <variant>

#include "fieldsync/text.h"

namespace fieldsync::domain {
namespace {

// Describes one struct member as a named record field, so that every record type converts to and
// from field writes through the same two functions.
template <typename T>
struct FieldSpec {
  const char* name;
  std::variant<std::string T::*, int64_t T::*> member;
};

template <typename T, size_t N>
std::vector<FieldWrite> WritesOf(const char* type, const std::string& id, const T& value,
                                 const FieldSpec<T> (&specs)[N]) {
  std::vector<FieldWrite> writes;
  for (const auto& spec : specs) {
    FieldWrite w{type, id, spec.name, {}, false};
    if (auto* text = std::get_if<std::string T::*>(&spec.member)) {
      if ((value.*(*text)).empty()) continue;  // unset optional text is simply not written
      w.value = value.*(*text);
    } else {
      w.value = value.*(std::get<int64_t T::*>(spec.member));
    }
    writes.push_back(std::move(w));
  }
  return writes;
}

template <typename T, size_t N>
T FromRecord(const Record& r, const FieldSpec<T> (&specs)[N]) {
  T value{};
  for (const auto& spec : specs) {
    if (auto* text = std::get_if<std::string T::*>(&spec.member)) {
      value.*(*text) = r.Text(spec.name);
    } else {
      value.*(std::get<int64_t T::*>(spec.member)) = r.Integer(spec.name).value_or(0);
    }
  }
  return value;
}

const FieldSpec<Plan> kPlanFields[] = {
    {"code", &Plan::code},         {"title", &Plan::title},           {"issued_on", &Plan::issued_on},
    {"basis", &Plan::basis},       {"window_start", &Plan::window_start}, {"window_end", &Plan::window_end},
    {"issuer", &Plan::issuer}};
const FieldSpec<Member> kMemberFields[] = {{"plan_id", &Member::plan_id},     {"user_name", &Member::user_name},
                                           {"full_name", &Member::full_name}, {"title", &Member::title},
                                           {"role", &Member::role}};
const FieldSpec<Unit> kUnitFields[] = {{"plan_id", &Unit::plan_id},     {"code", &Unit::code},
                                       {"name", &Unit::name},           {"kind", &Unit::kind},
                                       {"parent_id", &Unit::parent_id}, {"visit_id", &Unit::visit_id},
                                       {"template_id", &Unit::template_id}};
const FieldSpec<Visit> kVisitFields[] = {
    {"plan_id", &Visit::plan_id}, {"code", &Visit::code}, {"date", &Visit::date}, {"title", &Visit::title}};
const FieldSpec<Assignment> kAssignmentFields[] = {{"visit_id", &Assignment::visit_id},
                                                   {"member_id", &Assignment::member_id}};
const FieldSpec<ChecklistTemplate> kTemplateFields[] = {{"code", &ChecklistTemplate::code},
                                                        {"title", &ChecklistTemplate::title},
                                                        {"applies_to", &ChecklistTemplate::applies_to},
                                                        {"version", &ChecklistTemplate::version}};
const FieldSpec<ChecklistItem> kItemFields[] = {{"template_id", &ChecklistItem::template_id},
                                                {"code", &ChecklistItem::code},
                                                {"title", &ChecklistItem::title},
                                                {"text", &ChecklistItem::text},
                                                {"position", &ChecklistItem::position}};
const FieldSpec<Findings> kFindingsFields[] = {{kRatingField, &Findings::rating},
                                               {kResultsField, &Findings::results},
                                               {kGoodPracticesField, &Findings::good_practices},
                                               {kLimitationsField, &Findings::limitations},
                                               {kRecommendationsField, &Findings::recommendations}};

struct Labelled {
  const char* code;
  const char* label;
};
constexpr Labelled kRoles[] = {
    {"secretariat", "Thường trực Ban Chỉ đạo"}, {"leader", "Trưởng đoàn"}, {"deputy", "Phó đoàn"}, {"member", "Thành viên"}};
constexpr Labelled kRatings[] = {
    {"tot", "Tốt"}, {"dat", "Đạt"}, {"chua_dat", "Chưa đạt"}, {"khong_ap_dung", "Không áp dụng"}};

// Index of `text` among codes or labels, compared accent- and case-insensitively.
template <size_t N>
std::optional<size_t> Lookup(const std::string& text, const Labelled (&table)[N]) {
  std::string key = FoldForSearch(text);
  for (size_t i = 0; i < N; ++i) {
    if (key == FoldForSearch(table[i].code) || key == FoldForSearch(table[i].label)) return i;
  }
  return std::nullopt;
}

}  // namespace

const char* RoleCode(Role role) { return kRoles[static_cast<size_t>(role)].code; }
const char* RoleLabel(Role role) { return kRoles[static_cast<size_t>(role)].label; }
Result<Role> ParseRole(const std::string& text) {
  if (auto i = Lookup(text, kRoles)) return static_cast<Role>(*i);
  return Status::InvalidArgument("unknown role '" + text + "'; use one of: secretariat, leader, deputy, member");
}

const char* RatingCode(Rating rating) { return kRatings[static_cast<size_t>(rating)].code; }
const char* RatingLabel(Rating rating) { return kRatings[static_cast<size_t>(rating)].label; }
std::string RatingScaleHelp() {
  std::string help;
  for (const auto& r : kRatings) help += std::string(help.empty() ? "" : ", ") + r.code + " (" + r.label + ")";
  return help;
}
Result<Rating> ParseRating(const std::string& text) {
  if (auto i = Lookup(text, kRatings)) return static_cast<Rating>(*i);
  return Status::InvalidArgument("unknown rating '" + text + "'; the scale is: " + RatingScaleHelp());
}

const char* FindingFieldLabel(const std::string& field) {
  if (field == kRatingField) return "Đánh giá";
  if (field == kResultsField) return "Kết quả đạt được";
  if (field == kGoodPracticesField) return "Cách làm hay, kinh nghiệm";
  if (field == kLimitationsField) return "Hạn chế, khó khăn, vướng mắc";
  if (field == kRecommendationsField) return "Kiến nghị, đề xuất";
  return "";
}

std::string AnswerId(const std::string& unit_id, const std::string& item_id) { return unit_id + "/" + item_id; }
std::string ConclusionId(const std::string& visit_id) { return visit_id + "/conclusion"; }

std::vector<FieldWrite> ToWrites(const Plan& v) { return WritesOf(kPlan, v.id, v, kPlanFields); }
std::vector<FieldWrite> ToWrites(const Member& v) { return WritesOf(kMember, v.id, v, kMemberFields); }
std::vector<FieldWrite> ToWrites(const Unit& v) { return WritesOf(kUnit, v.id, v, kUnitFields); }
std::vector<FieldWrite> ToWrites(const Visit& v) { return WritesOf(kVisit, v.id, v, kVisitFields); }
std::vector<FieldWrite> ToWrites(const Assignment& v) { return WritesOf(kAssignment, v.id, v, kAssignmentFields); }
std::vector<FieldWrite> ToWrites(const ChecklistTemplate& v) { return WritesOf(kTemplate, v.id, v, kTemplateFields); }
std::vector<FieldWrite> ToWrites(const ChecklistItem& v) { return WritesOf(kItem, v.id, v, kItemFields); }

template <typename T, size_t N>
T WithId(const Record& r, const FieldSpec<T> (&specs)[N]) {
  T value = FromRecord(r, specs);
  value.id = r.id;
  return value;
}

Plan PlanFrom(const Record& r) { return WithId(r, kPlanFields); }
Member MemberFrom(const Record& r) { return WithId(r, kMemberFields); }
Unit UnitFrom(const Record& r) { return WithId(r, kUnitFields); }
Visit VisitFrom(const Record& r) { return WithId(r, kVisitFields); }
Assignment AssignmentFrom(const Record& r) { return WithId(r, kAssignmentFields); }
ChecklistTemplate TemplateFrom(const Record& r) { return WithId(r, kTemplateFields); }
ChecklistItem ItemFrom(const Record& r) { return WithId(r, kItemFields); }

Answer AnswerFrom(const Record& r) {
  Answer a{r.id, r.Text("visit_id"), r.Text("unit_id"), r.Text("item_id"), FromRecord(r, kFindingsFields)};
  return a;
}
Conclusion ConclusionFrom(const Record& r) { return Conclusion{r.id, r.Text("visit_id"), FromRecord(r, kFindingsFields)}; }

namespace {
FieldState ConflictSide(const Record& r, const std::string& side) {
  FieldState s;
  auto value = r.fields.find(side + "_value");
  if (value != r.fields.end() && !value->second.tombstone) s.value = value->second.value;
  auto deleted = r.fields.find(side + "_deleted");
  s.tombstone = deleted != r.fields.end() && std::holds_alternative<bool>(deleted->second.value) &&
                std::get<bool>(deleted->second.value);
  s.hlc = Hlc::Unpack(static_cast<uint64_t>(r.Integer(side + "_hlc").value_or(0)));
  s.node = r.Text(side + "_device");
  s.author = r.Text(side + "_author");
  return s;
}
}  // namespace

Conflict ConflictFrom(const Record& r) {
  Conflict c;
  c.id = r.id;
  c.record_type = r.Text("record_type");
  c.record_id = r.Text("record_id");
  c.field = r.Text("field");
  c.visit_id = r.Text("visit_id");
  c.unit_id = r.Text("unit_id");
  c.item_id = r.Text("item_id");
  c.kind = r.Text("kind");
  c.status = r.Text("status");
  c.resolved_by = r.Text("resolved_by");
  c.resolution = r.Text("resolution");
  c.winner = ConflictSide(r, "winner");
  c.loser = ConflictSide(r, "loser");
  return c;
}

const char* ResolutionCode(Resolution r) {
  switch (r) {
    case Resolution::kKeepWinner: return "kept_winner";
    case Resolution::kKeepLoser: return "kept_loser";
    case Resolution::kMerged: return "merged";
  }
  return "";
}

std::vector<FieldWrite> ToWrites(const PlanData& data) {
  std::vector<FieldWrite> writes = ToWrites(data.plan);
  auto append = [&writes](const auto& list) {
    for (const auto& v : list) {
      auto more = ToWrites(v);
      writes.insert(writes.end(), more.begin(), more.end());
    }
  };
  append(data.templates);
  append(data.items);
  append(data.visits);
  append(data.units);
  append(data.members);
  append(data.assignments);
  return writes;
}

}  // namespace fieldsync::domain
