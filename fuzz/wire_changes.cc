#include "wire_changes.h"

#include "fieldsync/wire_codec.h"

namespace fieldsync::fuzz {
namespace {

std::vector<wire::Change> Flat(const google::protobuf::RepeatedPtrField<wire::Change>& list,
                               const wire::ChangeGroup& group) {
  std::vector<wire::Change> out(list.begin(), list.end());
  size_t bad = 0;
  auto expanded = wire_codec::FromGroup(group, &bad);
  if (!expanded.ok()) return out;
  for (const auto& c : *expanded) wire_codec::ToWire(c, &out.emplace_back());
  return out;
}

}  // namespace

std::vector<wire::Change> ChangesOf(const wire::ChangeSet& set) { return Flat(set.changes(), set.grouped()); }
std::vector<wire::Change> ChangesOf(const wire::PullResponse& page) { return Flat(page.changes(), page.grouped()); }

void SetChanges(wire::ChangeSet& set, const std::vector<wire::Change>& changes) {
  const bool grouped = set.has_grouped();
  set.clear_changes();
  set.clear_grouped();
  if (!grouped) {
    for (const auto& c : changes) *set.add_changes() = c;
    return;
  }
  std::vector<Change> decoded;
  for (const auto& w : changes) {
    if (auto c = wire_codec::FromWire(w); c.ok()) decoded.push_back(std::move(c).value());
  }
  wire_codec::ToGroup(decoded, set.mutable_grouped());
}

}  // namespace fieldsync::fuzz
