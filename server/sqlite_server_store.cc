// SqliteServerStore: ServerStore on one SQLite file (WAL, so the admin command line can open the
// file while the server runs). Schema in server_schema.cc. Not thread-safe.
#include <sqlite3.h>

#include <algorithm>
#include <chrono>

#include "fieldsync/server/server_store.h"
#include "fieldsync/field_rows.h"
#include "fieldsync/sqlite_db.h"
#include "fieldsync/uuid.h"
#include "server_schema.h"

namespace fieldsync::server {
namespace {

constexpr const char* kMetaOwnDevice = "own_device_id";
constexpr const char* kMetaLastHlc = "last_hlc";
constexpr const char* kMetaNextOwnSeq = "next_own_seq";

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

int64_t I(uint64_t v) { return static_cast<int64_t>(v); }
uint64_t U(int64_t v) { return static_cast<uint64_t>(v); }

// "?, ?, ?" for n parameters.
std::string Placeholders(size_t n) {
  std::string s;
  for (size_t i = 0; i < n; ++i) s += i ? ", ?" : "?";
  return s;
}

// Reads (value_kind, value, tombstone, hlc, node, author) starting at `first` into a FieldState.

class SqliteServerStore final : public ServerStore {
 public:
  explicit SqliteServerStore(std::unique_ptr<sql::Database> db) : db_(std::move(db)) {}

