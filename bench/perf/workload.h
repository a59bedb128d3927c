// The benchmark workload: the seed plan's two templates scaled up to many units and visits, and
// answers that each carry a rating and four Vietnamese findings of realistic length, drawn from a
// seeded generator so that every run writes the same bytes (and most values are distinct).
#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "fieldsync/change.h"
#include "fieldsync/domain.h"

namespace fieldsync::bench {

// A plan big enough for `answers` answers: units on templates A (7 items) and B (6 items),
// `visits` visits, and `users` team members named u000, u001... (all leaders). Each visit i is
// assigned to member i % users, or to every member when `shared` (all tablets see all answers).
struct ScaledPlan {
  domain::PlanData data;
  std::vector<std::string> users;
  // The visit of each unit, and for answer i its unit and item.
  struct Slot {
    std::string visit_id, unit_id, item_id;
    size_t visit_index = 0;
  };
  std::vector<Slot> slots;
};
ScaledPlan MakeScaledPlan(size_t answers, size_t visits, size_t users, bool shared);

// Deterministic Vietnamese findings text.
class FindingsGenerator {
 public:
  explicit FindingsGenerator(uint64_t seed) : rng_(seed) {}
  // A finding of about `chars` characters (whole words, NFC).
  std::string Text(size_t chars);
  std::string Rating();

 private:
  std::mt19937_64 rng_;
};

// The writes of one fresh answer: its identity fields, a rating and the four findings.
std::vector<FieldWrite> AnswerWrites(const ScaledPlan::Slot& slot, FindingsGenerator& gen);
// The field values alone (rating + findings) of `writes`, concatenated: the compression floor.
void AppendValues(const std::vector<FieldWrite>& writes, std::string* out);

inline constexpr size_t kChangesPerAnswer = 8;  // visit_id, unit_id, item_id + rating + 4 findings

}  // namespace fieldsync::bench
