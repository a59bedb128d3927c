#include "applied_keys.h"

#include <iterator>

#include "change_digest.h"

namespace fieldsync::server {
namespace {

int64_t I(uint64_t v) { return static_cast<int64_t>(v); }
uint64_t U(int64_t v) { return static_cast<uint64_t>(v); }

}  // namespace

Result<std::unique_ptr<AppliedKeys>> AppliedKeys::Open(sql::Database& db, ChangeRuns& log) {
  std::unique_ptr<AppliedKeys> keys(new AppliedKeys(log));
  FS_ASSIGN_OR_RETURN(keys->find_range_, db.Prepare(
      "SELECT first_seq, last_seq, first_server_seq FROM applied_ranges WHERE device_id = ? AND first_seq <= ? "
      "ORDER BY first_seq DESC LIMIT 1"));
  // From the range holding (or last before) the smallest sequence up to the largest.
  FS_ASSIGN_OR_RETURN(keys->batch_ranges_, db.Prepare(
      "SELECT first_seq, last_seq, first_server_seq FROM applied_ranges WHERE device_id = ?1 AND first_seq <= ?3 "
      "AND first_seq >= coalesce((SELECT max(first_seq) FROM applied_ranges WHERE device_id = ?1 AND first_seq <= ?2), 0) "
      "ORDER BY first_seq"));
  FS_ASSIGN_OR_RETURN(keys->put_range_, db.Prepare(
      "INSERT INTO applied_ranges (device_id, first_seq, last_seq, first_server_seq) VALUES (?, ?, ?, ?)"));
  FS_ASSIGN_OR_RETURN(keys->purged_digest_, db.Prepare(
      "SELECT coalesce(content_sha256, '') FROM purged_digests WHERE device_id = ? AND device_seq = ?"));
  return keys;
}

Status AppliedKeys::BeginBatch(const std::string& device, uint64_t low, uint64_t high) {
  added_.clear();
  batch_stored_.clear();
  batch_device_.clear();
  if (device.empty()) return Status::Ok();
  batch_ranges_->Bind(1, device).Bind(2, I(low)).Bind(3, I(high));
  while (true) {
    auto row = batch_ranges_->Step();
    if (!row.ok() || !*row) {
      batch_ranges_->Reset();
      if (!row.ok()) return row.status();
      break;
    }
    const Range r{U(batch_ranges_->Int(0)), U(batch_ranges_->Int(1)), U(batch_ranges_->Int(2))};
    batch_stored_.emplace(r.first, r);
  }
  batch_device_ = device;  // only now: Find trusts batch_stored_ for this device alone
  batch_low_ = low;
  batch_high_ = high;
  return Status::Ok();
}

std::optional<uint64_t> AppliedKeys::Range::ServerSeqOf(uint64_t device_seq) const {
  if (device_seq < first || device_seq > last) return std::nullopt;
  return first_server_seq + (device_seq - first);
}

std::optional<uint64_t> AppliedKeys::ServerSeqIn(const Ranges& ranges, uint64_t device_seq) {
  // Disjoint ranges: the candidate is the last one starting at or before it.
  auto after = ranges.upper_bound(device_seq);
  if (after == ranges.begin()) return std::nullopt;
  return std::prev(after)->second.ServerSeqOf(device_seq);
}

Result<std::optional<uint64_t>> AppliedKeys::StoredServerSeq(const std::string& device, uint64_t device_seq) {
  find_range_->Bind(1, device).Bind(2, I(device_seq));
  auto row = find_range_->Step();
  std::optional<uint64_t> server_seq;
  if (row.ok() && *row) {
    server_seq = Range{U(find_range_->Int(0)), U(find_range_->Int(1)), U(find_range_->Int(2))}.ServerSeqOf(device_seq);
  }
  find_range_->Reset();
  if (!row.ok()) return row.status();
  return server_seq;
}

Result<std::optional<AppliedKeys::Applied>> AppliedKeys::Find(const std::string& device, uint64_t device_seq) {
  std::optional<uint64_t> server_seq;
  if (auto it = added_.find(device); it != added_.end()) server_seq = ServerSeqIn(it->second, device_seq);
  if (!server_seq) {
    if (device == batch_device_ && device_seq >= batch_low_ && device_seq <= batch_high_) {
      server_seq = ServerSeqIn(batch_stored_, device_seq);
    } else {
      FS_ASSIGN_OR_RETURN(server_seq, StoredServerSeq(device, device_seq));
    }
  }
  if (!server_seq) return std::optional<Applied>();
  FS_ASSIGN_OR_RETURN(std::string digest, Digest(device, device_seq, *server_seq));
  return std::optional<Applied>(Applied{*server_seq, std::move(digest)});
}

Result<std::string> AppliedKeys::Digest(const std::string& device, uint64_t device_seq, uint64_t server_seq) {
  // The logged change's content is what the digest covers, so it is computed, not stored; one
  // applied before digests were kept reads as "" (not checked).
  FS_ASSIGN_OR_RETURN(auto logged, log_.Find(server_seq));
  if (logged && logged->change.device_id == device && logged->change.device_seq == device_seq) {
    return logged->unchecked ? std::string() : ContentDigest(logged->change);
  }
  purged_digest_->Bind(1, device).Bind(2, I(device_seq));  // the purge removed it from the log
  auto row = purged_digest_->Step();
  std::string purged;
  if (row.ok() && *row) purged = purged_digest_->Text(0);
  purged_digest_->Reset();
  if (!row.ok()) return row.status();
  return purged;
}

void AppliedKeys::Add(const std::string& device, uint64_t device_seq, uint64_t server_seq) {
  Ranges& ranges = added_[device];
  // Extends the range just before it when both sequences follow on; otherwise starts one.
  auto after = ranges.upper_bound(device_seq);
  if (after != ranges.begin()) {
    Range& r = std::prev(after)->second;
    if (device_seq == r.last + 1 && server_seq == r.first_server_seq + (r.last - r.first) + 1) {
      r.last = device_seq;
      return;
    }
  }
  ranges.emplace(device_seq, Range{device_seq, device_seq, server_seq});
}

Status AppliedKeys::EndBatch() {
  for (const auto& [device, ranges] : added_) {
    for (const auto& [first, r] : ranges) {
      put_range_->Bind(1, device).Bind(2, I(r.first)).Bind(3, I(r.last)).Bind(4, I(r.first_server_seq));
      FS_RETURN_IF_ERROR(put_range_->Run());
    }
  }
  added_.clear();
  return Status::Ok();
}

}  // namespace fieldsync::server
