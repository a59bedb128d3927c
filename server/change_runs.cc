#include "change_runs.h"

#include "fieldsync/wire_codec.h"

namespace fieldsync::server {
namespace {

int64_t I(uint64_t v) { return static_cast<int64_t>(v); }
uint64_t U(int64_t v) { return static_cast<uint64_t>(v); }

// A record edited many times in one batch, or with large values (a blob may be 1 MiB), is cut
// into rows of at most this many changes and about this many bytes, so that a pull page never
// decodes much more than it sends and the purge's slices stay small in memory (S10).
constexpr size_t kMaxRunChanges = 64;
constexpr size_t kMaxRunBytes = 64 * 1024;
// Rows the purge reads and rewrites at a time: at most a few MiB decoded.
constexpr int64_t kPurgeSlice = 64;

constexpr const char* kRunColumns = "last_server_seq, unchecked, changes";

Result<LoggedRun> ReadRun(const sql::Statement& s) {
  LoggedRun run;
  run.last_server_seq = U(s.Int(0));
  run.unchecked = s.Int(1) != 0;
  FS_ASSIGN_OR_RETURN(run.changes, DecodeChangeRun(s.Bytes(2)));
  return run;
}

}  // namespace

const char* const kChangeRunsDdl = R"sql(
    -- The change log (change_runs.h): one row per run of changes to one record in one batch, each
    -- change with its own server sequence between first_server_seq and the key. AUTOINCREMENT:
    -- a sequence is never handed out twice, even after the purge dropped the newest row (S4).
    CREATE TABLE change_runs (
      last_server_seq INTEGER PRIMARY KEY AUTOINCREMENT,
      first_server_seq INTEGER NOT NULL,
      scope TEXT NOT NULL, received_at_ms INTEGER NOT NULL,
      change_count INTEGER NOT NULL,
      unchecked INTEGER NOT NULL DEFAULT 0,  -- 1: applied before content digests were kept
      changes BLOB NOT NULL);  -- wire::ChangeGroup of one record
    CREATE INDEX change_runs_by_scope ON change_runs (scope, last_server_seq);
)sql";

std::string EncodeChangeRun(const std::vector<Change>& changes) {
  wire::ChangeGroup group;
  wire_codec::ToGroup(changes, &group);
  return group.SerializeAsString();
}

Result<std::vector<Change>> DecodeChangeGroup(std::string_view bytes) {
  wire::ChangeGroup group;
  if (!group.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    return Status::InvalidArgument("not a packed group of changes");
  }
  size_t bad = 0;
  return wire_codec::FromGroup(group, &bad);
}

Result<std::vector<Change>> DecodeChangeRun(std::string_view bytes) {
  auto changes = DecodeChangeGroup(bytes);
  if (!changes.ok()) {
    return Status::Corruption("a change_runs row is damaged (" + changes.status().message() +
                              "); restore the server's file from a backup");
  }
  return changes;
}

Result<std::unique_ptr<ChangeRuns>> ChangeRuns::Open(sql::Database& db) {
  std::unique_ptr<ChangeRuns> runs(new ChangeRuns(db));
  FS_ASSIGN_OR_RETURN(runs->insert_, db.Prepare(
      "INSERT INTO change_runs (last_server_seq, first_server_seq, scope, received_at_ms, change_count, unchecked, "
      "changes) VALUES (?, ?, ?, ?, ?, ?, ?)"));
  FS_ASSIGN_OR_RETURN(runs->find_, db.Prepare(std::string("SELECT ") + kRunColumns +
                                              ", first_server_seq FROM change_runs WHERE last_server_seq >= ? "
                                              "ORDER BY last_server_seq LIMIT 1"));
  FS_ASSIGN_OR_RETURN(runs->rewrite_, db.Prepare(
      "UPDATE change_runs SET change_count = ?, changes = ? WHERE last_server_seq = ?"));
  FS_ASSIGN_OR_RETURN(runs->drop_, db.Prepare("DELETE FROM change_runs WHERE last_server_seq = ?"));
  return runs;
}

