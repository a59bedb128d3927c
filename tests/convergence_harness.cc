#include "convergence_harness.h"

#include <filesystem>
#include <map>
#include <memory>
#include <random>
#include <set>

#include "fieldsync.pb.h"
#include "fieldsync/checklist.h"
#include "fieldsync/protocol.h"
#include "fieldsync/seed_scenario.h"
#include "fieldsync/server/loopback_transport.h"
#include "fieldsync/server/request_router.h"
#include "fieldsync/server/sync_service.h"
#include "fieldsync/sync_engine.h"
#include "fieldsync/wire_codec.h"
#include "test_clock.h"

namespace fieldsync::testkit {
namespace {

constexpr int64_t kJuly6 = 1'688'601'600'000;  // 2023-07-06T00:00Z
constexpr int64_t kHour = 3'600'000;

// Delivers requests to the server in-process, hitting some with a fault while chaos is on:
// dropped before the server sees it, cut after (answer lost), delivered twice, or preceded by a
// stale earlier request delivered late (reordering).
class ChaosTransport final : public HttpTransport {
 public:
  ChaosTransport(HttpTransport& inner, std::mt19937_64& rng, double fault_rate, int& faults)
      : inner_(inner), rng_(rng), fault_rate_(fault_rate), faults_(faults) {}
  void set_chaos(bool on) { chaos_ = on; }

  Result<HttpResponse> Send(const HttpRequest& request) override {
    std::uniform_real_distribution<double> p(0, 1);
    if (!chaos_ || p(rng_) >= fault_rate_) return Remember(request, inner_.Send(request));
    ++faults_;
    switch (rng_() % 4) {
      case 0: return Status::Unavailable("chaos: dropped before delivery");
      case 1:
        (void)inner_.Send(request);
        return Status::Unavailable("chaos: connection cut, answer lost");
      case 2:
        (void)inner_.Send(request);
        return Remember(request, inner_.Send(request));
      default:
        if (!history_.empty()) (void)inner_.Send(history_[rng_() % history_.size()]);
        return Remember(request, inner_.Send(request));
    }
  }

 private:
  Result<HttpResponse> Remember(const HttpRequest& request, Result<HttpResponse> answer) {
    if (history_.size() < 32) history_.push_back(request);
    else history_[rng_() % history_.size()] = request;
    return answer;
  }

  HttpTransport& inner_;
  std::mt19937_64& rng_;
  double fault_rate_;
  int& faults_;
  bool chaos_ = true;
  std::vector<HttpRequest> history_;
};

struct Device {
  std::string user;
  std::string path;
  std::unique_ptr<ManualClock> clock;
  std::unique_ptr<DeviceStore> store;
  std::unique_ptr<ChaosTransport> transport;
  bool can_resolve = false;

  Status Reopen() {
    store.reset();
    auto opened = DeviceStore::Open(path, DeviceStoreOptions{clock.get()});
    if (!opened.ok()) return opened.status();
    store = std::move(opened).value();
    return Status::Ok();
  }
};

bool IsFindingPart(const std::string& field) {
  for (const char* part : domain::kFindingFields)
    if (field == part) return true;
  return false;
}

std::string FieldKey(const std::string& type, const std::string& id, const std::string& field) {
  return type + "|" + id + "|" + field;
}

// A value as text for comparisons; tombstones read "<deleted>".
std::string Render(const Value& v, bool tombstone) { return tombstone ? "<deleted>" : DescribeValue(v); }

class Run {
 public:
  explicit Run(const ConvergenceConfig& config) : config_(config), rng_(config.seed) {
    result_.seed = config.seed;
    result_.devices = config.devices ? config.devices : 3 + static_cast<int>(config.seed % 6);
  }

  ConvergenceResult Go() {
    Status s = SetUp();
    if (s.ok()) s = Chaos();
    if (s.ok()) s = Quiesce();
    if (s.ok()) Check();
    if (!s.ok()) Problem("run aborted: " + s.ToString());
    return result_;
  }

 private:
  void Problem(std::string text) {
    if (result_.problems.size() < 10) result_.problems.push_back(std::move(text));
  }

