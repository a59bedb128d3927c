// fieldsync_fuzz_corpus OUT_DIR: the seed corpus of the fuzz targets, from real traffic. It plays a
// condensed seed scenario (tools/demo-scenario.sh) in one process: a server with plan 31-KH/BCĐTP
// and its team; the leader's, the deputy's, a member's and the secretariat's tablets enrol and
// sync through the real SyncEngine; over the three visit days they answer offline (composed and
// decomposed Vietnamese), collide on one item, the leader resolves the conflicts, parts and whole
// answers are deleted, a photo and a conclusion are attached, the secretariat edits the plan.
// Every request and answer is recorded and written by CorpusWriter to OUT_DIR/<target>/gen-*.
//   build-fuzzreplay/bin/fieldsync_fuzz_corpus fuzz/corpus
#include <atomic>
#include <cstdio>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "corpus_writer.h"
#include "fieldsync/body_compression.h"
#include "fieldsync/checklist.h"
#include "fieldsync/seed_scenario.h"
#include "fieldsync/server/loopback_transport.h"
#include "fieldsync/server/sync_service.h"
#include "fieldsync/sync_engine.h"
#include "fuzz_check.h"
#include "fuzz_team.h"
#include "scratch_dir.h"

namespace fieldsync::fuzz {
namespace {

constexpr int64_t kHourMs = 60 * 60 * 1000;
constexpr int64_t kDayMs = 24 * kHourMs;

// Set to each scenario moment; every reading moves it one millisecond on, so that no two writes
// share an HLC and the winner of a conflict never depends on device ids, which the corpus rewrites.
class SettableClock final : public Clock {
 public:
  int64_t NowMillis() override { return now_++; }
  void Set(int64_t ms) { now_ = ms; }

 private:
  std::atomic<int64_t> now_{kVisitDayMs};
};

// Hands requests to the in-process server and records them with the tablet's user.
class Recorder final : public HttpTransport {
 public:
  Recorder(HttpTransport& server, std::string user, std::vector<Exchange>& traffic)
      : server_(server), user_(std::move(user)), traffic_(traffic) {}
  Result<HttpResponse> Send(const HttpRequest& request) override {
    auto response = server_.Send(request);
    if (response.ok()) {
      // Recorded as the server's handlers see them: the fuzz targets call the router without compression.
      traffic_.push_back({user_, request.path, body::PlainBody(request.headers, request.body), response->status,
                          body::PlainBody(response->headers, response->body)});
    }
    return response;
  }

 private:
  HttpTransport& server_;
  std::string user_;
  std::vector<Exchange>& traffic_;
};

struct Tablet {
  std::string user;
  std::unique_ptr<DeviceStore> store;
  std::unique_ptr<Recorder> link;

  Checklist checklist() { return Checklist(*store); }
  void Sync(size_t push_batch = 5) {
    SyncOptions options;
    options.push_batch_changes = push_batch;
    options.pull_batch = 40;  // small pages: seeds of a few KB mutate faster
    options.initial_backoff = std::chrono::milliseconds(1);
    options.jitter_seed = 1;
    auto report = SyncEngine(*store, *link, options).Sync();
    FUZZ_CHECK(report.ok(), user + " sync: " + report.status().ToString());
  }
  void Answer(const std::string& unit, const std::string& item, AnswerEdit edit) {
    auto r = checklist().Answer(unit, item, edit);
    FUZZ_CHECK(r.ok(), user + " answer " + unit + " " + item + ": " + r.status().ToString());
  }
  void Write(std::vector<FieldWrite> writes) {
    auto r = store->Write(writes);
    FUZZ_CHECK(r.ok(), user + " write: " + r.status().ToString());
  }
};

AnswerEdit Edit(const char* rating, const char* results, const char* limitations = nullptr,
                const char* recommendations = nullptr) {
  AnswerEdit e;
  if (rating) e.rating = rating;
  if (results) e.results = results;
  if (limitations) e.limitations = limitations;
  if (recommendations) e.recommendations = recommendations;
  return e;
}

class Scenario {
 public:
  Scenario() {
    server::SyncServiceOptions options;
    options.clock = &clock_;
    auto service = server::SyncService::Open(dir_.File("central.db"), options);
    FUZZ_CHECK(service.ok(), service.status().ToString());
    service_ = std::move(service).value();
    for (const auto& m : kTeam) FUZZ_CHECK(service_->AddUser(m.user, m.role, m.full_name).ok(), m.user);
    FUZZ_CHECK(service_->AddUser("ha", domain::Role::kMember, "Lê Thị Thu Hà").ok(), "ha");
    FUZZ_CHECK(service_->ImportPlan(seed::Plan31()).ok(), "plan import");
    router_ = std::make_unique<server::RequestRouter>(*service_);
    loopback_ = std::make_unique<server::LoopbackTransport>(*router_);
  }