Status ChangeRuns::BeginBatch() {
  pending_.clear();
  FS_ASSIGN_OR_RETURN(uint64_t last, LastServerSeq());
  next_server_seq_ = last + 1;
  return Status::Ok();
}

Result<uint64_t> ChangeRuns::Append(const Change& c, const std::string& scope, int64_t received_at_ms) {
  if (next_server_seq_ == 0) return Status::Internal("ChangeRuns::Append before BeginBatch");
  const uint64_t seq = next_server_seq_;
  Change logged = c;
  logged.server_seq = seq;
  FS_RETURN_IF_ERROR(AppendAt(std::move(logged), scope, received_at_ms, false));
  return seq;
}

bool ChangeRuns::Continues(const Change& c, const std::string& scope, int64_t received_at_ms, bool unchecked) const {
  if (pending_.empty() || pending_.size() >= kMaxRunChanges || pending_bytes_ >= kMaxRunBytes) return false;
  const Change& last = pending_.back();
  return c.server_seq == last.server_seq + 1 && c.record_id == last.record_id && c.record_type == last.record_type &&
         scope == pending_scope_ && received_at_ms == pending_received_at_ms_ && unchecked == pending_unchecked_;
}

Status ChangeRuns::AppendAt(Change c, const std::string& scope, int64_t received_at_ms, bool unchecked) {
  if (!Continues(c, scope, received_at_ms, unchecked)) {
    FS_RETURN_IF_ERROR(Flush());
    pending_bytes_ = 0;
    pending_scope_ = scope;
    pending_received_at_ms_ = received_at_ms;
    pending_unchecked_ = unchecked;
  }
  next_server_seq_ = c.server_seq + 1;
  pending_bytes_ += ApproximateWireSize(c);
  pending_.push_back(std::move(c));
  return Status::Ok();
}

Status ChangeRuns::Flush() {
  if (pending_.empty()) return Status::Ok();
  insert_->Bind(1, I(pending_.back().server_seq)).Bind(2, I(pending_.front().server_seq)).Bind(3, pending_scope_);
  insert_->Bind(4, pending_received_at_ms_).Bind(5, I(pending_.size())).Bind(6, int64_t{pending_unchecked_});
  const std::string packed = EncodeChangeRun(pending_);
  if (verify_) {
    auto back = DecodeChangeRun(packed);
    if (!back.ok() || back->size() != pending_.size()) {
      const Change& c = pending_.front();
      return Status::Corruption("changes #" + std::to_string(c.server_seq) + "-#" +
                                std::to_string(pending_.back().server_seq) + " (" + c.record_type + " " + c.record_id +
                                ") cannot be stored as a run, so the file was left as it was: " + back.status().message());
    }
  }
  insert_->BindBlob(7, packed);
  pending_.clear();
  return insert_->Run();
}

Result<uint64_t> ChangeRuns::LastServerSeq() {
  FS_RETURN_IF_ERROR(Flush());
  FS_ASSIGN_OR_RETURN(auto s, db_.PrepareCached(
      "SELECT max(coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'change_runs'), 0), "
      "coalesce((SELECT max(last_server_seq) FROM change_runs), 0))"));
  FS_ASSIGN_OR_RETURN(bool row, s->Step());
  const uint64_t last = row ? U(s->Int(0)) : 0;
  s->Reset();
  return last;
}

Result<std::optional<ChangeRuns::Found>> ChangeRuns::Find(uint64_t server_seq) {
  FS_RETURN_IF_ERROR(Flush());
  find_->Bind(1, I(server_seq));
  auto row = find_->Step();
  std::optional<Result<LoggedRun>> run;
  if (row.ok() && *row && U(find_->Int(3)) <= server_seq) run = ReadRun(*find_);
  find_->Reset();
  if (!row.ok()) return row.status();
  if (!run) return std::optional<Found>();
  if (!run->ok()) return run->status();
  for (Change& c : (*run)->changes) {
    if (c.server_seq == server_seq) return std::optional<Found>(Found{std::move(c), (*run)->unchecked});
  }
  return std::optional<Found>();  // purged from its run
}