  Status SetUp() {
    std::filesystem::create_directories(config_.work_dir);
    server::SyncServiceOptions options;
    options.clock = &server_clock_;
    options.max_forward_drift_ms = 30 * kHour;  // tablets may be a day ahead; S8 holds by HLC
    FS_ASSIGN_OR_RETURN(service_, server::SyncService::Open(config_.work_dir + "/server.db", options));
    router_ = std::make_unique<server::RequestRouter>(*service_);
    loopback_ = std::make_unique<server::LoopbackTransport>(*router_);
    const std::pair<const char*, domain::Role> users[] = {{"thuongtruc", domain::Role::kSecretariat},
                                                          {"luan", domain::Role::kLeader},
                                                          {"tham", domain::Role::kDeputy},
                                                          {"khoa", domain::Role::kMember},
                                                          {"ha", domain::Role::kMember}};
    for (const auto& [name, role] : users) FS_RETURN_IF_ERROR(service_->AddUser(name, role, name));
    FS_RETURN_IF_ERROR(service_->ImportPlan(seed::Plan31()).status());
    FS_RETURN_IF_ERROR(service_->Assign("ha", "V1").status());  // everyone works on session 1
    const char* rotation[] = {"luan", "tham", "khoa", "ha"};
    std::uniform_int_distribution<int64_t> skew(-24 * kHour, 24 * kHour);
    for (int i = 0; i < result_.devices; ++i) {
      auto d = std::make_unique<Device>();
      d->user = rotation[i % 4];
      d->can_resolve = d->user == "luan" || d->user == "tham";
      d->path = config_.work_dir + "/device-" + std::to_string(i) + ".db";
      d->clock = std::make_unique<ManualClock>(kJuly6 + skew(rng_));
      d->transport = std::make_unique<ChaosTransport>(*loopback_, rng_, config_.fault_rate, result_.faults_injected);
      FS_RETURN_IF_ERROR(d->Reopen());
      FS_ASSIGN_OR_RETURN(std::string code, service_->CreateEnrollmentCode(d->user));
      d->transport->set_chaos(false);
      SyncEngine engine(*d->store, *d->transport, Options(3));
      FS_RETURN_IF_ERROR(engine.Enroll("loopback", code, "device " + std::to_string(i)));
      FS_RETURN_IF_ERROR(engine.Sync().status());
      d->transport->set_chaos(true);
      devices_.push_back(std::move(d));
    }
    return Status::Ok();
  }

  SyncOptions Options(int attempts) {
    SyncOptions o;
    o.max_attempts = attempts;
    o.initial_backoff = std::chrono::milliseconds(0);
    o.max_backoff = std::chrono::milliseconds(0);
    o.push_batch_changes = 1 + rng_() % 8;  // small batches: more requests, more cuts between them
    o.pull_batch = static_cast<uint32_t>(1 + rng_() % 8);
    o.jitter_seed = rng_() | 1;
    return o;
  }

