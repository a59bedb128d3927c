// How store failures and preconditions reach the tablet (S11, docs/PROTOCOL.md "Error codes"):
// only a busy store is "503 unavailable, retry later"; a failure that would repeat (a constraint,
// a corrupt file) is 500 internal, so tablets do not resend it forever; every code is a listed one.
#include <sqlite3.h>

#include "server_test_util.h"

namespace fieldsync::server::testing {
namespace {

class ErrorCodesTest : public ServiceTest {
 protected:
  void SetUp() override {
    ServiceTest::SetUp();
    token_ = EnrolledToken("khoa", kDevice);
  }
  void TearDown() override { sqlite3_close(other_); }

  // Runs `sql` on a second connection to the store file, kept open (another process, say).
  void OnOtherConnection(const std::string& sql) {
    if (!other_) {
      ASSERT_EQ(sqlite3_open(dir_.File("central.db").c_str(), &other_), SQLITE_OK);
    }
    char* error = nullptr;
    const int rc = sqlite3_exec(other_, sql.c_str(), nullptr, nullptr, &error);
    ASSERT_EQ(rc, SQLITE_OK) << (error ? error : "");
    sqlite3_free(error);
  }

  RouterResponse PushOne(uint64_t seq) {
    Change c = Answer(Khoa(), seq, seed_.q4, seed_.a1, "results", "Kết quả " + std::to_string(seq));
    c.device_id = kDevice;
    return Send(protocol::kPushPath, ChangeSetOf(kDevice, {c}), token_);
  }
  RouterResponse Pull() {
    wire::PullRequest pull;
    pull.set_protocol_version(protocol::kVersion);
    return Send(protocol::kPullPath, pull, token_);
  }
  RouterResponse Snapshot() {
    wire::SnapshotRequest snapshot;
    snapshot.set_protocol_version(protocol::kVersion);
    return Send(protocol::kSnapshotPath, snapshot, token_);
  }
  void FailAll(std::string_view failing_op, Status status) {
    faults_->fail = [failing_op, status](std::string_view op, const std::string&) {
      return op == failing_op ? status : Status::Ok();
    };
  }

  static constexpr const char* kDevice = "tablet-codes";
  std::string token_;
  sqlite3* other_ = nullptr;
};

TEST_F(ErrorCodesTest, S11_ConstraintFailureIsInternalNotRetryLater) {
  // A real SQLite constraint failure inside the push transaction.
  OnOtherConnection("CREATE TRIGGER refuse_log BEFORE INSERT ON change_runs "
                    "BEGIN SELECT RAISE(ABORT, 'refused by the test'); END;");
  auto refused = PushOne(1);
  EXPECT_EQ(refused.status, 500);
  EXPECT_EQ(ErrorCode(refused), "internal");
  OnOtherConnection("DROP TRIGGER refuse_log;");
  EXPECT_EQ(PushOne(1).status, 200);
}

TEST_F(ErrorCodesTest, S11_CorruptionIsInternalNotRetryLater) {
  FailAll("ChangesAfter", Status::IoError("statement failed on central.db: database disk image is malformed"));
  EXPECT_EQ(Pull().status, 500);
  FailAll("CurrentFields", Status::Corruption("central.db has no server device id"));
  EXPECT_EQ(Snapshot().status, 500);
}

TEST_F(ErrorCodesTest, S11_BusyStoreIsUnavailableRetryLater) {
  // Another process holds the write lock past the busy timeout (5 s).
  OnOtherConnection("BEGIN IMMEDIATE;");
  auto busy = PushOne(1);
  EXPECT_EQ(busy.status, 503);
  EXPECT_EQ(ErrorCode(busy), "unavailable");
  OnOtherConnection("ROLLBACK;");
  EXPECT_EQ(PushOne(1).status, 200);
}

TEST_F(ErrorCodesTest, S11_FailedPreconditionOnPullAndSnapshotUsesListedCodes) {
  FailAll("ChangesAfter", Status::FailedPrecondition("older than the purged history"));
  auto pull = Pull();
  EXPECT_EQ(pull.status, 410);
  EXPECT_EQ(ErrorCode(pull), "resync_required");
  FailAll("CurrentFields", Status::FailedPrecondition("the page token no longer applies"));
  auto snapshot = Snapshot();
  EXPECT_EQ(snapshot.status, 400);
  EXPECT_EQ(ErrorCode(snapshot), "invalid_request");
}

}  // namespace
}  // namespace fieldsync::server::testing
