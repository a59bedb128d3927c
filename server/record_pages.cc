#include "record_pages.h"

#include <algorithm>
#include <iterator>

#include "fieldsync/field_rows.h"

namespace fieldsync::server {
namespace {

size_t AtLeastOne(size_t max) { return std::max<size_t>(max, 1); }

// The records of `all` (ordered by id) after `after_id` that pass `keep`, at most `max`.
template <typename Keep>
RecordPage Slice(std::vector<Record> all, const std::string& after_id, size_t max, Keep keep) {
  RecordPage page;
  for (auto& r : all) {
    if (r.id <= after_id || !keep(r)) continue;
    if (page.records.size() == AtLeastOne(max)) {
      page.next_after_id = page.records.back().id;
      break;
    }
    page.records.push_back(std::move(r));
  }
  return page;
}

// One page whose ids come from `ids_sql`, a SELECT of record_id with parameters ?1 type, ?2 and ?3
// (its own), ?4 after_id and ?5 the limit. The last id of the page is where the next one starts,
// even when its record turns out to be deleted and is dropped.
Result<RecordPage> ReadPage(sql::Database& db, const std::string& type, const std::string& ids_sql,
                            const std::string& p2, const std::string& p3, const std::string& after_id, size_t max) {
  const auto limit = static_cast<int64_t>(AtLeastOne(max));
  auto bind = [&](sql::Statement& s) { s.Bind(1, type).Bind(2, p2).Bind(3, p3).Bind(4, after_id).Bind(5, limit); };
  FS_ASSIGN_OR_RETURN(auto ids, db.Prepare("SELECT count(*), max(record_id) FROM (" + ids_sql + ")"));
  bind(*ids);
  FS_ASSIGN_OR_RETURN(bool row, ids->Step());
  const int64_t count = row ? ids->Int(0) : 0;
  const std::string last = count > 0 ? ids->Text(1) : std::string();
  ids->Reset();
  RecordPage page;
  if (count == 0) return page;
  FS_ASSIGN_OR_RETURN(auto rows, db.Prepare(std::string("SELECT record_id, field, ") + sql::kFieldStateColumns +
                                            " FROM field_state WHERE record_type = ?1 AND record_id IN (" + ids_sql +
                                            ") ORDER BY record_id"));
  bind(*rows);
  FS_ASSIGN_OR_RETURN(page.records, sql::ReadRecords(*rows, type, false));
  if (count == limit) page.next_after_id = last;
  return page;
}

// The smallest string greater than every string starting with `prefix` ("" when there is none).
std::string PrefixEnd(std::string prefix) {
  while (!prefix.empty() && static_cast<unsigned char>(prefix.back()) == 0xFF) prefix.pop_back();
  if (!prefix.empty()) prefix.back() = static_cast<char>(static_cast<unsigned char>(prefix.back()) + 1);
  return prefix;
}

}  // namespace

Result<RecordPage> ServerStore::FindRecordsPage(const std::string& type, const std::string& field,
                                                const std::string& value, const std::string& after_id, size_t max) {
  FS_ASSIGN_OR_RETURN(auto all, FindRecords(type, field, value));
  return Slice(std::move(all), after_id, max, [](const Record&) { return true; });
}

Result<RecordPage> ServerStore::RecordsByIdPrefix(const std::string& type, const std::string& id_prefix,
                                                  const std::string& after_id, size_t max) {
  FS_ASSIGN_OR_RETURN(auto all, ListRecords(type));
  return Slice(std::move(all), after_id, max, [&](const Record& r) { return r.id.starts_with(id_prefix); });
}

Result<RecordPage> SqliteFindRecordsPage(sql::Database& db, const std::string& type, const std::string& field,
                                         const std::string& value, const std::string& after_id, size_t max) {
  return ReadPage(db, type,
                  "SELECT record_id FROM field_state WHERE record_type = ?1 AND field = ?2 AND value_kind = 1 "
                  "AND value = ?3 AND tombstone = 0 AND record_id > ?4 ORDER BY record_id LIMIT ?5",
                  field, value, after_id, max);
}

Result<RecordPage> SqliteRecordsByIdPrefix(sql::Database& db, const std::string& type, const std::string& id_prefix,
                                           const std::string& after_id, size_t max) {
  // ?3 = '': no upper bound (an empty prefix, or one of 0xFF bytes only).
  return ReadPage(db, type,
                  "SELECT DISTINCT record_id FROM field_state WHERE record_type = ?1 AND record_id >= ?2 "
                  "AND (?3 = '' OR record_id < ?3) AND record_id > ?4 ORDER BY record_id LIMIT ?5",
                  id_prefix, PrefixEnd(id_prefix), after_id, max);
}

}  // namespace fieldsync::server
