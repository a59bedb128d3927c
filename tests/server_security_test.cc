// Security of the server side (issue 5): revoked tablets, enrolment guessing limits, the hash-
// chained audit log, content types, and the refused change named in a push refusal.
#include <sqlite3.h>

#include "audit_chain.h"
#include "server_test_util.h"

namespace fieldsync::server::testing {
namespace {

using ::testing::HasSubstr;

class SecurityTest : public ServiceTest {
 protected:
  wire::PullRequest PullFromStart() {
    wire::PullRequest pull;
    pull.set_protocol_version(protocol::kVersion);
    return pull;
  }

  static std::string ErrorMessage(const RouterResponse& r) {
    wire::ErrorResponse error;
    return error.ParseFromString(r.body) ? error.message() : "";
  }

  // Runs raw SQL on the closed server file (the service is reopened afterwards).
  void TamperWith(const std::string& sql) {
    service_.reset();
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(dir_.File("central.db").c_str(), &db), SQLITE_OK);
    char* error = nullptr;
    const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error);
    const std::string message = error ? error : "";
    sqlite3_free(error);
    sqlite3_close(db);
    ASSERT_EQ(rc, SQLITE_OK) << message;
    Open();
  }

  Result<EnrollResult> EnrollFrom(const std::string& client, const std::string& code, const std::string& device) {
    return service_->Enroll(code, device, "", "", client);
  }
};

