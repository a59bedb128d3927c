// RecordStates: the server's current state (S6), one row per record. A record's scope (S12) and
// the winning write of each of its fields share one `record_state` row, the fields packed the way
// change_runs packs the log (a wire::ChangeGroup: field names, devices and authors listed once,
// stamps as differences). A push writes an answer's eight fields as one row instead of eight
// b-tree rows plus a scope row, and reads the record back with one look-up. Measured on the full
// ingest bench, one row per field was a third of the server's statement time.
//
// The values records are looked up by — references ("..._id"), codes, statuses and user names
// (sql::IsLookupField) — are listed in `record_lookup` while they are live text, keyed by their
// first 40 bytes; readers compare the whole value in the record.
// Part of SqliteServerStore; works in the caller's transaction. Not thread-safe.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "conflict_policy.h"
#include "fieldsync/record.h"
#include "fieldsync/sqlite_db.h"

namespace fieldsync::server {

// The tables (server_schema.cc creates them).
extern const char* const kRecordStateDdl;

// A record's current state: its scope, fixed when it was first seen, and the winning write of
// each field.
struct CurrentRecord {
  std::string scope;
  std::map<std::string, StoredField> fields;  // by field name

  Record ToRecord(const std::string& type, const std::string& id) const;
};

// The row's packed fields and back. Corruption naming the record when the bytes are not fields
// this code wrote.
std::string EncodeRecordFields(const std::map<std::string, StoredField>& fields);
Result<std::map<std::string, StoredField>> DecodeRecordFields(std::string_view bytes, const std::string& type,
                                                              const std::string& id);
// A field's current state as the change that set it (seen_* empty).
Change ChangeOf(const std::string& type, const std::string& id, const std::string& field, StoredField f);

// The (field, value prefix) pairs of a record that record_lookup lists.
using LookupValues = std::vector<std::pair<std::string, std::string>>;
LookupValues LookupValuesOf(const CurrentRecord& record);

class RecordStates {
 public:
  // `db` must outlive this object and hold the tables.
  static Result<std::unique_ptr<RecordStates>> Open(sql::Database& db);

  // The record's state, or nullopt when the server has never seen it.
  Result<std::optional<CurrentRecord>> Get(const std::string& type, const std::string& id);
  // nullopt also for a record whose scope is not fixed yet (empty: fields an old store kept
  // without a scope row; the next change proposes one, see schema step 10).
  Result<std::optional<std::string>> Scope(const std::string& type, const std::string& id);
  // Stores `record` as the state of (type, id). `stored` is LookupValuesOf the state it replaces,
  // or nullptr for a record not stored before; lookup rows change only where they differ.
  Status Put(const std::string& type, const std::string& id, const CurrentRecord& record,
             const LookupValues* stored);
  // From now on each row is decoded back before it is written, and one that does not decode is
  // refused (Corruption naming the record). For the schema upgrade: a field_state row from before
  // the server validated every change must not become a record no read can open.
  void VerifyEachRecord() { verify_ = true; }

  // Ids after `after_id` of records of `type` that may hold the text `value` in `field`, in id
  // order, at most `limit`: the caller checks the value (and whether the record is deleted). A
  // lookup field is found through record_lookup; another field makes this read every record of
  // the type.
  Result<std::vector<std::string>> IdsMaybeWithValue(const std::string& type, const std::string& field,
                                                     const std::string& value, const std::string& after_id,
                                                     size_t limit);

  // Calls `visit` on records in (type, id) order, from `from_type`/`from_id` (included) on, of
  // `only_type` when it is not null, until `visit` returns false. `wanted` (may be empty) is asked
  // with the record's scope before its fields are decoded.
  using Visit = std::function<Result<bool>(const std::string& type, const std::string& id, CurrentRecord&& record)>;
  using ScopeTest = std::function<bool(const std::string& scope)>;
  Status Scan(const std::string& from_type, const std::string& from_id, const std::string* only_type,
              const ScopeTest& wanted, const Visit& visit);

 private:
  explicit RecordStates(sql::Database& db) : db_(db) {}
  Status PutLookups(const std::string& type, const std::string& id, const LookupValues& now,
                    const LookupValues* stored);

  sql::Database& db_;
  std::unique_ptr<sql::Statement> get_, scope_, insert_, update_, add_lookup_, drop_lookup_;
  bool verify_ = false;
};

}  // namespace fieldsync::server
