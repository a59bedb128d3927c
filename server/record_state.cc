#include "record_state.h"

#include <algorithm>

#include "change_runs.h"
#include "fieldsync/field_rows.h"

namespace fieldsync::server {
namespace {

// How much of a lookup value record_lookup keeps: references and codes fit whole; a longer value
// is told apart by the reader, who compares the whole value.
constexpr size_t kLookupPrefixBytes = 40;

// `text` cut to at most kLookupPrefixBytes, not inside a UTF-8 character.
std::string LookupPrefix(const std::string& text) {
  if (text.size() <= kLookupPrefixBytes) return text;
  size_t end = kLookupPrefixBytes;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  return text.substr(0, end);
}

}  // namespace

const char* const kRecordStateDdl = R"sql(
    -- Current state (record_state.h): one row per record, its scope fixed when first seen (S12)
    -- and the winning write of each field (S6) as a wire::ChangeGroup. A rowid table: rows of a
    -- kilobyte or more would spill into overflow pages in a WITHOUT ROWID b-tree.
    CREATE TABLE record_state (
      record_type TEXT NOT NULL, record_id TEXT NOT NULL, scope TEXT NOT NULL,
      fields BLOB NOT NULL,
      UNIQUE (record_type, record_id));
    -- Live text values of lookup fields, by their first 40 bytes.
    CREATE TABLE record_lookup (
      record_type TEXT NOT NULL, field TEXT NOT NULL, value_prefix TEXT NOT NULL, record_id TEXT NOT NULL,
      PRIMARY KEY (record_type, field, value_prefix, record_id)) WITHOUT ROWID;
)sql";

Record CurrentRecord::ToRecord(const std::string& type, const std::string& id) const {
  Record r{type, id, {}};
  for (const auto& [name, f] : fields) r.fields.emplace(name, f.state);
  return r;
}

Change ChangeOf(const std::string& type, const std::string& id, const std::string& field, StoredField f) {
  Change c;
  c.record_type = type;
  c.record_id = id;
  c.field = field;
  c.value = std::move(f.state.value);
  c.tombstone = f.state.tombstone;
  c.hlc = f.state.hlc;
  c.device_id = std::move(f.state.node);
  c.author = std::move(f.state.author);
  c.device_seq = f.device_seq;
  c.server_seq = f.server_seq;
  return c;
}

std::string EncodeRecordFields(const std::map<std::string, StoredField>& fields) {
  std::vector<Change> changes;
  changes.reserve(fields.size());
  // The row names the record; the group needs some type and id.
  for (const auto& [name, f] : fields) changes.push_back(ChangeOf("r", "r", name, f));
  return EncodeChangeRun(changes);
}

Result<std::map<std::string, StoredField>> DecodeRecordFields(std::string_view bytes, const std::string& type,
                                                              const std::string& id) {
  auto changes = DecodeChangeGroup(bytes);
  if (!changes.ok()) {
    return Status::Corruption("the stored state of " + type + " " + id + " is damaged (" +
                              changes.status().message() + "); restore the server's file from a backup");
  }
  std::map<std::string, StoredField> fields;
  for (Change& c : *changes) {
    fields.insert_or_assign(std::move(c.field),
                            StoredField{FieldState{std::move(c.value), c.tombstone, c.hlc, std::move(c.device_id),
                                                   std::move(c.author)},
                                        c.device_seq, c.server_seq});
  }
  return fields;
}

LookupValues LookupValuesOf(const CurrentRecord& record) {
  LookupValues values;
  for (const auto& [name, f] : record.fields) {
    if (f.state.tombstone || !sql::IsLookupField(name)) continue;
    if (const auto* text = std::get_if<std::string>(&f.state.value)) values.emplace_back(name, LookupPrefix(*text));
  }
  return values;  // in field order, as `fields` is
}

Result<std::unique_ptr<RecordStates>> RecordStates::Open(sql::Database& db) {
  std::unique_ptr<RecordStates> states(new RecordStates(db));
  FS_ASSIGN_OR_RETURN(states->get_, db.Prepare(
      "SELECT scope, fields FROM record_state WHERE record_type = ? AND record_id = ?"));
  FS_ASSIGN_OR_RETURN(states->scope_, db.Prepare(
      "SELECT scope FROM record_state WHERE record_type = ? AND record_id = ?"));
  FS_ASSIGN_OR_RETURN(states->insert_, db.Prepare(
      "INSERT INTO record_state (record_type, record_id, scope, fields) VALUES (?, ?, ?, ?)"));
  FS_ASSIGN_OR_RETURN(states->update_, db.Prepare(
      "UPDATE record_state SET scope = ?, fields = ? WHERE record_type = ? AND record_id = ?"));
  FS_ASSIGN_OR_RETURN(states->add_lookup_, db.Prepare(
      "INSERT OR IGNORE INTO record_lookup (record_type, field, value_prefix, record_id) VALUES (?, ?, ?, ?)"));
  FS_ASSIGN_OR_RETURN(states->drop_lookup_, db.Prepare(
      "DELETE FROM record_lookup WHERE record_type = ? AND field = ? AND value_prefix = ? AND record_id = ?"));
  return states;
}

Result<std::optional<CurrentRecord>> RecordStates::Get(const std::string& type, const std::string& id) {
  get_->Bind(1, type).Bind(2, id);
  auto row = get_->Step();
  std::optional<Result<std::map<std::string, StoredField>>> fields;
  std::string scope;
  if (row.ok() && *row) {
    scope = get_->Text(0);
    fields = DecodeRecordFields(get_->Bytes(1), type, id);
  }
  get_->Reset();
  if (!row.ok()) return row.status();
  if (!fields) return std::optional<CurrentRecord>();
  if (!fields->ok()) return fields->status();
  return std::optional<CurrentRecord>(CurrentRecord{std::move(scope), std::move(**fields)});
}

