// fieldsync_test_write_conclusion: the browser test's stand-in for a leader's tablet writing its
// visit's conclusion, which the tablet command line has no command for yet. It writes through the
// tablet's one write path (DeviceStore::Write, S1), so the next `fieldsync sync` pushes it like
// any edit and the server checks the leader's right to write it.
//   fieldsync_test_write_conclusion STORE.db VISIT_CODE RESULTS RECOMMENDATIONS
#include <iostream>

#include "fieldsync/device_store.h"
#include "fieldsync/domain.h"

int main(int argc, char** argv) {
  using namespace fieldsync;
  if (argc != 5) {
    std::cerr << "usage: fieldsync_test_write_conclusion STORE.db VISIT_CODE RESULTS RECOMMENDATIONS\n";
    return 2;
  }
  auto store = DeviceStore::Open(argv[1]);
  if (!store.ok()) {
    std::cerr << store.status().ToString() << "\n";
    return 1;
  }
  auto visits = (*store)->FindRecords(domain::kVisit, "code", argv[2]);
  if (!visits.ok() || visits->empty()) {
    std::cerr << "no visit " << argv[2] << " in " << argv[1] << " (sync first)\n";
    return 1;
  }
  const std::string visit_id = visits->front().id;
  const std::string id = domain::ConclusionId(visit_id);
  auto written = (*store)->Write({{domain::kConclusion, id, "visit_id", visit_id},
                                  {domain::kConclusion, id, domain::kResultsField, std::string(argv[3])},
                                  {domain::kConclusion, id, domain::kRecommendationsField, std::string(argv[4])}});
  if (!written.ok()) {
    std::cerr << written.status().ToString() << "\n";
    return 1;
  }
  return 0;
}
