#include "audit_chain.h"

#include "crypto.h"

namespace fieldsync::server {
namespace {

void Put(std::string& out, const std::string& field) {
  out += std::to_string(field.size());
  out += ':';
  out += field;
  out += '\n';
}

}  // namespace

std::string AuditEntryHash(const AuditEntry& e) {
  std::string encoded = "fieldsync-audit-v1\n";
  Put(encoded, std::to_string(e.seq));
  Put(encoded, std::to_string(e.at_ms));
  Put(encoded, e.event.actor);
  Put(encoded, e.event.device_id);
  Put(encoded, e.event.action);
  Put(encoded, e.event.detail);
  Put(encoded, e.prev_sha256);
  return Sha256Hex(encoded);
}

void AuditChainChecker::ExpectAnchor(uint64_t seq, std::string sha256) {
  anchor_seq_ = seq;
  anchor_sha256_ = std::move(sha256);
}

bool AuditChainChecker::Finish() {
  if (ok() && anchor_seq_ > entries_) {
    problem_ = "the log ends at entry " + std::to_string(entries_) + ", before the anchored entry " +
               std::to_string(anchor_seq_) + ": its tail was removed";
  }
  return ok();
}

bool AuditChainChecker::Add(const AuditEntry& e) {
  if (!ok()) return false;
  const std::string where = "audit entry " + std::to_string(e.seq);
  if (e.seq != entries_ + 1) {
    problem_ = where + " follows entry " + std::to_string(entries_) + ": entries are missing or were inserted";
  } else if (e.prev_sha256 != head_) {
    problem_ = where + " does not point at the entry before it: an earlier entry was changed or removed";
  } else if (AuditEntryHash(e) != e.sha256) {
    problem_ = where + " (" + e.event.action + " by " + e.event.actor + ") was changed after it was written";
  } else if (e.seq == anchor_seq_ && e.sha256 != anchor_sha256_) {
    problem_ = where + " is not the entry anchored earlier (its hash differs): the log was rewritten from there on";
  }
  if (!ok()) return false;
  ++entries_;
  head_ = e.sha256;
  return true;
}

}  // namespace fieldsync::server
