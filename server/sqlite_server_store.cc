// SqliteServerStore: ServerStore on one SQLite file (WAL, so the admin command line can open the
// file while the server runs). Schema in server_schema.cc. Not thread-safe.
#include <algorithm>
#include <chrono>
#include <queue>
#include <set>

#include "access_policy.h"
#include "applied_keys.h"
#include "change_runs.h"
#include "change_digest.h"
#include "conflict_policy.h"
#include "fieldsync/server/conflict.h"
#include "fieldsync/server/server_store.h"
#include "fieldsync/protocol.h"
#include "fieldsync/sqlite_db.h"
#include "fieldsync/uuid.h"
#include "fieldsync/wal_checkpointer.h"
#include "record_batch.h"
#include "record_pages.h"
#include "record_state.h"
#include "server_schema.h"
#include "sqlite_security_tables.h"

namespace fieldsync::server {
namespace {

constexpr const char* kMetaOwnDevice = "own_device_id";
constexpr const char* kMetaLastHlc = "last_hlc";
constexpr const char* kMetaNextOwnSeq = "next_own_seq";
constexpr const char* kMetaPurgedThrough = "purged_through";

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

int64_t I(uint64_t v) { return static_cast<int64_t>(v); }
uint64_t U(int64_t v) { return static_cast<uint64_t>(v); }

// One audit line per applied change: "#<server_seq> <device_seq> <type>/<id>.<field> <digest>".
void AppendAuditLine(std::string& detail, const Change& c, uint64_t server_seq, const std::string& digest) {
  if (!detail.empty()) detail += '\n';
  detail += "#" + std::to_string(server_seq) + " " + std::to_string(c.device_seq) + " " + c.record_type + "/" +
            c.record_id + "." + c.field + " " + digest.substr(0, 16);
}


class SqliteServerStore final : public ServerStore {
 public:
  explicit SqliteServerStore(std::unique_ptr<sql::Database> db) : db_(std::move(db)) {}

  void StartCheckpointer(int threshold_pages) { checkpointer_ = sql::WalCheckpointer::Start(*db_, threshold_pages); }

  Status Load() {
    FS_RETURN_IF_ERROR(UpgradeServerSchema(*db_));
    FS_ASSIGN_OR_RETURN(meta_, sql::MetaTable::Open(*db_));
    FS_ASSIGN_OR_RETURN(security_, SqliteSecurityTables::Open(*db_));
    FS_ASSIGN_OR_RETURN(log_, ChangeRuns::Open(*db_));
    FS_ASSIGN_OR_RETURN(keys_, AppliedKeys::Open(*db_, *log_));
    FS_ASSIGN_OR_RETURN(states_, RecordStates::Open(*db_));
    // The server's own device id, made once; INSERT OR IGNORE keeps the first one if two
    // processes race on a new file.
    FS_ASSIGN_OR_RETURN(auto own, Meta(kMetaOwnDevice));
    if (!own) {
      FS_ASSIGN_OR_RETURN(auto ins, db_->Prepare("INSERT OR IGNORE INTO meta (key, value) VALUES (?, ?)"));
      ins->Bind(1, kMetaOwnDevice).Bind(2, "server-" + NewUuid());
      FS_RETURN_IF_ERROR(ins->Run());
    }
    return Status::Ok();
  }

  Result<std::optional<std::string>> Meta(const std::string& key) { return meta_->Get(key); }
  Status PutMeta(const std::string& key, const std::string& value) { return meta_->Put(key, value); }

  Result<std::string> OwnDeviceId() override {
    FS_ASSIGN_OR_RETURN(auto id, Meta(kMetaOwnDevice));
    if (!id) return Status::Corruption(db_->path() + " has no server device id; restore it from a backup");
    return *id;
  }

  Result<Hlc> LoadClock() override {
    FS_ASSIGN_OR_RETURN(auto last, Meta(kMetaLastHlc));
    return last ? Hlc::Unpack(std::stoull(*last)) : Hlc{};
  }

  // Keeps the larger of the stored and the given clock (another process may have moved it on).
  Status SaveClock(Hlc clock) {
    FS_ASSIGN_OR_RETURN(Hlc stored, LoadClock());
    if (stored >= clock) return Status::Ok();
    return PutMeta(kMetaLastHlc, std::to_string(clock.Pack()));
  }