Result<std::unique_ptr<ChangeRuns::Reader>> ChangeRuns::Read(uint64_t after, uint64_t through,
                                                            const std::string* scope) {
  FS_RETURN_IF_ERROR(Flush());
  // Rows do not overlap: a row holding a change above `after` ends above it, and one holding a
  // change at or below `through` starts at or below it.
  FS_ASSIGN_OR_RETURN(auto s, db_.Prepare(std::string("SELECT ") + kRunColumns + " FROM change_runs WHERE " +
                                          (scope ? "scope = ?3 AND " : "") +
                                          "last_server_seq > ?1 AND first_server_seq <= ?2 ORDER BY last_server_seq"));
  s->Bind(1, I(after)).Bind(2, I(through));
  if (scope) s->Bind(3, *scope);
  return std::unique_ptr<Reader>(new Reader(std::move(s)));
}

Result<bool> ChangeRuns::Reader::Next(LoggedRun* run) {
  FS_ASSIGN_OR_RETURN(bool row, s_->Step());
  if (!row) return false;
  FS_ASSIGN_OR_RETURN(*run, ReadRun(*s_));
  return true;
}

Result<uint64_t> ChangeRuns::Purge(uint64_t horizon, const ChangeTest& superseded, const RemovedChange& removed) {
  FS_RETURN_IF_ERROR(Flush());
  // A run covers consecutive sequences, at most kMaxRunChanges of them, so a row holding a change
  // at or below the horizon ends before horizon + kMaxRunChanges: the bound on the key stops the
  // last slice from reading every newer row of the log.
  FS_ASSIGN_OR_RETURN(auto slice, db_.Prepare(std::string("SELECT ") + kRunColumns +
                                              " FROM change_runs WHERE last_server_seq > ?1 AND first_server_seq <= ?2 "
                                              "AND last_server_seq < ?2 + ?4 ORDER BY last_server_seq LIMIT ?3"));
  uint64_t removed_count = 0, after = 0;
  while (true) {
    // A slice is read to the end before any row of it is rewritten: SQLite leaves it undefined
    // whether a running SELECT sees rows changed under it.
    std::vector<LoggedRun> runs;
    slice->Bind(1, I(after)).Bind(2, I(horizon)).Bind(3, kPurgeSlice).Bind(4, static_cast<int64_t>(kMaxRunChanges));
    while (true) {
      auto row = slice->Step();
      if (!row.ok()) return row.status();
      if (!*row) break;
      FS_ASSIGN_OR_RETURN(LoggedRun run, ReadRun(*slice));
      runs.push_back(std::move(run));
    }
    slice->Reset();
    if (runs.empty()) return removed_count;
    after = runs.back().last_server_seq;
    for (LoggedRun& run : runs) {
      std::vector<Change> kept;
      for (Change& c : run.changes) {
        bool drop = false;
        if (c.server_seq <= horizon) {
          FS_ASSIGN_OR_RETURN(drop, superseded(c));
        }
        if (!drop) {
          kept.push_back(std::move(c));
          continue;
        }
        FS_RETURN_IF_ERROR(removed(c, run.unchecked));
        ++removed_count;
      }
      if (kept.size() == run.changes.size()) continue;
      if (kept.empty()) {
        drop_->Bind(1, I(run.last_server_seq));
        FS_RETURN_IF_ERROR(drop_->Run());
      } else {
        rewrite_->Bind(1, I(kept.size())).BindBlob(2, EncodeChangeRun(kept)).Bind(3, I(run.last_server_seq));
        FS_RETURN_IF_ERROR(rewrite_->Run());
      }
    }
  }
}

Result<uint64_t> ChangeRuns::CountChanges() {
  FS_RETURN_IF_ERROR(Flush());
  FS_ASSIGN_OR_RETURN(auto s, db_.Prepare("SELECT coalesce(sum(change_count), 0) FROM change_runs"));
  FS_ASSIGN_OR_RETURN(bool row, s->Step());
  return row ? U(s->Int(0)) : 0;
}

}  // namespace fieldsync::server
