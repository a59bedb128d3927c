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

}  // namespace fieldsync::sql