  Result<uint64_t> ReserveOwnDeviceSeqs(uint64_t count) override {
    FS_ASSIGN_OR_RETURN(auto txn, sql::Transaction::Begin(*db_));
    FS_ASSIGN_OR_RETURN(uint64_t first, ReserveOwnSeqsInTransaction(count));
    FS_RETURN_IF_ERROR(txn->Commit());
    return first;
  }

  // The caller holds a transaction.
  Result<uint64_t> ReserveOwnSeqsInTransaction(uint64_t count) {
    FS_ASSIGN_OR_RETURN(auto next_text, Meta(kMetaNextOwnSeq));
    uint64_t first = next_text ? std::stoull(*next_text) : 1;
    FS_RETURN_IF_ERROR(PutMeta(kMetaNextOwnSeq, std::to_string(first + count)));
    return first;
  }

  Status AddUser(const UserInfo& user) override {
    FS_ASSIGN_OR_RETURN(auto s, db_->Prepare(
        "INSERT OR IGNORE INTO users (name, role, full_name, created_at_ms) VALUES (?, ?, ?, ?)"));
    s->Bind(1, user.name).Bind(2, domain::RoleCode(user.role)).Bind(3, user.full_name).Bind(4, NowMs());
    FS_RETURN_IF_ERROR(s->Run());
    if (db_->Changes() == 0) return Status::AlreadyExists("user '" + user.name + "' already exists; pick another --name");
    return Status::Ok();
  }

  Result<std::optional<UserInfo>> GetUser(const std::string& name) override {
    FS_ASSIGN_OR_RETURN(auto s, db_->Prepare("SELECT name, role, full_name FROM users WHERE name = ?"));
    s->Bind(1, name);
    FS_ASSIGN_OR_RETURN(bool row, s->Step());
    if (!row) return std::optional<UserInfo>();
    auto role = domain::ParseRole(s->Text(1));
    if (!role.ok()) return Status::Corruption("user '" + name + "' has an unknown role '" + s->Text(1) + "'");
    return std::optional<UserInfo>(UserInfo{s->Text(0), *role, s->Text(2)});
  }

  Status AddEnrollmentCode(const EnrollmentCode& code) override {
    FS_ASSIGN_OR_RETURN(auto s, db_->Prepare(
        "INSERT INTO enrollment_codes (code_sha256, user_name, created_at_ms, expires_at_ms) VALUES (?, ?, ?, ?)"));
    s->Bind(1, code.code_sha256_hex).Bind(2, code.user_name).Bind(3, code.created_at_ms).Bind(4, code.expires_at_ms);
    return s->Run();
  }

  Result<UserInfo> EnrollDevice(const std::string& code_sha256_hex, int64_t now_ms, const DeviceInfo& device,
                                const std::string& token_sha256_hex, const AuditEvent& audit) override {
    FS_ASSIGN_OR_RETURN(auto txn, sql::Transaction::Begin(*db_));
    FS_ASSIGN_OR_RETURN(auto code, db_->Prepare(
        "SELECT user_name, expires_at_ms, used_at_ms IS NOT NULL FROM enrollment_codes WHERE code_sha256 = ?"));
    code->Bind(1, code_sha256_hex);
    FS_ASSIGN_OR_RETURN(bool found, code->Step());
    const char* invalid = "this enrolment code is wrong, already used or expired; ask the secretariat for a new one "
                          "(fieldsync-server enroll-code --user NAME)";
    if (!found || code->Int(2) != 0 || code->Int(1) <= now_ms) return Status::PermissionDenied(invalid);
    std::string user_name = code->Text(0);
    code->Reset();
    if (!device.user_name.empty() && device.user_name != user_name) {
      return Status::PermissionDenied("this enrolment code was made for '" + user_name + "' but this tablet's store "
                                      "belongs to '" + device.user_name + "'; ask for a code for '" + device.user_name +
                                      "', or use a new store (--db) for '" + user_name + "'. The code is still valid.");
    }
    FS_ASSIGN_OR_RETURN(auto user, GetUser(user_name));
    if (!user) return Status::PermissionDenied(invalid);

    FS_ASSIGN_OR_RETURN(auto owner, db_->Prepare("SELECT user_name FROM devices WHERE device_id = ?"));
    owner->Bind(1, device.device_id);
    FS_ASSIGN_OR_RETURN(bool enrolled, owner->Step());
    if (enrolled && owner->Text(0) != user_name) {
      // S11: the other user's login is not this caller's business.
      return Status::AlreadyExists("device " + device.device_id + " is already enrolled for another user; a tablet "
                                   "store belongs to one user: make a new store for '" + user_name + "'");
    }
    owner->Reset();
    FS_ASSIGN_OR_RETURN(auto put, db_->Prepare(
        "INSERT OR REPLACE INTO devices (device_id, user_name, token_sha256, name, enrolled_at_ms) "
        "VALUES (?, ?, ?, ?, ?)"));
    put->Bind(1, device.device_id).Bind(2, user_name).Bind(3, token_sha256_hex).Bind(4, device.name).Bind(5, now_ms);
    FS_RETURN_IF_ERROR(put->Run());
    FS_ASSIGN_OR_RETURN(auto used, db_->Prepare(
        "UPDATE enrollment_codes SET used_at_ms = ?, used_by_device = ? WHERE code_sha256 = ?"));
    used->Bind(1, now_ms).Bind(2, device.device_id).Bind(3, code_sha256_hex);
    FS_RETURN_IF_ERROR(used->Run());
    AuditEvent logged = audit;
    logged.actor = user_name;
    FS_RETURN_IF_ERROR(security_->AppendAudit(logged, now_ms));
    FS_RETURN_IF_ERROR(txn->Commit());
    return *user;
  }

