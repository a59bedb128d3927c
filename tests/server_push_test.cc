// SyncService push and pull: exactly-once (S2), one increasing sequence and resumable, scoped pull
// (S4), deterministic winner (S6), clock drift (S8) and bad input (S11).
#include <algorithm>
#include <cmath>
#include <map>
#include <random>
#include <set>

#include "server_test_util.h"

namespace fieldsync::server::testing {
namespace {

using ::testing::HasSubstr;

class PushTest : public ServiceTest {};

TEST_F(PushTest, S11_NonFiniteNumbersAreRefusedAndAppliedNothing) {
  const uint64_t head = Head();
  // The secretariat may write any record type, reals included.
  for (double bad : {std::nan(""), HUGE_VAL, -HUGE_VAL}) {
    auto pushed = Push(Secretariat(), {Make(Secretariat(), 1, domain::kUnit, seed_.q4.id, "area_km2", bad)});
    EXPECT_EQ(pushed.status().code(), StatusCode::kInvalidArgument) << bad;
    EXPECT_THAT(pushed.status().message(), HasSubstr("not a finite number")) << bad;
  }
  EXPECT_EQ(Head(), head);
  ASSERT_TRUE(Push(Secretariat(), {Make(Secretariat(), 1, domain::kUnit, seed_.q4.id, "area_km2", 4.18)}).ok());
}

TEST_F(PushTest, S2_SameBatchTwiceIsAlreadyHadAndChangesNothing) {
  auto khoa = Khoa();
  std::vector<Change> batch = {Answer(khoa, 1, seed_.q4, seed_.a1, "rating", "tot"),
                               Answer(khoa, 2, seed_.q4, seed_.a1, "results", "Kết quả tốt")};
  auto first = Push(khoa, batch);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  ASSERT_EQ(first->results.size(), 2u);
  const uint64_t head = Head();
  const auto log = PullAll(Secretariat());

  for (int attempt = 0; attempt < 3; ++attempt) {
    auto again = Push(khoa, batch);
    ASSERT_TRUE(again.ok()) << again.status().ToString();
    ASSERT_EQ(again->results.size(), 2u);
    for (size_t i = 0; i < 2; ++i) {
      EXPECT_EQ(again->results[i].outcome, ApplyOutcome::kAlreadyHad);
      EXPECT_EQ(again->results[i].server_seq, first->results[i].server_seq);
      EXPECT_EQ(again->results[i].device_seq, batch[i].device_seq);
    }
  }
  EXPECT_EQ(Head(), head);
  EXPECT_EQ(PullAll(Secretariat()).size(), log.size());

  // A batch mixing an old change with a new one applies only the new one.
  auto mixed = Push(khoa, {batch[1], Answer(khoa, 3, seed_.q4, seed_.a1, "limitations", "Còn hạn chế")});
  ASSERT_TRUE(mixed.ok());
  EXPECT_EQ(mixed->results[0].outcome, ApplyOutcome::kAlreadyHad);
  EXPECT_EQ(mixed->results[1].outcome, ApplyOutcome::kApplied);
  EXPECT_EQ(mixed->results[1].server_seq, head + 1);
}

TEST_F(PushTest, S2_DuplicateInsideOneBatchIsAppliedOnce) {
  auto khoa = Khoa();
  auto c = Answer(khoa, 7, seed_.q4, seed_.a1, "rating", "dat");
  auto r = Push(khoa, {c, c});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->results[0].outcome, ApplyOutcome::kApplied);
  EXPECT_EQ(r->results[1].outcome, ApplyOutcome::kAlreadyHad);
  EXPECT_EQ(r->results[1].server_seq, r->results[0].server_seq);
}

TEST_F(PushTest, S4_OneIncreasingSequenceAcrossDevices) {
  const uint64_t head = Head();
  std::vector<uint64_t> seqs;
  for (int round = 0; round < 3; ++round) {
    auto a = Push(Khoa(), {Answer(Khoa(), round * 2 + 1, seed_.q4, seed_.a1, "results", "k" + std::to_string(round)),
                           Answer(Khoa(), round * 2 + 2, seed_.q4, seed_.a1, "rating", "tot")});
    auto b = Push(Ha(), {Answer(Ha(), round + 1, seed_.cnsg, seed_.b1, "results", "h" + std::to_string(round))});
    ASSERT_TRUE(a.ok() && b.ok());
    for (const auto& r : a->results) seqs.push_back(r.server_seq);
    for (const auto& r : b->results) seqs.push_back(r.server_seq);
  }
  ASSERT_EQ(seqs.size(), 9u);
  for (size_t i = 0; i < seqs.size(); ++i) EXPECT_EQ(seqs[i], head + 1 + i);
}

TEST_F(PushTest, S4_PullIsScopedAndResumesAcrossBatchesWithoutGapsOrRepeats) {
  // Interleave visible (V1, khoa's) and invisible (V2, ha's) changes.
  for (uint64_t i = 1; i <= 12; ++i) {
    ASSERT_TRUE(Push(Ha(), {Answer(Ha(), i, seed_.cnsg, seed_.b1, "results", "V2 #" + std::to_string(i))}).ok());
    ASSERT_TRUE(Push(Khoa(), {Answer(Khoa(), i, seed_.q4, seed_.a1, "results", "V1 #" + std::to_string(i))}).ok());
  }
  // The last changes are invisible to khoa: the final cursor must still move past them.
  ASSERT_TRUE(Push(Ha(), {Answer(Ha(), 13, seed_.cnsg, seed_.b1, "rating", "dat")}).ok());
  const uint64_t head = Head();

  uint64_t cursor = 0;
  auto all_at_once = PullAll(Khoa(), 0, 1000, &cursor);
  EXPECT_EQ(cursor, head);
  for (uint32_t batch : {1u, 3u, 7u}) {
    uint64_t end = 0;
    auto batched = PullAll(Khoa(), 0, batch, &end);
    EXPECT_EQ(end, head) << "batch " << batch;
    ASSERT_EQ(batched.size(), all_at_once.size()) << "batch " << batch;
    for (size_t i = 0; i < batched.size(); ++i) EXPECT_EQ(batched[i].server_seq, all_at_once[i].server_seq);
  }
  // Increasing, nothing from V2's unit, every khoa answer there.
  std::set<uint64_t> seen;
  int khoa_answers = 0;
  for (size_t i = 0; i < all_at_once.size(); ++i) {
    const auto& c = all_at_once[i];
    if (i) {
      EXPECT_GT(c.server_seq, all_at_once[i - 1].server_seq);
    }
    EXPECT_TRUE(seen.insert(c.server_seq).second);
    EXPECT_NE(c.record_id, seed_.cnsg.id);
    EXPECT_FALSE(c.record_id.starts_with(seed_.cnsg.id)) << c.record_id;
    if (c.device_id == Khoa().device_id) ++khoa_answers;
  }
  EXPECT_EQ(khoa_answers, 12);

  // A pull cut in the middle resumes at its cursor: the two halves are exactly the whole.
  auto first = service_->Pull(Khoa(), 0, 5);
  ASSERT_TRUE(first.ok());
  EXPECT_TRUE(first->has_more);
  auto rest = PullAll(Khoa(), first->next_cursor, 4);
  ASSERT_EQ(first->changes.size() + rest.size(), all_at_once.size());
  EXPECT_EQ(rest.front().server_seq, all_at_once[5].server_seq);

  // Nothing new: an empty page, same cursor, no more.
  auto empty = service_->Pull(Khoa(), head, 10);
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->changes.empty());
  EXPECT_EQ(empty->next_cursor, head);
  EXPECT_FALSE(empty->has_more);
}

