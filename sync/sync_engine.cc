#include "fieldsync/sync_engine.h"

#include <algorithm>

#include "fieldsync.pb.h"
#include "fieldsync/clock.h"
#include "fieldsync/protocol.h"
#include "fieldsync/wire_codec.h"
#include "protocol_client.h"

namespace fieldsync {
namespace {

// Settings this engine keeps in the device store.
constexpr const char* kServerUrl = "sync.server_url";
constexpr const char* kPinnedCa = "sync.pinned_ca_pem";
constexpr const char* kToken = "sync.device_token";
constexpr const char* kPullCursor = "sync.pull_cursor";
constexpr const char* kSnapshotDone = "sync.snapshot_done";
constexpr const char* kSnapshotToken = "sync.snapshot_page_token";
constexpr const char* kSnapshotAsOf = "sync.snapshot_as_of";
constexpr const char* kScopeFingerprint = "sync.scope_fingerprint";
constexpr const char* kLastSuccessMs = "sync.last_success_ms";
constexpr const char* kLastError = "sync.last_error";
// "1" once the server said it reads grouped pushes (PullResponse.accepts_grouped_push).
constexpr const char* kServerReadsGroups = "sync.server_reads_grouped";
constexpr const char* kServerTakesZstd = "sync.server_takes_zstd";  // "1": compress request bodies
// The most changes per push the server takes, once it refused more (an older server).
constexpr const char* kServerMaxPushChanges = "sync.server_max_push_changes";

Result<std::string> Setting(const DeviceStore& store, const char* key, std::string fallback = "") {
  FS_ASSIGN_OR_RETURN(auto value, store.GetSetting(key));
  return value ? *value : fallback;
}

// Refusals of one named change that the same change would get again however often it is sent: it
// is set aside (DeviceStore::RejectPending) so that the outbox behind it moves. `forbidden` may
// pass once the secretariat assigns the user: such changes go back into the outbox when the user's
// scope changes (Pull) or on `fieldsync outbox --retry-rejected`.
bool IsRefusalOfOneChange(const std::string& code) {
  return code == "invalid_change" || code == "forbidden" || code == "wrong_device";
}

// Refusals of a whole body that name no change but would hit one of its changes again (one that
// does not encode, or is too large): the batch is halved down to the culprit. Not among either:
// 401 (the tablet is not enrolled), clock_ahead (fixed by setting the clock), sequence_reused (a
// restored store, for a person to look at), 426 (update the app), 429 and 5xx (try later).
bool IsRefusalOfSomeChange(const std::string& code) {
  return code == "malformed" || code == "too_large" || code == "too_many_changes";
}

Result<std::vector<Change>> Decode(const google::protobuf::RepeatedPtrField<wire::Change>& changes) {
  std::vector<Change> out;
  out.reserve(static_cast<size_t>(changes.size()));
  for (const auto& w : changes) {
    FS_ASSIGN_OR_RETURN(auto c, wire_codec::FromWire(w));
    out.push_back(std::move(c));
  }
  return out;
}

}  // namespace

// One run of Sync(): the client, the report and the progress callback.
class SyncEngine::Session {
 public:
  Session(DeviceStore& store, HttpTransport& transport, const SyncOptions& options, std::string token,
          std::string device_id)
      : store_(store), options_(options), client_(transport, options, std::move(token)),
        device_id_(std::move(device_id)) {}