  Result<std::optional<DeviceInfo>> DeviceByTokenHash(const std::string& token_sha256_hex) override {
    FS_ASSIGN_OR_RETURN(auto s, db_->Prepare("SELECT device_id, user_name, name, enrolled_at_ms, "
                                             "coalesce(revoked_at_ms, 0) FROM devices WHERE token_sha256 = ?"));
    s->Bind(1, token_sha256_hex);
    FS_ASSIGN_OR_RETURN(bool row, s->Step());
    if (!row) return std::optional<DeviceInfo>();
    return std::optional<DeviceInfo>(DeviceInfo{s->Text(0), s->Text(1), s->Text(2), s->Int(3), s->Int(4)});
  }

  Result<std::vector<DeviceInfo>> ListDevices() override { return security_->ListDevices(); }
  Result<size_t> RevokeDevices(const std::string& device_id, const std::string& user_name, int64_t now_ms) override {
    return security_->RevokeDevices(device_id, user_name, now_ms);
  }
  Status RecordEnrollmentFailure(const std::string& client, int64_t now_ms) override {
    return security_->RecordEnrollmentFailure(client, now_ms);
  }
  Result<int64_t> CountEnrollmentFailures(const std::string& client, int64_t since_ms) override {
    return security_->CountEnrollmentFailures(client, since_ms);
  }
  Status AppendAudit(const AuditEvent& event, int64_t now_ms) override { return security_->AppendAudit(event, now_ms); }
  Result<std::vector<AuditEntry>> AuditEntries(uint64_t after_seq, size_t max) override {
    return security_->AuditEntries(after_seq, max);
  }

  Result<std::optional<std::string>> RecordScope(const std::string& type, const std::string& id) override {
    return states_->Scope(type, id);
  }

  // Everything ApplyOne needs to write the server's own conflict records, and the batch's records.
  struct ApplyContext {
    int64_t now_ms = 0;
    HlcClock* clock = nullptr;
    std::string own_device, own_author;
    RecordBatch records;
  };

  // Starts the exactly-once keys' batch: a batch from one device (every push) has the keys it may
  // hit read at once, between its smallest and largest sequence.
  Status BeginKeysBatch(const std::vector<ScopedChange>& changes) {
    if (changes.empty()) return keys_->BeginBatch("", 0, 0);
    const std::string& device = changes.front().change.device_id;
    uint64_t low = UINT64_MAX, high = 0;
    for (const auto& sc : changes) {
      if (sc.change.device_id != device) return keys_->BeginBatch("", 0, 0);  // mixed: looked up one by one
      low = std::min(low, sc.change.device_seq);
      high = std::max(high, sc.change.device_seq);
    }
    return keys_->BeginBatch(device, low, high);
  }

