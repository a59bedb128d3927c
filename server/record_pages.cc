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

// A full statement reading the records whose ids come from `ids_sql`, a SELECT of record_id with
// parameters ?1 type, ?2 and ?3 (its own), ?4 after_id and ?5 the limit.
std::string PageSql(const std::string& ids_sql) {
  return std::string("SELECT record_id, field, ") + sql::kFieldStateColumns +
         " FROM field_state WHERE record_type = ?1 AND record_id IN (" + ids_sql + ") ORDER BY record_id";
}

// One page from `s` (PageSql). Deleted records are read too and dropped here, so that the last id
// read is where the next page starts and a full page says there may be more.
Result<RecordPage> ReadPage(sql::Statement& s, const std::string& type, const std::string& p2, const std::string& p3,
                            const std::string& after_id, size_t max) {
  const auto limit = static_cast<int64_t>(AtLeastOne(max));
  s.Bind(1, type).Bind(2, p2).Bind(3, p3).Bind(4, after_id).Bind(5, limit);
  FS_ASSIGN_OR_RETURN(auto records, sql::ReadRecords(s, type, /*include_deleted=*/true));
  RecordPage page;
  if (static_cast<int64_t>(records.size()) == limit) page.next_after_id = records.back().id;
  for (auto& r : records) {
    if (!r.IsDeleted()) page.records.push_back(std::move(r));
  }
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

Result<std::unique_ptr<ReadView>> ServerStore::BeginReadView() { return std::make_unique<ReadView>(); }

namespace {

class SqliteReadView final : public ReadView {
 public:
  explicit SqliteReadView(sql::Database& db) : db_(db) {}
  ~SqliteReadView() override { (void)db_.Exec("COMMIT"); }  // a read transaction: nothing to lose

 private:
  sql::Database& db_;
};

}  // namespace

Result<std::unique_ptr<ReadView>> BeginSqliteReadView(sql::Database& db) {
  // In WAL mode the snapshot is taken at the first read, so read once now.
  FS_RETURN_IF_ERROR(db.Exec("BEGIN DEFERRED"));
  auto view = std::make_unique<SqliteReadView>(db);
  FS_RETURN_IF_ERROR(db.Exec("SELECT count(*) FROM meta"));
  return std::unique_ptr<ReadView>(std::move(view));
}

Result<sql::Statement*> SqliteRecordPages::Statement(std::unique_ptr<sql::Statement>& slot,
                                                     const std::string& ids_sql) {
  if (!slot) {
    FS_ASSIGN_OR_RETURN(slot, db_.Prepare(PageSql(ids_sql)));
  }
  return slot.get();
}

Result<RecordPage> SqliteRecordPages::ByField(const std::string& type, const std::string& field,
                                              const std::string& value, const std::string& after_id, size_t max) {
  FS_ASSIGN_OR_RETURN(auto* s, Statement(sql::IsLookupField(field) ? by_lookup_field_ : by_other_field_,
                                         "SELECT record_id " + sql::RecordIdsByValueSql(field) +
                                             " AND record_id > ?4 ORDER BY record_id LIMIT ?5"));
  return ReadPage(*s, type, field, value, after_id, max);
}

Result<RecordPage> SqliteRecordPages::ByIdPrefix(const std::string& type, const std::string& id_prefix,
                                                 const std::string& after_id, size_t max) {
  // Both bounds plainly on record_id, so that SQLite reads only the prefix's range of the primary
  // key (an OR here made it scan to the end of the table for every page). Without an upper bound
  // (an empty prefix, or one of 0xFF bytes only) ?3 is bound but compared with itself.
  const std::string end = PrefixEnd(id_prefix);
  const std::string upper = end.empty() ? "?3 = ?3" : "record_id < ?3";
  FS_ASSIGN_OR_RETURN(auto* s, Statement(end.empty() ? by_open_prefix_ : by_prefix_,
                                         "SELECT DISTINCT record_id FROM field_state WHERE record_type = ?1 AND "
                                         "record_id >= ?2 AND " + upper +
                                             " AND record_id > ?4 ORDER BY record_id LIMIT ?5"));
  return ReadPage(*s, type, id_prefix, end, after_id, max);
}

}  // namespace fieldsync::server