  Status Push() {
    size_t full_batch = options_.push_batch_changes;
    FS_ASSIGN_OR_RETURN(std::string server_max, Setting(store_, kServerMaxPushChanges));
    if (server_max == std::to_string(protocol::kMaxChangesPerPushOlderServers)) {
      full_batch = std::min(full_batch, protocol::kMaxChangesPerPushOlderServers);
    }
    size_t batch_changes = full_batch;
    while (true) {
      FS_ASSIGN_OR_RETURN(auto batch, store_.PendingChanges(batch_changes, options_.push_batch_bytes));
      if (batch.empty()) return Status::Ok();
      wire::ChangeSet request;
      request.set_protocol_version(protocol::kVersion);
      request.set_device_id(device_id_);
      FS_ASSIGN_OR_RETURN(std::string grouped, Setting(store_, kServerReadsGroups));
      if (grouped == "1") {
        wire_codec::ToGroup(batch, request.mutable_grouped());
      } else {
        for (const auto& c : batch) wire_codec::ToWire(c, request.add_changes());
      }
      wire::PushResponse response;
      Status pushed = client_.Call(protocol::kPushPath, request, &response);
      if (!pushed.ok() && client_.last_error_code() == "clock_ahead" && !restamped_) {
        // The tablet's clock was ahead when these were written; if it has been corrected since,
        // fresh timestamps get them through. Once per sync: a clock still ahead is reported.
        restamped_ = true;
        FS_RETURN_IF_ERROR(store_.RestampPending());
        continue;
      }
      const std::string& code = client_.last_error_code();
      const size_t named = client_.last_refused_change();
      if (!pushed.ok() && code == "too_many_changes" && batch.size() > protocol::kMaxChangesPerPushOlderServers &&
          batch.size() <= protocol::kMaxChangesPerPush) {
        // An older server (a current one takes this batch): send what it takes from now on, this
        // sync and the next ones, instead of halving down to it (a refused full upload each time) on
        // every sync. A --batch over what current servers take is halved below, as before.
        full_batch = batch_changes = protocol::kMaxChangesPerPushOlderServers;
        FS_RETURN_IF_ERROR(store_.SetSetting(kServerMaxPushChanges, std::to_string(full_batch)));
        continue;
      }
      if (!pushed.ok() && IsRefusalOfOneChange(code) && named >= 1 && named <= batch.size()) {
        // S11: set aside the change the server will not take; the rest goes on.
        FS_RETURN_IF_ERROR(SetAside(batch[named - 1]));
        continue;
      }
      if (!pushed.ok() && IsRefusalOfSomeChange(code)) {
        if (batch.size() > 1) {
          // No change named: halve the batches (the good halves go through) down to the culprit.
          batch_changes = std::max<size_t>(1, batch.size() / 2);
          continue;
        } else {
          FS_RETURN_IF_ERROR(SetAside(batch.front()));
        }
        batch_changes = full_batch;
        continue;
      }
      FS_RETURN_IF_ERROR(pushed);
      if (response.results_size() != static_cast<int>(batch.size())) {
        return Status::Unavailable("the server acknowledged " + std::to_string(response.results_size()) + " of " +
                                   std::to_string(batch.size()) + " changes; the batch will be sent again");
      }
      for (const auto& r : response.results()) {
        if (r.outcome() == wire::ALREADY_HAD) ++report_.already_had;
        else if (r.outcome() != wire::APPLIED) {
          return Status::Internal("the server did not apply change #" + std::to_string(r.device_seq()) + ": " +
                                  r.reason() + "; it stays in the outbox");
        }
      }
      // S3: only now, after the server committed, may the entries leave the outbox.
      FS_RETURN_IF_ERROR(store_.Acknowledge(batch));
      report_.pushed += static_cast<int64_t>(batch.size());
      if (pending_ >= 0) pending_ -= static_cast<int64_t>(batch.size());
      Progress(SyncProgress::Phase::kPush);
    }
  }

  Status SetAside(const Change& change) {
    FS_RETURN_IF_ERROR(store_.RejectPending(change.device_seq, client_.last_error_code(), client_.last_error_message()));
    ++report_.rejected;
    if (pending_ >= 0) --pending_;
    return Status::Ok();
  }

  Status Snapshot() {
    FS_ASSIGN_OR_RETURN(std::string done, Setting(store_, kSnapshotDone));
    if (done == "1") return Status::Ok();
    report_.used_snapshot = true;
    FS_ASSIGN_OR_RETURN(std::string token, Setting(store_, kSnapshotToken));
    FS_ASSIGN_OR_RETURN(std::string as_of, Setting(store_, kSnapshotAsOf));
    FS_ASSIGN_OR_RETURN(std::string scope, Setting(store_, kScopeFingerprint));
    while (true) {
      wire::SnapshotRequest request;
      request.set_protocol_version(protocol::kVersion);
      request.set_page_token(token);
      request.set_max_fields(options_.pull_batch);
      wire::SnapshotResponse response;
      FS_RETURN_IF_ERROR(client_.Call(protocol::kSnapshotPath, request, &response));
      FS_ASSIGN_OR_RETURN(auto fields, Decode(response.fields()));
      // The cursor to pull from afterwards is the server position when the snapshot began, and
      // the scope is the one of the first page: if it changes mid-way, earlier pages may lack
      // records of the new scope, so the snapshot starts over.
      if (as_of.empty()) {
        as_of = std::to_string(response.as_of_server_seq());
        scope = response.scope_fingerprint();
      } else if (response.scope_fingerprint() != scope) {
        token.clear();
        as_of.clear();
        FS_RETURN_IF_ERROR(store_.ApplyRemote({}, {{kSnapshotToken, ""}, {kSnapshotAsOf, ""}}));
        continue;
      }
      token = response.next_page_token();
      DeviceStore::Settings settings = {{kSnapshotToken, token}, {kSnapshotAsOf, as_of}, {kScopeFingerprint, scope}};
      if (token.empty()) {
        settings.push_back({kSnapshotDone, "1"});
        settings.push_back({kPullCursor, as_of});
      }
      FS_RETURN_IF_ERROR(store_.ApplyRemote(fields, settings));
      report_.received += static_cast<int64_t>(fields.size());
      Progress(SyncProgress::Phase::kSnapshot);
      if (token.empty()) return Status::Ok();
    }
  }

