// The change log as runs (server/change_runs.h): an answer's fields pushed together share one row
// yet keep their own server sequences (S4), a pull page may stop inside a row, the purge drops the
// superseded changes of a row and keeps the rest (S10) with their digests (S2), a batch that fails
// midway leaves nothing behind (S3), and a version-8 log (one row per change) is packed on open,
// or, when an old row cannot become a run, left as it was with a clear error (S11).
#include "legacy_server_store.h"
#include "server_test_util.h"

namespace fieldsync::server::testing {
namespace {

constexpr int64_t kDayMs = 24LL * 60 * 60 * 1000;

class ChangeRunsTest : public ServiceTest {
 protected:
  void SetUp() override {
    ServiceTest::SetUp();
    ASSERT_TRUE(service_->ReadStore([&](ServerStore& store) {
      FS_ASSIGN_OR_RETURN(plan_head_, store.LastServerSeq());
      return Status::Ok();
    }).ok());
  }

  // Rows of `change_runs` written by the test (after the seed plan's import).
  int64_t Rows() { return StoreScalar("SELECT count(*) FROM change_runs WHERE last_server_seq > " + std::to_string(plan_head_)); }

  // The log after the plan's import as the store holds it (a pull is refused once the purge has run).
  std::vector<Change> Log() {
    std::vector<Change> log;
    EXPECT_TRUE(service_->ReadStore([&](ServerStore& store) {
      FS_ASSIGN_OR_RETURN(auto page, store.ChangesAfter(plan_head_, ScopeFilter::All(), 100000, {}));
      log = std::move(page.changes);
      return Status::Ok();
    }).ok());
    return log;
  }

  // An answer's four fields, as a tablet writes them in one tap each, sequences from `seq`.
  std::vector<Change> FourFields(const Session& s, uint64_t seq, const domain::ChecklistItem& item,
                                 const std::string& text) {
    std::vector<Change> fields;
    for (const char* field : {domain::kResultsField, domain::kGoodPracticesField, domain::kLimitationsField,
                              domain::kRecommendationsField}) {
      fields.push_back(Answer(s, seq++, seed_.q4, item, field, text + " " + field));
    }
    return fields;
  }

  static std::vector<std::string> Values(const std::vector<Change>& changes) {
    std::vector<std::string> out;
    for (const auto& c : changes) out.push_back(c.field + "=" + TextOf(c.value));
    return out;
  }

