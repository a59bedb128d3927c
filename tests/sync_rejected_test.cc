// S11 on the tablet: a change the server refuses for good is set aside on the tablet's rejected
// list with the server's reason, and the changes behind it still go through.
#include "fieldsync/body_compression.h"
#include "fieldsync/wire_codec.h"
#include "sync_harness.h"

namespace fieldsync {
namespace {

// Answers a push holding a change of field "poison" with a 400 that names no change, the way a
// server would refuse a body it cannot parse; forwards everything else.
class PoisonRefusingTransport final : public HttpTransport {
 public:
  explicit PoisonRefusingTransport(HttpTransport& inner) : inner_(inner) {}
  Result<HttpResponse> Send(const HttpRequest& request) override {
    wire::ChangeSet set;
    if (request.path == protocol::kPushPath && set.ParseFromString(body::PlainBody(request.headers, request.body))) {
      ++pushes;
      size_t bad = 0;
      auto changes = set.has_grouped() ? wire_codec::FromGroup(set.grouped(), &bad) : Result<std::vector<Change>>(std::vector<Change>{});
      std::vector<std::string> fields;
      for (const auto& c : set.changes()) fields.push_back(c.field());
      if (changes.ok()) for (const auto& c : *changes) fields.push_back(c.field);
      for (const auto& field : fields) {
        if (field != "poison") continue;
        wire::ErrorResponse error;
        error.set_code("malformed");
        error.set_message("the request body is not a valid ChangeSet message");
        return HttpResponse{400, {}, error.SerializeAsString()};
      }
    }
    return inner_.Send(request);
  }
  int pushes = 0;

 private:
  HttpTransport& inner_;
};

class RejectedTest : public SyncHarness {
 protected:
  void SetUp() override {
    SyncHarness::SetUp();
    khoa_ = Enroll("khoa");
    office_ = Enroll("thuongtruc");
    ASSERT_TRUE(khoa_->Sync().ok());
  }

  // An answer of khoa's to a unit of V2, which he is not assigned to: the Checklist refuses it, so
  // it is written straight into the store as a buggy or outdated app might have.
  void WriteOutOfScopeAnswer() {
    const auto& plan = seed::Plan31();
    const auto& cnsg = plan.units[2];
    ASSERT_EQ(cnsg.code, "CNSG");
    auto written = khoa_->store->Write(
        {FieldWrite{domain::kAnswer, domain::AnswerId(cnsg.id, plan.items[7].id), "results",
                    std::string("Ghi nhầm đơn vị"), false}});
    ASSERT_TRUE(written.ok()) << written.status().ToString();
  }

  std::set<std::string> ServerTexts() {
    std::set<std::string> texts;
    for (const auto& c : PullEverything(office_->Token())) {
      if (c.record_type() == domain::kAnswer && c.value().has_text()) texts.insert(c.value().text());
    }
    return texts;
  }

  std::unique_ptr<Tablet> khoa_, office_;
};

TEST_F(RejectedTest, S11_RefusedChangeIsSetAsideAndTheRestOfTheOutboxMoves) {
  khoa_->Answer("Q4", "A1", AnswerEdit{.results = std::string("Trước thay đổi bị từ chối")});
  WriteOutOfScopeAnswer();
  khoa_->Answer("Q4", "A2", AnswerEdit{.results = std::string("Sau thay đổi bị từ chối")});
  khoa_->Answer("Q4", "A3", AnswerEdit{.limitations = std::string("Còn thiếu hồ sơ")});

  auto report = khoa_->Sync();
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->rejected, 1);
  EXPECT_EQ(*khoa_->store->PendingCount(), 0);
  auto texts = ServerTexts();
  EXPECT_TRUE(texts.contains("Trước thay đổi bị từ chối"));
  EXPECT_TRUE(texts.contains("Sau thay đổi bị từ chối"));
  EXPECT_TRUE(texts.contains("Còn thiếu hồ sơ"));
  EXPECT_FALSE(texts.contains("Ghi nhầm đơn vị"));

  auto rejected = khoa_->store->RejectedChanges();
  ASSERT_TRUE(rejected.ok());
  ASSERT_EQ(rejected->size(), 1u);
  EXPECT_EQ(std::get<std::string>((*rejected)[0].change.value), "Ghi nhầm đơn vị");
  EXPECT_EQ((*rejected)[0].code, "forbidden");
  EXPECT_NE((*rejected)[0].reason.find("not assigned"), std::string::npos) << (*rejected)[0].reason;
  auto status = SyncEngine::ReadStatus(*khoa_->store);
  ASSERT_TRUE(status.ok());
  EXPECT_EQ(status->rejected, 1);