TEST_F(PushTest, S4_PullBatchIsCapped) {
  for (uint64_t first = 1; first <= 6000; first += protocol::kMaxChangesPerPush) {
    std::vector<Change> batch;
    for (uint64_t i = first; i < first + protocol::kMaxChangesPerPush; ++i) {
      batch.push_back(Answer(Khoa(), i, seed_.q4, seed_.a1, "results", "v" + std::to_string(i)));
    }
    ASSERT_TRUE(Push(Khoa(), batch).ok());
  }
  auto page = service_->Pull(Secretariat(), 0, 100000);
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->changes.size(), protocol::kMaxPullBatch);
  EXPECT_TRUE(page->has_more);
  auto by_default = service_->Pull(Secretariat(), 0, 0);
  ASSERT_TRUE(by_default.ok());
  EXPECT_EQ(by_default->changes.size(), protocol::kDefaultPullBatch);
}

// S10: a page of long texts stops at about kMaxPullPageBytes, however many changes were asked for.
TEST_F(PushTest, S10_PullPageIsBoundedByBytes) {
  const std::string long_text(60 * 1024, 'x');
  std::vector<Change> batch;
  for (uint64_t i = 1; i <= 60; ++i) batch.push_back(Answer(Khoa(), i, seed_.q4, seed_.a1, "results", long_text));
  ASSERT_TRUE(Push(Khoa(), batch).ok());
  const uint64_t before = Head() - 60;
  auto page = service_->Pull(Secretariat(), before, protocol::kMaxPullBatch);
  ASSERT_TRUE(page.ok());
  EXPECT_TRUE(page->has_more);
  EXPECT_GE(page->changes.size(), protocol::kMaxPullPageBytes / long_text.size());
  EXPECT_LE(page->changes.size(), protocol::kMaxPullPageBytes / long_text.size() + 1);
  EXPECT_EQ(PullAll(Secretariat(), before, protocol::kMaxPullBatch).size(), 60u) << "the rest follows on later pages";
}

