// S2/S3 data safety: a tablet whose store was restored from a backup (or copied) numbers new edits
// with device sequences it had already used. The server must not answer ALREADY_HAD for those —
// the tablet would drop genuinely new edits — but refuse the push (409 sequence_reused) so the
// tablet is enrolled again as a new device. True resends stay ALREADY_HAD.
#include <sqlite3.h>

#include "legacy_server_store.h"
#include "server_test_util.h"

namespace fieldsync::server::testing {
namespace {

using ::testing::HasSubstr;

class SequenceReuseTest : public ServiceTest {
 protected:
  // Runs `sql` on the closed store file with its change log in version 8's form (one change_log
  // row per change), then opens the service again, which upgrades it.
  void WithStoreClosed(const std::string& sql) {
    service_.reset();
    const Status legacy = WriteStoreAsVersion8(dir_.File("central.db"));
    ASSERT_TRUE(legacy.ok()) << legacy.ToString();
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(dir_.File("central.db").c_str(), &db), SQLITE_OK);
    char* error = nullptr;
    const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error);
    EXPECT_EQ(rc, SQLITE_OK) << (error ? error : "");
    sqlite3_free(error);
    sqlite3_close(db);
    Open();
  }
};

TEST_F(SequenceReuseTest, S2_S3_ReusedDeviceSequenceWithOtherContentIsRefusedNotAlreadyHad) {
  auto khoa = Khoa();
  const auto first = Answer(khoa, 1, seed_.q4, seed_.a1, "rating", "tot");
  const auto second = Answer(khoa, 2, seed_.q4, seed_.a1, "results", "Kết quả trước khi sao lưu");
  ASSERT_TRUE(Push(khoa, {first, second}).ok());
  const uint64_t head = Head();

  // A true resend, any number of times: ALREADY_HAD.
  auto resend = Push(khoa, {first, second});
  ASSERT_TRUE(resend.ok()) << resend.status().ToString();
  EXPECT_EQ(resend->results[1].outcome, ApplyOutcome::kAlreadyHad);

  // The restored tablet reuses sequence 2 for a new edit: the whole push is refused.
  auto new_edit = Answer(khoa, 2, seed_.q4, seed_.a1, "results", "Sửa sau khi khôi phục");
  auto next = Answer(khoa, 3, seed_.q4, seed_.a1, "limitations", "Mới");
  auto reused = Push(khoa, {next, new_edit});
  ASSERT_FALSE(reused.ok());
  EXPECT_EQ(reused.status().code(), StatusCode::kAlreadyExists);
  EXPECT_THAT(reused.status().message(), HasSubstr("restored"));
  EXPECT_THAT(reused.status().message(), HasSubstr("new device"));
  EXPECT_EQ(Head(), head) << "a refused push applied something";

  // Same field and value but another timestamp is another change too.
  auto restamped = second;
  restamped.hlc = Hlc{second.hlc.physical_ms + 1, 0};
  EXPECT_EQ(Push(khoa, {restamped}).status().code(), StatusCode::kAlreadyExists);
  // And two different changes under one key in one batch.
  auto twice = Answer(khoa, 9, seed_.q4, seed_.a1, "results", "một");
  auto other = Answer(khoa, 9, seed_.q4, seed_.a1, "results", "hai");
  EXPECT_EQ(Push(khoa, {twice, other}).status().code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(Head(), head);

  // Over the protocol: 409 sequence_reused.
  const std::string token = EnrolledToken("khoa", "tablet-restored");
  auto on = [](Change c) {
    c.device_id = "tablet-restored";
    return c;
  };
  auto ok = Send(protocol::kPushPath, ChangeSetOf("tablet-restored", {on(first)}), token);
  ASSERT_EQ(ok.status, 200);
  auto reused_first = on(new_edit);
  reused_first.device_seq = 1;
  auto refused = Send(protocol::kPushPath, ChangeSetOf("tablet-restored", {reused_first}), token);
  EXPECT_EQ(refused.status, 409);
  EXPECT_EQ(ErrorCode(refused), "sequence_reused");
}

TEST_F(SequenceReuseTest, S2_KeysAppliedBeforeTheUpgradeAreNotCompared) {
  auto khoa = Khoa();
  const auto old = Answer(khoa, 1, seed_.q4, seed_.a1, "results", "trước nâng cấp");
  ASSERT_TRUE(Push(khoa, {old}).ok());
  // Back to a version-2 store (no digests), then opened (upgraded) again.
  WithStoreClosed(
      "CREATE TABLE applied (device_id TEXT NOT NULL, device_seq INTEGER NOT NULL, server_seq INTEGER NOT NULL, "
      "PRIMARY KEY (device_id, device_seq)) WITHOUT ROWID; "
      "INSERT INTO applied SELECT device_id, device_seq, server_seq FROM change_log; "
      "DROP TABLE applied_ranges; DROP TABLE purged_digests; ALTER TABLE change_log DROP COLUMN content_sha256; "
      "ALTER TABLE devices DROP COLUMN revoked_at_ms; "
      "DROP TABLE enrollment_failures; DROP TABLE audit_log; PRAGMA user_version = 2;");
  const uint64_t head = Head();
  // The old key has no digest to compare: ALREADY_HAD, whatever the content.
  auto changed = Answer(khoa, 1, seed_.q4, seed_.a1, "results", "khác");
  auto r = Push(khoa, {changed});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->results[0].outcome, ApplyOutcome::kAlreadyHad);
  EXPECT_EQ(Head(), head);
  // Keys applied after the upgrade are compared.
  ASSERT_TRUE(Push(khoa, {Answer(khoa, 2, seed_.q4, seed_.a1, "rating", "dat")}).ok());
  EXPECT_EQ(Push(khoa, {Answer(khoa, 2, seed_.q4, seed_.a1, "rating", "tot")}).status().code(),
            StatusCode::kAlreadyExists);
}

