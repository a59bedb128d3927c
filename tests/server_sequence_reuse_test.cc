// S2/S3 data safety: a tablet whose store was restored from a backup (or copied) numbers new edits
// with device sequences it had already used. The server must not answer ALREADY_HAD for those —
// the tablet would drop genuinely new edits — but refuse the push (409 sequence_reused) so the
// tablet is enrolled again as a new device. True resends stay ALREADY_HAD.
#include <sqlite3.h>

#include "server_test_util.h"

namespace fieldsync::server::testing {
namespace {

using ::testing::HasSubstr;

class SequenceReuseTest : public ServiceTest {
 protected:
  // Runs `sql` on the closed store file, then opens the service again.
  void WithStoreClosed(const std::string& sql) {
    service_.reset();
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
      "ALTER TABLE applied DROP COLUMN content_sha256; ALTER TABLE devices DROP COLUMN revoked_at_ms; "
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

}  // namespace
}  // namespace fieldsync::server::testing