// A pulling tablet holds its own changes already: the server leaves out those up to the sequence
// the tablet names, pages past long runs of them, and still sends everything else in order. A
// tablet naming a smaller sequence (its store restored from an older copy) gets the rest back.
TEST_F(PushTest, S4_PullLeavesOutThePullersOwnChangesUpToTheSequenceItNames) {
  std::vector<Change> own;
  for (uint64_t i = 1; i <= 40; ++i) own.push_back(Answer(Khoa(), i, seed_.q4, seed_.a1, "results", "k" + std::to_string(i)));
  ASSERT_TRUE(Push(Khoa(), own).ok());
  ASSERT_TRUE(Push(Leader(), {Answer(Leader(), 1, seed_.q4, seed_.plan.items[1], "results", "của trưởng đoàn")}).ok());
  ASSERT_TRUE(Push(Khoa(), {Answer(Khoa(), 41, seed_.q4, seed_.a1, "rating", "dat"),
                            Answer(Khoa(), 42, seed_.q4, seed_.a1, "limitations", "k42")}).ok());
  const auto everything = PullAll(Khoa());

  auto pull_skipping = [&](uint64_t through, int* pages) {
    std::vector<Change> got;
    uint64_t cursor = 0;
    for (*pages = 0; *pages < 1000; ++*pages) {
      auto page = service_->Pull(Khoa(), cursor, 2, through);
      EXPECT_TRUE(page.ok()) << page.status().ToString();
      if (!page.ok()) break;
      EXPECT_LE(page->changes.size(), 2u);
      got.insert(got.end(), page->changes.begin(), page->changes.end());
      EXPECT_GE(page->next_cursor, cursor);
      cursor = page->next_cursor;
      if (!page->has_more) break;
    }
    EXPECT_EQ(cursor, Head());
    return got;
  };
  auto expect_all_but = [&](const std::vector<Change>& got, uint64_t through) {
    std::vector<uint64_t> expected, actual;
    for (const auto& c : everything) {
      if (!(c.device_id == Khoa().device_id && c.device_seq <= through)) expected.push_back(c.server_seq);
    }
    for (const auto& c : got) actual.push_back(c.server_seq);
    EXPECT_EQ(actual, expected) << "through " << through;
  };

  int pages = 0;
  const auto skipped = pull_skipping(42, &pages);
  expect_all_but(skipped, 42);
  EXPECT_TRUE(std::none_of(skipped.begin(), skipped.end(), [&](const Change& c) { return c.device_id == Khoa().device_id; }));
  EXPECT_TRUE(std::any_of(skipped.begin(), skipped.end(), [&](const Change& c) { return c.device_id == Leader().device_id; }));
  EXPECT_GT(pages, 1) << "40 own changes in a row take more than one bounded page to pass";

  const auto restored = pull_skipping(40, &pages);
  expect_all_but(restored, 40);
  EXPECT_EQ(std::count_if(restored.begin(), restored.end(), [&](const Change& c) { return c.device_id == Khoa().device_id; }), 2);
  expect_all_but(pull_skipping(0, &pages), 0);
}

