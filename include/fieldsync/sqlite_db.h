// Thin RAII layer over the SQLite C API, shared by the device store and the server's embedded
// store. Statements are prepared once and reset after each use; transactions roll back in their
// destructor unless committed. Errors come back as Status with SQLite's message and the file name.
// Not thread-safe: one Database per thread.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "fieldsync/status.h"
#include "fieldsync/value.h"

namespace fieldsync::sql {

class Statement;

// A cached statement on loan (Database::PrepareCached): reset, not destroyed, when the loan ends,
// so that it never keeps a read transaction open behind the caller's back.
struct ResetOnRelease {
  void operator()(Statement* statement) const;
};
using StatementLease = std::unique_ptr<Statement, ResetOnRelease>;

class Database {
 public:
  // Opens (creating if needed) with WAL journaling, synchronous=FULL (a returned commit survives
  // power loss), foreign keys on and a busy timeout for other processes on the same file.
  static Result<std::unique_ptr<Database>> Open(const std::string& path);
  ~Database();

  Status Exec(std::string_view sql);
  Result<std::unique_ptr<Statement>> Prepare(std::string_view sql);
  // The statement for `sql`, prepared on first use and kept for the life of this Database: for
  // queries run on every tap or every change, where preparing again would cost more than running.
  // Comes without bindings and is reset when the lease ends. Not re-entrant: end the lease before
  // asking for the same SQL again.
  Result<StatementLease> PrepareCached(const std::string& sql);
  int UserVersion();
  Status SetUserVersion(int version);
  int64_t Changes() const;
  sqlite3* handle() { return db_; }
  const std::string& path() const { return path_; }
  Status Error(std::string_view what) const;  // Status carrying sqlite3_errmsg

 private:
  Database(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}
  sqlite3* db_;
  std::string path_;
  std::unordered_map<std::string, std::unique_ptr<Statement>> cached_;
};

// An attachment reference as a value column stores it: "sha256:size:media/type" text.
std::string EncodeAttachment(const AttachmentRef& a);

class Statement {
 public:
  Statement(Database& db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  ~Statement();

  Statement& Bind(int index, std::string_view text);
  Statement& Bind(int index, int64_t number);
  Statement& BindNull(int index);
  Statement& BindBlob(int index, std::string_view bytes);
  // Binds a Value as (kind, value) into two consecutive parameters.
  Statement& BindValue(int kind_index, const Value& value);

  // Steps once. Returns true while a row is available, false when done.
  Result<bool> Step();
  // Runs a statement that returns no rows and resets it.
  Status Run();
  void Reset();

  int64_t Int(int column) const;
  std::string Text(int column) const;
  std::string Bytes(int column) const;  // a BLOB column's bytes
  bool IsNull(int column) const;
  // Reads a Value from (kind column, value column).
  Value ReadValue(int kind_column) const;

 private:
  Database& db_;
  sqlite3_stmt* stmt_;
};

// BEGIN IMMEDIATE ... COMMIT, rolled back on destruction unless Commit() succeeded.
class Transaction {
 public:
  static Result<std::unique_ptr<Transaction>> Begin(Database& db);
  ~Transaction();
  Status Commit();

 private:
  explicit Transaction(Database& db) : db_(db) {}
  Database& db_;
  bool done_ = false;
};

// The `meta (key TEXT PRIMARY KEY, value TEXT)` table both stores keep, with its two statements
// prepared once.
class MetaTable {
 public:
  static Result<std::unique_ptr<MetaTable>> Open(Database& db);
  Result<std::optional<std::string>> Get(const std::string& key);
  Status Put(const std::string& key, const std::string& value);

 private:
  MetaTable(std::unique_ptr<Statement> get, std::unique_ptr<Statement> put)
      : get_(std::move(get)), put_(std::move(put)) {}
  std::unique_ptr<Statement> get_, put_;
};

// One schema upgrade step: takes the database from version N to N + 1 (steps[N]).
using UpgradeStep = Status (*)(Database&);

// Brings the database to version steps.size(), one step per transaction, re-reading the version
// under the write lock so two processes opening one file upgrade it once. Refuses a newer file.
// `what` names the schema in messages ("device", "server").
Status UpgradeSchema(Database& db, const std::vector<UpgradeStep>& steps, const std::string& what);

}  // namespace fieldsync::sql
