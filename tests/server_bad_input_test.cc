// S11 bad input, one case per kind (issue 5): each request gets a 4xx with a code and a message
// that says what was wrong, nothing is applied, and the server keeps serving.
#include "fieldsync/body_compression.h"
#include "server_test_util.h"

namespace fieldsync::server::testing {
namespace {

struct BadCase {
  std::string name;
  RouterRequest request;
  int status;
  std::string code;
};

class BadInputTest : public ServiceTest {
 protected:
  void SetUp() override {
    ServiceTest::SetUp();
    token_ = EnrolledToken("khoa", "dev-khoa");
  }

  RouterRequest Post(const std::string& path, std::string body) { return PostRequest(path, std::move(body), token_); }

  // A push of khoa's answer to Q4·A1 with `field` = `value`, after `edit` changed it.
  RouterRequest PushOf(const std::function<void(Change&)>& edit, const std::string& field = "results",
                       Value value = std::string("Có kế hoạch")) {
    Change c = Make(Khoa(), ++seq_, domain::kAnswer, domain::AnswerId(seed_.q4.id, seed_.a1.id), field, value);
    edit(c);
    return Post(protocol::kPushPath, ChangeSetOf("dev-khoa", {c}).SerializeAsString());
  }

  std::string token_;
  uint64_t seq_ = 0;
};

TEST_F(BadInputTest, S11_EveryKindOfBadRequestIsA4xxThatExplainsItselfAndAppliesNothing) {
  const auto none = [](Change&) {};
  std::vector<BadCase> cases;
  cases.push_back({"malformed protobuf", Post(protocol::kPushPath, "\xff\xfe not protobuf"), 400, "malformed"});
  {
    std::string whole = PushOf(none).body;
    cases.push_back({"truncated body", Post(protocol::kPushPath, whole.substr(0, whole.size() / 2)), 400, "malformed"});
  }
  {
    RouterRequest json = PushOf(none);
    json.headers["Content-Type"] = "application/json";
    cases.push_back({"wrong content type", json, 415, "unsupported_media_type"});
  }
  {
    RouterRequest gzip = PushOf(none);
    gzip.headers["Content-Encoding"] = "gzip";
    cases.push_back({"unknown content encoding", gzip, 415, "unsupported_media_type"});
    RouterRequest corrupt = PushOf(none);
    corrupt.headers["Content-Encoding"] = body::kZstd;
    cases.push_back({"zstd body that is not zstd", corrupt, 400, "malformed"});
    // 8 MiB of zeros compress to a few hundred bytes: refused without inflating past the limit.
    RouterRequest bomb = Post(protocol::kPushPath, body::Compress(std::string(2 * protocol::kMaxBodyBytes, '\0')));
    bomb.headers["Content-Encoding"] = body::kZstd;
    ASSERT_LT(bomb.body.size(), 4096u);
    cases.push_back({"zstd body over the size limit once decompressed", bomb, 413, "too_large"});
  }
  {
    // proto3 refuses a string field that is not UTF-8 while parsing.
    wire::ChangeSet set = ChangeSetOf("dev-khoa", {});
    auto* c = set.add_changes();
    c->set_record_type(domain::kAnswer);
    c->set_record_id(domain::AnswerId(seed_.q4.id, seed_.a1.id));
    c->set_field("results");
    c->mutable_value()->set_text(std::string("Ph\xE1\xBB") + "\xff");
    c->set_hlc(Hlc{clock_.NowMillis(), 0}.Pack());
    c->set_device_id("dev-khoa");
    c->set_device_seq(++seq_);
    cases.push_back({"invalid UTF-8", Post(protocol::kPushPath, set.SerializePartialAsString()), 400, "malformed"});
  }
  {
    RouterRequest huge = PushOf(none);
    huge.headers["Content-Length"] = std::to_string(protocol::kMaxBodyBytes + 1);
    cases.push_back({"body over the size limit (declared)", huge, 413, "too_large"});
    cases.push_back({"body over the size limit (sent)", Post(protocol::kPushPath, std::string(protocol::kMaxBodyBytes + 1, 'x')), 413, "too_large"});
  }
  {
    std::vector<Change> many;
    for (size_t i = 0; i <= protocol::kMaxChangesPerPush; ++i) {
      many.push_back(Answer(Khoa(), 1000 + i, seed_.q4, seed_.a1, "results", "x"));
    }
    cases.push_back({"batch over the length limit", Post(protocol::kPushPath, ChangeSetOf("dev-khoa", many).SerializeAsString()), 413, "too_many_changes"});
  }
  cases.push_back({"text over the field limit", PushOf(none, "results", std::string(kMaxTextBytes + 1, 'a')), 400, "invalid_change"});
  cases.push_back({"name over its limit", PushOf([](Change& c) { c.field = std::string(2000, 'f'); }), 400, "invalid_change"});
  cases.push_back({"device sequence above 2^63 - 1", PushOf([](Change& c) { c.device_seq = (uint64_t{1} << 63) + 5; }), 400, "invalid_change"});
  cases.push_back({"rating outside the scale (enum)", PushOf(none, "rating", std::string("xuat_sac")), 400, "invalid_change"});
  cases.push_back({"rating as a label, not a code", PushOf(none, "rating", std::string("Tốt")), 400, "invalid_change"});
  cases.push_back({"answer part of the wrong type", PushOf(none, "results", int64_t{5}), 400, "invalid_change"});
  cases.push_back({"unknown record type", PushOf([](Change& c) { c.record_type = "spaceship"; c.record_id = "x"; }), 400, "invalid_change"});
  cases.push_back({"answer of an unknown unit", PushOf([](Change& c) { c.record_id = "no-such-unit/no-such-item"; }), 400, "invalid_change"});
  cases.push_back({"no HLC", PushOf([](Change& c) { c.hlc = Hlc{}; }), 400, "invalid_change"});
  cases.push_back({"far-future HLC", PushOf([&](Change& c) { c.hlc = Hlc{clock_.NowMillis() + 365LL * 24 * 3600 * 1000, 0}; }), 400, "clock_ahead"});
  cases.push_back({"another user's authorship", PushOf([](Change& c) { c.author = "luan"; }), 403, "forbidden"});
  {
    RouterRequest future = PushOf(none);
    future.headers[protocol::kVersionHeader] = "2";
    cases.push_back({"future protocol version (header)", future, 426, "unsupported_protocol"});
    wire::ChangeSet set = ChangeSetOf("dev-khoa", {Answer(Khoa(), ++seq_, seed_.q4, seed_.a1, "results", "x")});
    set.set_protocol_version(2);
    cases.push_back({"future protocol version (message)", Post(protocol::kPushPath, set.SerializeAsString()), 426, "unsupported_protocol"});
  }
  {
    RouterRequest anonymous = PushOf(none);
    anonymous.headers.erase("Authorization");
    cases.push_back({"no token", anonymous, 401, "unauthenticated"});
    RouterRequest get = PushOf(none);
    get.method = "GET";
    cases.push_back({"wrong method", get, 405, "method_not_allowed"});
    RouterRequest unknown = PushOf(none);
    unknown.path = "/v1/../admin";
    cases.push_back({"unknown path", unknown, 404, "not_found"});
  }
  {
    cases.push_back({"snapshot with a page token the server did not make",
                     [&] {
                       wire::SnapshotRequest snap;
                       snap.set_protocol_version(protocol::kVersion);
                       snap.set_page_token("not a token");
                       return Post(protocol::kSnapshotPath, snap.SerializeAsString());
                     }(),
                     400, "invalid_request"});
  }

  RequestRouter router(*service_);
  RouterRequest health;
  health.method = "GET";
  health.path = protocol::kHealthPath;
  for (const auto& bad : cases) {
    const uint64_t head = Head();
    RouterResponse answer = router.Handle(bad.request);
    EXPECT_EQ(answer.status, bad.status) << bad.name;
    wire::ErrorResponse error;
    ASSERT_TRUE(error.ParseFromString(answer.body)) << bad.name;
    EXPECT_EQ(error.code(), bad.code) << bad.name << ": " << error.message();
    EXPECT_GT(error.message().size(), 20u) << bad.name << ": a message that says what to do";
    EXPECT_EQ(Head(), head) << bad.name << ": nothing applied";
    EXPECT_EQ(router.Handle(health).status, 200) << bad.name << ": still serving";
  }
  // And a good push still goes through afterwards.
  EXPECT_EQ(router.Handle(PushOf([](Change&) {})).status, 200);
}

}  // namespace
}  // namespace fieldsync::server::testing
