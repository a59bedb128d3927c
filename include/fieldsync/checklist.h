// Checklist: what a tablet app does with the store, in domain terms. It resolves the short codes
// people type (units `Q4`, items `A5`), lists visits, shows a unit's checklist with current
// answers, records answer edits (each part its own field change) and searches. Every error says
// what was wrong and what to do; a failed call changes nothing. Not thread-safe (like the store).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "fieldsync/device_store.h"
#include "fieldsync/domain.h"
#include "fieldsync/review.h"

namespace fieldsync {

struct VisitView {
  domain::Visit visit;
  std::vector<domain::Unit> units;
  std::vector<domain::Member> members;
};

struct ChecklistEntry {
  domain::ChecklistItem item;
  std::optional<domain::Answer> answer;  // nullopt until someone answers it
  domain::ReviewState review = {};       // received / needs changes / approved (review.h)
};

struct UnitChecklist {
  domain::Unit unit;
  domain::ChecklistTemplate checklist_template;
  std::vector<ChecklistEntry> entries;  // in item order
  // The conclusion of the unit's visit, when the leader wrote one, and its review.
  std::optional<domain::Conclusion> conclusion = std::nullopt;
  domain::ReviewState conclusion_review = {};
};

// Parts of an answer, or of a visit's conclusion (the same five), to change; unset parts are left
// alone.
struct AnswerEdit {
  std::optional<std::string> rating = std::nullopt;  // code or label, accent-insensitive
  std::optional<std::string> results = std::nullopt, good_practices = std::nullopt, limitations = std::nullopt,
                             recommendations = std::nullopt;
  bool empty() const { return !rating && !results && !good_practices && !limitations && !recommendations; }
};

// A conflict with what a person needs to judge it.
struct ConflictView {
  domain::Conflict conflict;
  std::string unit_code, unit_name, item_code, item_title;
  std::string field_label;  // "Kết quả đạt được"
};

// A search hit explained: which record, which field, with a human label.
struct SearchResult {
  SearchHit hit;
  std::string where;  // "Q4 · A5 · Kiến nghị, đề xuất" or "đơn vị Q4"
};

class Checklist {
 public:
  explicit Checklist(DeviceStore& store);
  ~Checklist();

  // Installs a whole plan (templates, items, visits, units, members, assignments) as reference
  // data: not in the outbox, and replaced by the server's copy at the first sync.
  Result<size_t> LoadPlan(const domain::PlanData& plan);

  Result<std::vector<VisitView>> Visits() const;
  // NotFound lists every valid unit code.
  Result<domain::Unit> UnitByCode(const std::string& code) const;
  // NotFound lists the unit's item codes.
  Result<domain::ChecklistItem> ItemByCode(const domain::Unit& unit, const std::string& code) const;
  Result<UnitChecklist> ChecklistOf(const std::string& unit_code) const;
  // Validates every part first (rating on the scale, valid UTF-8) and then writes them in one
  // transaction. Returns the answer as it now stands.
  Result<domain::Answer> Answer(const std::string& unit_code, const std::string& item_code, const AnswerEdit& edit);
  // Records parts of the conclusion of the unit's working session, checked and written like an
  // answer's. Only the session's leader or deputy may (the server enforces it too); an ordinary
  // edit that syncs. Returns the conclusion as it now stands.
  Result<domain::Conclusion> Conclude(const std::string& unit_code, const AnswerEdit& edit);
  Result<std::vector<SearchResult>> Search(const std::string& text) const;

  // Deletes one part of an answer (`part` is a field name such as "results"), or the whole answer
  // when `part` is empty. Deletions are tombstones that sync (S9). Answering again restores it.
  Status DeleteAnswer(const std::string& unit_code, const std::string& item_code, const std::string& part = "");

  // Conflicts on this tablet (they reach the leader's and deputy's tablets), open ones unless
  // `include_resolved`.
  Result<std::vector<ConflictView>> Conflicts(bool include_resolved = false) const;
  // Resolves a conflict by keeping one side or writing a merged value (kMerged needs `merged`).
  // Writes the chosen value as an ordinary change plus the conflict's closing fields, in one
  // transaction. Only a leader or deputy may (the server enforces it too).
  Result<domain::Conflict> Resolve(const std::string& conflict_id, domain::Resolution resolution,
                                   const std::string& merged = "");
  // Reviews the answer to `item_code` of the unit, or with an empty `item_code` the conclusion of
  // the unit's visit (review.h): an ordinary edit that syncs. Only a leader or deputy may (the
  // server enforces it too); FailedPrecondition when there is nothing to review yet.
  Result<domain::ReviewState> Review(const std::string& unit_code, const std::string& item_code,
                                     domain::ReviewStatus status, const std::string& comment);

 private:
  // The role of the store's user in the unit's session (their member record assigned to it; the
  // strongest of several); nullopt when the user is on no plan's team (the secretariat, say).
  // PermissionDenied when they are on a team but not assigned to that session, so a member's
  // tablet never queues an edit the server must refuse (S12).
  Result<std::optional<domain::Role>> RoleInSession(const domain::Unit& unit) const;
  Status CheckAssigned(const domain::Unit& unit) const { return RoleInSession(unit).status(); }
  // The look-ups behind UnitByCode, ItemByCode and RoleInSession, which keep their results.
  Result<domain::Unit> FindUnitByCode(const std::string& code) const;
  Result<domain::ChecklistItem> FindItemByCode(const domain::Unit& unit, const std::string& code) const;
  Result<std::optional<domain::Role>> FindRoleInSession(const domain::Unit& unit) const;
  // Writes `edit`'s parts to the answer or conclusion `type`/`id`, each checked first (a rating on
  // the scale, text valid UTF-8): with `identity` (the fields that place it) when the record is
  // new, undeleting it when it was deleted. One transaction. Returns the record as read before the
  // write with the written fields put in (a local write always becomes the field's current state),
  // which saves reading it back on every tap.
  Result<Record> WriteParts(const char* type, const std::string& id, const std::vector<FieldWrite>& identity,
                    const AnswerEdit& edit);
  // PermissionDenied ("only the team leader or deputy can <action>") when the store's user is an
  // ordinary member of a plan's team.
  Status CheckLeads(const std::string& action) const;

  DeviceStore& store_;
  // Look-ups every tap repeats (units and items by code, the user's role per session), kept while
  // the plan's records are unchanged (DeviceStore::TypeVersion).
  struct Lookups;
  std::unique_ptr<Lookups> lookups_;
};

}  // namespace fieldsync
