#include "fieldsync/sqlite_db.h"

namespace fieldsync::sql {

namespace {
// SQLite keeps global memory statistics behind one process-wide mutex, taken on every allocation
// (several per row written). Nothing here reads them; turning them off must happen before SQLite
// initialises, so it is done once, before the first connection opens.
void ConfigureSqliteOnce() {
  static const bool configured = [] {
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);  // fails harmlessly if another library initialised SQLite
    return true;
  }();
  (void)configured;
}
}  // namespace

Result<std::unique_ptr<Database>> Database::Open(const std::string& path) {
  ConfigureSqliteOnce();
  sqlite3* handle = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &handle, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                           nullptr);
  if (rc != SQLITE_OK) {
    std::string message = handle ? sqlite3_errmsg(handle) : sqlite3_errstr(rc);
    sqlite3_close(handle);
    return Status::IoError("cannot open database " + path + ": " + message +
                           "; check that the folder exists and is writable");
  }
  std::unique_ptr<Database> db(new Database(handle, path));
  sqlite3_busy_timeout(handle, 5000);
  sqlite3_extended_result_codes(handle, 1);
  // journal_mode returns a row; a file that is not a database fails here with "file is not a database".
  Status s = db->Exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;");
  if (!s.ok()) {
    return Status::Corruption(path + " is not a usable SQLite database (" + s.message() +
                              "); point --db at a fieldsync store or a new file name");
  }
  return db;
}

Database::~Database() {
  cached_.clear();  // finalized before the connection closes
  sqlite3_close_v2(db_);
}

namespace {
// SQLite's primary result code as a StatusCode: busy and locked are worth retrying, a damaged file
// is corruption, the rest is an I/O failure.
StatusCode CodeFor(int sqlite_code) {
  switch (sqlite_code & 0xFF) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED: return StatusCode::kUnavailable;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB: return StatusCode::kCorruption;
    default: return StatusCode::kIoError;
  }
}
}  // namespace

Status Database::Error(std::string_view what) const {
  return Status(CodeFor(sqlite3_extended_errcode(db_)),
                std::string(what) + " failed on " + path_ + ": " + sqlite3_errmsg(db_));
}

Status Database::Exec(std::string_view sql) {
  char* err = nullptr;
  std::string text(sql);
  if (int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &err); rc != SQLITE_OK) {
    std::string message = err ? err : sqlite3_errmsg(db_);
    sqlite3_free(err);
    return Status(CodeFor(rc), "SQL failed on " + path_ + ": " + message);
  }
  return Status::Ok();
}

void ResetOnRelease::operator()(Statement* statement) const { statement->Reset(); }

Result<StatementLease> Database::PrepareCached(const std::string& sql) {
  auto it = cached_.find(sql);
  if (it == cached_.end()) {
    FS_ASSIGN_OR_RETURN(auto prepared, Prepare(sql));
    it = cached_.emplace(sql, std::move(prepared)).first;
  }
  return StatementLease(it->second.get());
}

Result<std::unique_ptr<Statement>> Database::Prepare(std::string_view sql) {
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT, &stmt, nullptr) !=
      SQLITE_OK) {
    return Status::Internal("cannot prepare SQL (" + std::string(sqlite3_errmsg(db_)) + "): " + std::string(sql));
  }
  return std::make_unique<Statement>(*this, stmt);
}

int Database::UserVersion() {
  auto stmt = Prepare("PRAGMA user_version");
  if (!stmt.ok()) return -1;
  auto row = (*stmt)->Step();
  return row.ok() && *row ? static_cast<int>((*stmt)->Int(0)) : -1;
}

Status Database::SetUserVersion(int version) { return Exec("PRAGMA user_version=" + std::to_string(version)); }

int64_t Database::Changes() const { return sqlite3_changes64(db_); }

Statement::~Statement() { sqlite3_finalize(stmt_); }

Statement& Statement::Bind(int index, std::string_view text) {
  sqlite3_bind_text(stmt_, index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
  return *this;
}

Statement& Statement::Bind(int index, int64_t number) {
  sqlite3_bind_int64(stmt_, index, number);
  return *this;
}

Statement& Statement::BindNull(int index) {
  sqlite3_bind_null(stmt_, index);
  return *this;
}

Statement& Statement::BindBlob(int index, std::string_view bytes) {
  sqlite3_bind_blob(stmt_, index, bytes.data(), static_cast<int>(bytes.size()), SQLITE_TRANSIENT);
  return *this;
}

std::string EncodeAttachment(const AttachmentRef& a) {
  return a.sha256_hex + ":" + std::to_string(a.size_bytes) + ":" + a.media_type;
}

namespace {
// Never throws: a malformed row reads as an empty reference rather than breaking every reader.
AttachmentRef DecodeAttachment(const std::string& text) {
  AttachmentRef a;
  auto first = text.find(':');
  auto second = first == std::string::npos ? std::string::npos : text.find(':', first + 1);
  if (second == std::string::npos) return a;
  a.sha256_hex = text.substr(0, first);
  a.size_bytes = std::strtoull(text.substr(first + 1, second - first - 1).c_str(), nullptr, 10);
  a.media_type = text.substr(second + 1);
  return a;
}
}  // namespace

Statement& Statement::BindValue(int kind_index, const Value& value) {
  Bind(kind_index, static_cast<int64_t>(KindOf(value)));
  int v = kind_index + 1;
  struct Binder {
    Statement& s;
    int i;
    void operator()(std::monostate) { s.BindNull(i); }
    void operator()(const std::string& t) { s.Bind(i, t); }
    void operator()(int64_t n) { s.Bind(i, n); }
    void operator()(double d) { sqlite3_bind_double(s.stmt_, i, d); }
    void operator()(bool b) { s.Bind(i, static_cast<int64_t>(b)); }
    void operator()(const Blob& b) { s.BindBlob(i, b.bytes); }
    void operator()(const AttachmentRef& a) { s.Bind(i, EncodeAttachment(a)); }
  };
  std::visit(Binder{*this, v}, value);
  return *this;
}

Result<bool> Statement::Step() {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  Status error = db_.Error("statement");
  sqlite3_reset(stmt_);
  return error;
}

Status Statement::Run() {
  auto r = Step();
  Reset();
  return r.ok() ? Status::Ok() : r.status();
}

void Statement::Reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

int64_t Statement::Int(int column) const { return sqlite3_column_int64(stmt_, column); }

std::string Statement::Text(int column) const {
  const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, column));
  int n = sqlite3_column_bytes(stmt_, column);
  return p ? std::string(p, static_cast<size_t>(n)) : std::string();
}

