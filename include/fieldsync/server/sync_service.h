// SyncService: the central server's logic, independent of HTTP. It authenticates device tokens,
// enrols devices with one-time codes, accepts pushes (validating the whole batch first: device,
// text, role and scope, clock drift; then applying it in one transaction), answers pulls and
// snapshots limited to what the user may see, and runs the admin operations of the
// `fieldsync-server` command line (users, plan import, assignments, enrolment codes, the merged
// answers of a plan).
//
// Errors are Status codes the HTTP layer maps to answers (request_router.cc):
//   kUnauthenticated -> 401, kPermissionDenied -> 403 (scope, role, wrong device, bad enrolment
//   code), kInvalidArgument -> 400 (invalid change, bad page token), kFailedPrecondition -> 400
//   clock_ahead on push (a timestamp beyond the drift bound, S8) and 410 resync_required on pull
//   (the cursor is older than the purged history), kNotFound -> 404, kAlreadyExists -> 409
//   (device_taken on enrolment; sequence_reused on push: a device sequence the server holds with
//   other content, from a restored or copied tablet store), a store busy -> 503, any other
//   failure -> 500.
// Every message says what to do.
//
// Thread-safe: every public method takes one mutex, so the store is used by one thread at a time.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "fieldsync/change.h"
#include "fieldsync/clock.h"
#include "fieldsync/domain.h"
#include "fieldsync/hlc.h"
#include "fieldsync/server/review.h"
#include "fieldsync/server/server_store.h"
#include "fieldsync/status.h"

namespace fieldsync::server {

struct SyncServiceOptions {
  int64_t max_forward_drift_ms = HlcClock::kDefaultMaxDriftMs;
  Clock* clock = nullptr;  // not owned; SystemClock::Default() when null
  // Author recorded on the server's own writes (plan import, assignments).
  std::string own_author = "fieldsync-server";
  int64_t enrollment_code_validity_ms = 7LL * 24 * 60 * 60 * 1000;
  // Who runs the admin commands, as the audit log names them ("admin" when unknown).
  std::string operator_name = "admin";
  // Enrolment guessing limits (failed attempts in the window): per network address, and in all.
  int64_t enrollment_failure_window_ms = 15LL * 60 * 1000;
  int64_t max_enrollment_failures_per_client = 10;
  int64_t max_enrollment_failures_total = 200;
};

// An authenticated device: who is calling.
struct Session {
  std::string device_id;
  std::string user_name;
  domain::Role role = domain::Role::kMember;
};

struct EnrollResult {
  std::string device_token;  // shown once; the store keeps only its SHA-256
  std::string user_name;
  domain::Role role = domain::Role::kMember;
};

struct PushResult {
  std::vector<ApplyResult> results;  // in request order
};

struct PullResult {
  std::vector<Change> changes;
  uint64_t next_cursor = 0;
  bool has_more = false;
  std::string scope_fingerprint;
};

struct SnapshotResult {
  std::vector<Change> fields;
  uint64_t as_of_server_seq = 0;
  std::string next_page_token;  // empty on the last page
  std::string scope_fingerprint;
};

// One checklist item of one unit as the server has it now.
struct MergedItem {
  domain::ChecklistItem item;
  bool answered = false;
  domain::Findings findings;  // rating holds the code ("chua_dat"); empty parts are unanswered
  std::string last_author;    // who made the newest edit of any part
  Hlc last_edit;              // when
  domain::ReviewState review;  // received / needs changes / approved (include/fieldsync/review.h)
};

struct MergedUnit {
  domain::Unit unit;
  domain::Visit visit;
  std::vector<MergedItem> items;  // in template order
};

struct MergedPlan {
  domain::Plan plan;
  std::vector<MergedUnit> units;  // by visit, superior unit first
};

// One side of a conflict (conflict.h).
struct ConflictValue {
  Value value;           // monostate when deleted
  bool deleted = false;  // a tombstone, or (edit_on_deleted winner) the record's deletion
  std::string author;
  std::string device;
  Hlc hlc;
};

// A conflict record as people read it, with the records it is about.
struct ConflictInfo {
  std::string id;  // "conflict/<device>/<seq>"
  std::string kind;    // conflict::kKindConcurrentEdit or kKindEditOnDeleted
  std::string status;  // "open" or "resolved"
  std::string record_type, record_id, field;
  std::string visit_id, unit_id, item_id;
  ConflictValue winner, loser;
  std::string resolved_by, resolution;
  Hlc recorded;  // when the server recorded it
  // Context, empty when the records are unknown:
  std::string plan_code;
  domain::Visit visit;
  domain::Unit unit;
  domain::ChecklistItem item;
};

enum class ConflictChoice { kKeepWinner, kKeepLoser, kValue };

// The audit log's chain, checked from the first entry (audit_chain.h).
struct AuditCheck {
  bool intact = true;
  uint64_t entries = 0;
  std::string head_sha256;  // the newest entry's hash: keep a copy elsewhere to detect truncation
  std::string problem;      // where the chain breaks, when it does
};

struct PurgeResult {
  uint64_t purged_through = 0;   // pulls from before this get 410 resync_required
  uint64_t changes_deleted = 0;
  uint64_t changes_kept = 0;
  size_t devices_counted = 0;    // devices seen within the retention window
};

class SyncService {
 public:
  // Opens (creating if needed) the SQLite store at `db_path`. Used by the HTTP server and by the
  // admin command line, which may open the same file while a server runs.
  static Result<std::unique_ptr<SyncService>> Open(const std::string& db_path, SyncServiceOptions options = {});
  // Over any ServerStore backend.
  static Result<std::unique_ptr<SyncService>> Create(std::unique_ptr<ServerStore> store,
                                                     SyncServiceOptions options = {});
  ~SyncService();

