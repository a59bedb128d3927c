#include "soak/soak_run.h"

#include <stdlib.h>

#include <chrono>
#include <filesystem>
#include <iostream>
#include <thread>

namespace fieldsync::soak {
namespace {

using SteadyClock = std::chrono::steady_clock;

std::string MakeWorkDir(const std::string& requested) {
  if (!requested.empty()) {
    std::filesystem::create_directories(requested + "/logs");
    return requested;
  }
  std::string tmpl = (std::filesystem::temp_directory_path() / "fieldsync-soak-XXXXXX").string();
  if (!mkdtemp(tmpl.data())) throw std::runtime_error("cannot create a work folder in " + tmpl);
  std::filesystem::create_directories(tmpl + "/logs");
  return tmpl;
}

}  // namespace

SoakRun::SoakRun(SoakOptions options) : o_(std::move(options)), rng_(o_.seed) {}

SoakRun::~SoakRun() {
  // The proxies' threads call into the kill switches and the server: stop them first.
  for (auto& t : tablets_) {
    if (t->proxy) t->proxy->Stop();
  }
  server_.reset();
}

bool SoakRun::Chance(double p) { return std::uniform_real_distribution<double>(0, 1)(rng_) < p; }

void SoakRun::Say(const std::string& line) {
  if (o_.verbose) std::cout << line << std::endl;
}

void SoakRun::SetUp() {
  work_ = MakeWorkDir(o_.work_dir);
  std::cout << "fieldsync-soak: seed " << o_.seed << ", work folder " << work_ << "\n  replay: " << ReplayCommand(o_)
            << std::endl;
  server_ = std::make_unique<ServerProcess>(o_.bin_dir, work_);
  server_->Setup(ServerAccounts());
  server_->Start();
  int index = 0;
  for (const auto& who : SoakTeam()) {
    auto t = std::make_unique<Tablet>();
    t->who = who;
    t->device = std::make_unique<Device>(who.name, o_.bin_dir, work_, ledger_);
    fault_proxy::ProxyOptions p;
    p.target_port = server_->port();
    p.seed = o_.seed * 1000003 + static_cast<uint64_t>(++index);
    p.faults = o_.faults;
    if (who.name == "ha") p.link = o_.mobile_link;  // out in the field on a mobile link
    p.stats = fault_stats_;
    p.tap = [tablet = t.get(), this](const fault_proxy::LinkEvent& e) {
      tablet->kill.OnEvent(e);
      server_kill_.OnEvent(e);
    };
    t->proxy = fault_proxy::FaultProxy::Start(std::move(p));
    // Enrolment uses up a one-time code: done on a clean link, the soak is about sync.
    t->proxy->SetFaultsEnabled(false);
    t->device->Enroll("http://127.0.0.1:" + std::to_string(t->proxy->port()), server_->EnrollCode(who.name));
    t->proxy->SetFaultsEnabled(true);
    tablets_.push_back(std::move(t));
  }
}

void SoakRun::Edits(int round) {
  std::vector<std::thread> threads;
  std::vector<std::vector<std::string>> errors(tablets_.size());
  std::vector<EditCounts> counts(tablets_.size());
  for (size_t i = 0; i < tablets_.size(); ++i) {
    threads.emplace_back([&, i] {
      Tablet& t = *tablets_[i];
      auto rng = RoundRng(o_.seed, round, static_cast<int>(i));
      try {
        counts[i] = PlayRound(*t.device, t.who, o_.workload, rng, round, errors[i]);
      } catch (const std::exception& e) {
        errors[i].push_back(t.who.name + ": edits failed: " + e.what());
      }
      for (auto& p : t.device->TakeProblems()) errors[i].push_back(std::move(p));
    });
  }
  for (auto& th : threads) th.join();
  for (size_t i = 0; i < tablets_.size(); ++i) {
    figures_.edits += counts[i];
    findings_.insert(findings_.end(), errors[i].begin(), errors[i].end());
  }
}

void SoakRun::CheckCursor(Tablet& t) {
  const uint64_t cursor = ReadPullCursor(t.device->db());
  if (cursor < t.cursor) {
    findings_.push_back("S4 " + t.who.name + "'s pull cursor went back from " + std::to_string(t.cursor) + " to " +
                        std::to_string(cursor));
  }
  t.cursor = std::max(t.cursor, cursor);
}

VerifyResult SoakRun::Check() {
  const ExitStatus stopped = server_->Stop();
  if (!stopped.ok()) findings_.push_back("the server did not stop cleanly on SIGTERM: " + stopped.Describe());
  for (auto& t : tablets_) t->proxy->Stop();
  std::vector<DeviceState> devices;
  for (auto& t : tablets_) devices.push_back(ReadDeviceState(t->device->db()));
  return Verify(ReadServerState(server_->db_path()), devices, ledger_.Entries());
}

void SoakRun::ExpectChaos() {
  auto missing = [&](const char* what) {
    findings_.push_back(std::string("--expect-chaos: the run never ") + what +
                        "; raise the probabilities or the rounds, or pick another seed");
  };
  if (fault_stats_->TotalFaults() == 0) missing("injected a fault on a link");
  if (figures_.device_kills == 0) missing("killed a device sync midway");
  if (figures_.ServerKills() == 0) missing("killed the server mid-push or mid-pull");
}

int SoakRun::Run() {
  const auto start = SteadyClock::now();
  const auto budget = std::chrono::duration<double, std::ratio<60>>(o_.minutes);
  try {
    SetUp();
    for (const auto& t : tablets_) {  // the first sync: everyone gets the plan
      auto first = t->device->StartSync(500, 5);
      if (auto s = first->WaitFor(std::chrono::seconds(120)); !s || !s->ok()) {
        std::cerr << "fieldsync-soak: " << t->who.name << "'s first sync failed; see " << work_ << "/logs/"
                  << t->who.name << ".log\n";
        return 3;
      }
      CheckCursor(*t);
    }
    while ((o_.rounds == 0 || figures_.rounds < o_.rounds) && SteadyClock::now() - start < budget) {
      const int round = ++figures_.rounds;
      Edits(round);
      Syncs(round);
      std::cout << "round " << round << ": " << figures_.syncs_ok << "/" << figures_.syncs << " syncs ok, "
                << figures_.syncs_killed << " killed, " << figures_.ServerKills() << " server kills, "
                << fault_stats_->TotalFaults() << " faults, " << ledger_.size() << " changes written" << std::endl;
    }
    if (!Quiesce()) {
      findings_.push_back("S5 the tablets did not quiesce: after " + std::to_string(figures_.quiesce_passes) +
                          " passes of fault-free syncs something still moved or failed; see " + work_ + "/logs");
    }
    if (o_.expect_chaos) ExpectChaos();
    auto verify = Check();
    figures_.seconds = std::chrono::duration<double>(SteadyClock::now() - start).count();
    PrintReport(std::cout, figures_, *fault_stats_, verify, findings_);
    const bool ok = verify.ok() && findings_.empty();
    if (!ok) {
      std::cout << "stores and logs kept in " << work_ << "\nreplay: " << ReplayCommand(o_) << std::endl;
      return 1;
    }
    if (o_.keep || !o_.work_dir.empty()) std::cout << "stores and logs in " << work_ << std::endl;
    else std::filesystem::remove_all(work_);
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "fieldsync-soak: " << e.what() << "\n  work folder kept: " << work_
              << "\n  replay: " << ReplayCommand(o_) << std::endl;
    return 3;
  }
}

}  // namespace fieldsync::soak
