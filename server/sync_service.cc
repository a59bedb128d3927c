// SyncService: the device-facing half (authentication, enrolment, push, pull, snapshot).
// The admin half is in sync_admin.cc.
#include "fieldsync/server/sync_service.h"

#include <algorithm>

#include "access_policy.h"
#include "change_validation.h"
#include "crypto.h"
#include "fieldsync/protocol.h"
#include "fieldsync/server/conflict.h"
#include "fieldsync/server/scope.h"
#include "fieldsync/text.h"
#include "page_token.h"
#include "scope_resolver.h"
#include "user_access.h"

namespace fieldsync::server {

SyncService::SyncService(std::unique_ptr<ServerStore> store, SyncServiceOptions options)
    : store_(std::move(store)),
      options_(std::move(options)),
      wall_(options_.clock ? options_.clock : &SystemClock::Default()),
      clock_(*wall_, Hlc{}, options_.max_forward_drift_ms) {}

SyncService::~SyncService() = default;

Result<std::unique_ptr<SyncService>> SyncService::Open(const std::string& db_path, SyncServiceOptions options) {
  FS_ASSIGN_OR_RETURN(auto store, OpenSqliteServerStore(db_path));
  return Create(std::move(store), std::move(options));
}

Result<std::unique_ptr<SyncService>> SyncService::Create(std::unique_ptr<ServerStore> store,
                                                         SyncServiceOptions options) {
  if (!store) return Status::InvalidArgument("SyncService::Create needs a store");
  std::unique_ptr<SyncService> service(new SyncService(std::move(store), std::move(options)));
  FS_RETURN_IF_ERROR(service->Load());
  return service;
}

Status SyncService::Load() {
  FS_ASSIGN_OR_RETURN(own_device_id_, store_->OwnDeviceId());
  FS_ASSIGN_OR_RETURN(Hlc last, store_->LoadClock());
  clock_.Merge(last);
  last_server_hlc_.store(clock_.last().Pack(), std::memory_order_relaxed);
  return Status::Ok();
}

Hlc SyncService::ServerHlc() {
  std::lock_guard lock(mu_);
  const Hlc now = clock_.Now();
  last_server_hlc_.store(now.Pack(), std::memory_order_relaxed);
  return now;
}

Result<Session> SyncService::Authenticate(const std::string& bearer_token) {
  std::lock_guard lock(mu_);
  if (bearer_token.empty()) {
    return Status::Unauthenticated("this request has no device token; enrol the tablet with a code from the "
                                   "secretariat (fieldsync sync enroll)");
  }
  FS_ASSIGN_OR_RETURN(auto device, store_->DeviceByTokenHash(Sha256Hex(bearer_token)));
  if (!device) {
    return Status::Unauthenticated("the server does not know this device token; enrol the tablet again with a new "
                                   "code from the secretariat");
  }
  if (device->revoked_at_ms != 0) {
    return Status::Unauthenticated("this tablet (" + device->device_id + ") was cut off by the secretariat on " +
                                   Hlc{device->revoked_at_ms, 0}.ToString().substr(0, 10) +
                                   "; what it synced is kept on the server. If it is yours and was found, ask the "
                                   "secretariat for a new enrolment code (fieldsync enroll)");
  }
  FS_ASSIGN_OR_RETURN(auto user, store_->GetUser(device->user_name));
  if (!user) return Status::Unauthenticated("the user of this device no longer exists; enrol the tablet again");
  return Session{device->device_id, user->name, user->role};
}

Status SyncService::CheckEnrollmentAttempts(const std::string& client, int64_t now) {
  const int64_t since = now - options_.enrollment_failure_window_ms;
  const std::string wait = "; wait " + std::to_string(options_.enrollment_failure_window_ms / 60000) +
                           " minutes and check the code with the secretariat";
  FS_ASSIGN_OR_RETURN(int64_t mine, store_->CountEnrollmentFailures(client, since));
  if (mine >= options_.max_enrollment_failures_per_client) {
    return Status::ResourceExhausted("too many wrong enrolment codes from this address" + wait);
  }
  FS_ASSIGN_OR_RETURN(int64_t all, store_->CountEnrollmentFailures("", since));
  if (all >= options_.max_enrollment_failures_total) {
    return Status::ResourceExhausted("too many wrong enrolment codes on this server just now" + wait);
  }
  return Status::Ok();
}

Result<EnrollResult> SyncService::Enroll(const std::string& code, const std::string& device_id,
                                         const std::string& device_name, const std::string& expected_user,
                                         const std::string& caller_address) {
  std::lock_guard lock(mu_);
  const int64_t now = wall_->NowMillis();
  // Callers whose address is unknown (in-process transports) share one budget.
  const std::string client = caller_address.empty() ? "(unknown address)" : caller_address;
  FS_RETURN_IF_ERROR(CheckEnrollmentAttempts(client, now));
  if (device_id.empty() || device_id.size() > kMaxNameBytes) {
    return Status::InvalidArgument("enrolment needs the tablet's device id (at most 1024 bytes)");
  }
  FS_ASSIGN_OR_RETURN(std::string id, NormalizeText(device_id, "device id"));
  FS_ASSIGN_OR_RETURN(std::string name, NormalizeText(device_name, "device name"));
  if (id.starts_with("server-")) return Status::InvalidArgument("device ids starting with 'server-' are reserved");
  std::string canonical = CanonicalEnrollmentCode(code);
  if (canonical.empty()) {
    return Status::PermissionDenied("no enrolment code given; ask the secretariat for one "
                                    "(fieldsync-server enroll-code --user NAME)");
  }
  FS_ASSIGN_OR_RETURN(std::string token, RandomHex(32));
  const AuditEvent audit{"", id, "enroll", "device name '" + name + "' from " + client};
  auto user = store_->EnrollDevice(Sha256Hex(canonical), now, DeviceInfo{id, expected_user, name, now},
                                   Sha256Hex(token), audit);
  if (!user.ok()) {
    if (user.status().code() == StatusCode::kPermissionDenied) {
      FS_RETURN_IF_ERROR(store_->RecordEnrollmentFailure(client, now));
      FS_RETURN_IF_ERROR(store_->AppendAudit(AuditEvent{"", id, "enroll_refused", "from " + client + ": " +
                                                        user.status().message()}, now));
    }
    return user.status();
  }
  return EnrollResult{std::move(token), user->name, user->role};
}

Status SyncService::CheckDevice(const Session& session, const std::string& batch_device_id,
                                const std::vector<Change>& changes) {
  if (batch_device_id != session.device_id) {
    return Status::PermissionDenied("this push is from device '" + batch_device_id + "' but the token is for device '" +
                                    session.device_id + "'; each tablet must use its own token");
  }
  for (size_t i = 0; i < changes.size(); ++i) {
    if (changes[i].device_id != session.device_id) {
      return Status::PermissionDenied(ChangeLabel(changes[i], i) + " was made on device '" + changes[i].device_id +
                                      "', not on the pushing device '" + session.device_id +
                                      "'; a tablet pushes only its own changes");
    }
  }
  return Status::Ok();
}

Result<PushResult> SyncService::Push(const Session& session, const std::string& batch_device_id,
                                     std::vector<Change> changes, size_t* refused_change) {
  std::lock_guard lock(mu_);
  size_t ignored = 0;
  if (!refused_change) refused_change = &ignored;
  *refused_change = 0;
  if (batch_device_id != session.device_id) return CheckDevice(session, batch_device_id, {});
  for (size_t i = 0; i < changes.size(); ++i) {
    if (changes[i].device_id != session.device_id) {
      *refused_change = i + 1;
      return CheckDevice(session, batch_device_id, changes);  // names change i
    }
  }
  return PushLocked(session, std::move(changes), refused_change);
}

Result<PushResult> SyncService::PushLocked(const Session& session, std::vector<Change> changes,
                                           size_t* refused_change) {
  // A refusal caused by change i names it, so that the tablet can set that one aside.
  auto refuse = [refused_change](size_t i, Status s) {
    *refused_change = i + 1;
    return s;
  };
  if (changes.size() > protocol::kMaxChangesPerPush) {
    return Status::InvalidArgument("a push may carry at most " + std::to_string(protocol::kMaxChangesPerPush) +
                                   " changes; send smaller batches");
  }
  // 1. Every change well-formed (S11).
  for (size_t i = 0; i < changes.size(); ++i) {
    Change& c = changes[i];
    if (Status s = ValidateChange(c, i); !s.ok()) return refuse(i, s);
    if (c.author.empty()) c.author = session.user_name;
    if (c.author != session.user_name) {
      return refuse(i, Status::PermissionDenied(ChangeLabel(c, i) + " names author '" + c.author + "' but the tablet is " +
                                      "enrolled for '" + session.user_name + "'; a tablet pushes only its user's edits"));
    }
  }
  // 2. Every change within the user's role and scope (S12).
  FS_ASSIGN_OR_RETURN(UserAccess access, LoadUserAccess(*store_, session));
  ScopeResolver resolver(*store_, changes, session.role == domain::Role::kSecretariat);
  std::vector<ScopedChange> scoped;
  scoped.reserve(changes.size());
  for (size_t i = 0; i < changes.size(); ++i) {
    auto scope = resolver.ScopeOf(changes[i].record_type, changes[i].record_id);
    if (!scope.ok() && changes[i].record_type == conflict::kType) {
      // A member: 403 first.
      if (Status s = CheckWrite(session, access, changes[i], "", i); !s.ok()) return refuse(i, s);
    }
    if (!scope.ok() && scope.status().code() == StatusCode::kInvalidArgument) {
      return refuse(i, Status::InvalidArgument(ChangeLabel(changes[i], i) + ": " + scope.status().message()));
    }
    if (!scope.ok()) return scope.status();  // the store failed: an error, not a refusal
    if (Status s = CheckWrite(session, access, changes[i], *scope, i); !s.ok()) return refuse(i, s);
    if (Status s = resolver.CheckAnswerReferences(changes[i], *scope); !s.ok()) {
      return refuse(i, Status::InvalidArgument(ChangeLabel(changes[i], i) + ": " + s.message()));
    }
    scoped.push_back(ScopedChange{std::move(changes[i]), std::move(scope).value()});
  }
  // 3. No timestamp beyond the drift bound (S8); fold the rest into a copy of the clock that is
  //    kept only if the batch commits.
  FS_ASSIGN_OR_RETURN(Hlc stored, store_->LoadClock());  // another process may have written
  clock_.Merge(stored);
  HlcClock next = clock_;
  for (size_t i = 0; i < scoped.size(); ++i) {
    Status s = next.Observe(scoped[i].change.hlc);
    if (!s.ok()) {
      return refuse(i, Status::FailedPrecondition(ChangeLabel(scoped[i].change, i) + " is stamped " +
                                        scoped[i].change.hlc.ToString() + ", more than " +
                                        std::to_string(options_.max_forward_drift_ms / 1000) +
                                        " s ahead of the server's clock; set the tablet's date and time "
                                        "correctly (automatic time), then sync again"));
    }
  }
  // 4. Apply all in one transaction; answer only after commit (S3).
  const AuditEvent audit{session.user_name, session.device_id, "push",
                         std::to_string(scoped.size()) + " changes sent"};
  FS_ASSIGN_OR_RETURN(auto results, store_->ApplyChanges(scoped, next, options_.own_author, audit, refused_change));
  clock_ = next;
  return PushResult{std::move(results)};
}

Result<PullResult> SyncService::Pull(const Session& session, uint64_t after_server_seq, uint32_t max_changes,
                                     uint64_t own_changes_through) {
  std::lock_guard lock(mu_);
  uint32_t limit = max_changes == 0 ? protocol::kDefaultPullBatch : std::min(max_changes, protocol::kMaxPullBatch);
  FS_ASSIGN_OR_RETURN(uint64_t purged, store_->PurgedThrough());
  if (after_server_seq < purged) {
    return Status::FailedPrecondition(
        "this tablet has not synced since before the server cleaned up its history (position " +
        std::to_string(after_server_seq) + ", history kept from " + std::to_string(purged) +
        "); re-sync the tablet's state from the server (a fresh snapshot) — its unsent changes are kept and "
        "sent as usual");
  }
  FS_RETURN_IF_ERROR(store_->RecordDeviceCursor(session.device_id, after_server_seq, wall_->NowMillis()));
  FS_ASSIGN_OR_RETURN(UserAccess access, LoadUserAccess(*store_, session));
  const ScopeFilter& visible = access.visible;
  FS_ASSIGN_OR_RETURN(auto page, store_->ChangesAfter(after_server_seq, visible, limit,
                                                       SkipOwnChanges{session.device_id, own_changes_through}));
  return PullResult{std::move(page.changes), page.next_cursor, page.has_more, visible.Fingerprint()};
}

Result<SnapshotResult> SyncService::Snapshot(const Session& session, const std::string& page_token,
                                             uint32_t max_fields) {
  std::lock_guard lock(mu_);
  uint32_t limit = max_fields == 0 ? protocol::kMaxSnapshotPage : std::min(max_fields, protocol::kMaxSnapshotPage);
  SnapshotCursor cursor;
  std::optional<FieldKey> after;
  if (page_token.empty()) {
    FS_ASSIGN_OR_RETURN(cursor.as_of_server_seq, store_->LastServerSeq());
  } else {
    FS_ASSIGN_OR_RETURN(cursor, DecodePageToken(page_token));
    after = cursor.after;
  }
  FS_ASSIGN_OR_RETURN(UserAccess access, LoadUserAccess(*store_, session));
  const ScopeFilter& visible = access.visible;
  FS_ASSIGN_OR_RETURN(auto page, store_->CurrentFields(after, visible, limit));
  SnapshotResult result{std::move(page.fields), cursor.as_of_server_seq, "", visible.Fingerprint()};
  if (page.next) {
    result.next_page_token = EncodePageToken(SnapshotCursor{cursor.as_of_server_seq, *page.next});
  } else {
    FS_RETURN_IF_ERROR(store_->RecordDeviceCursor(session.device_id, cursor.as_of_server_seq, wall_->NowMillis()));
  }
  return result;
}

Result<PurgeResult> SyncService::Purge(int64_t retention_days) {
  std::lock_guard lock(mu_);
  if (retention_days <= 0) return Status::InvalidArgument("--retention-days must be a positive number of days");
  const int64_t window_ms = retention_days * 24 * 60 * 60 * 1000;
  FS_ASSIGN_OR_RETURN(PurgeStats stats, store_->PurgeHistory(wall_->NowMillis() - window_ms));
  FS_RETURN_IF_ERROR(AuditAdmin("purge", "retention " + std::to_string(retention_days) + " days: through #" +
                                             std::to_string(stats.purged_through) + ", " +
                                             std::to_string(stats.changes_deleted) + " changes deleted"));
  return PurgeResult{stats.purged_through, stats.changes_deleted, stats.changes_kept, stats.devices_counted};
}

}  // namespace fieldsync::server