// A superseded change the purge removed keeps its digest: its sequence reused is still caught.
TEST_F(SequenceReuseTest, S2_S10_ReuseIsCaughtAfterThePurgeRemovedTheChange) {
  auto khoa = Khoa();
  const auto old = Answer(khoa, 1, seed_.q4, seed_.a1, "results", "bản đầu");
  ASSERT_TRUE(Push(khoa, {old}).ok());
  auto later = Answer(khoa, 2, seed_.q4, seed_.a1, "results", "bản sau", clock_.NowMillis() + 1000);
  later.seen_hlc = old.hlc;  // made after seeing the first: it supersedes it
  later.seen_device_id = old.device_id;
  ASSERT_TRUE(Push(khoa, {later}).ok());
  clock_.Advance(40LL * 24 * 3600 * 1000);  // no device seen for 40 days: the purge may remove all superseded history
  auto purged = service_->Purge(30);
  ASSERT_TRUE(purged.ok()) << purged.status().ToString();
  ASSERT_GE(purged->changes_deleted, 1u) << "the first version is superseded history";
  auto log_head = [&] {  // a pull from 0 is refused after a purge: read the log's end directly
    uint64_t last = 0;
    EXPECT_TRUE(service_->ReadStore([&](ServerStore& store) {
      FS_ASSIGN_OR_RETURN(last, store.LastServerSeq());
      return Status::Ok();
    }).ok());
    return last;
  };
  const uint64_t head = log_head();
  auto resend = Push(khoa, {old});
  ASSERT_TRUE(resend.ok()) << resend.status().ToString();
  EXPECT_EQ(resend->results[0].outcome, ApplyOutcome::kAlreadyHad);
  auto reused = Push(khoa, {Answer(khoa, 1, seed_.q4, seed_.a1, "results", "khôi phục")});
  EXPECT_EQ(reused.status().code(), StatusCode::kAlreadyExists) << reused.status().ToString();
  EXPECT_EQ(log_head(), head);
}

// A store from before keys were kept as ranges (one `applied` row per key, with its digest) is
// upgraded: keys applied by two devices whose pushes interleaved, and one whose change the purge
// had removed, are all still known, with their digests.
TEST_F(SequenceReuseTest, S2_KeysFromTheOneRowPerKeyTableSurviveTheUpgrade) {
  auto khoa = Khoa();
  auto ha = Ha();
  std::vector<Change> khoa_sent, ha_sent;
  for (uint64_t seq = 1; seq <= 6; ++seq) {
    khoa_sent.push_back(Answer(khoa, seq, seed_.q4, seed_.a1, "results", "khoa " + std::to_string(seq)));
    ASSERT_TRUE(Push(khoa, {khoa_sent.back()}).ok());
    ha_sent.push_back(Answer(ha, seq, seed_.cnsg, seed_.b1, "results", "hà " + std::to_string(seq)));
    ASSERT_TRUE(Push(ha, {ha_sent.back()}).ok());
  }
  // Back to version 7: `applied` rebuilt from the log with digests; khoa's key 3 has lost its log row.
  WithStoreClosed(
      "CREATE TABLE applied (device_id TEXT NOT NULL, device_seq INTEGER NOT NULL, server_seq INTEGER NOT NULL, "
      "content_sha256 TEXT, PRIMARY KEY (device_id, device_seq)) WITHOUT ROWID; "
      "INSERT INTO applied SELECT device_id, device_seq, server_seq, content_sha256 FROM change_log; "
      "DELETE FROM change_log WHERE device_id = 'dev-khoa' AND device_seq = 3; "
      "DROP TABLE applied_ranges; DROP TABLE purged_digests; ALTER TABLE change_log DROP COLUMN content_sha256; "
      "PRAGMA user_version = 7;");
  const uint64_t head = Head();
  auto again = Push(khoa, khoa_sent);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  for (const auto& r : again->results) EXPECT_EQ(r.outcome, ApplyOutcome::kAlreadyHad) << r.device_seq;
  ASSERT_TRUE(Push(ha, ha_sent).ok());
  EXPECT_EQ(Head(), head) << "every key survived";
  for (uint64_t seq : {1, 3, 6}) {
    EXPECT_EQ(Push(khoa, {Answer(khoa, seq, seed_.q4, seed_.a1, "results", "khác")}).status().code(),
              StatusCode::kAlreadyExists)
        << "khoa's key " << seq << " kept its digest";
  }
  ASSERT_TRUE(Push(khoa, {Answer(khoa, 7, seed_.q4, seed_.a1, "results", "mới")}).ok());
  EXPECT_EQ(Head(), head + 1);
}

}  // namespace
}  // namespace fieldsync::server::testing
