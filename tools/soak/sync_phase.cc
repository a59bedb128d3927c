// A round's syncs: every tablet that is online starts `fieldsync sync` at once through its faulty
// link, in batches of random size. Chaos, drawn from the seed:
//   - a device sync is SIGKILLed either once its link carried N bytes (mid-request or
//     mid-response) or after a random delay (which also lands between requests or while it
//     applies a pulled batch);
//   - the server is SIGKILLed a few ms after a push (or pull) request passed N bytes, or as its
//     response starts, and is restarted at once on the same port, as a supervisor would.
#include <signal.h>

#include <algorithm>
#include <chrono>
#include <optional>
#include <thread>

#include "soak/soak_run.h"

namespace fieldsync::soak {
namespace {

using SteadyClock = std::chrono::steady_clock;
using std::chrono::milliseconds;
constexpr auto kSyncLimit = std::chrono::seconds(120);  // a sync gives up long before (bounded attempts)

struct RunningSync {
  std::unique_ptr<ChildProcess> child;
  std::optional<SteadyClock::time_point> kill_at;
  std::optional<ExitStatus> status;
};

}  // namespace

void SoakRun::Syncs(int round) {
  auto uniform = [&](int64_t lo, int64_t hi) { return std::uniform_int_distribution<int64_t>(lo, hi)(rng_); };
  if (Chance(o_.server_kill)) {
    KillTrigger t;
    t.path = Chance(0.5) ? "/v1/push" : "/v1/pull";
    const bool as_response_starts = Chance(0.25);  // committed, answer on its way: the lost ack
    t.direction = as_response_starts ? fault_proxy::Direction::kDownstream : fault_proxy::Direction::kUpstream;
    t.bytes = as_response_starts ? 1 : static_cast<uint64_t>(uniform(1, 1200));
    t.delay = milliseconds(uniform(0, 25));
    server_kill_.Arm(t, [this](const std::string& path) {
      if (!server_->Kill()) return false;
      server_->Note("SIGKILL mid " + path);
      return true;
    });
    Say("round " + std::to_string(round) + ": server kill armed on " + t.path + " at byte " + std::to_string(t.bytes));
  }

  std::vector<std::pair<Tablet*, RunningSync>> running;
  std::vector<Tablet*> order;
  for (auto& t : tablets_) order.push_back(t.get());
  std::shuffle(order.begin(), order.end(), rng_);
  for (Tablet* t : order) {
    if (Chance(o_.offline)) {
      ++figures_.syncs_skipped_offline;
      continue;
    }
    // Small batches make a sync several requests (kills land between them); the pull uses the
    // same size, so not too small or a faulty link makes hundreds of requests.
    const int batch = std::vector<int>{5, 20, 100}[rng_() % 3];
    RunningSync r{t->device->StartSync(batch, o_.sync_attempts), {}, {}};
    ++figures_.syncs;
    if (Chance(o_.device_kill)) {
      if (Chance(0.5)) {
        KillTrigger k;
        k.direction = Chance(0.5) ? fault_proxy::Direction::kUpstream : fault_proxy::Direction::kDownstream;
        k.bytes = static_cast<uint64_t>(uniform(1, 3000));
        k.delay = milliseconds(uniform(0, 10));
        t->kill.Arm(k, [child = r.child.get()](const std::string&) { return child->Signal(SIGKILL); });
      } else {
        r.kill_at = SteadyClock::now() + milliseconds(uniform(5, 400));
      }
    }
    running.emplace_back(t, std::move(r));
    std::this_thread::sleep_for(milliseconds(uniform(0, 30)));
  }

  const auto deadline = SteadyClock::now() + kSyncLimit;
  for (bool busy = true; busy;) {
    busy = false;
    for (auto& [t, r] : running) {
      if (r.status) continue;
      if ((r.status = r.child->TryWait())) continue;
      busy = true;
      if (r.kill_at && SteadyClock::now() >= *r.kill_at) {
        r.child->Signal(SIGKILL);
        r.kill_at.reset();
      }
      if (SteadyClock::now() > deadline) {
        findings_.push_back(t->who.name + "'s sync hung for " + std::to_string(kSyncLimit.count()) +
                            " s (it should give up after its attempts); see " + work_ + "/logs/" + t->who.name + ".log");
        r.child->Signal(SIGKILL);
      }
    }
    if (server_->RestartIfDown()) {
      ++figures_.server_restarts;
      Say("round " + std::to_string(round) + ": server restarted");
    }
    if (busy) std::this_thread::sleep_for(milliseconds(2));
  }

  server_kill_.Disarm();
  if (std::string path = server_kill_.TakeStruckPath(); !path.empty()) {
    ++figures_.server_kills[path];
    Say("round " + std::to_string(round) + ": server killed mid " + path);
  }
  if (server_->RestartIfDown()) ++figures_.server_restarts;
  for (auto& [t, r] : running) {
    t->kill.Disarm();
    const auto outcome = t->device->Outcome(*r.child, *r.status);
    if (outcome.status.signaled && outcome.status.code == SIGKILL) {
      ++figures_.syncs_killed;
      ++figures_.device_kills;
    } else if (outcome.status.ok()) {
      ++figures_.syncs_ok;
    } else {
      ++figures_.syncs_failed;
    }
    Say("round " + std::to_string(round) + ": " + t->who.name + " sync " + outcome.status.Describe());
    CheckCursor(*t);
  }
}

}  // namespace fieldsync::soak
