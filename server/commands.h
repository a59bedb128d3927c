// The `fieldsync-server` commands, one function each; main.cc parses the command line.
// Each returns the process exit code: 0 ok, 1 the command failed (message on stderr says what to
// do), 2 bad usage.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace fieldsync::server::cli {

struct Common {
  std::string db;
  bool json = false;
};

int RunServe(const Common& common, const std::string& listen, int64_t max_drift_seconds);
int RunUserAdd(const Common& common, const std::string& name, const std::string& role, const std::string& full_name);
int RunPlanImport(const Common& common, bool demo);
int RunAssign(const Common& common, const std::string& user, const std::string& visit);
int RunEnrollCode(const Common& common, const std::string& user);
int RunAnswers(const Common& common, const std::string& plan);
int RunConflicts(const Common& common, const std::string& plan, bool all);
// `keep` is "winner" or "loser", or empty when `value` is given (exactly one of them).
int RunResolve(const Common& common, const std::string& conflict_id, const std::string& keep,
               const std::optional<std::string>& value);
int RunPurge(const Common& common, int64_t retention_days);

}  // namespace fieldsync::server::cli