  // The next sync does not send it again.
  auto again = khoa_->Sync();
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->pushed, 0);
  EXPECT_EQ(again->rejected, 0);
}

// Refused as outside his sessions, khoa's answer waits on the rejected list; once the secretariat
// assigns him to that session, it goes out by itself (no retyping).
TEST_F(RejectedTest, S11_ChangesRefusedForScopeGoOutOnceTheUserIsAssigned) {
  WriteOutOfScopeAnswer();
  auto first = khoa_->Sync();
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(first->rejected, 1);
  ASSERT_TRUE(server_->service().Assign("khoa", "V2").ok());
  ASSERT_TRUE(khoa_->Sync().ok());  // learns the new scope, puts the change back
  ASSERT_TRUE(khoa_->Sync().ok());  // sends it
  EXPECT_TRUE(ServerTexts().contains("Ghi nhầm đơn vị"));
  EXPECT_EQ(*khoa_->store->RejectedCount(), 0);
  EXPECT_EQ(*khoa_->store->PendingCount(), 0);
}

TEST_F(RejectedTest, RetryRejectedPutsThemBackUnchanged) {
  WriteOutOfScopeAnswer();
  ASSERT_TRUE(khoa_->Sync().ok());
  auto rejected = khoa_->store->RejectedChanges();
  ASSERT_EQ(rejected->size(), 1u);
  EXPECT_EQ(*khoa_->store->RequeueRejected(), 1);
  auto pending = khoa_->store->PendingChanges(10);
  ASSERT_EQ(pending->size(), 1u);
  EXPECT_EQ((*pending)[0].device_seq, (*rejected)[0].change.device_seq);
  EXPECT_EQ((*pending)[0].hlc, (*rejected)[0].change.hlc);
  EXPECT_EQ((*pending)[0].value, (*rejected)[0].change.value);
  EXPECT_EQ(*khoa_->store->RejectedCount(), 0);
}

TEST_F(RejectedTest, S11_RefusalNamingNoChangeIsNarrowedDownByHalvingTheBatch) {
  for (int i = 0; i < 6; ++i) {
    khoa_->Answer("Q4", "A" + std::to_string(i + 1), AnswerEdit{.results = "Nội dung " + std::to_string(i)});
  }
  ASSERT_TRUE(khoa_->store->Write({FieldWrite{domain::kAnswer, "poison-record", "poison", std::string("x"), false}}).ok());
  khoa_->Answer("Q4", "A7", AnswerEdit{.results = std::string("Nội dung cuối")});

  PoisonRefusingTransport transport(*khoa_->http);
  auto report = khoa_->SyncThrough(transport);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->rejected, 1);
  EXPECT_EQ(*khoa_->store->PendingCount(), 0);
  auto texts = ServerTexts();
  for (int i = 0; i < 6; ++i) EXPECT_TRUE(texts.contains("Nội dung " + std::to_string(i))) << i;
  EXPECT_TRUE(texts.contains("Nội dung cuối"));
  auto rejected = khoa_->store->RejectedChanges();
  ASSERT_EQ(rejected->size(), 1u);
  EXPECT_EQ((*rejected)[0].change.field, "poison");
  EXPECT_EQ((*rejected)[0].code, "malformed");
  EXPECT_LE(transport.pushes, 12) << "halving, not one request per change and retry";
}

TEST_F(RejectedTest, RefusalsThatMayPassLaterAreNotSetAside) {
  khoa_->Answer("Q4", "A1", AnswerEdit{.results = std::string("Chờ mạng")});
  const int64_t pending = *khoa_->store->PendingCount();
  ASSERT_GT(pending, 0);
  ASSERT_TRUE(server_->service().RevokeDevices(khoa_->DeviceId(), "").ok());
  auto report = khoa_->Sync();
  EXPECT_EQ(report.status().code(), StatusCode::kUnauthenticated);
  EXPECT_EQ(*khoa_->store->PendingCount(), pending) << "a revoked tablet keeps its outbox";
  EXPECT_TRUE(khoa_->store->RejectedChanges()->empty());
}

}  // namespace
}  // namespace fieldsync