  void Run() {
    Tablet& luan = Enrol("luan");
    Tablet& tham = Enrol("tham");
    Tablet& khoa = Enrol("khoa");
    Tablet& secretariat = Enrol("thuongtruc");

    clock_.Set(kVisitDayMs + 2 * kHourMs);  // 6/7, session 1, offline
    luan.Answer("Q4", "A1", Edit("tot", "Quận ủy ban hành kế hoạch triển khai Luật Thực hiện dân chủ ở cơ sở"));
    khoa.Answer("Q4", "A5", Edit("dat", "Phối hợp với Ủy ban Mặt trận Tổ quốc quận triển khai “Dân vận khéo”"));
    tham.Answer("Q4", "A5", Edit(nullptr, nullptr, "Một số khu phố chưa cập nhật quy ước cộng đồng dân cư"));
    luan.Answer("Q4", "A5", Edit("tot", "Mặt trận Tổ quốc quận và các đoàn thể phối hợp chặt chẽ"));
    tham.Answer("Q4", "A7", Edit("Chưa đạt", nullptr, "Sắp xếp tổ dân phố còn chậm", "Đề nghị hướng dẫn bố trí cán bộ"));
    // Decomposed input, as some keyboards type it: stored NFC.
    khoa.Answer("P10Q4", "A6", Edit("dat", "Pho\xcc\x82\xcc\x89 bie\xcc\x82\xcc\x81n quy u\xcc\x9bo\xcc\x9b\xcc\x81\x63"));
    luan.Answer("P10Q4", "A2", Edit("tot", "Kiện toàn Ban Chỉ đạo phường, đối thoại với Nhân dân hằng quý"));
    khoa.Sync(3);
    luan.Sync();
    tham.Sync();

    clock_.Set(kVisitDayMs + 10 * kHourMs);  // evening: the leader resolves the conflicts
    luan.Sync();
    ResolveAll(luan);
    luan.Sync();

    clock_.Set(kVisitDayMs + kDayMs + 2 * kHourMs);  // 7/7, session 2
    luan.Answer("CNSG", "B2", Edit("tot", "Tổ chức hội nghị người lao động đúng định kỳ"));
    tham.Answer("CNSG", "B3", Edit("dat", "Thỏa ước lao động tập thể được ký kết và công khai", nullptr,
                                   "Rà soát thỏa ước theo Bộ luật Lao động 2019"));
    const auto& plan = seed::Plan31();
    const std::string b2 = domain::AnswerId(plan.units[2].id, plan.items[8].id);
    luan.Write({{domain::kAnswer, b2, "photo", AttachmentRef{std::string(64, 'a'), 48'213, "image/jpeg"}, false}});
    luan.Write({{domain::kConclusion, domain::ConclusionId(plan.visits[1].id), "results",
                 std::string("Hai đơn vị thực hiện tốt quy chế dân chủ ở cơ sở"), false}});
    FUZZ_CHECK(tham.checklist().DeleteAnswer("CNSG", "B3", "recommendations").ok(), "delete a part");
    secretariat.Write({{domain::kUnit, plan.units[3].id, "name",
                        std::string("Đảng bộ Công ty TNHH MTV Cao su Thống Nhất (đã sáp nhập)"), false}});
    for (Tablet* t : {&luan, &tham, &secretariat, &luan}) t->Sync();

    clock_.Set(kVisitDayMs + 5 * kDayMs + 2 * kHourMs);  // 11/7, session 3
    luan.Answer("CG", "A1", Edit("dat", "Huyện ủy chỉ đạo xây dựng quy chế dân chủ ở xã, thị trấn"));
    tham.Answer("TTCT", "A2", Edit("tot", "Thị trấn đối thoại với Nhân dân định kỳ"));
    luan.Sync();
    FUZZ_CHECK(luan.checklist().DeleteAnswer("CG", "A1").ok(), "delete an answer");
    for (Tablet* t : {&luan, &tham, &khoa, &secretariat}) t->Sync();
  }

  const std::vector<Exchange>& traffic() const { return traffic_; }
  std::map<std::string, std::string> DeviceUsers() const {
    std::map<std::string, std::string> users;
    for (const auto& t : tablets_) users[t->store->Identity()->device_id] = t->user;
    return users;
  }

 private:
  Tablet& Enrol(const std::string& user) {
    auto t = std::make_unique<Tablet>();
    t->user = user;
    auto store = DeviceStore::Open(dir_.File(user + ".db"), DeviceStoreOptions{&clock_});
    FUZZ_CHECK(store.ok(), store.status().ToString());
    t->store = std::move(store).value();
    t->link = std::make_unique<Recorder>(*loopback_, user, traffic_);
    auto code = service_->CreateEnrollmentCode(user);
    FUZZ_CHECK(code.ok(), code.status().ToString());
    Status enrolled = SyncEngine(*t->store, *t->link).Enroll("loopback", *code, "máy tính bảng của " + user);
    FUZZ_CHECK(enrolled.ok(), enrolled.ToString());
    t->Sync();
    tablets_.push_back(std::move(t));
    return *tablets_.back();
  }

  // Ratings keep the winner, texts get a merged value, the rest keeps the loser.
  static void ResolveAll(Tablet& leader) {
    auto conflicts = leader.checklist().Conflicts();
    FUZZ_CHECK(conflicts.ok() && !conflicts->empty(), "the scenario makes conflicts");
    for (const auto& c : *conflicts) {
      const auto& field = c.conflict.field;
      auto choice = field == domain::kRatingField    ? domain::Resolution::kKeepWinner
                    : field == domain::kResultsField ? domain::Resolution::kMerged
                                                     : domain::Resolution::kKeepLoser;
      auto r = leader.checklist().Resolve(c.conflict.id, choice, "Phối hợp chặt chẽ; có mô hình “Dân vận khéo” tiêu biểu");
      FUZZ_CHECK(r.ok(), "resolve " + c.conflict.id + ": " + r.status().ToString());
    }
  }

  SettableClock clock_;
  ScratchDir dir_{"corpus"};
  std::unique_ptr<server::SyncService> service_;
  std::unique_ptr<server::RequestRouter> router_;
  std::unique_ptr<server::LoopbackTransport> loopback_;
  std::vector<std::unique_ptr<Tablet>> tablets_;
  std::vector<Exchange> traffic_;
};

}  // namespace
}  // namespace fieldsync::fuzz

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s OUT_DIR   (writes OUT_DIR/<target>/gen-*; fuzz/corpus is the committed one)\n",
                 argv[0]);
    return 2;
  }
  fieldsync::fuzz::Scenario scenario;
  scenario.Run();
  fieldsync::fuzz::CorpusWriter writer(argv[1], scenario.DeviceUsers());
  for (const auto& [target, count] : writer.Write(scenario.traffic())) {
    std::printf("%s: %d seed inputs\n", target.c_str(), count);
  }
  return 0;
}
