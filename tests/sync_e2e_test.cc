// End to end over real HTTP: tablets enrol, receive the plan by sync, fill checklists offline and
// converge (S5), resend without effect (S2), resume cut pulls (S4) and stay bounded (S10).
#include <map>
#include <random>
#include <set>

#include "fieldsync/body_compression.h"
#include "fieldsync.pb.h"
#include "fieldsync/protocol.h"
#include "sync_harness.h"
#include "test_clock.h"

namespace fieldsync {
namespace {

using FieldMap = std::map<std::string, std::string>;  // "type/id.field" -> value

FieldMap Fields(DeviceStore& store, const char* type) {
  FieldMap out;
  auto records = store.ListRecords(type);  // kept alive: ranging over *temporary would dangle
  for (const auto& r : *records)
    for (const auto& [field, state] : r.fields) out[r.id + "." + field] = DescribeValue(state.value);
  return out;
}

// The subset of `all` whose answer belongs to one of `units`.
FieldMap OnlyUnits(const FieldMap& all, const std::set<std::string>& unit_ids) {
  FieldMap out;
  for (const auto& [key, value] : all)
    if (unit_ids.count(key.substr(0, key.find('/')))) out[key] = value;
  return out;
}

std::set<std::string> UnitIdsOf(Checklist& checklist) {
  std::set<std::string> ids;
  auto visits = checklist.Visits();
  for (const auto& v : *visits)
    for (const auto& u : v.units) ids.insert(u.id);
  return ids;
}

// A tablet pushes the list form until a pull page says the server reads the grouped form, then the
// grouped form; what arrives is the same either way.
TEST_F(SyncHarness, PushesAreGroupedOnceTheServerOffersItAndArriveTheSame) {
  auto khoa = Enroll("khoa"), luan = Enroll("luan");
  ASSERT_TRUE(khoa->Sync().ok());  // the plan; the pull pages offer the grouped form
  EXPECT_EQ(**khoa->store->GetSetting("sync.server_reads_grouped"), "1");
  ASSERT_TRUE(khoa->store->SetSetting("sync.server_reads_grouped", "").ok());  // as a tablet of an older version
  RecordingTransport recorder(*khoa->http);
  AnswerEdit first;
  first.results = "Lần đầu: kết quả đạt được";
  first.rating = "tot";
  khoa->Answer("Q4", "A1", first);
  ASSERT_TRUE(khoa->SyncThrough(recorder).ok());
  AnswerEdit second;
  second.results = "Lần hai: còn hạn chế";
  second.limitations = "Thiếu kinh phí";
  khoa->Answer("Q4", "A5", second);
  ASSERT_TRUE(khoa->SyncThrough(recorder).ok());

  ASSERT_EQ(recorder.push_sets.size(), 2u);
  EXPECT_GT(recorder.push_sets[0].changes_size(), 0);
  EXPECT_FALSE(recorder.push_sets[0].has_grouped());
  EXPECT_EQ(recorder.push_sets[1].changes_size(), 0);
  ASSERT_TRUE(recorder.push_sets[1].has_grouped());
  EXPECT_EQ(recorder.push_sets[1].grouped().records_size(), 1) << "one answer, one record entry";

  ASSERT_TRUE(luan->Sync().ok());
  auto a5 = luan->checklist->ChecklistOf("Q4");
  ASSERT_TRUE(a5.ok());
  std::map<std::string, domain::Answer> by_item;
  for (const auto& e : a5->entries) if (e.answer) by_item[e.item.code] = *e.answer;
  ASSERT_EQ(by_item.count("A1"), 1u);
  ASSERT_EQ(by_item.count("A5"), 1u);
  EXPECT_EQ(by_item["A1"].findings.results, "Lần đầu: kết quả đạt được");
  EXPECT_EQ(by_item["A1"].findings.rating, "tot");
  EXPECT_EQ(by_item["A5"].findings.results, "Lần hai: còn hạn chế");
  EXPECT_EQ(by_item["A5"].findings.limitations, "Thiếu kinh phí");
  auto stored = luan->store->GetRecord(domain::kAnswer, by_item["A5"].id);
  ASSERT_TRUE(stored.ok() && stored->has_value());
  EXPECT_EQ((*stored)->fields.at("limitations").author, "khoa");
  EXPECT_EQ((*stored)->fields.at("limitations").node, khoa->DeviceId());
}

TEST_F(SyncHarness, S5_S12_PlanArrivesBySyncAndTabletsConvergeWithinTheirScope) {
  auto luan = Enroll("luan"), tham = Enroll("tham"), khoa = Enroll("khoa"), office = Enroll("thuongtruc");
  for (auto* t : {luan.get(), tham.get(), khoa.get(), office.get()}) {
    auto r = t->Sync();
    ASSERT_TRUE(r.ok()) << t->user << ": " << r.status().ToString();
    EXPECT_TRUE(r->used_snapshot) << "S10: a new device starts from current state";
  }
  // S12: khoa is assigned to sessions 1 and 3 only; the leader sees all three.
  EXPECT_EQ(khoa->checklist->Visits()->size(), 2u);
  EXPECT_EQ(luan->checklist->Visits()->size(), 3u);
  EXPECT_FALSE(khoa->checklist->ChecklistOf("CNSG").ok()) << "a unit outside the member's visits is not on the tablet";

  // Offline day: random edits with a fixed seed, shared and disjoint items, several rounds.
  std::mt19937 rng(31);
  const std::vector<std::pair<std::string, std::string>> khoa_items = {{"Q4", "A1"}, {"Q4", "A5"}, {"CG", "A6"},
                                                                        {"TTCT", "A7"}, {"P10Q4", "A2"}};
  const std::vector<std::pair<std::string, std::string>> lead_items = {{"Q4", "A1"}, {"Q4", "A5"}, {"CNSG", "B3"},
                                                                        {"CSTN", "B2"}, {"CG", "A6"}};
  for (int round = 0; round < 4; ++round) {
    for (auto* t : {luan.get(), tham.get(), khoa.get()}) {
      const auto& items = t == khoa.get() ? khoa_items : lead_items;
      for (int k = 0; k < 3; ++k) {
        const auto& [unit, item] = items[rng() % items.size()];
        AnswerEdit edit;
        edit.results = t->user + " vòng " + std::to_string(round) + " – kết quả số " + std::to_string(rng() % 1000);
        if (rng() % 2) edit.rating = (rng() % 2) ? "tot" : "Chưa đạt";
        t->Answer(unit, item, edit);
      }
    }
    // Syncs in a shuffled order each round; tablets keep editing between them.
    std::vector<Tablet*> order = {luan.get(), tham.get(), khoa.get()};
    std::shuffle(order.begin(), order.end(), rng);
    for (auto* t : order) ASSERT_TRUE(t->Sync().ok()) << t->user;
  }
  // Quiescence: everyone pushes and pulls once more.
  for (auto* t : {luan.get(), tham.get(), khoa.get(), office.get()}) ASSERT_TRUE(t->Sync().ok());

  FieldMap truth = Fields(*office->store, domain::kAnswer);
  ASSERT_FALSE(truth.empty());
  EXPECT_EQ(Fields(*luan->store, domain::kAnswer), truth);
  EXPECT_EQ(Fields(*tham->store, domain::kAnswer), truth);
  auto khoa_units = UnitIdsOf(*khoa->checklist);
  EXPECT_EQ(Fields(*khoa->store, domain::kAnswer), OnlyUnits(truth, khoa_units));
  for (auto* t : {luan.get(), tham.get(), khoa.get()}) EXPECT_EQ(*t->store->PendingCount(), 0) << t->user;
}

TEST_F(SyncHarness, S2_ResentAndHalfAppliedPushesChangeNothing) {
  auto khoa = Enroll("khoa"), office = Enroll("thuongtruc");
  ASSERT_TRUE(khoa->Sync().ok());
  for (int i = 1; i <= 7; ++i) {
    AnswerEdit edit;
    edit.limitations = "Hạn chế " + std::to_string(i);
    khoa->Answer("Q4", "A" + std::to_string(i), edit);
  }
  // Batches of 5: the answers to requests 1 and 2 (both pushes) are lost after the server applied them.
  FaultInjectingTransport cutting(*khoa->http, {1, 2});
  SyncOptions options = Tablet::FastOptions();
  options.push_batch_changes = 5;
  auto report = khoa->SyncThrough(cutting, options);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(cutting.cuts(), 2);
  EXPECT_EQ(report->already_had, 5) << "the resent first batch was recognised by (device, sequence)";

  ASSERT_TRUE(khoa->Sync().ok());
  auto everything = PullEverything(office->Token());
  // Everything khoa sent, pushed again twice by hand as a confused client might: all already had.
  wire::ChangeSet again;
  again.set_protocol_version(protocol::kVersion);
  again.set_device_id(khoa->DeviceId());
  for (const auto& c : everything)
    if (c.device_id() == khoa->DeviceId()) *again.add_changes() = c;
  for (int i = 0; i < 2; ++i) {
    std::string body;
    ASSERT_EQ(RawPost(protocol::kPushPath, again.SerializeAsString(), khoa->Token(), &body), 200);
    wire::PushResponse resp;
    ASSERT_TRUE(resp.ParseFromString(body));
    ASSERT_EQ(resp.results_size(), again.changes_size());
    for (const auto& r : resp.results()) EXPECT_EQ(r.outcome(), wire::ALREADY_HAD);
  }
  EXPECT_EQ(PullEverything(office->Token()).size(), everything.size());
  std::set<std::pair<std::string, uint64_t>> keys;
  uint64_t previous = 0;
  for (const auto& c : everything) {
    EXPECT_TRUE(keys.insert({c.device_id(), c.device_seq()}).second)
        << "change " << c.device_id() << "#" << c.device_seq() << " stored twice";
    EXPECT_GT(c.server_seq(), previous) << "S4: one increasing sequence";
    previous = c.server_seq();
  }
  int from_khoa = 0;
  for (const auto& c : everything) from_khoa += c.device_id() == khoa->DeviceId();
  EXPECT_EQ(from_khoa, 7 * 3 + 7) << "7 answers: 3 identity fields + 1 part each, each stored once";
}

TEST_F(SyncHarness, S4_CutPullResumesWithoutSkipOrDouble) {
  auto luan = Enroll("luan"), tham = Enroll("tham");
  ASSERT_TRUE(luan->Sync().ok());
  ASSERT_TRUE(tham->Sync().ok());  // tham has the snapshot; from now on she pulls
  for (int i = 0; i < 40; ++i) {
    AnswerEdit edit;
    edit.recommendations = "Kiến nghị số " + std::to_string(i);
    luan->Answer(i % 2 ? "CG" : "TTCT", "A" + std::to_string(1 + i % 7), edit);
  }
  ASSERT_TRUE(luan->Sync().ok());

  // Pull in batches of 6 and lose the link for good on the 4th request: the sync fails...
  FaultInjectingTransport cut(*tham->http, {4});
  SyncOptions options = Tablet::FastOptions();
  options.pull_batch = 6;
  options.max_attempts = 1;
  auto first = tham->SyncThrough(cut, options);
  ASSERT_FALSE(first.ok());
  EXPECT_EQ(first.status().code(), StatusCode::kUnavailable);
  auto status = SyncEngine::ReadStatus(*tham->store);
  EXPECT_NE(status->last_error.find("simulated"), std::string::npos) << "the error is kept for the app to show";
  uint64_t cursor_after_cut = status->cursor;
  EXPECT_GT(cursor_after_cut, 0u) << "the batches before the cut were kept with their cursor";

  // ...and the next run resumes from the stored cursor.
  RecordingTransport counting(*tham->http);
  auto second = tham->SyncThrough(counting, options);
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_EQ(counting.snapshots, 0);
  EXPECT_EQ(Fields(*tham->store, domain::kAnswer), Fields(*luan->store, domain::kAnswer));
  EXPECT_GT(SyncEngine::ReadStatus(*tham->store)->cursor, cursor_after_cut);
  EXPECT_TRUE(SyncEngine::ReadStatus(*tham->store)->last_error.empty());
  // 3 batches of 6 were applied before the cut; the rest (no more, no fewer) came now.
  EXPECT_EQ(second->received, static_cast<int64_t>(40 + 14 * 3) - 3 * 6);
}

TEST_F(SyncHarness, S10_PushBatchesAreBoundedAndNewDevicesGetCurrentStateNotHistory) {
  auto luan = Enroll("luan");
  ASSERT_TRUE(luan->Sync().ok());
  for (int i = 0; i < 300; ++i) {
    AnswerEdit edit;
    edit.results = "Lần sửa thứ " + std::to_string(i) + std::string(200, '.');
    luan->Answer("Q4", "A1", edit);
  }
  RecordingTransport recording(*luan->http);
  SyncOptions options = Tablet::FastOptions();
  options.push_batch_changes = 50;
  options.push_batch_bytes = 8 * 1024;
  ASSERT_TRUE(luan->SyncThrough(recording, options).ok());
  EXPECT_LE(recording.max_push_changes, 50);
  EXPECT_LE(recording.max_push_bytes, 12u * 1024) << "a batch stops at about the byte bound";
  EXPECT_GE(recording.pushes, 300 * 230 / (8 * 1024));

  // A new tablet receives one value per field, not the 300 edits.
  auto tham = Enroll("tham");
  auto report = tham->Sync();
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report->used_snapshot);
  EXPECT_LT(report->received, 300);
  EXPECT_EQ(tham->checklist->ChecklistOf("Q4")->entries[0].answer->findings.results,
            luan->checklist->ChecklistOf("Q4")->entries[0].answer->findings.results);
}

}  // namespace
}  // namespace fieldsync

