// SyncService: lost tablets (list, revoke) and the audit log (entries, chain check).
#include "audit_chain.h"
#include "fieldsync/server/sync_service.h"
#include "fieldsync/text.h"

namespace fieldsync::server {

Status SyncService::AuditAdmin(const std::string& action, const std::string& detail) {
  return store_->AppendAudit(AuditEvent{options_.operator_name, "", action, detail}, wall_->NowMillis());
}

Result<std::vector<DeviceInfo>> SyncService::Devices() {
  std::lock_guard lock(mu_);
  return store_->ListDevices();
}

Result<size_t> SyncService::RevokeDevices(const std::string& device_id, const std::string& user_name) {
  std::lock_guard lock(mu_);
  FS_ASSIGN_OR_RETURN(std::string device, NormalizeText(device_id, "device id"));
  FS_ASSIGN_OR_RETURN(std::string user, NormalizeText(user_name, "user name"));
  if (device.empty() == user.empty()) {
    return Status::InvalidArgument("name either one device (--device ID, see `fieldsync-server device list`) or a "
                                   "user whose tablets are all cut off (--user NAME)");
  }
  FS_ASSIGN_OR_RETURN(auto devices, store_->ListDevices());
  bool known = false;
  for (const auto& d : devices) known = known || (device.empty() ? d.user_name == user : d.device_id == device);
  if (!known) {
    return Status::NotFound(device.empty() ? "user '" + user + "' has no enrolled tablet"
                                           : "no enrolled tablet " + device + "; see `fieldsync-server device list`");
  }
  FS_ASSIGN_OR_RETURN(size_t revoked, store_->RevokeDevices(device, user, wall_->NowMillis()));
  FS_RETURN_IF_ERROR(AuditAdmin("device_revoke", device.empty() ? "every tablet of " + user : device));
  return revoked;
}

Result<std::vector<AuditEntry>> SyncService::AuditEntries(uint64_t after_seq, size_t max) {
  std::lock_guard lock(mu_);
  return store_->AuditEntries(after_seq, max);
}

Result<AuditCheck> SyncService::VerifyAudit(uint64_t anchor_seq, const std::string& anchor_sha256) {
  AuditChainChecker checker;
  if (anchor_seq > 0) checker.ExpectAnchor(anchor_seq, anchor_sha256);
  uint64_t after = 0;
  while (true) {
    // A page at a time, releasing the lock in between: the log may be long.
    FS_ASSIGN_OR_RETURN(auto page, AuditEntries(after, 1000));
    for (const auto& entry : page) {
      if (!checker.Add(entry)) return AuditCheck{false, checker.entries(), checker.head(), checker.problem()};
    }
    if (page.empty()) break;
    after = page.back().seq;
  }
  if (!checker.Finish()) return AuditCheck{false, checker.entries(), checker.head(), checker.problem()};
  return AuditCheck{true, checker.entries(), checker.head(), ""};
}

}  // namespace fieldsync::server