  Status Chaos() {
    static const char* kUnits[] = {"Q4", "P10Q4"};
    static const char* kItems[] = {"A1", "A2", "A3"};
    static const char* kRatings[] = {"tot", "dat", "chua_dat"};
    for (int op = 0; op < config_.operations; ++op) {
      Device& d = *devices_[rng_() % devices_.size()];
      d.clock->Advance(static_cast<int64_t>(rng_() % 60'000));
      server_clock_.Advance(static_cast<int64_t>(rng_() % 60'000));
      Checklist checklist(*d.store);
      const std::string unit = kUnits[rng_() % 2], item = kItems[rng_() % 3];
      int dice = static_cast<int>(rng_() % 100);
      ++result_.operations;
      if (dice < 45) {
        AnswerEdit edit;
        switch (rng_() % 3) {
          case 0: edit.results = "kết quả " + d.user + " #" + std::to_string(op); break;
          case 1: edit.limitations = "hạn chế " + d.user + " #" + std::to_string(op); break;
          default: edit.rating = kRatings[rng_() % 3]; break;
        }
        FS_RETURN_IF_ERROR(checklist.Answer(unit, item, edit).status());
      } else if (dice < 53) {
        static const char* kParts[] = {"results", "limitations", "rating"};
        Status s = checklist.DeleteAnswer(unit, item, kParts[rng_() % 3]);
        if (!s.ok() && s.code() != StatusCode::kNotFound) return s;
      } else if (dice < 57) {
        Status s = checklist.DeleteAnswer(unit, item);
        if (!s.ok() && s.code() != StatusCode::kNotFound) return s;
      } else if (dice < 65) {
        if (!d.can_resolve) continue;
        FS_ASSIGN_OR_RETURN(auto open, checklist.Conflicts());
        if (open.empty()) continue;
        const auto& pick = open[rng_() % open.size()];
        auto how = static_cast<domain::Resolution>(rng_() % 3);
        std::string merged = pick.conflict.field == domain::kRatingField
                                 ? kRatings[rng_() % 3]
                                 : "gộp bởi " + d.user + " #" + std::to_string(op);
        FS_RETURN_IF_ERROR(checklist.Resolve(pick.conflict.id, how, merged).status());
        ++result_.conflicts_resolved;
      } else if (dice < 90) {
        SyncEngine engine(*d.store, *d.transport, Options(1 + static_cast<int>(rng_() % 3)));
        auto synced = engine.Sync();  // failures are expected under chaos; the next one resumes
        ++result_.syncs;
        if (!synced.ok() && synced.status().code() != StatusCode::kUnavailable) {
          return Status(synced.status().code(), "sync of " + d.user + ": " + synced.status().message());
        }
      } else if (dice < 95) {
        FS_RETURN_IF_ERROR(d.Reopen());  // restart: the app was killed between operations
      } else {
        d.clock->Advance(-static_cast<int64_t>(rng_() % (2 * kHour)));  // the wall clock jumps back
      }
    }
    return Status::Ok();
  }

  Status Quiesce() {
    for (auto& d : devices_) d->transport->set_chaos(false);
    for (int round = 0; round < 3; ++round) {
      for (auto& d : devices_) {
        SyncEngine engine(*d->store, *d->transport, Options(3));
        auto synced = engine.Sync();
        if (!synced.ok()) return Status(synced.status().code(), "quiescent sync of " + d->user + ": " +
                                                                    synced.status().message());
      }
    }
    // A fresh secretariat tablet is the server's current state, as a snapshot gives it.
    auto office = std::make_unique<Device>();
    office->user = "thuongtruc";
    office->path = config_.work_dir + "/office.db";
    office->clock = std::make_unique<ManualClock>(kJuly6);
    office->transport = std::make_unique<ChaosTransport>(*loopback_, rng_, 0, result_.faults_injected);
    office->transport->set_chaos(false);
    FS_RETURN_IF_ERROR(office->Reopen());
    FS_ASSIGN_OR_RETURN(std::string code, service_->CreateEnrollmentCode("thuongtruc"));
    SyncEngine engine(*office->store, *office->transport, Options(3));
    FS_RETURN_IF_ERROR(engine.Enroll("loopback", code, "office"));
    FS_RETURN_IF_ERROR(engine.Sync().status());
    FS_ASSIGN_OR_RETURN(office_token_, office->store->GetSetting("sync.device_token"));
    office_ = std::move(office);
    return Status::Ok();
  }

  // Every change in the server's log, in server order (the secretariat sees everything).
  Result<std::vector<Change>> Log() {
    std::vector<Change> log;
    uint64_t cursor = 0;
    while (true) {
      wire::PullRequest req;
      req.set_protocol_version(protocol::kVersion);
      req.set_after_server_seq(cursor);
      req.set_max_changes(protocol::kMaxPullBatch);
      HttpRequest http;
      http.path = protocol::kPullPath;
      http.body = req.SerializeAsString();
      http.headers[protocol::kVersionHeader] = std::to_string(protocol::kVersion);
      http.headers["Content-Type"] = protocol::kContentType;
      http.headers["Authorization"] = "Bearer " + office_token_.value_or("");
      FS_ASSIGN_OR_RETURN(auto answer, loopback_->Send(http));
      wire::PullResponse resp;
      if (answer.status != 200 || !resp.ParseFromString(answer.body)) return Status::Internal("log pull failed");
      for (const auto& w : resp.changes()) {
        FS_ASSIGN_OR_RETURN(auto c, wire_codec::FromWire(w));
        log.push_back(std::move(c));
      }
      cursor = resp.next_cursor();
      if (!resp.has_more()) return log;
    }
  }

  void Check() {
    auto all_answers = AllRecords(*office_->store, domain::kAnswer);
    auto conflicts = AllRecords(*office_->store, domain::kConflict);
    auto log = Log();
    if (!conflicts.ok() || !log.ok() || !all_answers.ok()) {
      Problem("cannot read the server's state");
      return;
    }
    for (const auto& c : *conflicts) {
      ++result_.conflicts_created;
      (void)c;
    }
    CheckReplicas(*all_answers, *conflicts);
    CheckNothingLost(*log, *all_answers, *conflicts);
  }

  static Result<std::vector<Record>> AllRecords(DeviceStore& store, const char* type) {
    return store.ListRecords(type, /*include_deleted=*/true);
  }

  // S5: every tablet holds exactly the server's answers (and conflicts, for leader and deputy).
  void CheckReplicas(const std::vector<Record>& answers, const std::vector<Record>& conflicts) {
    for (size_t i = 0; i < devices_.size(); ++i) {
      auto& d = *devices_[i];
      Compare("device " + std::to_string(i) + " (" + d.user + ") answers", answers, AllRecords(*d.store, domain::kAnswer));
      if (d.can_resolve) {
        Compare("device " + std::to_string(i) + " (" + d.user + ") conflicts", conflicts,
                AllRecords(*d.store, domain::kConflict));
      }
    }
  }

  void Compare(const std::string& who, const std::vector<Record>& truth, const Result<std::vector<Record>>& replica) {
    if (!replica.ok()) return Problem(who + ": cannot read");
    std::map<std::string, std::string> want, got;
    auto flatten = [](const std::vector<Record>& records, std::map<std::string, std::string>& out) {
      for (const auto& r : records)
        for (const auto& [field, s] : r.fields)
          out[FieldKey(r.type, r.id, field)] = Render(s.value, s.tombstone) + " @" + s.hlc.ToString() + "/" + s.node;
    };
    flatten(truth, want);
    flatten(*replica, got);
    for (const auto& [key, value] : want) {
      auto it = got.find(key);
      if (it == got.end() || it->second != value) {
        ++result_.divergent_fields;
        Problem("S5 " + who + ": " + key + " is " + (it == got.end() ? "missing" : it->second) + ", server has " +
                value);
      }
    }
    for (const auto& [key, value] : got) {
      if (!want.count(key)) {
        ++result_.divergent_fields;
        Problem("S5 " + who + ": " + key + " = " + value + " is not on the server");
      }
    }
  }

  // S7, S8, S9 from the log: every accepted value is current (on a live record), was overwritten
  // by a change that had seen it, or is the losing side of a conflict record.
  void CheckNothingLost(const std::vector<Change>& log, const std::vector<Record>& answers,
                        const std::vector<Record>& conflicts) {
    std::map<std::string, Stamp> current;           // field -> current stamp (server truth)
    std::set<std::string> live;                     // answer ids not deleted
    for (const auto& r : answers) {
      if (!r.IsDeleted()) live.insert(r.id);
      for (const auto& [field, s] : r.fields) current[FieldKey(r.type, r.id, field)] = s.stamp();
    }
    std::set<std::pair<std::string, Stamp>> seen_by_later;  // (field, stamp) someone overwrote knowingly
    std::set<std::pair<std::string, Stamp>> kept_as_loser;
    for (const auto& c : log) {
      if (!c.seen_hlc.IsZero()) {
        seen_by_later.insert({FieldKey(c.record_type, c.record_id, c.field), Stamp{c.seen_hlc, c.seen_device_id}});
        if (!(c.stamp() > Stamp{c.seen_hlc, c.seen_device_id})) {
          Problem("S8 change " + c.device_id + "#" + std::to_string(c.device_seq) + " is stamped before what it saw");
        }
      }
    }
    for (const auto& r : conflicts) {
      auto conflict = domain::ConflictFrom(r);
      kept_as_loser.insert({FieldKey(conflict.record_type, conflict.record_id, conflict.field),
                            Stamp{conflict.loser.hlc, conflict.loser.node}});
    }
    // Values are compared per field: an equal value that survives keeps the other safe too.
    std::map<std::string, std::set<std::string>> safe_values;
    std::vector<const Change*> to_check;
    for (const auto& c : log) {
      if (c.record_type != domain::kAnswer) continue;
      const std::string key = FieldKey(c.record_type, c.record_id, c.field);
      const bool on_live_record = live.count(c.record_id) > 0;
      auto cur = current.find(key);
      // A part of a deleted answer is hidden: being current there does not make it safe.
      bool hidden = !on_live_record && !c.tombstone && IsFindingPart(c.field);
      bool is_current = cur != current.end() && cur->second == c.stamp() && !hidden;
      // Deleting a part of an answer that ends up deleted as a whole is never undone.
      bool deletion_stands = c.tombstone && !on_live_record;
      bool safe = is_current || deletion_stands || seen_by_later.count({key, c.stamp()}) ||
                  kept_as_loser.count({key, c.stamp()});
      if (safe) safe_values[key].insert(Render(c.value, c.tombstone));
      else to_check.push_back(&c);
      ++result_.values_checked;
    }
    for (const Change* c : to_check) {
      const std::string key = FieldKey(c->record_type, c->record_id, c->field);
      if (safe_values[key].count(Render(c->value, c->tombstone))) continue;
      bool is_delete = c->field == kDeletedField && std::holds_alternative<bool>(c->value) && std::get<bool>(c->value);
      if (is_delete) ++result_.resurrections;
      else ++result_.values_lost;
      if (config_.trace) {
        Trace(key, log, conflicts);
        Trace(FieldKey(c->record_type, c->record_id, kDeletedField), log, conflicts);
      }
      Problem(std::string(is_delete ? "S9 deletion undone" : "S7 value lost") + ": " + key + " = " +
              Render(c->value, c->tombstone) + " by " + c->author + " (" + c->device_id + "#" +
              std::to_string(c->device_seq) + ")");
    }
  }

  void Trace(const std::string& key, const std::vector<Change>& log, const std::vector<Record>& conflicts) {
    result_.trace += "history of " + key + " (server order):\n";
    for (const auto& c : log) {
      if (FieldKey(c.record_type, c.record_id, c.field) != key) continue;
      result_.trace += "  #" + std::to_string(c.server_seq) + " " + Render(c.value, c.tombstone) + "  by " + c.author +
                       " " + c.device_id.substr(0, 8) + "#" + std::to_string(c.device_seq) + " at " + c.hlc.ToString() +
                       " seen " + (c.seen_hlc.IsZero() ? "-" : c.seen_hlc.ToString() + "/" + c.seen_device_id.substr(0, 8)) +
                       "\n";
    }
    for (const auto& r : conflicts) {
      auto k = domain::ConflictFrom(r);
      if (FieldKey(k.record_type, k.record_id, k.field) != key) continue;
      result_.trace += "  conflict " + k.kind + " " + k.status + ": winner " + Render(k.winner.value, k.winner.tombstone) +
                       " " + k.winner.hlc.ToString() + "/" + k.winner.node.substr(0, 8) + ", loser " +
                       Render(k.loser.value, k.loser.tombstone) + " " + k.loser.hlc.ToString() + "/" +
                       k.loser.node.substr(0, 8) + "\n";
    }
  }

  const ConvergenceConfig& config_;
  std::mt19937_64 rng_;
  ConvergenceResult result_;
  ManualClock server_clock_{kJuly6};
  std::unique_ptr<server::SyncService> service_;
  std::unique_ptr<server::RequestRouter> router_;
  std::unique_ptr<server::LoopbackTransport> loopback_;
  std::vector<std::unique_ptr<Device>> devices_;
  std::unique_ptr<Device> office_;
  std::optional<std::string> office_token_;
};

}  // namespace

ConvergenceResult RunConvergence(const ConvergenceConfig& config) { return Run(config).Go(); }

}  // namespace fieldsync::testkit