std::string Statement::Bytes(int column) const {
  const auto* p = static_cast<const char*>(sqlite3_column_blob(stmt_, column));
  int n = sqlite3_column_bytes(stmt_, column);
  return p ? std::string(p, static_cast<size_t>(n)) : std::string();
}

bool Statement::IsNull(int column) const { return sqlite3_column_type(stmt_, column) == SQLITE_NULL; }

Value Statement::ReadValue(int kind_column) const {
  int v = kind_column + 1;
  switch (static_cast<ValueKind>(Int(kind_column))) {
    case ValueKind::kNone: return std::monostate{};
    case ValueKind::kText: return Text(v);
    case ValueKind::kInteger: return Int(v);
    case ValueKind::kReal: return sqlite3_column_double(stmt_, v);
    case ValueKind::kBool: return Int(v) != 0;
    case ValueKind::kBlob: {
      const auto* p = static_cast<const char*>(sqlite3_column_blob(stmt_, v));
      return Blob{std::string(p ? p : "", static_cast<size_t>(sqlite3_column_bytes(stmt_, v)))};
    }
    case ValueKind::kAttachment: return DecodeAttachment(Text(v));
  }
  return std::monostate{};
}

// BEGIN and COMMIT are prepared once per connection: a tap is a transaction, and parsing them each
// time is measurable next to it.
Result<std::unique_ptr<Transaction>> Transaction::Begin(Database& db) {
  FS_ASSIGN_OR_RETURN(auto begin, db.PrepareCached("BEGIN IMMEDIATE"));
  FS_RETURN_IF_ERROR(begin->Run());
  return std::unique_ptr<Transaction>(new Transaction(db));
}

Transaction::~Transaction() {
  if (!done_) (void)db_.Exec("ROLLBACK");
}

Status Transaction::Commit() {
  FS_ASSIGN_OR_RETURN(auto commit, db_.PrepareCached("COMMIT"));
  FS_RETURN_IF_ERROR(commit->Run());
  done_ = true;
  return Status::Ok();
}

Result<std::unique_ptr<MetaTable>> MetaTable::Open(Database& db) {
  FS_ASSIGN_OR_RETURN(auto get, db.Prepare("SELECT value FROM meta WHERE key = ?"));
  FS_ASSIGN_OR_RETURN(auto put, db.Prepare("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)"));
  return std::unique_ptr<MetaTable>(new MetaTable(std::move(get), std::move(put)));
}

Result<std::optional<std::string>> MetaTable::Get(const std::string& key) {
  get_->Bind(1, key);
  auto row = get_->Step();
  std::optional<std::string> value;
  if (row.ok() && *row) value = get_->Text(0);
  get_->Reset();
  if (!row.ok()) return row.status();
  return value;
}

Status MetaTable::Put(const std::string& key, const std::string& value) {
  put_->Bind(1, key).Bind(2, value);
  return put_->Run();
}

Status UpgradeSchema(Database& db, const std::vector<UpgradeStep>& steps, const std::string& what) {
  const int target = static_cast<int>(steps.size());
  while (true) {
    int version = db.UserVersion();
    if (version < 0) return db.Error("reading the " + what + " schema version");
    if (version > target) {
      return Status::FailedPrecondition(db.path() + " was written by a newer fieldsync (" + what +
                                        " schema version " + std::to_string(version) + "); update fieldsync to open it");
    }
    if (version == target) return Status::Ok();
    FS_ASSIGN_OR_RETURN(auto txn, Transaction::Begin(db));
    if (db.UserVersion() != version) continue;  // another process upgraded it while we waited
    Status s = steps[static_cast<size_t>(version)](db);
    if (!s.ok()) {
      return Status(s.code(), "upgrading " + db.path() + " from " + what + " schema version " +
                                  std::to_string(version) + " failed: " + s.message());
    }
    FS_RETURN_IF_ERROR(db.SetUserVersion(version + 1));
    FS_RETURN_IF_ERROR(txn->Commit());
  }
}

}  // namespace fieldsync::sql
