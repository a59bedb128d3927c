// `fieldsync enroll`, `sync` and `status`: the device side of sync, over cpprestsdk.
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <iostream>
#include <iterator>

#include "device_commands.h"
#include "fieldsync/fault_injecting_transport.h"
#include "fieldsync/protocol.h"
#include "fieldsync/sync_engine.h"
#include "json_output.h"

namespace fieldsync::cli {
namespace {

using nlohmann::json;

int Fail(const Status& s) {
  std::cerr << "fieldsync: " << s.message() << "\n";
  return s.code() == StatusCode::kIoError || s.code() == StatusCode::kCorruption ? 3 : 1;
}

}  // namespace

int RunEnroll(const CommonOptions& o, const std::string& server_url, const std::string& code,
              const std::string& device_name, const std::string& ca_file) {
  auto store = DeviceStore::Open(o.db);
  if (!store.ok()) return Fail(store.status());
  TlsTrust trust;
  if (!ca_file.empty() && !server_url.starts_with("https://")) {
    return Fail(Status::InvalidArgument("--ca-file pins the certificate of an https:// server, but " + server_url +
                                        " is plain HTTP; use the server's https:// address"));
  }
  if (!ca_file.empty()) {
    std::ifstream in(ca_file, std::ios::binary);
    if (!in) return Fail(Status::InvalidArgument("cannot read the CA file " + ca_file));
    trust.pinned_ca_pem.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  auto transport = MakeCpprestTransport(server_url, trust);
  if (!transport.ok()) return Fail(transport.status());
  SyncEngine engine(**store, **transport);
  if (Status s = engine.Enroll(server_url, code, device_name, trust.pinned_ca_pem); !s.ok()) return Fail(s);
  auto identity = (*store)->Identity();
  if (o.json) {
    PrintJsonLine(json{{"server", server_url}, {"user_name", identity->user_name}, {"device_id", identity->device_id}});
  } else {
    std::cout << "Enrolled this tablet with " << server_url << " as " << identity->user_name << "\n";
  }
  return 0;
}

int RunSync(const CommonOptions& o, const SyncCommandOptions& sync) {
  auto store = DeviceStore::Open(o.db);
  if (!store.ok()) return Fail(store.status());
  auto url = SyncEngine::ServerUrl(**store);
  if (!url.ok()) return Fail(url.status());
  auto pinned = SyncEngine::PinnedCaPem(**store);
  if (!pinned.ok()) return Fail(pinned.status());
  auto http = MakeCpprestTransport(*url, TlsTrust{*pinned});
  if (!http.ok()) return Fail(http.status());
  FaultInjectingTransport transport(**http, sync.simulate_cuts);

  SyncOptions options;
  if (sync.batch > 0) {
    options.push_batch_changes = sync.batch;
    options.pull_batch = static_cast<uint32_t>(std::min<size_t>(sync.batch, protocol::kMaxPullBatch));
  }
  options.max_attempts = sync.attempts;
  const bool terminal = !o.json && isatty(STDOUT_FILENO);
  if (terminal) {
    options.on_progress = [](const SyncProgress& p) {
      static const char* kPhase[] = {"sending", "downloading current state", "receiving", "done"};
      std::cout << "\r" << kPhase[static_cast<int>(p.phase)] << ": " << p.pushed << " sent, " << p.pending
                << " waiting, " << p.received << " received   " << std::flush;
    };
  }
  SyncEngine engine(**store, transport, options);
  auto report = engine.Sync();
  if (terminal) std::cout << "\n";
  if (!report.ok()) return Fail(report.status());
  if (o.json) {
    PrintJsonLine(json{{"pushed", report->pushed},
                       {"already_had", report->already_had},
                       {"received", report->received},
                       {"used_snapshot", report->used_snapshot},
                       {"retries", report->retries},
                       {"rejected", report->rejected},
                       {"simulated_cuts", transport.cuts()}});
  } else {
    std::cout << "Synced with " << *url << ": sent " << report->pushed << " change(s)";
    if (report->already_had) std::cout << " (" << report->already_had << " the server already had)";
    std::cout << ", received " << report->received << (report->used_snapshot ? " (first sync: current state)" : "");
    if (report->retries) std::cout << ", " << report->retries << " retr" << (report->retries == 1 ? "y" : "ies");
    std::cout << "\n";
  }
  if (report->rejected) {
    std::cerr << "fieldsync: the server refused " << report->rejected << " change(s) for good; they are kept on "
              << "this tablet and the rest went through. `fieldsync outbox --rejected` shows why; once the cause "
              << "is fixed, `fieldsync outbox --retry-rejected` sends them again\n";
  }
  return 0;
}

int RunStatus(const CommonOptions& o) {
  auto store = DeviceStore::Open(o.db);
  if (!store.ok()) return Fail(store.status());
  auto status = SyncEngine::ReadStatus(**store);
  if (!status.ok()) return Fail(status.status());
  if (o.json) {
    PrintJsonLine(json{{"enrolled", status->enrolled},
                       {"server", status->server_url},
                       {"user_name", status->user_name},
                       {"pending", status->pending},
                       {"rejected", status->rejected},
                       {"last_success", status->last_success},
                       {"last_error", status->last_error},
                       {"cursor", status->cursor}});
    return 0;
  }
  std::cout << (status->enrolled ? "Enrolled with " + status->server_url + " as " + status->user_name
                                 : std::string("Not enrolled: run `fieldsync enroll --server URL --code CODE`"))
            << "\n"
            << status->pending << " change(s) waiting to be sent\n"
            << (status->rejected ? std::to_string(status->rejected) +
                                       " change(s) refused by the server (fieldsync outbox --rejected)\n"
                                 : std::string())
            << "Last successful sync: " << (status->last_success.empty() ? "never" : status->last_success) << "\n";
  if (!status->last_error.empty()) std::cout << "Last error: " << status->last_error << "\n";
  return 0;
}

}  // namespace fieldsync::cli