  // --- device API (what the HTTP endpoints call) ---
  // Unauthenticated for an empty or unknown token.
  Result<Session> Authenticate(const std::string& bearer_token);
  // Unauthenticated also for a revoked device's token.
  // PermissionDenied for a wrong, used or expired code.
  // `expected_user`, when not empty, is the user the tablet's store already belongs to: a code
  // for anyone else is refused (PermissionDenied) without being used up.
  // `client` is the caller's network address. ResourceExhausted (HTTP 429) without looking at the
  // code once it, or everyone together, failed too often within the window (options).
  Result<EnrollResult> Enroll(const std::string& code, const std::string& device_id, const std::string& device_name,
                              const std::string& expected_user = "", const std::string& client = "");
  // PermissionDenied unless `batch_device_id` and every change's device id are the session's device.
  Status CheckDevice(const Session& session, const std::string& batch_device_id, const std::vector<Change>& changes);
  // On a refusal caused by one change (invalid, out of scope or role, clock ahead), sets
  // `*refused_change` to its 1-based position in `changes` (0 when the batch as a whole is refused).
  Result<PushResult> Push(const Session& session, const std::string& batch_device_id, std::vector<Change> changes,
                          size_t* refused_change = nullptr);
  // max_changes 0 means the default; capped at protocol::kMaxPullBatch. Records the device's
  // cursor (after_server_seq) for Purge. FailedPrecondition (HTTP 410 resync_required) when
  // after_server_seq is older than the purged history: the device takes a fresh snapshot, then
  // pulls from its as_of; its outbox pushes as usual (pushes are never affected by a purge).
  // The session device's own changes with a device sequence up to `own_changes_through` are left
  // out (PullRequest.own_changes_through; 0 sends them all).
  Result<PullResult> Pull(const Session& session, uint64_t after_server_seq, uint32_t max_changes,
                          uint64_t own_changes_through = 0);
  // page_token empty starts a snapshot; max_fields 0 means the default (the cap). Pages include
  // tombstoned fields (as tombstone changes), so a device learns deletions. The last page records
  // as_of_server_seq as the device's cursor for Purge.
  Result<SnapshotResult> Snapshot(const Session& session, const std::string& page_token, uint32_t max_fields);
  // A fresh server timestamp for the X-Fieldsync-Server-Hlc header and server_hlc fields.
  Hlc ServerHlc();
  // The latest timestamp ServerHlc handed out, without waiting for the service's lock: for answers
  // given when the server is too busy to wait (503). Never ahead of the server's clock, so a
  // tablet merging it stays correct (S8).
  Hlc LastServerHlc() const { return Hlc::Unpack(last_server_hlc_.load(std::memory_order_relaxed)); }

  // --- admin API (the command line and tests) ---
  Status AddUser(const std::string& name, domain::Role role, const std::string& full_name);
  // Writes every field of the plan that differs from the current state as the server's own
  // changes, through the same apply path as pushes, so devices pull them. Returns how many changes
  // it wrote (0 when the plan is already there).
  Result<size_t> ImportPlan(const domain::PlanData& plan);
  // Assigns the user (through the member record of the visit's plan whose user_name matches) to the
  // visit with that code. Returns the assignment id (the existing one when already assigned).
  Result<std::string> Assign(const std::string& user_name, const std::string& visit_code);
  // A one-time code for `fieldsync sync enroll`, valid for options.enrollment_code_validity_ms.
  // Format "ABCDE-FGHJK" (Crockford base32); case, dashes and spaces are ignored when entered.
  Result<std::string> CreateEnrollmentCode(const std::string& user_name);
  Result<MergedPlan> MergedAnswers(const std::string& plan_code);

  // --- lost tablets and the audit log ---
  Result<std::vector<DeviceInfo>> Devices();
  // Revokes one device (`device_id`), or every device of `user_name` when device_id is empty; a
  // revoked token is refused (401) from its next request on, and what it synced stays. NotFound
  // when nothing matched. Enrolling the tablet again with a new code gives it a new token.
  Result<size_t> RevokeDevices(const std::string& device_id, const std::string& user_name);
  // Audit entries after `after_seq`, at most `max`.
  Result<std::vector<AuditEntry>> AuditEntries(uint64_t after_seq, size_t max);
  // Reads the whole log in pages and checks every link, and, when `anchor_seq` > 0, that entry
  // `anchor_seq` still has the hash `anchor_sha256` written down earlier (a head printed by a
  // previous verify): only that shows a log rewritten with recomputed hashes, or cut short.
  Result<AuditCheck> VerifyAudit(uint64_t anchor_seq = 0, const std::string& anchor_sha256 = "");