TEST_F(SecurityTest, RevokedTabletIsCutOffAtOnceAndItsSyncedDataStays) {
  const std::string token = EnrolledToken("khoa", "dev-khoa");
  auto pushed = Send(protocol::kPushPath,
                     ChangeSetOf("dev-khoa", {Answer(Khoa(), 1, seed_.q4, seed_.a1, "results", "Đã ghi trước khi mất")}),
                     token);
  ASSERT_EQ(pushed.status, 200) << ErrorMessage(pushed);
  const std::string other = EnrolledToken("luan", "dev-luan");

  auto revoked = service_->RevokeDevices("dev-khoa", "");
  ASSERT_TRUE(revoked.ok()) << revoked.status().ToString();
  EXPECT_EQ(*revoked, 1u);

  for (const char* path : {protocol::kPullPath, protocol::kSnapshotPath, protocol::kPushPath}) {
    auto refused = Send(path, PullFromStart(), token);
    EXPECT_EQ(refused.status, 401) << path;
    EXPECT_THAT(ErrorMessage(refused), HasSubstr("cut off by the secretariat")) << path;
  }
  // Another tablet is not affected, and what the lost one synced stays.
  EXPECT_EQ(Send(protocol::kPullPath, PullFromStart(), other).status, 200);
  auto answer = service_->MergedAnswers(seed_.plan.plan.code);
  ASSERT_TRUE(answer.ok());
  EXPECT_EQ(answer->units[0].items[0].findings.results, "Đã ghi trước khi mất");

  // Revoking again changes nothing; an unknown device is named as such.
  EXPECT_EQ(*service_->RevokeDevices("dev-khoa", ""), 0u);
  EXPECT_EQ(service_->RevokeDevices("dev-nobody", "").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(service_->RevokeDevices("", "").status().code(), StatusCode::kInvalidArgument);

  // Found again: a new code gives it a new token; the old token stays dead.
  const std::string renewed = EnrolledToken("khoa", "dev-khoa");
  EXPECT_EQ(Send(protocol::kPullPath, PullFromStart(), renewed).status, 200);
  EXPECT_EQ(Send(protocol::kPullPath, PullFromStart(), token).status, 401);
}

TEST_F(SecurityTest, RevokingAUserCutsOffEveryTabletOfThatUserOnly) {
  const std::string t1 = EnrolledToken("khoa", "dev-khoa-1");
  const std::string t2 = EnrolledToken("khoa", "dev-khoa-2");
  const std::string t3 = EnrolledToken("ha", "dev-ha");
  EXPECT_EQ(*service_->RevokeDevices("", "khoa"), 2u);
  EXPECT_EQ(Send(protocol::kPullPath, PullFromStart(), t1).status, 401);
  EXPECT_EQ(Send(protocol::kPullPath, PullFromStart(), t2).status, 401);
  EXPECT_EQ(Send(protocol::kPullPath, PullFromStart(), t3).status, 200);
  auto devices = service_->Devices();
  ASSERT_TRUE(devices.ok());
  for (const auto& d : *devices) EXPECT_EQ(d.revoked_at_ms != 0, d.user_name == "khoa") << d.device_id;
}

TEST_F(SecurityTest, WrongEnrolmentCodesAreLimitedPerAddressAndInAll) {
  auto good = service_->CreateEnrollmentCode("khoa");
  ASSERT_TRUE(good.ok());
  for (int i = 0; i < 10; ++i) {
    EXPECT_EQ(EnrollFrom("10.0.0.1", "AAAAA-AAAA" + std::to_string(i), "dev-x").status().code(),
              StatusCode::kPermissionDenied);
  }
  // The 11th try from that address is refused without looking at the code, even a good one...
  auto limited = EnrollFrom("10.0.0.1", *good, "dev-x");
  EXPECT_EQ(limited.status().code(), StatusCode::kResourceExhausted);
  EXPECT_THAT(limited.status().message(), HasSubstr("wait 15 minutes"));
  // ...which stays usable from elsewhere, and the limit ends with its window.
  EXPECT_TRUE(EnrollFrom("10.0.0.2", *good, "dev-khoa").ok());
  clock_.Advance(16 * 60 * 1000);
  auto again = service_->CreateEnrollmentCode("ha");
  EXPECT_TRUE(EnrollFrom("10.0.0.1", *again, "dev-ha").ok());

  // Many addresses together hit the server-wide limit.
  for (int i = 0; i < 200; ++i) (void)EnrollFrom("10.1.0." + std::to_string(i), "BBBBB-BBBBB", "dev-y");
  auto code = service_->CreateEnrollmentCode("luan");
  EXPECT_EQ(EnrollFrom("10.9.9.9", *code, "dev-luan").status().code(), StatusCode::kResourceExhausted);
}

TEST_F(SecurityTest, TooManyAttemptsIs429ThroughTheRouter) {
  wire::EnrollRequest enroll;
  enroll.set_protocol_version(protocol::kVersion);
  enroll.set_device_id("dev-guess");
  enroll.set_enrollment_code("ZZZZZ-ZZZZZ");
  RouterRequest req = PostRequest(protocol::kEnrollPath, enroll.SerializeAsString(), "");
  req.remote_address = "192.0.2.7";
  RequestRouter router(*service_);
  for (int i = 0; i < 10; ++i) EXPECT_EQ(router.Handle(req).status, 403);
  auto limited = router.Handle(req);
  EXPECT_EQ(limited.status, 429);
  EXPECT_EQ(ErrorCode(limited), "too_many_attempts");
}

TEST_F(SecurityTest, AuditLogRecordsWhoChangedWhatAndVerifies) {
  const std::string token = EnrolledToken("khoa", "dev-khoa");
  ASSERT_EQ(Send(protocol::kPushPath,
                 ChangeSetOf("dev-khoa", {Answer(Khoa(), 1, seed_.q4, seed_.a1, "results", "Có kế hoạch")}), token)
                .status,
            200);
  auto entries = service_->AuditEntries(0, 1000);
  ASSERT_TRUE(entries.ok());
  std::vector<std::string> actions;
  for (const auto& e : *entries) actions.push_back(e.event.action);
  EXPECT_THAT(actions, ::testing::ElementsAre("user_add", "user_add", "user_add", "user_add", "plan_import",
                                              "enroll_code", "enroll", "push"));
  const AuditEntry& push = entries->back();
  EXPECT_EQ(push.event.actor, "khoa");
  EXPECT_EQ(push.event.device_id, "dev-khoa");
  EXPECT_THAT(push.event.detail, HasSubstr("answer/" + domain::AnswerId(seed_.q4.id, seed_.a1.id) + ".results"));
  EXPECT_EQ(entries->front().prev_sha256, std::string(64, '0'));
  for (size_t i = 1; i < entries->size(); ++i) EXPECT_EQ((*entries)[i].prev_sha256, (*entries)[i - 1].sha256);

  auto check = service_->VerifyAudit();
  ASSERT_TRUE(check.ok());
  EXPECT_TRUE(check->intact) << check->problem;
  EXPECT_EQ(check->entries, entries->size());
  EXPECT_EQ(check->head_sha256, push.sha256);
}

TEST_F(SecurityTest, AuditLogRefusesRewritesAndItsChainShowsTampering) {
  ASSERT_TRUE(service_->AddUser("mallory", domain::Role::kMember, "").ok());
  // The program itself cannot rewrite history: the triggers stop it.
  service_.reset();
  {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(dir_.File("central.db").c_str(), &db), SQLITE_OK);
    EXPECT_NE(sqlite3_exec(db, "UPDATE audit_log SET actor = 'x' WHERE seq = 1", nullptr, nullptr, nullptr),
              SQLITE_OK);
    EXPECT_NE(sqlite3_exec(db, "DELETE FROM audit_log WHERE seq = 1", nullptr, nullptr, nullptr), SQLITE_OK);
    sqlite3_close(db);
  }
  Open();
  // Someone with the file drops the triggers and edits an entry: the chain breaks there.
  TamperWith("DROP TRIGGER audit_log_no_update; UPDATE audit_log SET detail = 'mallory as leader' WHERE seq = 5");
  auto changed = service_->VerifyAudit();
  ASSERT_TRUE(changed.ok());
  EXPECT_FALSE(changed->intact);
  EXPECT_EQ(changed->entries, 4u);
  EXPECT_THAT(changed->problem, HasSubstr("audit entry 5"));
  EXPECT_THAT(changed->problem, HasSubstr("changed after it was written"));
}