// The store's batch read of exactly-once keys covers a batch of one device only; a batch mixing
// devices (the store's interface allows it) still finds what each device applied before.
TEST(ServerStoreBatch, S2_MixedDeviceBatchStillFindsEarlierChanges) {
  TempDir dir;
  auto store = OpenSqliteServerStore(dir.File("central.db"));
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  HlcClock clock(SystemClock::Default(), Hlc{});
  auto change = [&](const std::string& device, uint64_t seq, const std::string& text) {
    Change c;
    c.record_type = "note";
    c.record_id = device + "-note";
    c.field = "text";
    c.value = text;
    c.hlc = clock.Now();
    c.device_id = device;
    c.device_seq = seq;
    c.author = "khoa";
    return ScopedChange{c, "visit:v1"};
  };
  const ScopedChange first = change("dev-a", 1, "một");
  ASSERT_TRUE((*store)->ApplyChanges({first}, clock, "server", AuditEvent{}, nullptr).ok());
  auto mixed = (*store)->ApplyChanges({first, change("dev-b", 1, "hai")}, clock, "server", AuditEvent{},
                                     nullptr);
  ASSERT_TRUE(mixed.ok()) << mixed.status().ToString();
  ASSERT_EQ(mixed->size(), 2u);
  EXPECT_EQ((*mixed)[0].outcome, ApplyOutcome::kAlreadyHad);
  EXPECT_EQ((*mixed)[1].outcome, ApplyOutcome::kApplied);
}

// The field's value after applying `changes` in the given order on a fresh server.
Result<Change> WinnerAfter(const std::vector<Change>& changes, const std::string& db, ManualClock& clock) {
  SyncServiceOptions options;
  options.clock = &clock;
  FS_ASSIGN_OR_RETURN(auto service, SyncService::Open(db, options));
  FS_RETURN_IF_ERROR(service->AddUser("thuongtruc", domain::Role::kSecretariat, ""));
  Session sec{"", "thuongtruc", domain::Role::kSecretariat};
  for (const auto& c : changes) {  // one push per change, each from its own device
    sec.device_id = c.device_id;
    FS_RETURN_IF_ERROR(service->Push(sec, c.device_id, {c}).status());
  }
  FS_ASSIGN_OR_RETURN(auto snapshot, service->Snapshot(sec, "", 0));
  // Besides the field, the server keeps the losing values in conflict records (S7).
  std::vector<Change> fields;
  for (auto& f : snapshot.fields) {
    if (f.record_type != "conflict") fields.push_back(std::move(f));
  }
  if (fields.size() != 1) return Status::Internal("expected one field");
  return fields[0];
}

TEST_F(PushTest, S6_WinnerIsLargestHlcThenDeviceIdWhateverTheArrivalOrder) {
  std::vector<Change> changes;
  const char* devices[] = {"dev-a", "dev-b", "dev-c"};
  std::mt19937 rng(20230706);
  for (int d = 0; d < 3; ++d) {
    for (uint64_t seq = 1; seq <= 5; ++seq) {
      Change c;
      c.record_type = domain::kConclusion;
      c.record_id = domain::ConclusionId(seed_.v1.id);
      c.field = domain::kResultsField;
      c.value = std::string(devices[d]) + " #" + std::to_string(seq);
      // Few distinct times so that equal HLCs (ties broken by device id) occur.
      // (a device never issues the same HLC twice: the counter carries its sequence).
      c.hlc = Hlc{kVisitDayMs - 1000 * static_cast<int64_t>(rng() % 3), static_cast<uint32_t>(seq)};
      c.device_id = devices[d];
      c.device_seq = seq;
      c.author = "thuongtruc";
      changes.push_back(c);
    }
  }
  const Change expected = *std::max_element(changes.begin(), changes.end(),
                                            [](const Change& a, const Change& b) { return a.stamp() < b.stamp(); });
  for (int order = 0; order < 8; ++order) {
    std::shuffle(changes.begin(), changes.end(), rng);
    auto winner = WinnerAfter(changes, dir_.File("order" + std::to_string(order) + ".db"), clock_);
    ASSERT_TRUE(winner.ok()) << winner.status().ToString();
    EXPECT_EQ(TextOf(winner->value), TextOf(expected.value)) << "order " << order;
    EXPECT_EQ(winner->hlc, expected.hlc);
    EXPECT_EQ(winner->device_id, expected.device_id);
  }
}

