#include "soak/workload.h"

#include <algorithm>

#include "soak/store_state.h"

namespace fieldsync::soak {
namespace {

const char* const kRatings[] = {"tot", "dat", "chua_dat", "khong_ap_dung"};
const char* const kParts[] = {"rating", "results", "good_practices", "limitations", "recommendations"};
// Shared by everyone: two inspectors writing it is an equal value, never a conflict.
const char* const kCommonText = "Đã kiểm tra, thống nhất với đoàn";

template <typename T>
const T& Pick(const std::vector<T>& v, std::mt19937_64& rng) {
  return v[std::uniform_int_distribution<size_t>(0, v.size() - 1)(rng)];
}

bool Chance(double p, std::mt19937_64& rng) { return std::uniform_real_distribution<double>(0, 1)(rng) < p; }

struct HeldAnswer {
  std::string unit, item;
  std::vector<std::string> parts;
};

// Answers on the tablet, not deleted, of units this user may answer.
std::vector<HeldAnswer> HeldAnswers(const Device& device, const TeamMember& who) {
  std::vector<HeldAnswer> out;
  const auto state = ReadDeviceState(device.db());
  for (const auto& [id, fields] : RecordsOfType(state.fields, "answer")) {
    auto codes = AnswerCodes(id);
    if (!codes || IsDeleted(fields)) continue;
    if (std::find(who.unit_codes.begin(), who.unit_codes.end(), codes->first) == who.unit_codes.end()) continue;
    HeldAnswer a{codes->first, codes->second, {}};
    for (const char* part : kParts) {
      auto f = fields.find(part);
      if (f != fields.end() && !f->second.tombstone) a.parts.push_back(part);
    }
    out.push_back(std::move(a));
  }
  return out;
}

std::string Text(const char* what, const TeamMember& who, int round, int edit, std::mt19937_64& rng) {
  if (Chance(0.15, rng)) return kCommonText;
  return std::string(what) + " — vòng " + std::to_string(round) + ", " + who.full_name + ", lần " +
         std::to_string(edit);
}

AnswerParts RandomParts(const TeamMember& who, int round, int edit, std::mt19937_64& rng) {
  AnswerParts p;
  do {
    if (Chance(0.5, rng)) p.rating = kRatings[rng() % 4];
    if (Chance(0.5, rng)) p.results = Text("Kết quả đạt được", who, round, edit, rng);
    if (Chance(0.3, rng)) p.good_practices = Text("Cách làm hay", who, round, edit, rng);
    if (Chance(0.3, rng)) p.limitations = Text("Hạn chế, khó khăn", who, round, edit, rng);
    if (Chance(0.3, rng)) p.recommendations = Text("Kiến nghị", who, round, edit, rng);
  } while (!p.rating && !p.results && !p.good_practices && !p.limitations && !p.recommendations);
  return p;
}

void Note(std::vector<std::string>& errors, const Device& d, const std::string& what, const std::string& error) {
  if (!error.empty()) errors.push_back(d.name() + ": `fieldsync " + what + "` refused: " + error);
}

}  // namespace

EditCounts& EditCounts::operator+=(const EditCounts& o) {
  answers += o.answers;
  part_deletes += o.part_deletes;
  answer_deletes += o.answer_deletes;
  resolutions += o.resolutions;
  return *this;
}

std::mt19937_64 RoundRng(uint64_t seed, int round, int device_index) {
  std::seed_seq seq{static_cast<uint32_t>(seed), static_cast<uint32_t>(seed >> 32), static_cast<uint32_t>(round),
                    static_cast<uint32_t>(device_index)};
  return std::mt19937_64(seq);
}

EditCounts PlayRound(Device& device, const TeamMember& who, const WorkloadSettings& settings, std::mt19937_64& rng,
                     int round, std::vector<std::string>& errors) {
  EditCounts counts;
  if (who.can_resolve()) {
    auto open = device.Conflicts();
    std::shuffle(open.begin(), open.end(), rng);
    for (int i = 0; i < settings.max_resolutions && i < static_cast<int>(open.size()); ++i) {
      const std::string& field = open[i].field;
      // A merged value must be valid for its field: a rating on the scale, free text for findings.
      const bool text = field != "rating" && std::find(std::begin(kParts), std::end(kParts), field) != std::end(kParts);
      const int ways = field == "rating" || text ? 3 : 2;
      const char* how = std::vector<const char*>{"winner", "loser", "value"}[rng() % ways];
      const std::string merged = text ? "Thống nhất sau thảo luận — vòng " + std::to_string(round) + ", " + who.full_name
                                      : kRatings[rng() % 4];
      Note(errors, device, "resolve " + open[i].id, device.Resolve(open[i].id, how, merged));
      ++counts.resolutions;
    }
  }
  const int edits = std::uniform_int_distribution<int>(1, settings.max_edits_per_round)(rng);
  for (int e = 0; e < edits; ++e) {
    const double u = std::uniform_real_distribution<double>(0, 1)(rng);
    if (u < settings.delete_part + settings.delete_answer) {
      auto held = HeldAnswers(device, who);
      if (!held.empty()) {
        const HeldAnswer& a = Pick(held, rng);
        const bool whole = u >= settings.delete_part || a.parts.empty();
        const std::string part = whole ? "" : Pick(a.parts, rng);
        Note(errors, device, "delete " + a.unit + " " + a.item + " " + part, device.Delete(a.unit, a.item, part));
        ++(whole ? counts.answer_deletes : counts.part_deletes);
        continue;
      }
    }
    const std::string& unit = Pick(who.unit_codes, rng);
    const auto items = ItemCodes(unit);
    const bool hot = Chance(settings.hot_share, rng);
    const std::string& item = hot ? items[rng() % 2] : Pick(items, rng);
    Note(errors, device, "answer " + unit + " " + item, device.Answer(unit, item, RandomParts(who, round, e, rng)));
    ++counts.answers;
  }
  return counts;
}

}  // namespace fieldsync::soak
