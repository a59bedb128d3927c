// AppliedKeys: the server's exactly-once keys (device id, device sequence) (S2), kept as ranges.
// A tablet pushes its outbox in sequence order and a batch is applied in one run of server
// sequences, so one row — (device, first and last device sequence, first server sequence) —
// stands for a whole batch instead of one row per change: the per-change b-tree insert and its
// ~130 bytes were a tenth of the server's ingest. A key's content digest (change_digest.h) is that
// of its change in the log (change_runs.h), and kept in purged_digests once the purge removes it.
// Part of SqliteServerStore; works in the caller's transaction. Not thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>

#include "change_runs.h"
#include "fieldsync/sqlite_db.h"

namespace fieldsync::server {

class AppliedKeys {
 public:
  // An exactly-once key seen before: where it was applied, and its content digest (empty when it
  // was applied before digests were kept, or its digest was lost).
  struct Applied {
    uint64_t server_seq = 0;
    std::string digest;
  };

  // `db` and `log` must outlive this object; `db` has the current server schema.
  static Result<std::unique_ptr<AppliedKeys>> Open(sql::Database& db, ChangeRuns& log);

  // Starts a batch: reads the ranges `device` holds between `low` and `high` at once (the batch's
  // smallest and largest sequence), so that its changes are looked up in memory.
  Status BeginBatch(const std::string& device, uint64_t low, uint64_t high);
  Result<std::optional<Applied>> Find(const std::string& device, uint64_t device_seq);
  // The change was applied at `server_seq` in this batch (and logged there).
  void Add(const std::string& device, uint64_t device_seq, uint64_t server_seq);
  // Writes the batch's ranges. Call before committing.
  Status EndBatch();

 private:
  // Device sequences first..last, applied at first_server_seq onwards.
  struct Range {
    uint64_t first = 0, last = 0, first_server_seq = 0;
    std::optional<uint64_t> ServerSeqOf(uint64_t device_seq) const;
  };
  using Ranges = std::map<uint64_t, Range>;  // disjoint, by first
  explicit AppliedKeys(ChangeRuns& log) : log_(log) {}
  static std::optional<uint64_t> ServerSeqIn(const Ranges& ranges, uint64_t device_seq);
  Result<std::optional<uint64_t>> StoredServerSeq(const std::string& device, uint64_t device_seq);
  Result<std::string> Digest(const std::string& device, uint64_t device_seq, uint64_t server_seq);

  ChangeRuns& log_;
  std::unique_ptr<sql::Statement> find_range_, batch_ranges_, put_range_, purged_digest_;
  std::string batch_device_;
  uint64_t batch_low_ = 0, batch_high_ = 0;
  Ranges batch_stored_;                                // batch_device_'s stored ranges
  std::unordered_map<std::string, Ranges> added_;      // this batch's, by device
};

}  // namespace fieldsync::server