  // --- history purge (S9, S10) ---
  // Deletes superseded history that every device seen within `retention_days` has pulled (see
  // ServerStore::PurgeHistory); a device away longer must re-sync (410 on its next pull).
  // InvalidArgument unless retention_days > 0.
  Result<PurgeResult> Purge(int64_t retention_days);

  // --- conflicts (S7) ---
  // Open conflicts (all when `include_resolved`), of the plan with that code when not empty
  // (NotFound for an unknown code), ordered by id.
  Result<std::vector<ConflictInfo>> Conflicts(const std::string& plan_code, bool include_resolved);
  // Resolves a conflict as the server's own device: writes the chosen value to the contested field
  // (the winner's, the loser's, or `text` for kValue; nothing when the field already holds it; an
  // edit_on_deleted conflict resolved with the loser's value or a text also undeletes the record
  // with `_deleted` = false), then status "resolved", resolved_by (options.own_author),
  // resolution ("kept_winner", "kept_loser", "merged"), resolved_value and resolved_hlc.
  // NotFound for an unknown id, FailedPrecondition when it is resolved already.
  // `acting_user`, when not empty, is who resolves it (the dashboard's logged-in leader, whose
  // right the caller has checked): resolved_by, the changes' author and the audit entries name them.
  Result<ConflictInfo> ResolveConflict(const std::string& conflict_id, ConflictChoice choice,
                                       const std::string& text = "", const std::string& acting_user = "");

  // --- review (include/fieldsync/server/review.h, include/fieldsync/review.h) ---
  // Sets the review of an answer or a conclusion as `acting_user`, who must be allowed to write it
  // exactly as a tablet push would be (the secretariat, or the leader or deputy of the target's
  // visit; PermissionDenied otherwise). Written as the server's own change with author
  // `acting_user` (fields that already hold the value are not written again), so every tablet of
  // the visit pulls it; records the stamps of the target's parts it decides on. The role and scope
  // are checked before the target: a unit or visit outside the visits the user reviews in is
  // refused (PermissionDenied, listing only their own codes) whether it exists or not, and never
  // reaches "no answer yet". NotFound for an unknown plan, user or item, and for an unknown unit or
  // visit when the user reviews in every visit of the plan; FailedPrecondition when there is no
  // answer or conclusion to review yet; InvalidArgument for a comment that is not valid UTF-8 or
  // too long.
  Result<ReviewInfo> SetReview(const std::string& acting_user, const ReviewTarget& target,
                               domain::ReviewStatus status, const std::string& comment);
  // Every checklist item of every unit of the plan (of one unit when `unit_code` is not empty),
  // answered or not, then every visit's conclusion (of that unit's visit), with their review states;
  // in report order (visit date, superior unit first, item position). NotFound for an unknown code.
  Result<std::vector<ReviewInfo>> Reviews(const std::string& plan_code, const std::string& unit_code = "");

  // Runs `read` on the store under the service's lock (reports, include/fieldsync/report/report.h):
  // nothing writes meanwhile, so a report is one consistent state. Keep it to reading.
  Status ReadStore(const std::function<Status(ServerStore&)>& read);

  // The device id the server's own writes carry.
  const std::string& own_device_id() const { return own_device_id_; }

 private:
  SyncService(std::unique_ptr<ServerStore> store, SyncServiceOptions options);
  Status Load();
  // Validates, scopes and applies one batch; the caller holds mu_.
  Result<PushResult> PushLocked(const Session& session, std::vector<Change> changes, size_t* refused_change);
  // Writes as the server's own device, logging `audit`; the caller holds mu_. `author` names who
  // the changes are from (options.own_author when empty).
  Result<size_t> WriteOwnLocked(std::vector<FieldWrite> writes, const AuditEvent& audit,
                                const std::string& author = "");
  // An audit entry for an admin action; the caller holds mu_.
  Status AuditAdmin(const std::string& action, const std::string& detail);
  // Enrolment limits (Enroll); the caller holds mu_.
  Status CheckEnrollmentAttempts(const std::string& client, int64_t now);
  // A conflict record with its context; the caller holds mu_.
  Result<ConflictInfo> ConflictInfoLocked(const Record& record);

  std::mutex mu_;
  std::unique_ptr<ServerStore> store_;
  SyncServiceOptions options_;
  Clock* wall_;
  HlcClock clock_;
  std::atomic<uint64_t> last_server_hlc_{0};  // see LastServerHlc
  std::string own_device_id_;
};

}  // namespace fieldsync::server
