// DeviceStore: the device's SQLite database, the only place a tablet's data lives.
//
// It holds the current state of every record field, the outbox of local changes not yet
// acknowledged by the server, a folded search index and the device's identity and sync state.
// Every local write goes through Write(), which stamps an HLC, updates current state and the
// search index and appends to the outbox in one SQLite transaction (S1). Remote changes enter
// through ApplyRemote(), which keeps the winner per field by HLC then device id (S6) and stores the
// new pull cursor in the same transaction (S4).
//
// One DeviceStore per database file and per thread: it is not thread-safe. Other processes may
// open the same file (SQLite WAL) and see committed data.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "fieldsync/change.h"
#include "fieldsync/clock.h"
#include "fieldsync/record.h"
#include "fieldsync/status.h"

namespace fieldsync {

struct DeviceStoreOptions {
  Clock* clock = nullptr;  // nullptr: SystemClock::Default()
  int64_t max_forward_drift_ms = HlcClock::kDefaultMaxDriftMs;
  // kFull (the default, S1): a saved answer survives a power cut or a dead battery, at one fsync
  // per save. kNormal (SQLite WAL synchronous=NORMAL) survives an app crash but may lose the last
  // saves on power loss; for bulk imports and benchmarks, never for an inspector's edits.
  enum class Durability { kFull, kNormal };
  Durability durability = Durability::kFull;
};

struct DeviceIdentity {
  std::string device_id;
  std::string user_name;
};

struct SearchHit {
  std::string record_type;
  std::string record_id;
  std::string field;
  std::string text;  // the stored (NFC) text that matched
};

// An outbox entry the server refused for good, kept with its reason (DeviceStore::RejectPending).
struct RejectedChange {
  Change change;
  std::string code;    // the server's error code, e.g. "forbidden", "invalid_change"
  std::string reason;  // the server's message
  int64_t rejected_at_ms = 0;
};

class DeviceStore {
 public:
  // Opens or creates the database at `path` and upgrades its schema. Fails with a message naming
  // the file when it cannot be opened or is not a fieldsync store.
  static Result<std::unique_ptr<DeviceStore>> Open(const std::string& path, DeviceStoreOptions options = {});
  ~DeviceStore();
  DeviceStore(const DeviceStore&) = delete;
  DeviceStore& operator=(const DeviceStore&) = delete;

  // Gives the store its device id (made once) and its user. Calling again with the same user is a
  // no-op; with another user it fails: one tablet store belongs to one inspector.
  Status Initialize(const std::string& user_name);
  // FailedPrecondition until Initialize has run.
  Result<DeviceIdentity> Identity() const;
  // This store's device id, made on first use (enrolment needs it before the user is known).
  Result<std::string> DeviceId();

  // The single local write path (S1). Text values are NFC-normalised and validated; on any
  // invalid input nothing is written. Returns the changes as appended to the outbox.
  Result<std::vector<Change>> Write(const std::vector<FieldWrite>& writes);
  // A read-modify-write of one record in one transaction: `compose` gets the record as stored
  // (nullopt when new) and returns the writes to make, all to that record; no other connection's
  // commit (a pull, say) can come between the read and the write. Returns the record as written.
  using ComposeWrites = std::function<Result<std::vector<FieldWrite>>(const std::optional<Record>& stored)>;
  Result<Record> WriteRecord(const std::string& type, const std::string& id, const ComposeWrites& compose);

  Result<std::optional<Record>> GetRecord(const std::string& type, const std::string& id) const;
  // All records of a type, ordered by id; deleted ones only when `include_deleted`.
  Result<std::vector<Record>> ListRecords(const std::string& type, bool include_deleted = false) const;
  // Records of `type` whose `field` holds exactly the text `value`.
  Result<std::vector<Record>> FindRecords(const std::string& type, const std::string& field,
                                          const std::string& value) const;
  // Accent- and case-insensitive search over every text field of every live record, references
  // ("..._id", IsReferenceField) excepted.
  Result<std::vector<SearchHit>> Search(const std::string& query) const;

  // Outbox, oldest first, at most `max_changes` entries and about `max_bytes` of values.
  Result<std::vector<Change>> PendingChanges(size_t max_changes, size_t max_bytes = SIZE_MAX) const;
  Result<int64_t> PendingCount() const;
  // The largest device sequence this store has issued (0 before its first write). A pull names it
  // so the server can leave out this device's own changes, which the store holds already; a store
  // restored from an older copy names a smaller one and gets its later changes back.
  Result<uint64_t> LastIssuedSeq() const;
  // A number that changes whenever records of `type` may have changed: when this store commits
  // one (a write, a pull, a restamp) or when another connection commits anything to the file.
  // Lets callers keep what they derive from rarely changing records (the plan) between calls.
  Result<uint64_t> TypeVersion(const std::string& type) const;
  // While a pin is alive, TypeVersion looks for other connections' commits once, on its first call,
  // instead of on every call: one look (a read transaction, with its file locks) per API call,
  // where a tap asks about four record types. This store's own commits still count at once.
  class VersionPin {
   public:
    ~VersionPin();
    VersionPin(const VersionPin&) = delete;
    VersionPin& operator=(const VersionPin&) = delete;

   private:
    friend class DeviceStore;
    explicit VersionPin(const DeviceStore& store);
    const DeviceStore& store_;
  };
  [[nodiscard]] VersionPin PinVersions() const;
  // Drops the outbox entries `sent` (by device_seq) once the server acknowledged them (S3); any
  // other entry stays, even one whose sequence lies between theirs.
  Status Acknowledge(const std::vector<Change>& sent);

  // Moves the outbox entry `device_seq` to the rejected list with the server's `code` and `reason`
  // (S11: a change the server refuses for good must not block the changes behind it, and what the
  // inspector typed is kept). The field keeps its local value. NotFound when it is not pending.
  Status RejectPending(uint64_t device_seq, const std::string& code, const std::string& reason);
  // The rejected list, oldest first.
  Result<std::vector<RejectedChange>> RejectedChanges() const;
  Result<int64_t> RejectedCount() const;
  // Puts rejected changes back into the outbox as they were (same sequence and stamp: the server
  // never applied them), all of them or those refused with `only_code`. Returns how many.
  Result<int64_t> RequeueRejected(const std::string& only_code = "");

  // After the server refused timestamps from the future (the tablet's clock ran ahead and was
  // then corrected): brings the clock back to max(wall clock, newest timestamp that is not a
  // refused pending one) and gives every pending change, and the current state it wrote, a fresh
  // timestamp.
  // Values and seen stamps are untouched, so nothing is lost and causality still holds (S8).
  Status RestampPending();

  // Merges changes received from the server and writes `settings` (the new pull cursor, a snapshot
  // page token...) in the same transaction (S4). A change whose (HLC, device id) is not larger than
  // the field's current one leaves it alone, so this device's own changes coming back are no-ops.
  using Settings = std::vector<std::pair<std::string, std::string>>;
  Status ApplyRemote(const std::vector<Change>& changes, const Settings& settings);

  // Small key/value settings (sync cursor, server URL, last error, ...).
  Result<std::optional<std::string>> GetSetting(const std::string& key) const;
  Status SetSetting(const std::string& key, const std::string& value);

  // Newest HLC this device has issued or seen.
  Hlc LastHlc() const;
  int SchemaVersion() const;

 private:
  class Impl;
  explicit DeviceStore(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace fieldsync
