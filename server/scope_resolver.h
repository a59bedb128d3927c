// ScopeResolver: finds the scope key of each record a push touches (rules in
// include/fieldsync/server/scope.h). A record the store has seen keeps its stored scope; a new one
// is placed from its own fields in the same batch (visit_id, plan_id) or, for an answer, from its
// unit only. Store errors are returned as they are, never replaced by a guess from the client's
// fields. Not thread-safe; lives for one batch.
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
  // `secretariat`: the pushing user may also place an answer of a unit the server does not know
  // (by its visit_id field); anyone else may not, since they could then pick its visit.
  ScopeResolver(ServerStore& store, const std::vector<Change>& batch, bool secretariat);
  // InvalidArgument when the record is new and nothing tells which plan or visit it belongs to.
  Result<std::string> ScopeOf(const std::string& type, const std::string& id);
  // InvalidArgument when `c` writes an answer's visit_id or unit_id that contradicts where the
  // answer lives (`scope`, from ScopeOf) or the unit its id names.
  Status CheckAnswerReferences(const Change& c, const std::string& scope) const;

 private:
  // The record's text field from the batch, else from the store; "" when absent. Only the fields
  // that place a record (visit_id, plan_id, unit_id) are kept from the batch.
  Result<std::string> FieldText(const std::string& type, const std::string& id, const std::string& field);
  // The scope, or "" when the record is unknown and nothing in the batch places it.
  Result<std::string> Find(const std::string& type, const std::string& id);
  Result<std::string> Compute(const std::string& type, const std::string& id);
  Result<std::string> AnswerScope(const std::string& id);

  ServerStore& store_;
  const bool secretariat_;
  std::map<std::tuple<std::string, std::string, std::string>, std::string> batch_text_;
  std::map<std::pair<std::string, std::string>, std::string> known_;
  std::string last_type_, last_id_, last_scope_;  // ScopeOf's previous answer
};

}  // namespace fieldsync::server
