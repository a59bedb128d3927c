// Record: the current state of one record on a replica, field by field. Records are schemaless
// at the storage level (record type + id + named fields); the typed domain lives in domain.h.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "fieldsync/change.h"

namespace fieldsync {

// Reserved field: a record whose `_deleted` is true is deleted (a tombstone for the whole record).
inline constexpr const char* kDeletedField = "_deleted";

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