  Result<ApplyResult> ApplyOne(const ScopedChange& sc, const std::string& digest, ApplyContext& ctx) {
    const Change& c = sc.change;
    const int64_t now_ms = ctx.now_ms;
    FS_ASSIGN_OR_RETURN(auto had, keys_->Find(c.device_id, c.device_seq));
    if (had && !had->digest.empty() && had->digest != digest) return SequenceReused(c);
    if (had) return ApplyResult{c.device_seq, ApplyOutcome::kAlreadyHad, had->server_seq};

    FS_ASSIGN_OR_RETURN(RecordBatch::Memo* const memo, ctx.records.Get(c.record_type, c.record_id));
    // S7/S9: compare with the current state before it changes.
    const std::optional<StoredField> current = memo->Field(c.field);
    std::vector<DetectedConflict> conflicts;
    if (c.record_type != conflict::kType) {
      std::optional<StoredField> deleted;
      if (c.field != kDeletedField) deleted = memo->Field(kDeletedField);
      conflicts = DetectConflicts(c, current, deleted);
    }
    // A new record takes the scope proposed for it, fixed from now on (S12). (An empty scope: a
    // record whose fields an old store kept without a scope row, schema step 10.)
    if (!memo->known || memo->now.scope.empty()) {
      memo->now.scope = sc.scope;
      memo->known = true;
    }
    const std::string scope = memo->now.scope;
    const bool wins = !current || current->state.stamp() < c.stamp();  // S6: the larger (HLC, device id) wins
    std::optional<StoredField> next;
    if (wins) next = StoredField{FieldState{c.value, c.tombstone, c.hlc, c.device_id, c.author}, c.device_seq, 0};
    FS_RETURN_IF_ERROR(RecordBatch::CheckBounds(c, *memo, next));

    FS_ASSIGN_OR_RETURN(const uint64_t server_seq, log_->Append(c, scope, now_ms));
    keys_->Add(c.device_id, c.device_seq, server_seq);

    if (wins) {
      next->server_seq = server_seq;
      ctx.records.Set(*memo, c.field, std::move(*next));
    }
    for (const auto& d : conflicts) FS_RETURN_IF_ERROR(WriteConflict(d, c, scope, ctx));
    if (wins && c.record_type != conflict::kType && c.field == kDeletedField && !c.tombstone &&
        std::holds_alternative<bool>(c.value) && std::get<bool>(c.value)) {
      FS_RETURN_IF_ERROR(HiddenByDeletion(c, scope, ctx));
    }
    return ApplyResult{c.device_seq, ApplyOutcome::kApplied, server_seq};
  }

  // S2/S3: the key was applied with other content, so the device numbers new edits with sequences
  // it had already used: its store was restored or copied. Answering ALREADY_HAD would make it
  // drop those edits; the device must become a new device instead.
  static Status SequenceReused(const Change& c) {
    return Status::AlreadyExists(
        "device " + c.device_id + " sent a change (" + c.record_type + " " + c.record_id + "." + c.field +
        ") under device sequence " + std::to_string(c.device_seq) + ", which the server already holds with other "
        "content: this tablet's store was restored from a backup or copied from another tablet. Nothing was "
        "applied. Enrol this tablet again as a new device (a new store with `fieldsync init`, then `fieldsync "
        "enroll` with a new code from the secretariat), and ask the secretariat to help with its unsent edits");
  }

  // S9, the deletion arriving after a concurrent edit: every content field of the record that
  // holds another device's value (one the deleter had not tombstoned, so had not seen) is now
  // hidden by the deletion; keep it as the loser of an edit_on_deleted conflict. Reference fields
  // ("..._id", the record's identity) are structure, not content, and are not kept.
  Status HiddenByDeletion(const Change& deletion, const std::string& scope, ApplyContext& ctx) {
    FS_ASSIGN_OR_RETURN(RecordBatch::Memo* const memo, ctx.records.Get(deletion.record_type, deletion.record_id));
    const auto fields = memo->now.fields;  // a copy: writing the conflicts adds memos
    ConflictSide winner{Value{}, true, deletion.author, deletion.device_id, deletion.hlc, deletion.device_seq};
    for (const auto& [field, f] : fields) {
      if (field == kDeletedField || IsReferenceField(field) || f.state.tombstone || f.state.node == deletion.device_id) {
        continue;
      }
      DetectedConflict d{conflict::kKindEditOnDeleted, winner,
                         ConflictSide{f.state.value, false, f.state.author, f.state.node, f.state.hlc, f.device_seq}};
      Change contested;
      contested.record_type = deletion.record_type;
      contested.record_id = deletion.record_id;
      contested.field = field;
      FS_RETURN_IF_ERROR(WriteConflict(d, contested, scope, ctx));
    }
    return Status::Ok();
  }