namespace fieldsync {
namespace {

// A server from before pushes of 10000 changes: it refuses more than 2000 with 413 too_many_changes.
class OlderPushLimit final : public HttpTransport {
 public:
  explicit OlderPushLimit(HttpTransport& inner) : inner_(inner) {}
  Result<HttpResponse> Send(const HttpRequest& request) override {
    wire::ChangeSet set;
    if (request.path == protocol::kPushPath && set.ParseFromString(body::PlainBody(request.headers, request.body)) &&
        set.changes_size() + wire_codec::GroupSize(set.grouped()) > protocol::kMaxChangesPerPushOlderServers) {
      ++refused;
      wire::ErrorResponse error;
      error.set_protocol_version(protocol::kVersion);
      error.set_code("too_many_changes");
      error.set_message("a push carries at most 2000 changes");
      return HttpResponse{413, {{"Content-Type", protocol::kContentType}}, error.SerializeAsString()};
    }
    return inner_.Send(request);
  }
  int refused = 0;

 private:
  HttpTransport& inner_;
};

TEST_F(SyncHarness, AnOlderServersPushLimitIsLearnedOnceAndKept) {
  auto luan = Enroll("luan");
  ASSERT_TRUE(luan->Sync().ok());
  AnswerEdit first;
  first.results = "bắt đầu";
  luan->Answer("Q4", "A1", first);
  const std::string answer_id = luan->store->PendingChanges(1)->front().record_id;
  auto edit_many = [&](int n, const std::string& word) {
    std::vector<FieldWrite> writes;
    for (int i = 0; i < n; ++i) writes.push_back({domain::kAnswer, answer_id, domain::kResultsField, word + std::to_string(i), false});
    ASSERT_TRUE(luan->store->Write(writes).ok());
  };
  OlderPushLimit older(*luan->http);
  edit_many(2600, "lần ");
  auto synced = luan->SyncThrough(older);
  ASSERT_TRUE(synced.ok()) << synced.status().ToString();
  EXPECT_EQ(older.refused, 1) << "one refused upload teaches the tablet the limit";
  EXPECT_GE(synced->pushed, 2600);
  edit_many(2600, "lượt ");
  synced = luan->SyncThrough(older);
  ASSERT_TRUE(synced.ok()) << synced.status().ToString();
  EXPECT_EQ(older.refused, 1) << "the next sync remembers it";
  EXPECT_EQ(synced->pushed, 2600);
  EXPECT_EQ(*luan->store->PendingCount(), 0);
}

}  // namespace
}  // namespace fieldsync

