#include "fieldsync/field_rows.h"

namespace fieldsync::sql {

FieldState ReadFieldState(const Statement& s, int first) {
  FieldState f;
  f.value = s.ReadValue(first);
  f.tombstone = s.Int(first + 2) != 0;
  f.hlc = Hlc::Unpack(static_cast<uint64_t>(s.Int(first + 3)));
  f.node = s.Text(first + 4);
  f.author = s.Text(first + 5);
  return f;
}

Result<std::vector<Record>> ReadRecords(Statement& s, const std::string& type, bool include_deleted) {
  std::vector<Record> records;
  while (true) {
    FS_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) break;
    std::string id = s.Text(0);
    if (records.empty() || records.back().id != id) records.push_back(Record{type, id, {}});
    records.back().fields[s.Text(1)] = ReadFieldState(s, 2);
  }
  s.Reset();
  if (!include_deleted) std::erase_if(records, [](const Record& r) { return r.IsDeleted(); });
  return records;
}

bool IsLookupField(std::string_view field) {
  return IsReferenceField(field) || field == "code" || field == "status" || field == "user_name";
}

std::string LookupIndexDdl() {
  return std::string("DROP INDEX IF EXISTS field_state_by_lookup; "
                     "CREATE INDEX field_state_by_lookup ON field_state (record_type, field, substr(value, 1, 40)) "
                     "WHERE ") + kLookupFieldSql + ";";
}

std::string RecordIdsByValueSql(std::string_view field) {
  const std::string match = "record_type = ?1 AND field = ?2 AND value_kind = 1 AND value = ?3 AND tombstone = 0";
  if (!IsLookupField(field)) return "FROM field_state WHERE " + match;
  // INDEXED BY: without statistics the planner would walk the primary key over every record of the type.
  return std::string("FROM field_state INDEXED BY field_state_by_lookup WHERE ") + kLookupFieldSql +
         " AND substr(value, 1, 40) = substr(?3, 1, 40) AND " + match;
}

Result<std::vector<Record>> FindRecordsByValue(Database& db, const std::string& type, const std::string& field,
                                               const std::string& value) {
  FS_ASSIGN_OR_RETURN(auto s, db.PrepareCached(
      "SELECT f.record_id, f.field, f.value_kind, f.value, f.tombstone, f.hlc, f.node, f.author "
      "FROM field_state f WHERE f.record_type = ?1 AND f.record_id IN (SELECT record_id " +
      RecordIdsByValueSql(field) + ") ORDER BY f.record_id"));
  s->Bind(1, type).Bind(2, field).Bind(3, value);
  return ReadRecords(*s, type, false);
}

}  // namespace fieldsync::sql