  // Writes the conflict record as the server's own device, in the caller's transaction. A record
  // that exists already (the same losing write) is left as it is.
  Status WriteConflict(const DetectedConflict& d, const Change& contested, const std::string& scope,
                       ApplyContext& ctx) {
    const std::string id = ConflictId(d.loser);
    FS_ASSIGN_OR_RETURN(RecordBatch::Memo* const known, ctx.records.Get(conflict::kType, id));
    if (known->known) return Status::Ok();
    FS_ASSIGN_OR_RETURN(RecordBatch::Memo* const record, ctx.records.Get(contested.record_type, contested.record_id));
    auto text = [&](const std::string& field) -> std::string {
      auto f = record->Field(field);
      return f && !f->state.tombstone ? TextOf(f->state.value) : std::string();
    };
    auto writes = ConflictWrites(d, contested, scope, text);
    FS_ASSIGN_OR_RETURN(uint64_t first_seq, ReserveOwnSeqsInTransaction(writes.size()));
    const std::string conflict_scope = conflict::ScopeFor(scope);
    for (size_t i = 0; i < writes.size(); ++i) {
      ScopedChange own;
      own.change.record_type = std::move(writes[i].record_type);
      own.change.record_id = std::move(writes[i].record_id);
      own.change.field = std::move(writes[i].field);
      own.change.value = std::move(writes[i].value);
      own.change.hlc = ctx.clock->Now();
      own.change.device_id = ctx.own_device;
      own.change.device_seq = first_seq + i;
      own.change.author = ctx.own_author;
      own.scope = conflict_scope;
      FS_RETURN_IF_ERROR(ApplyOne(own, ContentDigest(own.change), ctx).status());
    }
    return Status::Ok();
  }

  Result<std::vector<ApplyResult>> ApplyChanges(const std::vector<ScopedChange>& changes, HlcClock& clock,
                                                const std::string& own_author, const AuditEvent& audit,
                                                size_t* refused_change) override {
    if (refused_change) *refused_change = 0;
    FS_ASSIGN_OR_RETURN(auto txn, sql::Transaction::Begin(*db_));
    ApplyContext ctx{NowMs(), &clock, "", own_author, RecordBatch(*states_)};
    FS_ASSIGN_OR_RETURN(ctx.own_device, OwnDeviceId());
    std::vector<ApplyResult> results;
    results.reserve(changes.size());
    AuditEvent logged = audit;
    bool applied_any = false;
    // However this returns (an error, an exception), nothing of the batch stays pending in the log.
    struct DiscardPendingOnExit {
      ChangeRuns& log;
      ~DiscardPendingOnExit() { log.Discard(); }
    } discard_pending{*log_};
    FS_RETURN_IF_ERROR(log_->BeginBatch());
    FS_RETURN_IF_ERROR(BeginKeysBatch(changes));
    for (size_t i = 0; i < changes.size(); ++i) {
      const ScopedChange& sc = changes[i];
      const std::string digest = ContentDigest(sc.change);
      auto applied = ApplyOne(sc, digest, ctx);
      if (!applied.ok() && applied.status().code() == StatusCode::kInvalidArgument) {
        if (refused_change) *refused_change = i + 1;
        return Status::InvalidArgument(ChangeLabel(sc.change, i) + ": " + applied.status().message() +
                                       "; nothing was applied");
      }
      FS_ASSIGN_OR_RETURN(auto r, std::move(applied));
      results.push_back(r);
      if (r.outcome != ApplyOutcome::kApplied) continue;
      AppendAuditLine(logged.detail, sc.change, r.server_seq, digest);
      applied_any = true;
    }
    FS_RETURN_IF_ERROR(ctx.records.Write());
    FS_RETURN_IF_ERROR(log_->Flush());
    FS_RETURN_IF_ERROR(keys_->EndBatch());
    FS_RETURN_IF_ERROR(SaveClock(clock.last()));
    // A resend the server already had changes nothing: no entry, so replays cannot bloat the log.
    if (applied_any || changes.empty()) FS_RETURN_IF_ERROR(security_->AppendAudit(logged, ctx.now_ms));
    FS_RETURN_IF_ERROR(txn->Commit());
    return results;
  }

