// PlanReader: walks one plan in the server's store for the report writers, one unit at a time,
// through bounded queries (ServerStore::FindRecordsPage, RecordsByIdPrefix). What it keeps across
// units: the plan's visits (working sessions), the checklist items of the templates in use, and the
// names of the people who wrote; never all units or answers. Not thread-safe.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "fieldsync/domain.h"
#include "fieldsync/review.h"
#include "fieldsync/server/server_store.h"

namespace fieldsync::report {

// The part `field` of an answer or conclusion, or nullptr when it is empty or deleted.
const FieldState* FilledPart(const Record& record, const std::string& field);

// One item of a unit's checklist with its answer, when there is one.
struct ItemRow {
  domain::ChecklistItem item;
  std::optional<Record> answer;  // not deleted
  domain::ReviewState review;
  std::set<std::string> conflicted_parts;  // parts with an open conflict
  // The part's current state, or nullptr when it is empty or deleted.
  const FieldState* Part(const std::string& field) const;
};

struct UnitBlock {
  domain::Visit visit;
  domain::Unit unit;
  std::vector<ItemRow> items;  // the whole checklist, in item order
};

// A visit's conclusion (the leader's five parts), when written.
struct VisitBlock {
  domain::Visit visit;
  std::optional<Record> conclusion;  // not deleted
  domain::ReviewState review;
};

// Counts over answered items.
struct Counts {
  size_t items = 0, answered = 0;
  std::map<std::string, size_t> by_rating;  // rating code ("" when answered without a rating)
  size_t approved = 0, needs_changes = 0, received = 0, edited_since_review = 0;
  void Add(const ItemRow& row);
  void Add(const Counts& other);
};

class PlanReader {
 public:
  // NotFound listing the plans when there is no plan with that code.
  static Result<std::unique_ptr<PlanReader>> Open(server::ServerStore& store, const std::string& plan_code,
                                                  size_t page_size);

  const domain::Plan& plan() const { return plan_; }
  uint64_t as_of_server_seq() const { return as_of_; }
  // "Ngô Văn Luận" for "luan" (the account's full name), else the user name itself.
  std::string PersonName(const std::string& user);

  // What Walk reads of each unit: everything, or its answers only (no reviews, no conflicts; the
  // across-units lists need no more, and each such pass is then a third of the queries).
  enum class Detail { kFull, kAnswersOnly };
  // Every visit in date order, each followed by its units (superior units first, then by id);
  // either callback may be empty. Reads the units page by page and one unit's answers at a time.
  Status Walk(const std::function<Status(const VisitBlock&)>& on_visit,
              const std::function<Status(const UnitBlock&)>& on_unit, Detail detail = Detail::kFull);
  // The plan's open conflicts, page by page, in id order.
  Status ForEachOpenConflict(const std::function<Status(const domain::Conflict&)>& fn);
  // The unit and the item a conflict names (point reads).
  Result<std::optional<domain::Unit>> UnitById(const std::string& id);
  Result<std::optional<domain::ChecklistItem>> ItemById(const std::string& id);

 private:
  PlanReader(server::ServerStore& store, size_t page_size) : store_(store), page_size_(page_size) {}
  Status Load(const std::string& plan_code);
  Result<const std::vector<domain::ChecklistItem>*> ItemsOf(const std::string& template_id);
  Result<UnitBlock> ReadUnit(const domain::Visit& visit, const domain::Unit& unit, Detail detail);
  // Every record of a paged query, one page at a time.
  Status Pages(const std::function<Result<server::RecordPage>(const std::string& after)>& query,
               const std::function<Status(const Record&)>& fn);

  server::ServerStore& store_;
  size_t page_size_;
  domain::Plan plan_;
  uint64_t as_of_ = 0;
  std::vector<domain::Visit> visits_;
  std::map<std::string, std::vector<domain::ChecklistItem>> items_by_template_;
  std::map<std::string, std::string> names_;
};

}  // namespace fieldsync::report
