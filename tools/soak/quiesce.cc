// After the rounds: faults off and no kills; every tablet syncs in turn until no outbox is left and
// two passes in a row move nothing (nothing pushed, nothing received). A sync that fails here,
// on a clean link with the server up, is a finding.
#include <chrono>

#include "soak/soak_run.h"

namespace fieldsync::soak {
namespace {
constexpr int kMaxPasses = 15;
}

bool SoakRun::Quiesce() {
  for (auto& t : tablets_) t->proxy->SetFaultsEnabled(false);
  server_->RestartIfDown();
  int quiet = 0;
  for (figures_.quiesce_passes = 1; figures_.quiesce_passes <= kMaxPasses; ++figures_.quiesce_passes) {
    bool moved = false;
    size_t pending = 0;
    for (auto& t : tablets_) {
      auto sync = t->device->StartSync(500, 5);
      auto status = sync->WaitFor(std::chrono::seconds(120));
      if (!status) {
        findings_.push_back(t->who.name + "'s quiesce sync hung; see " + work_ + "/logs/" + t->who.name + ".log");
        return false;
      }
      auto outcome = t->device->Outcome(*sync, *status);
      if (!outcome.status.ok()) {
        findings_.push_back(t->who.name + "'s sync failed on a clean link (" + outcome.status.Describe() + "); see " +
                            work_ + "/logs/" + t->who.name + ".log");
        moved = true;
      }
      moved = moved || outcome.pushed > 0 || outcome.received > 0;
      CheckCursor(*t);
      pending += ReadOutbox(t->device->db()).size();
    }
    quiet = (!moved && pending == 0) ? quiet + 1 : 0;
    if (quiet == 2) return true;
  }
  figures_.quiesce_passes = kMaxPasses;
  return false;
}

}  // namespace fieldsync::soak