  Result<uint64_t> LastServerSeq() override { return log_->LastServerSeq(); }

  Result<ChangePage> ChangesAfter(uint64_t after, const ScopeFilter& filter, size_t max_changes,
                                const SkipOwnChanges& skip) override {
    ChangePage page;
    FS_ASSIGN_OR_RETURN(uint64_t head, LastServerSeq());
    page.next_cursor = std::max(after, head);
    if (head <= after || max_changes == 0 || (!filter.everything && filter.scopes.empty())) return page;
    // One ordered range of the log per scope (index change_runs_by_scope), merged by server_seq, so
    // a page reads what it sends plus a run per scope. A single `scope IN (...)` query made SQLite
    // gather every later row of every scope and sort them for each page: quadratic in the log.
    // Reading only up to `head` keeps the page consistent with the cursor we hand back.
    const std::set<std::string> scopes(filter.scopes.begin(), filter.scopes.end());
    struct Range {
      std::unique_ptr<ChangeRuns::Reader> reader;
      LoggedRun run;
    };
    std::vector<Range> ranges;
    if (filter.everything) {
      FS_ASSIGN_OR_RETURN(auto reader, log_->Read(after, head, nullptr));
      ranges.push_back(Range{std::move(reader), {}});
    }
    for (const auto& scope : filter.everything ? std::set<std::string>() : scopes) {
      FS_ASSIGN_OR_RETURN(auto reader, log_->Read(after, head, &scope));
      ranges.push_back(Range{std::move(reader), {}});
    }
    // Runs never overlap, so ordering the ranges' current runs by their last sequence orders changes.
    using Next = std::pair<uint64_t, size_t>;  // (last server_seq of a range's current run, range)
    std::priority_queue<Next, std::vector<Next>, std::greater<Next>> next;
    auto advance = [&](size_t r) -> Status {
      FS_ASSIGN_OR_RETURN(bool row, ranges[r].reader->Next(&ranges[r].run));
      if (row) next.emplace(ranges[r].run.last_server_seq, r);
      return Status::Ok();
    };
    for (size_t r = 0; r < ranges.size(); ++r) FS_RETURN_IF_ERROR(advance(r));
    // The pulling device's own changes are read but not sent; the bound keeps a page's work finite
    // when a tablet's own pushes fill the log.
    const size_t max_read = std::max<size_t>(max_changes, 1) * 16;
    size_t read = 0;
    uint64_t last_read = after;
    size_t page_bytes = 0;
    while (!next.empty() && !page.has_more) {
      const size_t r = next.top().second;
      next.pop();
      for (Change& c : ranges[r].run.changes) {
        if (c.server_seq <= after || c.server_seq > head) continue;
        if (page.changes.size() == max_changes || read == max_read || page_bytes >= protocol::kMaxPullPageBytes) {
          page.has_more = true;
          break;
        }
        ++read;
        last_read = c.server_seq;
        const bool own = !skip.device_id.empty() && c.device_seq <= skip.through_device_seq && c.device_id == skip.device_id;
        if (own) continue;
        page_bytes += ApproximateWireSize(c);
        page.changes.push_back(std::move(c));
      }
      if (!page.has_more) FS_RETURN_IF_ERROR(advance(r));
    }
    if (page.has_more) page.next_cursor = last_read;
    return page;
  }

