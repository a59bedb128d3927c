// RecordBatch: the records one ApplyChanges batch reads and changes. Each record's current state
// (record_state.h) is read once — an answer arrives as eight field changes — changed in memory as
// the batch applies changes, so that conflict detection sees writes made earlier in the batch,
// and written once when the batch ends. Also keeps each record within the protocol's bounds
// (protocol::kMaxRecordFields, kMaxRecordBytes): its row is rewritten whole by every change.
// Lives for one batch, inside its transaction. Not thread-safe.
#pragma once

#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "conflict_policy.h"
#include "fieldsync/change.h"
#include "record_state.h"

namespace fieldsync::server {

class RecordBatch {
 public:
  // One record as the batch sees it.
  struct Memo {
    std::string type, id;
    CurrentRecord now;
    bool known = false;  // stored before, or made by this batch: its scope is fixed (S12)

    std::optional<StoredField> Field(const std::string& field) const;
    const StoredField* Find(const std::string& field) const;  // nullptr when absent; no copy

   private:
    friend class RecordBatch;
    std::optional<LookupValues> stored_lookups;  // nullopt: not stored before this batch
    size_t bytes = 0;                            // FieldBytes of every field in `now`
    bool dirty = false;
  };

  explicit RecordBatch(RecordStates& states) : states_(states) {}

  // The record, read from the store the first time. Valid for the batch's lifetime.
  Result<Memo*> Get(const std::string& type, const std::string& id);
  // InvalidArgument when setting c's field to `next` would take the record past its bounds (the
  // caller names the change); a record already past them may still shrink, and deleting the
  // record or one of its fields always passes.
  static Status CheckBounds(const Change& c, const Memo& memo, const std::optional<StoredField>& next);
  // Sets the field's current state.
  void Set(Memo& memo, const std::string& field, StoredField next);
  // Writes every record the batch changed, in the order they were first changed.
  Status Write();

 private:
  static size_t FieldBytes(const std::string& name, const StoredField& f);

  RecordStates& states_;
  std::unordered_map<std::string, Memo> records_;  // by type + '\n' + id (node-based: pointers stay valid)
  std::vector<Memo*> touched_;
};

}  // namespace fieldsync::server
