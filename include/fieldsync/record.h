// Record: the current state of one record on a replica, field by field. Records are schemaless
// at the storage level (record type + id + named fields); the typed domain lives in domain.h.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "fieldsync/change.h"

namespace fieldsync {

// Reserved field: a record whose `_deleted` is true is deleted (a tombstone for the whole record).
inline constexpr const char* kDeletedField = "_deleted";

// A field naming another record ("unit_id", "visit_id"): the record's place, structure rather than
// content an inspector typed. Never searched as text nor kept as the loser of a deletion conflict.
inline bool IsReferenceField(std::string_view field) { return field.ends_with("_id"); }

struct Record {
  std::string type;
  std::string id;
  std::map<std::string, FieldState> fields;

  // The field's text, or "" when absent, deleted or not text.
  const std::string& Text(const std::string& field) const;
  std::optional<int64_t> Integer(const std::string& field) const;
  bool Has(const std::string& field) const;
  bool IsDeleted() const;
};

}  // namespace fieldsync
