// SyncEngine: the client half of sync. It pushes the outbox in bounded batches, then brings the
// device up to date: a new device reads a snapshot of current state (S10), afterwards it pulls
// changes after its cursor (S4). Every batch and its cursor commit together, so a sync cut at any
// point (timeout, reset, 5xx, killed process) resumes at the next run, redoing at most one batch.
// Failed requests are retried with exponential backoff and jitter.
//
// One engine per store and thread. The transport is injected (platform/ has the cpprestsdk one).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

#include "fieldsync/device_store.h"
#include "fieldsync/http_transport.h"

namespace fieldsync {

struct SyncProgress {
  enum class Phase { kPush, kSnapshot, kPull, kDone };
  Phase phase = Phase::kPush;
  int64_t pushed = 0;       // changes acknowledged by the server in this run
  int64_t pending = 0;      // changes still in the outbox
  int64_t received = 0;     // fields or changes applied from the server in this run
};

struct SyncOptions {
  // Large batches: each is one server transaction and one round trip, which is what a push or pull
  // costs (README "Performance"). 1 MiB of changes is about 150 kB on the wire (zstd), a few
  // seconds on a weak site link, well within request_timeout.
  size_t push_batch_changes = 10000;  // protocol::kMaxChangesPerPush
  size_t push_batch_bytes = 1024 * 1024;
  uint32_t pull_batch = 5000;  // at most protocol::kMaxPullBatch
  int max_attempts = 5;                              // per request
  std::chrono::milliseconds initial_backoff{200};
  std::chrono::milliseconds max_backoff{5000};
  std::chrono::milliseconds request_timeout{15000};
  uint64_t jitter_seed = 0;                          // 0: seeded from the OS
  std::function<void(const SyncProgress&)> on_progress;
};

struct SyncReport {
  int64_t pushed = 0;
  int64_t already_had = 0;  // resent changes the server had applied before (S2)
  // Changes the server refused for good in this run, set aside on the tablet's rejected list
  // (DeviceStore::RejectedChanges) so that the rest went through.
  int64_t rejected = 0;
  int64_t received = 0;     // the team's changes (own changes coming back are not counted)
  bool used_snapshot = false;
  int retries = 0;
};

// What an app shows about sync.
struct SyncStatus {
  bool enrolled = false;
  std::string server_url;
  std::string user_name;
  int64_t pending = 0;
  int64_t rejected = 0;      // changes the server refused for good (DeviceStore::RejectedChanges)
  std::string last_success;  // ISO-8601 UTC, "" if never
  std::string last_error;    // words for a person, "" after a success
  uint64_t cursor = 0;
};

class SyncEngine {
 public:
  SyncEngine(DeviceStore& store, HttpTransport& transport, SyncOptions options = {});

  // Exchanges a one-time enrolment code for this device's token and remembers the server.
  // Initialises the store for the enrolled user when it is new.
  // `pinned_ca_pem`, when not empty, is remembered as the CA that the server's certificate must
  // chain to (TlsTrust); the transport given to this engine should already use it.
  Status Enroll(const std::string& server_url, const std::string& code, const std::string& device_name,
                const std::string& pinned_ca_pem = "");
  Result<SyncReport> Sync();

  static Result<SyncStatus> ReadStatus(const DeviceStore& store);
  // The server URL stored by Enroll, or FailedPrecondition telling the user to enrol.
  static Result<std::string> ServerUrl(const DeviceStore& store);
  // The CA PEM pinned at enrolment ("" for the system's CAs).
  static Result<std::string> PinnedCaPem(const DeviceStore& store);

 private:
  class Session;
  DeviceStore& store_;
  HttpTransport& transport_;
  SyncOptions options_;
};

}  // namespace fieldsync