  Result<FieldPage> CurrentFields(const std::optional<FieldKey>& after, const ScopeFilter& filter,
                                  size_t max_fields) override {
    FieldPage page;
    if (max_fields == 0 || (!filter.everything && filter.scopes.empty())) return page;
    // Records in key order from the page's start; a record out of scope is skipped before its
    // fields are decoded. A page may end inside a record: the key names its last field.
    const std::set<std::string> scopes(filter.scopes.begin(), filter.scopes.end());
    RecordStates::ScopeTest in_scope;
    if (!filter.everything) in_scope = [&](const std::string& scope) { return scopes.count(scope) > 0; };
    bool more = false;
    FS_RETURN_IF_ERROR(states_->Scan(
        after ? after->record_type : "", after ? after->record_id : "", nullptr, in_scope,
        [&](const std::string& type, const std::string& id, CurrentRecord&& record) -> Result<bool> {
          const bool resumed = after && type == after->record_type && id == after->record_id;
          for (auto& [name, f] : record.fields) {
            if (resumed && name <= after->field) continue;
            if (page.fields.size() == max_fields) {
              more = true;
              return false;
            }
            page.fields.push_back(ChangeOf(type, id, name, std::move(f)));
          }
          return true;
        }));
    if (more) {
      const Change& last = page.fields.back();
      page.next = FieldKey{last.record_type, last.record_id, last.field};
    }
    return page;
  }

  Result<std::optional<Record>> GetRecord(const std::string& type, const std::string& id) override {
    FS_ASSIGN_OR_RETURN(auto stored, states_->Get(type, id));
    if (!stored || stored->fields.empty()) return std::optional<Record>();
    return std::optional<Record>(stored->ToRecord(type, id));
  }

  Result<std::vector<Record>> FindRecords(const std::string& type, const std::string& field,
                                          const std::string& value) override {
    FS_ASSIGN_OR_RETURN(auto page, Pages().ByField(type, field, value, "", SIZE_MAX));
    return std::move(page.records);
  }

  Result<RecordPage> FindRecordsPage(const std::string& type, const std::string& field, const std::string& value,
                                     const std::string& after_id, size_t max) override {
    return Pages().ByField(type, field, value, after_id, max);
  }
  Result<RecordPage> RecordsByIdPrefix(const std::string& type, const std::string& id_prefix,
                                       const std::string& after_id, size_t max) override {
    return Pages().ByIdPrefix(type, id_prefix, after_id, max);
  }
  Result<std::unique_ptr<ReadView>> BeginReadView() override { return BeginSqliteReadView(*db_); }
  SqliteRecordPages& Pages() {
    if (!pages_) pages_ = std::make_unique<SqliteRecordPages>(*states_);
    return *pages_;
  }

  Result<std::vector<Record>> Conflicts(bool include_resolved) override {
    if (include_resolved) return ListRecords(conflict::kType);
    return FindRecords(conflict::kType, conflict::kStatus, conflict::kStatusOpen);
  }

  Status RecordDeviceCursor(const std::string& device_id, uint64_t cursor, int64_t now_ms) override {
    FS_ASSIGN_OR_RETURN(auto s, db_->Prepare(
        "INSERT OR REPLACE INTO device_cursors (device_id, cursor, last_seen_at_ms) VALUES (?, ?, ?)"));
    s->Bind(1, device_id).Bind(2, I(cursor)).Bind(3, now_ms);
    return s->Run();
  }

  Result<uint64_t> PurgedThrough() override {
    FS_ASSIGN_OR_RETURN(auto text, Meta(kMetaPurgedThrough));
    return text ? std::stoull(*text) : uint64_t{0};
  }