TEST_F(SecurityTest, AuditChainShowsARemovedEntry) {
  TamperWith("DROP TRIGGER audit_log_no_delete; DELETE FROM audit_log WHERE seq = 2");
  auto check = service_->VerifyAudit();
  ASSERT_TRUE(check.ok());
  EXPECT_FALSE(check->intact);
  EXPECT_THAT(check->problem, HasSubstr("audit entry 3 follows entry 1"));
}

// Someone with the file rewrites the log from entry 3 on and recomputes every hash after it: the
// chain alone looks intact, the anchor kept from an earlier verify does not.
TEST_F(SecurityTest, AnchorShowsALogRewrittenWithRecomputedHashesOrCutShort) {
  auto before = service_->VerifyAudit();
  ASSERT_TRUE(before.ok() && before->intact);
  const uint64_t anchor_seq = before->entries;
  const std::string anchor = before->head_sha256;
  EXPECT_TRUE(service_->VerifyAudit(anchor_seq, anchor)->intact);

  auto entries = service_->AuditEntries(0, 1000);
  ASSERT_TRUE(entries.ok());
  std::string sql = "DROP TRIGGER audit_log_no_update; ";
  std::string prev = (*entries)[1].sha256;
  for (size_t i = 2; i < entries->size(); ++i) {
    AuditEntry e = (*entries)[i];
    if (i == 2) e.event.detail = "mallory as leader";
    e.prev_sha256 = prev;
    e.sha256 = AuditEntryHash(e);
    prev = e.sha256;
    sql += "UPDATE audit_log SET detail = '" + e.event.detail + "', prev_sha256 = '" + e.prev_sha256 +
           "', sha256 = '" + e.sha256 + "' WHERE seq = " + std::to_string(e.seq) + "; ";
  }
  TamperWith(sql);
  auto chain_only = service_->VerifyAudit();
  ASSERT_TRUE(chain_only.ok());
  EXPECT_TRUE(chain_only->intact) << "a recomputed chain is consistent by itself";
  auto anchored = service_->VerifyAudit(anchor_seq, anchor);
  EXPECT_FALSE(anchored->intact);
  EXPECT_THAT(anchored->problem, HasSubstr("not the entry anchored earlier"));

  TamperWith("DROP TRIGGER audit_log_no_delete; DELETE FROM audit_log WHERE seq = " + std::to_string(anchor_seq));
  auto cut = service_->VerifyAudit(anchor_seq, anchor);
  EXPECT_FALSE(cut->intact);
  EXPECT_THAT(cut->problem, HasSubstr("tail was removed"));
}

