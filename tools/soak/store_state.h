// What the soak verifier reads from the stores after a run, read-only: the server's change log,
// current fields, record scopes and accounts; each device's current fields, outbox and cursor.
// Column names follow server/server_schema.cc and core/src/device_schema.cc.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "soak/readonly_db.h"

namespace fieldsync::soak {

struct FieldKey {
  std::string type, id, field;
  std::string ToString() const { return type + "/" + id + "." + field; }
  friend auto operator<=>(const FieldKey&, const FieldKey&) = default;
};

// A field's current state on one replica.
struct FieldValue {
  Cell value;
  bool tombstone = false;
  int64_t hlc = 0;
  std::string node;  // device id of the winning write
  std::string Render() const;
  friend bool operator==(const FieldValue&, const FieldValue&) = default;
};

// A change as the server logged it.
struct LoggedChange {
  int64_t server_seq = 0;
  std::string device_id;
  int64_t device_seq = 0;
  FieldKey key;
  Cell value;
  bool tombstone = false;
  int64_t hlc = 0, seen_hlc = 0;
  std::string seen_device, author;
};

// A change as the device wrote it (outbox row).
struct OutboxEntry {
  int64_t device_seq = 0;
  FieldKey key;
  Cell value;
  bool tombstone = false;
  friend bool operator==(const OutboxEntry&, const OutboxEntry&) = default;
};

using RecordKey = std::pair<std::string, std::string>;  // (type, id)

struct ServerState {
  std::vector<LoggedChange> log;  // in server_seq order
  std::map<FieldKey, FieldValue> fields;
  std::map<RecordKey, std::string> scope_of;
  std::map<std::string, std::string> account_role;  // user name -> role
  std::map<std::pair<std::string, int64_t>, int> applied;  // exactly-once keys -> ranges covering them
};

// An outbox entry the server refused for good, set aside by the tablet with the server's reason.
struct RejectedEntry {
  OutboxEntry change;
  std::string code, reason;
};

struct DeviceState {
  std::string path, device_id, user;
  std::map<FieldKey, FieldValue> fields;
  std::vector<OutboxEntry> outbox;
  std::vector<RejectedEntry> rejected;  // empty for stores from before the rejected list
  uint64_t pull_cursor = 0;
};

ServerState ReadServerState(const std::string& path);
DeviceState ReadDeviceState(const std::string& path);
// Only the outbox (cheap: read after every local write).
std::vector<OutboxEntry> ReadOutbox(const std::string& path);
// The device's pull cursor, 0 before its first sync.
uint64_t ReadPullCursor(const std::string& path);

// The fields of every record of `type`, by record id.
using RecordFields = std::map<std::string, FieldValue>;
std::map<std::string, RecordFields> RecordsOfType(const std::map<FieldKey, FieldValue>& fields, const std::string& type);
// The text of a field, "" when absent, deleted or not text.
std::string TextOf(const RecordFields& record, const std::string& field);
// A record whose `_deleted` field is true.
bool IsDeleted(const RecordFields& record);

}  // namespace fieldsync::soak
