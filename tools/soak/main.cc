// fieldsync-soak: see soak_run.h, `fieldsync-soak --help` and scripts/soak.
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <iostream>
#include <mutex>
#include <thread>

#include "soak/child_process.h"
#include "soak/soak_run.h"

namespace {

// Ctrl-C or a test runner's SIGTERM: no child may survive the driver.
void OnStopSignal(int) {
  fieldsync::soak::KillAllChildren();
  _exit(130);
}

// Ends the run, children included, when it overstays its bound by a wide margin (a hang).
class Watchdog {
 public:
  explicit Watchdog(std::chrono::seconds limit)
      : thread_([this, limit] {
          std::unique_lock lock(mu_);
          if (cv_.wait_for(lock, limit, [this] { return done_; })) return;
          std::cerr << "fieldsync-soak: the run overstayed its time bound by " << limit.count()
                    << " s and is stopped; its work folder is kept (see the first lines)\n";
          fieldsync::soak::KillAllChildren();
          _exit(3);
        }) {}
  ~Watchdog() {
    {
      std::lock_guard lock(mu_);
      done_ = true;
    }
    cv_.notify_all();
    thread_.join();
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool done_ = false;
  std::thread thread_;
};

}  // namespace

int main(int argc, char** argv) {
  fieldsync::soak::SoakOptions options;
  if (auto exit_code = fieldsync::soak::ParseSoakArgs(argc, argv, options)) return *exit_code;
  signal(SIGINT, OnStopSignal);
  signal(SIGTERM, OnStopSignal);
  signal(SIGPIPE, SIG_IGN);
  // The rounds stop at --minutes; set-up, the last round, quiesce and checks get 3 more minutes.
  Watchdog watchdog(std::chrono::seconds(static_cast<int64_t>(options.minutes * 60) + 180));
  return fieldsync::soak::SoakRun(options).Run();
}
