// Conflict detection (S7, S9): pure functions the store calls inside its apply transaction, and
// the field writes of a conflict record (field names in include/fieldsync/server/conflict.h).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "fieldsync/change.h"

namespace fieldsync::server {

// A field's current state with the device and server sequences of the write that set it.
struct StoredField {
  FieldState state;
  uint64_t device_seq = 0;
  uint64_t server_seq = 0;
};

struct ConflictSide {
  Value value;          // monostate when `deleted`
  bool deleted = false;  // a tombstone (or, for edit_on_deleted, the record's deletion)
  std::string author, device;
  Hlc hlc;
  uint64_t device_seq = 0;
};

struct DetectedConflict {
  std::string kind;  // conflict::kKindConcurrentEdit or kKindEditOnDeleted
  ConflictSide winner, loser;
};

// The conflicts that applying `c` makes (records of type "conflict" never conflict):
//  - concurrent_edit: `current` exists, the stamp `c` had seen is not current's, and the values
//    differ (a tombstone differs from any value); winner by (HLC, device id) (S6);
//  - edit_on_deleted: the record's `_deleted` is true, `c` writes a value to another field and
//    comes from another device than the deleter (winner: the deletion, loser: `c`), unless `c`
//    already loses a concurrent_edit (it is kept there).
// Both can happen at once, with different losers (the field's old value, and `c`).
std::vector<DetectedConflict> DetectConflicts(const Change& c, const std::optional<StoredField>& current,
                                               const std::optional<StoredField>& record_deleted);

// "conflict/<device>/<seq>" of the losing write.
std::string ConflictId(const ConflictSide& loser);

// The fields of the conflict record about `contested` (in `scope`). `record_text` reads a text
// field of the contested record ("" when absent).
std::vector<FieldWrite> ConflictWrites(const DetectedConflict& conflict, const Change& contested,
                                       const std::string& scope,
                                       const std::function<std::string(const std::string&)>& record_text);

}  // namespace fieldsync::server
