// The benchmark's output: one row per figure in a markdown table, then (last line) one JSON object
// with every figure by name, the machine and the commit.
#pragma once

#include <string>
#include <vector>

namespace fieldsync::bench {

class Report {
 public:
  // `name` is the JSON key; `what` the table's words; `target` e.g. "≤ 1.3" ("" when none).
  void Add(const std::string& name, double value, const std::string& unit, const std::string& what,
           const std::string& target = "");
  void Note(const std::string& line) { notes_.push_back(line); }
  void Print(const std::string& machine, int cores, const std::string& commit, bool quick) const;

 private:
  struct Row {
    std::string name, unit, what, target;
    double value;
  };
  std::vector<Row> rows_;
  std::vector<std::string> notes_;
};

}  // namespace fieldsync::bench
