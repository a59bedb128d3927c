// Reading current field state rows into Records, shared by the device store and the server's
// SQLite store (both keep a `field_state` table of the same shape).
#pragma once

#include <string>
#include <vector>

#include "fieldsync/record.h"
#include "fieldsync/sqlite_db.h"

namespace fieldsync::sql {

// Columns, in this order, that ReadFieldState and ReadRecords expect after record_id and field.
inline constexpr const char* kFieldStateColumns = "value_kind, value, tombstone, hlc, node, author";

// Reads (value_kind, value, tombstone, hlc, node, author) starting at column `first`.
FieldState ReadFieldState(const Statement& s, int first);

// Steps through rows of (record_id, field, <kFieldStateColumns>) ordered by record_id, grouping
// them into records of `type`; drops deleted records unless `include_deleted`. Resets `s`.
Result<std::vector<Record>> ReadRecords(Statement& s, const std::string& type, bool include_deleted);

}  // namespace fieldsync::sql