TEST_F(PushTest, S8_TimestampBeyondDriftBoundRefusesWholeBatch) {
  const uint64_t head = Head();
  auto khoa = Khoa();
  auto ok_change = Answer(khoa, 1, seed_.q4, seed_.a1, "rating", "tot", kVisitDayMs + 4 * 60 * 1000);
  auto future = Answer(khoa, 2, seed_.q4, seed_.a1, "results", "từ tương lai", kVisitDayMs + 6 * 60 * 60 * 1000);
  auto r = Push(khoa, {ok_change, future});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_THAT(r.status().message(), HasSubstr("change 2"));
  EXPECT_THAT(r.status().message(), HasSubstr("date and time"));
  EXPECT_EQ(Head(), head);  // nothing applied

  // Within the bound it is accepted, and the server clock moves past it (never issues smaller).
  auto accepted = Push(khoa, {ok_change});
  ASSERT_TRUE(accepted.ok()) << accepted.status().ToString();
  EXPECT_GT(service_->ServerHlc(), ok_change.hlc);
}

TEST_F(PushTest, S8_ServerClockIsPersistedAcrossRestarts) {
  auto khoa = Khoa();
  auto ahead = Answer(khoa, 1, seed_.q4, seed_.a1, "rating", "tot", kVisitDayMs + 4 * 60 * 1000);
  ASSERT_TRUE(Push(khoa, {ahead}).ok());
  Open();
  EXPECT_GT(service_->ServerHlc(), ahead.hlc);
}

TEST_F(PushTest, S11_InvalidUtf8OrMissingValueRefusesWholeBatch) {
  const uint64_t head = Head();
  auto khoa = Khoa();
  auto good = Answer(khoa, 1, seed_.q4, seed_.a1, "results", "Kết quả");
  auto bad_utf8 = Answer(khoa, 2, seed_.q4, seed_.a1, "limitations", std::string("H\xe1\xba", 3));
  auto r = Push(khoa, {good, bad_utf8});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(Head(), head);

  auto no_value = Answer(khoa, 2, seed_.q4, seed_.a1, "limitations", "");
  no_value.value = std::monostate{};
  r = Push(khoa, {good, no_value});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(r.status().message(), HasSubstr("change 2"));
  EXPECT_EQ(Head(), head);

  auto no_seq = good;
  no_seq.device_seq = 0;
  EXPECT_EQ(Push(khoa, {no_seq}).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(Head(), head);

  // A tombstone needs no value.
  auto tombstone = no_value;
  tombstone.tombstone = true;
  EXPECT_TRUE(Push(khoa, {good, tombstone}).ok());
}

TEST_F(PushTest, S11_TextIsStoredNfc) {
  auto khoa = Khoa();
  const std::string decomposed = "Ca\xcc\x82\xcc\x80n Gio\xcc\x9b\xcc\x80";  // "Cần Giờ" typed decomposed
  ASSERT_TRUE(Push(khoa, {Answer(khoa, 1, seed_.q4, seed_.a1, "results", decomposed)}).ok());
  auto pulled = PullAll(khoa, Head() - 1);
  ASSERT_EQ(pulled.size(), 1u);
  EXPECT_EQ(TextOf(pulled[0].value), "Cần Giờ");
}

TEST_F(PushTest, S11_ChangesOfAnotherDeviceOrAuthorAreRefused) {
  const uint64_t head = Head();
  auto khoa = Khoa();
  auto c = Answer(khoa, 1, seed_.q4, seed_.a1, "rating", "tot");
  EXPECT_EQ(service_->Push(khoa, "dev-other", {c}).status().code(), StatusCode::kPermissionDenied);
  auto foreign = c;
  foreign.device_id = "dev-luan";
  EXPECT_EQ(Push(khoa, {c, foreign}).status().code(), StatusCode::kPermissionDenied);
  auto spoofed = c;
  spoofed.author = "luan";
  EXPECT_EQ(Push(khoa, {spoofed}).status().code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(Head(), head);
}

TEST_F(PushTest, S11_TooManyChangesIsRefused) {
  std::vector<Change> batch;
  for (uint64_t i = 1; i <= protocol::kMaxChangesPerPush + 1; ++i) {
    batch.push_back(Answer(Khoa(), i, seed_.q4, seed_.a1, "results", "x"));
  }
  const uint64_t head = Head();
  EXPECT_EQ(Push(Khoa(), batch).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(Head(), head);
}

}  // namespace
}  // namespace fieldsync::server::testing
