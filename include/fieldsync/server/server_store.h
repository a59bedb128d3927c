// ServerStore: the central server's storage, as an abstract interface. It knows users, enrolment
// codes, enrolled devices, the change log (one increasing server sequence for every accepted change,
// S4), the exactly-once keys (device id, device sequence) (S2), the current state of every field
// (winner = larger (HLC, device id), S6), the scope of every record, and the server's own identity
// and clock. No storage engine leaks through it: SqliteServerStore implements it today, another
// backend (PostgreSQL) can later. Policy (who may write what, which scopes a user sees) lives in
// SyncService, not here; the store only filters by the scope keys it is given.
// Implementations are not thread-safe: the owner serialises calls.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "fieldsync/change.h"
#include "fieldsync/domain.h"
#include "fieldsync/hlc.h"
#include "fieldsync/record.h"
#include "fieldsync/status.h"

namespace fieldsync::server {

struct UserInfo {
  std::string name;  // login name, e.g. "luan"; matches member.user_name in plans
  domain::Role role = domain::Role::kMember;
  std::string full_name;
};

struct DeviceInfo {
  std::string device_id;
  std::string user_name;
  std::string name;  // what the user called the tablet
  int64_t enrolled_at_ms = 0;
  int64_t revoked_at_ms = 0;  // 0 while the token works; set by RevokeDevices (a lost tablet)
};

// What the audit log records about one action: who (a user, or the operator of the admin command
// line), from which device ("" for the command line), what kind of action, and its details.
struct AuditEvent {
  std::string actor;
  std::string device_id;
  std::string action;  // "push", "enroll", "enroll_refused", "device_revoke", "plan_import", ...
  std::string detail;
};

// One entry of the append-only audit log. Each entry's sha256 covers its fields and the previous
// entry's sha256 (server/audit_chain.h), so changing, inserting or removing an entry in the middle
// breaks the chain from there on.
struct AuditEntry {
  uint64_t seq = 0;  // 1, 2, 3, ... without gaps
  int64_t at_ms = 0;
  AuditEvent event;
  std::string prev_sha256;  // 64 zeros for the first entry
  std::string sha256;
};

// A one-time enrolment code, stored by its SHA-256 only.
struct EnrollmentCode {
  std::string code_sha256_hex;
  std::string user_name;
  int64_t created_at_ms = 0;
  int64_t expires_at_ms = 0;
};

// A change with the scope key of its record ("global", "plan:<id>", "visit:<id>"). The store
// keeps the scope the record had when it was first seen and ignores `scope` afterwards.
struct ScopedChange {
  Change change;
  std::string scope;
};

enum class ApplyOutcome { kApplied, kAlreadyHad };

struct ApplyResult {
  uint64_t device_seq = 0;
  ApplyOutcome outcome = ApplyOutcome::kApplied;
  uint64_t server_seq = 0;  // new position, or the one it got the first time
};

// Which scope keys a reader may see.
struct ScopeFilter {
  bool everything = false;          // the secretariat
  std::vector<std::string> scopes;  // otherwise only these keys
  static ScopeFilter All() { return ScopeFilter{true, {}}; }
  bool Allows(const std::string& scope) const;
  // Stable short text identifying this set of scopes (sent to devices, see PullResponse).
  std::string Fingerprint() const;
};

// A pulling device's own changes, which it holds already: those of `device_id` with a device
// sequence up to `through_device_seq` (an empty id skips nothing).
struct SkipOwnChanges {
  std::string device_id;
  uint64_t through_device_seq = 0;
};

struct ChangePage {
  std::vector<Change> changes;  // increasing server_seq, each with server_seq set
  uint64_t next_cursor = 0;     // may be past changes the filter hides
  bool has_more = false;
};

// Position in the current state, ordered by (record type, record id, field).
struct FieldKey {
  std::string record_type, record_id, field;
};

struct FieldPage {
  // Current values as changes: the winning write's value, HLC, device, device_seq, author,
  // server_seq; seen_* empty.
  std::vector<Change> fields;
  std::optional<FieldKey> next;  // start after this key for the next page; nullopt on the last
};

// One page of records (FindRecordsPage).
struct RecordPage {
  std::vector<Record> records;  // ordered by id
  std::string next_after_id;    // pass as `after_id` for the next page; empty on the last page
};

// One consistent state of the store held for a long read (ServerStore::BeginReadView) until it is
// destroyed.
class ReadView {
 public:
  virtual ~ReadView() = default;
};

struct PurgeStats {
  uint64_t purged_through = 0;   // the new horizon: a pull from before it must re-sync
  uint64_t changes_deleted = 0;  // superseded log rows removed now
  uint64_t changes_kept = 0;     // log rows left
  size_t devices_counted = 0;    // devices seen in the window whose cursors set the horizon
};

class ServerStore {
 public:
  virtual ~ServerStore() = default;

