#include "record_pages.h"

#include <algorithm>
#include <iterator>


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

Result<RecordPage> SqliteRecordPages::ByField(const std::string& type, const std::string& field,
                                              const std::string& value, const std::string& after_id, size_t max) {
  // Candidates come in id order; deleted records, and the rare one whose value only shares its
  // lookup prefix, are dropped and more candidates read, so a page is short only at the end.
  const size_t limit = AtLeastOne(max);
  RecordPage page;
  std::string after = after_id;
  while (true) {
    FS_ASSIGN_OR_RETURN(auto ids, states_.IdsMaybeWithValue(type, field, value, after, limit));
    for (const auto& id : ids) {
      after = id;
      FS_ASSIGN_OR_RETURN(auto stored, states_.Get(type, id));
      if (!stored) continue;
      Record r = stored->ToRecord(type, id);
      auto it = r.fields.find(field);
      if (it == r.fields.end() || it->second.tombstone || it->second.value != Value{value} || r.IsDeleted()) continue;
      page.records.push_back(std::move(r));
      if (page.records.size() == limit) {
        page.next_after_id = id;
        return page;
      }
    }
    if (ids.size() < limit) return page;
  }
}

Result<RecordPage> SqliteRecordPages::ByIdPrefix(const std::string& type, const std::string& id_prefix,
                                                 const std::string& after_id, size_t max) {
  // Reads the prefix's range of ids only; deleted records count towards the page (a page may come
  // back short, even empty, with next_after_id set).
  const size_t limit = AtLeastOne(max);
  RecordPage page;
  size_t read = 0;
  FS_RETURN_IF_ERROR(states_.Scan(
      type, std::max(id_prefix, after_id), &type, {},
      [&](const std::string&, const std::string& id, CurrentRecord&& stored) -> Result<bool> {
        if (!id.starts_with(id_prefix)) return false;
        if (id <= after_id) return true;
        Record r = stored.ToRecord(type, id);
        if (!r.IsDeleted()) page.records.push_back(std::move(r));
        if (++read < limit) return true;
        page.next_after_id = id;
        return false;
      }));
  return page;
}

}  // namespace fieldsync::server