  // Pulls to the end. Sets `scope_changed` (applying nothing more) when the server reports that the
  // user's scope differs from the one the snapshot was taken under (changes of a newly assigned
  // visit may lie behind the cursor) or that it purged history this device had not pulled (410
  // resync_required): the caller then takes a fresh snapshot.
  Status Pull(bool* scope_changed) {
    *scope_changed = false;
    FS_ASSIGN_OR_RETURN(std::string known_scope, Setting(store_, kScopeFingerprint));
    FS_ASSIGN_OR_RETURN(std::string cursor_text, Setting(store_, kPullCursor, "0"));
    uint64_t cursor = std::stoull(cursor_text);
    while (true) {
      wire::PullRequest request;
      request.set_protocol_version(protocol::kVersion);
      request.set_after_server_seq(cursor);
      request.set_max_changes(options_.pull_batch);
      FS_ASSIGN_OR_RETURN(uint64_t own_through, store_.LastIssuedSeq());
      request.set_own_changes_through(own_through);
      request.set_accept_grouped(true);
      wire::PullResponse response;
      Status called = client_.Call(protocol::kPullPath, request, &response);
      // Offline longer than the server keeps history, or moved to another scope: take a fresh
      // snapshot. The outbox is untouched and was pushed already.
      if (!called.ok() && client_.last_error_code() != "resync_required") return called;
      if (!called.ok() || response.scope_fingerprint() != known_scope) {
        *scope_changed = true;
        // Changes refused as outside the user's scope may be inside the new one: send them again.
        FS_RETURN_IF_ERROR(store_.RequeueRejected(/*only_code=*/"forbidden").status());
        pending_ = -1;  // counted again at the next progress report
        return store_.ApplyRemote({}, {{kSnapshotDone, "0"}, {kSnapshotToken, ""}, {kSnapshotAsOf, ""}});
      }
      size_t bad_position = 0;
      FS_ASSIGN_OR_RETURN(auto changes, response.has_grouped() ? wire_codec::FromGroup(response.grouped(), &bad_position)
                                                              : Decode(response.changes()));
      if (response.next_cursor() < cursor) {
        return Status::Unavailable("the server sent a cursor behind this device's; sync again later");
      }
      cursor = response.next_cursor();
      DeviceStore::Settings settings = {{kPullCursor, std::to_string(cursor)}};
      if (response.accepts_grouped_push()) settings.push_back({kServerReadsGroups, "1"});
      FS_RETURN_IF_ERROR(store_.ApplyRemote(changes, settings));
      // The server leaves this device's own changes out; an older server sends them: count the team's.
      report_.received += std::count_if(changes.begin(), changes.end(),
                                        [this](const Change& c) { return c.device_id != device_id_; });
      Progress(SyncProgress::Phase::kPull);
      if (!response.has_more()) return Status::Ok();
    }
  }

  void Progress(SyncProgress::Phase phase) {
    if (!options_.on_progress) return;
    SyncProgress p;
    p.phase = phase;
    p.pushed = report_.pushed;
    p.received = report_.received;
    if (pending_ < 0) {
      // Counted once and then kept up to date: count(*) over the outbox for every batch made a
      // large push quadratic.
      auto pending = store_.PendingCount();
      pending_ = pending.ok() ? *pending : -1;
    }
    p.pending = pending_;
    options_.on_progress(p);
  }

  SyncReport Finish() {
    report_.retries = client_.retries();
    return report_;
  }

  ProtocolClient& client() { return client_; }