Result<std::optional<std::string>> RecordStates::Scope(const std::string& type, const std::string& id) {
  scope_->Bind(1, type).Bind(2, id);
  auto row = scope_->Step();
  std::optional<std::string> scope;
  if (row.ok() && *row && !scope_->Text(0).empty()) scope = scope_->Text(0);
  scope_->Reset();
  if (!row.ok()) return row.status();
  return scope;
}

Status RecordStates::Put(const std::string& type, const std::string& id, const CurrentRecord& record,
                         const LookupValues* stored) {
  const std::string packed = EncodeRecordFields(record.fields);
  if (verify_) {
    auto back = DecodeRecordFields(packed, type, id);
    if (!back.ok() || back->size() != record.fields.size()) {
      return Status::Corruption("the fields of " + type + " " + id + " cannot be stored as one row, so the file was "
                                "left as it was: " + (back.ok() ? "fields were lost" : back.status().message()));
    }
  }
  if (stored) {
    update_->Bind(1, record.scope).BindBlob(2, packed).Bind(3, type).Bind(4, id);
    FS_RETURN_IF_ERROR(update_->Run());
  } else {
    insert_->Bind(1, type).Bind(2, id).Bind(3, record.scope).BindBlob(4, packed);
    FS_RETURN_IF_ERROR(insert_->Run());
  }
  return PutLookups(type, id, LookupValuesOf(record), stored);
}

Status RecordStates::PutLookups(const std::string& type, const std::string& id, const LookupValues& now,
                                const LookupValues* stored) {
  static const LookupValues kNone;
  const LookupValues& before = stored ? *stored : kNone;
  for (const auto& [field, prefix] : before) {
    if (std::find(now.begin(), now.end(), std::pair(field, prefix)) != now.end()) continue;
    drop_lookup_->Bind(1, type).Bind(2, field).Bind(3, prefix).Bind(4, id);
    FS_RETURN_IF_ERROR(drop_lookup_->Run());
  }
  for (const auto& [field, prefix] : now) {
    if (std::find(before.begin(), before.end(), std::pair(field, prefix)) != before.end()) continue;
    add_lookup_->Bind(1, type).Bind(2, field).Bind(3, prefix).Bind(4, id);
    FS_RETURN_IF_ERROR(add_lookup_->Run());
  }
  return Status::Ok();
}

Result<std::vector<std::string>> RecordStates::IdsMaybeWithValue(const std::string& type, const std::string& field,
                                                                 const std::string& value,
                                                                 const std::string& after_id, size_t limit) {
  std::vector<std::string> ids;
  if (!sql::IsLookupField(field)) {
    FS_RETURN_IF_ERROR(Scan(type, after_id, &type, {}, [&](const std::string&, const std::string& id,
                                                           CurrentRecord&& r) -> Result<bool> {
      if (id == after_id) return true;
      auto it = r.fields.find(field);
      if (it != r.fields.end() && !it->second.state.tombstone && it->second.state.value == Value{value}) {
        ids.push_back(id);
      }
      return ids.size() < limit;
    }));
    return ids;
  }
  FS_ASSIGN_OR_RETURN(auto s, db_.PrepareCached(
      "SELECT record_id FROM record_lookup WHERE record_type = ? AND field = ? AND value_prefix = ? "
      "AND record_id > ? ORDER BY record_id LIMIT ?"));
  s->Bind(1, type).Bind(2, field).Bind(3, LookupPrefix(value)).Bind(4, after_id);
  s->Bind(5, static_cast<int64_t>(std::min<size_t>(limit, INT64_MAX)));
  while (true) {
    FS_ASSIGN_OR_RETURN(bool row, s->Step());
    if (!row) break;
    ids.push_back(s->Text(0));
  }
  return ids;
}

Status RecordStates::Scan(const std::string& from_type, const std::string& from_id, const std::string* only_type,
                          const ScopeTest& wanted, const Visit& visit) {
  // Cached: a report reads a page at a time, and preparing for every page cost more than reading.
  // (No visitor scans again inside a scan, which would share the statement.)
  FS_ASSIGN_OR_RETURN(auto s, db_.PrepareCached(
      std::string("SELECT record_type, record_id, scope, fields FROM record_state WHERE ") +
      (only_type ? "record_type = ?3 AND record_id >= ?2" : "(record_type, record_id) >= (?1, ?2)") +
      " ORDER BY record_type, record_id"));
  s->Bind(1, from_type).Bind(2, from_id);
  if (only_type) s->Bind(3, *only_type);
  while (true) {
    FS_ASSIGN_OR_RETURN(bool row, s->Step());
    if (!row) return Status::Ok();
    std::string scope = s->Text(2);
    if (wanted && !wanted(scope)) continue;
    const std::string type = s->Text(0), id = s->Text(1);
    FS_ASSIGN_OR_RETURN(auto fields, DecodeRecordFields(s->Bytes(3), type, id));
    if (fields.empty()) continue;  // a record known by its scope only (schema step 10 keeps those)
    FS_ASSIGN_OR_RETURN(bool more, visit(type, id, CurrentRecord{std::move(scope), std::move(fields)}));
    if (!more) return Status::Ok();
  }
}

}  // namespace fieldsync::server