  uint64_t plan_head_ = 0;
};

TEST_F(ChangeRunsTest, S4_AnAnswersFieldsShareOneRowAndKeepTheirOwnSequences) {
  std::vector<Change> sent;
  for (const auto* item : {&seed_.plan.items[0], &seed_.plan.items[1], &seed_.plan.items[2]}) {
    auto four = FourFields(Khoa(), sent.size() + 1, *item, "Kiểm tra " + item->code);
    sent.insert(sent.end(), four.begin(), four.end());
  }
  auto pushed = Push(Khoa(), sent);
  ASSERT_TRUE(pushed.ok()) << pushed.status().ToString();
  EXPECT_EQ(Rows(), 3) << "one row per answer, not per field";

  // Pages of five stop inside rows of four: every change exactly once, in order, at its own sequence.
  const auto pulled = PullAll(Secretariat(), plan_head_, 5);
  ASSERT_EQ(pulled.size(), sent.size());
  for (size_t i = 0; i < sent.size(); ++i) {
    EXPECT_EQ(pulled[i].server_seq, pushed->results[i].server_seq);
    EXPECT_EQ(pulled[i].device_seq, sent[i].device_seq);
    EXPECT_EQ(pulled[i].field, sent[i].field);
    EXPECT_EQ(pulled[i].value, sent[i].value);
    if (i > 0) {
      EXPECT_EQ(pulled[i].server_seq, pulled[i - 1].server_seq + 1);
    }
  }
}

TEST_F(ChangeRunsTest, S10_LargeValuesAreCutIntoSeveralRows) {
  // Three findings of 40 kB each: a row stops growing past 64 kB, so two rows, not one.
  std::vector<Change> sent;
  for (const char* field : {domain::kResultsField, domain::kGoodPracticesField, domain::kLimitationsField}) {
    const uint64_t seq = sent.size() + 1;
    sent.push_back(Answer(Khoa(), seq, seed_.q4, seed_.a1, field, std::string(40 * 1024, static_cast<char>('a' + seq))));
  }
  ASSERT_TRUE(Push(Khoa(), sent).ok());
  EXPECT_EQ(Rows(), 2);
  EXPECT_EQ(Log().size(), 3u);
}

TEST_F(ChangeRunsTest, S2_S10_ThePurgeKeepsTheLiveChangesOfAPartlySupersededRow) {
  const int64_t t = kVisitDayMs - 60'000;
  const Change v1 = Answer(Khoa(), 1, seed_.q4, seed_.a1, "results", "bản đầu", t);
  const Change tot = Answer(Khoa(), 2, seed_.q4, seed_.a1, "rating", "tot", t);
  ASSERT_TRUE(Push(Khoa(), {v1, tot}).ok());
  Change v2 = Answer(Khoa(), 3, seed_.q4, seed_.a1, "results", "bản sau", t + 1000);
  v2.seen_hlc = v1.hlc;
  v2.seen_device_id = v1.device_id;
  auto later = Push(Khoa(), {v2});
  ASSERT_TRUE(later.ok()) << later.status().ToString();
  ASSERT_EQ(Values(Log()), (std::vector<std::string>{"results=bản đầu", "rating=tot", "results=bản sau"}));

  clock_.Advance(40 * kDayMs);  // no device seen for 40 days: all superseded history may go
  auto purged = service_->Purge(30);
  ASSERT_TRUE(purged.ok()) << purged.status().ToString();
  EXPECT_EQ(purged->changes_deleted, 1u);
  EXPECT_EQ(purged->changes_kept, plan_head_ + 2) << "the plan's changes and the two current ones";
  const auto log = Log();
  ASSERT_EQ(Values(log), (std::vector<std::string>{"rating=tot", "results=bản sau"}));
  EXPECT_EQ(log[0].server_seq, later->results[0].server_seq - 1) << "the kept change keeps its sequence";
  EXPECT_EQ(Rows(), 2) << "the first row rewritten, not dropped";

  // Both the kept and the purged change still answer for their keys (S2).
  auto resend = Push(Khoa(), {tot, v1});
  ASSERT_TRUE(resend.ok()) << resend.status().ToString();
  EXPECT_EQ(resend->results[0].outcome, ApplyOutcome::kAlreadyHad);
  EXPECT_EQ(resend->results[1].outcome, ApplyOutcome::kAlreadyHad);
  for (uint64_t seq : {1, 2}) {
    EXPECT_EQ(Push(Khoa(), {Answer(Khoa(), seq, seed_.q4, seed_.a1, "results", "khôi phục")}).status().code(),
              StatusCode::kAlreadyExists)
        << "key " << seq;
  }
}

TEST_F(ChangeRunsTest, S3_ABatchThatFailsMidwayLeavesNothingInTheLog) {
  ASSERT_TRUE(Push(Khoa(), {Answer(Khoa(), 1, seed_.q4, seed_.a1, "rating", "tot")}).ok());
  // The change is logged (pending in its run), then writing the current state fails.
  StoreExec("CREATE TRIGGER refuse_state BEFORE UPDATE ON record_state "
       "BEGIN SELECT RAISE(ABORT, 'refused by the test'); END;");
  EXPECT_FALSE(Push(Khoa(), {Answer(Khoa(), 2, seed_.q4, seed_.a1, "results", "không được ghi")}).ok());
  StoreExec("DROP TRIGGER refuse_state;");
  // A read between the failed push and the next one (a pull) must not log it either.
  EXPECT_EQ(Values(Log()), (std::vector<std::string>{"rating=tot"}));
  auto next = Push(Khoa(), {Answer(Khoa(), 3, seed_.q4, seed_.a1, "limitations", "ghi lại")});
  ASSERT_TRUE(next.ok()) << next.status().ToString();
  EXPECT_EQ(Values(Log()), (std::vector<std::string>{"rating=tot", "limitations=ghi lại"}));
}

TEST_F(ChangeRunsTest, S4_AVersion8LogIsPackedIntoRowsOnOpenAndSequencesGoOn) {
  std::vector<Change> sent = FourFields(Khoa(), 1, seed_.a1, "trước");
  const auto more = FourFields(Khoa(), 5, seed_.plan.items[1], "trước");
  sent.insert(sent.end(), more.begin(), more.end());
  ASSERT_TRUE(Push(Khoa(), sent).ok());
  const auto before = Log();
  ASSERT_EQ(before.size(), 8u);

  // Back to one row per change, with a high-water mark above the last row (as after a purge of
  // the newest rows), then opened again.
  service_.reset();
  ASSERT_TRUE(WriteStoreAsVersion8(dir_.File("central.db")).ok());
  ASSERT_EQ(StoreScalar("SELECT count(*) FROM change_log WHERE server_seq > " + std::to_string(plan_head_)), 8);
  ASSERT_EQ(StoreScalar("UPDATE sqlite_sequence SET seq = seq + 5 WHERE name = 'change_log' RETURNING seq"),
            static_cast<int64_t>(before.back().server_seq) + 5);
  Open();
  EXPECT_EQ(Rows(), 2);
  EXPECT_EQ(StoreScalar("SELECT count(*) FROM sqlite_master WHERE name = 'change_log'"), 0);
  const auto after = Log();
  ASSERT_EQ(after.size(), before.size());
  for (size_t i = 0; i < before.size(); ++i) {
    EXPECT_EQ(after[i].server_seq, before[i].server_seq);
    EXPECT_EQ(after[i].value, before[i].value);
    EXPECT_EQ(after[i].hlc, before[i].hlc);
  }
  auto resend = Push(Khoa(), {sent[3]});
  ASSERT_TRUE(resend.ok()) << resend.status().ToString();
  EXPECT_EQ(resend->results[0].outcome, ApplyOutcome::kAlreadyHad) << "its digest still matches";
  auto next = Push(Khoa(), {Answer(Khoa(), 9, seed_.q4, seed_.plan.items[2], "rating", "dat")});
  ASSERT_TRUE(next.ok()) << next.status().ToString();
  EXPECT_EQ(next->results[0].server_seq, before.back().server_seq + 6) << "no sequence handed out twice";
}

TEST_F(ChangeRunsTest, S11_AnOldRowThatCannotBeARunStopsTheUpgradeAndChangesNothing) {
  ASSERT_TRUE(Push(Khoa(), FourFields(Khoa(), 1, seed_.a1, "trước")).ok());
  service_.reset();
  ASSERT_TRUE(WriteStoreAsVersion8(dir_.File("central.db")).ok());
  // A row from before every change was validated: no field name, which no pull could decode.
  StoreExec("UPDATE change_log SET field = '' WHERE server_seq = (SELECT max(server_seq) FROM change_log)");
  auto opened = OpenSqliteServerStore(dir_.File("central.db"));
  ASSERT_FALSE(opened.ok());
  EXPECT_EQ(opened.status().code(), StatusCode::kCorruption);
  EXPECT_THAT(opened.status().message(), ::testing::HasSubstr("cannot be stored as a run"));
  EXPECT_EQ(StoreScalar("PRAGMA user_version"), 8);
  EXPECT_EQ(StoreScalar("SELECT count(*) FROM change_log WHERE server_seq > " + std::to_string(plan_head_)), 4);
  EXPECT_EQ(StoreScalar("SELECT count(*) FROM sqlite_master WHERE name = 'change_runs'"), 0);
}

}  // namespace
}  // namespace fieldsync::server::testing