 private:
  DeviceStore& store_;
  const SyncOptions& options_;
  ProtocolClient client_;
  std::string device_id_;
  SyncReport report_;
  bool restamped_ = false;
  int64_t pending_ = -1;  // outbox entries left, for progress reports; -1 until counted
};

SyncEngine::SyncEngine(DeviceStore& store, HttpTransport& transport, SyncOptions options)
    : store_(store), transport_(transport), options_(std::move(options)) {}

Status SyncEngine::Enroll(const std::string& server_url, const std::string& code, const std::string& device_name,
                          const std::string& pinned_ca_pem) {
  FS_ASSIGN_OR_RETURN(std::string device_id, store_.DeviceId());
  wire::EnrollRequest request;
  request.set_protocol_version(protocol::kVersion);
  request.set_enrollment_code(code);
  request.set_device_id(device_id);
  request.set_device_name(device_name);
  if (auto identity = store_.Identity(); identity.ok()) request.set_expected_user(identity->user_name);
  wire::EnrollResponse response;
  ProtocolClient client(transport_, options_, "");
  FS_RETURN_IF_ERROR(client.Call(protocol::kEnrollPath, request, &response));
  FS_RETURN_IF_ERROR(store_.SetSetting(kServerTakesZstd, client.compress_requests() ? "1" : "0"));
  FS_RETURN_IF_ERROR(store_.Initialize(response.user_name()));
  FS_RETURN_IF_ERROR(store_.SetSetting(kServerUrl, server_url));
  FS_RETURN_IF_ERROR(store_.SetSetting(kPinnedCa, pinned_ca_pem));
  return store_.SetSetting(kToken, response.device_token());
}

Result<SyncReport> SyncEngine::Sync() {
  FS_ASSIGN_OR_RETURN(std::string token, Setting(store_, kToken));
  if (token.empty()) {
    return Status::FailedPrecondition("this tablet is not enrolled; run `fieldsync enroll --server URL --code CODE`");
  }
  FS_ASSIGN_OR_RETURN(auto identity, store_.Identity());
  Session session(store_, transport_, options_, token, identity.device_id);
  FS_ASSIGN_OR_RETURN(const std::string takes_zstd, Setting(store_, kServerTakesZstd));
  session.client().set_compress_requests(takes_zstd == "1");
  Status pushed = session.Push();
  // A push the server refuses for good (a change outside the user's scope, say) must not also cut
  // the tablet off from the team's changes: it still receives, and the refusal is reported.
  const bool refused = !pushed.ok() && pushed.code() != StatusCode::kUnavailable &&
                       pushed.code() != StatusCode::kUnauthenticated && pushed.code() != StatusCode::kIoError;
  Status s = refused ? Status::Ok() : pushed;
  bool scope_changed = true;
  // A second round only when the user's scope changed under the snapshot (see Session::Pull).
  for (int round = 0; s.ok() && scope_changed && round < 2; ++round) {
    s = session.Snapshot();
    if (s.ok()) s = session.Pull(&scope_changed);
  }
  if (s.ok() && scope_changed) s = Status::Unavailable("the server's view of this user keeps changing; sync again");
  if (s.ok() && refused) {
    s = Status(pushed.code(), pushed.message() + " (changes from the team were still received)");
  }
  // What this session learned about compression holds for the next one.
  const char* learned = session.client().compress_requests() ? "1" : "0";
  if (takes_zstd != learned) (void)store_.SetSetting(kServerTakesZstd, learned);
  if (!s.ok()) {
    (void)store_.SetSetting(kLastError, s.message());
    return s;
  }
  session.Progress(SyncProgress::Phase::kDone);
  FS_RETURN_IF_ERROR(store_.SetSetting(kLastError, ""));
  FS_RETURN_IF_ERROR(store_.SetSetting(kLastSuccessMs, std::to_string(SystemClock::Default().NowMillis())));
  return session.Finish();
}

Result<std::string> SyncEngine::ServerUrl(const DeviceStore& store) {
  FS_ASSIGN_OR_RETURN(std::string url, Setting(store, kServerUrl));
  if (url.empty()) {
    return Status::FailedPrecondition("this tablet is not enrolled; run `fieldsync enroll --server URL --code CODE`");
  }
  return url;
}

Result<std::string> SyncEngine::PinnedCaPem(const DeviceStore& store) { return Setting(store, kPinnedCa); }

Result<SyncStatus> SyncEngine::ReadStatus(const DeviceStore& store) {
  SyncStatus status;
  FS_ASSIGN_OR_RETURN(status.server_url, Setting(store, kServerUrl));
  FS_ASSIGN_OR_RETURN(std::string token, Setting(store, kToken));
  status.enrolled = !token.empty();
  auto identity = store.Identity();
  if (identity.ok()) status.user_name = identity->user_name;
  FS_ASSIGN_OR_RETURN(status.pending, store.PendingCount());
  FS_ASSIGN_OR_RETURN(status.rejected, store.RejectedCount());
  FS_ASSIGN_OR_RETURN(std::string last_ms, Setting(store, kLastSuccessMs));
  if (!last_ms.empty()) {
    std::string iso = Hlc{std::stoll(last_ms), 0}.ToString();
    status.last_success = iso.substr(0, iso.find('+'));
  }
  FS_ASSIGN_OR_RETURN(status.last_error, Setting(store, kLastError));
  FS_ASSIGN_OR_RETURN(std::string cursor, Setting(store, kPullCursor, "0"));
  status.cursor = std::stoull(cursor);
  return status;
}

}  // namespace fieldsync