namespace fieldsync {
namespace {

// An older server (or a gateway) whose answers do not advertise `Accept-Encoding: zstd`.
class NoZstdAdvertised final : public HttpTransport {
 public:
  explicit NoZstdAdvertised(HttpTransport& inner) : inner_(inner) {}
  Result<HttpResponse> Send(const HttpRequest& request) override {
    auto answer = inner_.Send(request);
    if (answer.ok()) answer->headers.erase("Accept-Encoding");
    return answer;
  }

 private:
  HttpTransport& inner_;
};

TEST_F(SyncHarness, PushesGoCompressedOnceTheServerTakesThemAndPlainWhenItStopsSaying) {
  auto luan = Enroll("luan");  // enrolment learns that the server takes zstd
  ASSERT_TRUE(luan->Sync().ok());  // the plan
  for (int i = 1; i <= 7; ++i) {
    // Long enough that a batch of four is over the 512 bytes from which bodies are compressed.
    luan->Answer("Q4", "A" + std::to_string(i),
                 AnswerEdit{.results = "Đã quán triệt, triển khai kịp thời các văn bản của cấp trên về công tác "
                                       "dân vận, xây dựng quy chế dân chủ ở cơ sở, lần " + std::to_string(i)});
  }
  RecordingTransport compressed(*luan->http);
  SyncOptions small = Tablet::FastOptions();
  small.push_batch_changes = 4;
  ASSERT_TRUE(luan->SyncThrough(compressed, small).ok());
  ASSERT_GT(compressed.pushes, 1);
  EXPECT_EQ(compressed.compressed_pushes, compressed.pushes) << "from the first push on, as learned at enrolment";

  luan->Answer("Q4", "A1", AnswerEdit{.results = std::string("Sửa lại sau khi máy chủ đổi")});
  luan->Answer("Q4", "A2", AnswerEdit{.results = std::string("Sửa lại lần nữa")});
  NoZstdAdvertised older(*luan->http);
  ASSERT_TRUE(luan->SyncThrough(older, small).ok()) << "a first compressed push still goes through here";
  RecordingTransport plain(older);
  luan->Answer("Q4", "A3", AnswerEdit{.results = std::string("Sau khi biết máy chủ không nhận nén")});
  ASSERT_TRUE(luan->SyncThrough(plain, small).ok());
  EXPECT_EQ(plain.pushes, 1);
  EXPECT_EQ(plain.compressed_pushes, 0) << "the next sync remembers the server stopped advertising";
  EXPECT_EQ(*luan->store->PendingCount(), 0);
}

TEST_F(SyncHarness, S5_S12_LateAssignmentBringsTheVisitsEarlierAnswers) {
  auto luan = Enroll("luan"), khoa = Enroll("khoa");
  ASSERT_TRUE(luan->Sync().ok());
  ASSERT_TRUE(khoa->Sync().ok());
  EXPECT_FALSE(khoa->checklist->ChecklistOf("CNSG").ok());
  AnswerEdit edit;
  edit.results = "Hội nghị người lao động tổ chức đúng hạn";
  luan->Answer("CNSG", "B2", edit);
  ASSERT_TRUE(luan->Sync().ok());
  ASSERT_TRUE(khoa->Sync().ok());  // khoa's cursor is now past luan's answer

  // The secretariat adds khoa to session 2: his next sync sees the visit and its earlier answer.
  ASSERT_TRUE(server_->service().Assign("khoa", "V2").ok());
  auto report = khoa->Sync();
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_TRUE(report->used_snapshot) << "a changed scope is caught up by a fresh snapshot";
  auto cnsg = khoa->checklist->ChecklistOf("CNSG");
  ASSERT_TRUE(cnsg.ok()) << cnsg.status().ToString();
  ASSERT_TRUE(cnsg->entries[1].answer.has_value());
  EXPECT_EQ(cnsg->entries[1].answer->findings.results, "Hội nghị người lao động tổ chức đúng hạn");
  EXPECT_EQ(khoa->checklist->Visits()->size(), 3u);
  EXPECT_FALSE(khoa->Sync()->used_snapshot) << "once caught up, plain pulls again";
}

}  // namespace
}  // namespace fieldsync

