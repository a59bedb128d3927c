// The `fieldsync-server` commands, one function each; main.cc parses the command line.
// Each returns the process exit code: 0 ok, 1 the command failed (message on stderr says what to
// do), 2 bad usage.
#pragma once

#include <cstdint>
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

}  // namespace fieldsync::server::cli
