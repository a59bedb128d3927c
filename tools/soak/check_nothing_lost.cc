// S7, S9: see verifier.h. A value the server accepted for an answer field is safe when it is
// current (on an answer that is not deleted), when a later change was made having seen it (someone
// knowingly replaced it), or when a conflict record keeps it as the losing side. A value equal to
// a safe value of the same field is safe too (equal values never conflict). Deleting a part of an
// answer that ends up deleted as a whole stands.
#include <cstdlib>
#include <set>

#include "fieldsync/domain.h"
#include "soak/verifier.h"

namespace fieldsync::soak {
namespace {

using Stamp = std::pair<int64_t, std::string>;  // (hlc, device id)

int64_t IntOf(const RecordFields& r, const std::string& field) {
  auto it = r.find(field);
  return it == r.end() || it->second.tombstone ? 0 : std::strtoll(it->second.value.bytes.c_str(), nullptr, 10);
}

bool IsFindingPart(const std::string& field) {
  for (const char* part : domain::kFindingFields)
    if (field == part) return true;
  return false;
}

std::string Rendered(const LoggedChange& c) { return c.tombstone ? "(deleted)" : c.value.Render(); }

}  // namespace

void CheckNothingLost(const ServerState& server, VerifyResult& out) {
  auto& f = out.figures;
  const auto answers = RecordsOfType(server.fields, "answer");
  const auto conflicts = RecordsOfType(server.fields, "conflict");

  std::set<std::pair<FieldKey, Stamp>> seen_later, kept_as_loser;
  for (const auto& c : server.log) {
    if (c.seen_hlc != 0) seen_later.insert({c.key, {c.seen_hlc, c.seen_device}});
  }
  for (const auto& [id, r] : conflicts) {
    ++f.conflicts;
    if (TextOf(r, "status") == "open") ++f.open_conflicts;
    kept_as_loser.insert({{TextOf(r, "record_type"), TextOf(r, "record_id"), TextOf(r, "field")},
                          {IntOf(r, "loser_hlc"), TextOf(r, "loser_device")}});
  }

  std::map<FieldKey, std::set<std::string>> safe_values;
  std::vector<const LoggedChange*> unsafe;
  for (const auto& c : server.log) {
    if (c.key.type != "answer") continue;
    ++f.values_checked;
    auto record = answers.find(c.key.id);
    const bool live = record != answers.end() && !IsDeleted(record->second);
    auto current = server.fields.find(c.key);
    const bool is_current = current != server.fields.end() && current->second.hlc == c.hlc &&
                            current->second.node == c.device_id;
    // A finding part of a deleted answer is hidden: being current there does not keep it.
    const bool hidden = !live && !c.tombstone && IsFindingPart(c.key.field);
    const Stamp stamp{c.hlc, c.device_id};
    const bool safe = (is_current && !hidden) || (c.tombstone && !live) || seen_later.count({c.key, stamp}) ||
                      kept_as_loser.count({c.key, stamp});
    if (safe) safe_values[c.key].insert(Rendered(c));
    else unsafe.push_back(&c);
  }
  for (const LoggedChange* c : unsafe) {
    if (safe_values[c->key].count(Rendered(*c))) continue;
    const bool deletion = c->key.field == "_deleted" && !c->tombstone && c->value.bytes != "0";
    ++(deletion ? f.deletions_undone : f.values_lost);
    out.Violation(std::string(deletion ? "S9 deletion undone: " : "S7 value lost: ") + c->key.ToString() + " = " +
                  Rendered(*c) + " by " + c->author + " (" + c->device_id + "#" + std::to_string(c->device_seq) +
                  ", server_seq " + std::to_string(c->server_seq) +
                  ") is neither current, nor overwritten knowingly, nor kept in a conflict");
  }
}

}  // namespace fieldsync::soak
