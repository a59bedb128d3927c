// What every sync benchmark needs: a real fieldsync server on 127.0.0.1 (in this process, over
// HTTP) with a scaled plan, and tablets that enrol and sync through a transport that counts bytes
// and times each request.
#pragma once

#include <chrono>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "fieldsync/device_store.h"
#include "fieldsync/http_transport.h"
#include "fieldsync/server/server.h"
#include "fieldsync/sync_engine.h"
#include "workload.h"

namespace fieldsync::bench {

// A fresh directory under the system temp dir, removed when it goes.
class ScratchDir {
 public:
  explicit ScratchDir(const std::string& name);
  ~ScratchDir();
  std::string File(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

// Counts request and response body bytes and records each request's latency.
class CountingTransport final : public HttpTransport {
 public:
  explicit CountingTransport(std::unique_ptr<HttpTransport> inner) : inner_(std::move(inner)) {}
  Result<HttpResponse> Send(const HttpRequest& request) override;
  void Reset();
  size_t sent_bytes = 0, received_bytes = 0;
  std::vector<double> latencies_ms;

 private:
  std::unique_ptr<HttpTransport> inner_;
};

struct Tablet {
  std::string user;
  std::unique_ptr<DeviceStore> store;
  std::unique_ptr<CountingTransport> http;
  // One sync; returns the seconds until the last push batch was acknowledged (or 0) in `push_s`.
  Result<SyncReport> Sync(double* push_s = nullptr, double* total_s = nullptr);
};

class BenchServer {
 public:
  // Starts a server on a new database in `dir`, imports `plan` and adds its users as leaders.
  static Result<std::unique_ptr<BenchServer>> Start(const ScratchDir& dir, const ScaledPlan& plan);
  // Enrols a new tablet store (file `name` in the scratch dir) for `user`.
  Result<Tablet> Enroll(const std::string& user, const std::string& name);
  server::Server& server() { return *server_; }

 private:
  const ScratchDir* dir_ = nullptr;
  std::unique_ptr<server::Server> server_;
};

// Writes `count` answers of `plan` starting at slot `first` into `store`, `per_txn` per write.
Status WriteAnswers(DeviceStore& store, const ScaledPlan& plan, size_t first, size_t count, uint64_t seed,
                    std::string* values_floor = nullptr, size_t per_txn = 200);

double SecondsSince(std::chrono::steady_clock::time_point start);
double Percentile(std::vector<double> values, double p);

}  // namespace fieldsync::bench
