#include "device_commands.h"

#include <iostream>

#include "fieldsync/seed_scenario.h"
#include "json_output.h"

namespace fieldsync::cli {
namespace {

using nlohmann::json;

int Fail(const Status& s) {
  std::cerr << "fieldsync: " << s.message() << "\n";
  switch (s.code()) {
    case StatusCode::kIoError:
    case StatusCode::kCorruption:
    case StatusCode::kInternal: return 3;
    default: return 1;
  }
}

// Opens the store; every command except `init` also needs it initialised.
Result<std::unique_ptr<DeviceStore>> OpenStore(const CommonOptions& o, bool require_identity = true) {
  FS_ASSIGN_OR_RETURN(auto store, DeviceStore::Open(o.db));
  if (require_identity) FS_RETURN_IF_ERROR(store->Identity().status());
  return store;
}


void PrintFindings(const domain::Findings& f, const char* indent) {
  const std::pair<const char*, const std::string*> parts[] = {
      {domain::kResultsField, &f.results},
      {domain::kGoodPracticesField, &f.good_practices},
      {domain::kLimitationsField, &f.limitations},
      {domain::kRecommendationsField, &f.recommendations}};
  for (const auto& [field, text] : parts) {
    if (!text->empty()) std::cout << indent << domain::FindingFieldLabel(field) << ": " << *text << "\n";
  }
}

// "Xét duyệt: Cần sửa — đã sửa sau khi xét duyệt (luan): <comment>"; nothing before an answer exists.
void PrintReview(const domain::ReviewState& r, const char* indent) {
  if (!r.answered && r.status == domain::ReviewStatus::kReceived) return;
  std::cout << indent << "Xét duyệt: " << domain::ReviewStateLabel(r);
  if (!r.reviewer.empty()) std::cout << " (" << r.reviewer << ")";
  if (!r.comment.empty()) std::cout << ": " << r.comment;
  std::cout << "\n";
}

std::string RatingText(const std::string& code) {
  if (code.empty()) return "chưa đánh giá";
  auto r = domain::ParseRating(code);
  return r.ok() ? domain::RatingLabel(*r) : code;
}

}  // namespace

int RunInit(const CommonOptions& o, const std::string& user) {
  auto store = OpenStore(o, false);
  if (!store.ok()) return Fail(store.status());
  if (Status s = (*store)->Initialize(user); !s.ok()) return Fail(s);
  auto id = (*store)->Identity();
  if (!id.ok()) return Fail(id.status());
  if (o.json) {
    PrintJsonLine({{"device_id", id->device_id}, {"user_name", id->user_name}, {"db", o.db}});
  } else {
    std::cout << "Store " << o.db << " belongs to " << id->user_name << " (device " << id->device_id << ")\n";
  }
  return 0;
}

int RunLoadDemo(const CommonOptions& o) {
  auto store = OpenStore(o);
  if (!store.ok()) return Fail(store.status());
  Checklist checklist(**store);
  const auto& plan = seed::Plan31();
  auto written = checklist.LoadPlan(plan);
  if (!written.ok()) return Fail(written.status());
  if (o.json) {
    PrintJsonLine({{"plan", plan.plan.code}, {"fields_written", *written}});
  } else {
    std::cout << "Loaded plan " << plan.plan.code << " (" << plan.units.size() << " units, " << plan.visits.size()
              << " working sessions, " << plan.items.size() << " checklist items): " << *written
              << " fields (reference data, not sent to the server)\n";
  }
  return 0;
}

int RunVisits(const CommonOptions& o) {
  auto store = OpenStore(o);
  if (!store.ok()) return Fail(store.status());
  auto visits = Checklist(**store).Visits();
  if (!visits.ok()) return Fail(visits.status());
  if (o.json) {
    json list = json::array();
    for (const auto& v : *visits) list.push_back(ToJson(v));
    PrintJsonLine(list);
    return 0;
  }
  if (visits->empty()) std::cout << "No visits yet: run `fieldsync load-demo` or sync.\n";
  for (const auto& v : *visits) {
    std::cout << v.visit.date << "  " << v.visit.code << "  " << v.visit.title << "\n";
    for (const auto& u : v.units) {
      std::cout << "    " << u.code << "\t" << u.name << (u.parent_id.empty() ? "" : "  (đơn vị trực thuộc)") << "\n";
    }
    std::cout << "    Đoàn:";
    for (const auto& m : v.members) {
      auto role = domain::ParseRole(m.role);
      std::cout << " " << m.full_name << " (" << (role.ok() ? domain::RoleLabel(*role) : m.role.c_str()) << ");";
    }
    std::cout << "\n";
  }
  return 0;
}

int RunChecklist(const CommonOptions& o, const std::string& unit_code) {
  auto store = OpenStore(o);
  if (!store.ok()) return Fail(store.status());
  auto checklist = Checklist(**store).ChecklistOf(unit_code);
  if (!checklist.ok()) return Fail(checklist.status());
  if (o.json) {
    PrintJsonLine(ToJson(*checklist));
    return 0;
  }
  std::cout << checklist->unit.name << " (" << checklist->unit.code << ") · " << checklist->checklist_template.title
            << " (phiên bản " << checklist->checklist_template.version << ")\n";
  for (const auto& e : checklist->entries) {
    std::cout << "\n" << e.item.code << "  " << e.item.title << "  ["
              << RatingText(e.answer ? e.answer->findings.rating : "") << "]\n";
    if (e.answer) PrintFindings(e.answer->findings, "    ");
    PrintReview(e.review, "    ");
  }
  if (checklist->conclusion) {
    std::cout << "\nKết luận của Đoàn  [" << RatingText(checklist->conclusion->findings.rating) << "]\n";
    PrintFindings(checklist->conclusion->findings, "    ");
    PrintReview(checklist->conclusion_review, "    ");
  }
  return 0;
}

int RunAnswer(const CommonOptions& o, const std::string& unit_code, const std::string& item_code,
              const AnswerEdit& edit) {
  auto store = OpenStore(o);
  if (!store.ok()) return Fail(store.status());
  auto answer = Checklist(**store).Answer(unit_code, item_code, edit);
  if (!answer.ok()) return Fail(answer.status());
  if (o.json) {
    PrintJsonLine({{"answer_id", answer->id}, {"answer", ToJson(answer->findings)}});
  } else {
    std::cout << "Saved " << unit_code << " · " << item_code << " [" << RatingText(answer->findings.rating) << "]\n";
    PrintFindings(answer->findings, "    ");
  }
  return 0;
}

int RunConclude(const CommonOptions& o, const std::string& unit_code, const AnswerEdit& edit) {
  auto store = OpenStore(o);
  if (!store.ok()) return Fail(store.status());
  auto conclusion = Checklist(**store).Conclude(unit_code, edit);
  if (!conclusion.ok()) return Fail(conclusion.status());
  if (o.json) {
    PrintJsonLine({{"conclusion_id", conclusion->id},
                   {"visit_id", conclusion->visit_id},
                   {"conclusion", ToJson(conclusion->findings)}});
  } else {
    std::cout << "Saved the conclusion (kết luận) of unit " << unit_code << "'s working session ["
              << RatingText(conclusion->findings.rating) << "]; it is sent at the next sync\n";
    PrintFindings(conclusion->findings, "    ");
  }
  return 0;
}

int RunSearch(const CommonOptions& o, const std::string& text) {
  auto store = OpenStore(o);
  if (!store.ok()) return Fail(store.status());
  auto results = Checklist(**store).Search(text);
  if (!results.ok()) return Fail(results.status());
  if (o.json) {
    json list = json::array();
    for (const auto& r : *results) list.push_back(ToJson(r));
    PrintJsonLine(list);
    return 0;
  }
  std::cout << results->size() << " kết quả cho \"" << text << "\"\n";
  for (const auto& r : *results) std::cout << "  " << r.where << ": " << r.hit.text << "\n";
  return 0;
}

namespace {

// "#12  2023-07-06T…  answer/…  results = Phối hợp…": one outbox or rejected entry.
void PrintChangeLine(const Change& c) {
  std::string value = c.tombstone ? "(deleted)" : DescribeValue(c.value);
  if (value.size() > 60) {
    size_t cut = 57;
    while (cut > 0 && (static_cast<unsigned char>(value[cut]) & 0xC0) == 0x80) --cut;  // keep UTF-8 whole
    value = value.substr(0, cut) + "...";
  }
  std::cout << "  #" << c.device_seq << "  " << c.hlc.ToString() << "  " << c.record_type << "/" << c.record_id
            << "  " << c.field << " = " << value << "\n";
}

int PrintRejected(const CommonOptions& o, DeviceStore& store) {
  auto rejected = store.RejectedChanges();
  if (!rejected.ok()) return Fail(rejected.status());
  if (o.json) {
    json list = json::array();
    for (const auto& r : *rejected) {
      json entry = ToJson(r.change);
      entry["refused_code"] = r.code;
      entry["refused_reason"] = r.reason;
      list.push_back(std::move(entry));
    }
    PrintJsonLine(list);
    return 0;
  }
  std::cout << rejected->size() << " change(s) the server refused for good (kept here, not sent again)\n";
  for (const auto& r : *rejected) {
    PrintChangeLine(r.change);
    std::cout << "      refused (" << r.code << "): " << r.reason << "\n";
  }
  return 0;
}

}  // namespace

int RunOutbox(const CommonOptions& o, bool rejected, bool retry_rejected) {
  auto store = OpenStore(o);
  if (!store.ok()) return Fail(store.status());
  if (rejected) return PrintRejected(o, **store);
  if (retry_rejected) {
    auto moved = (*store)->RequeueRejected();
    if (!moved.ok()) return Fail(moved.status());
    if (!o.json) std::cout << *moved << " refused change(s) put back; they go out at the next sync\n";
  }
  auto pending = (*store)->PendingChanges(SIZE_MAX);
  if (!pending.ok()) return Fail(pending.status());
  if (o.json) {
    json list = json::array();
    for (const auto& c : *pending) list.push_back(ToJson(c));
    PrintJsonLine(list);
    return 0;
  }
  std::cout << pending->size() << " change(s) waiting to be sent\n";
  for (const auto& c : *pending) PrintChangeLine(c);
  return 0;
}

int RunDelete(const CommonOptions& o, const std::string& unit_code, const std::string& item_code,
              const std::string& part) {
  auto store = OpenStore(o);
  if (!store.ok()) return Fail(store.status());
  if (Status s = Checklist(**store).DeleteAnswer(unit_code, item_code, part); !s.ok()) return Fail(s);
  std::cout << "Deleted " << (part.empty() ? "the answer" : part) << " of " << unit_code << " · " << item_code
            << "\n";
  return 0;
}

namespace {
std::string SideText(const FieldState& s, const std::string& field) {
  std::string value = s.tombstone ? "(đã xóa)" : DescribeValue(s.value);
  if (field == domain::kRatingField && !s.tombstone) value = RatingText(value);
  return "\"" + value + "\" — " + s.author + ", " + s.hlc.ToString();
}
}  // namespace

int RunConflicts(const CommonOptions& o, bool include_resolved, const std::string& part) {
  auto store = OpenStore(o);
  if (!store.ok()) return Fail(store.status());
  auto conflicts = Checklist(**store).Conflicts(include_resolved);
  if (!conflicts.ok()) return Fail(conflicts.status());
  if (!part.empty()) std::erase_if(*conflicts, [&](const ConflictView& v) { return v.conflict.field != part; });
  if (o.json) {
    json list = json::array();
    for (const auto& c : *conflicts) list.push_back(ToJson(c));
    PrintJsonLine(list);
    return 0;
  }
  std::cout << conflicts->size() << " xung đột" << (include_resolved ? "" : " chưa giải quyết") << "\n";
  for (const auto& v : *conflicts) {
    const auto& c = v.conflict;
    std::cout << "\n" << c.id << (c.IsOpen() ? "" : "  [đã giải quyết: " + c.resolution + ", " + c.resolved_by + "]")
              << "\n  " << v.unit_code << " · " << v.item_code << " " << v.item_title << " · " << v.field_label
              << (c.kind == "edit_on_deleted" ? "  (sửa trên câu trả lời đã xóa)" : "") << "\n"
              << "  đang giữ (winner): " << SideText(c.winner, c.field) << "\n"
              << "  bị thay (loser):   " << SideText(c.loser, c.field) << "\n";
  }
  return 0;
}

int RunResolve(const CommonOptions& o, const std::string& conflict_id, const std::string& keep,
               const std::string& merged) {
  auto store = OpenStore(o);
  if (!store.ok()) return Fail(store.status());
  domain::Resolution resolution;
  if (keep == "winner") resolution = domain::Resolution::kKeepWinner;
  else if (keep == "loser") resolution = domain::Resolution::kKeepLoser;
  else if (keep.empty() && !merged.empty()) resolution = domain::Resolution::kMerged;
  else return Fail(Status::InvalidArgument("say how to resolve: --keep winner, --keep loser, or --value TEXT"));
  auto conflict = Checklist(**store).Resolve(conflict_id, resolution, merged);
  if (!conflict.ok()) return Fail(conflict.status());
  if (o.json) {
    PrintJsonLine(json{{"id", conflict->id}, {"status", conflict->status}, {"resolution", conflict->resolution}});
  } else {
    std::cout << "Resolved " << conflict->id << " (" << conflict->resolution
              << "); the resolution is sent at the next sync\n";
  }
  return 0;
}

int RunReview(const CommonOptions& o, const std::string& unit_code, const std::string& item_code,
              const std::string& status_text, const std::string& comment) {
  auto status = domain::ParseReviewStatus(status_text);
  if (!status.ok()) return Fail(status.status());
  auto store = OpenStore(o);
  if (!store.ok()) return Fail(store.status());
  auto review = Checklist(**store).Review(unit_code, item_code, *status, comment);
  if (!review.ok()) return Fail(review.status());
  if (o.json) {
    PrintJsonLine(ToJson(*review));
  } else {
    std::cout << unit_code << " · " << (item_code.empty() ? "kết luận" : item_code) << ": "
              << domain::ReviewStateLabel(*review) << "; sent at the next sync\n";
  }
  return 0;
}

}  // namespace fieldsync::cli
