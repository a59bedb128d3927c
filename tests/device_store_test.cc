// DeviceStore: round trips of every record type, the single write path (S1 in one process),
// outbox and acknowledgement (S3's device half), remote merge (S6) and the cursor (S4).
#include "fieldsync/device_store.h"

#include <gtest/gtest.h>

#include <cmath>

#include "fieldsync/domain.h"
#include "fieldsync/seed_scenario.h"
#include "temp_dir.h"
#include "test_clock.h"

namespace fieldsync {
namespace {

class DeviceStoreTest : public ::testing::Test {
 protected:
  void SetUp() override { Reopen(); }
  void Reopen() {
    store_.reset();
    auto opened = DeviceStore::Open(dir_.File("tablet.db"), DeviceStoreOptions{&clock_});
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    store_ = std::move(opened).value();
    ASSERT_TRUE(store_->Initialize("luan").ok());
  }
  Record MustGet(const std::string& type, const std::string& id) {
    auto r = store_->GetRecord(type, id);
    EXPECT_TRUE(r.ok() && r->has_value()) << type << "/" << id;
    return r.ok() && r->has_value() ? **r : Record{};
  }

  TempDir dir_;
  ManualClock clock_{1'688'601'600'000};  // 2023-07-06
  std::unique_ptr<DeviceStore> store_;
};

TEST_F(DeviceStoreTest, EveryRecordTypeRoundTripsThroughReopen) {
  const auto& plan = seed::Plan31();
  ASSERT_TRUE(store_->Write(domain::ToWrites(plan)).ok());
  domain::Answer answer{domain::AnswerId(plan.units[0].id, plan.items[0].id), plan.visits[0].id, plan.units[0].id,
                        plan.items[0].id, {"tot", "Kết quả", "Cách làm hay", "Hạn chế", "Kiến nghị"}};
  domain::Conclusion conclusion{domain::ConclusionId(plan.visits[0].id), plan.visits[0].id,
                                {"dat", "Kết luận", "Kinh nghiệm", "Khó khăn", "Đề xuất"}};
  std::vector<FieldWrite> writes;
  auto findings = [&](const char* type, const std::string& id, const domain::Findings& f) {
    for (auto [field, value] : {std::pair{"rating", f.rating}, {"results", f.results},
                                {"good_practices", f.good_practices}, {"limitations", f.limitations},
                                {"recommendations", f.recommendations}})
      writes.push_back({type, id, field, value, false});
  };
  writes.push_back({domain::kAnswer, answer.id, "visit_id", answer.visit_id, false});
  writes.push_back({domain::kAnswer, answer.id, "unit_id", answer.unit_id, false});
  writes.push_back({domain::kAnswer, answer.id, "item_id", answer.item_id, false});
  findings(domain::kAnswer, answer.id, answer.findings);
  writes.push_back({domain::kConclusion, conclusion.id, "visit_id", conclusion.visit_id, false});
  findings(domain::kConclusion, conclusion.id, conclusion.findings);
  ASSERT_TRUE(store_->Write(writes).ok());
  Reopen();

  auto p = domain::PlanFrom(MustGet(domain::kPlan, plan.plan.id));
  EXPECT_EQ(p.code, "31-KH/BCĐTP");
  EXPECT_EQ(p.window_start, "2023-07-06");
  EXPECT_EQ(p.basis, plan.plan.basis);
  for (const auto& m : plan.members) {
    auto got = domain::MemberFrom(MustGet(domain::kMember, m.id));
    EXPECT_EQ(got.full_name, m.full_name);
    EXPECT_EQ(got.role, m.role);
  }
  for (const auto& u : plan.units) {
    auto got = domain::UnitFrom(MustGet(domain::kUnit, u.id));
    EXPECT_EQ(got.name, u.name);
    EXPECT_EQ(got.parent_id, u.parent_id);
    EXPECT_EQ(got.visit_id, u.visit_id);
  }
  for (const auto& v : plan.visits) EXPECT_EQ(domain::VisitFrom(MustGet(domain::kVisit, v.id)).date, v.date);
  for (const auto& a : plan.assignments)
    EXPECT_EQ(domain::AssignmentFrom(MustGet(domain::kAssignment, a.id)).member_id, a.member_id);
  for (const auto& t : plan.templates) EXPECT_EQ(domain::TemplateFrom(MustGet(domain::kTemplate, t.id)).version, 1);
  for (const auto& i : plan.items) {
    auto got = domain::ItemFrom(MustGet(domain::kItem, i.id));
    EXPECT_EQ(got.text, i.text);
    EXPECT_EQ(got.position, i.position);
  }
  auto a = domain::AnswerFrom(MustGet(domain::kAnswer, answer.id));
  EXPECT_EQ(a.unit_id, answer.unit_id);
  EXPECT_EQ(a.findings.recommendations, "Kiến nghị");
  auto c = domain::ConclusionFrom(MustGet(domain::kConclusion, conclusion.id));
  EXPECT_EQ(c.findings.results, "Kết luận");
  EXPECT_EQ(c.findings.rating, "dat");
  auto units = store_->ListRecords(domain::kUnit);
  ASSERT_TRUE(units.ok());
  EXPECT_EQ(units->size(), 6u);
}

TEST_F(DeviceStoreTest, S1_WriteStampsHlcSeqAndSeenAndAppendsOutbox) {
  auto first = store_->Write({{"answer", "a1", "results", std::string("một"), false}});
  ASSERT_TRUE(first.ok());
  clock_.Advance(-60'000);  // the wall clock jumps back a minute
  auto second = store_->Write({{"answer", "a1", "results", std::string("hai"), false}});
  ASSERT_TRUE(second.ok());
  const Change& c1 = first->front();
  const Change& c2 = second->front();
  EXPECT_EQ(c2.device_seq, c1.device_seq + 1);
  EXPECT_GT(c2.hlc, c1.hlc);
  EXPECT_TRUE(c1.seen_hlc.IsZero());
  EXPECT_EQ(c2.seen_hlc, c1.hlc) << "the second write had seen the first";
  EXPECT_EQ(c2.seen_device_id, c1.device_id);
  EXPECT_EQ(c2.author, "luan");

  auto pending = store_->PendingChanges(100);
  ASSERT_TRUE(pending.ok());
  ASSERT_EQ(pending->size(), 2u);
  EXPECT_EQ(TextOf((*pending)[1].value), "hai");
  EXPECT_EQ((*pending)[1].hlc, c2.hlc);
  EXPECT_EQ((*pending)[1].seen_hlc, c1.hlc);
}

TEST_F(DeviceStoreTest, HlcSurvivesReopenWithClockBehind) {
  auto written = store_->Write({{"answer", "a1", "results", std::string("x"), false}});
  ASSERT_TRUE(written.ok());
  clock_.Advance(-3 * 3600 * 1000);
  Reopen();
  EXPECT_GE(store_->LastHlc(), written->front().hlc);
  auto next = store_->Write({{"answer", "a1", "results", std::string("y"), false}});
  ASSERT_TRUE(next.ok());
  EXPECT_GT(next->front().hlc, written->front().hlc);
}

// A tap leaves its sequence and timestamp in its outbox row only: they must survive the row
// leaving the outbox (acknowledged, or set aside as rejected) and a reopen with the clock behind.
TEST_F(DeviceStoreTest, S2_S8_SequenceAndClockOutliveTheOutboxRows) {
  auto write = [&](const std::string& text) {
    auto w = store_->Write({{"answer", "a1", "results", text, false}});
    EXPECT_TRUE(w.ok()) << w.status().ToString();
    return w.ok() ? w->front() : Change{};
  };
  write("một");
  const Change second = write("hai");
  ASSERT_TRUE(store_->Acknowledge(*store_->PendingChanges(100)).ok());
  ASSERT_EQ(*store_->PendingCount(), 0);
  EXPECT_EQ(*store_->LastIssuedSeq(), second.device_seq);
  clock_.Advance(-3 * 3600 * 1000);
  Reopen();
  const Change third = write("ba");
  EXPECT_EQ(third.device_seq, second.device_seq + 1) << "an acknowledged sequence is never handed out again";
  EXPECT_GT(third.hlc, second.hlc);

  ASSERT_TRUE(store_->RejectPending(third.device_seq, "test", "set aside").ok());
  Reopen();
  const Change fourth = write("bốn");
  EXPECT_EQ(fourth.device_seq, third.device_seq + 1) << "nor is a rejected one";
  EXPECT_GT(fourth.hlc, third.hlc);
  ASSERT_EQ(*store_->RequeueRejected(""), 1);
  EXPECT_EQ(*store_->PendingCount(), 2) << "the requeued change and the new one both wait";
}

// The app and a sync service may hold the same file: each must see the other's taps.
TEST_F(DeviceStoreTest, S2_S8_TwoConnectionsNeverShareASequenceOrGoBackInTime) {
  auto other = std::move(DeviceStore::Open(dir_.File("tablet.db"), DeviceStoreOptions{&clock_}).value());
  auto a = store_->Write({{"answer", "a1", "results", std::string("A"), false}});
  clock_.Advance(-60'000);
  auto b = other->Write({{"answer", "a2", "results", std::string("B"), false}});
  auto c = store_->Write({{"answer", "a3", "results", std::string("C"), false}});
  ASSERT_TRUE(a.ok() && b.ok() && c.ok());
  EXPECT_EQ(b->front().device_seq, a->front().device_seq + 1);
  EXPECT_EQ(c->front().device_seq, b->front().device_seq + 1);
  EXPECT_GT(b->front().hlc, a->front().hlc);
  EXPECT_GT(c->front().hlc, b->front().hlc);
}

TEST_F(DeviceStoreTest, WriteRecordComposesFromTheStoredRecordInOneTransaction) {
  ASSERT_TRUE(store_->Write({{"answer", "a1", "results", std::string("cũ"), false}}).ok());
  std::optional<Record> seen;
  auto written = store_->WriteRecord("answer", "a1", [&](const std::optional<Record>& stored) {
    seen = stored;
    return Result<std::vector<FieldWrite>>(std::vector<FieldWrite>{
        {"answer", "a1", "rating", std::string("tot"), false}, {"answer", "a1", "results", std::string("mới"), false}});
  });
  ASSERT_TRUE(written.ok()) << written.status().ToString();
  ASSERT_TRUE(seen.has_value());
  EXPECT_EQ(seen->Text("results"), "cũ");
  EXPECT_EQ(written->Text("rating"), "tot");
  EXPECT_EQ(written->Text("results"), "mới");
  EXPECT_EQ(MustGet("answer", "a1").Text("results"), "mới");
  auto pending = store_->PendingChanges(10);
  ASSERT_EQ(pending->size(), 3u);
  EXPECT_EQ((*pending)[2].seen_hlc, (*pending)[0].hlc) << "the seen stamp comes from the stored record";
  EXPECT_TRUE((*pending)[1].seen_hlc.IsZero());

  auto elsewhere = store_->WriteRecord("answer", "a1", [](const std::optional<Record>&) {
    return Result<std::vector<FieldWrite>>(std::vector<FieldWrite>{
        {"answer", "a1", "rating", std::string("dat"), false}, {"answer", "a2", "rating", std::string("dat"), false}});
  });
  EXPECT_EQ(elsewhere.status().code(), StatusCode::kInvalidArgument);
  auto refused = store_->WriteRecord("answer", "a1", [](const std::optional<Record>&) {
    return Result<std::vector<FieldWrite>>(Status::FailedPrecondition("no"));
  });
  EXPECT_EQ(refused.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(*store_->PendingCount(), 3) << "a refused composition writes nothing";
  EXPECT_EQ(MustGet("answer", "a1").Text("rating"), "tot");
}

TEST_F(DeviceStoreTest, InvalidInputWritesNothing) {
  auto r = store_->Write({{"answer", "a1", "results", std::string("tốt"), false},
                          {"answer", "a1", "limitations", std::string("\xFF\xFE"), false}});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(*store_->PendingCount(), 0);
  EXPECT_FALSE(store_->GetRecord("answer", "a1")->has_value());
}

TEST_F(DeviceStoreTest, S11_NonFiniteNumbersAreRefusedAndWriteNothing) {
  // SQLite would keep NaN as NULL: the field would read back empty while the outbox sent NaN.
  for (double bad : {std::nan(""), HUGE_VAL, -HUGE_VAL}) {
    auto r = store_->Write({{"answer", "a1", "results", std::string("tốt"), false},
                            {"answer", "a1", "score", bad, false}});
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(r.status().message().find("answer.score is not a finite number"), std::string::npos)
        << r.status().ToString();
  }
  EXPECT_EQ(*store_->PendingCount(), 0);
  EXPECT_FALSE(store_->GetRecord("answer", "a1")->has_value());
  EXPECT_TRUE(store_->Write({{"answer", "a1", "score", 7.5, false}}).ok()) << "a finite number is fine";
}

TEST_F(DeviceStoreTest, TextIsStoredAsNfc) {
  ASSERT_TRUE(store_->Write({{"unit", "u1", "name", std::string("Huye\xCC\xA3\xCC\x82n u\xCC\x89y"), false}}).ok());
  EXPECT_EQ(MustGet("unit", "u1").Text("name"), "Huyện ủy");
}

TEST_F(DeviceStoreTest, AcknowledgeDropsOnlyAcknowledgedEntries) {
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(store_->Write({{"answer", "a1", "results", std::to_string(i), false}}).ok());
  auto pending = store_->PendingChanges(100);
  ASSERT_EQ(pending->size(), 5u);
  ASSERT_TRUE(store_->Acknowledge({pending->begin(), pending->begin() + 3}).ok());
  auto rest = store_->PendingChanges(100);
  ASSERT_EQ(rest->size(), 2u);
  EXPECT_EQ(TextOf(rest->front().value), "3");
  EXPECT_EQ(MustGet("answer", "a1").Text("results"), "4") << "acknowledging never touches current state";
}

// S3: a change set aside, then put back (by `fieldsync rejected --requeue` in another process)
// while a batch that skipped it was on the wire, lies inside the batch's span but was never sent.
TEST_F(DeviceStoreTest, S3_AcknowledgeKeepsAChangeRequeuedInsideTheSentSpan) {
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(store_->Write({{"answer", "a" + std::to_string(i), "results", "x", false}}).ok());
  auto all = store_->PendingChanges(100);
  ASSERT_EQ(all->size(), 5u);
  const uint64_t middle = (*all)[2].device_seq;
  ASSERT_TRUE(store_->RejectPending(middle, "forbidden", "not your unit").ok());
  auto sent = store_->PendingChanges(100);
  ASSERT_EQ(sent->size(), 4u);
  ASSERT_EQ(*store_->RequeueRejected(), 1);
  ASSERT_TRUE(store_->Acknowledge(*sent).ok());
  auto left = store_->PendingChanges(100);
  ASSERT_EQ(left->size(), 1u) << "the requeued change was never sent and must stay in the outbox";
  EXPECT_EQ(left->front().device_seq, middle);
  EXPECT_EQ(left->front().record_id, "a2");
}

// The sent list may come in any order and name a change twice (a batch resent whole); an empty
// one acknowledges nothing.
TEST_F(DeviceStoreTest, AcknowledgeTakesTheSentChangesInAnyOrderAndOnce) {
  for (int i = 0; i < 6; ++i) ASSERT_TRUE(store_->Write({{"answer", "a" + std::to_string(i), "results", "x", false}}).ok());
  auto all = store_->PendingChanges(100);
  ASSERT_EQ(all->size(), 6u);
  ASSERT_TRUE(store_->Acknowledge({}).ok());
  EXPECT_EQ(store_->PendingChanges(100)->size(), 6u);
  ASSERT_TRUE(store_->Acknowledge({(*all)[4], (*all)[0], (*all)[4], (*all)[1], (*all)[0]}).ok());
  auto left = store_->PendingChanges(100);
  ASSERT_EQ(left->size(), 3u);
  EXPECT_EQ((*left)[0].record_id, "a2");
  EXPECT_EQ((*left)[1].record_id, "a3");
  EXPECT_EQ((*left)[2].record_id, "a5");
}

TEST_F(DeviceStoreTest, PendingBatchesAreBoundedByCountAndBytes) {
  for (int i = 0; i < 10; ++i)
    ASSERT_TRUE(store_->Write({{"answer", "a" + std::to_string(i), "results", std::string(1000, 'x'), false}}).ok());
  EXPECT_EQ(store_->PendingChanges(4)->size(), 4u);
  auto by_bytes = store_->PendingChanges(100, 3500);
  EXPECT_EQ(by_bytes->size(), 3u);
  EXPECT_EQ(store_->PendingChanges(100, 10)->size(), 1u) << "one oversized change still moves";
}

Change RemoteChange(const std::string& field, const std::string& value, Hlc hlc, const std::string& device) {
  Change c;
  c.record_type = "answer";
  c.record_id = "a1";
  c.field = field;
  c.value = value;
  c.hlc = hlc;
  c.device_id = device;
  c.author = "tham";
  return c;
}

TEST_F(DeviceStoreTest, S6_RemoteMergeKeepsLargerHlcThenDeviceId) {
  Hlc t{1'688'601'600'000, 0};
  ASSERT_TRUE(store_->ApplyRemote({RemoteChange("results", "B", t, "device-b")}, {{"cursor", "1"}}).ok());
  // Older HLC loses; equal HLC is decided by the device id; applying the same change twice is a no-op.
  ASSERT_TRUE(store_->ApplyRemote({RemoteChange("results", "old", Hlc{t.physical_ms - 1, 0}, "device-z"),
                                   RemoteChange("results", "A", t, "device-a"),
                                   RemoteChange("results", "C", t, "device-c"),
                                   RemoteChange("results", "C", t, "device-c")},
                                  {{"cursor", "5"}})
                  .ok());
  EXPECT_EQ(MustGet("answer", "a1").Text("results"), "C");
  EXPECT_EQ(**store_->GetSetting("cursor"), "5") << "S4: the cursor is stored with the batch";
  EXPECT_EQ(*store_->PendingCount(), 0) << "remote changes never enter the outbox";
  EXPECT_GT(store_->LastHlc(), t) << "received timestamps are folded into the device clock";
}

TEST_F(DeviceStoreTest, S6_RemoteMergeComparesWithWritesEarlierInTheSameBatch) {
  // ApplyRemote reads a record's stamps once while its fields follow one another: a record that
  // comes back later in the page, and a field written twice, must still meet what the page wrote.
  Hlc t{1'688'601'600'000, 0};
  Change other = RemoteChange("results", "other record", t, "device-b");
  other.record_id = "a2";
  Change rating = RemoteChange("rating", "tot", t, "device-b");
  ASSERT_TRUE(store_->ApplyRemote({RemoteChange("results", "newer", Hlc{t.physical_ms + 5, 0}, "device-b"), other,
                                   RemoteChange("results", "older", Hlc{t.physical_ms + 1, 0}, "device-c"), rating,
                                   RemoteChange("rating", "kha", Hlc{t.physical_ms + 2, 0}, "device-c"),
                                   RemoteChange("rating", "late", Hlc{t.physical_ms + 1, 0}, "device-d")},
                                  {})
                  .ok());
  EXPECT_EQ(MustGet("answer", "a1").Text("results"), "newer");
  EXPECT_EQ(MustGet("answer", "a1").Text("rating"), "kha");
  EXPECT_EQ(MustGet("answer", "a2").Text("results"), "other record");
}

TEST_F(DeviceStoreTest, TypeVersionSeesOtherConnectionsOncePerPin) {
  const uint64_t before = *store_->TypeVersion("unit");
  auto other = std::move(DeviceStore::Open(dir_.File("tablet.db"), DeviceStoreOptions{&clock_}).value());
  {
    auto pin = store_->PinVersions();
    EXPECT_EQ(*store_->TypeVersion("unit"), before) << "the pin's first look: nothing new yet";
    ASSERT_TRUE(other->Write({{"unit", "u9", "code", std::string("BT"), false}}).ok());
    EXPECT_EQ(*store_->TypeVersion("unit"), before) << "within the pin, no second look";
    ASSERT_TRUE(store_->Write({{"answer", "u9/i1", "rating", std::string("tot"), false}}).ok());
    EXPECT_GT(*store_->TypeVersion("answer"), before) << "this store's own commits count at once";
  }
  EXPECT_GT(*store_->TypeVersion("unit"), before) << "after the pin, the other connection's commit is seen";
  const uint64_t seen = *store_->TypeVersion("unit");
  ASSERT_TRUE(other->Write({{"unit", "u9", "code", std::string("BT2"), false}}).ok());
  EXPECT_GT(*store_->TypeVersion("unit"), seen) << "unpinned, every call looks";
}

TEST_F(DeviceStoreTest, SearchLeavesReferencesOut) {
  ASSERT_TRUE(store_->Write({{"answer", "unit-7/item-3", "unit_id", std::string("unit-7"), false},
                             {"answer", "unit-7/item-3", "results", std::string("Đã rà soát unit-7"), false}})
                  .ok());
  auto hits = store_->Search("unit-7");
  ASSERT_TRUE(hits.ok());
  ASSERT_EQ(hits->size(), 1u) << "the finding that names it, not the reference field";
  EXPECT_EQ(hits->front().field, "results");
  EXPECT_TRUE(store_->Search("da ra soat")->size() == 1u);
}

TEST_F(DeviceStoreTest, SearchFindsFoldedTextAndSkipsDeletedRecords) {
  ASSERT_TRUE(store_->Write({{"unit", "u1", "name", std::string("Huyện ủy Cần Giờ"), false},
                             {"unit", "u2", "name", std::string("Cần Giờ cũ"), false}})
                  .ok());
  EXPECT_EQ(store_->Search("can gio")->size(), 2u);
  ASSERT_TRUE(store_->Write({{"unit", "u2", kDeletedField, true, false}}).ok());
  auto hits = store_->Search("CAN GIO");
  ASSERT_EQ(hits->size(), 1u);
  EXPECT_EQ(hits->front().record_id, "u1");
  EXPECT_EQ(hits->front().text, "Huyện ủy Cần Giờ");
  ASSERT_TRUE(store_->Write({{"unit", "u1", "name", {}, true}}).ok());
  EXPECT_TRUE(store_->Search("can gio")->empty()) << "a deleted field leaves the index";
}

TEST_F(DeviceStoreTest, S8_RestampAfterAClockAheadKeepsOrderAndSeenLinks) {
  Hlc remote{clock_.NowMillis() + 1000, 0};
  ASSERT_TRUE(store_->ApplyRemote({RemoteChange("results", "from tham", remote, "device-t")}, {}).ok());
  clock_.Advance(24 * 3600 * 1000);  // the tablet's clock runs a day ahead
  auto v1 = store_->Write({{"answer", "a1", "results", std::string("v1"), false}});
  auto v2 = store_->Write({{"answer", "a1", "results", std::string("v2"), false}});
  ASSERT_TRUE(v1.ok() && v2.ok());
  clock_.Advance(-24 * 3600 * 1000);  // corrected
  ASSERT_TRUE(store_->RestampPending().ok());
  auto pending = store_->PendingChanges(10);
  ASSERT_EQ(pending->size(), 2u);
  const Change& n1 = (*pending)[0];
  const Change& n2 = (*pending)[1];
  EXPECT_LT(n1.hlc, v1->front().hlc) << "no longer a day ahead";
  EXPECT_GT(n1.hlc, remote) << "still after the value it had seen";
  EXPECT_EQ(n1.seen_hlc, remote);
  EXPECT_EQ(n2.seen_hlc, n1.hlc) << "the second write still names the first as seen";
  EXPECT_GT(n2.hlc, n1.hlc);
  EXPECT_EQ(MustGet("answer", "a1").fields.at("results").hlc, n2.hlc) << "current state moved with it";
  auto next = store_->Write({{"answer", "a1", "results", std::string("v3"), false}});
  EXPECT_GT(next->front().hlc, n2.hlc);
}

TEST_F(DeviceStoreTest, OneStoreBelongsToOneUser) {
  EXPECT_TRUE(store_->Initialize("luan").ok());
  Status s = store_->Initialize("tham");
  EXPECT_EQ(s.code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(s.message().find("luan"), std::string::npos);
}

TEST(DeviceStoreOpen, UninitialisedStoreRefusesWritesWithAHint) {
  TempDir dir;
  auto store = DeviceStore::Open(dir.File("new.db"));
  ASSERT_TRUE(store.ok());
  auto r = (*store)->Write({{"unit", "u1", "name", std::string("x"), false}});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("fieldsync init"), std::string::npos);
}

TEST(DeviceStoreOpen, NotADatabaseIsReportedClearly) {
  TempDir dir;
  std::string path = dir.File("notes.txt");
  FILE* f = fopen(path.c_str(), "w");
  fputs("this is not a database, just some text that is long enough to look like a header......", f);
  fclose(f);
  auto store = DeviceStore::Open(path);
  ASSERT_FALSE(store.ok());
  EXPECT_NE(store.status().message().find(path), std::string::npos) << store.status().ToString();
}

}  // namespace
}  // namespace fieldsync
