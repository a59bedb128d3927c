// The audit log's hash chain: how an entry's sha256 is computed and how a whole log is checked.
// Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <string>

#include "fieldsync/server/server_store.h"

namespace fieldsync::server {

// prev_sha256 of the first entry.
inline const std::string kAuditGenesis(64, '0');

// Lowercase hex SHA-256 over seq, at_ms, actor, device, action, detail and prev_sha256, each
// length-prefixed so that no two different entries encode alike.
std::string AuditEntryHash(const AuditEntry& entry);

// Walks a log entry by entry (feed them in seq order), remembering the first break.
class AuditChainChecker {
 public:
  // An entry hash written down earlier (outside the server): the log must still hold entry `seq`
  // with exactly this hash. The chain alone cannot show a log rewritten from some entry on with
  // every hash recomputed; an anchor can.
  void ExpectAnchor(uint64_t seq, std::string sha256);
  // False once the chain is broken; problem() then says where and how.
  bool Add(const AuditEntry& entry);
  // After the last entry: false when the log ends before the anchor.
  bool Finish();
  bool ok() const { return problem_.empty(); }
  const std::string& problem() const { return problem_; }
  uint64_t entries() const { return entries_; }
  // The newest entry's sha256 (the genesis value for an empty log): write it down somewhere else
  // to detect later truncation of the log's tail, which a chain alone cannot show.
  const std::string& head() const { return head_; }

 private:
  uint64_t anchor_seq_ = 0;
  std::string anchor_sha256_;
  uint64_t entries_ = 0;
  std::string head_ = kAuditGenesis;
  std::string problem_;
};

}  // namespace fieldsync::server
