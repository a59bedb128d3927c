#include "json_output.h"

#include <iostream>

namespace fieldsync::cli {

using nlohmann::json;

json ToJson(const Value& value) {
  struct Visitor {
    json operator()(std::monostate) const { return nullptr; }
    json operator()(const std::string& s) const { return s; }
    json operator()(int64_t i) const { return i; }
    json operator()(double d) const { return d; }
    json operator()(bool b) const { return b; }
    json operator()(const Blob& b) const { return json{{"blob_bytes", b.bytes.size()}}; }
    json operator()(const AttachmentRef& a) const {
      return json{{"sha256", a.sha256_hex}, {"size_bytes", a.size_bytes}, {"media_type", a.media_type}};
    }
  };
  return std::visit(Visitor{}, value);
}

json ToJson(const Change& c) {
  return json{{"device_seq", c.device_seq},   {"record_type", c.record_type}, {"record_id", c.record_id},
              {"field", c.field},             {"value", ToJson(c.value)},     {"tombstone", c.tombstone},
              {"hlc", c.hlc.ToString()},      {"seen_hlc", c.seen_hlc.IsZero() ? "" : c.seen_hlc.ToString()},
              {"author", c.author}};
}

json ToJson(const domain::Findings& f) {
  return json{{"rating", f.rating},
              {"results", f.results},
              {"good_practices", f.good_practices},
              {"limitations", f.limitations},
              {"recommendations", f.recommendations}};
}

json ToJson(const VisitView& v) {
  json units = json::array(), members = json::array();
  for (const auto& u : v.units)
    units.push_back({{"code", u.code}, {"name", u.name}, {"kind", u.kind}, {"id", u.id}});
  for (const auto& m : v.members)
    members.push_back({{"user_name", m.user_name}, {"full_name", m.full_name}, {"role", m.role}, {"title", m.title}});
  return json{{"id", v.visit.id},       {"code", v.visit.code}, {"date", v.visit.date},
              {"title", v.visit.title}, {"units", units},       {"members", members}};
}

json ToJson(const domain::ReviewState& r) {
  return json{{"status", domain::ReviewStatusCode(r.status)},
              {"label", domain::ReviewStateLabel(r)},
              {"edited_since_review", r.edited_since_review},
              {"comment", r.comment},
              {"reviewer", r.reviewer},
              {"decided_at", r.decided_at.IsZero() ? "" : r.decided_at.ToString()}};
}

json ToJson(const UnitChecklist& c) {
  json items = json::array();
  for (const auto& e : c.entries) {
    json item{{"code", e.item.code}, {"title", e.item.title}, {"text", e.item.text}, {"id", e.item.id}};
    item["answer"] = e.answer ? ToJson(e.answer->findings) : json(nullptr);
    item["review"] = ToJson(e.review);
    items.push_back(std::move(item));
  }
  json conclusion = nullptr;
  if (c.conclusion) conclusion = {{"findings", ToJson(c.conclusion->findings)}, {"review", ToJson(c.conclusion_review)}};
  return json{{"unit", {{"code", c.unit.code}, {"name", c.unit.name}, {"id", c.unit.id}}},
              {"template",
               {{"code", c.checklist_template.code},
                {"title", c.checklist_template.title},
                {"version", c.checklist_template.version}}},
              {"items", items},
              {"conclusion", conclusion}};
}

json ToJson(const ConflictView& v) {
  auto side = [](const FieldState& s) {
    return json{{"value", s.tombstone ? json(nullptr) : ToJson(s.value)},
                {"deleted", s.tombstone},
                {"author", s.author},
                {"device", s.node},
                {"hlc", s.hlc.ToString()}};
  };
  const auto& c = v.conflict;
  return json{{"id", c.id},          {"kind", c.kind},
              {"status", c.status},  {"unit", {{"code", v.unit_code}, {"name", v.unit_name}}},
              {"item", {{"code", v.item_code}, {"title", v.item_title}}},
              {"record_type", c.record_type}, {"record_id", c.record_id},
              {"field", c.field},    {"field_label", v.field_label},
              {"winner", side(c.winner)}, {"loser", side(c.loser)},
              {"resolved_by", c.resolved_by}, {"resolution", c.resolution}};
}

void PrintJsonLine(const json& j) { std::cout << j.dump(2) << "\n"; }

json ToJson(const SearchResult& r) {
  return json{{"record_type", r.hit.record_type}, {"record_id", r.hit.record_id}, {"field", r.hit.field},
              {"where", r.where},                 {"text", r.hit.text}};
}

}  // namespace fieldsync::cli
