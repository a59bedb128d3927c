// ChangeRuns: the server's change log (S4), stored as runs. Consecutive changes to one record in
// one batch (an answer arrives as eight field changes) share one row of `change_runs`, packed as a
// wire::ChangeGroup (wire_codec.h: field names, devices and authors listed once, stamps as
// differences): one b-tree insert per answer instead of eight, and the record's type, id, scope
// and receipt time stored once. Measured on the full ingest bench (bench/perf/ingest.cc), a row
// per change was ~15% of the server's ingest time.
//
// Every change keeps its own server sequence. A row covers first_server_seq..last_server_seq (its
// key) and rows never overlap, so rows read in key order give changes in server-sequence order,
// and a pull cursor may stop inside a row. The purge may drop changes from a row; the row keeps
// its range. Part of SqliteServerStore; works in the caller's transaction. Not thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fieldsync/change.h"
#include "fieldsync/sqlite_db.h"

namespace fieldsync::server {

// The table and its index (server_schema.cc creates them).
extern const char* const kChangeRunsDdl;

// The row's packed form and back; changes carry their server_seq. Corruption when the bytes are
// not a run this code wrote.
std::string EncodeChangeRun(const std::vector<Change>& changes);
Result<std::vector<Change>> DecodeChangeRun(std::string_view bytes);
// The same packed form with InvalidArgument saying what is wrong, for callers that name the row.
Result<std::vector<Change>> DecodeChangeGroup(std::string_view bytes);

// One row as read back.
struct LoggedRun {
  uint64_t last_server_seq = 0;
  bool unchecked = false;  // applied before content digests were kept (applied_keys.h)
  std::vector<Change> changes;
};

class ChangeRuns {
 public:
  // `db` must outlive this object and hold the change_runs table.
  static Result<std::unique_ptr<ChangeRuns>> Open(sql::Database& db);

  // Starts a batch in the caller's write transaction: forgets a run a failed batch left pending
  // and reads the next server sequence.
  Status BeginBatch();
  // Logs `c` in `scope` at the next server sequence, which it returns. Needs BeginBatch.
  Result<uint64_t> Append(const Change& c, const std::string& scope, int64_t received_at_ms);
  // Logs `c` at c.server_seq (larger than any logged before): the schema upgrade's way in.
  Status AppendAt(Change c, const std::string& scope, int64_t received_at_ms, bool unchecked);
  // Writes the pending run. Call before committing; the readers below call it themselves.
  Status Flush();
  // From now on each run is decoded back before it is written, and one that does not decode is
  // refused (Corruption naming its sequences). For the schema upgrade: rows from before the
  // server validated every change must not become rows no pull can read.
  void VerifyEachRun() { verify_ = true; }
  // Forgets the pending run: the batch failed and its transaction rolled back, so a later read
  // must not write its changes (they were never applied).
  void Discard() { pending_.clear(); }

  // The highest server sequence ever handed out (AUTOINCREMENT keeps it when the purge drops the
  // rows holding it).
  Result<uint64_t> LastServerSeq();
  // The logged change at `server_seq`, or nullopt when it is not (or no longer) in the log.
  struct Found {
    Change change;
    bool unchecked = false;
  };
  Result<std::optional<Found>> Find(uint64_t server_seq);

  // Rows holding a change in (after, through], of one scope or (scope == nullptr) of every
  // scope, in server-sequence order. Valid until the next write through this object.
  class Reader {
   public:
    // False at the end. The run's changes may include some outside (after, through].
    Result<bool> Next(LoggedRun* run);

   private:
    friend class ChangeRuns;
    explicit Reader(std::unique_ptr<sql::Statement> s) : s_(std::move(s)) {}
    std::unique_ptr<sql::Statement> s_;
  };
  Result<std::unique_ptr<Reader>> Read(uint64_t after, uint64_t through, const std::string* scope);

  // The purge: removes every change at or below `horizon` for which `superseded` says true, after
  // handing it to `removed` (to keep its digest). Rewrites a run that keeps some of its changes,
  // deletes one that keeps none. Reads the log in slices, so memory stays flat (S10). Returns how
  // many changes it removed.
  using ChangeTest = std::function<Result<bool>(const Change&)>;
  using RemovedChange = std::function<Status(const Change&, bool unchecked)>;
  Result<uint64_t> Purge(uint64_t horizon, const ChangeTest& superseded, const RemovedChange& removed);
  Result<uint64_t> CountChanges();

 private:
  explicit ChangeRuns(sql::Database& db) : db_(db) {}
  bool Continues(const Change& c, const std::string& scope, int64_t received_at_ms, bool unchecked) const;

  sql::Database& db_;
  std::unique_ptr<sql::Statement> insert_, find_, rewrite_, drop_;
  // The run being gathered; written by Flush.
  std::vector<Change> pending_;
  size_t pending_bytes_ = 0;
  std::string pending_scope_;
  int64_t pending_received_at_ms_ = 0;
  bool pending_unchecked_ = false;
  uint64_t next_server_seq_ = 0;
  bool verify_ = false;
};

}  // namespace fieldsync::server
