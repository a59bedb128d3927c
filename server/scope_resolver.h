// ScopeResolver: finds the scope key of each record a push touches (rules in
// include/fieldsync/server/scope.h). A record the store has seen keeps its stored scope; a new one
// is placed from its own fields in the same batch (visit_id, plan_id) or, for an answer, from its
// unit. Not thread-safe; lives for one batch.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "fieldsync/change.h"
#include "fieldsync/server/server_store.h"

namespace fieldsync::server {

class ScopeResolver {
 public:
  ScopeResolver(ServerStore& store, const std::vector<Change>& batch);
  // InvalidArgument when the record is new and nothing tells which plan or visit it belongs to.
  Result<std::string> ScopeOf(const std::string& type, const std::string& id);

 private:
  // The record's text field from the batch, else from the store; "" when absent.
  Result<std::string> FieldText(const std::string& type, const std::string& id, const std::string& field);
  Result<std::string> Compute(const std::string& type, const std::string& id);

  ServerStore& store_;
  std::map<std::tuple<std::string, std::string, std::string>, std::string> batch_text_;
  std::map<std::pair<std::string, std::string>, std::string> known_;
};

}  // namespace fieldsync::server