  // --- identity and clock of the server itself ---
  // The device id the server writes its own changes under (made once, on first open).
  virtual Result<std::string> OwnDeviceId() = 0;
  // The newest HLC the server has persisted (zero on a new store).
  virtual Result<Hlc> LoadClock() = 0;
  // Reserves `count` consecutive device sequences for the server's own writes, atomically even
  // across processes sharing the store; returns the first.
  virtual Result<uint64_t> ReserveOwnDeviceSeqs(uint64_t count) = 0;

  // --- users, enrolment, devices ---
  // AlreadyExists when the name is taken.
  virtual Status AddUser(const UserInfo& user) = 0;
  virtual Result<std::optional<UserInfo>> GetUser(const std::string& name) = 0;
  virtual Status AddEnrollmentCode(const EnrollmentCode& code) = 0;
  // In one transaction: checks the code (PermissionDenied when unknown, used or expired at
  // `now_ms`), marks it used and registers the device with its token hash (replacing an earlier
  // token of the same device and user; AlreadyExists when the device id belongs to another user).
  // Returns the user the code was made for.
  // `device.user_name`, when not empty, must be the code's user, or the enrolment is refused and
  // the code stays unused.
  // `audit` is appended in the same transaction, its actor set to the code's user.
  virtual Result<UserInfo> EnrollDevice(const std::string& code_sha256_hex, int64_t now_ms,
                                        const DeviceInfo& device, const std::string& token_sha256_hex,
                                        const AuditEvent& audit) = 0;
  // The device with that token hash, revoked or not (the caller checks revoked_at_ms).
  virtual Result<std::optional<DeviceInfo>> DeviceByTokenHash(const std::string& token_sha256_hex) = 0;
  // Every enrolled device, ordered by user then device id.
  virtual Result<std::vector<DeviceInfo>> ListDevices() = 0;
  // Revokes the device `device_id`, or when it is empty every device of `user_name`, at `now_ms`:
  // their tokens stop working on the next request; what they synced stays. Devices revoked before
  // keep their first time. Revoking a user also voids the user's unused enrolment codes. Returns
  // how many devices were revoked now.
  virtual Result<size_t> RevokeDevices(const std::string& device_id, const std::string& user_name,
                                       int64_t now_ms) = 0;
  // Failed enrolment attempts, kept to limit guessing (a code is 50 random bits). `client` is the
  // caller's network address; forgets attempts older than a day.
  virtual Status RecordEnrollmentFailure(const std::string& client, int64_t now_ms) = 0;
  // Failures since `since_ms` from `client`, or from anyone when `client` is empty.
  virtual Result<int64_t> CountEnrollmentFailures(const std::string& client, int64_t since_ms) = 0;

  // --- audit log (append-only, hash-chained) ---
  // Appends one entry at `now_ms`, chained to the newest one, atomically even across processes.
  virtual Status AppendAudit(const AuditEvent& event, int64_t now_ms) = 0;
  // Entries with seq > `after_seq`, at most `max`, in order.
  virtual Result<std::vector<AuditEntry>> AuditEntries(uint64_t after_seq, size_t max) = 0;

