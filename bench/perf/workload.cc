#include "workload.h"

#include <array>
#include <cstdio>

#include "fieldsync/seed_scenario.h"

namespace fieldsync::bench {
namespace {

// Words and phrases of supervision findings (the seed's vocabulary), mixed freely.
constexpr std::array kPhrases = {
    "cấp ủy",          "chính quyền",        "quy chế dân chủ",  "ở cơ sở",          "đã quán triệt",
    "triển khai",      "kịp thời",           "đầy đủ",           "văn bản",          "của Trung ương",
    "Thành ủy",        "Ủy ban nhân dân",    "người lao động",   "hội nghị",         "đối thoại định kỳ",
    "thỏa ước lao động tập thể", "nội quy",  "quy chế làm việc", "ban chỉ đạo",      "kiện toàn",
    "rà soát",         "hoàn thiện",         "công tác dân vận", "cải cách thủ tục hành chính", "Mặt trận Tổ quốc",
    "các tổ chức chính trị – xã hội", "tuyên truyền", "vận động", "phát huy quyền làm chủ", "của Nhân dân",
    "quy ước cộng đồng dân cư", "khu phố", "ấp", "tổ dân phố", "sắp xếp tổ chức bộ máy",
    "còn hạn chế",     "chưa thường xuyên",  "cần tăng cường",   "kiểm tra, giám sát", "tập huấn bồi dưỡng",
    "giải quyết khiếu nại, tố cáo", "Công đoàn", "Đoàn thanh niên", "doanh nghiệp", "Ban Tổng giám đốc",
    "Đảng ủy",         "phường",             "thị trấn",         "huyện Cần Giờ",    "Quận 4",
    "năm 2023",        "chủ đề năm",         "hiệu quả",         "chất lượng",       "được nâng lên",
    "nhận thức",       "trách nhiệm",        "người đứng đầu",   "cán bộ, đảng viên", "công chức",
    "đề nghị",         "kiến nghị",          "Ban Chỉ đạo thành phố", "sơ kết",      "tổng kết",
    "kinh nghiệm",     "cách làm hay",       "mô hình",          "điển hình",        "khó khăn, vướng mắc",
};
constexpr std::array kRatings = {"tot", "dat", "chua_dat", "khong_ap_dung"};

std::string DerivedId(const char* kind, size_t n) {
  // Looks like the UUIDs tablets make; fixed per index so runs compare.
  char buf[64];
  std::snprintf(buf, sizeof buf, "%08zx-%.4s-5%03zx-8%03zx-%012zx", n * 2654435761u % 0xffffffffu, kind, n % 4096,
                (n * 7) % 4096, n * 40503u);
  return buf;
}

}  // namespace

std::string FindingsGenerator::Text(size_t chars) {
  std::uniform_int_distribution<size_t> pick(0, kPhrases.size() - 1);
  std::string out;
  size_t count = 0;
  while (count < chars) {
    if (!out.empty()) {
      out += (rng_() % 7 == 0) ? ", " : " ";
      count += 2;
    }
    std::string phrase = kPhrases[pick(rng_)];
    out += phrase;
    count += phrase.size() * 3 / 4;  // ~1.35 bytes per Vietnamese character
  }
  if (rng_() % 3 == 0) out += " (" + std::to_string(rng_() % 500 + 1) + " lượt)";  // numbers make values distinct
  out += ".";
  return out;
}

std::string FindingsGenerator::Rating() { return kRatings[rng_() % kRatings.size()]; }

ScaledPlan MakeScaledPlan(size_t answers, size_t visits, size_t users, bool shared) {
  const auto& seed = seed::Plan31();
  ScaledPlan out;
  domain::PlanData& d = out.data;
  d.plan = seed.plan;
  d.templates = seed.templates;
  d.items = seed.items;
  std::vector<std::vector<const domain::ChecklistItem*>> items_of(d.templates.size());
  for (const auto& item : d.items) {
    for (size_t t = 0; t < d.templates.size(); ++t)
      if (item.template_id == d.templates[t].id) items_of[t].push_back(&item);
  }
  for (size_t v = 0; v < visits; ++v) {
    d.visits.push_back({DerivedId("visi", v), d.plan.id, "BV" + std::to_string(v + 1), "2023-07-06",
                        "Buổi làm việc " + std::to_string(v + 1)});
  }
  for (size_t u = 0; u < users; ++u) {
    char name[16];
    std::snprintf(name, sizeof name, "u%03zu", u);
    out.users.push_back(name);
    d.members.push_back({DerivedId("memb", u), d.plan.id, name, "Thành viên " + std::to_string(u), "Tổ giúp việc",
                         domain::RoleCode(domain::Role::kLeader)});
  }
  for (size_t v = 0; v < visits; ++v) {
    for (size_t u = 0; u < users; ++u) {
      if (!shared && u != v % users) continue;
      d.assignments.push_back({DerivedId("assi", v * users + u), d.visits[v].id, d.members[u].id});
    }
  }
  size_t unit = 0;
  while (out.slots.size() < answers) {
    const size_t t = unit % d.templates.size();
    const size_t visit_index = unit % visits;
    const auto& visit = d.visits[visit_index];
    d.units.push_back({DerivedId("unit", unit), d.plan.id, "BU" + std::to_string(unit + 1),
                       "Đảng ủy Phường " + std::to_string(unit + 1), "ward", "", visit.id, d.templates[t].id});
    for (const auto* item : items_of[t]) {
      if (out.slots.size() == answers) break;
      out.slots.push_back({visit.id, d.units.back().id, item->id, visit_index});
    }
    ++unit;
  }
  return out;
}

std::vector<FieldWrite> AnswerWrites(const ScaledPlan::Slot& slot, FindingsGenerator& gen) {
  const std::string id = domain::AnswerId(slot.unit_id, slot.item_id);
  std::vector<FieldWrite> w;
  w.reserve(kChangesPerAnswer);
  auto put = [&](const char* field, std::string value) {
    w.push_back(FieldWrite{domain::kAnswer, id, field, std::move(value), false});
  };
  put("visit_id", slot.visit_id);
  put("unit_id", slot.unit_id);
  put("item_id", slot.item_id);
  put(domain::kRatingField, gen.Rating());
  put(domain::kResultsField, gen.Text(220));
  put(domain::kGoodPracticesField, gen.Text(140));
  put(domain::kLimitationsField, gen.Text(140));
  put(domain::kRecommendationsField, gen.Text(110));
  return w;
}

void AppendValues(const std::vector<FieldWrite>& writes, std::string* out) {
  for (const auto& w : writes) {
    if (IsReferenceField(w.field)) continue;  // identity, not a value an inspector typed
    if (const auto* s = std::get_if<std::string>(&w.value)) out->append(*s);
  }
}

}  // namespace fieldsync::bench
