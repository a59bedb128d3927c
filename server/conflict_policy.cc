#include "conflict_policy.h"

#include "fieldsync/domain.h"
#include "fieldsync/record.h"
#include "fieldsync/server/conflict.h"
#include "fieldsync/server/scope.h"

namespace fieldsync::server {
namespace {

bool SameContent(bool a_deleted, const Value& a, bool b_deleted, const Value& b) {
  if (a_deleted || b_deleted) return a_deleted == b_deleted;
  return a == b;
}

ConflictSide SideOf(const Change& c) { return {c.tombstone ? Value{} : c.value, c.tombstone, c.author, c.device_id, c.hlc, c.device_seq}; }
ConflictSide SideOf(const StoredField& f) {
  return {f.state.tombstone ? Value{} : f.state.value, f.state.tombstone, f.state.author, f.state.node, f.state.hlc,
          f.device_seq};
}

bool IsTrue(const StoredField& f) {
  const bool* b = std::get_if<bool>(&f.state.value);
  return !f.state.tombstone && b && *b;
}

}  // namespace

std::vector<DetectedConflict> DetectConflicts(const Change& c, const std::optional<StoredField>& current,
                                              const std::optional<StoredField>& record_deleted) {
  std::vector<DetectedConflict> found;
  if (c.record_type == conflict::kType) return found;
  bool c_loses = false;
  if (current) {
    const Stamp cur = current->state.stamp();
    if (Stamp{c.seen_hlc, c.seen_device_id} != cur && c.stamp() != cur &&
        !SameContent(c.tombstone, c.value, current->state.tombstone, current->state.value)) {
      if (cur < c.stamp()) {
        found.push_back({conflict::kKindConcurrentEdit, SideOf(c), SideOf(*current)});
      } else {
        found.push_back({conflict::kKindConcurrentEdit, SideOf(*current), SideOf(c)});
        c_loses = true;
      }
    }
  }
  // An edit hidden by the record's deletion is kept, unless it adds nothing: the same content as
  // what the field already holds, or a reference field ("..._id", the record's identity, written
  // again by a tablet that re-creates the answer).
  const bool adds_nothing = (current && SameContent(c.tombstone, c.value, current->state.tombstone,
                                                    current->state.value)) ||
                            IsReferenceField(c.field);
  if (!c_loses && !adds_nothing && record_deleted && IsTrue(*record_deleted) && c.field != kDeletedField &&
      !c.tombstone && c.device_id != record_deleted->state.node) {
    ConflictSide deletion = SideOf(*record_deleted);
    deletion.value = Value{};
    deletion.deleted = true;
    found.push_back({conflict::kKindEditOnDeleted, std::move(deletion), SideOf(c)});
  }
  return found;
}

std::string ConflictId(const ConflictSide& loser) {
  return std::string(conflict::kType) + "/" + loser.device + "/" + std::to_string(loser.device_seq);
}

std::vector<FieldWrite> ConflictWrites(const DetectedConflict& d, const Change& contested, const std::string& scope,
                                       const std::function<std::string(const std::string&)>& record_text) {
  namespace k = conflict;
  const std::string id = ConflictId(d.loser);
  std::vector<FieldWrite> writes;
  auto put = [&](const char* field, Value value) {
    writes.push_back(FieldWrite{k::kType, id, field, std::move(value), false});
  };
  put(k::kRecordType, contested.record_type);
  put(k::kRecordId, contested.record_id);
  put(k::kField, contested.field);

  // Where it is: the visit from the record's scope (an answer lives where its unit lives), the
  // unit and item from an answer's fields or its id "<unit_id>/<item_id>".
  std::string visit_id = IsVisitScope(scope) ? scope.substr(std::string_view("visit:").size()) : record_text("visit_id");
  std::string unit_id, item_id;
  if (contested.record_type == domain::kAnswer) {
    unit_id = record_text("unit_id");
    item_id = record_text("item_id");
    if (auto slash = contested.record_id.find('/'); slash != std::string::npos) {
      if (unit_id.empty()) unit_id = contested.record_id.substr(0, slash);
      if (item_id.empty()) item_id = contested.record_id.substr(slash + 1);
    }
  }
  if (!visit_id.empty()) put(k::kVisitId, visit_id);
  if (!unit_id.empty()) put(k::kUnitId, unit_id);
  if (!item_id.empty()) put(k::kItemId, item_id);
  put(k::kKind, d.kind);

  auto side = [&](const ConflictSide& s, const char* value, const char* deleted, const char* author,
                  const char* device, const char* hlc) {
    if (!s.deleted && !IsNone(s.value)) put(value, s.value);
    put(deleted, s.deleted);
    put(author, s.author);
    put(device, s.device);
    put(hlc, static_cast<int64_t>(s.hlc.Pack()));
  };
  side(d.winner, k::kWinnerValue, k::kWinnerDeleted, k::kWinnerAuthor, k::kWinnerDevice, k::kWinnerHlc);
  side(d.loser, k::kLoserValue, k::kLoserDeleted, k::kLoserAuthor, k::kLoserDevice, k::kLoserHlc);
  put(k::kStatus, std::string(k::kStatusOpen));
  return writes;
}

}  // namespace fieldsync::server