  Status Load() {
    FS_RETURN_IF_ERROR(UpgradeServerSchema(*db_));
    FS_ASSIGN_OR_RETURN(get_meta_, db_->Prepare("SELECT value FROM meta WHERE key = ?"));
    FS_ASSIGN_OR_RETURN(put_meta_, db_->Prepare("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)"));
    FS_ASSIGN_OR_RETURN(get_applied_, db_->Prepare(
        "SELECT server_seq FROM applied WHERE device_id = ? AND device_seq = ?"));
    FS_ASSIGN_OR_RETURN(put_applied_, db_->Prepare(
        "INSERT INTO applied (device_id, device_seq, server_seq) VALUES (?, ?, ?)"));
    FS_ASSIGN_OR_RETURN(put_log_, db_->Prepare(
        "INSERT INTO change_log (device_id, device_seq, record_type, record_id, field, value_kind, value, tombstone, "
        "hlc, seen_hlc, seen_device_id, author, scope, received_at_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
    FS_ASSIGN_OR_RETURN(get_stamp_, db_->Prepare(
        "SELECT hlc, node FROM field_state WHERE record_type = ? AND record_id = ? AND field = ?"));
    FS_ASSIGN_OR_RETURN(put_field_, db_->Prepare(
        "INSERT OR REPLACE INTO field_state (record_type, record_id, field, value_kind, value, tombstone, hlc, node, "
        "author, device_seq, server_seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
    FS_ASSIGN_OR_RETURN(get_scope_, db_->Prepare(
        "SELECT scope FROM record_scope WHERE record_type = ? AND record_id = ?"));
    FS_ASSIGN_OR_RETURN(put_scope_, db_->Prepare(
        "INSERT OR IGNORE INTO record_scope (record_type, record_id, scope) VALUES (?, ?, ?)"));
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

  Result<std::optional<std::string>> Meta(const std::string& key) {
    get_meta_->Bind(1, key);
    auto row = get_meta_->Step();
    std::optional<std::string> value;
    if (row.ok() && *row) value = get_meta_->Text(0);
    get_meta_->Reset();
    if (!row.ok()) return row.status();
    return value;
  }

  Status PutMeta(const std::string& key, const std::string& value) {
    put_meta_->Bind(1, key).Bind(2, value);
    return put_meta_->Run();
  }

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
    FS_ASSIGN_OR_RETURN(auto next_text, Meta(kMetaNextOwnSeq));
    uint64_t first = next_text ? std::stoull(*next_text) : 1;
    FS_RETURN_IF_ERROR(PutMeta(kMetaNextOwnSeq, std::to_string(first + count)));
    FS_RETURN_IF_ERROR(txn->Commit());
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
                                const std::string& token_sha256_hex) override {
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
    FS_ASSIGN_OR_RETURN(auto user, GetUser(user_name));
    if (!user) return Status::PermissionDenied(invalid);

    FS_ASSIGN_OR_RETURN(auto owner, db_->Prepare("SELECT user_name FROM devices WHERE device_id = ?"));
    owner->Bind(1, device.device_id);
    FS_ASSIGN_OR_RETURN(bool enrolled, owner->Step());
    if (enrolled && owner->Text(0) != user_name) {
      return Status::AlreadyExists("device " + device.device_id + " is enrolled for user '" + owner->Text(0) +
                                   "'; a tablet store belongs to one user: make a new store for '" + user_name + "'");
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
    FS_RETURN_IF_ERROR(txn->Commit());
    return *user;
  }

  Result<std::optional<DeviceInfo>> DeviceByTokenHash(const std::string& token_sha256_hex) override {
    FS_ASSIGN_OR_RETURN(auto s, db_->Prepare(
        "SELECT device_id, user_name, name, enrolled_at_ms FROM devices WHERE token_sha256 = ?"));
    s->Bind(1, token_sha256_hex);
    FS_ASSIGN_OR_RETURN(bool row, s->Step());
    if (!row) return std::optional<DeviceInfo>();
    return std::optional<DeviceInfo>(DeviceInfo{s->Text(0), s->Text(1), s->Text(2), s->Int(3)});
  }

  Result<std::optional<std::string>> RecordScope(const std::string& type, const std::string& id) override {
    get_scope_->Bind(1, type).Bind(2, id);
    auto row = get_scope_->Step();
    std::optional<std::string> scope;
    if (row.ok() && *row) scope = get_scope_->Text(0);
    get_scope_->Reset();
    if (!row.ok()) return row.status();
    return scope;
  }

  Result<std::optional<uint64_t>> AppliedSeq(const Change& c) {
    get_applied_->Bind(1, c.device_id).Bind(2, I(c.device_seq));
    auto row = get_applied_->Step();
    std::optional<uint64_t> seq;
    if (row.ok() && *row) seq = U(get_applied_->Int(0));
    get_applied_->Reset();
    if (!row.ok()) return row.status();
    return seq;
  }

  Result<std::optional<Stamp>> CurrentStamp(const Change& c) {
    get_stamp_->Bind(1, c.record_type).Bind(2, c.record_id).Bind(3, c.field);
    auto row = get_stamp_->Step();
    std::optional<Stamp> stamp;
    if (row.ok() && *row) stamp = Stamp{Hlc::Unpack(U(get_stamp_->Int(0))), get_stamp_->Text(1)};
    get_stamp_->Reset();
    if (!row.ok()) return row.status();
    return stamp;
  }

  Result<ApplyResult> ApplyOne(const ScopedChange& sc, int64_t now_ms) {
    const Change& c = sc.change;
    FS_ASSIGN_OR_RETURN(auto had, AppliedSeq(c));
    if (had) return ApplyResult{c.device_seq, ApplyOutcome::kAlreadyHad, *had};

    put_scope_->Bind(1, c.record_type).Bind(2, c.record_id).Bind(3, sc.scope);
    FS_RETURN_IF_ERROR(put_scope_->Run());
    FS_ASSIGN_OR_RETURN(auto scope, RecordScope(c.record_type, c.record_id));

    put_log_->Bind(1, c.device_id).Bind(2, I(c.device_seq)).Bind(3, c.record_type).Bind(4, c.record_id);
    put_log_->Bind(5, c.field).BindValue(6, c.value).Bind(8, static_cast<int64_t>(c.tombstone));
    put_log_->Bind(9, I(c.hlc.Pack())).Bind(10, I(c.seen_hlc.Pack())).Bind(11, c.seen_device_id);
    put_log_->Bind(12, c.author).Bind(13, scope.value_or(sc.scope)).Bind(14, now_ms);
    FS_RETURN_IF_ERROR(put_log_->Run());
    uint64_t server_seq = U(sqlite3_last_insert_rowid(db_->handle()));

    put_applied_->Bind(1, c.device_id).Bind(2, I(c.device_seq)).Bind(3, I(server_seq));
    FS_RETURN_IF_ERROR(put_applied_->Run());

    FS_ASSIGN_OR_RETURN(auto current, CurrentStamp(c));
    if (!current || *current < c.stamp()) {  // S6: the larger (HLC, device id) wins
      put_field_->Bind(1, c.record_type).Bind(2, c.record_id).Bind(3, c.field).BindValue(4, c.value);
      put_field_->Bind(6, static_cast<int64_t>(c.tombstone)).Bind(7, I(c.hlc.Pack())).Bind(8, c.device_id);
      put_field_->Bind(9, c.author).Bind(10, I(c.device_seq)).Bind(11, I(server_seq));
      FS_RETURN_IF_ERROR(put_field_->Run());
    }
    return ApplyResult{c.device_seq, ApplyOutcome::kApplied, server_seq};
  }

  Result<std::vector<ApplyResult>> ApplyChanges(const std::vector<ScopedChange>& changes, Hlc clock) override {
    FS_ASSIGN_OR_RETURN(auto txn, sql::Transaction::Begin(*db_));
    const int64_t now_ms = NowMs();
    std::vector<ApplyResult> results;
    results.reserve(changes.size());
    for (const auto& sc : changes) {
      FS_ASSIGN_OR_RETURN(auto r, ApplyOne(sc, now_ms));
      results.push_back(r);
    }
    FS_RETURN_IF_ERROR(SaveClock(clock));
    FS_RETURN_IF_ERROR(txn->Commit());
    return results;
  }

  Result<uint64_t> LastServerSeq() override {
    // sqlite_sequence keeps the AUTOINCREMENT high-water mark even if log rows are ever compacted.
    FS_ASSIGN_OR_RETURN(auto s, db_->Prepare("SELECT coalesce(max(seq), 0) FROM sqlite_sequence WHERE name = "
                                             "'change_log' UNION ALL SELECT coalesce(max(server_seq), 0) FROM change_log"));
    uint64_t last = 0;
    while (true) {
      FS_ASSIGN_OR_RETURN(bool row, s->Step());
      if (!row) break;
      last = std::max(last, U(s->Int(0)));
    }
    return last;
  }

  static std::string ScopeClause(const ScopeFilter& filter, const char* column) {
    if (filter.everything) return "";
    return std::string(" AND ") + column + " IN (" + Placeholders(filter.scopes.size()) + ")";
  }

  Result<ChangePage> ChangesAfter(uint64_t after, const ScopeFilter& filter, size_t max_changes) override {
    ChangePage page;
    FS_ASSIGN_OR_RETURN(uint64_t head, LastServerSeq());
    page.next_cursor = std::max(after, head);
    if (head <= after || max_changes == 0 || (!filter.everything && filter.scopes.empty())) return page;
    // Reading only up to `head` keeps the page consistent with the cursor we hand back.
    FS_ASSIGN_OR_RETURN(auto s, db_->Prepare(
        "SELECT server_seq, device_id, device_seq, record_type, record_id, field, value_kind, value, tombstone, hlc, "
        "seen_hlc, seen_device_id, author FROM change_log WHERE server_seq > ? AND server_seq <= ?" +
        ScopeClause(filter, "scope") + " ORDER BY server_seq LIMIT ?"));
    s->Bind(1, I(after)).Bind(2, I(head));
    int i = 3;
    if (!filter.everything) {
      for (const auto& scope : filter.scopes) s->Bind(i++, scope);
    }
    s->Bind(i, I(max_changes + 1));
    while (true) {
      FS_ASSIGN_OR_RETURN(bool row, s->Step());
      if (!row) break;
      if (page.changes.size() == max_changes) {
        page.has_more = true;
        break;
      }
      Change c;
      c.server_seq = U(s->Int(0));
      c.device_id = s->Text(1);
      c.device_seq = U(s->Int(2));
      c.record_type = s->Text(3);
      c.record_id = s->Text(4);
      c.field = s->Text(5);
      c.value = s->ReadValue(6);
      c.tombstone = s->Int(8) != 0;
      c.hlc = Hlc::Unpack(U(s->Int(9)));
      c.seen_hlc = Hlc::Unpack(U(s->Int(10)));
      c.seen_device_id = s->Text(11);
      c.author = s->Text(12);
      page.changes.push_back(std::move(c));
    }
    s->Reset();
    if (page.has_more) page.next_cursor = page.changes.back().server_seq;
    return page;
  }

  Result<FieldPage> CurrentFields(const std::optional<FieldKey>& after, const ScopeFilter& filter,
                                  size_t max_fields) override {
    FieldPage page;
    if (max_fields == 0 || (!filter.everything && filter.scopes.empty())) return page;
    FS_ASSIGN_OR_RETURN(auto s, db_->Prepare(
        "SELECT f.record_type, f.record_id, f.field, f.value_kind, f.value, f.tombstone, f.hlc, f.node, f.author, "
        "f.device_seq, f.server_seq FROM field_state f JOIN record_scope r USING (record_type, record_id) "
        "WHERE (f.record_type, f.record_id, f.field) > (?, ?, ?)" + ScopeClause(filter, "r.scope") +
        " ORDER BY f.record_type, f.record_id, f.field LIMIT ?"));
    s->Bind(1, after ? after->record_type : "").Bind(2, after ? after->record_id : "");
    s->Bind(3, after ? after->field : "");
    int i = 4;
    if (!filter.everything) {
      for (const auto& scope : filter.scopes) s->Bind(i++, scope);
    }
    s->Bind(i, I(max_fields + 1));
    bool more = false;
    while (true) {
      FS_ASSIGN_OR_RETURN(bool row, s->Step());
      if (!row) break;
      if (page.fields.size() == max_fields) {
        more = true;
        break;
      }
      Change c;
      c.record_type = s->Text(0);
      c.record_id = s->Text(1);
      c.field = s->Text(2);
      FieldState f = sql::ReadFieldState(*s, 3);
      c.value = std::move(f.value);
      c.tombstone = f.tombstone;
      c.hlc = f.hlc;
      c.device_id = std::move(f.node);
      c.author = std::move(f.author);
      c.device_seq = U(s->Int(9));
      c.server_seq = U(s->Int(10));
      page.fields.push_back(std::move(c));
    }
    s->Reset();
    if (more) {
      const Change& last = page.fields.back();
      page.next = FieldKey{last.record_type, last.record_id, last.field};
    }
    return page;
  }

  Result<std::optional<Record>> GetRecord(const std::string& type, const std::string& id) override {
    FS_ASSIGN_OR_RETURN(auto s, db_->Prepare("SELECT record_id, field, value_kind, value, tombstone, hlc, node, "
                                             "author FROM field_state WHERE record_type = ? AND record_id = ?"));
    s->Bind(1, type).Bind(2, id);
    FS_ASSIGN_OR_RETURN(auto records, sql::ReadRecords(*s, type, true));
    if (records.empty()) return std::optional<Record>();
    return std::optional<Record>(std::move(records.front()));
  }

  Result<std::vector<Record>> FindRecords(const std::string& type, const std::string& field,
                                          const std::string& value) override {
    FS_ASSIGN_OR_RETURN(auto s, db_->Prepare(
        "SELECT f.record_id, f.field, f.value_kind, f.value, f.tombstone, f.hlc, f.node, f.author "
        "FROM field_state f WHERE f.record_type = ?1 AND f.record_id IN (SELECT record_id FROM field_state "
        "WHERE record_type = ?1 AND field = ?2 AND value_kind = 1 AND value = ?3 AND tombstone = 0) "
        "ORDER BY f.record_id"));
    s->Bind(1, type).Bind(2, field).Bind(3, value);
    return sql::ReadRecords(*s, type, false);
  }

  Result<std::vector<Record>> ListRecords(const std::string& type) override {
    FS_ASSIGN_OR_RETURN(auto s, db_->Prepare("SELECT record_id, field, value_kind, value, tombstone, hlc, node, "
                                             "author FROM field_state WHERE record_type = ? ORDER BY record_id"));
    s->Bind(1, type);
    return sql::ReadRecords(*s, type, false);
  }

 private:
  std::unique_ptr<sql::Database> db_;
  std::unique_ptr<sql::Statement> get_meta_, put_meta_, get_applied_, put_applied_, put_log_, get_stamp_, put_field_,
      get_scope_, put_scope_;
};

}  // namespace

Result<std::unique_ptr<ServerStore>> OpenSqliteServerStore(const std::string& path) {
  FS_ASSIGN_OR_RETURN(auto db, sql::Database::Open(path));
  auto store = std::make_unique<SqliteServerStore>(std::move(db));
  FS_RETURN_IF_ERROR(store->Load());
  return std::unique_ptr<ServerStore>(std::move(store));
}

}  // namespace fieldsync::server
