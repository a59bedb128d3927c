// Change: one write of one field of one record, the unit that is stored in the outbox and synced
// (SYNC.md "Model"). FieldWrite is what a caller asks for; the store turns it into a Change by
// stamping the HLC, device id, device sequence and the stamp of the value it replaced.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "fieldsync/hlc.h"
#include "fieldsync/value.h"

namespace fieldsync {

struct FieldWrite {
  std::string record_type;
  std::string record_id;
  std::string field;
  Value value;             // monostate with tombstone = true deletes the field
  bool tombstone = false;
};

struct Change {
  std::string record_type;
  std::string record_id;
  std::string field;
  Value value;
  bool tombstone = false;
  Hlc hlc;
  std::string device_id;
  uint64_t device_seq = 0;
  Hlc seen_hlc;                // zero when the device had no value for the field
  std::string seen_device_id;
  std::string author;          // user name of the editor
  uint64_t server_seq = 0;     // 0 until the server has placed it

  Stamp stamp() const { return {hlc, device_id}; }
};

// Rough size of a change on the wire, to bound batches by bytes as well as by count (S10).
size_t ApproximateWireSize(const Change& c);

// The current state of one field on a replica.
struct FieldState {
  Value value;
  bool tombstone = false;
  Hlc hlc;
  std::string node;   // device id of the winning write
  std::string author;
  Stamp stamp() const { return {hlc, node}; }
};

}  // namespace fieldsync
