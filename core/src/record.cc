#include "fieldsync/record.h"

namespace fieldsync {

const std::string& Record::Text(const std::string& field) const {
  static const std::string kEmpty;
  auto it = fields.find(field);
  return it == fields.end() || it->second.tombstone ? kEmpty : TextOf(it->second.value);
}

std::optional<int64_t> Record::Integer(const std::string& field) const {
  auto it = fields.find(field);
  if (it == fields.end() || it->second.tombstone) return std::nullopt;
  if (const auto* i = std::get_if<int64_t>(&it->second.value)) return *i;
  return std::nullopt;
}

bool Record::Has(const std::string& field) const {
  auto it = fields.find(field);
  return it != fields.end() && !it->second.tombstone && !IsNone(it->second.value);
}

bool Record::IsDeleted() const {
  auto it = fields.find(kDeletedField);
  if (it == fields.end() || it->second.tombstone) return false;
  const auto* b = std::get_if<bool>(&it->second.value);
  return b && *b;
}

}  // namespace fieldsync
