#include "soak/report.h"

#include <iomanip>

namespace fieldsync::soak {

int RunFigures::ServerKills() const {
  int total = 0;
  for (const auto& [path, n] : server_kills) total += n;
  return total;
}

void PrintReport(std::ostream& out, const RunFigures& run, const fault_proxy::FaultStats& faults,
                 const VerifyResult& verify, const std::vector<std::string>& findings) {
  const auto& v = verify.figures;
  out << "\n== fieldsync soak: " << run.rounds << " rounds in " << std::fixed << std::setprecision(1) << run.seconds
      << " s\n";
  out << "edits:     " << run.edits.answers << " answers, " << run.edits.part_deletes << " part deletes, "
      << run.edits.answer_deletes << " answer deletes, " << run.edits.resolutions << " resolutions; "
      << v.changes_written << " changes written\n";
  out << "syncs:     " << run.syncs << " attempted, " << run.syncs_ok << " ok, " << run.syncs_failed << " failed, "
      << run.syncs_killed << " killed; " << run.syncs_skipped_offline << " skipped offline; quiesced in "
      << run.quiesce_passes << " passes\n";
  out << "faults:    " << faults.TotalFaults() << " on " << faults.Connections() << " connections (";
  const char* sep = "";
  for (auto kind : fault_proxy::kFaultKinds) {
    out << sep << fault_proxy::FaultName(kind) << " " << faults.Faults(kind);
    sep = ", ";
  }
  out << "); " << faults.TargetDown() << " connections found the server down\n";
  out << "kills:     " << run.device_kills << " device syncs, " << run.ServerKills() << " server";
  sep = " (";
  for (const auto& [path, n] : run.server_kills) {
    out << sep << n << " mid " << path;
    sep = ", ";
  }
  out << (run.server_kills.empty() ? "" : ")") << ", " << run.server_restarts << " server restarts\n";
  out << "server:    " << v.server_changes << " changes in the log, " << v.conflicts << " conflicts ("
      << v.open_conflicts << " open)\n";
  out << "checks:    duplicates " << v.duplicates << ", lost " << v.lost << ", altered " << v.altered << ", unknown "
      << v.unknown << ", refused " << v.rejected << ", divergent fields " << v.divergent_fields << " of " << v.fields_compared << " compared on "
      << v.devices_compared << " devices, pending " << v.pending << ", values lost " << v.values_lost << " of "
      << v.values_checked << ", deletions undone " << v.deletions_undone << "\n";
  const size_t problems = verify.violation_count() + findings.size();
  if (problems == 0) {
    out << "result:    OK, every promise held\n";
    return;
  }
  out << "result:    FAILED, " << problems << " violation(s):\n";
  for (const auto& f : findings) out << "  - " << f << "\n";
  for (const auto& m : verify.violations()) out << "  - " << m << "\n";
  if (verify.violations().size() < verify.violation_count()) {
    out << "  ... and " << verify.violation_count() - verify.violations().size() << " more\n";
  }
}

}  // namespace fieldsync::soak
