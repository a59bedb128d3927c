// Requests the server must refuse with a clear 4xx, applying nothing, and keep serving:
// unauthenticated, wrong token, out of scope, wrong role (S11, S12), malformed and oversized (S11).
#include "sync_harness.h"

namespace fieldsync {
namespace {

class RefusalTest : public SyncHarness {
 protected:
  void SetUp() override {
    SyncHarness::SetUp();
    khoa_ = Enroll("khoa");
    office_ = Enroll("thuongtruc");
    ASSERT_TRUE(khoa_->Sync().ok());
    baseline_ = PullEverything(office_->Token()).size();
  }

  // A one-change set from khoa's device, numbered after anything it has sent.
  std::string ChangeSetFor(const std::string& type, const std::string& id, const std::string& field,
                           const std::string& text) {
    wire::ChangeSet set;
    set.set_protocol_version(protocol::kVersion);
    set.set_device_id(khoa_->DeviceId());
    auto* c = set.add_changes();
    c->set_record_type(type);
    c->set_record_id(id);
    c->set_field(field);
    c->mutable_value()->set_text(text);
    c->set_hlc(khoa_->store->LastHlc().Pack() + (1 << 16));
    c->set_device_id(khoa_->DeviceId());
    c->set_device_seq(1000 + ++sent_);
    c->set_author("khoa");
    return set.SerializeAsString();
  }

  void ExpectRefused(int expected_status, const std::string& body, const std::string& token, const char* why) {
    std::string answer;
    EXPECT_EQ(RawPost(protocol::kPushPath, body, token, &answer), expected_status) << why;
    wire::ErrorResponse error;
    EXPECT_TRUE(error.ParseFromString(answer) && !error.message().empty()) << why << ": the answer explains itself";
    EXPECT_EQ(PullEverything(office_->Token()).size(), baseline_) << why << ": nothing was applied";
  }

  std::unique_ptr<Tablet> khoa_, office_;
  size_t baseline_ = 0;
  int sent_ = 0;
};

TEST_F(RefusalTest, S11_UnauthenticatedAndWrongTokenAreRefused) {
  std::string body = ChangeSetFor(domain::kAnswer, "x/y", "results", "không có thẻ");
  ExpectRefused(401, body, "", "no token");
  ExpectRefused(401, body, "0123456789abcdef0123456789abcdef", "unknown token");
}

TEST_F(RefusalTest, S12_MemberCannotEditTemplatesOrThePlan) {
  const auto& plan = seed::Plan31();
  ExpectRefused(403, ChangeSetFor(domain::kItem, plan.items[0].id, "text", "sửa mẫu"), khoa_->Token(), "template item");
  ExpectRefused(403, ChangeSetFor(domain::kPlan, plan.plan.id, "title", "đổi kế hoạch"), khoa_->Token(), "plan");
}

TEST_F(RefusalTest, S12_MemberCannotWriteOutsideAssignedVisits) {
  const auto& plan = seed::Plan31();
  // khoa is assigned to sessions V1 and V3; CNSG belongs to V2.
  const auto& cnsg = plan.units[2];
  ASSERT_EQ(cnsg.code, "CNSG");
  ExpectRefused(403, ChangeSetFor(domain::kAnswer, domain::AnswerId(cnsg.id, plan.items[7].id), "results", "ngoài phạm vi"),
                khoa_->Token(), "answer outside scope");
  ExpectRefused(403, ChangeSetFor(domain::kConclusion, domain::ConclusionId(plan.visits[0].id), "results", "kết luận"),
                khoa_->Token(), "a member writing a conclusion");
}

TEST_F(RefusalTest, S11_MalformedAndOversizedBodiesGet4xxAndTheServerKeepsServing) {
  std::string answer;
  EXPECT_EQ(RawPost(protocol::kPushPath, "\xff\xff\xff not protobuf", khoa_->Token(), &answer), 400);
  EXPECT_EQ(RawPost(protocol::kPushPath, std::string(5 * 1024 * 1024, 'x'), khoa_->Token(), &answer), 413);
  EXPECT_EQ(RawPost(protocol::kPullPath, "\x08", khoa_->Token(), &answer), 400) << "truncated protobuf";
  EXPECT_EQ(PullEverything(office_->Token()).size(), baseline_);

  // Still serving: a real edit syncs.
  AnswerEdit edit;
  edit.results = "Vẫn đồng bộ được";
  khoa_->Answer("Q4", "A3", edit);
  auto report = khoa_->Sync();
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->pushed, 4);
}

TEST_F(RefusalTest, S11_UnsupportedProtocolVersionIsToldToUpgrade) {
  auto http = MakeCpprestTransport(server_->url());
  HttpRequest req;
  req.path = protocol::kPullPath;
  req.headers[protocol::kVersionHeader] = "99";
  req.headers["Authorization"] = "Bearer " + khoa_->Token();
  auto answer = (*http)->Send(req);
  ASSERT_TRUE(answer.ok());
  EXPECT_EQ(answer->status, 426);
  wire::ErrorResponse error;
  ASSERT_TRUE(error.ParseFromString(answer->body));
  EXPECT_EQ(error.code(), "unsupported_protocol");
}

}  // namespace
}  // namespace fieldsync

namespace fieldsync {
namespace {

TEST_F(SyncHarness, S11_ACodeForAnotherUserIsRefusedWithoutUsingItUp) {
  auto khoa = Enroll("khoa");
  auto code = server_->service().CreateEnrollmentCode("tham");
  ASSERT_TRUE(code.ok());
  SyncEngine engine(*khoa->store, *khoa->http, Tablet::FastOptions());
  Status refused = engine.Enroll(server_->url(), *code, "khoa's tablet again");
  EXPECT_EQ(refused.code(), StatusCode::kPermissionDenied);
  EXPECT_NE(refused.message().find("belongs to 'khoa'"), std::string::npos) << refused.message();
  EXPECT_EQ(khoa->store->Identity()->user_name, "khoa");
  EXPECT_TRUE(khoa->Sync().ok()) << "the tablet keeps working with its own token";

  auto fresh = std::move(DeviceStore::Open(dir_.File("tham-new.db")).value());
  SyncEngine tham(*fresh, *khoa->http, Tablet::FastOptions());
  EXPECT_TRUE(tham.Enroll(server_->url(), *code, "tham's tablet").ok()) << "the code was not used up";
  EXPECT_EQ(fresh->Identity()->user_name, "tham");
}

}  // namespace
}  // namespace fieldsync
