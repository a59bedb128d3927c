#include "report.h"

#include <cmath>
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>

namespace fieldsync::bench {
namespace {

std::string Format(double v) {
  char buf[32];
  if (v == std::floor(v) && std::fabs(v) < 1e15) std::snprintf(buf, sizeof buf, "%.0f", v);
  else if (std::fabs(v) >= 100) std::snprintf(buf, sizeof buf, "%.0f", v);
  else if (std::fabs(v) >= 1) std::snprintf(buf, sizeof buf, "%.2f", v);
  else std::snprintf(buf, sizeof buf, "%.3f", v);
  return buf;
}

}  // namespace

void Report::Add(const std::string& name, double value, const std::string& unit, const std::string& what,
                 const std::string& target) {
  rows_.push_back(Row{name, unit, what, target, value});
  std::cerr << "  " << name << " = " << Format(value) << " " << unit << std::endl;  // progress while running
}

void Report::Print(const std::string& machine, int cores, const std::string& commit, bool quick) const {
  std::cout << "\n| figure | value | unit | target | what |\n|---|---:|---|---|---|\n";
  for (const auto& r : rows_) {
    std::cout << "| `" << r.name << "` | " << Format(r.value) << " | " << r.unit << " | " << r.target << " | "
              << r.what << " |\n";
  }
  std::cout << "\nMachine: " << machine << ", " << cores << " cores; commit " << commit
            << (quick ? "; quick run" : "; full run") << "\n";
  for (const auto& n : notes_) std::cout << "- " << n << "\n";
  nlohmann::ordered_json json;
  for (const auto& r : rows_) json[r.name] = r.value;
  json["machine"] = machine;
  json["cores"] = cores;
  json["commit"] = commit;
  json["quick"] = quick;
  std::cout << "\n" << json.dump() << std::endl;
}

}  // namespace fieldsync::bench