TEST_F(SecurityTest, RevokingAUserVoidsTheirUnusedEnrolmentCodes) {
  auto code = service_->CreateEnrollmentCode("khoa");
  ASSERT_TRUE(code.ok());
  EnrolledToken("khoa", "dev-khoa");
  ASSERT_TRUE(service_->RevokeDevices("", "khoa").ok());
  auto stolen = service_->Enroll(*code, "dev-thief", "");
  EXPECT_EQ(stolen.status().code(), StatusCode::kPermissionDenied);
  auto fresh = service_->CreateEnrollmentCode("khoa");
  EXPECT_TRUE(service_->Enroll(*fresh, "dev-khoa-new", "").ok()) << "codes made afterwards work";
}

TEST_F(SecurityTest, AResendTheServerAlreadyHadAddsNoAuditEntry) {
  const std::string token = EnrolledToken("khoa", "dev-khoa");
  auto body = ChangeSetOf("dev-khoa", {Answer(Khoa(), 1, seed_.q4, seed_.a1, "results", "Một lần")});
  ASSERT_EQ(Send(protocol::kPushPath, body, token).status, 200);
  const size_t entries = service_->AuditEntries(0, 1000)->size();
  ASSERT_EQ(Send(protocol::kPushPath, body, token).status, 200);
  EXPECT_EQ(service_->AuditEntries(0, 1000)->size(), entries);
}

TEST_F(SecurityTest, WrongContentTypeIs415AndNothingIsApplied) {
  const std::string token = EnrolledToken("khoa", "dev-khoa");
  const uint64_t head = Head();
  RouterRequest req = PostRequest(
      protocol::kPushPath,
      ChangeSetOf("dev-khoa", {Answer(Khoa(), 1, seed_.q4, seed_.a1, "results", "x")}).SerializeAsString(), token);
  req.headers["Content-Type"] = "application/json";
  auto refused = RequestRouter(*service_).Handle(req);
  EXPECT_EQ(refused.status, 415);
  EXPECT_EQ(ErrorCode(refused), "unsupported_media_type");
  EXPECT_THAT(ErrorMessage(refused), HasSubstr("application/json"));
  EXPECT_EQ(Head(), head);
  // Case and parameters do not matter.
  req.headers["Content-Type"] = "Application/X-Protobuf; charset=binary";
  EXPECT_EQ(RequestRouter(*service_).Handle(req).status, 200);
}

TEST_F(SecurityTest, PushRefusalNamesTheChangeThatCausedIt) {
  const std::string token = EnrolledToken("khoa", "dev-khoa");
  // Change 3 is in visit V2, which khoa is not assigned to.
  auto refused = Send(protocol::kPushPath,
                      ChangeSetOf("dev-khoa", {Answer(Khoa(), 1, seed_.q4, seed_.a1, "results", "một"),
                                               Answer(Khoa(), 2, seed_.q4, seed_.a1, "limitations", "hai"),
                                               Answer(Khoa(), 3, seed_.cnsg, seed_.b1, "results", "ba")}),
                      token);
  EXPECT_EQ(refused.status, 403);
  wire::ErrorResponse error;
  ASSERT_TRUE(error.ParseFromString(refused.body));
  EXPECT_EQ(error.refused_change(), 3u);
  // An invalid change 2 (no timestamp).
  Change unstamped = Answer(Khoa(), 2, seed_.q4, seed_.a1, "limitations", "hai");
  unstamped.hlc = Hlc{};
  auto invalid = Send(protocol::kPushPath,
                      ChangeSetOf("dev-khoa", {Answer(Khoa(), 1, seed_.q4, seed_.a1, "results", "một"), unstamped}),
                      token);
  EXPECT_EQ(invalid.status, 400);
  ASSERT_TRUE(error.ParseFromString(invalid.body));
  EXPECT_EQ(error.refused_change(), 2u);
  // A refusal of the whole request names no change.
  wire::ChangeSet other_device = ChangeSetOf("dev-other", {});
  auto whole = Send(protocol::kPushPath, other_device, token);
  EXPECT_EQ(whole.status, 403);
  ASSERT_TRUE(error.ParseFromString(whole.body));
  EXPECT_EQ(error.refused_change(), 0u);
}

}  // namespace
}  // namespace fieldsync::server::testing