  // --- changes ---
  // The scope fixed for a record, if the store has seen it.
  virtual Result<std::optional<std::string>> RecordScope(const std::string& type, const std::string& id) = 0;
  // Applies the whole batch in one transaction, in order: a (device id, device seq) seen before with
  // the same content (server/change_digest.h; keys stored before digests were kept are not compared)
  // is kAlreadyHad with its old server_seq, with other content AlreadyExists (the device's store was
  // restored or copied; nothing is applied); otherwise the change is logged with the next server_seq
  // and becomes the field's current value if its (HLC, device id) is larger (S6).
  // In the same transaction, a change that conflicts with the field's current value (S7, S9; the
  // rule is in include/fieldsync/server/conflict.h) makes a conflict record, written as the
  // server's own device (OwnDeviceId, sequences reserved in the transaction, HLCs from `clock`,
  // author `own_author`) and logged like any change, unless that record exists already.
  // `clock.last()` is persisted as the server clock. In the same transaction `audit` is appended
  // to the audit log, its detail followed by one line per change applied now (server_seq, device
  // sequence, field and content digest), unless every change was already had. Nothing is applied
  // on error. A change refused by the store itself (InvalidArgument: it would make its record
  // larger than protocol::kMaxRecordFields or kMaxRecordBytes) sets `*refused_change` (when given) to its
  // 1-based position; otherwise it is set to 0.
  virtual Result<std::vector<ApplyResult>> ApplyChanges(const std::vector<ScopedChange>& changes, HlcClock& clock,
                                                        const std::string& own_author, const AuditEvent& audit,
                                                        size_t* refused_change) = 0;
  // Changes with server_seq > `after` whose scope passes `filter`, at most `max_changes` and about
  // protocol::kMaxPullPageBytes (ApproximateWireSize; at least one change), leaving
  // out those `skip` names. A page reads a bounded number of rows, so one made only of skipped
  // rows may be empty with has_more set: its next_cursor moves past them.
  virtual Result<ChangePage> ChangesAfter(uint64_t after, const ScopeFilter& filter, size_t max_changes,
                                          const SkipOwnChanges& skip) = 0;
  // The newest server_seq (0 on an empty log).
  virtual Result<uint64_t> LastServerSeq() = 0;
  // Current field values after `after` (from the start when nullopt), at most `max_fields`.
  virtual Result<FieldPage> CurrentFields(const std::optional<FieldKey>& after, const ScopeFilter& filter,
                                          size_t max_fields) = 0;

  // --- current state as records (for policy and reports) ---
  virtual Result<std::optional<Record>> GetRecord(const std::string& type, const std::string& id) = 0;
  // Records of `type` whose text `field` equals `value`, not deleted, ordered by id.
  virtual Result<std::vector<Record>> FindRecords(const std::string& type, const std::string& field,
                                                  const std::string& value) = 0;
  // Every record of `type`, not deleted, ordered by id.
  virtual Result<std::vector<Record>> ListRecords(const std::string& type) = 0;
  // FindRecords one bounded page at a time (reports stream large plans): records with id > `after_id`
  // ("" from the start), at most `max` of them (at least 1). The default slices FindRecords, so it
  // is correct for any backend but not bounded; SqliteServerStore overrides it with a bounded query.
  virtual Result<RecordPage> FindRecordsPage(const std::string& type, const std::string& field,
                                             const std::string& value, const std::string& after_id, size_t max);
  // Records of `type` whose id starts with `id_prefix` (an answer's "<unit id>/", a review's
  // "review/answer/<unit id>/"), not deleted, ids after `after_id`, at most `max`, ordered by id.
  // The default filters ListRecords (not bounded); SqliteServerStore overrides it.
  virtual Result<RecordPage> RecordsByIdPrefix(const std::string& type, const std::string& id_prefix,
                                               const std::string& after_id, size_t max);
  // Until the returned view is destroyed, reads through this store see one state: what other
  // connections or processes commit meanwhile is not seen (reports read in many queries). Do not
  // write through the store meanwhile. The default holds nothing; SqliteServerStore opens a read
  // transaction.
  virtual Result<std::unique_ptr<ReadView>> BeginReadView();
  // Conflict records (conflict.h) whose status is "open", or all of them, ordered by id.
  virtual Result<std::vector<Record>> Conflicts(bool include_resolved) = 0;

  // --- history purge (S9, S10) ---
  // Remembers that `device_id` has applied everything up to `cursor`, seen at `now_ms`.
  virtual Status RecordDeviceCursor(const std::string& device_id, uint64_t cursor, int64_t now_ms) = 0;
  // Changes at or before this position may have been purged (0 when never purged).
  virtual Result<uint64_t> PurgedThrough() = 0;
  // In one transaction: horizon = the smallest cursor of the devices seen at or after
  // `active_since_ms` (the newest server_seq when there are none), never less than before;
  // deletes every change-log row at or before it that is no longer its field's current value
  // (superseded history and superseded tombstones); keeps the exactly-once keys (resends stay
  // ALREADY_HAD) and the current state of every field, tombstones included (a late old change
  // never resurrects anything); stores purged_through = horizon.
  virtual Result<PurgeStats> PurgeHistory(int64_t active_since_ms) = 0;
};

// The embedded SQLite backend (server/sqlite_server_store.cc). Opens or creates `path`, upgrading
// its schema; refuses a file written by a newer fieldsync-server.
Result<std::unique_ptr<ServerStore>> OpenSqliteServerStore(const std::string& path);

}  // namespace fieldsync::server
