// Peak resident memory of the real apps while syncing N field changes (S10: flat, not growing
// with N): `fieldsync-server serve` in its own process, a tablet's `fieldsync sync` pushing N
// changes, and a second tablet's `fieldsync sync` taking all of them as its first snapshot.
#include "bench_env.h"
#include "child_process.h"
#include "fieldsync/server/sync_service.h"
#include "sections.h"

namespace fieldsync::bench {
namespace {

struct Peaks {
  double device = 0, server = 0;
  std::string detail;
};

// Makes a tablet store enrolled at `url` for `user` (in this process: its memory is not measured).
Status EnrollStore(const std::string& path, const std::string& url, const std::string& code,
                   DeviceStoreOptions options = {}) {
  FS_ASSIGN_OR_RETURN(auto store, DeviceStore::Open(path, options));
  FS_ASSIGN_OR_RETURN(auto http, MakeCpprestTransport(url));
  SyncEngine engine(*store, *http);
  return engine.Enroll(url, code, path);
}

Result<double> SyncInChild(const std::string& bin_dir, const std::string& db, const std::string& log) {
  FS_ASSIGN_OR_RETURN(auto run, RunToEnd({bin_dir + "/fieldsync", "sync", "--db", db}, log));
  if (run.exit_code != 0) return Status::Internal("fieldsync sync failed: " + run.output);
  return run.peak_mib;
}

Result<Peaks> Measure(size_t changes, const std::string& bin_dir) {
  ScratchDir dir("memory-" + std::to_string(changes));
  const size_t answers = changes / kChangesPerAnswer;
  const ScaledPlan plan = MakeScaledPlan(answers, std::max<size_t>(3, answers / 2000), 2, /*shared=*/true);
  const std::string central = dir.File("central.db");
  std::string codes[2];
  {
    FS_ASSIGN_OR_RETURN(auto service, server::SyncService::Open(central));
    for (const auto& user : plan.users) FS_RETURN_IF_ERROR(service->AddUser(user, domain::Role::kLeader, user));
    FS_RETURN_IF_ERROR(service->ImportPlan(plan.data).status());
    for (int i = 0; i < 2; ++i) {
      FS_ASSIGN_OR_RETURN(codes[i], service->CreateEnrollmentCode(plan.users[i]));
    }
  }
  std::string line;
  FS_ASSIGN_OR_RETURN(auto server, Background::Start({bin_dir + "/fieldsync-server", "serve", "--db", central,
                                                      "--listen", "127.0.0.1:0"},
                                                     dir.File("server.log"), "listening on ", &line));
  const std::string url = line.substr(line.find("http"));

  const std::string pusher = dir.File("pusher.db"), puller = dir.File("puller.db");
  FS_RETURN_IF_ERROR(EnrollStore(pusher, url, codes[0]));
  FS_RETURN_IF_ERROR(EnrollStore(puller, url, codes[1]));
  {
    DeviceStoreOptions bulk;
    bulk.durability = DeviceStoreOptions::Durability::kNormal;  // setting up, not measured
    FS_ASSIGN_OR_RETURN(auto store, DeviceStore::Open(pusher, bulk));
    FS_RETURN_IF_ERROR(WriteAnswers(*store, plan, 0, answers, 11, nullptr, 2000));
  }
  Peaks peaks;
  FS_ASSIGN_OR_RETURN(double push_peak, SyncInChild(bin_dir, pusher, dir.File("push.log")));
  FS_ASSIGN_OR_RETURN(double pull_peak, SyncInChild(bin_dir, puller, dir.File("pull.log")));
  peaks.device = std::max(push_peak, pull_peak);
  peaks.detail = "pushing " + std::to_string(push_peak) + " MiB, snapshotting " + std::to_string(pull_peak) + " MiB";
  peaks.server = server->PeakMib();
  return peaks;
}

}  // namespace

void RunMemory(const Config& config, const char* bin_dir, Report& report) {
  struct Size {
    size_t changes;
    const char* label;
  };
  std::vector<Size> sizes = {{10000, "10k"}, {100000, "100k"}};
  if (!config.quick) sizes.push_back({1000000, "1m"});
  for (const auto& size : sizes) {
    auto peaks = Measure(size.changes, bin_dir);
    if (!peaks.ok()) {
      report.Note(std::string("memory ") + size.label + " failed: " + peaks.status().ToString());
      continue;
    }
    const std::string n = std::to_string(size.changes);
    report.Note(std::string("memory ") + size.label + ": tablet " + peaks->detail);
    report.Add(std::string("device_peak_mib_") + size.label, peaks->device, "MiB",
               "peak RSS of `fieldsync sync` pushing, or snapshotting, " + n + " changes",
               std::string(size.label) == "100k" ? "≤ 32" : "flat");
    report.Add(std::string("server_peak_mib_") + size.label, peaks->server, "MiB",
               "peak RSS of `fieldsync-server serve` through both syncs", "flat");
  }
}

}  // namespace fieldsync::bench