namespace fieldsync {
namespace {

// S8: a tablet whose clock is hours behind still wins with an edit made after seeing a value,
// and one hours ahead is refused by the server's bound instead of pushing every later edit ahead.
TEST_F(SyncHarness, S8_AnEditMadeAfterSeeingAValueWinsWhateverTheClock) {
  ManualClock behind(SystemClock::Default().NowMillis() - 3 * 3600 * 1000);
  auto luan = Enroll("luan"), tham = Enroll("tham", &behind);
  ASSERT_TRUE(luan->Sync().ok());
  ASSERT_TRUE(tham->Sync().ok());
  AnswerEdit first;
  first.results = "Bản của Trưởng đoàn";
  luan->Answer("Q4", "A3", first);
  ASSERT_TRUE(luan->Sync().ok());
  ASSERT_TRUE(tham->Sync().ok());  // tham has now seen luan's value...
  AnswerEdit second;
  second.results = "Bản sửa của Phó đoàn, sau khi đọc bản của Trưởng đoàn";
  tham->Answer("Q4", "A3", second);  // ...and edits it with a clock three hours behind
  ASSERT_TRUE(tham->Sync().ok());
  ASSERT_TRUE(luan->Sync().ok());
  for (auto* t : {luan.get(), tham.get()}) {
    EXPECT_EQ(t->checklist->ChecklistOf("Q4")->entries[2].answer->findings.results, *second.results) << t->user;
    EXPECT_TRUE(t->checklist->Conflicts()->empty()) << "a causal overwrite is not a conflict";
  }

  ManualClock ahead(SystemClock::Default().NowMillis() + 3 * 3600 * 1000);
  auto khoa = Enroll("khoa", &ahead);
  ASSERT_TRUE(khoa->Sync().ok());
  AnswerEdit future;
  future.results = "Máy tính bảng chạy nhanh ba giờ";
  khoa->Answer("Q4", "A3", future);
  auto refused = khoa->Sync();
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.status().message().find("date and time"), std::string::npos) << refused.status().message();
  ASSERT_TRUE(luan->Sync().ok());
  EXPECT_EQ(luan->checklist->ChecklistOf("Q4")->entries[2].answer->findings.results, *second.results);

