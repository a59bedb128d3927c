// Reading current field state rows into Records: the device store's `field_state` table (the
// server kept one of the same shape until its schema version 10, server/record_state.h; its
// upgrade steps and tests still name these indexes).
#pragma once

#include <string>
#include <vector>

#include "fieldsync/record.h"
#include "fieldsync/sqlite_db.h"

namespace fieldsync::sql {

// Columns, in this order, that ReadFieldState and ReadRecords expect after record_id and field.
inline constexpr const char* kFieldStateColumns = "value_kind, value, tombstone, hlc, node, author";

// Look-ups by value (a unit by its code, a member by user name) need only a value's first bytes:
// indexing whole findings texts made every field write pay for a second copy of the text. This
// index replaced `field_state_by_value` in both stores (an earlier schema step; see below).
inline constexpr const char* kValuePrefixIndexDdl =
    "DROP INDEX IF EXISTS field_state_by_value; "
    "CREATE INDEX IF NOT EXISTS field_state_by_value_prefix ON field_state (record_type, field, substr(value, 1, 40));";

// Only fields that are looked up by value are indexed by value: references ("..._id"), codes, user
// names and statuses. A findings text in the index cost each write a random index insert (most of
// a bulk pull's page writes) and was never looked up. kLookupFieldSql is repeated verbatim in the
// queries, which is how SQLite knows the partial index covers them.
//
// The predicate is written with `=`, not `field IN (...)`: SQLite evaluates a partial index's
// predicate on every write of the table, and an IN list of three or more values makes it build two
// temporary b-trees per statement (each a fresh ~180 kB page cache, allocated and freed), which
// was a quarter of a tap's CPU time. kLookupIndexV5Ddl is the earlier step's index, kept as it
// ran; LookupIndexDdl() replaces it.
inline constexpr const char* kLookupFieldSql =
    "(field GLOB '*_id' OR field = 'code' OR field = 'status' OR field = 'user_name')";
inline constexpr const char* kLookupIndexV5Ddl =
    "DROP INDEX IF EXISTS field_state_by_value_prefix; "
    "CREATE INDEX IF NOT EXISTS field_state_by_lookup ON field_state (record_type, field, substr(value, 1, 40)) "
    "WHERE (field GLOB '*_id' OR field IN ('code', 'status', 'user_name'));";
// Drops kLookupIndexV5Ddl's index and makes it again with kLookupFieldSql as its predicate.
std::string LookupIndexDdl();
// Whether `field` is one kLookupFieldSql covers.
bool IsLookupField(std::string_view field);
// The FROM and WHERE of a query for record ids of `record_type` ?1 whose text `field` ?2 equals
// ?3 and is not deleted: through field_state_by_lookup for a lookup field, else by a scan.
std::string RecordIdsByValueSql(std::string_view field);

// Live records of `type` whose text `field` is exactly `value`, through the lookup index.
Result<std::vector<Record>> FindRecordsByValue(Database& db, const std::string& type, const std::string& field,
                                               const std::string& value);

// Reads (value_kind, value, tombstone, hlc, node, author) starting at column `first`.
FieldState ReadFieldState(const Statement& s, int first);

// Steps through rows of (record_id, field, <kFieldStateColumns>) ordered by record_id, grouping
// them into records of `type`; drops deleted records unless `include_deleted`. Resets `s`.
Result<std::vector<Record>> ReadRecords(Statement& s, const std::string& type, bool include_deleted);

}  // namespace fieldsync::sql