  Result<PurgeStats> PurgeHistory(int64_t active_since_ms) override {
    FS_ASSIGN_OR_RETURN(auto txn, sql::Transaction::Begin(*db_));
    PurgeStats stats;
    FS_ASSIGN_OR_RETURN(uint64_t horizon, LastServerSeq());
    FS_ASSIGN_OR_RETURN(auto cursors, db_->Prepare(
        "SELECT count(*), coalesce(min(cursor), 0) FROM device_cursors WHERE last_seen_at_ms >= ?"));
    cursors->Bind(1, active_since_ms);
    FS_ASSIGN_OR_RETURN(bool row, cursors->Step());
    if (row && cursors->Int(0) > 0) {
      stats.devices_counted = static_cast<size_t>(cursors->Int(0));
      horizon = std::min(horizon, U(cursors->Int(1)));
    }
    cursors->Reset();
    FS_ASSIGN_OR_RETURN(uint64_t before, PurgedThrough());
    horizon = std::max(horizon, before);
    // Superseded changes up to the horizon; their digests stay (applied_keys.h) so that a restored
    // tablet reusing their sequences is still caught (S2).
    // A run holds changes of one record: its state is read once per run, not once per change.
    std::string read_type, read_id;
    std::optional<CurrentRecord> read;
    auto superseded = [&](const Change& c) -> Result<bool> {
      if (c.record_type != read_type || c.record_id != read_id) {
        FS_ASSIGN_OR_RETURN(read, states_->Get(c.record_type, c.record_id));
        read_type = c.record_type;
        read_id = c.record_id;
      }
      if (!read) return true;
      auto it = read->fields.find(c.field);
      return it == read->fields.end() || it->second.server_seq != c.server_seq;
    };
    FS_ASSIGN_OR_RETURN(auto keep, db_->Prepare(
        "INSERT OR IGNORE INTO purged_digests (device_id, device_seq, content_sha256) VALUES (?, ?, ?)"));
    auto removed = [&](const Change& c, bool unchecked) -> Status {
      if (unchecked) return Status::Ok();
      keep->Bind(1, c.device_id).Bind(2, I(c.device_seq)).Bind(3, ContentDigest(c));
      return keep->Run();
    };
    FS_ASSIGN_OR_RETURN(stats.changes_deleted, log_->Purge(horizon, superseded, removed));
    FS_RETURN_IF_ERROR(PutMeta(kMetaPurgedThrough, std::to_string(horizon)));
    FS_ASSIGN_OR_RETURN(stats.changes_kept, log_->CountChanges());
    FS_RETURN_IF_ERROR(txn->Commit());
    stats.purged_through = horizon;
    return stats;
  }

  Result<std::vector<Record>> ListRecords(const std::string& type) override {
    std::vector<Record> records;
    FS_RETURN_IF_ERROR(states_->Scan(type, "", &type, {},
                                     [&](const std::string&, const std::string& id, CurrentRecord&& r) -> Result<bool> {
                                       Record record = r.ToRecord(type, id);
                                       if (!record.IsDeleted()) records.push_back(std::move(record));
                                       return true;
                                     }));
    return records;
  }

 private:
  std::unique_ptr<sql::Database> db_;
  std::unique_ptr<sql::MetaTable> meta_;
  std::unique_ptr<SqliteSecurityTables> security_;
  std::unique_ptr<ChangeRuns> log_;
  std::unique_ptr<AppliedKeys> keys_;  // uses log_
  std::unique_ptr<RecordStates> states_;
  std::unique_ptr<SqliteRecordPages> pages_;  // paged reads (record_pages.h), prepared on first use
  std::unique_ptr<sql::WalCheckpointer> checkpointer_;  // declared last: stops before db_ closes
};

}  // namespace

Result<std::unique_ptr<ServerStore>> OpenSqliteServerStore(const std::string& path) {
  FS_ASSIGN_OR_RETURN(auto db, sql::Database::Open(path));
  // A push touches the change log, the current state, the scope and exactly-once tables and their
  // indexes; with SQLite's default 2 MiB cache those pages were read back from the OS on every
  // batch. 64 MiB holds a large plan's working set; the cache is bounded, so memory stays flat.
  FS_RETURN_IF_ERROR(db->Exec("PRAGMA cache_size=-65536"));
  // Pushes rewrite the same hot pages batch after batch (the change log's tail, index interior
  // pages, a visit's answers); a checkpoint copies each page once however often it was rewritten,
  // so checkpointing every 128 MiB of WAL instead of SQLite's 4 MiB copies a hot page a few times
  // over a day's uploads instead of hundreds. (32 MiB was measured 12-15% slower at ingest, 2-core
  // box, bench/run --only ingest, and still 11% slower with checkpoints on their own thread.) The
  // WAL file stays at the largest size it reached on disk. The checkpoints run on a thread of
  // their own (wal_checkpointer.h): inline, the push that crossed the threshold paid for all of it.
  constexpr int kCheckpointEveryPages = 32768;
  auto store = std::make_unique<SqliteServerStore>(std::move(db));
  store->StartCheckpointer(kCheckpointEveryPages);
  FS_RETURN_IF_ERROR(store->Load());
  return std::unique_ptr<ServerStore>(std::move(store));
}

}  // namespace fieldsync::server