  // The inspector corrects the tablet's clock: the waiting edit goes through, freshly stamped.
  ahead.Set(SystemClock::Default().NowMillis());
  auto fixed = khoa->Sync();
  ASSERT_TRUE(fixed.ok()) << fixed.status().ToString();
  EXPECT_EQ(*khoa->store->PendingCount(), 0);
  ASSERT_TRUE(luan->Sync().ok());
  EXPECT_EQ(luan->checklist->ChecklistOf("Q4")->entries[2].answer->findings.results, *future.results)
      << "written after seeing the deputy's value, it wins once its clock is right";
}

}  // namespace
}  // namespace fieldsync

namespace fieldsync {
namespace {

// S9/S10: history is purged once devices have pulled past it; a tablet offline for longer is told
// to re-sync its state (410), takes a fresh snapshot, and still delivers its outbox.
TEST_F(SyncHarness, S9_S10_TabletOfflinePastThePurgeResyncsAndKeepsItsEdits) {
  auto luan = Enroll("luan"), tham = Enroll("tham");
  ASSERT_TRUE(luan->Sync().ok());
  ASSERT_TRUE(tham->Sync().ok());
  AnswerEdit offline;
  offline.results = "Ghi chép của Phó đoàn khi không có mạng";
  tham->Answer("CG", "A1", offline);
  for (int i = 0; i < 30; ++i) {
    AnswerEdit edit;
    edit.limitations = "Bản nháp " + std::to_string(i);
    luan->Answer("CG", "A2", edit);
  }
  ASSERT_TRUE(luan->Delete("CG", "A2", "limitations"));
  ASSERT_TRUE(luan->Sync().ok());

  // Two days later luan syncs again; tham has not been seen since: her cursor no longer holds
  // the purge back.
  server_clock_.Advance(2 * 24 * 3600 * 1000LL);
  ASSERT_TRUE(luan->Sync().ok());
  auto purged = server_->service().Purge(/*retention_days=*/1);
  ASSERT_TRUE(purged.ok()) << purged.status().ToString();
  EXPECT_GT(purged->changes_deleted, 25u) << "superseded drafts are gone from the log";

  auto report = tham->Sync();
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_TRUE(report->used_snapshot) << "told to re-sync, the tablet took a fresh snapshot";
  EXPECT_EQ(report->pushed, 4) << "its outbox went out, not discarded";
  ASSERT_TRUE(luan->Sync().ok());
  EXPECT_EQ(Fields(*tham->store, domain::kAnswer), Fields(*luan->store, domain::kAnswer));
  auto cg = tham->checklist->ChecklistOf("CG");
  EXPECT_EQ(cg->entries[0].answer->findings.results, *offline.results);
  EXPECT_TRUE(cg->entries[1].answer->findings.limitations.empty()) << "the deletion reached the re-synced tablet";
  EXPECT_FALSE(tham->Sync()->used_snapshot);
}

}  // namespace
}  // namespace fieldsync
