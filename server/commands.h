// The `fieldsync-server` commands, one function each; main.cc parses the command line.
// Each returns the process exit code: 0 ok, 1 the command failed (message on stderr says what to
// do), 2 bad usage.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "fieldsync/server/http_server.h"
#include "fieldsync/server/sync_service.h"

namespace fieldsync::server::cli {

struct Common {
  std::string db;
  bool json = false;
};

// Prints "fieldsync-server: <message>" on stderr; returns 1.
int Fail(const Status& s);
// The service over common.db, for one admin command.
Result<std::unique_ptr<SyncService>> OpenService(const Common& common);

int RunServe(const Common& common, const std::string& listen, int64_t max_drift_seconds, const TlsFiles& tls);
int RunUserAdd(const Common& common, const std::string& name, const std::string& role, const std::string& full_name);
// Reads the new dashboard password from standard input (password_command.cc).
int RunUserPasswd(const Common& common, const std::string& name);
int RunPlanImport(const Common& common, bool demo);
int RunAssign(const Common& common, const std::string& user, const std::string& visit);
int RunEnrollCode(const Common& common, const std::string& user);
int RunAnswers(const Common& common, const std::string& plan);
int RunConflicts(const Common& common, const std::string& plan, bool all);
// `keep` is "winner" or "loser", or empty when `value` is given (exactly one of them).
int RunResolve(const Common& common, const std::string& conflict_id, const std::string& keep,
               const std::optional<std::string>& value);
int RunPurge(const Common& common, int64_t retention_days);
int RunDeviceList(const Common& common);
// Exactly one of `device` and `user` is given.
int RunDeviceRevoke(const Common& common, const std::string& device, const std::string& user);
int RunAuditList(const Common& common, uint64_t after, size_t limit);
// `anchor`: "SEQ:SHA256" printed by an earlier verify, or "".
int RunAuditVerify(const Common& common, const std::string& anchor);
// Sets the review of an answer (target.unit_code + item_code) or a conclusion (target.visit_code)
// as `as_user` (review_report_commands.cc).
int RunReview(const Common& common, const ReviewTarget& target, const std::string& status,
              const std::string& comment, const std::string& as_user);
// The consolidated report; `out_path` empty writes to stdout.
int RunReport(const Common& common, const std::string& plan, const std::string& format,
              const std::string& language, const std::string& out_path);

}  // namespace fieldsync::server::cli
